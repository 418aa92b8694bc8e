"""The project's routes with the token pages mounted where samen/urls.py is to mount them (o/<slug>/api-tokens/).

Once samen/urls.py mounts them itself, this adds nothing.
"""

from django.urls import NoReverseMatch, include, path, reverse

import samen.urls

urlpatterns = list(samen.urls.urlpatterns)
try:
    reverse("api_tokens:tokens", urlconf="samen.urls", kwargs={"slug": "x"})
except NoReverseMatch:
    urlpatterns.append(path("o/<slug:slug>/api-tokens/", include("api.token_urls")))

handler400 = samen.urls.handler400
handler403 = samen.urls.handler403
handler404 = samen.urls.handler404
handler500 = samen.urls.handler500
