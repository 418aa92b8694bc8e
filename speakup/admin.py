"""Platform operators see speak-up metadata only: which channels, how many reports, in which state.

Never content: sealed fields (content, messages, attachment names and files), keys, salts and the
receipt lookup value are left out of every page. Everything is read-only: changing handlers or
deleting reports goes through the app, where keys are rotated and the audit log is written.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from speakup.models import Attachment, Channel, ChannelHandler, HandlerGrant, HandlerKey, Message, Report


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    list_display = ("slug", "organisation", "alliance", "is_open", "created_at")
    list_filter = ["is_open"]
    search_fields = ["slug", "organisation__name", "alliance__name"]
    fields = (
        "code",
        "slug",
        "organisation",
        "alliance",
        "is_open",
        "languages",
        "categories",
        "retention_days",
        "max_reports_per_hour",
        "max_attachment_bytes",
        "created_at",
    )
    readonly_fields = fields


@admin.register(ChannelHandler)
class ChannelHandlerAdmin(ReadOnlyAdmin):
    list_display = ("channel", "user", "added_by", "added_at")
    fields = list_display
    readonly_fields = fields


@admin.register(HandlerKey)
class HandlerKeyAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "password_wrapped_at", "recovery_confirmed_at")
    fields = list_display
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("code", "channel", "organisation", "category", "anonymity", "status", "created_on")
    list_filter = ["status", "anonymity"]
    list_select_related = ["channel", "organisation", "category"]
    show_full_result_count = False
    fields = (
        "code",
        "channel",
        "organisation",
        "concerns",
        "category",
        "anonymity",
        "status",
        "key_version",
        "created_on",
        "acknowledged_at",
        "closed_at",
        "delete_after",
    )
    readonly_fields = fields


@admin.register(HandlerGrant)
class HandlerGrantAdmin(ReadOnlyAdmin):
    """Who holds a report's key: the need-to-know list an auditor asks for."""

    list_display = ("report_key", "user", "granted_by", "created_at")
    list_select_related = ["report_key", "user", "granted_by"]
    fields = list_display
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("report", "from_reporter", "author", "created_at", "read_at")
    list_select_related = ["report", "author"]
    fields = ("report", "from_reporter", "author", "key_version", "created_at", "read_at")
    readonly_fields = fields


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("report", "content_type", "size")
    list_select_related = ["report"]
    fields = ("report", "message", "content_type", "size", "key_version")
    readonly_fields = fields
