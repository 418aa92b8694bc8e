"""Forms of the assessments app: they validate and normalise; views assign and save."""

import zipfile
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from assessments.models import Answer, Assessment, Rating, check_evidence
from framework.models import AssessmentLibrary, MaturityLevel, Requirement
from organisations.forms import ConsentForm
from organisations.models import Organisation, Partnership

LEVELS = range(0, 6)


class RequestForm(forms.Form):
    library = forms.ModelChoiceField(
        label=_("Questionnaire"),
        queryset=AssessmentLibrary.objects.none(),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    partnership = forms.ModelChoiceField(
        label=_("Who is assessed"),
        queryset=Partnership.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Our own organisation (self-assessment)"),
        help_text=_("Choose a partner to ask it to answer, or assess your own organisation."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["library"].queryset = AssessmentLibrary.objects.current()  # type: ignore[attr-defined]
        self.fields["library"].label_from_instance = lambda library: library.name  # type: ignore[attr-defined]
        self.fields["partnership"].queryset = (  # type: ignore[attr-defined]
            Partnership.objects.involving(organisation).current().order_by("partner__name")
        )
        self.fields["partnership"].label_from_instance = lambda p: p.other(organisation).name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        library, partnership = cleaned.get("library"), cleaned.get("partnership")
        if library is None:
            return cleaned
        if library.scoring == AssessmentLibrary.Scoring.MUTUAL and partnership is None:
            self.add_error("partnership", _("Both partners answer this check: choose the partner to do it with."))
            return cleaned
        assessed = partnership.other(self.organisation) if partnership else self.organisation
        requester = self.organisation if partnership else None
        cleaned["organisation"], cleaned["requester"] = assessed, requester
        under_way = Assessment.objects.filter(
            library__code=library.code,
            organisation=assessed,
            requester=requester,
            status__in=[s.value for s in Assessment.Status if s != Assessment.Status.FINAL],
        )
        if under_way.exists():
            raise ValidationError(
                _("An assessment of %(name)s with this questionnaire is already under way."),
                params={"name": assessed.name},
                code="duplicate",
            )
        return cleaned


def field_names(requirement: Requirement) -> tuple[str, str, str]:
    prefix = f"r{requirement.pk}"
    return f"{prefix}-answer", f"{prefix}-comment", f"{prefix}-evidence"


class AreaAnswerForm(forms.Form):
    """All requirements of one area on one plain form: an answer, a comment and an evidence file each."""

    def __init__(
        self,
        *args: Any,
        requirements: Sequence[Requirement],
        answers: dict[int, Answer],
        levels: Sequence[MaturityLevel],
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {}
        for requirement in requirements:
            answer_name, comment_name, _evidence = field_names(requirement)
            answer = answers.get(requirement.pk)
            if answer is not None:
                value = answer.level if requirement.answer_kind == Requirement.AnswerKind.MATURITY else answer.option_id
                initial[answer_name] = "" if value is None else str(value)
                initial[comment_name] = answer.comment
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.requirements = requirements
        level_labels = {level.level: level.label for level in levels}
        for requirement in requirements:
            answer_name, comment_name, evidence_name = field_names(requirement)
            if requirement.answer_kind == Requirement.AnswerKind.MATURITY:
                choices = [(str(n), f"{n} · {level_labels.get(n, '')}") for n in LEVELS]
            else:
                choices = [(str(option.pk), option.label) for option in requirement.options.all()]
            self.fields[answer_name] = forms.ChoiceField(
                label=requirement.text, choices=choices, required=False, widget=forms.RadioSelect
            )
            self.fields[comment_name] = forms.CharField(
                label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.fields[evidence_name] = forms.FileField(label=_("Add evidence"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for requirement in self.requirements:
            _answer, _comment, evidence_name = field_names(requirement)
            upload = cleaned.get(evidence_name)
            if upload:
                try:
                    cleaned[f"{evidence_name}-type"] = sniff(upload)
                except ValidationError as error:
                    self.add_error(evidence_name, error)
        return cleaned

    def rows(self) -> list[dict[str, Any]]:
        """Per requirement its three bound fields, for the template."""
        out = []
        for requirement in self.requirements:
            answer_name, comment_name, evidence_name = field_names(requirement)
            out.append(
                {
                    "requirement": requirement,
                    "answer": self[answer_name],
                    "comment": self[comment_name],
                    "evidence": self[evidence_name],
                }
            )
        return out

    def value_for(self, requirement: Requirement) -> tuple[int | None, int | None, str]:
        """(level, option id, comment) as cleaned."""
        answer_name, comment_name, _evidence = field_names(requirement)
        raw = self.cleaned_data.get(answer_name) or ""
        comment = self.cleaned_data.get(comment_name, "").strip()
        if raw == "":
            return None, None, comment
        if requirement.answer_kind == Requirement.AnswerKind.MATURITY:
            return int(raw), None, comment
        return None, int(raw), comment


def sniff(upload: UploadedFile) -> str:
    """The content type of an uploaded evidence file, checked by its name, size and first bytes."""
    name = upload.name or ""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    zip_names = None
    if head.startswith(b"PK\x03\x04") and (upload.size or 0) <= 50 * 1024 * 1024:
        try:
            with zipfile.ZipFile(upload) as archive:
                zip_names = archive.namelist()
        except zipfile.BadZipFile:
            zip_names = []
        upload.seek(0)
    return check_evidence(name, upload.size or 0, head, zip_names)


class ReviewForm(forms.Form):
    DECISIONS = [
        ("save", _("Save comments")),
        ("return", _("Return with comments")),
        ("finalise", _("Finalise")),
    ]
    comment = forms.CharField(
        label=_("General comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    preliminary_rating = forms.ChoiceField(
        label=_("Preliminary rating"), choices=[("", _("— not yet —")), *Rating.choices], required=False
    )
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, requirements: Sequence[Requirement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requirements = requirements
        for requirement in requirements:
            self.fields[f"r{requirement.pk}-review"] = forms.CharField(
                label=_("Comment on %(code)s") % {"code": requirement.code},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = self.data.get("decision") or "save"
        if decision not in dict(self.DECISIONS):
            raise ValidationError(_("Choose what to do with the assessment."))
        cleaned["decision"] = decision
        if decision == "return" and not self.comments() and not cleaned.get("comment"):
            raise ValidationError(_("Write at least one comment before you return the assessment."))
        if decision == "finalise" and not cleaned.get("preliminary_rating"):
            self.add_error("preliminary_rating", _("Choose a rating before you finalise the assessment."))
        return cleaned

    def comments(self) -> list[tuple[Requirement, str]]:
        out = []
        for requirement in self.requirements:
            text = (self.cleaned_data.get(f"r{requirement.pk}-review") or "").strip()
            if text:
                out.append((requirement, text))
        return out

    def review_field(self, requirement: Requirement) -> forms.BoundField:
        return self[f"r{requirement.pk}-review"]


class ShareForm(ConsentForm):
    """The organisations' consent form, with what is shared fixed to this one assessment."""

    subject = None  # type: ignore[assignment]

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        self.assessment = assessment
        super().__init__(*args, organisation=assessment.organisation, **kwargs)

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["subject"] = self.assessment.subject
        return super().clean()
