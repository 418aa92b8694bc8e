"""Access-matrix rows for the organisations app.

Pages of an organisation (`hulp`) send anonymous people to log in (302), answer 404 to the outsider
(an admin of `ander`), and 403 to members whose role may not do what the page does.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access.rows import Row, org_page, same, statuses

# Managers and admins change partners, alliances and sharing.
MANAGERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=403, admin=200)
MANAGERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=403, admin=302)
# Admins manage people and the organisation's details.
ADMINS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=403, admin=200)
ADMINS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=403, admin=302)


def slug(world):
    return {"slug": world.org.slug}


def partnership(world):
    return {"slug": world.org.slug, "code": world.partnership.code}


def alliance(world):
    return {"slug": world.org.slug, "code": world.alliance.code}


def member(world):
    return {"slug": world.org.slug, "code": world.membership.code}


def consent(world):
    return {"slug": world.org.slug, "code": world.consent.code}


PROFILE = {"name": "Hulp Zonder Grenzen", "kind": "member", "country": "NL", "iati_identifier": "nl-kvk- 41158230"}
PARTNERSHIP = {"kind": "implementing", "status": "active", "title": "Water"}
NEW_PARTNER = {**PARTNERSHIP, "new_name": "Bogotá Youth Collective", "new_country": "CO", "new_kind": "partner"}
ALLIANCE = {"name": "Samen Sterk"}


def import_file(world):
    return {"file": SimpleUploadedFile("partners.csv", b"name,partnership_kind\nBogota Youth Collective,funding\n")}


ROWS = [
    Row("organisations:invitation_accept", same(200), kwargs=lambda w: {"token": w.invitation_token}, note="public"),
    Row("organisations:dashboard", org_page(), kwargs=slug),
    Row("organisations:profile", org_page(), kwargs=slug),
    Row("organisations:profile", ADMINS_POST, kwargs=slug, method="post", data=lambda w: PROFILE),
    Row(
        "organisations:audit",
        statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=200, admin=200),
        kwargs=slug,
    ),
    # Partners
    Row("organisations:partners", org_page(), kwargs=slug, query="?q=kampala&status=active&kind=funding"),
    Row("organisations:partner_add", MANAGERS, kwargs=slug, query="?q=ander"),
    Row("organisations:partner_add", MANAGERS_POST, kwargs=slug, method="post", data=lambda w: NEW_PARTNER),
    Row("organisations:partners_csv", org_page(), kwargs=slug, query="?q=kampala&status=active&kind=funding"),
    Row("organisations:partners_import", MANAGERS, kwargs=slug),
    Row("organisations:partners_import", MANAGERS, kwargs=slug, method="post", data=import_file, note="preview"),
    Row(
        "organisations:partners_import",
        MANAGERS_POST,
        kwargs=slug,
        method="post",
        data=lambda w: {"confirm": "1", "digest": "none", "valid_rows": "1"},
        note="confirm without a preview",
    ),
    Row("organisations:partners_import_template", MANAGERS, kwargs=slug),
    Row("organisations:partnership", org_page(), kwargs=partnership),
    Row("organisations:partnership_edit", MANAGERS, kwargs=partnership),
    Row("organisations:partnership_edit", MANAGERS_POST, kwargs=partnership, method="post", data=lambda w: PARTNERSHIP),
    Row("organisations:partnership_delete", MANAGERS, kwargs=partnership),
    Row("organisations:partnership_delete", MANAGERS_POST, kwargs=partnership, method="post"),
    Row("organisations:partner_invite", MANAGERS, kwargs=partnership),
    Row(
        "organisations:partner_invite",
        MANAGERS_POST,
        kwargs=partnership,
        method="post",
        data=lambda w: {"email": "first@kampala.example"},
    ),
    # Alliances
    Row("organisations:alliances", org_page(), kwargs=slug),
    Row("organisations:alliances_csv", org_page(), kwargs=slug),
    Row("organisations:alliance_add", MANAGERS, kwargs=slug),
    Row("organisations:alliance_add", MANAGERS_POST, kwargs=slug, method="post", data=lambda w: ALLIANCE),
    Row("organisations:alliance", org_page(), kwargs=alliance),
    Row("organisations:alliance_edit", MANAGERS, kwargs=alliance),
    Row("organisations:alliance_edit", MANAGERS_POST, kwargs=alliance, method="post", data=lambda w: ALLIANCE),
    Row("organisations:alliance_members", MANAGERS, kwargs=alliance, query="?q=ander"),
    Row(
        "organisations:alliance_members",
        MANAGERS_POST,
        kwargs=alliance,
        method="post",
        data=lambda w: {"organisation": str(w.people.other_org.code)},
    ),
    # People
    Row("organisations:people", org_page(), kwargs=slug),
    Row("organisations:people_csv", ADMINS, kwargs=slug, note="holds email addresses"),
    Row("organisations:invite", ADMINS, kwargs=slug),
    Row(
        "organisations:invite",
        ADMINS_POST,
        kwargs=slug,
        method="post",
        data=lambda w: {"email": "colleague@hulp.example", "role": "member"},
    ),
    Row("organisations:member_role", same(405, anonymous=302), kwargs=member, note="GET is refused"),
    Row("organisations:member_role", ADMINS_POST, kwargs=member, method="post", data=lambda w: {"role": "viewer"}),
    Row("organisations:member_remove", ADMINS, kwargs=member),
    Row("organisations:member_remove", ADMINS_POST, kwargs=member, method="post"),
    Row(
        "organisations:invitation_revoke",
        ADMINS_POST,
        kwargs=lambda w: {"slug": w.org.slug, "code": w.invitation.code},
        method="post",
    ),
    # Sharing
    Row("organisations:sharing", org_page(), kwargs=slug),
    Row("organisations:sharing_csv", org_page(), kwargs=slug),
    Row("organisations:consent_add", MANAGERS, kwargs=slug),
    Row(
        "organisations:consent_add",
        MANAGERS_POST,
        kwargs=slug,
        method="post",
        data=lambda w: {"subject": "partnerships", "scope": "sector"},
    ),
    Row("organisations:consent_revoke", MANAGERS, kwargs=consent),
    Row("organisations:consent_revoke", MANAGERS_POST, kwargs=consent, method="post"),
    Row(
        "organisations:shared",
        org_page(),
        kwargs=lambda w: {"slug": w.org.slug, "code": w.received_consent.code},
    ),
]
