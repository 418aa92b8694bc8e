"""The form for marking a step done: a note, and evidence as a file, a link, or both."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The same file checks as assessment evidence (type by name and first bytes, size limit): one rule
# for every file a member uploads.
from samen.evidence import sniff


class DoneForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done, by whom and when; what others should know."),
    )
    link = forms.URLField(
        label=_("Link to evidence"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For example the published code of conduct on your website, or a document in your own files."),
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, PNG, JPEG, DOCX, XLSX or TXT. Only members of your organisation can download it."),
    )

    def clean_link(self) -> str:
        link: str = self.cleaned_data["link"]
        if link and not link.lower().startswith(("https://", "http://")):
            raise ValidationError(_("Enter a web address that starts with https:// or http://."), code="scheme")
        return link

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("evidence")
        if upload:
            try:
                cleaned["content_type"] = sniff(upload)
            except ValidationError as error:
                self.add_error("evidence", error)
        if not cleaned.get("link") and not upload and not self.has_error("evidence") and not self.has_error("link"):
            raise ValidationError(_("Add evidence: upload a file, give a link, or both."), code="no_evidence")
        return cleaned
