"""Forms for cases across organisations: sharing a limited summary, answering one, referring, declining.

They validate and normalise; the views call cases/sharing.py to make the change.
"""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import sharing
from cases.access import CASE_ROLES
from cases.models import Case, Share
from organisations.choosers import SELECT_LIMIT
from organisations.models import Alliance, Consent, Organisation, Partnership

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERROR = _("Enter the date as year-month-day, for example 2026-03-31.")


class ShareForm(forms.Form):
    recipient = forms.ChoiceField(
        label=_("Share with"),
        help_text=_(
            "Their integrity officers and administrators will see the summary; for an alliance, those of "
            "every other member organisation."
        ),
    )
    ask = forms.CharField(
        label=_("What we ask of you"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "No names, and no details that identify anyone: this text crosses to the other organisation, "
            "readable by their integrity officers."
        ),
    )
    valid_until = forms.DateField(
        label=_("Shared until"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": DATE_ERROR},
        help_text=_("Optional. Leave empty to share until you revoke it."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        organisation = case.organisation
        self.organisations = {f"o:{o.code}": o for o in self._partners(organisation, case)}
        alliances = sharing.alliances_of(organisation)
        if case.alliance is not None and case.alliance not in alliances:
            alliances.insert(0, case.alliance)
        self.alliances = {f"a:{a.code}": a for a in alliances}
        choices: list[tuple[Any, Any]] = [("", _("— choose —"))]
        if self.organisations:
            named = [(key, self._organisation_label(o)) for key, o in self.organisations.items()]
            choices.append((_("Partner organisations"), named))
        if self.alliances:
            named = [(key, self._alliance_label(a)) for key, a in self.alliances.items()]
            choices.append((_("Alliances"), named))
        self.fields["recipient"].choices = choices  # type: ignore[attr-defined]
        if case.involves is not None and case.involves != organisation:
            self.fields["recipient"].initial = f"o:{case.involves.code}"
        elif case.alliance is not None:
            self.fields["recipient"].initial = f"a:{case.alliance.code}"

    def _partners(self, organisation: Organisation, case: Case) -> list[Organisation]:
        """Every partner; for a large funder's thousands, those with someone who could read the share."""
        every = Partnership.objects.partners_of(organisation)
        if every[: SELECT_LIMIT + 1].count() <= SELECT_LIMIT:
            return sharing.partner_organisations(organisation, case)
        self.fields["recipient"].help_text = _(
            "Partner organisations with an integrity officer or administrator on Samen, and alliances. "
            "Their integrity officers and administrators will see the summary; for an alliance, those of "
            "every other member organisation."
        )
        readable = list(every.filter(memberships__role__in=CASE_ROLES).distinct())
        if case.involves is not None and case.involves != organisation and case.involves not in readable:
            readable.insert(0, case.involves)
        return readable

    def _organisation_label(self, organisation: Organisation) -> str:
        if organisation == self.case.involves:
            return str(_("%(name)s (involved in this case)") % {"name": organisation.name})
        return organisation.name

    def _alliance_label(self, alliance: Alliance) -> str:
        if alliance == self.case.alliance:
            return str(_("%(name)s (the case's alliance)") % {"name": alliance.name})
        return alliance.name

    @property
    def has_choices(self) -> bool:
        return bool(self.organisations or self.alliances)

    def clean_valid_until(self) -> Any:
        until = self.cleaned_data.get("valid_until")
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."))
        return until

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        key = cleaned.get("recipient", "")
        organisation, alliance = self.organisations.get(key), self.alliances.get(key)
        cleaned["to_organisation"], cleaned["to_alliance"] = organisation, alliance
        if organisation is None and alliance is None:
            return cleaned
        active = Consent.objects.active()
        active = active.filter(to_organisation=organisation) if organisation else active.filter(to_alliance=alliance)
        if Share.objects.filter(case=self.case, consent__in=active.values("pk")).exists():
            self.add_error(
                "recipient",
                _("This case is shared with them already. Revoke that share first to share it anew."),
            )
            return cleaned
        if organisation is not None:
            readers = [organisation]
        else:
            readers = [o for o in alliance.members() if o.pk != self.case.organisation_id]  # type: ignore[union-attr]
        if not sharing.has_case_readers(readers):
            self.add_error(
                "recipient",
                _("Nobody there could read it: they have no integrity officer or administrator on Samen yet."),
            )
        return cleaned


class ShareAnswerForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Short, for their case handlers: what you did or will do. No names, and no details that identify anyone."
        ),
    )

    def __init__(self, *args: Any, reply_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reply"].required = reply_required
        if not reply_required:
            self.fields["reply"].help_text = _(
                "Optional: you can acknowledge now and reply later. Short, for their case handlers: what you did or "
                "will do. No names, and no details that identify anyone."
            )


class ReferralForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Refer to"))
    reporter_consent_on = forms.DateField(
        label=_("The reporter agreed on"),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Say when the reporter agreed: a case is only referred with the reporter's consent."),
            "invalid": DATE_ERROR,
        },
    )
    reporter_consent_how = forms.CharField(
        label=_("How the reporter agreed"),
        max_length=200,
        error_messages={
            "required": _("Say how the reporter agreed: a case is only referred with the reporter's consent.")
        },
        help_text=_("For example: by phone, in writing, in a message through the speak-up channel."),
    )
    text = forms.CharField(
        label=_("What they need to know"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "This is all they receive, encrypted so that only their integrity officers and administrators can read "
            "it. The reporter's identity does not cross unless you write it here: write the reporter's name or "
            "contact details only if the reporter agreed to that."
        ),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        organisation = case.organisation
        partners = sharing.partner_organisations(organisation, case)
        members = [o for o in sharing.alliance_members(organisation) if o not in partners]
        self.organisations = {f"o:{o.code}": o for o in [*partners, *members]}
        choices: list[tuple[Any, Any]] = [("", _("— choose —"))]
        if partners:
            choices.append((_("Partner organisations"), [(f"o:{o.code}", o.name) for o in partners]))
        if members:
            choices.append((_("Alliance members"), [(f"o:{o.code}", o.name) for o in members]))
        self.fields["organisation"].choices = choices  # type: ignore[attr-defined]
        if case.involves is not None and f"o:{case.involves.code}" in self.organisations:
            self.fields["organisation"].initial = f"o:{case.involves.code}"

    @property
    def has_choices(self) -> bool:
        return bool(self.organisations)

    def clean_reporter_consent_on(self) -> Any:
        day = self.cleaned_data["reporter_consent_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The reporter's consent cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = self.organisations.get(cleaned.get("organisation", ""))
        cleaned["to_organisation"] = organisation
        if organisation is None:
            return cleaned
        if self.case.referrals.filter(to_organisation=organisation, answered_at__isnull=True).exists():
            self.add_error("organisation", _("This case is referred to them already and waits for their answer."))
        elif not sharing.referral_readers(organisation):
            self.add_error(
                "organisation",
                _(
                    "Nobody at %(name)s can read a referral yet. An integrity officer or administrator there must "
                    "first set up a handler key (under Speak-up, “Set up your handler key”); then refer the case again."
                )
                % {"name": organisation.name},
            )
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The referring organisation reads this on its case. No names, and no details that identify anyone."
        ),
    )
