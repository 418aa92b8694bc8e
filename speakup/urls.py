"""Handler pages, under o/<slug>/speak-up/."""

from django.urls import path

from speakup.views import keys

app_name = "speakup"

urlpatterns: list = [
    # The handler's own key — speakup/views/keys.py.
    path("key/", keys.key_setup, name="key_setup"),
    path("key/unlock/", keys.unlock, name="unlock"),
    path("key/recover/", keys.recover, name="recover"),
    path("key/lock/", keys.lock, name="lock"),
]
