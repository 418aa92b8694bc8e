"""`{% pages page_obj %}`: previous / next links for one paginated list, keeping the rest of the query.

A page may show several paginated lists (the map: organisations, relations, partners), each with its own query
parameter; `{% querystring %}` only takes literal parameter names, so the links are built here.
"""

from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("organisations/_pages.html", takes_context=True)
def pages(context: template.Context, page_obj: Page, param: str = "page", label: str = "") -> dict[str, Any]:
    """Links to the page before and after `page_obj` in `param`, the other parameters kept; `label` names the list."""

    def link(number: int) -> str:
        query = context["request"].GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    return {
        "page_obj": page_obj,
        "label": label or _("Pages"),
        "previous": link(page_obj.previous_page_number()) if page_obj.has_previous() else "",
        "next": link(page_obj.next_page_number()) if page_obj.has_next() else "",
    }
