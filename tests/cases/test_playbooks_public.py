"""The framework's playbooks for anyone to read, like the taxonomy. Until samen/urls.py includes them, this
module serves as the URLconf: the project's routes plus `public_urlpatterns`."""

import pytest
from django.urls import reverse

from cases.models import Playbook
from cases.views.playbooks import public_urlpatterns
from samen.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, *public_urlpatterns]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.usefixtures("english", "framework_for_module")]


@pytest.fixture
def framework(db) -> None:
    """The shipped content: loaded once for this module (framework_for_module)."""


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "officer"])
def test_anyone_reads_the_list_of_playbooks(people, framework, persona):
    response = people.client(persona).get(reverse("public_playbooks"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<section aria-labelledby="playbook-') == 6
    assert "acknowledge receipt within 7 days and give the reporter feedback within 3 months" in page
    assert reverse("public_playbook", args=["safeguarding"]) in page


def test_anyone_reads_a_playbook_with_its_steps(people, framework):
    response = people.client("anonymous").get(reverse("public_playbook", args=["fraud-corruption"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Fraud and corruption</h1>" in page
    assert "Secure the evidence" in page
    assert "within 7 days of receipt" in page
    assert 'href="/framework/taxonomy/financial/"' in page  # the categories link to the taxonomy
    assert "Make our own copy" not in page  # nothing to change here
    assert "csrfmiddlewaretoken" not in page.split("<main")[1]


def test_an_unknown_playbook_is_not_found(people, framework):
    assert people.client("anonymous").get(reverse("public_playbook", args=["no-such"])).status_code == 404


def test_an_organisations_copy_is_never_public(people, framework):
    Playbook.objects.filter(organisation__isnull=True, code="general").update(code="framework-general")
    Playbook.objects.create(organisation=people.org, code="general", title_nl="Onze", title_en="Ours")

    assert people.client("anonymous").get(reverse("public_playbook", args=["general"])).status_code == 404


def test_a_retired_playbook_stays_readable_with_a_notice(people, framework):
    Playbook.objects.filter(code="interpersonal").update(retired=True)

    listed = people.client("anonymous").get(reverse("public_playbooks")).content.decode()
    page = people.client("anonymous").get(reverse("public_playbook", args=["interpersonal"])).content.decode()

    assert "Interpersonal misconduct" not in listed
    assert "This playbook is no longer part of the framework." in page


def test_the_list_says_when_nothing_is_loaded(people, db):
    Playbook.objects.all().delete()  # as before `manage.py load_framework`
    page = people.client("anonymous").get(reverse("public_playbooks")).content.decode()
    assert "No playbooks have been loaded yet." in page
