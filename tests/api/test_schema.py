"""schemathesis against the OpenAPI document, in-process through the WSGI app: no 5xx, every answer as documented.

A bounded, derandomised run (the same MAX_EXAMPLES per operation every time, so CI repeats what passed or
failed here) over every operation, with a token of Hulp's that has every
scope, so the generated requests get past authorisation and reach the views' validation.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

MAX_EXAMPLES = 20

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's own test client does: a request must not close the test's database connection.

    Django closes connections at the start and end of each request (close_old_connections); inside a test's
    transaction that drops the connection on PostgreSQL (SQLite's in-memory test database never closes).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token_header(people, world, settings) -> dict[str, str]:
    from tests.api.conftest import make_token

    settings.API_RATE_PER_MINUTE = 100_000
    return {"Authorization": f"Bearer {make_token(people.org, people.admin)}"}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db(transaction=False)
def test_api_matches_its_document(case, token_header):
    # A write may be refused for what no schema can say (an end before the start, one of partner or
    # new_partner): such a 400 is right, so "schema-valid data is accepted" is checked for reads only.
    excluded = [positive_data_acceptance] if case.method != "GET" else []
    case.call_and_validate(headers=token_header, excluded_checks=excluded)
