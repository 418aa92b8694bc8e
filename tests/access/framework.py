"""The shared language (taxonomy, glossary, assessment libraries) is public: it identifies no one, so every
persona, signed in or not, may read it.

The rows point at shipped content (framework/content/*.yaml). `shipped` makes sure it is loaded in the
world the row is checked in; the matrix test loads it once for all personas when a row's arguments say
`needs_framework` (loading it for each persona took seconds per row).
"""

from typing import Any

from django.core.management import call_command

from framework.models import GlossaryTerm
from tests.access.rows import Row, same


def shipped(**kwargs: str) -> Any:
    def build(world: Any) -> dict[str, str]:
        if not GlossaryTerm.objects.exists():
            call_command("load_framework", verbosity=0)
        return kwargs

    build.needs_framework = True  # type: ignore[attr-defined]
    return build


ROWS = [
    Row("framework:taxonomy", same(200)),
    Row("framework:taxonomy", same(200), query="?q=fraude", note="search"),
    Row("framework:violation_type", same(200), kwargs=shipped(code="interpersonal")),
    Row("framework:violation_type", same(404), kwargs=shipped(code="no-such-type"), note="unknown"),
    Row("framework:glossary", same(200)),
    Row("framework:glossary", same(200), query="?q=klokkenluider&page=1", note="search"),
    Row("framework:term", same(200), kwargs=shipped(slug="confidential-adviser")),
    Row("framework:term", same(404), kwargs=shipped(slug="no-such-term"), note="unknown"),
    Row("framework:libraries", same(200)),
    Row("framework:library", same(200), kwargs=shipped(code="partner-integrity-baseline")),
    Row("framework:library", same(200), kwargs=shipped(code="psea-capacity"), query="?version=1.0", note="version"),
    Row("framework:library", same(404), kwargs=shipped(code="no-such-library"), note="unknown"),
    Row("framework:library", same(404), kwargs=shipped(code="psea-capacity"), query="?version=0.1", note="no version"),
]
