"""axe-core on every page a person can open: the access matrix's rows that answer 200, for three personas.

The matrix already lists every route; reading it here means a new page is checked for accessibility,
Content-Security-Policy errors and JavaScript errors the day its row is added.
"""

import pytest
from django.urls import reverse

from tests.access.world import build_world
from tests.conftest import PASSWORD, totp_code
from tests.test_access_matrix import ROWS


def readable_pages(world, persona: str) -> list[str]:
    """The HTML pages among the routes `persona` may read (downloads such as CSV and PDF are left out)."""
    client = world.people.client(persona)
    urls = []
    for row in ROWS:
        if row.method == "get" and row.expect[persona] == 200:
            url = reverse(row.name, kwargs=row.kwargs(world)) + row.query
            if url not in urls and client.get(url).headers["Content-Type"].startswith("text/html"):
                urls.append(url)
    return urls


# The admin reads most pages: their pages are checked in three parts, so two test workers can share them.
PARTS = [("anonymous", 0, 1), ("viewer", 0, 2), ("viewer", 1, 2), ("admin", 0, 3), ("admin", 1, 3), ("admin", 2, 3)]


@pytest.mark.parametrize(("persona", "part", "parts"), PARTS, ids=[f"{p}-{i + 1}-of-{n}" for p, i, n in PARTS])
def test_every_readable_page_passes_axe(people, browse, persona, part, parts):
    world = build_world(people)
    if persona != "anonymous":
        user = people.user(persona)
        assert user is not None
        browse.log_in(user.email, PASSWORD, code=totp_code() if user.has_two_factor else None)

    pages = readable_pages(world, persona)
    assert len(pages) >= 5 * parts
    for url in pages[part::parts]:
        response = browse.goto(url)
        assert response.status == 200, f"{persona} {url}: {response.status}"
