"""Handler pages, under o/<slug>/speak-up/."""

app_name = "speakup"

urlpatterns: list = []
