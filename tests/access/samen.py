"""Access-matrix rows for the routes of the `samen` project itself: the front door and the operators' admin."""

from tests.access.rows import Row, same

ROWS = [
    Row("favicon", same(301)),
    # Anonymous people see the introduction; everyone signed in goes on to an organisation (or the
    # "no organisation yet" page, which is a 200 — but every persona has an organisation).
    Row("home", same(302, anonymous=200)),
    # The Django admin is for platform operators (is_staff) only; it sends everyone else to its login.
    Row("admin:index", same(302), note="non-staff are sent to the admin login"),
]
