"""One encrypted archive of the database and the uploaded files; see samen/backup.py for the format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from samen import backup


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT into one archive encrypted with BACKUP_KEY (or BACKUP_KEY_FILE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="where to write the archive (default: ./samen-<time>.backup)")
        parser.add_argument("--new-key", action="store_true", help="print a fresh backup key and do nothing else")

    def handle(self, *args: object, **options: object) -> None:
        if options["new_key"]:
            self.stdout.write(backup.new_key())
            return
        output = options["output"] or Path(f"samen-{timezone.now():%Y%m%d-%H%M%S}.backup")
        assert isinstance(output, Path)
        try:
            size = backup.make_backup(output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {output.resolve()} ({size:,} bytes)."))
