"""The SSRF guard: Samen sends webhooks only to public addresses over https, checked when the endpoint is
saved and again at every delivery; development and tests may allow private addresses by a setting."""

import socket
import uuid

import pytest
from django.utils import timezone

from webhooks.delivery import attempt
from webhooks.destinations import Refused, check
from webhooks.models import Delivery, Endpoint

NOT_PUBLIC = [
    "https://127.0.0.1/hook",
    "https://localhost/hook",
    "https://10.1.2.3/hook",
    "https://192.168.0.10/hook",
    "https://172.16.5.5/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://224.0.0.1/hook",
    "https://0.0.0.0/hook",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://100.64.0.1/hook",
]


@pytest.fixture
def dns(monkeypatch):
    """Names resolve to what the test says, without the network."""
    answers: dict[str, str] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        family = socket.AF_INET6 if ":" in answers[host] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.mark.parametrize("url", NOT_PUBLIC)
def test_private_loopback_link_local_and_multicast_addresses_are_refused(url, settings, dns):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    dns["localhost"] = "127.0.0.1"
    with pytest.raises(Refused, match="not public"):
        check(url)


def test_a_name_that_resolves_to_a_private_address_is_refused(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    dns["hooks.partner.example"] = "10.0.0.7"
    with pytest.raises(Refused, match=r"10\.0\.0\.7"):
        check("https://hooks.partner.example/samen")
    dns["hooks.partner.example"] = "93.184.215.14"
    destination = check("https://hooks.partner.example:8443/samen?x=1")
    assert (destination.host, destination.port, destination.path, destination.address) == (
        "hooks.partner.example",
        8443,
        "/samen?x=1",
        "93.184.215.14",
    )


def test_plain_http_and_unknown_hosts_are_refused(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(Refused, match="https://"):
        check("http://93.184.215.14/hook")
    with pytest.raises(Refused, match="cannot find"):
        check("https://nowhere.example/hook")
    with pytest.raises(Refused, match="user name"):
        check("https://user:pw@93.184.215.14/hook")


def test_the_setting_allows_private_addresses_and_http(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert check("http://127.0.0.1:8000/hook").address == "127.0.0.1"


def test_the_guard_runs_again_at_delivery_time(people, receiver, settings):
    # Saved while allowed (as in development) ...
    endpoint = Endpoint.add(organisation=people.org, url=receiver.url, events=["action.overdue"], by=people.admin)
    delivery = Delivery.objects.create(
        organisation=people.org,
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        event_type="ping",
        payload={},
        next_attempt_at=timezone.now(),
    )
    # ... then no longer allowed: nothing reaches the address, and the delivery says why.
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    outcome = attempt(delivery, timezone.now())
    assert outcome is not None and not outcome.ok
    assert receiver.received == []
    delivery.refresh_from_db()
    assert "https://" in delivery.last_error and delivery.last_status_code is None and delivery.attempts == 1
    Endpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url.replace("http://", "https://"))
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is not None
    outcome = attempt(delivery, delivery.next_attempt_at)
    assert outcome is not None and "not public (127.0.0.1)" in outcome.error
    assert receiver.received == []


def test_the_delivery_connects_to_the_address_that_was_checked(people, receiver, monkeypatch):
    """DNS rebinding: the name answers a harmless address to the check and another one afterwards; the
    connection goes to the checked address all the same."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "receiver.test":
            address = next(answers, "203.0.113.1")  # the second answer would lead nowhere
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = receiver.url.replace("127.0.0.1", "receiver.test")
    endpoint = Endpoint.objects.create(organisation=people.org, url=url, events=["action.overdue"], secret="s")
    delivery = Delivery.objects.create(
        organisation=people.org,
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        event_type="ping",
        payload={},
        next_attempt_at=timezone.now(),
    )
    outcome = attempt(delivery, timezone.now())
    assert outcome is not None and outcome.ok, outcome
    [got] = receiver.received
    assert got.headers["Host"].startswith("receiver.test:")
