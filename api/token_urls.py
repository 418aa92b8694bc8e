"""The token pages of an organisation; to be mounted at o/<slug:slug>/api-tokens/ (app_name "api_tokens")."""

from django.urls import path

from api import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.tokens, name="tokens"),
    path("<uuid:code>/revoke/", token_views.token_revoke, name="token_revoke"),
]
