"""Every download made in the background works in the worker, as the most senior persona its access row lets in.

The worker asks the view again with a request of its own (documents/tasks.py): no middleware, no session,
the person's language and time zone. Each view so made is run that way here, from the access matrix's world.
"""

import pytest
from django.urls import reverse

from documents.models import Document
from documents.tasks import make_document
from tests.access.rows import PERSONA_ORDER
from tests.access.world import build_world
from tests.test_access_matrix import ROWS, url_views

IN_BACKGROUND = sorted(name for name, view in url_views().items() if getattr(view, "made_in_background", False))
# The first row of each that someone may read (most senior first: it may see the most).
READABLE = {
    name: next(r for r in ROWS if r.name == name and r.method == "get" and 200 in r.expect.values())
    for name in IN_BACKGROUND
}


def test_the_long_downloads_are_made_in_the_background():
    assert IN_BACKGROUND == [
        "actions:plan_pdf",
        "agreements:agreement_docx",
        "agreements:agreement_pdf",
        "assessments:assessment_pdf",
        "cases:annual_pdf",
        "dialogue:report_pdf",
        "insights:sector_pdf",
        "power:summary_pdf",
        "roadmap:roadmap_pdf",
    ]


@pytest.mark.parametrize("name", IN_BACKGROUND)
def test_the_worker_makes_the_file(name, people, queued_tasks):
    row = READABLE[name]
    world = build_world(people)
    url = reverse(row.name, kwargs=row.kwargs(world)) + row.query
    persona = next(p for p in reversed(PERSONA_ORDER) if row.expect[p] == 200)
    client = people.client(persona)
    response = client.get(url)
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/documents/{document.code}/")
    assert make_document.call(str(document.code)) == "ready", f"{name} as {persona}: {document.refused_with}"
    document.refresh_from_db()
    file = client.get(reverse("documents:download", kwargs={"slug": document.organisation.slug, "code": document.code}))
    assert file.status_code == 200
    assert file.content.startswith(b"%PDF-" if name.endswith("pdf") else b"PK\x03\x04")
    assert file["Content-Type"] == document.content_type and document.name
