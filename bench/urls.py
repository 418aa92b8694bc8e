"""The project's routes plus a trivial view: the baseline every page's time is divided by.

The baseline goes through the same middleware (sessions, authentication, CSP, …) but renders no
template and runs no query of its own, so a ratio says what the page itself costs on this machine.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

import samen.urls


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-trivial/", trivial, name="bench_trivial"), *samen.urls.urlpatterns]
handler400 = samen.urls.handler400
handler403 = samen.urls.handler403
handler404 = samen.urls.handler404
handler500 = samen.urls.handler500
