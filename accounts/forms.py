"""Forms of the accounts app: they validate and normalise; the views decide what happens."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.template import loader
from django.utils.translation import gettext_lazy as _

from accounts.models import TokenBucket, User, time_zone_names, totp_step
from accounts.tasks import send_email
from audit.models import Event, record
from samen.widgets import LongSelect

WRONG_CODE = _("That code is not right. Codes change every 30 seconds: type the one your app shows now.")
RESET_EMAILS_PER_HOUR = 3
WRONG_PASSWORD = _("That is not your current password.")


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class CodeField(forms.CharField):
    """The six digits an authenticator app shows, typed with or without a space in the middle."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Code from your authenticator app"))
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"[0-9 ]*"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        code = super().clean(value).replace(" ", "")
        if code and not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."), code="format")
        return code


class TotpForm(forms.Form):
    """A code from the authenticator app. The form checks its shape; whether it is right is decided
    by the view with User.use_totp, which also spends it."""

    code = CodeField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autofocus"] = True


class RecoveryCodeForm(forms.Form):
    """Whether the code is right is decided by the view, which spends it."""

    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        help_text=_("One of the codes you saved when you set up two-factor authentication, like 3fa9c1-08be72."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )


def current_password_field(**kwargs: Any) -> forms.CharField:
    kwargs.setdefault("label", _("Your current password"))
    widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
    return forms.CharField(strip=False, widget=widget, **kwargs)


class PasswordConfirmForm(forms.Form):
    """Asks for the current password before a change that weakens or replaces a protection."""

    password = current_password_field()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(WRONG_PASSWORD, code="wrong")
        return password


class TwoFactorSetupForm(TotpForm):
    """Confirms a new authenticator with a code made from `secret`, the one not yet saved.

    Replacing an authenticator already set up also takes the current password, so that someone who
    finds a signed-in browser cannot move the second factor to their own phone.
    """

    def __init__(self, *args: Any, secret: str, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.secret = secret
        self.user = user
        if user.has_two_factor:
            self.fields["password"] = current_password_field()

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if totp_step(self.secret, code) is None:
            raise forms.ValidationError(WRONG_CODE, code="wrong")
        return code

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(WRONG_PASSWORD, code="wrong")
        return password


class ReauthenticateForm(forms.Form):
    """The current password or a code from the authenticator app: either proves it is really them."""

    password = current_password_field(required=False)
    code = CodeField(required=False, label=_("Or a code from your authenticator app"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, code = cleaned.get("password"), cleaned.get("code")
        if self.errors:
            return cleaned
        if not password and not code:
            raise forms.ValidationError(_("Enter your current password or a code from your app."), code="required")
        if password and not self.user.check_password(password):
            self.add_error("password", forms.ValidationError(WRONG_PASSWORD, code="wrong"))
        elif not password and totp_step(self.user.totp_secret, code or "") is None:
            self.add_error("code", forms.ValidationError(_("That code is not right."), code="wrong"))
        return cleaned


class ProfileForm(forms.Form):
    # A plain form, not a ModelForm: validating a ModelForm writes into request.user even when the
    # input is then refused, and the page would show the refused name as if it were saved.
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("How other people in Samen see you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(label=_("Language of the interface"), choices=User.Language.choices)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=lambda: (
            [("", _("Default (%(zone)s)") % {"zone": settings.TIME_ZONE})]
            + [(name, name) for name in time_zone_names()]
        ),
        help_text=_("Dates, times and deadlines are shown in this time zone, and reminders use it too."),
        widget=LongSelect,
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class LanguageForm(forms.Form):
    # Any language the site offers; only those a person can keep (User.Language) are saved on their account.
    language = forms.ChoiceField(choices=lambda: settings.LANGUAGES)
    next = forms.CharField(required=False)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, but the mail goes through the task queue and the request is audited.

    `send_mail` is called once per matching active account, so it is the one place that knows the
    address belongs to someone; the page the visitor sees is the same either way.
    """

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # A few links an hour per address are plenty; more would let anyone flood someone's inbox.
        # Skipped silently, so the page still says nothing about whether the address has an account.
        if not TokenBucket.authorize(f"reset-email:{to_email}", RESET_EMAILS_PER_HOUR, 60 * 60):
            return
        context = {**context, "site_url": settings.SITE_URL}
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.enqueue(to=[to_email], subject=subject, body=body)
        record(Event.PASSWORD_RESET_REQUESTED, actor=to_email, target=to_email)
