from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guide import markdown, targets
from guide.loader import known_targets
from guide.models import OrganisationPage
from organisations.forms import ConsentForm
from organisations.models import Organisation

MAX_BODY = 50_000
BROKEN_LINK = _("Line %(line)s: the link “%(href)s” points at nothing in Samen: check the name after “%(kind)s:”.")


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
            "[text](guide:page), [text](glossary:term), [text](taxonomy:code), [text](library:code), "
            "[text](playbook:code) or [text](dilemma:code). HTML and images are not shown."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_summary(self) -> str:
        return " ".join(self.cleaned_data["summary"].split())

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        if not body:
            raise forms.ValidationError(_("Write the text of the page."))
        found = markdown.links(body)
        for link in found:
            if not link.is_allowed:
                raise forms.ValidationError(
                    _("Line %(line)s: the link “%(href)s” is not allowed; use an address that starts with https://.")
                    % {"line": link.line, "href": link.href[:80]}
                )
        self._check_targets([link for link in found if link.is_internal])
        return body + "\n"

    def _check_targets(self, internal: list[markdown.Link]) -> None:
        """Every link to Samen must point at something; a dilemma may be named by a starter's slug or, on an
        organisation's page, by the code of any dilemma in the library the organisation sees."""
        if not internal:
            return
        known = known_targets()
        codes = {code for link in internal if link.kind == "dilemma" and (code := markdown.dilemma_code(link.target))}
        visible = {str(code) for code in targets.visible_dilemma_codes(self.organisation, codes)} if codes else set()
        for link in internal:
            allowed, target = known[link.kind], link.target
            if link.kind == "dilemma":
                code = markdown.dilemma_code(target)
                allowed, target = (allowed or set()) | visible, str(code) if code else target
            if allowed is not None and target not in allowed:
                raise forms.ValidationError(
                    BROKEN_LINK % {"line": link.line, "href": link.href[:80], "kind": link.kind}
                )

    @classmethod
    def for_page(cls, page: OrganisationPage, **kwargs: Any) -> "OrganisationPageForm":
        initial = {"title": page.title, "summary": page.summary, "body": page.body}
        return cls(initial=initial, organisation=page.organisation, **kwargs)


class ShareForm(ConsentForm):
    """The organisations' consent form, with what is shared fixed to one guide page."""

    subject = None  # type: ignore[assignment]

    def __init__(self, *args: Any, page: OrganisationPage, **kwargs: Any) -> None:
        self.page = page
        super().__init__(*args, organisation=page.organisation, **kwargs)

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["subject"] = self.page.subject
        return super().clean()
