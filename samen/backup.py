"""Encrypted backups: the database and the uploaded files in one archive, and back again.

The archive is a tar stream encrypted with libsodium's secretstream (XChaCha20-Poly1305) in chunks
of 64 KiB, so memory stays small however large MEDIA_ROOT grows. Each chunk is authenticated and
the last carries the FINAL tag: a wrong key, a changed byte, a reordered or a cut-off archive all
fail to decrypt instead of restoring something else.

    file   = MAGIC | secretstream header (24 bytes) | chunk*
    chunk  = length (4 bytes, big-endian) | ciphertext (length bytes)

    tar    = database/samen.sqlite3 or database/samen.dump   (SQLite online backup, or pg_dump --format=custom)
             media/<path>                                    (every file under MEDIA_ROOT)
             manifest.json                                   (last: holds the sha256 of every member above)

The key is not derived from any server secret: the operator holds it (BACKUP_KEY or BACKUP_KEY_FILE),
so a stolen archive together with the server's environment is still unreadable — unless the key is
kept in that same environment, which the README warns against.
"""

import base64
import binascii
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import nacl.utils
from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from nacl import bindings as sodium
from nacl.exceptions import CryptoError

MAGIC = b"SAMEN-BACKUP-1\n"
CHUNK = 64 * 1024
KEY_BYTES = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES
HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
MANIFEST = "manifest.json"
# Django creates these rows itself when it migrates: an instance holding only these is empty.
BOOKKEEPING_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


# The key ---------------------------------------------------------------------------------------


def new_key() -> str:
    return base64.b64encode(nacl.utils.random(KEY_BYTES)).decode()


def backup_key() -> bytes:
    """The operator's key: BACKUP_KEY, or the contents of the file named by BACKUP_KEY_FILE."""
    path = os.environ.get("BACKUP_KEY_FILE")
    if path:
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise BackupError(f"BACKUP_KEY_FILE={path} cannot be read: {exc}") from exc
        source = f"the file {path} (BACKUP_KEY_FILE)"
    else:
        value = os.environ.get("BACKUP_KEY", "").strip()
        source = "BACKUP_KEY"
    if not value:
        raise BackupError(
            "No backup key: set BACKUP_KEY or BACKUP_KEY_FILE. Make one with `manage.py backup --new-key` "
            "and keep a copy away from the server: without it no backup can be restored."
        )
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BackupError(f"The backup key in {source} is not base64.") from exc
    if len(key) != KEY_BYTES:
        raise BackupError(f"The backup key in {source} must be {KEY_BYTES} bytes (base64), not {len(key)}.")
    return key


# Encryption as file objects, so tarfile streams through them -------------------------------------


class EncryptingWriter(io.RawIOBase):
    def __init__(self, out: IO[bytes], key: bytes) -> None:
        self.out = out
        self.state = sodium.crypto_secretstream_xchacha20poly1305_state()
        header = sodium.crypto_secretstream_xchacha20poly1305_init_push(self.state, key)
        out.write(MAGIC + header)
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += data
        while len(self.buffer) >= CHUNK:
            self._push(bytes(self.buffer[:CHUNK]), TAG_MESSAGE)
            del self.buffer[:CHUNK]
        return len(data)

    def finish(self) -> None:
        """Seal the last chunk with the FINAL tag; an archive without it is incomplete."""
        self._push(bytes(self.buffer), TAG_FINAL)
        self.buffer.clear()

    def _push(self, plain: bytes, tag: int) -> None:
        cipher = sodium.crypto_secretstream_xchacha20poly1305_push(self.state, plain, None, tag)
        self.out.write(struct.pack(">I", len(cipher)) + cipher)


class DecryptingReader(io.RawIOBase):
    def __init__(self, source: IO[bytes], key: bytes) -> None:
        self.source = source
        if source.read(len(MAGIC)) != MAGIC:
            raise BackupError("This is not a Samen backup archive (or it is damaged at the start).")
        header = source.read(HEADER_BYTES)
        self.state = sodium.crypto_secretstream_xchacha20poly1305_state()
        try:
            sodium.crypto_secretstream_xchacha20poly1305_init_pull(self.state, header, key)
        except (CryptoError, ValueError) as exc:
            raise BackupError("This backup archive is damaged: its header is incomplete.") from exc
        self.buffer = bytearray()
        self.chunks = 0
        self.finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self.buffer and not self.finished:
            self._pull()
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        del self.buffer[:size]
        return size

    def _pull(self) -> None:
        prefix = self.source.read(4)
        cipher = self.source.read(struct.unpack(">I", prefix)[0]) if len(prefix) == 4 else b""
        try:
            if len(prefix) != 4:
                raise CryptoError("truncated")
            plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(self.state, cipher, None)
        except CryptoError as exc:
            if self.chunks == 0:
                raise BackupError(
                    "This backup cannot be decrypted: the backup key is wrong, or the archive is damaged."
                ) from exc
            raise BackupError(
                f"This backup archive is damaged or was changed (chunk {self.chunks + 1} does not decrypt, "
                "or the archive ends early). Nothing was restored."
            ) from exc
        self.chunks += 1
        self.buffer += plain
        if tag == TAG_FINAL:
            self.finished = True
            if self.source.read(1):
                raise BackupError("This backup archive has data after its end: it was changed. Nothing was restored.")


# Backup ----------------------------------------------------------------------------------------


class HashingReader(io.RawIOBase):
    """Hashes a file as tarfile reads it, so each member is read once."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        data = self.source.read(len(target))
        target[: len(data)] = data
        self.sha256.update(data)
        return len(data)


def database_vendor() -> str:
    return connection.vendor


def applied_migrations() -> dict[str, str]:
    """The latest applied migration of each app (names start with a zero-padded number)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def postgres_env() -> dict[str, str]:
    """The configured connection for pg_dump and pg_restore, passed in the environment (no password on argv)."""
    db = settings.DATABASES["default"]
    values = {
        "PGDATABASE": db.get("NAME"),
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGSSLMODE": db.get("OPTIONS", {}).get("sslmode"),
    }
    return {**os.environ, **{name: str(value) for name, value in values.items() if value}}


def run(command: list[str]) -> None:
    try:
        result = subprocess.run(command, env=postgres_env(), capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (it comes with the PostgreSQL client tools).") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def dump_database(workdir: Path) -> Path:
    vendor = database_vendor()
    if vendor == "sqlite":
        target = workdir / "samen.sqlite3"
        # The online backup API copies a consistent snapshot while Samen keeps writing; a file copy
        # could catch the WAL mid-write.
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
            source.close()
        return target
    if vendor == "postgresql":
        target = workdir / "samen.dump"
        run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"])
        return target
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")


def media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.relative_to(root).as_posix()


def add_file(tar: tarfile.TarFile, path: Path, name: str) -> str:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        reader = HashingReader(handle)
        tar.addfile(info, reader)
    return reader.sha256.hexdigest()


def make_backup(output: Path) -> int:
    """Write the encrypted archive to `output` (atomically) and return its size in bytes."""
    key = backup_key()
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="samen-backup-") as workdir:
        dump = dump_database(Path(workdir))
        members: dict[str, str] = {}
        partial = output.with_name(f".{output.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                writer = EncryptingWriter(out, key)
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    name = f"database/{dump.name}"
                    members[name] = add_file(tar, dump, name)
                    for path, relative in media_files():
                        name = f"media/{relative}"
                        members[name] = add_file(tar, path, name)
                    manifest = json.dumps(
                        {
                            "format": 1,
                            "created_at": timezone.now().isoformat(),
                            "vendor": database_vendor(),
                            "migrations": applied_migrations(),
                            "members": members,
                        },
                        indent=2,
                    ).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size = len(manifest)
                    info.mtime = int(timezone.now().timestamp())
                    tar.addfile(info, io.BytesIO(manifest))
                writer.finish()
                out.flush()
                os.fsync(out.fileno())
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return output.stat().st_size


# Restore ---------------------------------------------------------------------------------------


def unpack(archive: Path, key: bytes, workdir: Path) -> dict[str, Any]:
    """Decrypt and unpack into workdir, check every member against the manifest, and return the manifest.

    Nothing outside workdir is touched, so a wrong key or a damaged archive changes nothing.
    """
    try:
        handle = archive.open("rb")
    except OSError as exc:
        raise BackupError(f"Cannot read {archive}: {exc}") from exc
    digests: dict[str, str] = {}
    with handle:
        reader = DecryptingReader(handle, key)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for member in tar:
                    if not member.isfile() or not (
                        member.name == MANIFEST or member.name.startswith(("database/", "media/"))
                    ):
                        raise BackupError(f"Unexpected entry in the archive: {member.name!r}.")
                    # The "data" filter refuses absolute paths, '..' and links out of workdir.
                    tar.extract(member, workdir, filter="data")
                    digests[member.name] = sha256_file(workdir / member.name)
        except tarfile.TarError as exc:
            raise BackupError(f"This backup archive is damaged: {exc}") from exc
        # tarfile stops at the end-of-archive blocks, but the writer pads the tar to a whole record, and that
        # padding can reach into the last chunks: read them too (each is still authenticated) down to the FINAL
        # one, or an archive whose size happens to fall that way would look incomplete.
        while reader.read(CHUNK):
            pass
        if not reader.finished:
            raise BackupError("This backup archive ends early: it is incomplete. Nothing was restored.")
    if MANIFEST not in digests:
        raise BackupError("This backup archive has no manifest: it is incomplete.")
    manifest: dict[str, Any] = json.loads((workdir / MANIFEST).read_text())
    del digests[MANIFEST]
    if manifest.get("members") != digests:
        raise BackupError("The files in this archive do not match its manifest.")
    return manifest


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def check_manifest(manifest: dict[str, Any]) -> list[str]:
    """Refuse an archive this instance cannot take; return warnings the operator should act on."""
    vendor = database_vendor()
    if manifest.get("vendor") != vendor:
        raise BackupError(
            f"This backup holds a {manifest.get('vendor')} database; this instance uses {vendor}. "
            "Restore it into an instance with the same kind of database."
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in manifest.get("migrations", {}).items() if (app, name) not in known]
    if unknown:
        raise BackupError(
            "This backup was made by a newer version of Samen (migrations this code does not have: "
            f"{', '.join(unknown)}). Install that version first."
        )
    latest = {app: max(name for a, name in known if a == app) for app, _name in known}
    if any(latest[app] != name for app, name in manifest["migrations"].items()) or set(latest) - set(
        manifest["migrations"]
    ):
        return ["This backup was made by an older version of Samen: run `manage.py migrate` next."]
    return []


def holds_data() -> bool:
    """Whether the configured database has rows a restore would overwrite."""
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.label_lower in BOOKKEEPING_MODELS or model._meta.db_table not in tables:
            continue
        if model._base_manager.exists():
            return True
    return False


def restore_database(dump: Path) -> None:
    vendor = database_vendor()
    connections.close_all()
    if vendor == "sqlite":
        # The archive is authenticated and every member checked against the manifest, so the file is the
        # one that was backed up; this only confirms it is a database before the live one is overwritten.
        check = sqlite3.connect(dump)
        try:
            check.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            check.close()
            raise BackupError("The database in this backup is not a SQLite database.") from exc
        # Copying the pages into the live database with the backup API, inside its lock, is the safe
        # way to replace it: renaming a file over a WAL database would leave its -wal and -shm files
        # to be replayed onto the new one.
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=20)
        try:
            check.backup(target)
        finally:
            target.close()
            check.close()
    else:
        # One transaction: a failed restore leaves the database as it was.
        name = str(settings.DATABASES["default"]["NAME"])
        run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", name, str(dump)])
    connections.close_all()


def restore_media(unpacked: Path) -> int:
    """Make MEDIA_ROOT hold exactly the backup's files.

    Files uploaded since the backup are removed: the rows that named them are gone too.
    """
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    count = 0
    if unpacked.is_dir():
        for child in unpacked.iterdir():
            shutil.move(child, root / child.name)
        count = sum(1 for path in root.rglob("*") if path.is_file())
    return count


@contextmanager
def unpacked_archive(archive: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    key = backup_key()
    with tempfile.TemporaryDirectory(prefix="samen-restore-") as workdir:
        yield Path(workdir), unpack(archive, key, Path(workdir))


def database_member(workdir: Path, manifest: dict[str, Any]) -> Path:
    names = [name for name in manifest["members"] if name.startswith("database/")]
    if len(names) != 1:
        raise BackupError("This backup archive does not hold exactly one database dump.")
    return workdir / names[0]
