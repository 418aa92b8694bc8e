"""The form that makes an API token: a name to recognise it by, and its scopes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import SCOPES


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, so you recognise it later: for example “CRM sync”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give only what the other system needs."),
    )

    def clean_name(self) -> Any:
        return self.cleaned_data["name"].strip()
