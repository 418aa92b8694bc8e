"""The choices the parties make, and the dates of signing and review. Forms validate; views save."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERROR = _("Enter the date as year-month-day, for example 2026-03-31.")


def _days(label: Any, initial: int, help_text: Any, maximum: int = 365) -> forms.IntegerField:
    return forms.IntegerField(label=label, initial=initial, min_value=1, max_value=maximum, help_text=help_text)


class AgreementForm(forms.Form):
    """The parties' choices. `kind` is 'partnership' or 'alliance'; `lead` names the lead organisation."""

    language = forms.ChoiceField(
        label=_("Language of the agreement"),
        choices=Agreement.Language.choices,
        widget=forms.RadioSelect,
        initial=Agreement.Language.NL,
    )
    purpose = forms.CharField(
        label=_("Purpose of the cooperation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences, in the language of the agreement. It completes “work together for …”."),
    )
    code_of_conduct = forms.ChoiceField(label=_("Which code of conduct applies"), widget=forms.RadioSelect)
    shared_code = forms.CharField(
        label=_("Name of the shared code"),
        max_length=200,
        required=False,
        initial="Partos Code of Conduct",
        help_text=_("Only used when the parties apply a shared code."),
    )
    reporting = forms.ChoiceField(label=_("Who handles a report about another party's staff"), widget=forms.RadioSelect)
    donor_notification = forms.ChoiceField(
        label=_("Who notifies donors of a serious incident"), widget=forms.RadioSelect
    )
    notify_ministry = forms.BooleanField(
        label=_("Donors include the Dutch Ministry of Foreign Affairs"), required=False
    )
    notify_cbf = forms.BooleanField(label=_("A party is recognised by the CBF and reports to it"), required=False)
    other_donors = forms.CharField(
        label=_("Other donors to notify"),
        max_length=300,
        required=False,
        help_text=_("Names, separated by commas, in the language of the agreement. Leave empty if none."),
    )
    donor_days = _days(
        _("Days to notify donors"), 5, _("Within how many days of becoming aware of a serious incident."), 90
    )
    sharing = forms.ChoiceField(label=_("What the parties share about reports"), widget=forms.RadioSelect)
    share_days = _days(
        _("Days to share with the other parties"), 10, _("Within how many days information is shared."), 90
    )
    psea = forms.BooleanField(
        label=_("Include the PSEA commitments (the six IASC core principles)"), required=False, initial=True
    )
    misconduct_disclosure = forms.BooleanField(
        label=_("The parties take part in the Misconduct Disclosure Scheme"), required=False
    )
    audit = forms.ChoiceField(label=_("Audit rights"), widget=forms.RadioSelect)
    audit_notice_days = _days(_("Days of notice before an audit"), 30, _("How long before an audit it is announced."))
    termination = forms.ChoiceField(label=_("Termination for a serious breach"), widget=forms.RadioSelect)
    remedy_days = _days(
        _("Days to put a breach right"), 30, _("Only used when a party first gets time to put matters right.")
    )
    review_months = forms.IntegerField(
        label=_("Review every … months"),
        initial=12,
        min_value=1,
        max_value=60,
        help_text=_("The review date is set from this when the signing date is recorded."),
    )

    def __init__(self, *args: Any, kind: str, lead: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        alliance = kind == "alliance"
        # Whole sentences per case: a translator cannot fit a pasted phrase into every sentence around it.
        lead_options = {
            "code_of_conduct": _("The code of the alliance's lead, %(lead)s")
            if alliance
            else _("The code of %(lead)s, which recorded the partnership"),
            "reporting": _("The integrity officer of the alliance's lead, %(lead)s, handles it")
            if alliance
            else _("The integrity officer of %(lead)s, which recorded the partnership, handles it"),
            "donor_notification": _("The alliance's lead, %(lead)s, notifies the donors of the joint activities")
            if alliance
            else _("%(lead)s, which recorded the partnership, notifies the donors of the joint activities"),
            "audit": _("The alliance's lead, %(lead)s, may audit the others")
            if alliance
            else _("%(lead)s, which recorded the partnership, may audit the others"),
        }
        lead_option = {name: text % {"lead": lead} for name, text in lead_options.items()}
        choices = {
            "code_of_conduct": [
                ("own", _("Each party's own code, the stricter norm applying where they differ")),
                ("shared", _("A shared code (name it below)")),
                ("lead", lead_option["code_of_conduct"]),
            ],
            "reporting": [
                ("employer", _("The party that employs the person concerned handles it")),
                ("joint", _("The parties' integrity officers handle it together")),
                ("lead", lead_option["reporting"]),
            ],
            "donor_notification": [
                ("each", _("Each party notifies its own donors")),
                ("lead", lead_option["donor_notification"]),
            ],
            "sharing": [
                ("notice", _("That a report was received and its kind, without names")),
                ("outcome", _("That, and the outcome and measures taken")),
                ("lessons", _("That, the outcome, and a yearly de-identified review of lessons")),
            ],
            "audit": [
                ("mutual", _("Each party may audit the others")),
                ("lead", lead_option["audit"]),
                ("independent", _("An independent auditor engaged by the parties together")),
            ],
            "termination": [
                ("immediate", _("With immediate effect")),
                ("remedy", _("After time to put matters right (immediate for SEA, fraud or corruption)")),
            ],
        }
        initial = {
            "code_of_conduct": "own",
            "reporting": "employer",
            "donor_notification": "each",
            "sharing": "outcome",
            "audit": "mutual",
            "termination": "remedy",
        }
        for name, options in choices.items():
            self.fields[name].choices = options  # type: ignore[attr-defined]
            self.fields[name].initial = initial[name]

    def clean_purpose(self) -> str:
        return " ".join(self.cleaned_data["purpose"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("code_of_conduct") == "shared" and not data.get("shared_code", "").strip():
            self.add_error("shared_code", _("Name the shared code of conduct."))
        return data

    def choices(self) -> dict[str, Any]:
        """What the agreement records: every choice, plus whether it is for a partnership or an alliance."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "language"}
        if data["code_of_conduct"] != "shared":
            data["shared_code"] = ""
        data["other_donors"] = data["other_donors"].strip()
        return {"kind": self.kind, **data}

    def describe(self, choices: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, value) for every recorded choice, in the language of the page."""
        rows = []
        for name, field in self.fields.items():
            if name == "language" or name not in choices:
                continue
            value = choices[name]
            if isinstance(field, forms.ChoiceField):
                shown = str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
            elif isinstance(field, forms.BooleanField):
                shown = str(_("yes") if value else _("no"))
            else:
                shown = str(value) if value not in ("", None) else "—"
            rows.append((str(field.label), shown))
        return rows


class DatesForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Signed on"), required=False, widget=DATE_WIDGET, error_messages={"invalid": DATE_ERROR}
    )
    review_on = forms.DateField(
        label=_("Review on"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": DATE_ERROR},
        help_text=_("Left empty, it is set from the signing date and the review period of the agreement."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        signed_on, review_on = data.get("signed_on"), data.get("review_on")
        if signed_on and review_on and review_on < signed_on:
            self.add_error("review_on", _("The review date cannot be before the signing date."))
        return data
