from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guide import markdown
from guide.models import OrganisationPage
from organisations.forms import ConsentForm

MAX_BODY = 50_000


class OrganisationPageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=400,
        required=False,
        help_text=_("One or two sentences shown in the guide's index and in search results."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Markdown: ## for a heading, - for a list, [text](https://…) for a link. Link to Samen with "
            "[text](guide:page), [text](glossary:term), [text](taxonomy:code) or [text](library:code). "
            "HTML and images are not shown."
        ),
    )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_summary(self) -> str:
        return " ".join(self.cleaned_data["summary"].split())

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        if not body:
            raise forms.ValidationError(_("Write the text of the page."))
        for link in markdown.links(body):
            if not link.is_allowed:
                raise forms.ValidationError(
                    _("Line %(line)s: the link “%(href)s” is not allowed; use an address that starts with https://.")
                    % {"line": link.line, "href": link.href[:80]}
                )
        return body + "\n"

    @classmethod
    def for_page(cls, page: OrganisationPage, **kwargs: Any) -> "OrganisationPageForm":
        return cls(initial={"title": page.title, "summary": page.summary, "body": page.body}, **kwargs)


class ShareForm(ConsentForm):
    """The organisations' consent form, with what is shared fixed to one guide page."""

    subject = None  # type: ignore[assignment]

    def __init__(self, *args: Any, page: OrganisationPage, **kwargs: Any) -> None:
        self.page = page
        super().__init__(*args, organisation=page.organisation, **kwargs)

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["subject"] = self.page.subject
        return super().clean()
