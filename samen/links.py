"""Links for the rows of a list, reversed once.

    link = link_by_code("organisations:partnership", "code", slug=organisation.slug)
    link(partnership.code)  # "/o/hulp/partners/<code>/"

Rows whose links differ only in one code (a UUID) need one `reverse()` for the page, not one each: on a long
list (60 requirements, 25 partners, 20 dilemmas) a `{% url %}` per row was a good part of the page's time.
"""

from collections.abc import Callable
from uuid import UUID

from django.urls import reverse

MARKER = str(UUID(int=0))


def link_by_code(name: str, argument: str, **kwargs: object) -> Callable[[object], str]:
    """The URL of view `name` with `kwargs` and any value of its UUID argument `argument`."""
    before, _sep, after = reverse(name, kwargs={**kwargs, argument: MARKER}).partition(MARKER)
    return lambda code: f"{before}{code}{after}"
