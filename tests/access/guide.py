"""Access-matrix rows for the guide of `hulp`.

Every member reads the guide and the organisation's own pages; admins, integrity officers and managers
write own pages (members and viewers get 403); admins and managers share them. The outsider (admin of
`ander`) gets 404 everywhere. The objects are built in the rows' kwargs, so world.py knows nothing of the guide.
"""

from guide.models import GuidePage, GuideSection, OrganisationPage
from tests.access.rows import Row, org_page, statuses

WRITERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=200, admin=200)
WRITERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=302, admin=302)
MANAGERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=403, admin=200)
MANAGERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=403, admin=302)


def slug(world):
    return {"slug": world.org.slug}


def framework_page(world):
    # get_or_create: the browser test walks every row in one database, and may have loaded the shipped guide.
    section, _created = GuideSection.objects.get_or_create(
        code="partnerships",
        defaults={"title_nl": "Partnerschappen", "title_en": "Partnerships", "pages": ["agree"], "source": "t.yaml"},
    )
    GuidePage.objects.get_or_create(
        slug="agree",
        defaults={
            "section": section,
            "version": "1.0",
            "title_nl": "Afspraken",
            "title_en": "Agreements",
            "summary_nl": "Wat je afspreekt.",
            "summary_en": "What to agree.",
            "body_nl": "## Afspraken\n",
            "body_en": "## Agreements\n",
            "source": "guide/agree.yaml",
        },
    )
    return {"slug": world.org.slug, "page": "agree"}


def own_page(world):
    page = OrganisationPage.objects.create(
        organisation=world.org,
        title="Our confidential advisers",
        body="Call **Anna**.\n",
        created_by=world.people.admin,
    )
    return {"slug": world.org.slug, "code": page.code}


def page_form(world):
    return {"title": "Our confidential advisers", "summary": "", "body": "Call Anna or Piet."}


ROWS = [
    Row("guide:guide", org_page(), kwargs=slug, query="?q=partner"),
    Row("guide:guide_csv", org_page(), kwargs=slug),
    Row("guide:page", org_page(), kwargs=framework_page),
    Row("guide:organisation_page", org_page(), kwargs=own_page),
    Row("guide:page_add", WRITERS, kwargs=slug),
    Row("guide:page_add", WRITERS_POST, kwargs=slug, method="post", data=page_form),
    Row("guide:page_edit", WRITERS, kwargs=own_page),
    Row("guide:page_edit", WRITERS_POST, kwargs=own_page, method="post", data=page_form),
    Row("guide:page_delete", WRITERS, kwargs=own_page),
    Row("guide:page_delete", WRITERS_POST, kwargs=own_page, method="post"),
    Row("guide:page_share", MANAGERS, kwargs=own_page),
    Row("guide:page_share", MANAGERS_POST, kwargs=own_page, method="post", data=lambda w: {"scope": "sector"}),
]
