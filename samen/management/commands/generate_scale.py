"""`manage.py generate_scale --profile sector|small [--seed N]`: sector-scale data (see samen/scale)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samen import scale


class Command(BaseCommand):
    help = (
        "Add generated data at the sizes of DESIGN.md's performance budget (sector) or a hundredth of them (small) "
        "to a migrated database with the framework loaded. Runs once per database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", choices=sorted(scale.PROFILES), default="small")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        profile = scale.PROFILES[options["profile"]]
        self.stdout.write(f"Generating the {profile.name} profile (seed {options['seed']}):")
        try:
            counts = scale.generate(profile, seed=options["seed"], out=self.stdout.write)
        except scale.AlreadyGenerated as error:
            raise CommandError(
                f"Nothing done: {error}. The generator adds its data once; use a fresh database "
                "(migrate, load_framework) to generate again; a run that failed part-way leaves its finished stages."
            ) from error
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(f"{value:,} {name}" for name, value in counts.items()))
