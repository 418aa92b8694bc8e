from django.core.management.base import BaseCommand, CommandError

from audit.models import Entry, first_broken_link


class Command(BaseCommand):
    help = "Check the hash chain of the audit log and report the first broken link."

    def handle(self, *args: object, **options: object) -> None:
        broken = first_broken_link()
        if broken is not None:
            raise CommandError(
                f"Audit log broken at entry {broken.pk} ({broken.created_at:%Y-%m-%d %H:%M:%S}, {broken.event}): "
                "its hash or its link to the previous entry does not match."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {Entry.objects.count()} entries verified."))
