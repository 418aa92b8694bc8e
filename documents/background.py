"""Downloads that take long to make (PDFs): made by the worker while the person sees their progress.

    @login_required
    @made_in_background
    def plan_pdf(request, slug, code): ...   # unchanged: checks access, makes the file, records the export

Where tasks run elsewhere (the database queue and `manage.py db_worker`, as in production), a GET of such a
view by a member of the organisation records a `Document`, queues it, and sends the person to the document's
page, which shows its progress and then the download. The worker asks the view itself again, as that person,
in their language and time zone (`documents.tasks.make_document`): the access rules, the file and the audit
record stay the view's own, in one place, and are applied when the file is made. Outsiders of the organisation
get 404 at once, as from the view. Where tasks run at once (development, `make run`, the tests' default), the
view answers as it always did. ADR 0022.
"""

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django_tasks.backends.immediate import ImmediateBackend

from documents.models import PATH_LENGTH, Document
from documents.tasks import IN_WORKER, make_document
from organisations.access import get_membership

View = Callable[..., HttpResponse]


def runs_at_once() -> bool:
    """Whether queued work runs inside the request that queues it (no worker)."""
    return isinstance(make_document.get_backend(), ImmediateBackend)


def came_from(request: HttpRequest) -> str:
    """The path of the page of this site the request was made from (its Referer), or ""."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc != request.get_host() or not referer.path.startswith("/"):
        return ""
    back = referer.path + (f"?{referer.query}" if referer.query else "")
    return back if len(back) <= PATH_LENGTH else ""


def made_in_background(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        path = request.get_full_path()
        # A query too long to keep (no form of Samen's makes one) is answered in the request, as without a worker.
        too_long = len(path) > PATH_LENGTH
        if request.method != "GET" or getattr(request, IN_WORKER, False) or runs_at_once() or too_long:
            return view(request, slug, *args, **kwargs)
        membership = get_membership(request, slug)
        document = Document.objects.create(
            requested_by=membership.user,
            organisation=membership.organisation,
            path=path,
            came_from=came_from(request),
            language=translation.get_language() or "",
        )
        transaction.on_commit(lambda: make_document.enqueue(str(document.code)))
        return redirect("documents:document", slug=slug, code=document.code)

    wrapper.made_in_background = True  # type: ignore[attr-defined]  # carried up by functools.wraps; tests list them
    return wrapper
