"""Forms of the assessments app: they validate and normalise; views assign and save."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from assessments.models import Answer, Assessment, Evidence, Rating, ReviewComment
from framework.models import AnswerOption, AssessmentLibrary, MaturityLevel, Requirement
from organisations.choosers import type_when_many
from organisations.forms import ConsentForm
from organisations.models import Organisation, Partnership
from samen.evidence import sniff

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
        # A large funder's thousands of partnerships: the partner's name typed, not chosen from a list.
        type_when_many(
            self,
            "partnership",
            lambda text: (
                Q(organisation=organisation) & (Q(partner__name__iexact=text) | Q(partner__slug__iexact=text))
                | Q(partner=organisation) & (Q(organisation__name__iexact=text) | Q(organisation__slug__iexact=text))
            ),
            lambda p: p.other(organisation).name,
            identity=lambda p: p.other(organisation).pk,
        )

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


class Choice(TypedDict):
    """One radio button of a requirement's answer. A dict: the template engine looks keys up first."""

    value: str
    label: str
    id: str
    checked: bool


@dataclass
class AnswerRow:
    """One requirement on the answer page: its inputs, their errors, and what is already there."""

    requirement: Requirement
    answer_name: str
    answer_id: str
    choices: list[Choice]
    answer_errors: list[str]
    comment_name: str
    comment_id: str
    comment_value: str
    comment_errors: list[str]
    evidence_name: str
    evidence_id: str
    evidence_errors: list[str]
    evidence_files: list[Evidence] = field(default_factory=list)
    answered: Answer | None = None
    answered_note: str = ""
    review_comments: list[ReviewComment] = field(default_factory=list)

    def __getitem__(self, name: str) -> Any:
        # The template engine tries row[name] before row.name: answer it rather than raise TypeError.
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    @property
    def answer_aria(self) -> SafeString:
        """The aria attributes of each radio button: invalid with an error, described by it and by the
        reviewer's comments."""
        ids = [f"{self.answer_id}_error"] if self.answer_errors else []
        if self.review_comments:
            ids.append(f"{self.answer_id}_review")
        invalid = mark_safe(' aria-invalid="true"') if self.answer_errors else ""
        described = format_html(' aria-describedby="{}"', " ".join(ids)) if ids else ""
        return format_html("{}{}", invalid, described)


class CommentArea(forms.Textarea):
    """A textarea of three rows. A field copies a widget instance it is given, but not a class: with
    three fields a requirement, those copies were a good part of the answer page's time."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"rows": 3, **(attrs or {})})


class AreaAnswerForm(forms.Form):
    """All requirements of one area on one plain form: an answer, a comment and an evidence file each."""

    def __init__(
        self,
        *args: Any,
        requirements: Sequence[Requirement],
        answers: dict[int, Answer],
        levels: Sequence[MaturityLevel],
        options: Mapping[int, Sequence[AnswerOption]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`options`: the choice questions' options by requirement id, when the caller loaded them."""
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
                of_requirement = options.get(requirement.pk, []) if options is not None else requirement.options.all()
                choices = [(str(option.pk), option.label) for option in of_requirement]
            self.fields[answer_name] = forms.ChoiceField(
                label=requirement.text, choices=choices, required=False, widget=forms.RadioSelect
            )
            self.fields[comment_name] = forms.CharField(
                label=_("Comment"), required=False, max_length=4000, widget=CommentArea
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

    def rows(self) -> list["AnswerRow"]:
        """Per requirement what the template needs to write its inputs itself.

        The template writes the radio buttons, the textarea and the file input as plain HTML: through
        the widgets, 60 requirements cost some 600 sub-templates a page. The names, ids and values are
        those the widgets would give, so validation (and an earlier form's posts) work unchanged.
        """
        out = []
        for requirement in self.requirements:
            answer_name, comment_name, evidence_name = field_names(requirement)
            answer_field = self.fields[answer_name]
            chosen = self._input_value(answer_name, answer_field)
            chosen = "" if chosen is None else str(chosen)
            comment = self._input_value(comment_name, self.fields[comment_name])
            answer_id = self._input_id(answer_name)
            out.append(
                AnswerRow(
                    requirement=requirement,
                    answer_name=answer_name,
                    answer_id=answer_id,
                    choices=[
                        {
                            "value": str(value),
                            "label": str(label),
                            "id": f"{answer_id}_{index}",
                            "checked": str(value) == chosen,
                        }
                        for index, (value, label) in enumerate(answer_field.choices)  # type: ignore[attr-defined]
                    ],
                    answer_errors=self._error_texts(answer_name),
                    comment_name=comment_name,
                    comment_id=self._input_id(comment_name),
                    comment_value="" if comment is None else str(comment),
                    comment_errors=self._error_texts(comment_name),
                    evidence_name=evidence_name,
                    evidence_id=self._input_id(evidence_name),
                    evidence_errors=self._error_texts(evidence_name),
                )
            )
        return out

    def _input_value(self, name: str, form_field: forms.Field) -> Any:
        """What the field's input shows: the posted value on a bound form, else the initial one."""
        if self.is_bound:
            return form_field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return self.initial.get(name)

    def _error_texts(self, name: str) -> list[str]:
        return [str(error) for error in self.errors.get(name, [])]

    def _input_id(self, name: str) -> str:
        """The id Django's widget would give the field's input."""
        return str(self.auto_id) % self.add_prefix(name)

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
