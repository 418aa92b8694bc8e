"""One step: why, what done looks like, evidence examples; marking it done with evidence, and undoing it."""

from pathlib import Path

from audit.models import Entry, Event
from roadmap.models import Completion, Step
from tests.roadmap.helpers import PDF_BYTES, upload, url

STEP = "code-of-conduct"


def test_the_step_page_explains_the_step(people, roadmap):
    response = people.client("viewer").get(url("step", people.org, code=STEP))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adopt a code of conduct" in html
    assert "Why" in html and "What “done” looks like" in html and "The adopted code of conduct" in html
    # A viewer reads, but gets no buttons that change anything.
    assert url("step_done", people.org, code=STEP) not in html
    assert url("step_action", people.org, code=STEP) not in html


def test_the_page_is_in_dutch_for_dutch_readers(people, roadmap, settings):
    people.member.language = "nl"
    people.member.save(update_fields=["language"])
    html = people.client("member").get(url("step", people.org, code=STEP)).content.decode()
    assert "Stel een gedragscode vast" in html


def test_unknown_and_retired_steps_are_404(people, roadmap):
    client = people.client("member")
    assert client.get(url("step", people.org, code="no-such-step")).status_code == 404
    Step.objects.filter(code=STEP).update(retired=True)
    assert client.get(url("step", people.org, code=STEP)).status_code == 404


def test_outsiders_get_404(people, roadmap):
    assert people.client("outsider").get(url("step", people.org, code=STEP)).status_code == 404
    assert people.client("outsider").post(url("step_done", people.org, code=STEP), {"note": "x"}).status_code == 404


def test_a_member_marks_a_step_done_with_a_note_and_a_link(people, roadmap):
    response = people.client("member").post(
        url("step_done", people.org, code=STEP),
        {"note": "Adopted by the board on 3 March.", "link": "https://hulp.example/code"},
    )
    assert response.status_code == 302 and response["Location"] == url("roadmap", people.org)
    completion = Completion.objects.get()
    assert (completion.organisation, completion.step.code, completion.done_by) == (people.org, STEP, people.member)
    assert completion.link == "https://hulp.example/code" and not completion.file
    html = people.client("viewer").get(url("step", people.org, code=STEP)).content.decode()
    assert "Adopted by the board on 3 March." in html and "https://hulp.example/code" in html
    assert "Marked done by Member" in html


def test_an_evidence_file_is_stored_privately_and_downloaded_through_the_access_check(people, roadmap, settings):
    response = people.client("officer").post(
        url("step_done", people.org, code=STEP),
        {"note": "Adopted.", "evidence": upload("Our code.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    completion = Completion.objects.get()
    path = Path(completion.file.path)
    assert path.is_relative_to(settings.MEDIA_ROOT) and path.read_bytes() == PDF_BYTES
    # A random name on disk: the person's file name never reaches the file system.
    assert "Our code" not in completion.file.name
    assert (completion.original_name, completion.content_type) == ("Our code.pdf", "application/pdf")
    # No URL serves the file except the access-checked download.
    for prefix in ("/", "/media/"):
        assert people.client("member").get(prefix + completion.file.name).status_code == 404

    download = people.client("viewer").get(url("step_evidence", people.org, code=STEP))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"] == 'attachment; filename="Our code.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert Entry.objects.get(event=Event.EXPORT).detail["name"] == "Our code.pdf"
    assert people.client("outsider").get(url("step_evidence", people.org, code=STEP)).status_code == 404
    assert people.client("outsider").get(url("step_evidence", "ander", code=STEP)).status_code == 404


def test_the_evidence_of_another_organisation_is_not_reachable(people, roadmap):
    Completion.objects.create(
        organisation=people.other_org, step=Step.objects.get(code=STEP), note="Theirs", done_by=people.outsider
    )
    assert people.client("member").get(url("step_evidence", people.org, code=STEP)).status_code == 404
    html = people.client("member").get(url("step", people.org, code=STEP)).content.decode()
    assert "Theirs" not in html


def test_a_file_that_is_not_what_it_says_is_refused_and_the_note_kept(people, roadmap):
    response = people.client("member").post(
        url("step_done", people.org, code=STEP),
        {"note": "My careful note", "evidence": upload("code.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert response.status_code == 400
    assert "does not contain what its name says" in str(response.context["form"].errors["evidence"])
    assert "My careful note" in response.content.decode()
    assert not Completion.objects.exists()


def test_a_file_type_not_accepted_is_refused(people, roadmap):
    response = people.client("member").post(
        url("step_done", people.org, code=STEP), {"note": "x", "evidence": upload("run.exe", b"MZ")}
    )
    assert response.status_code == 400
    assert "not a file type Samen accepts" in str(response.context["form"].errors["evidence"])


def test_a_file_too_large_is_refused(people, roadmap, settings):
    settings.EVIDENCE_MAX_BYTES = 20
    response = people.client("member").post(
        url("step_done", people.org, code=STEP), {"note": "x", "evidence": upload("code.pdf", PDF_BYTES)}
    )
    assert response.status_code == 400
    assert "larger than" in str(response.context["form"].errors["evidence"])
    assert not list((settings.MEDIA_ROOT).rglob("*.pdf")) if settings.MEDIA_ROOT.exists() else True


def test_a_note_and_some_evidence_are_needed(people, roadmap):
    client = people.client("member")
    response = client.post(url("step_done", people.org, code=STEP), {"note": "", "link": "https://hulp.example"})
    assert response.status_code == 400 and "note" in response.context["form"].errors
    response = client.post(url("step_done", people.org, code=STEP), {"note": "Done it"})
    assert response.status_code == 400
    assert "Add evidence" in response.content.decode()
    response = client.post(url("step_done", people.org, code=STEP), {"note": "x", "link": "javascript:alert(1)"})
    assert response.status_code == 400 and "link" in response.context["form"].errors
    assert not Completion.objects.exists()


def test_viewers_may_not_mark_done_or_undo(people, roadmap):
    client = people.client("viewer")
    assert (
        client.post(url("step_done", people.org, code=STEP), {"note": "x", "link": "https://a.example"}).status_code
        == 403
    )
    assert client.post(url("step_undo", people.org, code=STEP)).status_code == 403
    assert not Completion.objects.exists()


def test_marking_done_twice_keeps_the_first(people, roadmap):
    client = people.client("member")
    client.post(url("step_done", people.org, code=STEP), {"note": "First", "link": "https://a.example"})
    response = client.post(url("step_done", people.org, code=STEP), {"note": "Second", "link": "https://b.example"})
    assert response.status_code == 302
    assert Completion.objects.get().note == "First"


def test_undo_opens_the_step_again_and_removes_the_evidence_file(people, roadmap):
    client = people.client("member")
    client.post(url("step_done", people.org, code=STEP), {"note": "Adopted.", "evidence": upload("c.pdf", PDF_BYTES)})
    path = Path(Completion.objects.get().file.path)
    assert path.exists()
    response = client.post(url("step_undo", people.org, code=STEP))
    assert response.status_code == 302 and response["Location"] == url("step", people.org, code=STEP)
    assert not Completion.objects.exists() and not path.exists()
    state = client.get(url("roadmap", people.org)).context["state"]
    assert state.done == 0
    # Undoing what is not done is harmless.
    assert client.post(url("step_undo", people.org, code=STEP)).status_code == 302


def test_writes_need_post(people, roadmap):
    client = people.client("member")
    assert client.get(url("step_done", people.org, code=STEP)).status_code == 405
    assert client.get(url("step_undo", people.org, code=STEP)).status_code == 405
    assert client.get(url("step_action", people.org, code=STEP)).status_code == 405
