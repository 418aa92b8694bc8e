"""Small builders shared by the actions tests."""

from django.test import Client
from django.urls import reverse

from accounts.models import User
from organisations.models import Organisation


def url(name: str, org: Organisation | str, **kwargs: object) -> str:
    slug = org if isinstance(org, str) else org.slug
    return reverse(f"actions:{name}", kwargs={"slug": slug, **kwargs})


def errors(response, field: str, form: str = "form") -> list[str]:
    return [str(e) for e in response.context[form].errors.get(field, [])]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
