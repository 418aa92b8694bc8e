"""Case statistics through the API: counts only, small ones suppressed as in the annual account."""

import json

from tests.api.conftest import api_client


def test_counts_with_small_cells_suppressed_and_no_case_content(hulp_token, world):
    data = api_client(hulp_token).get("/api/v1/case-statistics").json()
    assert data["minimum_group_size"] == 5
    assert data["received"] == {"count": 6, "state": "shown"}
    phases = {row["key"]: row["cell"] for row in data["open_by_phase"]["rows"]}
    # Five cases in assessment and one just received: the one is below 5, and with the total (6) beside
    # them either number would give the other away, so neither goes out (annual.suppress withholds both).
    assert phases["receive"]["count"] is None and phases["receive"]["state"] in ("small", "hidden")
    assert phases["assess"]["count"] is None
    assert data["open_by_phase"]["total"] == {"count": 6, "state": "shown"}
    sources = {row["key"]: row["cell"] for row in data["by_source"]["rows"]}
    assert all(cell["count"] is None for key, cell in sources.items() if key in ("email", "speakup"))
    body = json.dumps(data)
    for secret in ("T-0", "T-5", "Playbook", "reference"):
        assert secret not in body
