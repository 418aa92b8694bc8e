from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dialogue.models import DISPLAY_NAME_LENGTH, PARTICIPANT_LANGUAGES, Record, Session, Step
from dilemmas.models import MAX_OPTIONS
from organisations.choosers import partner_match, type_when_many
from organisations.models import Organisation, Partnership

MAX_RECORD = 2000


def _one_line(value: str) -> str:
    return " ".join(value.split())


class SessionForm(forms.Form):
    """A dilemma session's title, mode and (optionally) the partnership it is about."""

    title = forms.CharField(label=_("Title"), max_length=200)
    mode = forms.ChoiceField(label=_("How the room works"), choices=Session.Mode.choices, widget=forms.RadioSelect)
    partnership = forms.ModelChoiceField(
        label=_("About a partnership (optional)"),
        queryset=Partnership.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("No partnership"),
        help_text=_("The partner organisation's members can then read the session's report too."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        field = self.fields["partnership"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Partnership.objects.involving(organisation)
            .select_related("organisation", "partner")
            .order_by("partner__name", "organisation__name", "pk")
        )
        field.label_from_instance = lambda p: str(p.other(organisation))  # type: ignore[method-assign,assignment]
        # A large funder's thousands of partnerships: the partner typed in a box, not listed.
        type_when_many(
            self,
            "partnership",
            partner_match(organisation),
            lambda p: p.other(organisation).name,
            identity=lambda p: p.other(organisation).pk,
        )

    def clean_title(self) -> str:
        return _one_line(self.cleaned_data["title"])


class FindDilemmaForm(forms.Form):
    q = forms.CharField(
        label=_("Search the library"), max_length=100, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )


class AddDilemmaForm(forms.Form):
    dilemma = forms.UUIDField()


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class SteerForm(forms.Form):
    """What the facilitator changes: which dilemma, which step, the results on the phones, a "what if…?"."""

    item = forms.UUIDField(required=False)
    step = forms.ChoiceField(choices=Step.choices, required=False)
    reveal = forms.ChoiceField(choices=[("", ""), ("show", "show"), ("hide", "hide")], required=False)
    variation = forms.IntegerField(min_value=0, max_value=5, required=False)


class RemoveParticipantForm(forms.Form):
    participant = forms.UUIDField()


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("What it is"), choices=Record.Kind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Text"), max_length=MAX_RECORD, widget=forms.Textarea(attrs={"rows": 3}))
    item = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what was agreed or learned."))
        return text


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Session code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("The eight letters and digits on the facilitator's screen."),
    )


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=DISPLAY_NAME_LENGTH,
        required=False,
        help_text=_("Shown only to the facilitator. Your votes are anonymous either way."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=PARTICIPANT_LANGUAGES)

    def clean_display_name(self) -> str:
        return _one_line(self.cleaned_data["display_name"])


class VoteForm(forms.Form):
    choice = forms.TypedChoiceField(
        label=_("Your choice"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, MAX_OPTIONS + 1)],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the courses of action.")},
    )
