"""The worker's part of documents/background.py: ask the download's view again, as the person who asked."""

import logging
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django_tasks import task

from documents.models import Document

# Set on the request the worker makes: the view then answers with its file, as it would without a worker.
IN_WORKER = "samen_document_in_worker"
logger = logging.getLogger(__name__)


@task()
def make_document(code: str) -> str:
    Document.objects.expired().delete()
    # Claimed by one conditional update: a task delivered twice (or to two workers) makes the file once.
    if not Document.objects.filter(code=code, started_at__isnull=True).update(started_at=timezone.now()):
        return "taken"
    document = Document.objects.select_related("requested_by").get(code=code)
    user = document.requested_by
    with translation.override(document.language), timezone.override(user.zone):
        response = _ask(_request(document)) if user.is_active else HttpResponse(status=403)
    if response.status_code == 200:
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        document.status, document.body = Document.Status.READY, body
        document.content_type = response.get("Content-Type", "application/octet-stream")[:100]
        document.name = file_name(response.get("Content-Disposition", ""))[:255]
    else:
        document.status, document.refused_with = Document.Status.FAILED, response.status_code
    document.finished_at = timezone.now()
    document.save(update_fields=["status", "body", "content_type", "name", "refused_with", "finished_at"])
    return document.status


def _request(document: Document) -> HttpRequest:
    path, _, query = document.path.partition("?")
    site = urlsplit(settings.SITE_URL)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": query,
        "HTTP_HOST": site.netloc,
        "SERVER_NAME": site.hostname or "localhost",
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "wsgi.url_scheme": site.scheme or "http",
    }
    request.user = document.requested_by
    request.LANGUAGE_CODE = document.language
    setattr(request, IN_WORKER, True)
    return request


def _ask(request: HttpRequest) -> HttpResponse:
    """The view's answer, as the request handler would give it for a refusal (404, 403) or an error (500)."""
    try:
        match = request.resolver_match = resolve(request.path_info)
        return match.func(request, *match.args, **match.kwargs)
    except (Http404, Resolver404):
        return HttpResponse(status=404)
    except PermissionDenied:
        return HttpResponse(status=403)
    except Exception:
        logger.exception("A document could not be made: %s", request.path_info)
        return HttpResponse(status=500)


FILENAME = re.compile(r"filename\*=utf-8''([^;]+)|filename=\"([^\"]*)\"", re.IGNORECASE)


def file_name(disposition: str) -> str:
    """The file name a Content-Disposition header gives (its UTF-8 form first), or ""."""
    names = FILENAME.findall(disposition)
    encoded = next((unquote(e) for e, _plain in names if e), "")
    return encoded or next((plain for _e, plain in names if plain), "")
