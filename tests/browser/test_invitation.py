"""An administrator invites a colleague; the colleague follows the emailed link and joins."""

import re

from django.core import mail
from django.urls import reverse

from organisations.models import Membership
from tests.conftest import PASSWORD, totp_code

INVITATION_LINK = re.compile(r"https?://[^\s/]+(/invitation/[^\s]+)")


def test_an_invited_person_creates_an_account_and_lands_in_the_organisation(people, open_browser, mailoutbox):
    admin = open_browser()
    admin.log_in(people.admin.email, PASSWORD, code=totp_code())
    admin.goto(reverse("organisations:people", kwargs={"slug": people.org.slug}))
    invite_path = reverse("organisations:invite", kwargs={"slug": people.org.slug})
    admin.follow(f"main a[href='{invite_path}']")
    admin.fill({"email": "nieuwe.collega@hulp.example", "role": "member"})
    admin.submit()
    # Back on a page of the organisation that lists the pending invitation.
    assert "nieuwe.collega@hulp.example" in admin.text("main")

    # The email went through the task queue (immediate in tests) and carries a single-use link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuwe.collega@hulp.example"]
    match = INVITATION_LINK.search(str(message.body))
    assert match, f"no invitation link in the email:\n{message.body}"

    invitee = open_browser()  # a different person: no shared cookies
    invitee.goto(match.group(1))
    assert people.org.name in invitee.text("main")
    fields = {"name": "Nieuwe Collega"}
    for name in invitee.page.locator("main input[type=password]").evaluate_all("els => els.map(e => e.name)"):
        fields[name] = "een-lang-nieuw-wachtwoord-2024"
    invitee.fill({k: v for k, v in fields.items() if invitee.page.locator(f"main [name='{k}']").count()})
    invitee.submit()

    assert invitee.path == reverse("organisations:dashboard", kwargs={"slug": people.org.slug})
    membership = Membership.objects.get(user__email="nieuwe.collega@hulp.example")
    assert (membership.organisation, membership.role) == (people.org, "member")

    # The link works once.
    again = open_browser()
    again.goto(match.group(1))
    assert again.path != reverse("organisations:dashboard", kwargs={"slug": people.org.slug})
