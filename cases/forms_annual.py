"""The form of the annual account: the organisation's reflection on the year's figures."""

from django import forms
from django.utils.translation import gettext_lazy as _

REFLECTION_LIMIT = 20000


class ReflectionForm(forms.Form):
    reflection = forms.CharField(
        label=_("Reflection"),
        required=False,
        max_length=REFLECTION_LIMIT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What the figures say about the year: what went well, what was learned and what will change. "
            "Managers read this too, and it goes into the PDF: write nothing that points at a person or a case."
        ),
    )
