"""Access-matrix rows for the integrity roadmap of `hulp`.

Every member reads the roadmap, its steps, the evidence and the PDF; members and above mark steps
done, undo them and turn them into actions (viewers get 403). The outsider gets 404 everywhere.
The roadmap is loaded in the rows' kwargs, so world.py needs to know nothing of the roadmap.
"""

from roadmap.models import Completion, Step
from tests.access.rows import Row, org_page, statuses
from tests.roadmap.helpers import PDF_BYTES, load_real_roadmap

WRITERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=302, manager=302, officer=302, admin=302)
STEP = "code-of-conduct"


def _loaded(world) -> None:
    if "roadmap_loaded" not in world.objects:
        load_real_roadmap()
        world.objects["roadmap_loaded"] = True


def slug(world):
    _loaded(world)
    return {"slug": world.org.slug}


def step(world):
    _loaded(world)
    return {"slug": world.org.slug, "code": STEP}


def done_step(world):
    """A step that `hulp` marked done, with an evidence file."""
    from django.core.files.base import ContentFile

    _loaded(world)
    if "completion" not in world.objects:
        completion = Completion(
            organisation=world.org, step=Step.objects.get(code=STEP), note="Adopted", done_by=world.people.officer
        )
        completion.original_name, completion.content_type, completion.size = "code.pdf", "application/pdf", 40
        completion.file.save("code.pdf", ContentFile(PDF_BYTES), save=False)
        completion.save()
        world.objects["completion"] = completion
    return {"slug": world.org.slug, "code": STEP}


ROWS = [
    Row("roadmap:roadmap", org_page(), kwargs=slug),
    Row("roadmap:roadmap_pdf", org_page(), kwargs=slug),
    Row("roadmap:roadmap_csv", org_page(), kwargs=slug),
    Row("roadmap:step", org_page(), kwargs=step),
    Row("roadmap:step_evidence", org_page(), kwargs=done_step),
    Row(
        "roadmap:step_done",
        WRITERS_POST,
        kwargs=step,
        method="post",
        data=lambda w: {"note": "Adopted by the board", "link": "https://hulp.example/code"},
    ),
    Row("roadmap:step_undo", WRITERS_POST, kwargs=done_step, method="post"),
    Row("roadmap:step_action", WRITERS_POST, kwargs=step, method="post"),
]
