"""A document's page (its progress, then its download) and its file; only for the person who asked for it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header

from documents.models import Document
from organisations.access import get_membership


def _own_document(request: HttpRequest, slug: str, code: str) -> tuple[Document, dict]:
    membership = get_membership(request, slug)
    document = (
        Document.objects.kept()
        .filter(code=code, organisation=membership.organisation, requested_by=membership.user)
        .defer("body")
        .first()
    )
    if document is None:
        raise Http404
    return document, {"organisation": membership.organisation, "membership": membership, "document": document}


@login_required
def document(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    _document, context = _own_document(request, slug, code)
    template = "documents/_progress.html" if request.headers.get("HX-Request") else "documents/document.html"
    response = render(request, template, context)
    # One URL, two bodies: a browser's cache must not hand the fragment back as the page.
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "no-store"
    return response


@login_required
def download(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    document, _context = _own_document(request, slug, code)
    if document.status != Document.Status.READY:
        raise Http404
    body = Document.objects.filter(pk=document.pk).values_list("body", flat=True).get()
    response = HttpResponse(bytes(body or b""), content_type=document.content_type)
    disposition = content_disposition_header(as_attachment=True, filename=document.name or "download")
    response["Content-Disposition"] = disposition or "attachment"
    response["Cache-Control"] = "no-store"
    return response
