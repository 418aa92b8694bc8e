"""Personas, built in code: one organisation with a person in every role, and an outsider.

    admin, officer, manager, member, viewer  → members of "Hulp Zonder Grenzen" (slug `hulp`)
    outsider                                 → admin of "Ander Fonds" (slug `ander`), nothing to do with `hulp`

Admins and officers have two-factor authentication set up (it is required for them), with the
secret `TOTP_SECRET`, so tests can make valid codes with `totp_code()`.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pyotp
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts.models import User
from organisations.models import Membership, Organisation, Role

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ROLES = ["admin", "officer", "manager", "member", "viewer"]
PERSONAS = ["anonymous", "outsider", *reversed(ROLES)]


def totp_code(secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def make_user(email: str, *, two_factor: bool = False, **fields: object) -> User:
    user = User.objects.create_user(email, PASSWORD, **fields)
    if two_factor:
        user.totp_secret = TOTP_SECRET
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    return user


@dataclass
class People:
    org: Organisation
    other_org: Organisation
    admin: User
    officer: User
    manager: User
    member: User
    viewer: User
    outsider: User

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else getattr(self, persona)

    def client(self, persona: str) -> Client:
        client = Client()
        user = self.user(persona)
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def english(request, settings):
    """Pages in English, for tests that read the English text (the Dutch catalogue has its own tests).

    Sets the default language and, when the test uses the personas, their chosen language.
    """
    settings.LANGUAGE_CODE = "en"
    if "people" in request.fixturenames:
        request.getfixturevalue("people")
        User.objects.update(language="en")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files (evidence, report attachments) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def framework_for_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The shipped framework content, loaded once for a whole test module (it takes a second or two each time).

    Loaded in a transaction that is rolled back after the module; each test's own changes roll back after
    it (pytest-django's savepoint). A module uses it for every test, so none meets it by chance:
    `pytestmark = pytest.mark.usefixtures("framework_for_module")`. Tests of an empty framework, or of the
    loader itself, belong in other modules.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_framework", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test computes its own figures (the overview's cards, the sector figures, the map's overlay): the tests'
    rolled-back databases reuse primary keys and counters, so an entry cached by another test could match."""
    from ecosystem.overlay import COVERS, VIEWERS

    for kept in (cache, COVERS, VIEWERS):
        kept.clear()
    yield
    for kept in (cache, COVERS, VIEWERS):
        kept.clear()


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def queued_tasks(settings):
    """Work is queued, not run (the tests' default runs it at once): the dummy backend keeps what is queued, as the
    database queue does in production until a worker takes it; the test plays the worker. (django_tasks builds its
    backends again when the setting changes.)"""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def people(db) -> People:
    org = Organisation.objects.create(
        slug="hulp", name="Hulp Zonder Grenzen", kind=Organisation.Kind.MEMBER, country="NL", size_category="D"
    )
    other = Organisation.objects.create(slug="ander", name="Ander Fonds", kind=Organisation.Kind.FUNDER, country="NL")
    users = {}
    for role in ROLES:
        user = make_user(f"{role}@hulp.example", two_factor=role in ("admin", "officer"), name=role.title())
        Membership.objects.create(user=user, organisation=org, role=Role(role))
        users[role] = user
    outsider = make_user("admin@ander.example", two_factor=True, name="Outsider")
    Membership.objects.create(user=outsider, organisation=other, role=Role.ADMIN)
    return People(org=org, other_org=other, outsider=outsider, **users)
