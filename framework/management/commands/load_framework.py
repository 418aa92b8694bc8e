from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from framework.loader import CONTENT_DIR, ContentError, load_all


class Command(BaseCommand):
    help = "Load the framework content (taxonomy, glossary, libraries) from its YAML files. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=CONTENT_DIR, help="Content folder (default: %(default)s)")
        parser.add_argument("--force", action="store_true", help="Load files even when they did not change")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        try:
            results = load_all(options["path"], force=options["force"])
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity == 0:
            return
        for result in results:
            heading = f"{result.name} ({result.kind}, version {result.version})"
            changes = result.changes
            if result.skipped:
                if verbosity >= 2:
                    self.stdout.write(f"{heading}: unchanged, skipped")
                continue
            self.stdout.write(
                f"{heading}: {len(changes.created)} created, {len(changes.updated)} updated, "
                f"{len(changes.retired)} retired"
            )
            for verb, labels in (
                ("created", changes.created),
                ("updated", changes.updated),
                ("retired", changes.retired),
            ):
                # Retirements are always listed: someone should notice content disappearing.
                if verb == "retired" or verbosity >= 2:
                    for label in labels:
                        self.stdout.write(f"  {verb}: {label}")
        loaded = sum(1 for r in results if not r.skipped)
        self.stdout.write(self.style.SUCCESS(f"Framework content: {loaded} of {len(results)} files loaded."))
