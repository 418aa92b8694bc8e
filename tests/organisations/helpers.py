"""Small builders shared by the organisations tests."""

from django.urls import reverse

from organisations.models import Organisation, Partnership


def url(name: str, org: Organisation | str, **kwargs: object) -> str:
    slug = org if isinstance(org, str) else org.slug
    return reverse(f"organisations:{name}", kwargs={"slug": slug, **kwargs})


def partner_org(name: str = "Kampala Women's Network", **fields: object) -> Organisation:
    fields.setdefault("slug", Organisation.free_slug(name))
    fields.setdefault("country", "UG")
    return Organisation.objects.create(name=name, kind=Organisation.Kind.PARTNER, **fields)


def partnership(org: Organisation, partner: Organisation, **fields: object) -> Partnership:
    fields.setdefault("kind", Partnership.Kind.FUNDING)
    return Partnership.objects.create(organisation=org, partner=partner, **fields)


def errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def query_count(client, path: str, *, computed: bool = False) -> int:
    """Queries one page view makes, after a first view has warmed the session and caches; `computed`: with the
    cache emptied in between, so what the page keeps there (the overview's cards) is computed, not read."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    if computed:
        cache.clear()
    with CaptureQueriesContext(connection) as context:
        client.get(path)
    return len(context.captured_queries)
