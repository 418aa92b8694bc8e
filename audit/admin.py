"""Platform operators may read the audit log in the admin; nobody may add, change or delete entries."""

from django.contrib import admin
from django.http import HttpRequest

from audit.models import Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "actor", "organisation", "target"]
    list_filter = ["event"]
    search_fields = ["actor", "organisation", "target"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "event", "actor", "organisation", "target", "detail", "prev_hash", "hash"]
    # The change list would otherwise count the whole log on every page view.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
