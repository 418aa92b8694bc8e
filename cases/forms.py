"""Forms of case handling: registering, triage, steps, notes, people, conclusion, settings.

They validate and normalise; the views call cases.handling to change the case.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseRole, CaseSettings, Outcome, Playbook, Risk, Severity, Source
from framework.models import ViolationSubtype, ViolationType
from organisations.choosers import organisation_match, type_when_many
from organisations.models import Alliance, Membership, Organisation
from samen.evidence import sniff

TEXT_LIMIT = 20000


class CategoryChoices(forms.Form):
    """Category and sub-type from the shared taxonomy."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ViolationType.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("From the shared taxonomy. Leave empty when it is not clear yet: triage sets it."),
    )
    subtype = forms.ModelChoiceField(
        label=_("Sub-type"), queryset=ViolationSubtype.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ViolationType.objects.active()  # type: ignore[attr-defined]
        self.fields["subtype"].queryset = ViolationSubtype.objects.active().select_related("type")  # type: ignore[attr-defined]
        self.fields["subtype"].label_from_instance = lambda s: f"{s.type.name} — {s.name}"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category, subtype = data.get("category"), data.get("subtype")
        if subtype is not None:
            if category is None:
                data["category"] = subtype.type
            elif subtype.type_id != category.pk:
                self.add_error("subtype", _("This sub-type belongs to another category."))
        return data


class CaseForm(CategoryChoices):
    """Registering a case that came in by phone, in a meeting, by email or from a partner."""

    source = forms.ChoiceField(
        label=_("How it reached us"), choices=[(s.value, s.label) for s in Source if s not in (Source.SPEAKUP,)]
    )
    received_on = forms.DateField(
        label=_("Received on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the concern reached the organisation: the legal clock counts from it."),
    )
    summary = forms.CharField(
        label=_("What was reported"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Encrypted: only the people assigned to the case can read it."),
    )
    involves = forms.ModelChoiceField(
        label=_("Partner organisation involved"), queryset=Organisation.objects.none(), required=False
    )
    alliance = forms.ModelChoiceField(label=_("Alliance"), queryset=Alliance.objects.none(), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from organisations.models import Partnership

        self.fields["involves"].queryset = Partnership.objects.partners_of(organisation)  # type: ignore[attr-defined]
        type_when_many(self, "involves", organisation_match, lambda o: o.name)
        self.fields["alliance"].queryset = (  # type: ignore[attr-defined]
            Alliance.objects.filter(alliance_memberships__organisation=organisation).distinct().order_by("name")
        )
        self.initial.setdefault("received_on", timezone.localdate())

    def clean_received_on(self) -> Any:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The day received cannot be in the future."))
        return day


class TriageForm(CategoryChoices):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    retaliation_risk = forms.ChoiceField(
        label=_("Risk of retaliation against the reporter"),
        choices=Risk.choices,
        help_text=_("With a high risk, plan protection measures before anyone else learns of the report."),
    )
    playbook = forms.ModelChoiceField(
        label=_("Playbook"),
        queryset=Playbook.objects.none(),
        required=False,
        help_text=_("Leave empty to use the playbook for the category. Steps already done are kept when it changes."),
    )
    involves = forms.ModelChoiceField(
        label=_("Partner organisation involved"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, playbooks: list[Playbook], partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["playbook"].queryset = Playbook.objects.filter(pk__in=[p.pk for p in playbooks])  # type: ignore[attr-defined]
        self.fields["involves"].queryset = partners  # type: ignore[attr-defined]
        type_when_many(self, "involves", organisation_match, lambda o: o.name)
        self.fields["category"].required = True


class AttachmentField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            upload.content_type = sniff(upload)
        return upload


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = AttachmentField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, PNG, JPEG, DOCX, XLSX or TXT. Encrypted like the notes."),
    )


class StepForm(forms.Form):
    """Ticking a step: the checklist, a note, and for notifications when and to whom."""

    checked = forms.MultipleChoiceField(label=_("Checklist"), required=False, widget=forms.CheckboxSelectMultiple)
    notified_on = forms.DateField(label=_("Sent on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notified_to = forms.CharField(label=_("Sent to"), required=False, max_length=200)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done or decided. Encrypted: only the people on the case read it."),
    )
    attachment = AttachmentField(label=_("Attachment (optional)"), required=False)

    def __init__(self, *args: Any, items: list[str], notify: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checked"].choices = [(str(i), item) for i, item in enumerate(items)]  # type: ignore[attr-defined]
        self.notify = notify
        if not items:
            del self.fields["checked"]
        if notify:
            self.fields["notified_on"].required = True
            self.fields["notified_to"].required = True
            self.fields["note"].label = _("What was sent")
            self.fields["note"].required = True
            self.initial.setdefault("notified_on", timezone.localdate())
        else:
            del self.fields["notified_on"]
            del self.fields["notified_to"]

    def clean_notified_on(self) -> Any:
        day = self.cleaned_data.get("notified_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("The day sent cannot be in the future."))
        return day

    def checked_indexes(self) -> list[int]:
        return [int(i) for i in self.cleaned_data.get("checked", [])]

    @property
    def upload(self) -> UploadedFile | None:
        return self.cleaned_data.get("attachment")


class AssignForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Membership.objects.none())
    role = forms.ChoiceField(label=_("Role on this case"), choices=CaseRole.choices)
    confirm_two_roles = forms.BooleanField(
        label=_("I know this person already has another role on this case"), required=False
    )

    def __init__(self, *args: Any, memberships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = memberships  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda m: f"{m.user.display_name} ({m.get_role_display()})"  # type: ignore[attr-defined]


class ExcludeForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person named in the case or with a conflict of interest"),
        queryset=Membership.objects.none(),
        help_text=_("They are taken off the case, lose access to it at once and no longer see that it exists."),
    )

    def __init__(self, *args: Any, memberships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = memberships  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda m: m.user.display_name  # type: ignore[attr-defined]


class ConclusionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    measures = forms.CharField(
        label=_("Measures taken"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4})
    )
    support = forms.CharField(
        label=_("Support given"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("To the reporter, to people affected and to the person reported."),
    )
    lessons = forms.CharField(
        label=_("Lessons learned"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4})
    )
    actions = forms.CharField(
        label=_("Actions for the action plan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One action per line. They go to the action plan for lessons from this case, readable by everyone in "
            "the organisation: write them without names or details of the case."
        ),
    )
    dilemma = forms.CharField(
        label=_("What others can learn from this, as a dilemma (optional)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The dilemma in this case, written without names or details that point to it. It becomes "
            "your draft in the dilemma library — not encrypted, seen only by you until you complete and submit it; "
            "the de-identification check runs before it can be shared."
        ),
    )
    feedback = forms.CharField(
        label=_("Feedback to the reporter"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the reporter through the speak-up channel; they read it with their receipt code."),
    )
    close_report = forms.BooleanField(
        label=_("Close the speak-up report"),
        required=False,
        initial=True,
        help_text=_(
            "The reporter can still read the feedback until the report is deleted at the end of its retention period."
        ),
    )

    def __init__(self, *args: Any, has_report: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_report:
            del self.fields["feedback"]
            del self.fields["close_report"]

    def action_titles(self) -> list[str]:
        return [line.strip()[:200] for line in self.cleaned_data.get("actions", "").splitlines() if line.strip()]


class CaseFilterForm(CategoryChoices):
    q = forms.CharField(label=_("Reference"), required=False, max_length=20)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Open")),
            ("overdue", _("With overdue steps")),
            ("concluded", _("Concluded")),
        ],
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CaseSettings
        fields = ["separation", "min_group_size"]
        labels = {
            "separation": _("When one person would hold two roles on a case (intake, investigation, decision)"),
            "min_group_size": _("Smallest group shown as a number in the annual account"),
        }
        help_texts = {"min_group_size": _("Smaller groups show as “< N”, so nobody can be recognised. At least 2.")}

    def clean_min_group_size(self) -> int:
        value = self.cleaned_data["min_group_size"]
        if value < 2:
            raise ValidationError(_("At least 2."))
        return value
