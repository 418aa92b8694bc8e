"""Forms of the power-awareness session: they validate and normalise; the views assign and save."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dialogue.models import DISPLAY_NAME_LENGTH, PARTICIPANT_LANGUAGES
from organisations.choosers import partner_match, type_when_many
from organisations.models import Organisation, Partnership
from power.models import CHANGE_LENGTH, DECISION_LENGTH, Decision, Stage


def _clean_text(value: str) -> str:
    # One line of plain text: newlines and runs of spaces collapse (the text is escaped when shown).
    return " ".join(value.split())


def _partnership_label(partnership: Partnership) -> str:
    names = f"{partnership.organisation.name} — {partnership.partner.name}"
    return f"{partnership.title} ({names})" if partnership.title else names


class SessionForm(forms.Form):
    partnership = forms.ModelChoiceField(
        label=_("Partnership"), queryset=Partnership.objects.none(), to_field_name="code", empty_label=None
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Optional. Without one, the session is named after the partnership."),
    )
    starters = forms.ChoiceField(
        label=_("Start the list of decisions"),
        choices=[
            ("", _("Empty: the participants list the decisions")),
            ("en", _("With the starter list of typical partnership decisions, in English")),
            ("nl", _("With the starter list of typical partnership decisions, in Dutch")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partnership"]
        assert isinstance(field, forms.ModelChoiceField)
        current = Partnership.objects.involving(organisation).current()
        field.queryset = current.select_related("organisation", "partner").order_by("pk")
        field.label_from_instance = _partnership_label  # type: ignore[method-assign,assignment]
        # A large funder's thousands of partnerships: the partner typed in a box, not listed.
        type_when_many(
            self,
            "partnership",
            partner_match(organisation),
            lambda p: p.other(organisation).name,
            identity=lambda p: p.other(organisation).pk,
        )

    def clean_title(self) -> str:
        return _clean_text(self.cleaned_data["title"])


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=DECISION_LENGTH)

    def clean_text(self) -> str:
        text = _clean_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Write the decision."))
        return text


class StartersForm(forms.Form):
    language = forms.ChoiceField(choices=[("en", _("English")), ("nl", _("Dutch"))])


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Same decision as"), queryset=Decision.objects.none(), to_field_name="code", empty_label=None
    )
    text = forms.CharField(label=_("New wording (optional)"), max_length=DECISION_LENGTH, required=False)

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Decision.objects.filter(session_id=decision.session_id).exclude(pk=decision.pk)

    def clean_text(self) -> str:
        return _clean_text(self.cleaned_data["text"])


class StageForm(forms.Form):
    stage = forms.TypedChoiceField(choices=Stage.choices, coerce=int)


class ChangeForm(forms.Form):
    text = forms.CharField(label=_("What we agree to change"), max_length=CHANGE_LENGTH)
    decision = forms.ModelChoiceField(
        label=_("About the decision"),
        queryset=Decision.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("(none in particular)"),
    )

    def __init__(self, *args: Any, session_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Decision.objects.filter(session_id=session_id)

    def clean_text(self) -> str:
        text = _clean_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Write what you agree to change."))
        return text


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=DISPLAY_NAME_LENGTH,
        required=False,
        help_text=_("Shown to the facilitators only. Leave it empty to take part without a name."),
    )
    side = forms.ChoiceField(label=_("I am from"), widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language"), choices=PARTICIPANT_LANGUAGES)

    def __init__(self, *args: Any, sides: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sides = {str(side.code): side for side in sides}
        field = self.fields["side"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(side.code), side.name) for side in sides]

    def clean_display_name(self) -> str:
        return _clean_text(self.cleaned_data["display_name"])

    def clean_side(self) -> Organisation:
        return self.sides[self.cleaned_data["side"]]


class ScoresForm(forms.Form):
    """One radio group per decision: who holds the influence, 1–5; a participant may leave some open."""

    def __init__(self, *args: Any, decisions: list[Decision], scale: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decisions = decisions
        for decision in decisions:
            self.fields[str(decision.code)] = forms.TypedChoiceField(
                label=decision.text, choices=scale, coerce=int, required=False, widget=forms.RadioSelect
            )

    def scores(self) -> list[tuple[Decision, int]]:
        return [
            (decision, self.cleaned_data[str(decision.code)])
            for decision in self.decisions
            if self.cleaned_data.get(str(decision.code)) not in (None, "")
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(str(decision.code)) not in (None, "") for decision in self.decisions):
            raise forms.ValidationError(_("Choose who holds the influence for at least one decision."))
        return cleaned
