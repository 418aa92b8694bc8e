"""Forms of the ecosystem app."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def upload_limit() -> int:
    """Largest IATI file an admin may upload, in bytes (settings.IATI_UPLOAD_MAX_BYTES, default 50 MB)."""
    return int(getattr(settings, "IATI_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))


class IatiUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("IATI activity file (XML)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def clean_file(self) -> forms.Field:
        upload = self.cleaned_data["file"]
        if upload.size > upload_limit():
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Split it into smaller files.")
                % {"limit": filesizeformat(upload_limit())}
            )
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        return upload
