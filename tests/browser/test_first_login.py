"""A director's first login: Samen insists on two-factor authentication before anything else."""

import pyotp
from django.urls import reverse

from tests.conftest import PASSWORD, make_user


def test_an_admin_without_two_factor_sets_it_up_at_first_login(people, browse):
    director = make_user("director@hulp.example", name="Marieke de Vries")
    people.org.memberships.create(user=director, role="admin")

    browse.log_in(director.email, PASSWORD)
    assert browse.path == reverse("accounts:two_factor_setup") + "?required=1"

    # Other pages send her back until it is done.
    browse.goto(reverse("organisations:dashboard", kwargs={"slug": people.org.slug}))
    assert browse.path.startswith(reverse("accounts:two_factor_setup"))

    # What she would type into her authenticator app, if she could not scan the QR code.
    secret = browse.text("main figcaption code").replace(" ", "")
    browse.fill({"code": pyotp.TOTP(secret).now()})
    browse.submit()

    director.refresh_from_db()
    assert director.has_two_factor
    # From now on the pages of her organisation open.
    browse.goto(reverse("home"))
    assert browse.path == reverse("organisations:dashboard", kwargs={"slug": people.org.slug})
