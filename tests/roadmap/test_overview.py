"""The roadmap overview: progress per block and overall, the next three steps, every step with its status."""

from roadmap.models import Completion, Step
from tests.roadmap.helpers import query_count, url


def done(people, *codes: str) -> None:
    for code in codes:
        Completion.objects.create(
            organisation=people.org, step=Step.objects.get(code=code), note="Done", done_by=people.officer
        )


def test_every_member_sees_progress_and_the_next_three_steps(people, roadmap):
    response = people.client("viewer").get(url("roadmap", people.org))
    assert response.status_code == 200
    state = response.context["state"]
    assert [s.code for s in state.next_steps] == ["board-commitment", "integrity-contact", "risk-scan"]
    html = response.content.decode()
    assert "Next steps" in html and "The board and the director make integrity their business" in html
    assert "<svg" in html and "Roadmap steps done per block, in percent" in html
    assert f"0 of {state.total} steps done" in html


def test_next_steps_follow_phase_and_order_and_skip_what_is_done(people, roadmap):
    done(people, "board-commitment", "risk-scan", "reporting-procedure")
    state = people.client("member").get(url("roadmap", people.org)).context["state"]
    assert [s.code for s in state.next_steps] == [
        "integrity-contact",
        "code-of-conduct",
        "confidential-advisers-internal",
    ]
    # A later phase's step done early does not jump the queue, but counts.
    assert state.done == 3


def test_next_steps_depend_on_size(people, roadmap):
    people.org.size_category = "A"
    people.org.save(update_fields=["size_category"])
    done(people, "board-commitment", "integrity-contact", "risk-scan", "code-of-conduct", "reporting-procedure")
    state = people.client("member").get(url("roadmap", people.org)).context["state"]
    assert [s.code for s in state.next_steps] == ["confidential-adviser-shared", "handling-protocol", "sanctions"]


def test_progress_per_block(people, roadmap):
    done(people, "board-commitment", "code-of-conduct", "integrity-contact", "annual-report")
    state = people.client("member").get(url("roadmap", people.org)).context["state"]
    by_block = {p.block.code: (p.done, p.total) for p in state.blocks}
    total_per_block = {code: Step.objects.for_size("D").filter(block__code=code).count() for code in by_block}
    assert by_block == {
        "repressive": (1, total_per_block["repressive"]),
        "preventive": (2, total_per_block["preventive"]),
        "moral-learning": (0, total_per_block["moral-learning"]),
        "accountability": (1, total_per_block["accountability"]),
    }
    assert (state.done, state.total) == (4, Step.objects.for_size("D").count())


def test_when_every_step_is_done(people, roadmap):
    done(people, *Step.objects.for_size("D").values_list("code", flat=True))
    html = people.client("member").get(url("roadmap", people.org)).content.decode()
    assert "Every step is done." in html


def test_without_a_loaded_roadmap_the_page_says_so(people, db):
    html = people.client("member").get(url("roadmap", people.org)).content.decode()
    assert "The roadmap is not loaded yet." in html


def test_outsiders_get_404(people, roadmap):
    assert people.client("outsider").get(url("roadmap", people.org)).status_code == 404
    assert people.client("anonymous").get(url("roadmap", people.org)).status_code == 302


def test_queries_do_not_grow_with_steps_done(people, roadmap):
    client = people.client("member")
    path = url("roadmap", people.org)
    before = query_count(client, path)
    done(people, *Step.objects.for_size("D").values_list("code", flat=True)[:12])
    assert query_count(client, path) == before
