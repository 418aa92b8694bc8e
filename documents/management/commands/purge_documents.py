"""Delete documents kept longer than an hour (documents/models.py), and those a lost task left waiting.

The worker does the same whenever it makes a document; run this hourly from cron so that made files do not
stay in the database when nobody asks for another. Safe to run on several machines at once: a delete of rows
another run deleted first deletes nothing.
"""

from django.core.management.base import BaseCommand

from documents.models import Document


class Command(BaseCommand):
    help = "Delete documents kept longer than an hour."

    def handle(self, *args: object, **options: object) -> None:
        deleted, _by_model = Document.objects.expired().delete()
        self.stdout.write(f"{deleted} document(s) deleted.")
