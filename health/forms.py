"""Forms of the health checks: they validate and normalise; the views make the changes."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from health.dimensions import all_dimensions
from health.models import Colour, Schedule
from organisations.choosers import partner_match, type_when_many
from organisations.models import Alliance, Membership, Organisation, Partnership, Role

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERROR = _("Enter the date as year-month-day, for example 2026-03-31.")


class ScheduleForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("Partnership or alliance"),
        help_text=_("Everyone in these organisations can read the check; their managers can run it."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False, help_text=_("Optional."))
    kind = forms.ChoiceField(label=_("Kind of check"), choices=Schedule.Kind.choices, initial=Schedule.Kind.INFORMAL)
    interval_months = forms.IntegerField(
        label=_("Every how many months"),
        min_value=1,
        max_value=24,
        required=False,
        help_text=_("Leave empty for the usual rhythm: every 2 months for an informal check, 6 for a formal review."),
    )
    next_due_on = forms.DateField(
        label=_("First round due on"), widget=DATE_WIDGET, error_messages={"invalid": DATE_ERROR}
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_due_on"].initial = timezone.localdate()
        current = (
            Partnership.objects.involving(organisation)
            .exclude(status="ended")
            .select_related("organisation", "partner")
            .order_by("partner__name", "organisation__name", "pk")
        )
        self.partnerships = {}
        # A large funder's thousands of partnerships: the partner typed in a box of its own, not listed.
        self.fields["partner"] = forms.ModelChoiceField(
            label=_("Or the partner of a partnership"), queryset=current, to_field_name="code", required=False
        )
        self.many = type_when_many(
            self,
            "partner",
            partner_match(organisation),
            lambda p: p.other(organisation).name,
            identity=lambda p: p.other(organisation).pk,
        )
        if self.many:
            self.order_fields(["subject", "partner"])
            self.fields["subject"].required = False
            self.fields["subject"].label = _("Alliance")
            chosen = str(self.initial.get("subject", ""))
            if chosen.startswith("p:"):
                self.initial["partner"] = chosen.removeprefix("p:")
        else:
            del self.fields["partner"]
            self.partnerships = {f"p:{p.code}": p for p in current}
        self.alliances = {f"a:{a.code}": a for a in organisation.alliances().select_related("lead")}
        # An alliance this organisation leads without being listed as a member counts too.
        for alliance in Alliance.objects.filter(lead=organisation):
            self.alliances.setdefault(f"a:{alliance.code}", alliance)
        choices: list[tuple[Any, Any]] = [("", _("— choose —"))]
        if self.partnerships:
            named = [(key, p.other(organisation).name) for key, p in self.partnerships.items()]
            choices.append((_("Partnerships"), named))
        if self.alliances:
            choices.append((_("Alliances"), [(key, a.name) for key, a in self.alliances.items()]))
        self.fields["subject"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        key = cleaned.get("subject", "")
        cleaned["partnership"] = self.partnerships.get(key) or cleaned.get("partner")
        cleaned["alliance"] = self.alliances.get(key)
        if self.many and not cleaned["partnership"] and not cleaned["alliance"] and "partner" not in self.errors:
            self.add_error("partner", _("Type the partner of the partnership, or choose an alliance."))
        elif cleaned["partnership"] and cleaned["alliance"]:
            self.add_error("subject", _("Choose a partnership or an alliance, not both."))
        if cleaned.get("kind") and not cleaned.get("interval_months"):
            cleaned["interval_months"] = Schedule.DEFAULT_INTERVAL[Schedule.Kind(cleaned["kind"])]
        return cleaned


def participant_choices(organisations: list[Organisation]) -> list[Membership]:
    """The people who may be invited: everyone but viewers (a read-only role does not answer)."""
    return list(
        Membership.objects.filter(organisation__in=organisations)
        .exclude(role=Role.VIEWER)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__name", "user__email")
    )


class ParticipantsForm(forms.Form):
    """Choose people by their membership code; the template groups them per organisation."""

    participants = forms.MultipleChoiceField(label=_("Who answers"), required=False)

    def __init__(
        self, *args: Any, memberships: list[Membership], already: frozenset[int] | set[int] = frozenset(), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = [m for m in memberships if m.user_id not in already]
        self.fields["participants"].choices = [(str(m.code), str(m.user)) for m in self.memberships]  # type: ignore[attr-defined]

    def clean_participants(self) -> list[Membership]:
        chosen = set(self.cleaned_data["participants"])
        return [m for m in self.memberships if str(m.code) in chosen]

    def chosen_codes(self) -> set[str]:
        return set(self.data.getlist("participants")) if self.is_bound else set()  # type: ignore[attr-defined]


class RoundForm(ParticipantsForm):
    closes_on = forms.DateField(
        label=_("Answer before"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": DATE_ERROR},
        help_text=_("Optional. The round stays open until a manager closes it."),
    )

    def clean_closes_on(self) -> Any:
        closes_on = self.cleaned_data["closes_on"]
        if closes_on and closes_on < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return closes_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "participants" in cleaned and not cleaned["participants"]:
            self.add_error("participants", _("Choose at least one person to answer."))
        return cleaned


class InviteForm(ParticipantsForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "participants" in cleaned and not cleaned["participants"]:
            self.add_error("participants", _("Choose at least one person to invite."))
        return cleaned


class AnswerForm(forms.Form):
    """A colour and an optional comment for every dimension; all colours are required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dimension in all_dimensions():
            self.fields[dimension.code] = forms.ChoiceField(
                label=dimension.label,
                choices=Colour.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose green, amber or red.")},
            )
            self.fields[f"{dimension.code}-comment"] = forms.CharField(
                label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self) -> list[dict[str, Any]]:
        """Per dimension: its text, its colour field and its comment field, for the template."""
        return [
            {"dimension": d, "colour": self[d.code], "comment": self[f"{d.code}-comment"]} for d in all_dimensions()
        ]

    def ratings(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [(d.code, data[d.code], data[f"{d.code}-comment"].strip()) for d in all_dimensions()]


class ReviewForm(forms.Form):
    held_on = forms.DateField(
        label=_("Review meeting held on"), widget=DATE_WIDGET, error_messages={"invalid": DATE_ERROR}
    )
    notes = forms.CharField(
        label=_("What was discussed"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    agreements = forms.CharField(
        label=_("What was agreed"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}), required=False
    )

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Record the meeting once it has taken place."))
        return held_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("notes", "agreements"):
            cleaned[name] = (cleaned.get(name) or "").strip()
        if not cleaned["notes"] and not cleaned["agreements"]:
            raise forms.ValidationError(_("Write what was discussed or what was agreed."))
        return cleaned


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=DATE_WIDGET, error_messages={"invalid": DATE_ERROR}
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Say what is to be done."))
        return title
