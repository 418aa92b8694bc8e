"""Access-matrix rows for the webhook pages (webhooks/urls.py, at o/<slug>/webhooks/).

Every page is for the organisation's admins; other members get 403, the outsider 404. The buttons
(turn on/off, send a test event, retry now) answer only POST: an admin's GET gets 405. Changing an
endpoint, replacing its secret and deleting it ask first (GET shows the form or the question).
"""

import uuid

from tests.access.rows import Row, statuses
from webhooks.models import Delivery, Endpoint

ADMINS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=403, admin=200)
ADMINS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=403, admin=302)
POST_ONLY = ADMINS | {"admin": 405}
# A literal public address: the form's check needs no DNS lookup in the test run.
URL = "https://93.184.215.14/samen"


def slug(world):
    return {"slug": world.org.slug}


def endpoint(world):
    made = Endpoint.add(organisation=world.org, url=URL, events=["action.overdue"], by=world.people.admin)
    return {"slug": world.org.slug, "code": made.code}


def delivery(world):
    made = Endpoint.add(organisation=world.org, url=URL, events=["action.overdue"], by=world.people.admin)
    failed = Delivery.objects.create(
        organisation=world.org,
        endpoint=made,
        event_id=uuid.uuid4(),
        event_type="action.overdue",
        payload={"type": "action.overdue"},
        status=Delivery.Status.FAILED,
        attempts=6,
        last_error="HTTP 500",
    )
    return {"slug": world.org.slug, "code": made.code, "delivery": failed.code}


ROWS = [
    Row("webhooks:endpoints", ADMINS, kwargs=slug),
    Row(
        "webhooks:endpoints",
        ADMINS_POST | {"admin": 200},
        kwargs=slug,
        method="post",
        data=lambda world: {"url": URL, "events": ["assessment.shared"]},
        note="the secret is shown in the answer, not after a redirect",
    ),
    Row("webhooks:endpoint", ADMINS, kwargs=endpoint),
    Row("webhooks:endpoint_edit", ADMINS, kwargs=endpoint),
    Row(
        "webhooks:endpoint_edit",
        ADMINS_POST,
        kwargs=endpoint,
        method="post",
        data=lambda world: {"url": URL, "events": ["assessment.shared"], "is_active": "on"},
    ),
    Row("webhooks:endpoint_secret", ADMINS, kwargs=endpoint, note="asks before replacing"),
    Row(
        "webhooks:endpoint_secret",
        ADMINS_POST | {"admin": 200},
        kwargs=endpoint,
        method="post",
        note="the new secret is shown in the answer, not after a redirect",
    ),
    Row("webhooks:endpoint_switch", POST_ONLY, kwargs=endpoint),
    Row("webhooks:endpoint_switch", ADMINS_POST, kwargs=endpoint, method="post", data=lambda world: {"on": "0"}),
    Row("webhooks:endpoint_test", POST_ONLY, kwargs=endpoint),
    Row("webhooks:endpoint_test", ADMINS_POST, kwargs=endpoint, method="post"),
    Row("webhooks:endpoint_delete", ADMINS, kwargs=endpoint),
    Row("webhooks:endpoint_delete", ADMINS_POST, kwargs=endpoint, method="post"),
    Row("webhooks:delivery_retry", POST_ONLY, kwargs=delivery),
    Row("webhooks:delivery_retry", ADMINS_POST, kwargs=delivery, method="post"),
]
