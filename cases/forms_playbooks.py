"""Forms for an organisation's own copy of a playbook.

They check nothing of their own beyond parsing what was typed: every rule is the content loader's
(`cases.playbooks.check_playbook` and `check_steps`), run on the playbook as it would be after the
change, so a copy can never hold what a content file could not.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Anchor, CaseRole, Marks, Notify, Phase, Playbook, PlaybookStep
from cases.playbooks import Problem, check_playbook, check_steps, steps_with
from framework.models import ViolationSubtype, ViolationType

TEXTAREA = forms.Textarea(attrs={"rows": 4})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3})


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The taxonomy as grouped choices: each type, then its sub-types."""
    subtypes = list(ViolationSubtype.objects.active().order_by("order", "code"))
    groups = []
    for violation_type in ViolationType.objects.active():
        options = [(violation_type.code, str(_("%(type)s (all of it)") % {"type": violation_type.name}))]
        options += [(s.code, s.name) for s in subtypes if s.type_id == violation_type.pk]
        groups.append((violation_type.name, options))
    return groups


def _show(form: forms.Form, problems: list[Problem], fields: dict[str, str]) -> None:
    """Put each problem next to its field (`fields` maps rule field names to form fields), or on top."""
    for problem in problems:
        field = fields.get(problem.field, problem.field)
        form.add_error(field if field in form.fields else None, problem.message)


class PlaybookForm(forms.Form):
    title_nl = forms.CharField(label=_("Title in Dutch"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    intro_nl = forms.CharField(label=_("Introduction in Dutch"), widget=TEXTAREA, required=False)
    intro_en = forms.CharField(label=_("Introduction in English"), widget=TEXTAREA, required=False)
    applies_to = forms.MultipleChoiceField(
        label=_("Used for these categories"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "A case of a ticked category gets this playbook. A ticked sub-type wins over a ticked type. "
            "A category can belong to one playbook only."
        ),
    )
    is_default = forms.BooleanField(
        label=_("Default: use this playbook when no playbook is for the category"), required=False
    )

    def __init__(self, *args: Any, playbook: Playbook, others: list[Playbook], known: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.playbook, self.others, self.known = playbook, others, known
        self.fields["applies_to"].choices = category_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        candidate = Playbook(
            code=self.playbook.code,
            organisation=self.playbook.organisation,
            title_nl=cleaned["title_nl"].strip(),
            title_en=cleaned["title_en"].strip(),
            intro_nl=cleaned["intro_nl"].strip(),
            intro_en=cleaned["intro_en"].strip(),
            applies_to=list(cleaned["applies_to"]),
            is_default=cleaned["is_default"],
        )
        _show(self, check_playbook(candidate, known_codes=self.known, others=self.others, needs_default=True), {})
        self.values = {
            name: getattr(candidate, name)
            for name in ("title_nl", "title_en", "intro_nl", "intro_en", "applies_to", "is_default")
        }
        return cleaned


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class StepForm(forms.Form):
    """Add a step (`step` None) or change one. `self.steps` is, once valid, the playbook's steps after the change."""

    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        required=False,
        help_text=_("Short, lowercase, with hyphens, like “notify-cbf”. Other steps refer to it."),
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    role = forms.ChoiceField(label=_("Who does it"), choices=CaseRole.choices)
    title_nl = forms.CharField(label=_("Title in Dutch"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    guidance_nl = forms.CharField(label=_("Guidance in Dutch"), widget=TEXTAREA, required=False)
    guidance_en = forms.CharField(label=_("Guidance in English"), widget=TEXTAREA, required=False)
    checklist_nl = forms.CharField(
        label=_("Checklist in Dutch"),
        widget=SHORT_TEXTAREA,
        required=False,
        help_text=_("One item per line."),
    )
    checklist_en = forms.CharField(
        label=_("Checklist in English"),
        widget=SHORT_TEXTAREA,
        required=False,
        help_text=_("One item per line, in the same order as the Dutch items."),
    )
    after = forms.MultipleChoiceField(
        label=_("Only after these steps are done"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Steps of the same or an earlier phase."),
    )
    due_anchor = forms.ChoiceField(
        label=_("Deadline starts when"),
        choices=[("", _("no deadline"))] + [(a.value, a.label) for a in Anchor],
        required=False,
    )
    due_step = forms.ChoiceField(label=_("The step the deadline counts from"), required=False)
    due_days = forms.IntegerField(label=_("Days"), required=False)
    due_months = forms.IntegerField(label=_("Months"), required=False)
    marks = forms.ChoiceField(label=_("Doing this step records"), choices=Marks.choices, required=False)
    notify = forms.ChoiceField(label=_("Notifies"), choices=Notify.choices, required=False)
    victim_care = forms.BooleanField(label=_("Care for the person affected (victim care)"), required=False)

    def __init__(
        self, *args: Any, playbook_steps: list[PlaybookStep], step: PlaybookStep | None = None, **kwargs: Any
    ) -> None:
        if step is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(step, name) for name in self.base_fields if hasattr(step, name)},
                "checklist_nl": "\n".join(item.get("nl", "") for item in step.checklist),
                "checklist_en": "\n".join(item.get("en", "") for item in step.checklist),
            }
        super().__init__(*args, **kwargs)
        self.playbook_steps, self.step = playbook_steps, step
        others = [(s.code, f"{s.title} ({s.code})") for s in playbook_steps if step is None or s.code != step.code]
        self.fields["after"].choices = others  # type: ignore[attr-defined]
        self.fields["due_step"].choices = [("", _("—")), *others]  # type: ignore[attr-defined]
        self.steps: list[PlaybookStep] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        nl, en = _lines(cleaned["checklist_nl"]), _lines(cleaned["checklist_en"])
        # Paired by position; a missing translation is left empty so the rules name the item.
        checklist = [
            {"nl": nl[i] if i < len(nl) else "", "en": en[i] if i < len(en) else ""}
            for i in range(max(len(nl), len(en)))
        ]
        values = {
            "code": cleaned["code"].strip(),
            "phase": cleaned["phase"],
            "role": cleaned["role"],
            "title_nl": cleaned["title_nl"].strip(),
            "title_en": cleaned["title_en"].strip(),
            "guidance_nl": cleaned["guidance_nl"].strip(),
            "guidance_en": cleaned["guidance_en"].strip(),
            "checklist": checklist,
            "after": list(cleaned["after"]),
            "due_anchor": cleaned["due_anchor"],
            "due_step": cleaned["due_step"] if cleaned["due_anchor"] == Anchor.STEP else "",
            "due_days": cleaned["due_days"],
            "due_months": cleaned["due_months"],
            "marks": cleaned["marks"],
            "notify": cleaned["notify"],
            "victim_care": cleaned["victim_care"],
        }
        steps, mine = steps_with(self.playbook_steps, values, self.step.code if self.step else None)
        fields = {"checklist": "checklist_nl"}
        for problem in check_steps(steps):
            if problem.step == mine or problem.step is None:
                _show(self, [problem], fields)
            else:
                # A rule broken elsewhere by this change: say which step.
                other = steps[problem.step]
                message = _("Step “%(title)s”: %(problem)s") % {"title": other.title, "problem": problem.message}
                self.add_error(None, message)
        if not self.errors:
            self.steps = steps
        return cleaned
