"""The email the organisations app sends: the invitation link.

Kept out of forms and models: the link with its token exists only here and in the message.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.tasks import send_email
from organisations.models import Invitation


def send_invitation(invitation: Invitation, token: str, inviter_name: str) -> None:
    link = settings.SITE_URL + reverse("organisations:invitation_accept", kwargs={"token": token})
    body = render_to_string(
        "organisations/email/invitation.txt",
        {"invitation": invitation, "link": link, "inviter_name": inviter_name, "days": settings.INVITATION_DAYS},
    )
    subject = _("Invitation to join %(name)s on Samen") % {"name": invitation.organisation.name}
    send_email.enqueue(to=[invitation.email], subject=subject, body=body)
