"""`manage.py backup` and `manage.py restore`, run as an operator runs them: as commands, in a subprocess.

pytest-django's SQLite test database lives in memory, where neither command can reach it; so each
test gets its own instance — a SQLite file (copied from one migrated at the start) or, when the run
is on PostgreSQL, a throwaway database on the same server — and its own MEDIA_ROOT.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

from samen.backup import new_key
from samen.settings import BASE_DIR

# One test worker runs this module, so the migrated SQLite template below is made once per run, not once per worker.
pytestmark = pytest.mark.xdist_group("backup")

MARKER = "kwetsbaar-geheim-4f7c2a"  # stored in the database and in a media file; must not appear in an archive

CREATE = f"""
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from accounts.models import User
from audit.models import record
from organisations.models import Organisation
Organisation.objects.create(slug="hulp", name="{MARKER}")
User.objects.create_user("ana@example.org", "a-long-password-1")
record("login", actor="ana@example.org", organisation="hulp", detail={{"note": "{MARKER}"}})
default_storage.save("evidence/hulp/policy.txt", ContentFile(b"{MARKER}" * 200))
default_storage.save("speakup/sealed.bin", ContentFile(bytes(range(256)) * 300))
"""

CHANGE = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from accounts.models import User
from audit.models import record
from organisations.models import Organisation
Organisation.objects.filter(slug="hulp").update(name="Changed")
Organisation.objects.create(slug="later", name="Added after the backup")
User.objects.all().delete()
record("logout", actor="someone@example.org")
default_storage.delete("evidence/hulp/policy.txt")
default_storage.save("evidence/later.txt", ContentFile(b"after the backup"))
"""


@dataclass
class Instance:
    env: dict[str, str]
    media: Path
    database_file: Path | None = None

    def manage(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def rows(self) -> str:
        return self.manage("dumpdata", "--indent=1").stdout

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.media).as_posix(): p.read_bytes() for p in self.media.rglob("*") if p.is_file()}

    def fingerprint(self) -> tuple[str, dict[str, bytes]]:
        """What a failed restore must leave alone: the database file's bytes (SQLite) and the media files."""
        assert self.database_file is not None
        return hashlib.sha256(self.database_file.read_bytes()).hexdigest(), self.files()


def base_env(database_url: str, media: Path, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKUP_KEY", "DATABASE_URL", "MEDIA_ROOT"))}
    return {**env, "DEBUG": "1", "DATABASE_URL": database_url, "MEDIA_ROOT": str(media), "BACKUP_KEY": key}


def suite_on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One migrated SQLite file per run; every instance starts as a copy of it (migrating takes seconds).

    The SQLite instances are files of their own, whatever database the suite runs on: they are tested in the
    suite's SQLite run, and the PostgreSQL run tests the PostgreSQL round trip instead of repeating them.
    """
    if suite_on_postgres():
        pytest.skip("the SQLite round trips run with the suite on SQLite (CI runs both)")
    path = tmp_path_factory.mktemp("template") / "samen.sqlite3"
    Instance(base_env(f"sqlite:///{path}", path.parent / "media", new_key()), path.parent / "media").manage(
        "migrate", "-v0"
    )
    return path


def sqlite_instance(template: Path, folder: Path, key: str) -> Instance:
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "samen.sqlite3"
    shutil.copy(template, database)
    return Instance(base_env(f"sqlite:///{database}", folder / "media", key), folder / "media", database)


@pytest.fixture
def postgres_instance(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not suite_on_postgres():
        pytest.skip("the PostgreSQL round trip runs when DATABASE_URL points at PostgreSQL")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    import psycopg

    config = dj_database_url.parse(url)
    name = f"samen_backup_{uuid.uuid4().hex[:10]}"
    server: dict[str, Any] = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        instance = Instance(
            base_env(url.rsplit("/", 1)[0] + f"/{name}", tmp_path / "media", new_key()), tmp_path / "media"
        )
        instance.manage("migrate", "-v0")
        yield instance
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def instance(request, tmp_path) -> Instance:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_instance")
    return sqlite_instance(request.getfixturevalue("migrated_sqlite"), tmp_path / "instance", new_key())


def test_restore_brings_back_the_rows_and_files_of_the_backup(instance, tmp_path):
    instance.manage("shell", "-c", CREATE)
    rows, files = instance.rows(), instance.files()
    archive = tmp_path / "samen.backup"

    out = instance.manage("backup", "--output", str(archive)).stdout
    assert str(archive) in out and "bytes" in out

    instance.manage("shell", "-c", CHANGE)
    assert instance.rows() != rows and instance.files() != files

    refused = instance.manage("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "already holds data" in refused.stderr and "--force" in refused.stderr

    out = instance.manage("restore", str(archive), "--force").stdout
    assert "Audit log intact: 1 entries verified." in out
    assert instance.rows() == rows
    assert instance.files() == files


@dataclass
class BackedUp:
    instance: Instance
    archive: Path
    rows: str
    files: dict[str, bytes]


@pytest.fixture(scope="module")
def backed_up(migrated_sqlite, tmp_path_factory) -> BackedUp:
    """A SQLite instance with data, and its archive: shared by the tests below, which must not change them."""
    folder = tmp_path_factory.mktemp("backed-up")
    instance = sqlite_instance(migrated_sqlite, folder, new_key())
    instance.manage("shell", "-c", CREATE)
    archive = folder / "samen.backup"
    instance.manage("backup", "--output", str(archive))
    return BackedUp(instance, archive, instance.rows(), instance.files())


def test_restore_into_an_empty_instance_needs_no_force(backed_up, migrated_sqlite, tmp_path):
    empty = sqlite_instance(migrated_sqlite, tmp_path / "new", backed_up.instance.env["BACKUP_KEY"])

    out = empty.manage("restore", str(backed_up.archive)).stdout

    assert "Restored the database and 2 file(s)" in out
    assert "Audit log intact" in out
    assert empty.rows() == backed_up.rows
    assert empty.files() == backed_up.files


def test_the_archive_holds_no_plaintext(backed_up):
    data = backed_up.archive.read_bytes()
    assert MARKER.encode() in backed_up.files["evidence/hulp/policy.txt"]
    assert MARKER in backed_up.rows
    assert MARKER.encode() not in data
    assert b"ana@example.org" not in data
    assert b"SQLite format 3" not in data
    assert b"manifest.json" not in data
    assert oct(backed_up.archive.stat().st_mode & 0o777) == "0o600"


def test_a_wrong_key_is_refused_and_changes_nothing(backed_up):
    before = backed_up.instance.fingerprint()

    result = backed_up.instance.manage("restore", str(backed_up.archive), "--force", check=False, BACKUP_KEY=new_key())

    assert result.returncode != 0
    assert "the backup key is wrong" in result.stderr
    assert backed_up.instance.fingerprint() == before


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda data: data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1 :],
            "damaged or was changed",
        ),
        (lambda data: data[:-100], "damaged or was changed"),
        (lambda data: data + b"more", "data after its end"),
        (lambda data: b"PK" + data[2:], "not a Samen backup"),
    ],
    ids=["flipped byte", "cut off", "appended", "not an archive"],
)
def test_a_damaged_archive_is_refused_and_changes_nothing(backed_up, tmp_path, damage, message):
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(damage(backed_up.archive.read_bytes()))
    before = backed_up.instance.fingerprint()

    result = backed_up.instance.manage("restore", str(damaged), "--force", check=False)

    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert backed_up.instance.fingerprint() == before


@pytest.mark.parametrize(
    ("key", "message"),
    [("", "No backup key: set BACKUP_KEY or BACKUP_KEY_FILE"), ("not-base64!", "not base64"), ("YWJj", "32 bytes")],
)
def test_a_missing_or_malformed_key_is_a_clear_error(backed_up, tmp_path, key, message):
    result = backed_up.instance.manage("backup", "--output", str(tmp_path / "x.backup"), check=False, BACKUP_KEY=key)

    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "x.backup").exists()


def test_the_key_can_come_from_a_file(backed_up, tmp_path):
    key_file = tmp_path / "backup.key"
    key_file.write_text(backed_up.instance.env["BACKUP_KEY"] + "\n")
    env = {k: v for k, v in backed_up.instance.env.items() if k != "BACKUP_KEY"}
    instance = Instance({**env, "BACKUP_KEY_FILE": str(key_file)}, backed_up.instance.media)

    out = instance.manage("backup", "--output", str(tmp_path / "from-file.backup")).stdout

    assert "from-file.backup" in out


def test_new_key_prints_a_key_and_does_nothing_else(backed_up, tmp_path):
    result = backed_up.instance.manage("backup", "--new-key", "--output", str(tmp_path / "no.backup"), BACKUP_KEY="")

    assert len(result.stdout.strip()) == 44
    assert not (tmp_path / "no.backup").exists()
