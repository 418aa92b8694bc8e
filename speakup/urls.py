"""Handler pages, under o/<slug>/speak-up/."""

from django.urls import path

from speakup.views import channels, handlers, keys

app_name = "speakup"

urlpatterns: list = [
    # The handler's own key — speakup/views/keys.py.
    path("key/", keys.key_setup, name="key_setup"),
    path("key/unlock/", keys.unlock, name="unlock"),
    path("key/recover/", keys.recover, name="recover"),
    path("key/lock/", keys.lock, name="lock"),
    # Channel configuration (admins and integrity officers) — speakup/views/channels.py.
    path("channels/", channels.channels, name="channels"),
    path("channels/add/", channels.channel_add, name="channel_add"),
    path("channels/<uuid:code>/", channels.channel_edit, name="channel_edit"),
    path("channels/<uuid:code>/handlers/", channels.channel_handlers, name="channel_handlers"),
    path(
        "channels/<uuid:code>/handlers/<uuid:member>/remove/",
        channels.channel_handler_remove,
        name="channel_handler_remove",
    ),
    # The case file of the assigned handlers — speakup/views/handlers.py.
    path("", handlers.inbox, name="inbox"),
    path("reports/<uuid:code>/", handlers.report, name="report"),
    path("reports/<uuid:code>/reply/", handlers.report_reply, name="report_reply"),
    path("reports/<uuid:code>/acknowledge/", handlers.report_acknowledge, name="report_acknowledge"),
    path("reports/<uuid:code>/close/", handlers.report_close, name="report_close"),
    path(
        "reports/<uuid:code>/attachments/<slug:name>/",
        handlers.attachment_download,
        name="attachment_download",
    ),
]
