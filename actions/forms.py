"""Forms of the actions app: they validate and normalise; views assign the fields and write the history."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actions.models import Action, ActionPlan
from organisations.choosers import organisation_match, type_when_many
from organisations.models import Membership, Organisation, Partnership

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERROR = _("Enter the date as year-month-day, for example 2026-03-31.")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    partner = forms.ModelChoiceField(
        label=_("Co-owned with"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— nobody: only our organisation —"),
        help_text=_("A partner organisation that sees and updates this plan with you."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only organisations this one has a partnership with.
        self.fields["partner"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=Partnership.objects.filter(organisation=organisation).values("partner"))
            | Q(pk__in=Partnership.objects.filter(partner=organisation).values("organisation"))
        ).order_by("name")
        # A large funder's thousands of partners: typed, not listed.
        type_when_many(self, "partner", organisation_match, lambda o: o.name)


class OwnerField(forms.ChoiceField):
    """A person of either organisation of the plan, chosen by their membership's code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Owner"))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def valid_value(self, value: Any) -> bool:
        # The form checks membership itself, with a clearer message than "not one of the choices".
        return True


def owner_choices(memberships: list[Membership]) -> list[tuple[str, Any]]:
    return [("", _("— nobody yet —"))] + [
        (str(m.code), f"{m.user.name or m.user.email} ({m.organisation.name})") for m in memberships
    ]


class ActionForm(forms.Form):
    """Add an action (`instance` is None) or edit one: status, owner, due date, title and description."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    owner = OwnerField(help_text=_("A person in either organisation of the plan."))
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=DATE_WIDGET, error_messages={"invalid": DATE_ERROR}
    )
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices, initial=Action.Status.TODO)
    dropped_reason = forms.CharField(
        label=_("Reason for dropping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the status is Dropped."),
    )

    def __init__(self, *args: Any, plan: ActionPlan, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.memberships = list(plan.possible_owners())
        self.fields["owner"].choices = owner_choices(self.memberships)  # type: ignore[attr-defined]
        if not editing:
            # A new action starts as to do.
            del self.fields["status"]
            del self.fields["dropped_reason"]

    def clean_owner(self) -> Membership | None:
        code = self.cleaned_data["owner"]
        if not code:
            return None
        for membership in self.memberships:
            if str(membership.code) == code:
                return membership
        names = " / ".join(str(o.name) for o in filter(None, [self.plan.organisation, self.plan.partner]))
        raise forms.ValidationError(
            _("The owner must be a person in %(names)s. Choose someone from the list."), params={"names": names}
        )

    def clean_dropped_reason(self) -> str:
        return self.cleaned_data["dropped_reason"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == Action.Status.DROPPED and not cleaned.get("dropped_reason"):
            self.add_error("dropped_reason", _("Say why this action is dropped: both organisations will read it."))
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write a note first."))
        return text


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("open", _("Open (to do or doing)")), *Action.Status.choices],
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        choices = owner_choices(memberships)
        choices[0] = ("", _("Anyone"))
        self.fields["owner"].choices = [*choices, ("none", _("Nobody yet"))]  # type: ignore[attr-defined]

    def owner_membership(self) -> Membership | None:
        code = self.cleaned_data.get("owner")
        return next((m for m in self.memberships if str(m.code) == code), None)
