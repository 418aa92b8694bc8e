"""Channel configuration: the list with the address to share, adding and editing a channel; who may."""

import pytest
from django.urls import reverse

from audit.models import Entry
from framework.models import ViolationType
from organisations.models import Alliance, AllianceMember, Organisation
from speakup.models import Channel


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


@pytest.fixture
def types(db) -> list[ViolationType]:
    return [
        ViolationType.objects.create(
            code=code, order=i, name_nl=code, name_en=code.title(), definition_nl="-", definition_en="-", source="t"
        )
        for i, code in enumerate(["financial", "interpersonal"])
    ]


def url(name: str, slug: str = "hulp", **kwargs: object) -> str:
    return reverse(f"speakup:{name}", kwargs={"slug": slug, **kwargs})


def channel_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "owner": "organisation",
        "slug": "hulp-meldpunt",
        "is_open": "on",
        "languages": ["en", "fr"],
        "intro_en": "Tell us what happened. Only our two integrity officers read it.",
        "intro_fr": "Dites-nous ce qui s'est passé.",
        "categories": ["financial"],
        "questions__financial__en": "How much money?\nWhich project?",
        "questions__financial__fr": "Combien d'argent ?\nQuel projet ?",
        "retention_days": "120",
        "max_reports_per_hour": "20",
        "max_attachment_mb": "4",
    }
    data.update(overrides)
    return data


def test_empty_state_explains_what_a_channel_is(people):
    response = people.client("officer").get(url("channels"))
    assert response.status_code == 200
    assert "No speak-up channel yet." in response.content.decode()


def test_list_shows_the_public_address_to_share(people):
    Channel.objects.create(organisation=people.org, slug="hulp-meldpunt")
    html = people.client("admin").get(url("channels")).content.decode()
    assert "http://testserver/speak-up/hulp-meldpunt/" in html
    assert "none yet" in html  # no handlers


def test_add_a_channel_with_categories_questions_and_limits(people, types):
    response = people.client("officer").post(url("channel_add"), channel_form())
    channel = Channel.objects.get(slug="hulp-meldpunt")
    assert response.status_code == 302
    assert response["Location"] == url("channel_handlers", code=channel.code)
    assert channel.organisation == people.org and channel.alliance is None
    assert channel.languages == ["en", "fr"]
    assert [vt.code for vt in channel.categories.all()] == ["financial"]
    assert channel.questions == {
        "financial": [
            {"en": "How much money?", "fr": "Combien d'argent ?"},
            {"en": "Which project?", "fr": "Quel projet ?"},
        ]
    }
    assert channel.retention_days == 120
    assert channel.max_reports_per_hour == 20
    assert channel.max_attachment_bytes == 4 * 1024 * 1024
    assert channel.is_open
    assert Entry.objects.filter(event="speakup_channel_changed", target="hulp-meldpunt").exists()


def test_edit_shows_and_saves_the_settings(people, types):
    channel = Channel.objects.create(
        organisation=people.org,
        slug="hulp-meldpunt",
        intro_en="Old",
        questions={"interpersonal": [{"en": "Are you safe now?"}]},
    )
    page = people.client("officer").get(url("channel_edit", code=channel.code)).content.decode()
    assert "Are you safe now?" in page and "Old" in page
    response = people.client("officer").post(
        url("channel_edit", code=channel.code), channel_form(is_open="", intro_en="New", retention_days="30")
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.intro_en == "New"
    assert not channel.is_open
    assert channel.retention_days == 30
    assert "interpersonal" not in channel.questions


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"languages": []}, "languages", "Choose at least one language."),
        ({"retention_days": "0"}, "retention_days", "greater than or equal to 1"),
        ({"questions__financial__fr": "Combien ?"}, "questions__financial__en", "same questions in every language"),
        ({"intro_en": "", "intro_fr": ""}, "intro_en", "at least one of the channel's languages"),
        ({"slug": "Not a slug!"}, "slug", "Enter a valid"),
    ],
)
def test_bad_input_is_explained_and_kept(people, types, overrides, field, message):
    response = people.client("officer").post(url("channel_add"), channel_form(**overrides))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Channel.objects.exists()
    assert "How much money?" in response.content.decode()  # what was typed is kept


def test_the_address_must_be_free(people, types):
    Channel.objects.create(organisation=people.other_org, slug="hulp-meldpunt")
    response = people.client("officer").post(url("channel_add"), channel_form())
    assert response.context["form"].errors["slug"] == ["Another channel already uses this address."]


def test_alliance_channel_by_the_leads_officer(people, types):
    alliance = Alliance.objects.create(name="Dutch Humanitarian Alliance", lead=people.org)
    member = Organisation.objects.create(slug="lid", name="Lid", kind="member")
    AllianceMember.objects.create(alliance=alliance, organisation=member)
    response = people.client("officer").post(
        url("channel_add"), channel_form(owner=str(alliance.code), slug="alliance-meldpunt")
    )
    assert response.status_code == 302
    channel = Channel.objects.get(slug="alliance-meldpunt")
    assert channel.alliance == alliance and channel.organisation is None
    assert "Dutch Humanitarian Alliance" in people.client("officer").get(url("channels")).content.decode()


def test_an_alliance_the_organisation_does_not_lead_is_not_offered(people, types):
    alliance = Alliance.objects.create(name="Someone else's", lead=people.other_org)
    AllianceMember.objects.create(alliance=alliance, organisation=people.org)
    response = people.client("officer").post(url("channel_add"), channel_form(owner=str(alliance.code)))
    assert "owner" in response.context["form"].errors
    assert not Channel.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("member", 403), ("manager", 403), ("outsider", 404)])
def test_only_admins_and_officers_configure(people, types, persona, status):
    channel = Channel.objects.create(organisation=people.org, slug="hulp-meldpunt")
    client = people.client(persona)
    assert client.get(url("channels")).status_code == status
    assert client.post(url("channel_add"), channel_form(slug="other")).status_code == status
    assert client.post(url("channel_edit", code=channel.code), channel_form()).status_code == status
    assert Channel.objects.count() == 1


def test_another_organisations_channel_is_not_found(people):
    channel = Channel.objects.create(organisation=people.other_org, slug="ander-meldpunt")
    assert people.client("admin").get(url("channel_edit", code=channel.code)).status_code == 404
