"""The public channel, under speak-up/: no account, no cookies until needed."""

app_name = "speakup_public"

urlpatterns: list = []
