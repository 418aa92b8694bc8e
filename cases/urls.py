"""Case pages, under o/<slug>/cases/. Each view module lists its own patterns."""

from cases.views import annual, calendar, list_csv, playbooks, sharing
from cases.views import cases as case_views

app_name = "cases"

urlpatterns: list = (
    case_views.urlpatterns
    + list_csv.urlpatterns
    + playbooks.urlpatterns
    + sharing.urlpatterns
    + annual.urlpatterns
    + calendar.urlpatterns
)
