"""Forms of the organisations app: they validate and normalise; views assign and save."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import User
from organisations.identifiers import normalise_identifier, validate_iati_identifier, validate_kvk_number
from organisations.models import (
    LANGUAGE_CHOICES,
    Alliance,
    AllianceMember,
    Consent,
    Membership,
    Organisation,
    Partnership,
    Role,
)
from samen.widgets import LongSelect

# How many organisations a search offers to choose from.
SEARCH_LIMIT = 20

# What an organisation can share today. Later issues add "assessment:<code>" and others.
SUBJECT_CHOICES = [("partnerships", _("Our list of partnerships"))]


def country_choices() -> list[tuple[str, str]]:
    return [("", _("— not set —")), *((code, name) for code, name in countries)]


class IdentifierField(forms.CharField):
    """A registry identifier, trimmed, upper-cased and without inner spaces before it is checked."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return normalise_identifier(super().to_python(value) or "")


def iati_field() -> IdentifierField:
    return IdentifierField(
        label=_("IATI organisation identifier"),
        max_length=100,
        validators=[validate_iati_identifier],
        help_text=_("Registration-agency prefix and number, for example NL-KVK-41160054 or XM-DAC-7."),
    )


def kvk_field() -> IdentifierField:
    # No max_length: a wrong length must get the KvK message, not a generic one.
    return IdentifierField(
        label=_("KvK number"),
        validators=[validate_kvk_number],
        help_text=_("Dutch Chamber of Commerce number: 8 digits."),
    )


def identifier_taken(field: str, value: str, exclude: Organisation | None = None) -> Organisation | None:
    if not value:
        return None
    others = Organisation.objects.filter(**{field: value})
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.first()


def organisation_label(organisation: Organisation) -> str:
    details = [str(organisation.country.name) if organisation.country else "", organisation.iati_identifier]
    extra = ", ".join(d for d in details if d)
    return f"{organisation.name} ({extra})" if extra else organisation.name


class OrganisationChoiceField(forms.ModelChoiceField):
    """Choose an organisation found by a search; the radio buttons list only the search results.

    The choices shown and the queryset that validates are separate: with tens of thousands of
    organisations a select of all of them would not fit a phone or a page budget.
    """

    widget = forms.RadioSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organisation.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)

    def offer(self, candidates: Iterable[Organisation]) -> None:
        self.widget.choices = [(str(o.code), organisation_label(o)) for o in candidates]


def search_candidates(query: str, exclude: Iterable[int]) -> list[Organisation]:
    return list(Organisation.objects.search(query).exclude(pk__in=list(exclude))[:SEARCH_LIMIT])


class PeriodMixin:
    def clean_period(self, cleaned_data: dict[str, Any]) -> None:
        starts_on, ends_on = cleaned_data.get("starts_on"), cleaned_data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must be on or after the start date."))  # type: ignore[attr-defined]


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False, widget=LongSelect)
    size_category = forms.ChoiceField(
        label=_("Size category"),
        choices=[("", _("— not set —")), *Organisation.Size.choices],
        required=False,
        help_text=_("By yearly income, as in the CBF Recognition Scheme."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    iati_identifier = iati_field()
    kvk_number = kvk_field()
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_iati_identifier(self) -> str:
        value = self.cleaned_data["iati_identifier"]
        other = identifier_taken("iati_identifier", value, exclude=self.organisation)
        if other:
            raise forms.ValidationError(
                _("%(name)s already uses this IATI identifier on Samen."), params={"name": other.name}
            )
        return value

    def clean_kvk_number(self) -> str:
        value = self.cleaned_data["kvk_number"]
        other = identifier_taken("kvk_number", value, exclude=self.organisation)
        if other:
            raise forms.ValidationError(
                _("%(name)s already uses this KvK number on Samen."), params={"name": other.name}
            )
        return value


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or identifier"), required=False, max_length=200)


class PartnerListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Partnership.Status.choices]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *Partnership.Kind.choices])

    def partnerships(self, organisation: Organisation) -> "tuple[models.QuerySet[Partnership], bool]":
        """The organisation's partnerships that match the filters, newest first, and whether any filter is set.

        The page and its CSV download both list what this returns.
        """
        partnerships = Partnership.objects.involving(organisation).order_by("-created_at")
        if not self.is_valid():
            return partnerships, False
        q, status, kind = (self.cleaned_data[k] for k in ("q", "status", "kind"))
        if q:
            # The partner is whichever side is not us; searching both names would always match our own.
            partnerships = partnerships.filter(
                Q(organisation=organisation, partner__name__icontains=q)
                | Q(partner=organisation, organisation__name__icontains=q)
            )
        if status:
            partnerships = partnerships.filter(status=status)
        if kind:
            partnerships = partnerships.filter(kind=kind)
        return partnerships, bool(q or status or kind)


class PartnerChoiceForm(forms.Form):
    """Who the partner is: an organisation found on Samen, or a new one recorded here."""

    q = forms.CharField(widget=forms.HiddenInput, required=False)
    partner = OrganisationChoiceField(label=_("Choose the organisation found on Samen"), required=False)
    new_name = forms.CharField(
        label=_("Or: name of an organisation not yet on Samen"),
        max_length=200,
        required=False,
        help_text=_("Fill in this and the fields below only to record a new organisation."),
    )
    new_country = forms.ChoiceField(label=_("Its country"), choices=country_choices, required=False, widget=LongSelect)
    new_kind = forms.ChoiceField(
        label=_("Its kind"), choices=Organisation.Kind.choices, initial=Organisation.Kind.PARTNER, required=False
    )
    new_iati_identifier = iati_field()
    new_kvk_number = kvk_field()

    def __init__(self, *args: Any, organisation: Organisation, candidates: Iterable[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        candidates = list(candidates)
        if candidates:
            self.fields["partner"].offer(candidates)  # type: ignore[attr-defined]
        else:
            # Nothing searched or found: only the fields for a new organisation are shown.
            self.fields["partner"].widget = forms.HiddenInput()

    def clean_partner(self) -> Organisation | None:
        partner = self.cleaned_data["partner"]
        if partner is not None and partner.pk == self.organisation.pk:
            raise forms.ValidationError(_("An organisation cannot be its own partner."))
        return partner

    def clean_new_iati_identifier(self) -> str:
        value = self.cleaned_data["new_iati_identifier"]
        other = identifier_taken("iati_identifier", value)
        if other:
            raise forms.ValidationError(
                _("%(name)s is already on Samen with this IATI identifier: search for it above instead."),
                params={"name": other.name},
            )
        return value

    def clean_new_kvk_number(self) -> str:
        value = self.cleaned_data["new_kvk_number"]
        other = identifier_taken("kvk_number", value)
        if other:
            raise forms.ValidationError(
                _("%(name)s is already on Samen with this KvK number: search for it above instead."),
                params={"name": other.name},
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen, new_name = cleaned.get("partner"), cleaned.get("new_name")
        if chosen and new_name:
            raise forms.ValidationError(
                _("Choose an organisation on Samen or record a new one, not both."), code="both"
            )
        if not chosen and not new_name and not self.errors:
            raise forms.ValidationError(
                _("Choose an organisation found by the search, or give the name of a new one."), code="none"
            )
        return cleaned


class PartnershipForm(PeriodMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of partnership"), choices=Partnership.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Partnership.Status.choices, initial=Partnership.Status.ACTIVE)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("For example the programme or grant.")
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE_WIDGET)

    def __init__(
        self,
        *args: Any,
        recorder: Organisation,
        partner: Organisation | None = None,
        instance: Partnership | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.recorder, self.partner, self.instance = recorder, partner, instance

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_period(cleaned)
        kind = cleaned.get("kind")
        if self.partner is not None and kind:
            same_pair = Partnership.objects.filter(kind=kind).filter(
                organisation__in=[self.recorder, self.partner], partner__in=[self.recorder, self.partner]
            )
            if self.instance is not None:
                same_pair = same_pair.exclude(pk=self.instance.pk)
            if same_pair.exists():
                self.add_error(
                    "kind",
                    forms.ValidationError(
                        _("A partnership of this kind between these organisations is already recorded."),
                        code="duplicate",
                    ),
                )
        return cleaned


class PartnerInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of their first contact"),
        help_text=_("This person becomes the administrator of the organisation on Samen and can invite colleagues."),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()


class AllianceForm(PeriodMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_period(cleaned)
        return cleaned


class AllianceMemberForm(forms.Form):
    q = forms.CharField(widget=forms.HiddenInput, required=False)
    organisation = OrganisationChoiceField(label=_("Organisation to add"))

    def __init__(self, *args: Any, alliance: Alliance, candidates: Iterable[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alliance = alliance
        self.fields["organisation"].offer(candidates)  # type: ignore[attr-defined]

    def clean_organisation(self) -> Organisation:
        organisation = self.cleaned_data["organisation"]
        if AllianceMember.objects.filter(alliance=self.alliance, organisation=organisation).exists():
            raise forms.ValidationError(_("%(name)s is already in this alliance."), params={"name": organisation.name})
        return organisation


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if Membership.objects.filter(organisation=self.organisation, user__email__iexact=email).exists():
            raise forms.ValidationError(
                _("This person is already a member of %(name)s."), params={"name": self.organisation.name}
            )
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationSignupForm(forms.Form):
    """A new person sets a name and password; the email address comes from the invitation."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            try:
                password_validation.validate_password(password1, User(email=self.email, name=cleaned.get("name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ConsentForm(forms.Form):
    q = forms.CharField(widget=forms.HiddenInput, required=False)
    subject = forms.ChoiceField(label=_("What to share"), choices=SUBJECT_CHOICES, initial="partnerships")
    scope = forms.ChoiceField(label=_("Share with"), choices=Consent.Scope.choices, widget=forms.RadioSelect)
    to_organisation = OrganisationChoiceField(
        label=_("Organisation"), required=False, help_text=_("Search for it above, then choose it here.")
    )
    to_alliance = forms.ModelChoiceField(
        label=_("Alliance"), queryset=Alliance.objects.none(), to_field_name="code", required=False
    )
    valid_until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty to share until you revoke it."),
    )

    def __init__(self, *args: Any, organisation: Organisation, candidates: Iterable[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["to_organisation"].offer(candidates)  # type: ignore[attr-defined]
        self.fields["to_alliance"].queryset = organisation.alliances()  # type: ignore[attr-defined]

    def clean_valid_until(self) -> date | None:
        value = self.cleaned_data["valid_until"]
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("The end date must be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        scope = cleaned.get("scope")
        if scope == Consent.Scope.ORGANISATION:
            target = cleaned.get("to_organisation")
            if target is None and "to_organisation" not in self.errors:
                self.add_error("to_organisation", _("Choose the organisation to share with."))
            elif target is not None and target.pk == self.organisation.pk:
                self.add_error("to_organisation", _("Your own organisation already sees this."))
            cleaned["to_alliance"] = None
        elif scope == Consent.Scope.ALLIANCE:
            if cleaned.get("to_alliance") is None and "to_alliance" not in self.errors:
                self.add_error("to_alliance", _("Choose the alliance to share with."))
            cleaned["to_organisation"] = None
        elif scope == Consent.Scope.SECTOR:
            cleaned["to_organisation"] = cleaned["to_alliance"] = None
        if scope and not self.errors:
            existing = Consent.objects.active().filter(
                organisation=self.organisation,
                subject=cleaned.get("subject"),
                scope=scope,
                to_organisation=cleaned.get("to_organisation"),
                to_alliance=cleaned.get("to_alliance"),
            )
            if existing.exists():
                raise forms.ValidationError(_("You already share this with them."), code="duplicate")
        return cleaned
