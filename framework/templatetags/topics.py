from collections.abc import Iterable

from django import template

from framework import topics

register = template.Library()


@register.inclusion_tag("framework/_topic_links.html")
def topic_links(codes: Iterable[str], slug: str) -> dict[str, object]:
    """Links to material on these taxonomy codes, in organisation `slug` (see framework.topics)."""
    return {"links": topics.links(codes or [], slug)}
