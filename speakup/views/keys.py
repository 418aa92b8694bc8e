"""A handler's own key: set it up, unlock it for this session, recover it with the recovery key, lock it.

Who may be here: a handler of one of the organisation's channels (or of an alliance it belongs to),
or an admin or integrity officer of the organisation preparing to become one. Outsiders get 404,
other members 403. Every page is `never_cache`: the recovery key appears on one of them.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.models import TokenBucket, User
from organisations.access import get_membership
from organisations.models import Membership, Role
from speakup import crypto, keys
from speakup.models import ChannelHandler, HandlerKey

# Unlocking runs Argon2id and tries a secret: a few tries per person per window, like logging in.
UNLOCK_ATTEMPTS = 10
UNLOCK_WINDOW_SECONDS = 15 * 60

WRONG_PASSWORD = gettext_lazy("That is not your current Samen password.")


# ---- forms (small and only used here) ---------------------------------------------------------------------


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your Samen password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ConfirmStoredForm(forms.Form):
    stored = forms.BooleanField(
        label=gettext_lazy("I have stored my recovery key somewhere safe, away from this device."),
        error_messages={"required": gettext_lazy("Confirm that you have stored your recovery key.")},
    )


class RecoverForm(forms.Form):
    recovery_key = forms.CharField(
        label=gettext_lazy("Recovery key"),
        help_text=gettext_lazy("Eight groups of five letters and digits; dashes and spaces do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        max_length=80,
    )
    password = forms.CharField(
        label=gettext_lazy("Your Samen password"),
        help_text=gettext_lazy("The password you log in with now, for example the one you set through a reset link."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_recovery_key(self) -> str:
        value = crypto.normalise_recovery_key(self.cleaned_data["recovery_key"])
        if len(value) != crypto.RECOVERY_GROUPS * crypto.RECOVERY_GROUP_LENGTH:
            raise forms.ValidationError(_("A recovery key has 40 letters and digits. Check what you typed."))
        return value


# ---- access -----------------------------------------------------------------------------------------------------


def _membership_for_keys(request: HttpRequest, slug: str) -> Membership:
    """The membership of a (future) handler of this organisation; 404 for outsiders, 403 for viewers.

    Any member who may write can become a handler (a confidential adviser need not be an officer), so any of
    them may set up a key; a viewer only if they already handle a channel.
    """
    membership = get_membership(request, slug)
    if membership.role != Role.VIEWER:
        return membership
    organisation = membership.organisation
    handles_here = ChannelHandler.objects.filter(
        Q(channel__organisation=organisation)
        | Q(channel__alliance__lead=organisation)
        | Q(channel__alliance__alliance_memberships__organisation=organisation),
        user=request.user,  # type: ignore[misc]
    ).exists()
    if not handles_here:
        raise PermissionDenied
    return membership


def _next_url(request: HttpRequest, slug: str) -> str:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("speakup:unlock", kwargs={"slug": slug})


def _attempt_allowed(user: User) -> bool:
    return TokenBucket.authorize(f"speakup-unlock:{user.pk}", UNLOCK_ATTEMPTS, UNLOCK_WINDOW_SECONDS)


def _handler_key(user: User) -> HandlerKey | None:
    return HandlerKey.objects.filter(user=user).first()


# ---- pages ------------------------------------------------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
@login_required
def key_setup(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _membership_for_keys(request, slug)
    user: User = request.user  # type: ignore[assignment]
    handler_key = _handler_key(user)
    context = {"organisation": membership.organisation, "next": _next_url(request, slug)}

    if handler_key is not None:
        if handler_key.recovery_confirmed_at is not None:
            return redirect(_next_url(request, slug))
        return _confirm_recovery(request, slug, handler_key, context)

    form = PasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", WRONG_PASSWORD)
        else:
            try:
                _handler_key_row, recovery_key = keys.setup(user, form.cleaned_data["password"])
            except keys.KeyAlreadyExists:  # a second tab got there first
                return redirect(request.get_full_path())
            response = render(
                request,
                "speakup/keys/recovery_key.html",
                {**context, "recovery_key": recovery_key, "form": ConfirmStoredForm()},
            )
            keys.stash(
                request, response, keys.HANDLER_STASH, keys.open_with_password(user, form.cleaned_data["password"])
            )
            return response
    return render(request, "speakup/keys/setup.html", {**context, "form": form})


def _confirm_recovery(request: HttpRequest, slug: str, handler_key: HandlerKey, context: dict) -> HttpResponse:
    """The key exists but its recovery key is not confirmed as stored: confirm it, or make a new one."""
    user: User = request.user  # type: ignore[assignment]
    private_key = keys.unlocked_private_key(request)
    if request.method == "POST" and request.POST.get("action") == "new-recovery-key":
        if private_key is None:
            url = reverse("speakup:unlock", kwargs={"slug": slug})
            return redirect(f"{url}?{urlencode({'next': request.path})}")
        recovery_key = keys.replace_recovery_key(user, private_key)
        return render(
            request,
            "speakup/keys/recovery_key.html",
            {**context, "recovery_key": recovery_key, "form": ConfirmStoredForm()},
        )
    form = ConfirmStoredForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        handler_key.recovery_confirmed_at = timezone.now()
        handler_key.save(update_fields=["recovery_confirmed_at"])
        messages.success(request, _("Your key is ready. It is unlocked until you log out or lock it."))
        return redirect(_next_url(request, slug))
    return render(
        request,
        "speakup/keys/confirm.html",
        {**context, "form": form, "unlocked": private_key is not None},
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
def unlock(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _membership_for_keys(request, slug)
    user: User = request.user  # type: ignore[assignment]
    if _handler_key(user) is None:
        url = reverse("speakup:key_setup", kwargs={"slug": slug})
        return redirect(f"{url}?{urlencode({'next': _next_url(request, slug)})}")
    next_url = _next_url(request, slug)
    form = PasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not _attempt_allowed(user):
            form.add_error(None, _("Too many attempts. Wait fifteen minutes, or use your recovery key later."))
        else:
            response = redirect(next_url)
            try:
                keys.unlock(request, response, user, form.cleaned_data["password"])
            except keys.WrongSecret:
                form.add_error(
                    "password",
                    _(
                        "This password does not open your key. If you set a new password through a reset link, "
                        "use your recovery key instead."
                    ),
                )
            else:
                messages.success(request, _("Your key is unlocked until you log out or lock it."))
                return response
    context = {
        "organisation": membership.organisation,
        "form": form,
        "next": next_url,
        "unlocked": keys.unlocked_private_key(request) is not None,
    }
    return render(request, "speakup/keys/unlock.html", context)


@sensitive_post_parameters("recovery_key", "password")
@never_cache
@login_required
def recover(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _membership_for_keys(request, slug)
    user: User = request.user  # type: ignore[assignment]
    if _handler_key(user) is None:
        return redirect("speakup:key_setup", slug=slug)
    next_url = _next_url(request, slug)
    form = RecoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not _attempt_allowed(user):
            form.add_error(None, _("Too many attempts. Wait fifteen minutes and try again."))
        elif not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", WRONG_PASSWORD)
        else:
            try:
                private_key = keys.recover(user, form.cleaned_data["recovery_key"], form.cleaned_data["password"])
            except keys.WrongSecret:
                form.add_error("recovery_key", _("This recovery key does not open your key. Check what you typed."))
            else:
                response = redirect(next_url)
                keys.stash(request, response, keys.HANDLER_STASH, private_key)
                messages.success(request, _("Your key is unlocked, and from now on your current password unlocks it."))
                return response
    context = {"organisation": membership.organisation, "form": form, "next": next_url}
    return render(request, "speakup/keys/recover.html", context)


@require_POST
@login_required
def lock(request: HttpRequest, slug: str) -> HttpResponse:
    _membership_for_keys(request, slug)
    response = redirect("organisations:dashboard", slug=slug)
    keys.lock(request, response)
    messages.success(request, _("Your key is locked. Unlock it again to read reports."))
    return response
