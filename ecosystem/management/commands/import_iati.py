"""Import IATI activity files: `manage.py import_iati PATH [PATH …] [--json]`.

Each file is imported whole or not at all. A refused file is reported as `file:line: reason` on
stderr and makes the command exit non-zero; the other files still import. With `--json` the last
line of output is one JSON object with the counts (see ecosystem.importer.ImportResult.as_json).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecosystem.importer import import_files


class Command(BaseCommand):
    help = "Import IATI activity files (1.0x and 2.0x) into the ecosystem."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="IATI activity XML files")
        parser.add_argument("--json", action="store_true", help="print the counts as one JSON object on the last line")

    def handle(self, *args: Any, **options: Any) -> None:
        result = import_files(options["paths"])
        for refusal in result.refused:
            self.stderr.write(refusal)
        data = result.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data, sort_keys=False))
        else:
            self.stdout.write(
                f"{data['activities']} activities, {data['organisations_with_identifier']} organisations with an "
                f"identifier, {data['organisations_name_only']} by name only, {data['relations']} relations "
                f"({data['created']['organisations']} organisations and {data['created']['relations']} relations new) "
                f"in {data['seconds']} s"
            )
            for reason, count in data["skipped"].items():
                self.stdout.write(f"  skipped {count}: {reason}")
        if result.refused:
            raise CommandError(f"{len(result.refused)} file(s) refused, see above")
