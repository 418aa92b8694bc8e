"""Data of the apps the demo does not fill, added to a database made by release v0.1.0.

Run by make_fixture.sh inside a checkout of the release, against that release's code:
    python manage.py shell -c "exec(open('release_data.py').read())"
It is kept with the fixture it made, so the fixture can be made again; it is not imported by the tests.
"""

import secrets
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from api.models import Token
from dialogue.models import Participant, Record, Session, SessionItem, Vote, token_hash
from dilemmas.models import Dilemma
from organisations.models import Organisation
from webhooks.models import Endpoint

hzg = Organisation.objects.get(slug="hulp-zonder-grenzen")
manager = User.objects.get(email="manager@hulp-zonder-grenzen.example")

# A closed dilemma session of three dilemmas, five phones, their votes, an agreement and a lesson.
session = Session.objects.create(
    organisation=hzg, title="Teamdag integriteit", facilitator=manager, mode=Session.Mode.PLENARY
)
dilemmas = list(Dilemma.objects.framework().published().order_by("pk")[:3])
items = [
    SessionItem.objects.create(
        session=session,
        organisation=hzg,
        dilemma=dilemma,
        position=position,
        title_nl=dilemma.title_nl,
        title_en=dilemma.title_en,
        revealed=True,
    )
    for position, dilemma in enumerate(dilemmas, start=1)
]
session.open()
phones = [
    Participant.objects.create(
        session=session, organisation=hzg, token_hash=token_hash(secrets.token_urlsafe(16)), display_name=name
    )
    for name in ["Amina", "", "Joost", "", "Grace"]
]
for number, phone in enumerate(phones):
    for item in items:
        Vote.objects.create(session=session, organisation=hzg, item=item, participant=phone, choice=number % 3 + 1)
agreement = "Gifts above EUR 50 are declined."
first = items[0]
Record.objects.create(session=session, organisation=hzg, item=first, kind="agreement", text=agreement, author=manager)
lesson = "Ask the partner before changing a budget line."
Record.objects.create(session=session, organisation=hzg, kind="lesson", text=lesson, author=manager)
session.close(now=timezone.now())

# An ecosystem import of a small IATI file: organisations with and without identifiers, relations.
xml = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
<iati-activity last-updated-datetime="2026-01-01T00:00:00Z" default-currency="EUR" xml:lang="en">
 <iati-identifier>NL-KVK-90412736-UPG-1</iati-identifier>
 <reporting-org ref="nl-kvk- 90412736" type="21"><narrative>Hulp zonder Grenzen</narrative></reporting-org>
 <title><narrative>Safe schools</narrative></title>
 <participating-org ref="NL-KVK-90412736" role="1" type="21">
  <narrative>Hulp zonder Grenzen</narrative>
 </participating-org>
 <participating-org ref="KE-NCB-2419" role="4" type="22"><narrative>Tumaini Health</narrative></participating-org>
 <participating-org role="4"><narrative>Kampala Women's Group</narrative></participating-org>
 <recipient-country code="KE" percentage="100"/>
 <sector vocabulary="7" code="4"/>
 <activity-date type="1" iso-date="2025-01-01"/>
 <activity-date type="3" iso-date="2027-12-31"/>
 <transaction>
  <transaction-type code="3"/>
  <transaction-date iso-date="2025-03-01"/>
  <value currency="EUR" value-date="2025-03-01">125000</value>
  <provider-org ref="NL-KVK-90412736"><narrative>Hulp zonder Grenzen</narrative></provider-org>
  <receiver-org ref="KE-NCB-2419"><narrative>Tumaini Health</narrative></receiver-org>
 </transaction>
</iati-activity>
</iati-activities>
"""
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "upgrade-activities.xml"
    path.write_text(xml, encoding="utf-8")
    call_command("import_iati", str(path), verbosity=0)

# An API token and a webhook endpoint: what other systems hold must keep working after an upgrade.
Token.issue(organisation=hzg, name="CRM sync", scopes=["organisations:read", "actions:read"], by=manager)
Endpoint.add(organisation=hzg, url="https://crm.example.org/samen-hook", events=["action.overdue"], by=manager)
print("release data added")
