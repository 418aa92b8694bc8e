"""Case test fixtures.

make_playbook → make_playbook(code=…, applies_to=[…]) a small framework playbook over the four phases
playbook      → the default one
keys          → handler keys (password PASSWORD) for the officer, admin and manager of `hulp`: {user: private key}
case          → a case of `hulp` opened by the officer by phone, with a sealed summary
unlocked      → unlocked(user) → a client logged in as `user` with their handler key unlocked
"""

from collections.abc import Callable

import nacl.pwhash.argon2id as argon2id
import pytest
from django.test import Client
from django.urls import reverse
from nacl.public import PrivateKey

from accounts.models import User
from cases.handling import open_case
from cases.models import Case, Playbook, PlaybookStep
from organisations.models import Organisation
from speakup import keys as speakup_keys
from tests.conftest import PASSWORD, People

STEPS = [
    # code, phase, role, after, anchor, due_step, days, months, marks, notify
    ("acknowledge", "receive", "intake", [], "received", "", 7, None, "acknowledged", ""),
    ("register", "receive", "intake", [], "", "", None, None, "", ""),
    ("triage", "assess", "intake", ["acknowledge"], "received", "", 14, None, "", ""),
    ("notify-cbf", "assess", "intake", [], "triaged", "", 2, None, "", "cbf"),
    ("investigate", "address", "investigator", ["triage"], "acknowledged", "", None, 2, "", ""),
    ("decide", "conclude", "decision_maker", ["investigate"], "step", "investigate", 14, None, "", ""),
    ("feedback", "conclude", "intake", [], "acknowledged", "", None, 3, "feedback", ""),
]


@pytest.fixture(autouse=True)
def fast_key_derivation(settings):
    """The smallest Argon2id work libsodium allows: tests measure behaviour, bench/ measures cost."""
    settings.SPEAKUP_ARGON2_OPSLIMIT = argon2id.OPSLIMIT_MIN
    settings.SPEAKUP_ARGON2_MEMLIMIT = argon2id.MEMLIMIT_MIN


def build_playbook(
    code: str = "general",
    applies_to: list[str] | None = None,
    *,
    is_default: bool = True,
    organisation: Organisation | None = None,
) -> Playbook:
    existing = Playbook.objects.filter(code=code, organisation=organisation).first()
    if existing is not None:
        # The access matrix's world may be built more than once in one test (tests/browser/test_every_page.py).
        return existing
    playbook = Playbook.objects.create(
        code=code,
        organisation=organisation,
        title_nl=f"Draaiboek {code}",
        title_en=f"Playbook {code}",
        applies_to=applies_to or [],
        is_default=is_default,
    )
    for order, (step, phase, role, after, anchor, due_step, days, months, marks, notify) in enumerate(STEPS, 1):
        PlaybookStep.objects.create(
            playbook=playbook,
            code=step,
            order=order,
            phase=phase,
            role=role,
            after=after,
            due_anchor=anchor,
            due_step=due_step,
            due_days=days,
            due_months=months,
            marks=marks,
            notify=notify,
            title_nl=f"Stap {step}",
            title_en=f"Step {step}",
            checklist=[{"nl": "Punt een", "en": "Item one"}, {"nl": "Punt twee", "en": "Item two"}],
        )
    return playbook


@pytest.fixture
def make_playbook(db) -> Callable[..., Playbook]:
    return build_playbook


@pytest.fixture
def playbook(db) -> Playbook:
    return build_playbook()


@pytest.fixture
def keys(people: People) -> dict[User, PrivateKey]:
    found = {}
    for user in (people.officer, people.admin, people.manager):
        speakup_keys.setup(user, PASSWORD)
        found[user] = speakup_keys.open_with_password(user, PASSWORD)
    return found


@pytest.fixture
def case(people: People, playbook: Playbook, keys) -> Case:
    return open_case(people.org, by=people.officer, source=Case.Source.PHONE, summary="A call about the warehouse.")


@pytest.fixture
def unlocked(people: People) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        response = client.post(reverse("speakup:unlock", kwargs={"slug": people.org.slug}), {"password": PASSWORD})
        assert response.status_code == 302, response
        return client

    return make
