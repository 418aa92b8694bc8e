"""Compile the .po files to .mo with polib, so a machine without GNU gettext can run Samen.

Each .mo file is written beside its final name and then renamed over it: a process that reads the catalogue
meanwhile (a running server, another test worker) sees the old file or the new one, never half of one.
"""

import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po file to .mo (no GNU gettext needed)."

    def handle(self, *args: object, **options: object) -> None:
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.partial")
                try:
                    polib.pofile(str(po_path)).save_as_mofile(str(partial))
                    os.replace(partial, mo_path)
                finally:
                    partial.unlink(missing_ok=True)
                count += 1
        self.stdout.write(f"Compiled {count} translation file(s).")
