"""Importing IATI files from the browser: upload (admins only), then follow the background job.

The upload is refused before anything reads it when the request is larger than the limit
(`IATI_UPLOAD_MAX_BYTES`), and again by the form on the file's own size. The file waits in a
private folder under MEDIA_ROOT until the worker has imported it, then is deleted.

The progress page works without JavaScript (a link reloads it); with htmx the progress part asks
for itself again every 2 seconds until the import is over.
"""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from ecosystem.forms import IatiUploadForm, upload_limit
from ecosystem.models import ImportJob
from ecosystem.tasks import run_import
from organisations.access import get_membership, require_admin

# Room for the multipart envelope and the CSRF field around the file itself.
ENVELOPE_BYTES = 64 * 1024
RECENT_JOBS = 20


@login_required
def imports(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    organisation = membership.organisation
    status, too_large = 200, ""
    form = IatiUploadForm()
    if request.method == "POST":
        if _declared_length(request) > upload_limit() + ENVELOPE_BYTES:
            # Refused on the declared length, before the body is read or parsed.
            too_large = _("The file is larger than %(limit)s. Split it into smaller files.") % {
                "limit": filesizeformat(upload_limit())
            }
            status = 413
        else:
            form = IatiUploadForm(request.POST, request.FILES)
            if form.is_valid():
                job = ImportJob.receive(organisation, request.user, form.cleaned_data["file"])  # type: ignore[arg-type]
                transaction.on_commit(lambda: run_import.enqueue(str(job.code)))
                return redirect("ecosystem:import_job", slug=organisation.slug, code=job.code)
            status = 400
    jobs = ImportJob.objects.filter(organisation=organisation).select_related("started_by")[:RECENT_JOBS]
    return render(
        request,
        "ecosystem/imports.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "too_large": too_large,
            "jobs": jobs,
            "limit": upload_limit(),
        },
        status=status,
    )


@login_required
def import_job(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    job = ImportJob.objects.filter(organisation=membership.organisation, code=code).first()
    if job is None:
        raise Http404
    context = {"organisation": membership.organisation, "membership": membership, "job": job}
    template = "ecosystem/_import_progress.html" if request.headers.get("HX-Request") else "ecosystem/import_job.html"
    response = render(request, template, context)
    # One URL, two bodies: a browser's cache must not hand the fragment back as the page.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
