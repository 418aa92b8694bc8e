"""Links into the dilemma library for other apps: an assessment gap or an action points at dilemmas on its topic."""

from collections.abc import Iterable
from urllib.parse import urlencode

from django.urls import reverse


def for_topic(violation_type_codes: Iterable[str], *, slug: str) -> str:
    """The library of organisation `slug`, filtered on these taxonomy codes (violation types or sub-types).

    A type also finds the dilemmas tagged with its sub-types; codes the taxonomy does not know are ignored
    by the library, so a link made from older data still opens it.
    """
    url = reverse("dilemmas:library", kwargs={"slug": slug})
    codes = list(dict.fromkeys(c for c in violation_type_codes if c))
    return f"{url}?{urlencode([('tag', c) for c in codes])}" if codes else url
