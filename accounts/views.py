"""Logging in and out, two-factor authentication, and a person's own account settings.

Each view reads top to bottom: who may do this → is the input valid → change → where to next.
"""

import time

import pyotp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.forms import (
    WRONG_CODE,
    LanguageForm,
    LoginForm,
    PasswordConfirmForm,
    ProfileForm,
    ReauthenticateForm,
    RecoveryCodeForm,
    TotpForm,
    TwoFactorSetupForm,
)
from accounts.models import RecoveryCode, TokenBucket, User, totp_step
from accounts.signals import password_changed
from audit.models import Event, record

# Between the password and the second factor, the session holds who is logging in, since when, and where to.
PENDING_USER = "accounts:pending-user"
PENDING_SINCE = "accounts:pending-since"
PENDING_NEXT = "accounts:pending-next"
PENDING_SECONDS = 5 * 60
# A new authenticator's secret waits here until the person confirms a first code.
NEW_AUTHENTICATOR = "accounts:new-authenticator"


def _post_data(request: HttpRequest) -> QueryDict | None:
    """The form data to bind: the POST on a submit, nothing (an unbound form) on a GET."""
    return request.POST if request.method == "POST" else None


def _safe_next(request: HttpRequest, url: str | None) -> str:
    """`url` when it points into Samen, else the start page: a login link must not send anyone elsewhere."""
    allowed_hosts = {request.get_host()}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=allowed_hosts, require_https=request.is_secure()):
        return url
    return reverse("home")


def _client_ip(request: HttpRequest) -> str:
    # Behind our reverse proxy (BEHIND_PROXY=1) REMOTE_ADDR is the proxy itself. The proxy appends the
    # address it saw as the last X-Forwarded-For entry; earlier entries come from the client and can be forged.
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _attempt_allowed(key: str, capacity: int) -> bool:
    return TokenBucket.authorize(key, capacity, settings.LOGIN_ATTEMPTS_WINDOW_SECONDS)


def _set_language_cookie(response: HttpResponseBase, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a str setting, checked by Django
    )


def role_requires_two_factor(user: User) -> bool:
    """Platform operators, admins and integrity officers must keep two-factor authentication on.

    Asked through the reverse relation from organisations.Membership rather than by importing
    organisations: accounts sits below organisations and never imports it (see DESIGN.md). The role
    names must match organisations.models.TWO_FACTOR_ROLES; tests/accounts checks that they do.
    """
    return user.is_staff or user.memberships.filter(role__in=["admin", "officer"]).exists()


def _complete_login(request: HttpRequest, user: User, next_url: str | None) -> HttpResponse:
    login(request, user)  # also gives the session a new key, so a key planted before login is worthless
    translation.activate(user.language)
    record(Event.LOGIN, actor=user.email, detail={"two_factor": user.has_two_factor})
    response = redirect(_safe_next(request, next_url))
    # Django keeps the chosen language in a cookie (not the session); UserLanguageMiddleware then
    # follows user.language on every signed-in request, and the cookie keeps it after logging out.
    _set_language_cookie(response, user.language)
    return response


def _forget_pending(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT):
        request.session.pop(key, None)


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.user.is_authenticated:
        return redirect(_safe_next(request, next_url))

    form = LoginForm(_post_data(request))
    throttled = False
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # Per IP first: a stranger trying many accounts from one address should not lock out each of them.
        throttled_by = (
            "ip"
            if not _attempt_allowed(f"login-ip:{_client_ip(request)}", settings.LOGIN_ATTEMPTS_PER_IP)
            else "account"
            if not _attempt_allowed(f"login-email:{email}", settings.LOGIN_ATTEMPTS_PER_ACCOUNT)
            else ""
        )
        if throttled_by:
            record(Event.LOGIN_THROTTLED, target=email, detail={"step": "password", "limit": throttled_by})
            throttled = True
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                record(Event.LOGIN_FAILED, target=email)
                form.add_error(None, _("This email address and password do not match an account. Check both."))
            elif user.has_two_factor:
                request.session[PENDING_USER] = user.pk
                request.session[PENDING_SINCE] = time.time()
                request.session[PENDING_NEXT] = next_url
                return redirect("accounts:verify")
            else:
                return _complete_login(request, user, next_url)

    context = {"form": form, "next": next_url, "throttled": throttled}
    return render(request, "accounts/login.html", context, status=429 if throttled else 200)


@sensitive_post_parameters("code", "recovery_code")
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_USER)
    if user_id is None:
        return redirect("accounts:login")
    if time.time() - request.session.get(PENDING_SINCE, 0) > PENDING_SECONDS:
        _forget_pending(request)
        messages.error(request, _("More than five minutes passed after you entered your password. Log in again."))
        return redirect("accounts:login")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_two_factor:
        _forget_pending(request)
        return redirect("accounts:login")

    totp_form = TotpForm()
    recovery_form = RecoveryCodeForm()
    throttled = False
    if request.method == "POST":
        # Six digits are quickly guessed without a limit; this bucket belongs to the person, whatever the IP.
        if not _attempt_allowed(f"login-2fa:{user.pk}", settings.LOGIN_ATTEMPTS_PER_ACCOUNT):
            record(Event.LOGIN_THROTTLED, target=user.email, detail={"step": "two-factor"})
            throttled = True
        elif "recovery_code" in request.POST:
            recovery_form = RecoveryCodeForm(request.POST)
            if recovery_form.is_valid():
                if RecoveryCode.use(user, recovery_form.cleaned_data["recovery_code"]):
                    record(Event.RECOVERY_CODE_USED, actor=user.email)
                    remaining = user.recovery_codes.filter(used_at__isnull=True).count()
                    messages.warning(
                        request,
                        ngettext(
                            "You used a recovery code. You have %(count)d left; make new ones under My account.",
                            "You used a recovery code. You have %(count)d left; make new ones under My account.",
                            remaining,
                        )
                        % {"count": remaining},
                    )
                    next_url = request.session.get(PENDING_NEXT)
                    _forget_pending(request)
                    return _complete_login(request, user, next_url)
                recovery_form.add_error(
                    "recovery_code", _("This recovery code is not right, or it has been used already.")
                )
            record(Event.TWO_FACTOR_FAILED, actor=user.email, detail={"method": "recovery code"})
        else:
            totp_form = TotpForm(request.POST)
            if totp_form.is_valid():
                if user.use_totp(totp_form.cleaned_data["code"]):
                    next_url = request.session.get(PENDING_NEXT)
                    _forget_pending(request)
                    return _complete_login(request, user, next_url)
                totp_form.add_error("code", WRONG_CODE)
            record(Event.TWO_FACTOR_FAILED, actor=user.email, detail={"method": "app"})

    if recovery_form.is_bound:
        # Back on the page after a wrong recovery code: the cursor belongs in that field, not the app-code one.
        totp_form.fields["code"].widget.attrs.pop("autofocus", None)
        recovery_form.fields["recovery_code"].widget.attrs["autofocus"] = True
    context = {"form": totp_form, "recovery_form": recovery_form, "throttled": throttled}
    return render(request, "accounts/verify.html", context, status=429 if throttled else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(Event.LOGOUT, actor=request.user.email)
    next_url = request.POST.get("next")
    logout(request)
    return redirect(_safe_next(request, next_url))


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    initial = {"name": user.name, "language": user.language, "time_zone": user.time_zone}
    form = ProfileForm(_post_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        user.name = form.cleaned_data["name"]
        user.language = form.cleaned_data["language"]
        user.time_zone = form.cleaned_data["time_zone"]
        user.save(update_fields=["name", "language", "time_zone"])
        translation.activate(user.language)
        messages.success(request, _("Your settings are saved."))
        response = redirect("accounts:security")
        _set_language_cookie(response, user.language)
        return response

    context = {
        "form": form,
        "two_factor_required": role_requires_two_factor(user),
        "recovery_codes_left": user.recovery_codes.filter(used_at__isnull=True).count(),
    }
    return render(request, "accounts/security.html", context)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, _post_data(request))
    if request.method == "POST" and form.is_valid():
        form.save()
        password_changed.send(
            sender=User,
            user=form.user,
            old_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(request, form.user)  # stay logged in here; other sessions end
        record(Event.PASSWORD_CHANGED, actor=form.user.email)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})


def _qr_svg(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, omitsize=True, light="#fff", svgclass="qr-code", title=_("QR code for your authenticator app")
    )
    # Made here from our own otpauth:// URI, not from anything a visitor typed. segno writes only
    # presentation attributes (fill, stroke), never style="", so the CSP's style-src holds.
    return mark_safe(svg)  # noqa: S308


@sensitive_post_parameters("code", "password")
@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # The same secret across reloads, so a QR code already scanned stays good until it is confirmed.
    secret = request.session.get(NEW_AUTHENTICATOR) or pyotp.random_base32()
    request.session[NEW_AUTHENTICATOR] = secret

    form = TwoFactorSetupForm(_post_data(request), secret=secret, user=user)
    if request.method == "POST" and form.is_valid():
        replaced = user.has_two_factor
        user.totp_secret = secret
        user.totp_confirmed_at = timezone.now()
        # The confirming code is spent: it cannot also serve for the next login.
        user.totp_last_step = totp_step(secret, form.cleaned_data["code"])
        user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
        del request.session[NEW_AUTHENTICATOR]
        codes = RecoveryCode.regenerate(user)
        record(Event.TWO_FACTOR_ENABLED, actor=user.email, detail={"replaced": replaced})
        messages.success(request, _("Two-factor authentication is on."))
        # Shown in this response only: the codes are stored hashed and cannot be shown again.
        return render(request, "accounts/recovery_codes_new.html", {"codes": codes, "just_enabled": True})

    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Samen")
    context = {
        "form": form,
        "qr_svg": _qr_svg(uri),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "required": request.GET.get("required") == "1" or (not user.has_two_factor and role_requires_two_factor(user)),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@sensitive_post_parameters("password")
@login_required
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if role_requires_two_factor(user):
        messages.error(
            request,
            _("Your role requires two-factor authentication: it cannot be turned off, only moved to a new phone."),
        )
        return redirect("accounts:security")
    if not user.has_two_factor:
        messages.info(request, _("Two-factor authentication is already off."))
        return redirect("accounts:security")

    form = PasswordConfirmForm(_post_data(request), user=user)
    if request.method == "POST" and form.is_valid():
        user.disable_two_factor()
        record(Event.TWO_FACTOR_DISABLED, actor=user.email)
        messages.success(request, _("Two-factor authentication is off. Your recovery codes no longer work."))
        return redirect("accounts:security")
    return render(request, "accounts/two_factor_disable.html", {"form": form})


@sensitive_post_parameters("password", "code")
@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_two_factor:
        messages.info(request, _("Recovery codes come with two-factor authentication. Set that up first."))
        return redirect("accounts:two_factor_setup")

    form = ReauthenticateForm(_post_data(request), user=user)
    if request.method == "POST" and form.is_valid():
        codes = RecoveryCode.regenerate(user)
        record(Event.RECOVERY_CODES_REGENERATED, actor=user.email)
        return render(request, "accounts/recovery_codes_new.html", {"codes": codes, "just_enabled": False})

    remaining = user.recovery_codes.filter(used_at__isnull=True).count()
    return render(request, "accounts/recovery_codes.html", {"form": form, "remaining": remaining})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "errors/400.html", status=400)

    language = form.cleaned_data["language"]
    translation.activate(language)
    if request.user.is_authenticated and language in User.Language.values:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = redirect(_safe_next(request, form.cleaned_data["next"]))
    _set_language_cookie(response, language)
    return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a password set through a reset link is a security event like any other change."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        record(Event.PASSWORD_CHANGED, actor=form.user.email, detail={"via": "reset link"})
        return response
