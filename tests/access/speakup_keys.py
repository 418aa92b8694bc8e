"""Access-matrix rows for a handler's own key (speakup/views/keys.py).

Every member who may write may set up a key (to become a handler); viewers, who are not handlers
in the world, get 403; outsiders 404. In the world nobody has a key yet, so unlocking and
recovering send everyone who may hold a key to the set-up page first.
"""

from tests.access.rows import Row, same
from tests.conftest import PASSWORD


def org(world):
    """The world's organisation (Hulp zonder Grenzen here; the sector's funder in bench/pages.py)."""
    return {"slug": world.org.slug}


# Set-up page: readable by those who may become handlers.
MAY_HOLD_A_KEY = same(200, anonymous=302, outsider=404, viewer=403)
# Pages that need a key first: admins and officers are sent to set one up.
NEEDS_A_KEY = same(302, outsider=404, viewer=403)

ROWS = [
    Row("speakup:key_setup", MAY_HOLD_A_KEY, kwargs=org),
    Row(
        "speakup:key_setup",
        MAY_HOLD_A_KEY,
        kwargs=org,
        method="post",
        data=lambda world: {"password": "not-the-password"},
        note="a wrong password is a form error",
    ),
    Row("speakup:unlock", NEEDS_A_KEY, kwargs=org),
    Row(
        "speakup:unlock",
        NEEDS_A_KEY,
        kwargs=org,
        method="post",
        data=lambda world: {"password": PASSWORD},
    ),
    Row("speakup:recover", NEEDS_A_KEY, kwargs=org),
    Row("speakup:lock", same(405), kwargs=org, note="GET does not lock"),
    Row(
        "speakup:lock",
        NEEDS_A_KEY,
        kwargs=org,
        method="post",
    ),
]
