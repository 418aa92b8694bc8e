"""Django admin for platform operators only; organisations manage themselves in the app's own pages."""

from django.contrib import admin

from organisations.models import Alliance, AllianceMember, Consent, Invitation, Membership, Organisation, Partnership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["code", "created_at", "last_used_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "country", "size_category", "iati_identifier", "kvk_number"]
    list_filter = ["kind", "size_category"]
    search_fields = ["name", "slug", "iati_identifier", "kvk_number"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["registered_by"]
    readonly_fields = ["code", "created_at"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at", "last_used_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    raw_id_fields = ["user", "organisation"]
    readonly_fields = ["code", "created_at", "last_used_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]
    # The token hash is the key to the link: nobody needs to see or change it.
    exclude = ["token_hash"]
    readonly_fields = ["code", "created_at", "accepted_at", "accepted_by"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "partner", "kind", "status", "starts_on", "ends_on"]
    list_filter = ["kind", "status"]
    search_fields = ["organisation__name", "partner__name", "title"]
    list_select_related = ["organisation", "partner"]
    raw_id_fields = ["organisation", "partner"]
    readonly_fields = ["code", "created_at"]


class AllianceMemberInline(admin.TabularInline):
    model = AllianceMember
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ["name", "lead", "starts_on", "ends_on"]
    search_fields = ["name", "lead__name"]
    list_select_related = ["lead"]
    raw_id_fields = ["lead"]
    readonly_fields = ["code", "created_at"]
    inlines = [AllianceMemberInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "subject",
        "scope",
        "to_organisation",
        "to_alliance",
        "given_at",
        "valid_until",
        "revoked_at",
    ]
    list_filter = ["scope", "subject"]
    search_fields = ["organisation__name", "subject"]
    list_select_related = ["organisation", "to_organisation", "to_alliance"]
    raw_id_fields = ["organisation", "to_organisation", "to_alliance", "given_by", "revoked_by"]
    readonly_fields = ["code", "given_at"]
