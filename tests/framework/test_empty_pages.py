"""The framework's pages before `manage.py load_framework` ran: each says how to load the content.

Apart from the other page tests, which share one loaded framework per module (framework_for_module).
"""

from django.test import Client
from django.urls import reverse

GLOSSARY = reverse("framework:glossary")
TAXONOMY = reverse("framework:taxonomy")
LIBRARIES = reverse("framework:libraries")


def client_in(language: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def test_an_empty_glossary_says_how_to_load_it(db):
    assert "load_framework" in client_in("en").get(GLOSSARY).content.decode()


def test_an_empty_taxonomy_says_how_to_load_it(db):
    assert "load_framework" in client_in("en").get(TAXONOMY).content.decode()


def test_an_empty_library_list_says_how_to_load_it(db):
    assert "load_framework" in client_in("en").get(LIBRARIES).content.decode()
