"""Upgrades: a database made by the oldest release migrates to today's schema with its data intact.

The databases next to this file were made by release v0.1.0's own code (make_fixture.sh: migrate, the framework,
the demo and release_data.py), on SQLite and on PostgreSQL. The test copies the one of the database under test
into a database of its own, counts the rows of every table the release made, runs today's `migrate` on it in a
separate process, and then checks two things: no table lost or gained rows it should not have, and today's
code still reads the data (verify.py: sign-ins, the sealed case notes, dilemma texts, session votes, pages).
"""

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.upgrade.verify import digest_rows

RELEASE = "v0.1.0"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DILEMMA_TEXTS = ("title", "situation", "question", "reflection")

# Tables whose rows a migration since the release changes on purpose, with the reason. Empty: none do yet.
CHANGED_ON_PURPOSE: dict[str, str] = {}
# Django's own bookkeeping, which grows with every new migration and model and never shrinks.
ONLY_GROW = {"django_migrations", "django_content_type", "auth_permission"}

# What release_data.py and the demo put in, read back through today's code (verify.py).
EXPECTED = {
    "logins_failing": [],
    "cases": 3,
    "case_notes_opened": 9,
    "cases_visible_to_officer": 3,
    "session_votes": 15,
    "session_participants": 5,
    "session_records": 2,
    "ecosystem_organisations": 3,
    "ecosystem_relations": 3,
    "ecosystem_kvk_found": True,
    "api_tokens_active": 1,
    "webhook_endpoints": 1,
    "pages": {"dashboard": 200, "dilemmas": 200, "map_data": 200, "partners": 200, "session_report": 200},
}


class Database:
    """A copy of the release's database, and how to reach it from SQL and from a manage.py process."""

    def __init__(self, url: str, counts: dict[str, int], dilemmas: list[tuple[Any, ...]], options: list[Any]):
        self.url = url
        self.counts = counts
        self.dilemmas = dilemmas
        self.options = options


def vendor() -> str:
    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


@pytest.fixture
def release_database(tmp_path: Path) -> Iterator[Database]:
    if vendor() == "sqlite":
        yield sqlite_copy(tmp_path)
    else:
        yield from postgres_copy()


def sqlite_copy(tmp_path: Path) -> Database:
    path = tmp_path / "release.sqlite3"
    with gzip.open(HERE / f"{RELEASE}.sqlite3.gz") as packed, path.open("wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    return Database(f"sqlite:///{path}", *read_sqlite(path))


def read_sqlite(path: Path) -> tuple[dict[str, int], list[tuple[Any, ...]], list[Any]]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        virtual = [name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
        tables = [
            name for name, _ in rows if not name.startswith("sqlite_") and not any(name.startswith(v) for v in virtual)
        ]
        return read(connection.cursor(), tables)
    finally:
        connection.close()


def postgres_copy() -> Iterator[Database]:
    import psycopg

    if shutil.which("psql") is None:
        pytest.skip("psql is not installed: the release's PostgreSQL dump is loaded with it")
    options = settings.DATABASES["default"]
    host, port = options.get("HOST") or "127.0.0.1", str(options.get("PORT") or 5432)
    user, password = options.get("USER") or "postgres", options.get("PASSWORD") or ""
    name = f"samen_upgrade_{uuid.uuid4().hex[:12]}"
    server = f"postgresql://{user}{':' + password if password else ''}@{host}:{port}"
    admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        dump = gzip.decompress((HERE / f"{RELEASE}.postgres.sql.gz").read_bytes())
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", user, name],
            input=dump,
            env={**os.environ, "PGPASSWORD": password},
            check=True,
            capture_output=True,
        )
        yield Database(f"{server}/{name}", *read_postgres(f"{server}/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def read_postgres(url: str) -> tuple[dict[str, int], list[tuple[Any, ...]], list[Any]]:
    import psycopg

    with psycopg.connect(url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return read(connection.cursor(), tables)


def read(cursor: Any, tables: list[str]) -> tuple[dict[str, int], list[tuple[Any, ...]], list[Any]]:
    """Row counts of the tables, the dilemmas' texts and their options, straight from the tables."""
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 -- the names come from the schema
        counts[table] = cursor.fetchone()[0]
    columns = ", ".join(f"{name}_{code}" for name in DILEMMA_TEXTS for code in ("nl", "en"))
    cursor.execute(f"SELECT id, code, {columns} FROM dilemmas_dilemma ORDER BY code")  # noqa: S608 -- fixed names
    dilemmas = cursor.fetchall()
    cursor.execute("SELECT dilemma_id, position, text_nl, text_en FROM dilemmas_option ORDER BY dilemma_id, position")
    return counts, dilemmas, cursor.fetchall()


def run(database: Database, *command: str) -> str:
    env = {**os.environ, "DATABASE_URL": database.url, "DEBUG": "1"}
    done = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def old_dilemma_digest(database: Database) -> str:
    """The digest verify.py computes through today's models, from the release's own tables."""
    options: dict[int, list[list[str]]] = {}
    for dilemma_id, _, text_nl, text_en in database.options:
        options.setdefault(dilemma_id, []).append([text_nl, text_en])
    return digest_rows(
        (str(uuid.UUID(str(row[1]))), list(row[2:]), options.get(row[0], [])) for row in database.dilemmas
    )


def test_the_oldest_release_upgrades_with_its_data_intact(release_database: Database) -> None:
    assert release_database.counts["organisations_organisation"] == 11, "the release's database is not the demo's"

    output = run(release_database, "manage.py", "migrate", "--no-input")
    assert "Applying" in output or "No migrations to apply" in output

    if vendor() == "sqlite":
        after = read_sqlite(Path(release_database.url.removeprefix("sqlite:///")))[0]
    else:
        after = read_postgres(release_database.url)[0]
    lost = sorted(set(release_database.counts) - set(after) - set(CHANGED_ON_PURPOSE))
    assert not lost, f"tables of the release are gone after migrating: {lost}"
    changed = {
        table: (count, after[table])
        for table, count in release_database.counts.items()
        if table in after
        and table not in CHANGED_ON_PURPOSE
        and (after[table] < count if table in ONLY_GROW else after[table] != count)
    }
    assert not changed, f"rows changed by migrating (before, after): {changed}"

    facts = json.loads(run(release_database, "tests/upgrade/verify.py").strip().splitlines()[-1])
    assert {key: facts[key] for key in EXPECTED} == EXPECTED
    assert facts["framework_dilemmas"] >= 25
    assert facts["map_nodes"] >= 2, "the imported organisations are no longer linked to the demo organisations"
    assert facts["dilemma_texts"] == old_dilemma_digest(release_database), "dilemma texts changed by migrating"
