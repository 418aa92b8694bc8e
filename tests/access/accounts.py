"""Access-matrix rows for the accounts app.

Every persona but `anonymous` is signed in (with force_login, so the two-factor step is behind them).
Admin, officer and outsider have two-factor set up; viewer, member and manager do not.
"""

from tests.access.rows import Row, same
from tests.conftest import PASSWORD

# Pages that need a signed-in person: anonymous visitors are sent to log in.
SIGNED_IN = same(200, anonymous=302)
# People with two-factor set up in the personas: admin, officer and the outsider (an admin elsewhere).
WITH_TWO_FACTOR = same(302, outsider=200, officer=200, admin=200)

ROWS = [
    Row("accounts:login", same(302, anonymous=200), note="signed-in people are sent on"),
    Row("accounts:verify", same(302), note="no password step pending: back to login"),
    Row("accounts:logout", same(405), note="GET does not log out"),
    Row("accounts:logout", same(302), method="post"),
    Row("accounts:security", SIGNED_IN),
    Row(
        "accounts:security",
        same(302),
        method="post",
        data=lambda world: {"name": "Someone", "language": "en"},
    ),
    Row("accounts:password_change", SIGNED_IN),
    Row("accounts:two_factor_setup", SIGNED_IN),
    Row(
        "accounts:two_factor_setup",
        SIGNED_IN,
        method="post",
        data=lambda world: {"code": "000000"},
        note="a wrong code is a form error",
    ),
    # Admins and officers (and the outsider, an admin) are refused; the others have nothing to turn off.
    Row("accounts:two_factor_disable", same(302)),
    Row("accounts:two_factor_disable", same(302), method="post", data=lambda world: {"password": PASSWORD}),
    Row("accounts:recovery_codes", WITH_TWO_FACTOR),
    Row("accounts:recovery_codes", WITH_TWO_FACTOR, method="post", data=lambda world: {"password": PASSWORD}),
    Row("accounts:password_reset", same(200)),
    Row("accounts:password_reset", same(302), method="post", data=lambda world: {"email": "member@hulp.example"}),
    Row("accounts:password_reset_done", same(200)),
    Row(
        "accounts:password_reset_confirm",
        same(200),
        kwargs=lambda world: {"uidb64": "MQ", "token": "made-up-token"},
        note="a made-up link says it does not work",
    ),
    Row("accounts:password_reset_complete", same(200)),
    Row("accounts:set_language", same(405)),
    Row("accounts:set_language", same(302), method="post", data=lambda world: {"language": "en", "next": "/"}),
    Row("accounts:set_language", same(400), method="post", data=lambda world: {"language": "xx"}, note="bad input"),
]
