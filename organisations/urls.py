from django.urls import path

from organisations.views import alliances, exports, overview, partner_import, partners, people, sharing

app_name = "organisations"

urlpatterns = [
    path("invitation/<str:token>/", people.invitation_accept, name="invitation_accept"),
    path("o/<slug:slug>/", overview.dashboard, name="dashboard"),
    path("o/<slug:slug>/profile/", overview.profile, name="profile"),
    path("o/<slug:slug>/audit/", overview.audit, name="audit"),
    # Partners
    path("o/<slug:slug>/partners/", partners.partners, name="partners"),
    path("o/<slug:slug>/partners/new/", partners.partnership_form, name="partner_add"),
    path("o/<slug:slug>/partners/csv/", exports.partners_csv, name="partners_csv"),
    path("o/<slug:slug>/partners/import/", partner_import.partners_import, name="partners_import"),
    path(
        "o/<slug:slug>/partners/import/example.csv",
        partner_import.partners_import_template,
        name="partners_import_template",
    ),
    path("o/<slug:slug>/partners/<uuid:code>/", partners.partnership, name="partnership"),
    path("o/<slug:slug>/partners/<uuid:code>/edit/", partners.partnership_form, name="partnership_edit"),
    path("o/<slug:slug>/partners/<uuid:code>/delete/", partners.partnership_delete, name="partnership_delete"),
    path("o/<slug:slug>/partners/<uuid:code>/invite/", partners.partner_invite, name="partner_invite"),
    # Alliances
    path("o/<slug:slug>/alliances/", alliances.alliances, name="alliances"),
    path("o/<slug:slug>/alliances/csv/", exports.alliances_csv, name="alliances_csv"),
    path("o/<slug:slug>/alliances/new/", alliances.alliance_form, name="alliance_add"),
    path("o/<slug:slug>/alliances/<uuid:code>/", alliances.alliance, name="alliance"),
    path("o/<slug:slug>/alliances/<uuid:code>/edit/", alliances.alliance_form, name="alliance_edit"),
    path("o/<slug:slug>/alliances/<uuid:code>/members/", alliances.alliance_members, name="alliance_members"),
    # People
    path("o/<slug:slug>/people/", people.people, name="people"),
    path("o/<slug:slug>/people/csv/", exports.people_csv, name="people_csv"),
    path("o/<slug:slug>/people/invite/", people.invite, name="invite"),
    path("o/<slug:slug>/people/<uuid:code>/role/", people.member_role, name="member_role"),
    path("o/<slug:slug>/people/<uuid:code>/remove/", people.member_remove, name="member_remove"),
    path("o/<slug:slug>/invitations/<uuid:code>/revoke/", people.invitation_revoke, name="invitation_revoke"),
    # Sharing
    path("o/<slug:slug>/sharing/", sharing.sharing, name="sharing"),
    path("o/<slug:slug>/sharing/csv/", exports.sharing_csv, name="sharing_csv"),
    path("o/<slug:slug>/sharing/new/", sharing.consent_add, name="consent_add"),
    path("o/<slug:slug>/sharing/<uuid:code>/revoke/", sharing.consent_revoke, name="consent_revoke"),
    path("o/<slug:slug>/shared/<uuid:code>/", sharing.shared, name="shared"),
]
