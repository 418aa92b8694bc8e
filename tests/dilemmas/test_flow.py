"""A dilemma's way from a member's draft to the sector library: write, submit, review, de-identify, share, approve."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from audit.models import Entry, Event
from dilemmas.models import DeidentificationCheck, Dilemma, Flag, Resolution, SectorStatus, Status
from organisations.models import Alliance, AllianceMember, Consent, Membership, Role
from tests.conftest import make_user
from tests.dilemmas.conftest import make_dilemma

pytestmark = pytest.mark.usefixtures("taxonomy")

WRITTEN = {
    "language": "en",
    "title": "  A  partner's   cousin ",
    "situation": "Grace Akello, who works for Ander Fonds in Gulu, buys rice from her cousin.\r\n\r\n\r\nFair prices.",
    "question": "What do you do?",
    "option_1": "Accept it",
    "option_2": "Ask the board",
    "option_3": "Change supplier",
    "option_4": "",
    "reflection": "Weigh the local economy.",
    "variation_1": "What if the prices were high?",
    "context": "local-partner",
    "tags": ["conflict-of-interest-nepotism", "financial"],
}


def url(name: str, dilemma: Dilemma | None = None, slug: str = "hulp", **extra) -> str:
    kwargs = {"slug": slug, **({"code": dilemma.code} if dilemma else {}), **extra}
    return reverse(f"dilemmas:{name}", kwargs=kwargs)


def events(event: str) -> list[Entry]:
    return list(Entry.objects.filter(event=event))


@pytest.fixture
def alliance(people):
    alliance = Alliance.objects.create(name="Relief Alliance", lead=people.org)
    for org in (people.org, people.other_org):
        AllianceMember.objects.create(alliance=alliance, organisation=org)
    return alliance


@pytest.fixture
def grace(people):
    """A person on Samen whose name the checker must find."""
    return User.objects.create_user("grace@partner.example", "x", name="Grace Akello")


@pytest.fixture
def editor(people) -> Client:
    """A platform operator (the sector association's editors), a member of `ander`."""
    user = make_user("editor@samen.example", two_factor=True, name="Editor", is_staff=True)
    Membership.objects.create(user=user, organisation=people.other_org, role=Role.VIEWER)
    client = Client()
    client.force_login(user)
    return client


def test_the_whole_way_from_draft_to_an_alliance_and_the_sector(people, alliance, grace, editor, english):
    member, officer = people.client("member"), people.client("officer")

    # 1. The member writes it: a draft only the member sees.
    response = member.post(url("new"), WRITTEN)
    dilemma = Dilemma.objects.get()
    assert response.status_code == 302 and response.url == url("dilemma", dilemma)
    assert (dilemma.status, dilemma.author, dilemma.languages) == (Status.DRAFT, people.member, "en")
    assert dilemma.title_en == "A partner's cousin" and dilemma.title_nl == ""
    assert dilemma.situation_en.endswith("her cousin.\n\nFair prices.")
    assert [o.text_en for o in dilemma.options.all()] == ["Accept it", "Ask the board", "Change supplier"]
    assert [v.text_en for v in dilemma.variations.all()] == ["What if the prices were high?"]
    assert {t.code for t in dilemma.tags} == {"conflict-of-interest-nepotism", "financial"}
    assert officer.get(url("dilemma", dilemma)).status_code == 404

    # 2. Submitted: the officer reviews it; returning needs a reason, which the author reads.
    assert member.post(url("submit", dilemma)).status_code == 302
    dilemma.refresh_from_db()
    assert dilemma.status == Status.SUBMITTED and len(events(Event.DILEMMA_SUBMITTED)) == 1
    assert member.get(url("edit", dilemma)).status_code == 403  # no changes while it is being reviewed
    assert officer.post(url("review", dilemma), {"decision": "return", "reason": " "}).status_code == 400
    assert (
        officer.post(url("review", dilemma), {"decision": "return", "reason": "Add a fourth option."}).status_code
        == 302
    )
    dilemma.refresh_from_db()
    assert dilemma.status == Status.RETURNED and dilemma.reviewer == people.officer
    assert "Add a fourth option." in member.get(url("dilemma", dilemma)).content.decode()
    option_ids = list(dilemma.options.values_list("pk", flat=True))
    assert member.post(url("edit", dilemma), {**WRITTEN, "option_4": "Buy elsewhere"}).status_code == 302
    assert list(dilemma.options.values_list("pk", flat=True)[:3]) == option_ids  # the rows stay, for votes
    assert member.post(url("submit", dilemma)).status_code == 302
    assert officer.post(url("review", dilemma), {"decision": "publish"}).status_code == 302
    dilemma.refresh_from_db()
    assert dilemma.status == Status.PUBLISHED and dilemma.published_at is not None
    reviewed = events(Event.DILEMMA_REVIEWED)
    assert [e.detail["decision"] for e in reviewed] == ["return", "publish"] and reviewed[
        0
    ].actor == people.officer.email
    assert "A partner&#x27;s cousin" in people.client("viewer").get(url("library")).content.decode()

    # 3. Sharing needs the de-identification check first.
    alliance_share = {"scope": "alliance", "to_alliance": str(alliance.code)}
    response = officer.post(url("share", dilemma), alliance_share)
    assert response.status_code == 400 and "First run the de-identification check" in response.content.decode()
    assert not Consent.objects.filter(subject=dilemma.subject).exists()

    # 4. The check flags the person and the organisation on Samen and the place; each is resolved.
    assert member.post(url("check", dilemma)).status_code == 302
    check = DeidentificationCheck.objects.get()
    flags = {f.kind: f for f in check.flags.all()}
    assert {(k, f.text) for k, f in flags.items()} == {
        ("person", "Grace Akello"),
        ("organisation", "Ander Fonds"),
        ("place", "Gulu"),
    }
    page = member.get(url("check", dilemma)).content.decode()
    assert "<mark>Grace Akello</mark>" in page and "3 flags to resolve" in page
    resolve = url("resolve", dilemma, flag=flags["person"].code)
    assert member.post(resolve, {"action": "replace"}).status_code == 302
    organisation = url("resolve", dilemma, flag=flags["organisation"].code)
    assert member.post(organisation, {"action": "replace"}).status_code == 302
    place = flags["place"]
    response = member.post(url("resolve", dilemma, flag=place.code), {"action": "keep", f"{place.code}-reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    reason = "A city of many thousands; nobody is identified by it."
    response = member.post(url("resolve", dilemma, flag=place.code), {"action": "keep", f"{place.code}-reason": reason})
    assert response.status_code == 302
    dilemma.refresh_from_db()
    assert dilemma.situation_en.startswith("[person], who works for [organisation] in Gulu, buys rice")
    redacted = Flag.objects.get(pk=flags["person"].pk)
    assert (redacted.resolution, redacted.text, redacted.resolved_by) == (Resolution.REDACTED, "", people.member)
    assert member.post(resolve, {"action": "keep", f"{redacted.code}-reason": "Changed my mind"}).status_code == 302
    assert Flag.objects.get(pk=redacted.pk).resolution == Resolution.REDACTED  # what is gone stays gone
    assert Flag.objects.get(pk=place.pk).reason == reason
    assert "passed" in member.get(url("check", dilemma)).content.decode()
    assert "grace" not in Dilemma.objects.get(pk=dilemma.pk).search_text.lower()

    # 5. Shared with the alliance: the other member organisation finds it at once.
    assert officer.post(url("share", dilemma), alliance_share).status_code == 302
    assert Consent.objects.active().filter(subject=dilemma.subject, scope="alliance").count() == 1
    assert [e.detail["scope"] for e in events(Event.DILEMMA_SHARED)] == ["alliance"]
    assert len(events(Event.CONSENT_GIVEN)) == 1
    assert people.client("outsider").get(url("dilemma", dilemma, slug="ander")).status_code == 200
    response = officer.post(url("share", dilemma), alliance_share)
    assert response.status_code == 400 and "You already share it with them." in response.content.decode()

    # 6. Offered to the sector: waiting for the editors, then approved.
    assert officer.post(url("share", dilemma), {"scope": "sector"}).status_code == 302
    dilemma.refresh_from_db()
    assert dilemma.sector_status == SectorStatus.PENDING and dilemma.sector_requested_by == people.officer
    queue = editor.get(url("editors", slug="ander")).content.decode()
    assert "A partner&#x27;s cousin" in queue
    review = editor.get(url("editor_review", dilemma, slug="ander")).content.decode()
    assert reason in review and "2 details replaced." in review
    assert editor.post(url("editor_review", dilemma, slug="ander"), {"decision": "approve"}).status_code == 302
    dilemma.refresh_from_db()
    assert dilemma.sector_status == SectorStatus.APPROVED
    assert [e.detail for e in events(Event.DILEMMA_REVIEWED)][-1] == {"decision": "approve", "scope": "sector"}
    assert editor.get(url("editor_review", dilemma, slug="ander")).status_code == 404  # out of the queue

    # 7. While shared, its text cannot change: no new check, no redaction.
    assert member.post(url("check", dilemma)).status_code == 302
    assert DeidentificationCheck.objects.count() == 1


def test_the_sector_editors_return_a_dilemma_and_its_sector_share_ends(people, editor, english):
    dilemma = make_dilemma(people.org, people.member, title_en="Offered")
    consent = Consent.objects.create(
        organisation=people.org, subject=dilemma.subject, scope=Consent.Scope.SECTOR, given_by=people.admin
    )
    dilemma.offer_to_sector(people.admin)
    review = url("editor_review", dilemma, slug="ander")
    assert editor.post(review, {"decision": "return"}).status_code == 400
    assert editor.post(review, {"decision": "return", "reason": "The village can be recognised."}).status_code == 302
    dilemma.refresh_from_db()
    consent.refresh_from_db()
    assert dilemma.sector_status == SectorStatus.RETURNED and consent.revoked_at is not None
    page = people.client("officer").get(url("share", dilemma)).content.decode()
    assert "The village can be recognised." in page


def test_only_platform_operators_see_the_editors_pages(people, english):
    dilemma = make_dilemma(people.org, people.member)
    Consent.objects.create(
        organisation=people.org, subject=dilemma.subject, scope=Consent.Scope.SECTOR, given_by=people.admin
    )
    dilemma.offer_to_sector(people.admin)
    assert people.client("admin").get(url("editors")).status_code == 403
    assert people.client("admin").get(url("editor_review", dilemma)).status_code == 403
    assert "Sector editors" not in people.client("admin").get(url("library")).content.decode()


def test_an_edit_after_the_check_makes_it_stale_and_sharing_waits_for_a_new_one(people, alliance, english):
    dilemma = make_dilemma(people.org, people.officer, status=Status.DRAFT)
    officer = people.client("officer")
    assert officer.post(url("check", dilemma)).status_code == 302
    assert officer.post(url("edit", dilemma), {**WRITTEN, "situation": "A new text."}).status_code == 302
    Dilemma.objects.filter(pk=dilemma.pk).update(status=Status.PUBLISHED, published_at=dilemma.created_at)
    response = officer.post(url("share", dilemma), {"scope": "alliance", "to_alliance": str(alliance.code)})
    assert response.status_code == 400 and not Consent.objects.exists()
    assert "the text changed since" in officer.get(url("dilemma", dilemma)).content.decode()


def test_a_kept_flag_stays_kept_when_the_check_runs_again(people, grace):
    dilemma = make_dilemma(people.org, people.member, status=Status.DRAFT, situation_en="We met in Gulu.")
    member = people.client("member")
    member.post(url("check", dilemma))
    place = Flag.objects.get()
    member.post(url("resolve", dilemma, flag=place.code), {"action": "keep", f"{place.code}-reason": "A big city."})
    member.post(url("check", dilemma))
    again = DeidentificationCheck.objects.order_by("-pk").first()
    assert again is not None
    [flag] = again.flags.all()
    assert (flag.text, flag.resolution, flag.reason) == ("Gulu", Resolution.KEPT, "A big city.")


def test_a_dutch_text_gets_a_dutch_placeholder_and_later_flags_move_with_it(people, grace, english):
    dilemma = make_dilemma(
        people.org,
        people.member,
        status=Status.DRAFT,
        languages="nl",
        title_en="",
        situation_en="",
        question_en="",
        reflection_en="",
        title_nl="Een neef",
        situation_nl="Grace Akello schreef naar grace@example.org vanuit Kampala.",
        question_nl="Wat doe je?",
    )
    member = people.client("member")  # the English interface does not decide the placeholder's language
    member.post(url("check", dilemma))
    flags = list(Flag.objects.order_by("start"))
    assert [f.kind for f in flags] == ["person", "email", "place"]
    member.post(url("resolve", dilemma, flag=flags[0].code), {"action": "replace"})
    member.post(url("resolve", dilemma, flag=flags[1].code), {"action": "replace"})
    dilemma.refresh_from_db()
    with translation.override("nl"):
        person, email = gettext("person"), gettext("email address")
    assert dilemma.situation_nl == f"[{person}] schreef naar [{email}] vanuit Kampala."
    assert person == "persoon"  # the kinds' names are in the Dutch catalogue already
    place = Flag.objects.get(pk=flags[2].pk)
    assert dilemma.situation_nl[place.start : place.end] == "Kampala"


def test_the_check_asks_for_names_with_two_queries_however_many_people(people, django_assert_max_num_queries):
    from dilemmas.checking import known_names

    for n in range(30):
        User.objects.create_user(f"p{n}@example.org", "x", name=f"Person Number{n}")
    with django_assert_max_num_queries(2):
        people_names, organisations = known_names()
    assert "Person Number7" in people_names and "Ander Fonds" in organisations


def test_bad_input_keeps_what_was_typed_and_creates_nothing(people, english):
    member = people.client("member")
    bad = {**WRITTEN, "question": "Do you pay? Or do you refuse?", "option_3": "", "option_2": "accept IT"}
    response = member.post(url("new"), bad)
    text = response.content.decode()
    assert response.status_code == 400 and not Dilemma.objects.exists()
    assert "Ask one question" in text and "This field is required." in text
    assert "Two courses of action are the same" in text
    assert "Grace Akello, who works for Ander Fonds" in text  # what was typed stays


def test_script_in_a_dilemma_is_shown_as_text(people):
    dilemma = make_dilemma(people.org, people.member, situation_en="<script>alert(1)</script> and <b>bold</b>")
    text = people.client("viewer").get(url("dilemma", dilemma)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text


def test_viewers_write_nothing_and_members_review_nothing(people):
    submitted = make_dilemma(people.org, people.viewer, status=Status.SUBMITTED)
    assert people.client("viewer").get(url("new")).status_code == 403
    assert people.client("viewer").post(url("new"), WRITTEN).status_code == 403
    assert people.client("viewer").post(url("submit", submitted)).status_code == 403
    assert people.client("manager").post(url("review", submitted), {"decision": "publish"}).status_code == 404
    assert not Dilemma.objects.filter(status=Status.PUBLISHED).exists()


def test_an_incomplete_draft_cannot_be_submitted(people, english):
    dilemma = make_dilemma(people.org, people.member, status=Status.DRAFT)
    dilemma.set_options([{"en": "Only one"}])
    response = people.client("member").post(url("submit", dilemma), follow=True)
    assert "it needs: at least 3 courses of action" in response.content.decode()
    dilemma.refresh_from_db()
    assert dilemma.status == Status.DRAFT and not events(Event.DILEMMA_SUBMITTED)


def test_deleting_a_shared_dilemma_asks_first_and_ends_its_shares(people, alliance, english):
    dilemma = make_dilemma(people.org, people.member)
    consent = Consent.objects.create(
        organisation=people.org,
        subject=dilemma.subject,
        scope=Consent.Scope.ALLIANCE,
        to_alliance=alliance,
        given_by=people.admin,
    )
    page = people.client("admin").get(url("delete", dilemma)).content.decode()
    assert "deleting it stops those shares at once" in page
    assert people.client("admin").post(url("delete", dilemma)).status_code == 302
    consent.refresh_from_db()
    assert not Dilemma.objects.exists() and consent.revoked_at is not None


def test_stopping_a_share_is_logged_and_hides_it(people, alliance):
    dilemma = make_dilemma(people.org, people.member)
    consent = Consent.objects.create(
        organisation=people.org,
        subject=dilemma.subject,
        scope=Consent.Scope.ALLIANCE,
        to_alliance=alliance,
        given_by=people.admin,
    )
    revoke = url("unshare", dilemma, consent=consent.code)
    assert people.client("officer").post(revoke).status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_by == people.officer and len(events(Event.CONSENT_REVOKED)) == 1
    assert people.client("outsider").get(url("dilemma", dilemma, slug="ander")).status_code == 404
