"""Mounted at join/: the pages participants reach without an account."""

from django.urls import path

from dialogue.views import public

app_name = "join"

urlpatterns = [
    path("", public.start, name="start"),
    path("<str:code>/", public.enter, name="enter"),
    path("<str:code>/room/", public.room, name="room"),
    path("<str:code>/live/", public.live, name="live"),
    path("<str:code>/vote/", public.vote, name="vote"),
]
