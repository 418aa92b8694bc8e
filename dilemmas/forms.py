from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dilemmas.loader import one_question
from dilemmas.models import MAX_OPTIONS, MIN_OPTIONS, Context, Dilemma, Languages
from framework.taxonomy import Taxonomy
from organisations.models import Alliance, Consent

MAX_TEXT = 6000
MAX_OPTION = 600
VARIATIONS = 2


def _tidy(value: str) -> str:
    """Trim, and keep paragraphs: runs of blank lines become one, line breaks inside stay."""
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


class DilemmaForm(forms.Form):
    """A dilemma written in one language by a member of the organisation."""

    language = forms.ChoiceField(
        label=_("Language you write in"),
        choices=[(Languages.DUTCH, Languages.DUTCH.label), (Languages.ENGLISH, Languages.ENGLISH.label)],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("A few words that say what it is about."))
    situation = forms.CharField(
        label=_("Situation"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What happened, in a few sentences, with the facts people need. Leave out names of people, "
            "organisations and places: the check before sharing flags them."
        ),
    )
    question = forms.CharField(
        label=_("The question"),
        max_length=600,
        help_text=_("One question that ends with a question mark, without the answer in it: “What do you do?”"),
    )
    option_1 = forms.CharField(
        label=_("Course of action A"), max_length=MAX_OPTION, widget=forms.Textarea(attrs={"rows": 2})
    )
    option_2 = forms.CharField(
        label=_("Course of action B"), max_length=MAX_OPTION, widget=forms.Textarea(attrs={"rows": 2})
    )
    option_3 = forms.CharField(
        label=_("Course of action C"), max_length=MAX_OPTION, widget=forms.Textarea(attrs={"rows": 2})
    )
    option_4 = forms.CharField(
        label=_("Course of action D (optional)"),
        max_length=MAX_OPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reflection = forms.CharField(
        label=_("Reflection (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What to weigh and which rules apply. No winner: every course of action has a cost."),
    )
    variation_1 = forms.CharField(
        label=_("What if…? (optional)"),
        max_length=MAX_OPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Change one fact of the situation to find where the choice tips."),
    )
    variation_2 = forms.CharField(
        label=_("Another what if…? (optional)"),
        max_length=MAX_OPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    context = forms.ChoiceField(label=_("Where it arises"), choices=Context.choices)
    tags = forms.MultipleChoiceField(
        label=_("Topics"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of integrity violation it touches, from the shared taxonomy."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = Taxonomy.read().choices()  # type: ignore[attr-defined]

    def _clean_text(self, name: str) -> str:
        value = _tidy(self.cleaned_data.get(name) or "")
        if self.fields[name].required and not value:
            raise forms.ValidationError(_("This field is required."), code="required")
        return value

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_situation(self) -> str:
        return self._clean_text("situation")

    def clean_question(self) -> str:
        question = " ".join(self.cleaned_data["question"].split())
        if not one_question(question):
            raise forms.ValidationError(
                _("Ask one question, and end it with a question mark (the answer stays open)."), code="one_question"
            )
        return question

    def clean_reflection(self) -> str:
        return self._clean_text("reflection")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for i in range(1, MAX_OPTIONS + 1):
            name = f"option_{i}"
            if name in cleaned:
                cleaned[name] = " ".join(cleaned[name].split())
                if i <= MIN_OPTIONS and not cleaned[name]:
                    self.add_error(name, _("This field is required."))
        texts = [cleaned.get(f"option_{i}") for i in range(1, MAX_OPTIONS + 1)]
        given = [t.casefold() for t in texts if t]
        if len(given) != len(set(given)):
            raise forms.ValidationError(_("Two courses of action are the same: make each one different."))
        for i in range(1, VARIATIONS + 1):
            name = f"variation_{i}"
            if name in cleaned:
                cleaned[name] = " ".join(cleaned[name].split())
        return cleaned

    @property
    def options(self) -> list[str]:
        return [t for i in range(1, MAX_OPTIONS + 1) if (t := self.cleaned_data.get(f"option_{i}"))]

    @property
    def variations(self) -> list[str]:
        return [t for i in range(1, VARIATIONS + 1) if (t := self.cleaned_data.get(f"variation_{i}"))]

    @classmethod
    def initial_for(cls, dilemma: Dilemma) -> dict[str, Any]:
        lang = dilemma.language_codes[0]
        initial: dict[str, Any] = {
            "language": lang,
            "context": dilemma.context,
            "tags": [t.code for t in dilemma.types.all()] + [s.code for s in dilemma.subtypes.all()],
        }
        for name in ("title", "situation", "question", "reflection"):
            initial[name] = getattr(dilemma, f"{name}_{lang}")
        for option in dilemma.options.all():
            initial[f"option_{option.position}"] = getattr(option, f"text_{lang}")
        for variation in dilemma.variations.all()[:VARIATIONS]:
            initial[f"variation_{variation.position}"] = getattr(variation, f"text_{lang}")
        return initial


class TopicsField(forms.MultipleChoiceField):
    """Taxonomy codes to filter on; unknown ones (an old link, a retired tag) are dropped, not an error."""

    def clean(self, value: Any) -> list[str]:
        return [v for v in self.to_python(value) if self.valid_value(v)]


class LibraryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), max_length=100, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    tag = TopicsField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    context = forms.ChoiceField(label=_("Where it arises"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read once for the page: its topics, the filter on them and the names on its cards.
        self.taxonomy = Taxonomy.read()
        self.fields["tag"].choices = self.taxonomy.choices()  # type: ignore[attr-defined]
        self.fields["context"].choices = [("", _("Any")), *Context.choices]  # type: ignore[attr-defined]
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            (Languages.DUTCH, Languages.DUTCH.label),
            (Languages.ENGLISH, Languages.ENGLISH.label),
        ]

    def filters(self) -> dict[str, Any]:
        """The valid part of what was asked; a bad value of one filter leaves the others working."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "tag": data.get("tag") or [],
            "context": data.get("context") or "",
            "language": data.get("language") or "",
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish it in our library")), ("return", _("Return it to the author"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why it goes back"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you return it: the author reads this."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["reason"] = _tidy(cleaned.get("reason") or "")
        if cleaned.get("decision") == "return" and not cleaned["reason"]:
            self.add_error("reason", _("Say why it goes back, so the author knows what to change."))
        return cleaned


class EditorReviewForm(ReviewForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Add it to the sector library")), ("return", _("Return it to the organisation"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why it goes back"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you return it: the organisation reads this."),
    )


class KeepForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it can stay"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: “a public place; no one can be identified by it”."),
    )

    def clean_reason(self) -> str:
        reason = _tidy(self.cleaned_data["reason"])
        if len(reason) < 5:
            raise forms.ValidationError(_("Give a reason of a few words."))
        return reason


class ShareForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Share with"),
        choices=[
            (Consent.Scope.ALLIANCE, _("An alliance we belong to")),
            (Consent.Scope.SECTOR, _("The whole sector (after the sector's editors approve it)")),
        ],
        widget=forms.RadioSelect,
    )
    to_alliance = forms.ModelChoiceField(
        label=_("Alliance"), queryset=Alliance.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, *args: Any, dilemma: Dilemma, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dilemma = dilemma
        assert dilemma.organisation is not None
        self.fields["to_alliance"].queryset = dilemma.organisation.alliances()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        scope = cleaned.get("scope")
        if scope == Consent.Scope.ALLIANCE:
            if cleaned.get("to_alliance") is None and "to_alliance" not in self.errors:
                self.add_error("to_alliance", _("Choose the alliance to share with."))
        elif scope == Consent.Scope.SECTOR:
            cleaned["to_alliance"] = None
        if scope and not self.errors:
            existing = self.dilemma.active_consents().filter(scope=scope, to_alliance=cleaned.get("to_alliance"))
            if existing.exists():
                raise forms.ValidationError(_("You already share it with them."), code="duplicate")
        return cleaned
