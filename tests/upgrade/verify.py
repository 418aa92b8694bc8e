"""What an upgraded database must still hold and do, printed as one JSON object on the last line.

Run by test_upgrade.py in a process of its own, after `migrate` brought a release's database to the current
schema:  DATABASE_URL=… python tests/upgrade/verify.py
It reads the data through today's code: the people can still sign in, the case officer's key still opens the
sealed case notes, the dilemmas keep their texts, the session keeps its votes, and the main pages render.
"""

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DILEMMA_TEXTS = ("title", "situation", "question", "reflection")


def main() -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samen.settings"
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["testserver"]
    print(json.dumps(facts(), sort_keys=True))


def facts() -> dict[str, object]:
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from api.models import Token
    from cases import handling
    from cases import keys as case_keys
    from cases.models import Case
    from dialogue.models import Session
    from dilemmas.models import Dilemma
    from ecosystem.models import ImportedOrganisation, Relation
    from organisations.models import Organisation
    from samen.management.commands.demo import PASSWORD, all_demo_emails
    from speakup import keys
    from webhooks.models import Endpoint

    hzg = Organisation.objects.get(slug="hulp-zonder-grenzen")
    officer = User.objects.get(email="officer@hulp-zonder-grenzen.example")
    officer_key = keys.open_with_password(officer, PASSWORD)
    notes_opened = 0
    for case in Case.objects.filter(organisation=hzg).prefetch_related("notes"):
        opened = case_keys.case_keys(case, officer_key)
        for note in case.notes.all():
            if case_keys.open_with(opened, note.key_version, bytes(note.body)):
                notes_opened += 1
    framework = Dilemma.objects.framework()
    session = Session.objects.get(organisation=hzg, title="Teamdag integriteit")

    manager = User.objects.get(email="manager@hulp-zonder-grenzen.example")
    client = Client()
    client.force_login(manager)
    pages = {
        "dashboard": reverse("organisations:dashboard", kwargs={"slug": hzg.slug}),
        "partners": reverse("organisations:partners", kwargs={"slug": hzg.slug}),
        "dilemmas": reverse("dilemmas:library", kwargs={"slug": hzg.slug}),
        "session_report": reverse("dialogue:report", kwargs={"slug": hzg.slug, "code": session.code}),
        "map_data": reverse("ecosystem_map:data", kwargs={"slug": hzg.slug}),
    }
    return {
        "logins_failing": sorted(
            email for email in all_demo_emails() if not User.objects.get(email=email).check_password(PASSWORD)
        ),
        "cases": Case.objects.filter(organisation=hzg).count(),
        "case_notes_opened": notes_opened,
        "cases_visible_to_officer": Case.objects.filter(handling.visible_to(officer)).count(),
        "framework_dilemmas": framework.count(),
        "dilemma_texts": dilemma_digest(Dilemma.objects.prefetch_related("options").order_by("code")),
        "session_votes": session.votes.count(),
        "session_participants": session.participants.count(),
        "session_records": session.records.count(),
        "ecosystem_organisations": ImportedOrganisation.objects.count(),
        "ecosystem_relations": Relation.objects.count(),
        "ecosystem_kvk_found": ImportedOrganisation.objects.filter(identifier="NL-KVK-90412736").exists(),
        "api_tokens_active": Token.objects.filter(organisation=hzg, revoked_at__isnull=True).count(),
        "webhook_endpoints": Endpoint.objects.filter(organisation=hzg, is_active=True).count(),
        "pages": {name: client.get(path).status_code for name, path in pages.items()},
        "map_nodes": len(client.get(pages["map_data"]).json()["nodes"]),
    }


def dilemma_digest(dilemmas: Iterable[Any]) -> str:
    """A digest of every dilemma's texts and options; test_upgrade.py computes the same from the old tables."""
    return digest_rows(
        (
            str(dilemma.code),
            [getattr(dilemma, f"{name}_{code}") for name in DILEMMA_TEXTS for code in ("nl", "en")],
            [[option.text_nl, option.text_en] for option in sorted(dilemma.options.all(), key=position)],
        )
        for dilemma in dilemmas
    )


def digest_rows(rows: Iterable[tuple[str, list[str], list[list[str]]]]) -> str:
    digest = hashlib.sha256()
    for code, texts, options in rows:
        digest.update(json.dumps([code, texts, options]).encode())
    return digest.hexdigest()


def position(option: Any) -> int:
    return int(option.position)


if __name__ == "__main__":
    main()
