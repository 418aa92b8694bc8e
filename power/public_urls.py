"""Mounted at join/power/: the pages participants of a power-awareness session reach without an account."""

from django.urls import path

from power.views import public

app_name = "power_join"

urlpatterns = [
    path("<str:code>/", public.enter, name="enter"),
    path("<str:code>/room/", public.room, name="room"),
    path("<str:code>/live/", public.live, name="live"),
    path("<str:code>/decisions/", public.propose, name="propose"),
    path("<str:code>/scores/", public.score, name="score"),
]
