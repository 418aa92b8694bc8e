"""Fixtures for the dilemma library: the taxonomy and the starter dilemmas, and dilemmas of `hulp` in any state."""

import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from dilemmas.models import Context, Dilemma, Status
from framework.loader import CONTENT_DIR, load_all

STARTERS = CONTENT_DIR / "dilemmas"


def content_with_taxonomy(tmp_path: Path) -> Path:
    """A content folder with only the shipped taxonomy: what dilemma files need to load."""
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    shutil.copy(CONTENT_DIR / "taxonomy.yaml", folder / "taxonomy.yaml")
    return folder


@pytest.fixture
def taxonomy(db, tmp_path) -> Path:
    folder = content_with_taxonomy(tmp_path)
    load_all(folder)
    return folder


@pytest.fixture
def starters(db, tmp_path) -> list[Dilemma]:
    """The shipped starter dilemmas, loaded with the taxonomy (not the rest of the framework: faster)."""
    folder = content_with_taxonomy(tmp_path)
    shutil.copytree(STARTERS, folder / "dilemmas")
    load_all(folder)
    return list(Dilemma.objects.framework())


def make_dilemma(organisation, author, *, status: str = Status.PUBLISHED, tags=(), **fields) -> Dilemma:
    """A dilemma of `organisation` in English with three courses of action, in the given state."""
    now = timezone.now()
    values = {
        "title_en": "Our cousin supplies the rice",
        "situation_en": "The director of a partner buys rice from a shop his cousin owns. Prices are fair.",
        "question_en": "What do you do?",
        "reflection_en": "Weigh the local economy against the undeclared interest.",
        "languages": "en",
        "context": Context.LOCAL_PARTNER,
        "status": status,
        "created_at": now,
        "updated_at": now,
        **fields,
    }
    if status == Status.PUBLISHED:
        values.setdefault("published_at", now)
    if status == Status.RETURNED:
        values.setdefault("return_reason", "Say more about the partner.")
    dilemma = Dilemma.objects.create(organisation=organisation, author=author, **values)
    dilemma.set_options([{"en": "Accept it"}, {"en": "Ask the board"}, {"en": "Change supplier"}])
    dilemma.set_tags(list(tags))
    dilemma.reindex()
    return dilemma
