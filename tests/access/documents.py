"""Access-matrix rows for documents made by the worker (documents/background.py) in `hulp`.

A document is its requester's alone: the admin who asked sees its page and its file; everyone else in the
organisation, and the outsider (admin of `ander`), gets 404, as for a document of another organisation. (The
admin, so that tests/browser/test_every_page.py checks both states of the page with axe.)
"""

from django.utils import timezone

from documents.models import Document
from tests.access.rows import Row, same

ASKERS_OWN = same(404, anonymous=302, admin=200)


def document(world) -> dict:
    if "document" not in world.objects:
        world.objects["document"] = Document.objects.create(
            requested_by=world.people.admin,
            organisation=world.org,
            path="/o/hulp/roadmap/roadmap.pdf",
            language="en",
            status=Document.Status.READY,
            name="roadmap.pdf",
            content_type="application/pdf",
            body=b"%PDF-1.7 a document",
            finished_at=timezone.now(),
        )
    return {"slug": world.org.slug, "code": world.objects["document"].code}


def waiting(world) -> dict:
    if "waiting_document" not in world.objects:
        world.objects["waiting_document"] = Document.objects.create(
            requested_by=world.people.admin, organisation=world.org, path="/o/hulp/roadmap/roadmap.pdf", language="en"
        )
    return {"slug": world.org.slug, "code": world.objects["waiting_document"].code}


def other_document(world) -> dict:
    """A document the same admin asked for in `ander` (as if a member there too), asked for under `hulp`."""
    other = Document.objects.create(
        requested_by=world.people.admin, organisation=world.people.other_org, path="/o/ander/roadmap/", language="en"
    )
    return {"slug": world.org.slug, "code": other.code}


ROWS = [
    Row("documents:document", ASKERS_OWN, kwargs=document),
    Row("documents:download", ASKERS_OWN, kwargs=document),
    Row("documents:document", ASKERS_OWN, kwargs=waiting, note="being made"),
    Row("documents:download", same(404, anonymous=302), kwargs=waiting, note="being made"),
    Row("documents:document", same(404, anonymous=302), kwargs=other_document, note="another organisation's"),
]
