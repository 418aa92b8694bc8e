"""New library dilemmas from what an organisation learned (issue 6, part 7).

Cases and dialogue sessions record lessons; `draft_from_lessons` turns one into a draft dilemma of its
author, which nobody else sees until the author completes and submits it. Before it can leave the
organisation it goes through the de-identification check and the reviews like any other dilemma.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from dilemmas.models import Context, Dilemma, Languages, Status
from organisations.models import Organisation

TITLE_LENGTH = 80


def _title(text: str) -> str:
    """The first sentence (or line) of the text, cut at a word to fit a title."""
    first = text.strip().split("\n", 1)[0]
    for end in (". ", "? ", "! "):
        first = first.split(end, 1)[0]
    first = first.rstrip(".!?")
    if len(first) <= TITLE_LENGTH:
        return first
    return first[:TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def draft_from_lessons(
    organisation: Organisation,
    author: User,
    text: str,
    tags: Iterable[str],
    *,
    context: str = Context.ORGANISATION,
    language: str | None = None,
) -> Dilemma:
    """A draft dilemma of `author` in `organisation`, its situation the lessons `text`, tagged with `tags`.

    `tags` are taxonomy codes (violation types or sub-types; unknown ones are left out). The language is
    the author's (or `language`); the question is a first suggestion the author rewrites, and the
    courses of action are still to be written: the draft cannot be submitted before it has three.
    """
    situation = "\n\n".join(p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip())
    if not situation:
        raise ValueError("The lessons are empty: there is nothing to make a dilemma of.")
    lang = language or (author.language if author.language in ("nl", "en") else "nl")
    if lang not in (Languages.DUTCH, Languages.ENGLISH):
        raise ValueError(f"A dilemma is written in Dutch or English, not {lang!r}")
    if context not in Context.values:
        raise ValueError(f"Unknown context {context!r}")
    with translation.override(lang):
        question = _("What do you do?")
    now = timezone.now()
    with transaction.atomic():
        dilemma = Dilemma.objects.create(
            organisation=organisation,
            author=author,
            status=Status.DRAFT,
            languages=lang,
            context=context,
            created_at=now,
            updated_at=now,
            **{f"title_{lang}": _title(situation), f"situation_{lang}": situation, f"question_{lang}": question},
        )
        dilemma.set_tags(list(tags))
        dilemma.reindex()
    return dilemma
