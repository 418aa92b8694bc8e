"""Background work of the accounts app: sending email.

Mail goes through the task queue so a slow mail server never slows a page. In development the
queue runs tasks at once; in production `manage.py db_worker` runs them.
"""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
