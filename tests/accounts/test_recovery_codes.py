from django.urls import reverse

from accounts.models import RecoveryCode
from audit.models import Event
from tests.accounts.helpers import audit_events, wrong_code
from tests.conftest import PASSWORD, totp_code

URL = reverse("accounts:recovery_codes")


def test_page_shows_how_many_are_left(people):
    codes = RecoveryCode.regenerate(people.officer)
    RecoveryCode.use(people.officer, codes[0])
    response = people.client("officer").get(URL)
    assert response.status_code == 200
    assert "You have 9 unused recovery codes" in response.content.decode()


def test_new_codes_with_the_password_replace_the_old(people):
    old = RecoveryCode.regenerate(people.officer)
    response = people.client("officer").post(URL, {"password": PASSWORD})
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == RecoveryCode.COUNT
    assert new[0].encode() in response.content
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert not RecoveryCode.use(people.officer, old[0])
    assert RecoveryCode.use(people.officer, new[0])
    assert audit_events(event=Event.RECOVERY_CODES_REGENERATED) == [Event.RECOVERY_CODES_REGENERATED]


def test_new_codes_with_an_app_code(people):
    response = people.client("officer").post(URL, {"code": totp_code()})
    assert len(response.context["codes"]) == RecoveryCode.COUNT


def test_wrong_password_or_code_or_nothing_is_refused(people):
    old = RecoveryCode.regenerate(people.officer)
    client = people.client("officer")
    for data, field in (({"password": "wrong"}, "password"), ({"code": wrong_code()}, "code"), ({}, "__all__")):
        response = client.post(URL, data)
        assert response.status_code == 200
        assert "codes" not in response.context
        assert field in response.context["form"].errors
    assert RecoveryCode.use(people.officer, old[0])
    assert audit_events() == []


def test_without_two_factor_goes_to_setup(people):
    response = people.client("member").post(URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor_setup")
    assert not RecoveryCode.objects.exists()
