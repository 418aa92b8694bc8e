"""samen.links: a list's links reversed once, the same as reversing each."""

import uuid

from django.urls import reverse

from samen.links import link_by_code


def test_a_link_by_code_is_the_link_reverse_makes():
    link = link_by_code("organisations:partnership", "code", slug="hulp")
    for code in (uuid.uuid4(), uuid.uuid4()):
        assert link(code) == reverse("organisations:partnership", kwargs={"slug": "hulp", "code": code})
    download = link_by_code("assessments:evidence_download", "evidence", slug="hulp", code=uuid.UUID(int=7))
    evidence = uuid.uuid4()
    expected = reverse(
        "assessments:evidence_download", kwargs={"slug": "hulp", "code": uuid.UUID(int=7), "evidence": evidence}
    )
    assert download(evidence) == expected
