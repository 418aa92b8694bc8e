"""Small builders shared by the roadmap tests."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from framework.loader import CONTENT_DIR, Changes, parse
from organisations.models import Organisation
from roadmap.loader import load_roadmap

ROADMAP_FILE = CONTENT_DIR / "roadmap" / "integrity-system.yaml"
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"


def load_real_roadmap() -> Changes:
    """The roadmap as it ships, loaded on its own (the rest of the framework content is not needed)."""
    return load_roadmap(parse(ROADMAP_FILE, CONTENT_DIR))


def url(name: str, org: Organisation | str, **kwargs: object) -> str:
    slug = org if isinstance(org, str) else org.slug
    return reverse(f"roadmap:{name}", kwargs={"slug": slug, **kwargs})


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def query_count(client: Client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)
