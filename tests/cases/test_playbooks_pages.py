"""An organisation's playbooks: reading them, making its own copy, editing it under the loader's rules, and
going back to the framework version. Integrity officers and admins only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Entry, Event
from cases.handling import playbook_for
from cases.models import Case, Playbook, PlaybookStep
from framework.models import ViolationSubtype

pytestmark = pytest.mark.usefixtures("english", "framework_for_module")


@pytest.fixture
def framework(db) -> None:
    """The shipped content: loaded once for this module (framework_for_module)."""


@pytest.fixture
def officer(people, framework):
    return people.client("officer")


def url(name: str, **kwargs: str) -> str:
    return reverse(f"cases:{name}", kwargs={"slug": "hulp", **kwargs})


def copy_of(client, code: str = "general") -> Playbook:
    response = client.post(url("playbook_copy", code=code))
    assert response.status_code == 302
    return Playbook.objects.get(organisation__slug="hulp", code=code)


def step_data(step: PlaybookStep, **changes: object) -> dict[str, object]:
    """What the step form posts for `step` as it is, with `changes`."""
    data: dict[str, object] = {
        "code": step.code,
        "phase": step.phase,
        "role": step.role,
        "title_nl": step.title_nl,
        "title_en": step.title_en,
        "guidance_nl": step.guidance_nl,
        "guidance_en": step.guidance_en,
        "checklist_nl": "\n".join(i["nl"] for i in step.checklist),
        "checklist_en": "\n".join(i["en"] for i in step.checklist),
        "after": list(step.after),
        "due_anchor": step.due_anchor,
        "due_step": step.due_step,
        "due_days": "" if step.due_days is None else step.due_days,
        "due_months": "" if step.due_months is None else step.due_months,
        "marks": step.marks,
        "notify": step.notify,
    }
    if step.victim_care:
        data["victim_care"] = "on"
    data.update(changes)
    return data


def codes(playbook: Playbook) -> list[str]:
    return list(playbook.steps.order_by("order").values_list("code", flat=True))


def changes_logged(change: str) -> int:
    return Entry.objects.filter(event=Event.PLAYBOOK_CHANGED, detail__change=change, organisation="hulp").count()


# --- Who may see the pages --------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("member", 403), ("manager", 403), ("outsider", 404)])
def test_only_integrity_officers_and_admins_see_the_playbooks(people, framework, persona, status):
    client = people.client(persona)
    assert client.get(url("playbooks")).status_code == status
    assert client.get(url("playbook_framework", code="general")).status_code == status
    assert client.post(url("playbook_copy", code="general")).status_code == status
    assert not Playbook.objects.filter(organisation__isnull=False).exists()


def test_anonymous_people_are_sent_to_log_in(people, framework):
    response = people.client("anonymous").get(url("playbooks"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


# --- Reading ------------------------------------------------------------------------------------------


def test_the_list_shows_the_framework_playbooks_and_which_category_gets_which(officer):
    page = officer.get(url("playbooks")).content.decode()

    assert "You use the framework's playbooks as they are." in page
    for title in ("Fraud and corruption", "Sexual exploitation, abuse and harassment", "General playbook for a report"):
        assert title in page
    # The table of uses: a row per category with the playbook a new case gets.
    assert "Which playbook a new case gets" in page
    assert "Conflicts of interest and nepotism</a>" in page


def test_a_framework_playbook_reads_by_phase_with_deadlines_in_words(officer):
    page = officer.get(url("playbook_framework", code="safeguarding")).content.decode()

    for phase in ("1. Receive", "2. Assess", "3. Address", "4. Conclude"):
        assert phase in page
    assert "within 7 days of receipt" in page
    assert "within 3 months of acknowledging receipt" in page
    assert "within 2 days of triage" in page
    assert "within 2 months after “Decide on investigation and precautions” is done" in page
    assert page.count("badge warn") >= 5  # the victim-care steps
    assert "Make our own copy" in page


def test_an_unknown_playbook_is_not_found(officer):
    assert officer.get(url("playbook_framework", code="no-such")).status_code == 404
    assert officer.get(url("playbook", code="general")).status_code == 404  # no copy yet


# --- Making a copy ------------------------------------------------------------------------------------


def test_making_our_own_copy_copies_the_playbook_and_its_steps(officer, people):
    framework = Playbook.objects.get(organisation__isnull=True, code="fraud-corruption")

    copy = copy_of(officer, "fraud-corruption")

    assert copy.organisation == people.org
    assert copy.based_on == framework
    assert (copy.title_en, copy.applies_to, copy.version) == (framework.title_en, framework.applies_to, "1.0")
    assert codes(copy) == codes(framework)
    assert copy.steps.get(code="acknowledge").marks == "acknowledged"
    assert changes_logged("copied") == 1
    # New cases of its categories follow the copy now.
    fraud = ViolationSubtype.objects.select_related("type").get(code="fraud")
    assert playbook_for(people.org, fraud.type, fraud) == copy
    page = officer.get(url("playbook", code="fraud-corruption")).content.decode()
    assert "Changes apply to new cases. A running case keeps the steps it was given when it was opened." in page
    assert "Go back to the framework version" in page


def test_copying_twice_keeps_one_copy(officer):
    copy_of(officer)
    response = officer.post(url("playbook_copy", code="general"), follow=True)
    assert "You have your own copy of this playbook already." in response.content.decode()
    assert Playbook.objects.filter(organisation__slug="hulp").count() == 1


def test_a_copy_is_made_with_a_post_only(officer):
    assert officer.get(url("playbook_copy", code="general")).status_code == 405


# --- Editing the playbook ---------------------------------------------------------------------------


def test_editing_the_title_and_categories(officer):
    copy = copy_of(officer, "fraud-corruption")
    data = {
        "title_nl": "Fraude (onze aanpak)",
        "title_en": "Fraud (our way)",
        "intro_nl": "",
        "intro_en": "",
        "applies_to": ["fraud", "theft"],
    }

    response = officer.post(url("playbook_edit", code=copy.code), data)

    assert response.status_code == 302
    copy.refresh_from_db()
    assert (copy.title_en, copy.applies_to, copy.intro_en) == ("Fraud (our way)", ["fraud", "theft"], "")
    assert changes_logged("edited") == 1


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"title_en": ""}, "The title is missing in English."),
        ({"intro_en": ""}, "The introduction is given in Dutch but not in English"),
        ({"applies_to": ["fraud", "interpersonal"]}, "“interpersonal” is already handled by the playbook"),
        ({"is_default": "on"}, "“General playbook for a report” is the default playbook already"),
    ],
)
def test_the_playbook_form_keeps_the_loaders_rules(officer, change, error):
    copy = copy_of(officer, "fraud-corruption")
    data = {
        "title_nl": copy.title_nl,
        "title_en": copy.title_en,
        "intro_nl": copy.intro_nl,
        "intro_en": copy.intro_en,
        "applies_to": copy.applies_to,
        **change,
    }

    response = officer.post(url("playbook_edit", code=copy.code), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    copy.refresh_from_db()
    assert copy.title_en == "Fraud and corruption" and not copy.is_default


def test_the_only_default_stays_the_default(officer):
    copy = copy_of(officer, "general")
    data = {"title_nl": copy.title_nl, "title_en": copy.title_en, "intro_nl": copy.intro_nl, "intro_en": copy.intro_en}

    response = officer.post(url("playbook_edit", code=copy.code), data)  # "default" not ticked

    assert "No other playbook is the default: make another one the default first." in response.content.decode()
    copy.refresh_from_db()
    assert copy.is_default


# --- Editing steps ----------------------------------------------------------------------------------


def test_adding_a_step_puts_it_last_in_its_phase(officer):
    copy = copy_of(officer)
    data = {
        "code": "board",
        "phase": "assess",
        "role": "decision_maker",
        "title_nl": "Informeer de raad van toezicht",
        "title_en": "Inform the supervisory board",
        "guidance_nl": "Bij een ernstige zaak.",
        "guidance_en": "In a serious case.",
        "checklist_nl": "Voorzitter gebeld",
        "checklist_en": "Chair called",
        "after": ["triage"],
        "due_anchor": "triaged",
        "due_days": "5",
    }

    response = officer.post(url("playbook_step_add", code=copy.code), data)

    assert response.status_code == 302
    assert response.url.endswith("#step-board")
    order = codes(copy)
    assert order.index("board") == order.index("plan") + 1  # the last step of "assess"
    board = copy.steps.get(code="board")
    assert (board.due_anchor, board.due_days, board.checklist) == (
        "triaged",
        5,
        [{"nl": "Voorzitter gebeld", "en": "Chair called"}],
    )
    assert changes_logged("step_added") == 1


def test_a_circle_made_in_the_form_is_refused_and_nothing_is_saved(officer):
    copy = copy_of(officer)
    register = copy.steps.get(code="register")  # acknowledge waits for register
    before = list(copy.steps.order_by("order").values())

    response = officer.post(
        url("playbook_step_edit", code=copy.code, step="register"), step_data(register, after=["acknowledge"])
    )

    assert response.status_code == 200
    assert "Steps wait for each other in a circle: register → acknowledge → register." in response.content.decode()
    assert list(copy.steps.order_by("order").values()) == before
    assert changes_logged("step_changed") == 0


@pytest.mark.parametrize(
    ("step", "change", "error"),
    [
        ("triage", {"after": ["register", "investigate"]}, "which is in a later phase (Address)"),
        ("acknowledge", {"marks": ""}, "No step marks receipt as acknowledged"),
        ("triage", {"code": "register"}, "Two steps have the code “register”"),
        ("triage", {"code": "Triage Step"}, "The code must be a lowercase slug"),
        ("triage", {"due_days": "-3"}, "The number of days must be a whole number of 0 or more, not “-3”."),
        ("triage", {"due_anchor": "", "due_days": "14"}, "Say what the deadline counts from."),
        ("investigate", {"due_step": ""}, "Name the step the deadline counts from."),
        ("triage", {"title_nl": ""}, "The title is missing in Dutch."),
        ("triage", {"checklist_en": "Category recorded"}, "Checklist item 2 has no English text."),
    ],
)
def test_the_step_form_keeps_the_loaders_rules(officer, step, change, error):
    copy = copy_of(officer)
    before = list(copy.steps.order_by("order").values())

    response = officer.post(
        url("playbook_step_edit", code=copy.code, step=step), step_data(copy.steps.get(code=step), **change)
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert list(copy.steps.order_by("order").values()) == before


def test_renaming_a_step_follows_it_in_the_other_steps(officer):
    copy = copy_of(officer)
    triage = copy.steps.get(code="triage")

    response = officer.post(url("playbook_step_edit", code=copy.code, step="triage"), step_data(triage, code="assess"))

    assert response.status_code == 302
    assert "triage" not in codes(copy)
    assert copy.steps.get(code="plan").after == ["assess", "conflict-check"]
    assert copy.steps.get(code="notify-cbf").after == ["assess"]
    assert changes_logged("step_changed") == 1


def test_changing_a_step_keeps_its_place_unless_its_phase_changes(officer):
    copy = copy_of(officer)
    before = codes(copy)
    notify = copy.steps.get(code="notify-funder")

    officer.post(
        url("playbook_step_edit", code=copy.code, step="notify-funder"), step_data(notify, title_en="Tell the funder")
    )
    assert codes(copy) == before
    assert copy.steps.get(code="notify-funder").title_en == "Tell the funder"

    officer.post(
        url("playbook_step_edit", code=copy.code, step="protect"),
        step_data(copy.steps.get(code="protect"), phase="conclude"),
    )
    assert codes(copy)[-1] == "protect"


def test_a_step_others_depend_on_cannot_be_deleted(officer):
    copy = copy_of(officer)

    page = officer.get(url("playbook_step_delete", code=copy.code, step="triage")).content.decode()
    assert "This step cannot be deleted: other steps depend on it." in page
    assert "Delete the step</button>" not in page
    response = officer.post(url("playbook_step_delete", code=copy.code, step="triage"), follow=True)

    assert "This step was not deleted" in response.content.decode()
    assert "triage" in codes(copy)


def test_the_only_feedback_step_cannot_be_deleted(officer):
    copy = copy_of(officer)

    page = officer.get(url("playbook_step_delete", code=copy.code, step="feedback")).content.decode()
    officer.post(url("playbook_step_delete", code=copy.code, step="feedback"))

    assert "No step marks the feedback to the reporter." in page
    assert "feedback" in codes(copy)


def test_deleting_a_step_after_confirming(officer):
    copy = copy_of(officer)

    page = officer.get(url("playbook_step_delete", code=copy.code, step="protect")).content.decode()
    assert "Delete the step</button>" in page
    response = officer.post(url("playbook_step_delete", code=copy.code, step="protect"))

    assert response.status_code == 302
    assert "protect" not in codes(copy)
    assert changes_logged("step_deleted") == 1


def test_moving_a_step_within_its_phase(officer):
    copy = copy_of(officer)
    before = codes(copy)

    officer.post(url("playbook_step_move", code=copy.code, step="notify-funder"), {"direction": "up"})
    after = codes(copy)
    assert after.index("notify-funder") == before.index("notify-funder") - 1
    assert changes_logged("step_moved") == 1

    # The first step of a phase stays where it is.
    response = officer.post(
        url("playbook_step_move", code=copy.code, step="conflict-check"), {"direction": "up"}, follow=True
    )
    assert "at the edge of its phase" in response.content.decode()
    assert codes(copy) == after


def test_another_organisations_copy_is_out_of_reach(people, officer):
    copy_of(officer)
    outsider = people.client("outsider")
    assert outsider.get(url("playbook", code="general")).status_code == 404
    assert outsider.get(reverse("cases:playbook", kwargs={"slug": "ander", "code": "general"})).status_code == 404


# --- Going back to the framework version ------------------------------------------------------------


def _case(people, playbook: Playbook, *, concluded: bool) -> Case:
    now = timezone.now()
    return Case.objects.create(
        organisation=people.org,
        reference=f"2026-{Case.objects.count() + 1:04d}",
        source="phone",
        playbook=playbook,
        received_at=now,
        concluded_at=now if concluded else None,
        outcome="substantiated" if concluded else "",
    )


def test_going_back_deletes_the_copy(officer, people):
    copy = copy_of(officer)

    assert (
        "Your copy and all your changes to it go."
        in officer.get(url("playbook_revert", code="general")).content.decode()
    )
    response = officer.post(url("playbook_revert", code="general"))

    assert response.url == url("playbooks")
    assert not Playbook.objects.filter(pk=copy.pk).exists()
    assert playbook_for(people.org, None).organisation is None
    assert changes_logged("reverted") == 1


def test_going_back_is_refused_while_running_cases_follow_the_copy(officer, people):
    copy = copy_of(officer)
    _case(people, copy, concluded=False)

    page = officer.get(url("playbook_revert", code="general")).content.decode()
    response = officer.post(url("playbook_revert", code="general"), follow=True)

    assert "1 running case follows your copy." in page
    assert "1 running case follows your copy." in response.content.decode()
    assert Playbook.objects.filter(pk=copy.pk, retired=False).exists()


def test_going_back_keeps_a_copy_concluded_cases_followed(officer, people):
    copy = copy_of(officer)
    _case(people, copy, concluded=True)

    officer.post(url("playbook_revert", code="general"))

    copy.refresh_from_db()
    assert copy.retired
    assert playbook_for(people.org, None).organisation is None
    # A new copy later starts again from the framework version.
    again = copy_of(officer)
    assert again.pk == copy.pk and not again.retired
    assert codes(again) == codes(Playbook.objects.get(organisation__isnull=True, code="general"))
