"""The `playbook` content kind: every rule refuses a bad file with its file and line, loading again changes
nothing, changed steps are replaced, and a playbook that leaves the index is retired, never deleted."""

import textwrap
from pathlib import Path

import pytest

from cases.handling import playbook_for
from cases.models import Case, Playbook, PlaybookStep
from framework.loader import ContentError, load_all

TAXONOMY = """\
kind: taxonomy
version: "1"
types:
  - code: financial
    name_nl: Financiële schendingen
    name_en: Financial violations
    definition_nl: Geld onrechtmatig gebruikt.
    definition_en: Money used unlawfully.
    subtypes:
      - code: fraud
        name_nl: Fraude
        name_en: Fraud
        definition_nl: Bewust misleiden voor voordeel.
        definition_en: Deceiving for gain.
      - code: theft
        name_nl: Diefstal
        name_en: Theft
        definition_nl: Wegnemen om te houden.
        definition_en: Taking to keep.
  - code: interpersonal
    name_nl: Interpersoonlijke schendingen
    name_en: Interpersonal violations
    definition_nl: Gedrag dat de waardigheid aantast.
    definition_en: Conduct that harms dignity.
    subtypes:
      - code: bullying
        name_nl: Pesten
        name_en: Bullying
        definition_nl: Herhaald kwetsen.
        definition_en: Repeatedly hurting.
"""
PLAYBOOK = """\
kind: playbook
version: "1.0"
code: fraud
applies_to: [fraud]
title_nl: Fraude
title_en: Fraud
intro_nl: Voor meldingen van fraude.
intro_en: For reports of fraud.
steps:
  - code: register
    phase: receive
    role: intake
    title_nl: Leg vast
    title_en: Register
    guidance_nl: Leg vast wat binnenkwam.
    guidance_en: Record what came in.
    checklist:
      - nl: Datum vastgelegd
        en: Date recorded
  - code: acknowledge
    phase: receive
    role: intake
    title_nl: Bevestig
    title_en: Acknowledge
    after: [register]
    due: {after: received, days: 7}
    marks: acknowledged
  - code: triage
    phase: assess
    role: intake
    title_nl: Beoordeel
    title_en: Assess
    after: [register]
    due: {after: received, days: 14}
  - code: notify-cbf
    phase: assess
    role: intake
    title_nl: Meld aan het CBF
    title_en: Report to the CBF
    after: [triage]
    due: {after: triaged, days: 2}
    notify: cbf
  - code: investigate
    phase: address
    role: investigator
    title_nl: Onderzoek
    title_en: Investigate
    after: [triage]
    due: {after: step, step: triage, months: 2}
  - code: feedback
    phase: address
    role: intake
    title_nl: Koppel terug
    title_en: Give feedback
    after: [acknowledge]
    due: {after: acknowledged, months: 3}
    marks: feedback
  - code: decide
    phase: conclude
    role: decision_maker
    title_nl: Besluit
    title_en: Decide
    after: [investigate]
"""

INDEX = """\
kind: playbook_index
version: "1"
playbooks: [{codes}]
"""


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line containing `needle`."""
    found = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write(tmp_path, "taxonomy.yaml", TAXONOMY)
    write(tmp_path, "playbooks/_index.yaml", INDEX.format(codes="fraud"))
    write(tmp_path, "playbooks/fraud.yaml", PLAYBOOK)
    return tmp_path


def test_a_good_file_loads_with_its_steps_in_order(db, content):
    load_all(content)

    playbook = Playbook.objects.get(code="fraud", organisation__isnull=True)
    assert playbook.source == "playbooks/fraud.yaml"
    assert playbook.version == "1.0"
    assert playbook.applies_to == ["fraud"]
    steps = list(playbook.steps.order_by("order"))
    assert [s.code for s in steps] == [
        "register",
        "acknowledge",
        "triage",
        "notify-cbf",
        "investigate",
        "feedback",
        "decide",
    ]
    assert steps[0].checklist == [{"nl": "Datum vastgelegd", "en": "Date recorded"}]
    acknowledge = steps[1]
    assert (acknowledge.due_anchor, acknowledge.due_days, acknowledge.marks) == ("received", 7, "acknowledged")
    investigate = steps[4]
    assert (investigate.due_anchor, investigate.due_step, investigate.due_months) == ("step", "triage", 2)
    assert steps[3].notify == "cbf"


# (what is wrong, text to replace, its replacement, the line the error names, words of the message)
REJECTED = [
    (
        "unknown role",
        "    role: investigator\n",
        "    role: detective\n",
        ("- code: investigate", 1),
        "Unknown role “detective”",
    ),
    (
        "unknown phase",
        "    phase: conclude\n",
        "    phase: close\n",
        ("- code: decide", 1),
        "Unknown phase “close”",
    ),
    (
        "unknown anchor",
        "due: {after: received, days: 7}",
        "due: {after: reported, days: 7}",
        ("due: {after: reported", 1),
        "Unknown deadline anchor “reported”",
    ),
    (
        "step anchor without a step",
        "due: {after: step, step: triage, months: 2}",
        "due: {after: step, months: 2}",
        ("due: {after: step, months: 2}", 1),
        "Name the step the deadline counts from",
    ),
    (
        "step anchor naming an unknown step",
        "due: {after: step, step: triage, months: 2}",
        "due: {after: step, step: nowhere, months: 2}",
        ("step: nowhere", 1),
        "counts from “nowhere”, which is not a step of this playbook",
    ),
    (
        "a step named for the deadline without the step anchor",
        "due: {after: received, days: 14}",
        "due: {after: received, step: register, days: 14}",
        ("step: register, days: 14", 1),
        "does not count from a step",
    ),
    (
        "after naming an unknown step",
        "    after: [investigate]\n",
        "    after: [investigation]\n",
        ("- code: decide", 1),
        "waits for “investigation”, which is not a step of this playbook",
    ),
    (
        "a step waiting for a step of a later phase",
        "    title_en: Assess\n    after: [register]\n",
        "    title_en: Assess\n    after: [register, investigate]\n",
        ("- code: triage", 1),
        "waits for “investigate”, which is in a later phase (Address)",
    ),
    (
        "duplicate step codes",
        "  - code: notify-cbf\n",
        "  - code: triage\n",
        ("- code: triage", 2),
        "Two steps have the code “triage”",
    ),
    (
        "steps out of phase order",
        "  - code: notify-cbf\n    phase: assess\n",
        "  - code: notify-cbf\n    phase: receive\n",
        ("- code: notify-cbf", 1),
        "comes after a step of the phase “Assess”",
    ),
    (
        "applies_to naming an unknown code",
        "applies_to: [fraud]",
        "applies_to: [fraud, embezzlement]",
        ("kind: playbook", 1),
        "“embezzlement” is not a violation type or sub-type",
    ),
    (
        "negative days",
        "due: {after: triaged, days: 2}",
        "due: {after: triaged, days: -2}",
        ("days: -2", 1),
        "must be a whole number of 0 or more, not “-2”",
    ),
    (
        "days that are not a number",
        "due: {after: triaged, days: 2}",
        "due: {after: triaged, days: two}",
        ("days: two", 1),
        "must be a whole number of 0 or more, not “two”",
    ),
    (
        "months that are not whole",
        "due: {after: acknowledged, months: 3}",
        "due: {after: acknowledged, months: 2.5}",
        ("months: 2.5", 1),
        "must be a whole number of 0 or more",
    ),
    (
        "an anchor without days or months",
        "due: {after: triaged, days: 2}",
        "due: {after: triaged}",
        ("due: {after: triaged}", 1),
        "A deadline needs a number of days or months",
    ),
    (
        "a step without its Dutch title",
        "    title_nl: Beoordeel\n",
        "",
        ("- code: triage", 1),
        "The title is missing in Dutch",
    ),
    (
        "guidance in one language only",
        "    guidance_en: Record what came in.\n",
        "",
        ("- code: register", 1),
        "The guidance is given in Dutch but not in English",
    ),
    (
        "an introduction in one language only",
        "intro_en: For reports of fraud.\n",
        "",
        ("kind: playbook", 1),
        "The introduction is given in Dutch but not in English",
    ),
    (
        "a checklist item without English",
        "        en: Date recorded\n",
        "",
        ("- code: register", 1),
        "Checklist item 1 has no English text",
    ),
    (
        "no step marking receipt acknowledged",
        "    marks: acknowledged\n",
        "",
        ("kind: playbook", 1),
        "No step marks receipt as acknowledged",
    ),
    (
        "two steps marking feedback",
        "    title_en: Decide\n",
        "    title_en: Decide\n    marks: feedback\n",
        ("- code: decide", 1),
        "Only one step can mark “feedback given to the reporter”; step “feedback” does already",
    ),
    (
        "an unknown notification",
        "    notify: cbf\n",
        "    notify: press\n",
        ("- code: notify-cbf", 1),
        "Unknown notification “press”",
    ),
    (
        "a misspelt field",
        "    title_nl: Besluit\n",
        "    titel_nl: Besluit\n",
        ("- code: decide", 1),
        "unknown field(s): titel_nl",
    ),
]


@pytest.mark.parametrize(("what", "old", "new", "where", "words"), REJECTED, ids=[r[0] for r in REJECTED])
def test_a_bad_playbook_is_refused_with_file_and_line(db, content, what, old, new, where, words):
    assert old in PLAYBOOK, what
    bad = PLAYBOOK.replace(old, new, 1)
    write(content, "playbooks/fraud.yaml", bad)

    with pytest.raises(ContentError) as refused:
        load_all(content)

    message = str(refused.value)
    assert message.startswith(f"playbooks/fraud.yaml, line {line_of(bad, *where)}"), message
    assert words in message
    assert not Playbook.objects.exists()  # nothing of the bad load stays


def test_a_circle_of_steps_is_refused_and_named(db, content):
    bad = PLAYBOOK.replace(
        "    title_en: Register\n", "    title_en: Register\n    after: [acknowledge]\n", 1
    )  # register ⇄ acknowledge
    write(content, "playbooks/fraud.yaml", bad)

    with pytest.raises(ContentError) as refused:
        load_all(content)

    message = str(refused.value)
    assert message.startswith(f"playbooks/fraud.yaml, line {line_of(bad, '- code: register')}, entry 'register'")
    assert "Steps wait for each other in a circle: register → acknowledge → register" in message


def test_a_longer_circle_is_named_in_order(db, content):
    # Inside the assess phase: triage waits for check, check for notify-cbf, notify-cbf for triage.
    bad = PLAYBOOK.replace(
        "    title_en: Assess\n    after: [register]\n", "    title_en: Assess\n    after: [check]\n", 1
    )
    bad = bad.replace(
        "  - code: investigate\n",
        "  - code: check\n    phase: assess\n    role: intake\n    title_nl: Controleer\n    title_en: Check\n"
        "    after: [notify-cbf]\n  - code: investigate\n",
        1,
    )
    write(content, "playbooks/fraud.yaml", bad)

    with pytest.raises(ContentError) as refused:
        load_all(content)

    assert "circle: triage → check → notify-cbf → triage" in str(refused.value)


def test_two_default_playbooks_are_refused(db, content):
    write(content, "playbooks/_index.yaml", INDEX.format(codes="fraud, general, other"))
    general = PLAYBOOK.replace("code: fraud\n", "code: general\ndefault: true\n", 1).replace(
        "applies_to: [fraud]", "applies_to: []"
    )
    write(content, "playbooks/general.yaml", general)
    other = PLAYBOOK.replace("code: fraud\n", "code: other\ndefault: true\n", 1).replace(
        "applies_to: [fraud]", "applies_to: [bullying]"
    )
    write(content, "playbooks/other.yaml", other)

    with pytest.raises(ContentError) as refused:
        load_all(content)

    assert str(refused.value).startswith("playbooks/other.yaml, line 1")
    assert "“Fraud” is the default playbook already: there can be only one" in str(refused.value)


def test_a_category_belongs_to_one_playbook(db, content):
    write(content, "playbooks/_index.yaml", INDEX.format(codes="fraud, theft"))
    theft = PLAYBOOK.replace("code: fraud\n", "code: theft\n", 1).replace(
        "applies_to: [fraud]", "applies_to: [theft, fraud]"
    )
    write(content, "playbooks/theft.yaml", theft)

    with pytest.raises(ContentError) as refused:
        load_all(content)

    assert str(refused.value).startswith("playbooks/theft.yaml, line 1")
    assert "“fraud” is already handled by the playbook “Fraud”" in str(refused.value)


def test_loading_again_changes_nothing(db, content):
    load_all(content)
    step_ids = set(PlaybookStep.objects.values_list("pk", flat=True))

    again = load_all(content, force=True)

    assert all(not result.changes for result in again)
    assert set(PlaybookStep.objects.values_list("pk", flat=True)) == step_ids
    assert Playbook.objects.count() == 1


def test_a_changed_file_updates_the_playbook_and_replaces_its_steps(db, content):
    load_all(content)
    old_ids = set(PlaybookStep.objects.values_list("pk", flat=True))
    changed = PLAYBOOK.replace("title_en: Assess\n", "title_en: Assess the report\n").replace(
        'version: "1.0"', 'version: "1.1"'
    )
    write(content, "playbooks/fraud.yaml", changed)

    results = {r.name: r for r in load_all(content)}

    assert results["playbooks/fraud.yaml"].changes.updated == ["playbook fraud"]
    playbook = Playbook.objects.get(code="fraud")
    assert playbook.version == "1.1"
    assert playbook.steps.get(code="triage").title_en == "Assess the report"
    assert not old_ids & set(PlaybookStep.objects.values_list("pk", flat=True))
    assert playbook.steps.count() == 7


def test_a_playbook_that_leaves_the_index_is_retired_not_deleted(db, content, people):
    write(content, "playbooks/_index.yaml", INDEX.format(codes="fraud, theft"))
    write(
        content,
        "playbooks/theft.yaml",
        PLAYBOOK.replace("code: fraud\n", "code: theft\n", 1).replace("applies_to: [fraud]", "applies_to: [theft]"),
    )
    load_all(content)
    theft = Playbook.objects.get(code="theft")
    case = Case.objects.create(
        organisation=people.org, reference="2026-0001", source="phone", playbook=theft, received_at=theft.updated_at
    )

    (content / "playbooks/theft.yaml").unlink()
    write(content, "playbooks/_index.yaml", INDEX.format(codes="fraud"))
    results = {r.name: r for r in load_all(content)}

    assert results["playbooks/_index.yaml"].changes.retired == ["playbook theft"]
    theft.refresh_from_db()
    assert theft.retired
    assert theft.steps.count() == 7  # kept as it was
    case.refresh_from_db()
    assert case.playbook == theft

    # Back in the index (and its file back): active again.
    write(content, "playbooks/_index.yaml", INDEX.format(codes="fraud, theft"))
    load_all(content)
    theft.refresh_from_db()
    assert not theft.retired


def test_a_retired_playbook_is_not_given_to_new_cases(db, content, people):
    write(content, "playbooks/_index.yaml", INDEX.format(codes="fraud, general"))
    write(
        content,
        "playbooks/general.yaml",
        PLAYBOOK.replace("code: fraud\n", "code: general\ndefault: true\n", 1).replace(
            "applies_to: [fraud]", "applies_to: []"
        ),
    )
    load_all(content)
    write(content, "playbooks/_index.yaml", INDEX.format(codes="general"))
    load_all(content)

    assert Playbook.objects.get(code="fraud").retired
    assert playbook_for(people.org, None).code == "general"
