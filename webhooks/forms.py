"""The forms of webhook endpoints: where to send and which events (to add one); and whether it is on (to change one)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from webhooks.destinations import Refused, check
from webhooks.models import EVENTS


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("The https:// address of your system that receives the notifications."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Samen notifies this URL of these events only."),
    )

    def clean_url(self) -> Any:
        url = self.cleaned_data["url"].strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise forms.ValidationError(_("Enter a full URL, such as https://example.org/samen-webhook.")) from error
        try:
            check(url)
        except Refused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(
        label=_("On"),
        required=False,
        help_text=_("While off, Samen sends it nothing; deliveries waiting for a retry wait until it is on again."),
    )
