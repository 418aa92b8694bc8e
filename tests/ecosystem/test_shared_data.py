"""Import of the real IATI files in ../shared/data/iati, checked against counts made here by a separate pass.

The data lives beside the project, not in it: a user's clone has no ../shared, so these tests skip
there, and fail instead when CI=true (CI must have the data).

The counting pass below is written from the IATI rules (and the derivation documented in
ecosystem/models.py) with the standard library's ElementTree, sharing no code with the importer.
"""

import os
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from ecosystem.importer import import_files
from ecosystem.models import Activity, ImportedOrganisation, Relation

pytestmark = pytest.mark.django_db

DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "iati"
ORGANISATION_FILE = "SYNTHETIC_iati-2.03_organisation-standard-example-annotated.xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def data_files(*folders: str) -> list[Path]:
    if not DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must have the IATI sample data at {DATA}")
        pytest.skip(f"the IATI sample data is not here ({DATA} is absent: it sits beside the project, not in it)")
    return sorted(path for folder in folders for path in (DATA / folder).glob("*.xml"))


def test_every_small_and_medium_file_imports_with_the_counts_of_a_separate_pass():
    files = data_files("small", "medium")
    expected = count_independently([path for path in files if path.name != ORGANISATION_FILE])

    result = import_files(files)

    assert result.refused == [f"{DATA / 'small' / ORGANISATION_FILE}:5: " + result.refused[0].split(": ", 1)[1]]
    assert "organisation file" in result.refused[0]
    data = result.as_json()
    assert data["activities"] == expected["activities"]
    assert data["organisations_with_identifier"] == expected["identifiers"]
    assert data["organisations_name_only"] == expected["names_only"]
    assert data["relations"] == expected["relations"]
    assert Activity.objects.count() == expected["distinct_activities"]
    assert Relation.objects.count() == expected["relations_kept"]
    assert ImportedOrganisation.objects.with_identifier().count() == expected["identifiers"]
    assert ImportedOrganisation.objects.filter(identifier="").count() == expected["names_only"]
    # No identifier kept with a space or in lower case (gdihub's refs have spaces).
    assert not ImportedOrganisation.objects.filter(identifier__contains=" ").exists()
    assert all(i == i.upper() for i in ImportedOrganisation.objects.values_list("identifier", flat=True))


def test_the_medium_pages_hold_the_activities_the_readme_lists():
    files = data_files("medium")

    result = import_files(files)

    assert result.activities == 400
    assert Activity.objects.count() == 400
    # Oxfam Novib, Cordaid and the Dutch Relief Alliance's fund manager take part.
    assert ImportedOrganisation.objects.filter(identifier="NL-KVK-72849770").exists()
    assert ImportedOrganisation.objects.filter(identifier="XM-DAC-7").exists()


def test_a_second_import_of_the_real_files_changes_nothing():
    files = data_files("small", "medium")
    import_files(files)
    before = (Activity.objects.count(), ImportedOrganisation.objects.count(), Relation.objects.count())

    again = import_files(files).as_json()

    assert (Activity.objects.count(), ImportedOrganisation.objects.count(), Relation.objects.count()) == before
    assert again["created"] == {"organisations": 0, "relations": 0}


# --- the separate pass -----------------------------------------------------------------------------

INCOMING = {"1", "5", "6", "9", "11", "13", "IF", "IR", "LR", "QS"}
ROLES = {"1": 1, "2": 2, "3": 3, "4": 4, "funding": 1, "accountable": 2, "extending": 3, "implementing": 4}


def count_independently(paths: list[Path]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    identifiers: set[str] = set()
    names_only: set[tuple[str, str]] = set()
    activities: set[str] = set()
    kept: dict[str, int] = {}
    for path in paths:
        # The shared sample files are trusted data; the importer is the one that must distrust its input.
        for activity in ElementTree.parse(path).getroot().iter("iati-activity"):  # noqa: S314
            identifier = " ".join((activity.findtext("iati-identifier") or "").split())
            reporting_element = activity.find("reporting-org")
            if not identifier or reporting_element is None:
                continue
            language = activity.get(XML_LANG, "")
            counts["activities"] += 1
            activities.add(identifier)
            reporting = key_of(reporting_element, "", language)
            assert reporting is not None
            publisher = reporting[0] or reporting[1]
            named = [reporting]
            by_role: dict[int, list[tuple[str, str, str]]] = {1: [], 2: [], 3: [], 4: []}
            for element in activity.findall("participating-org"):
                key = key_of(element, publisher, language)
                if key is None:
                    continue
                named.append(key)
                role = ROLES.get((element.get("role") or "").strip().lower())
                if role and key not in by_role[role]:
                    by_role[role].append(key)
            relations = 0
            targets = next((by_role[r] for r in (4, 3, 2) if by_role[r]), [])
            relations += sum(1 for funder in by_role[1] for target in targets if funder != target)
            for transaction in activity.findall("transaction"):
                kind = (transaction.find("transaction-type").get("code") or "").strip()  # type: ignore[union-attr]
                sides = []
                for tag in ("provider-org", "receiver-org"):
                    side = transaction.find(tag)
                    sides.append(key_of(side, publisher, language) if side is not None else None)
                named += [side for side in sides if side]
                provider, receiver = sides
                if kind and provider is None and kind not in INCOMING:
                    provider = reporting
                if kind and receiver is None and kind in INCOMING:
                    receiver = reporting
                if provider and receiver and provider != receiver:
                    relations += 1
            counts["relations"] += relations
            kept[identifier] = relations  # a later copy of an activity replaces an earlier one
            for ref, owner, name in named:
                if ref:
                    identifiers.add(ref)
                else:
                    names_only.add((owner, name))
    return {
        "activities": counts["activities"],
        "distinct_activities": len(activities),
        "identifiers": len(identifiers),
        "names_only": len(names_only),
        "relations": counts["relations"],
        "relations_kept": sum(kept.values()),
    }


def key_of(element: ElementTree.Element, publisher: str, language: str) -> tuple[str, str, str] | None:
    """(identifier, "", "") or ("", publisher, name) — how the importer should tell this organisation apart."""
    ref = re.sub(r"\s+", "", element.get("ref") or "").upper()
    if ref:
        return (ref, "", "")
    narratives = [" ".join((n.text or "").split()) for n in element.findall("narrative")]
    names = [n for n in narratives if n] or [" ".join((element.text or "").split())]
    if not names[0]:
        return None
    name = names[0].casefold()
    return ("", publisher or f"name:{name}", name)


def test_without_the_data_the_tests_skip_except_on_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "DATA", tmp_path / "absent")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        data_files("small")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        data_files("small")
