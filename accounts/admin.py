"""The Django admin, for platform operators only (at /operators/).

Its own login form is replaced by ours, so operators pass the same throttling and two-factor step
as everyone else; TwoFactorRequiredMiddleware makes sure staff have two-factor set up.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import User
from audit.models import Event, record


def login_through_samen(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    if request.user.is_authenticated:
        # Signed in but not staff: sending them to our login would bounce straight back here.
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


admin.site.login = login_through_samen  # type: ignore[method-assign]
admin.site.site_header = "Samen operators"
admin.site.site_title = "Samen operators"


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "language", "is_active", "is_staff", "has_two_factor", "last_login"]
    list_filter = ["is_active", "is_staff", "language"]
    search_fields = ["email", "name"]
    ordering = ["email"]
    # The TOTP secret and the password hash never appear; passwords are set through the reset link.
    fields = [
        "email",
        "name",
        "language",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "totp_confirmed_at",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["totp_confirmed_at", "date_joined", "last_login"]
    filter_horizontal = ["groups", "user_permissions"]
    actions = ["turn_off_two_factor"]

    @admin.display(boolean=True, description="Two-factor")
    def has_two_factor(self, user: User) -> bool:
        return user.has_two_factor

    @admin.action(description="Turn off two-factor authentication (lost phone and recovery codes)")
    def turn_off_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        # The way back in for someone who lost both their phone and their recovery codes. People whose
        # role requires two-factor are sent to set it up again at their next login.
        for user in queryset:
            user.disable_two_factor()
            record(
                Event.TWO_FACTOR_DISABLED,
                actor=request.user.get_username(),
                target=user.email,
                detail={"by": "operator"},
            )
        messages.success(request, f"Two-factor authentication turned off for {queryset.count()} people.")
