"""Choosing one of many: a select while the choices are few, a text box when they are thousands.

A large funder has thousands of partners: a <select> of them all takes seconds to render, weighs
hundreds of kilobytes and is hard to use with a keyboard or a screen reader. Past SELECT_LIMIT choices,
`type_when_many` swaps a form's ModelChoiceField for a `TypedModelChoiceField`: a text box where
people type the organisation's name or its short name (as in its web address), matched exactly
(ignoring case) within the same choices. The value a select would send (the code) is accepted too,
so links and forms that preselect a choice keep working.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

SELECT_LIMIT = 300


class TypedModelChoiceField(forms.ModelChoiceField):
    widget = forms.TextInput

    def __init__(
        self,
        *args: Any,
        match: Callable[[str], Q],
        display: Callable[[Any], str],
        identity: Callable[[Any], Any] = lambda obj: obj.pk,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.match, self.display, self.identity = match, display, identity
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, Model):
            return value
        text = str(value).strip()
        by_key = Q(**{self.to_field_name or "pk": text})
        try:
            self.queryset.filter(by_key)  # type: ignore[union-attr]
        except (ValueError, ValidationError):
            by_key = Q(pk__in=[])
        found = list(self.queryset.filter(by_key | self.match(text))[:20])  # type: ignore[union-attr]
        meant = {self.identity(obj) for obj in found}
        if not found:
            raise ValidationError(
                _("No organisation of yours has this name or short name: check the spelling on your partners page."),
                code="invalid_choice",
            )
        if len(meant) > 1:
            raise ValidationError(
                _("Several organisations have this name: type the short name of the one you mean."),
                code="invalid_choice",
            )
        return found[0]

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Model):
            return self.display(value)
        if value in self.empty_values:
            return ""
        try:
            found = self.queryset.filter(**{self.to_field_name or "pk": value}).first()  # type: ignore[union-attr]
        except (ValueError, ValidationError):
            found = None
        return self.display(found) if found is not None else value


def type_when_many(
    form: forms.Form,
    name: str,
    match: Callable[[str], Q],
    display: Callable[[Any], str],
    limit: int | None = None,
    identity: Callable[[Any], Any] = lambda obj: obj.pk,
) -> bool:
    """Swap the form's `name` field for a text box when its queryset has more than `limit` choices.

    `match` finds the choices a typed text names, `display` is what the box shows for a choice, and
    `identity` tells whether two matches are the same choice (two partnerships with one partner are).
    """
    limit = SELECT_LIMIT if limit is None else limit
    field = form.fields[name]
    queryset: QuerySet[Any] = field.queryset  # type: ignore[attr-defined]
    if queryset[: limit + 1].count() <= limit:
        return False
    help_text = _("Type the organisation's name or its short name (as in its web address on Samen).")
    form.fields[name] = TypedModelChoiceField(
        queryset=queryset,
        match=match,
        display=display,
        identity=identity,
        label=field.label,
        required=field.required,
        to_field_name=getattr(field, "to_field_name", None),
        help_text=f"{field.help_text} {help_text}" if field.help_text else help_text,
        initial=field.initial,
    )
    return True


def organisation_match(text: str) -> Q:
    """Organisations by name or short name."""
    return Q(name__iexact=text) | Q(slug__iexact=text)


def partner_match(organisation: Any) -> Callable[[str], Q]:
    """Partnerships of `organisation` whose other organisation has the typed name or short name."""

    def match(text: str) -> Q:
        return Q(organisation=organisation) & (Q(partner__name__iexact=text) | Q(partner__slug__iexact=text)) | Q(
            partner=organisation
        ) & (Q(organisation__name__iexact=text) | Q(organisation__slug__iexact=text))

    return match
