"""Forms of the handler side of speak-up: channel configuration, handlers, inbox filters, replies.

They validate and normalise; the views assign fields and save.
"""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from framework.models import ViolationType
from organisations.models import Alliance, Membership
from speakup.models import Channel, Report

CHANNEL_LANGUAGES = [("nl", _("Dutch")), ("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
MEGABYTE = 1024 * 1024
# Our own organisation, as the owner of a new channel (the other choices are alliance codes).
OWN_ORGANISATION = "organisation"


def question_field_name(category_code: str, language: str) -> str:
    return f"questions__{category_code}__{language}"


class ChannelForm(forms.Form):
    """Everything an organisation configures about its channel; `owner` only when it is new."""

    owner = forms.ChoiceField(
        label=_("Whose channel"),
        help_text=_("An alliance channel receives reports about the alliance or any of its members."),
    )
    slug = forms.SlugField(
        label=_("Public address"),
        max_length=60,
        help_text=_("The last part of the web address that reporters use. Lowercase letters, digits and dashes."),
    )
    is_open = forms.BooleanField(
        label=_("Open: the channel accepts new reports"),
        required=False,
        help_text=_("Closing a channel stops new reports; reporters can still follow up on theirs."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the channel"),
        choices=CHANNEL_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )
    intro_nl = forms.CharField(label=_("Introduction in Dutch"), required=False, max_length=5000, widget=forms.Textarea)
    intro_en = forms.CharField(
        label=_("Introduction in English"), required=False, max_length=5000, widget=forms.Textarea
    )
    intro_fr = forms.CharField(
        label=_("Introduction in French"), required=False, max_length=5000, widget=forms.Textarea
    )
    intro_es = forms.CharField(
        label=_("Introduction in Spanish"), required=False, max_length=5000, widget=forms.Textarea
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Accepted categories"),
        queryset=ViolationType.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to accept every category."),
    )
    retention_days = forms.IntegerField(
        label=_("Days a closed report is kept"),
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("After this many days from closing, the report, its messages and attachments are deleted."),
    )
    max_reports_per_hour = forms.IntegerField(
        label=_("Most reports accepted per hour"),
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Protects the channel against floods of reports."),
    )
    max_attachment_mb = forms.IntegerField(
        label=_("Largest attachment (MB)"),
        validators=[MinValueValidator(1), MaxValueValidator(25)],
    )

    def __init__(self, *args: Any, owners: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        self.channel: Channel | None = kwargs.pop("channel", None)
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = owners  # type: ignore[attr-defined]
        categories = self.fields["categories"]
        self.violation_types = list(ViolationType.objects.active().order_by("order", "code"))
        categories.queryset = ViolationType.objects.active().order_by("order", "code")  # type: ignore[attr-defined]
        categories.label_from_instance = lambda vt: vt.name  # type: ignore[attr-defined]
        # Questions per category and language: one question per line, in the same order in each language.
        for vt in self.violation_types:
            for code, language in CHANNEL_LANGUAGES:
                self.fields[question_field_name(vt.code, code)] = forms.CharField(
                    label=format_lazy(_("Questions in {language}"), language=language),
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    # Sections of the form, for the template: (legend, fields).
    def question_groups(self) -> list[tuple[ViolationType, list[forms.BoundField]]]:
        return [
            (vt, [self[question_field_name(vt.code, code)] for code, _label in CHANNEL_LANGUAGES])
            for vt in self.violation_types
        ]

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"].lower()
        taken = Channel.objects.filter(slug=slug)
        if self.channel is not None:
            taken = taken.exclude(pk=self.channel.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another channel already uses this address."))
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        questions: dict[str, list[dict[str, str]]] = {}
        for vt in self.violation_types:
            lines = {}
            for code, _label in CHANNEL_LANGUAGES:
                text = cleaned.get(question_field_name(vt.code, code), "") or ""
                given = [line.strip() for line in text.splitlines() if line.strip()]
                if given:
                    lines[code] = given
            if not lines:
                continue
            if len({len(v) for v in lines.values()}) > 1:
                self.add_error(
                    question_field_name(vt.code, next(iter(lines))),
                    _("Give the same questions in every language you fill in: one per line, in the same order."),
                )
                continue
            count = len(next(iter(lines.values())))
            questions[vt.code] = [{code: lines[code][i] for code in lines} for i in range(count)]
        cleaned["questions"] = questions
        languages = cleaned.get("languages") or []
        if languages and not any(cleaned.get(f"intro_{code}") for code in languages):
            self.add_error(
                f"intro_{languages[0]}",
                _("Write the introduction in at least one of the channel's languages."),
            )
        return cleaned

    @staticmethod
    def initial_for(channel: Channel) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "slug": channel.slug,
            "is_open": channel.is_open,
            "languages": list(channel.languages or []),
            "intro_nl": channel.intro_nl,
            "intro_en": channel.intro_en,
            "intro_fr": channel.intro_fr,
            "intro_es": channel.intro_es,
            "categories": [vt.code for vt in channel.categories.all()],
            "retention_days": channel.retention_days,
            "max_reports_per_hour": channel.max_reports_per_hour,
            "max_attachment_mb": max(1, channel.max_attachment_bytes // MEGABYTE),
        }
        for category_code, questions in (channel.questions or {}).items():
            for code, _label in CHANNEL_LANGUAGES:
                initial[question_field_name(category_code, code)] = "\n".join(
                    q.get(code, "") for q in questions if isinstance(q, dict) and q.get(code)
                )
        return initial


def owner_choices(alliances: list[Alliance], organisation_name: str) -> list[tuple[str, str]]:
    return [(OWN_ORGANISATION, organisation_name), *((str(a.code), a.name) for a in alliances)]


class HandlerAddForm(forms.Form):
    person = forms.ChoiceField(
        label=_("Person"),
        error_messages={
            "required": _("Choose a person from the list."),
            "invalid_choice": _("Choose a person from the list."),
        },
    )

    def __init__(self, *args: Any, candidates: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(m.code): m for m in candidates}
        choices: list[tuple[str, str]] = [("", str(_("— choose a person —")))]
        for m in candidates:
            label = f"{m.user.name or m.user.email} ({m.organisation.name})"
            if not getattr(m, "has_key", False):
                label = str(format_lazy(_("{person} — no handler key yet"), person=label))
            choices.append((str(m.code), label))
        self.fields["person"].choices = choices  # type: ignore[attr-defined]

    def clean_person(self) -> Membership:
        membership = self.candidates.get(self.cleaned_data["person"])
        if membership is None:
            raise forms.ValidationError(_("Choose a person from the list."))
        if not getattr(membership, "has_key", False):
            raise forms.ValidationError(
                _(
                    "%(person)s has not set up a handler key yet. Reports are encrypted for each handler's key: "
                    "ask them to open “Speak-up inbox” and set up their key first, then add them here."
                ),
                params={"person": membership.user.name or membership.user.email},
            )
        return membership


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ViolationType.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All categories"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *Report.Status.choices]  # type: ignore[attr-defined]
        category = self.fields["category"]
        category.queryset = ViolationType.objects.order_by("order", "code")  # type: ignore[attr-defined]
        category.label_from_instance = lambda vt: vt.name  # type: ignore[attr-defined]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the reporter"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write a message first.")},
        help_text=_("The reporter reads it with their receipt code. Do not ask for details that could identify them."),
    )
