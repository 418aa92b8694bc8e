"""Bring back an archive made by `manage.py backup`: the database, then the uploaded files, then check the audit log.

The archive is decrypted and checked completely into a temporary folder before anything is replaced,
so a wrong key or a damaged archive leaves the instance as it was.
"""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samen import backup


class Command(BaseCommand):
    help = "Restore a backup archive (database and MEDIA_ROOT) made by `manage.py backup`, then verify the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="restore even though the database already holds data (it is replaced)"
        )

    def handle(self, *args: object, **options: object) -> None:
        archive = options["archive"]
        assert isinstance(archive, Path)
        try:
            with backup.unpacked_archive(archive) as (workdir, manifest):
                warnings = backup.check_manifest(manifest)
                if backup.holds_data() and not options["force"]:
                    raise backup.BackupError(
                        "This database already holds data. Restore into an empty instance, "
                        "or pass --force to replace everything in it with the backup."
                    )
                backup.restore_database(backup.database_member(workdir, manifest))
                files = backup.restore_media(workdir / "media")
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Restored the database and {files} file(s) from a backup of {manifest['created_at']}.")
        )
        for warning in warnings:
            self.stdout.write(self.style.WARNING(warning))
        out = StringIO()
        try:
            call_command("audit_verify", stdout=out)
        except CommandError as exc:
            raise CommandError(f"Restored, but the audit log does not verify: {exc}") from exc
        self.stdout.write(out.getvalue().strip())
