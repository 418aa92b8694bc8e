from django.http import HttpRequest

from organisations.access import memberships_of


def organisations(request: HttpRequest) -> dict[str, object]:
    """The signed-in person's organisations, and the one the current page belongs to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = memberships_of(request)
    slug = request.resolver_match.kwargs.get("slug") if request.resolver_match else None
    current = next((m for m in memberships if m.organisation.slug == slug), None)
    return {"my_memberships": memberships, "current_membership": current}
