"""Access-matrix rows for the API (api/urls.py) and the token pages (api/token_urls.py).

The API reads no session: every persona, logged in or not, gets 401 without a token (tests/api/ checks
what tokens get, scope by scope). The OpenAPI document and its docs page are public. The token pages
are for the organisation's admins; other members get 403, the outsider 404.
"""

from api.models import Token
from tests.access.rows import Row, same, statuses

NO_TOKEN = same(401)
ADMINS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=403, admin=200)
ADMINS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=403, admin=302)
ANY_CODE = "00000000-0000-0000-0000-000000000000"


def code(world):
    return {"code": ANY_CODE}


def token(world):
    made, _secret = Token.issue(
        organisation=world.org, name="CRM", scopes=["organisations:read"], by=world.people.admin
    )
    return {"slug": world.org.slug, "code": made.code}


def slug(world):
    return {"slug": world.org.slug}


LISTS = [
    "organisation",
    "partners",
    "partnerships",
    "alliances",
    "people",
    "assessments",
    "action_plans",
    "actions",
    "dilemmas",
    "guide_pages",
    "organisation_pages",
    "health_checks",
    "case_statistics",
    "ecosystem_organisations",
    "ecosystem_relations",
]
DETAILS = [
    "partnership",
    "alliance",
    "assessment",
    "answers",
    "action",
    "dilemma",
    "health_rounds",
    "health_round",
    "ecosystem_organisation",
]

ROWS = [
    Row("api:openapi", same(200)),
    Row("api:docs", same(200)),
    *[Row(f"api:{name}", NO_TOKEN) for name in LISTS],
    *[Row(f"api:{name}", NO_TOKEN, kwargs=code) for name in DETAILS],
    Row("api:ecosystem_relation", NO_TOKEN, kwargs=lambda world: {"id": 1}),
    Row("api:partnerships", NO_TOKEN, method="post", data=lambda world: {"kind": "funding"}),
    Row("api:actions", NO_TOKEN, method="post", data=lambda world: {"title": "x"}),
]


# The admins' token pages, at o/<slug>/api-tokens/.
ROWS += [
    Row("api_tokens:tokens", ADMINS, kwargs=slug),
    Row(
        "api_tokens:tokens",
        ADMINS_POST | {"admin": 200},
        kwargs=slug,
        method="post",
        data=lambda world: {"name": "CRM", "scopes": ["organisations:read"]},
        note="the secret is shown in the answer, not after a redirect",
    ),
    Row("api_tokens:token_revoke", ADMINS, kwargs=token),
    Row("api_tokens:token_revoke", ADMINS_POST, kwargs=token, method="post"),
]
