"""Attachments: allowlisted by extension and first bytes; metadata stripped before sealing."""

import io

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image

from speakup.forms_public import clean_attachment, strip_pdf
from tests.speakup.conftest import Handler
from tests.speakup.test_public_support import (  # noqa: F401  (fixtures)
    no_traces_middleware,
    png_bytes,
    quick_public_settings,
    receipt_of,
    submit,
    url,
)


@pytest.fixture(autouse=True)
def in_english():
    """The functions below are called outside a request: read their messages in English."""
    with translation.override("en"):
        yield


SECRET = "Camera-of-Amina-GPS-52.37"
LIMIT = 1024 * 1024


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (16, 8), "blue")
    exif = Image.Exif()
    exif[0x010F] = SECRET  # Make
    exif[0x0112] = 6  # Orientation: rotated
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=SECRET.encode())
    return out.getvalue()


def pdf(info: str = "", xmp: str = "", info_ref: bool = True) -> bytes:
    """A small, valid-looking PDF with document properties and an uncompressed XMP packet."""
    parts = [
        b"%PDF-1.7\n",
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>\nendobj\n",
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n",
    ]
    if info_ref:
        properties = f"/Author ({info} \\(x\\)) /Title <{info.encode().hex()}> /Producer (Word (nested))"
        parts.append(f"3 0 obj\n<< {properties} >>\nendobj\n".encode())
    xmp_open = '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    packet = f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>{xmp_open}{xmp}</x:xmpmeta><?xpacket end="w"?>'
    header = f"<< /Type /Metadata /Subtype /XML /Length {len(packet)} >>"
    parts.append(f"4 0 obj\n{header}\nstream\n{packet}\nendstream\nendobj\n".encode())
    parts.append(b"trailer\n<< /Root 1 0 R /Info 3 0 R >>\n%%EOF\n")
    return b"".join(parts)


def test_jpeg_loses_exif_and_comment_and_keeps_its_orientation():
    cleaned = clean_attachment(SimpleUploadedFile("photo.JPG", jpeg_with_exif()), LIMIT)
    assert cleaned.content_type == "image/jpeg"
    assert SECRET.encode() not in cleaned.data
    image = Image.open(io.BytesIO(cleaned.data))
    assert not image.getexif()
    assert image.size == (8, 16)  # turned upright before the orientation tag was dropped


def test_png_loses_its_text_chunks():
    cleaned = clean_attachment(SimpleUploadedFile("scan.png", png_bytes(text=SECRET)), LIMIT)
    assert SECRET.encode() not in cleaned.data
    assert cleaned.data.startswith(b"\x89PNG")


def test_pdf_properties_and_xmp_are_blanked_in_place():
    original = pdf(info=SECRET, xmp=f"<dc:creator>{SECRET}</dc:creator>")
    cleaned = clean_attachment(SimpleUploadedFile("letter.pdf", original), LIMIT)
    assert cleaned.content_type == "application/pdf"
    assert SECRET.encode() not in cleaned.data and SECRET.encode().hex().encode() not in cleaned.data
    assert b"Word" not in cleaned.data
    assert len(cleaned.data) == len(original)  # every byte offset (the cross-reference table) still holds
    assert b"/Author (" in cleaned.data and b"<x:xmpmeta" in cleaned.data


def test_a_pdf_whose_properties_are_compressed_is_refused():
    with pytest.raises(forms.ValidationError, match="cannot remove the hidden details"):
        clean_attachment(SimpleUploadedFile("letter.pdf", pdf(info=SECRET, info_ref=False)), LIMIT)
    compressed_xmp = pdf().replace(b"/Subtype /XML", b"/Subtype /XML /Filter /FlateDecode")
    with pytest.raises(forms.ValidationError):
        clean_attachment(SimpleUploadedFile("letter.pdf", compressed_xmp), LIMIT)


def test_strip_pdf_leaves_a_pdf_without_metadata_alone():
    plain = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    assert strip_pdf(plain) == plain


@pytest.mark.parametrize(
    ("name", "data"),
    [("photo.gif", b"GIF89a..."), ("letter.pdf", b"<html>not a pdf"), ("photo.jpg", png_bytes()), ("run.exe", b"MZ")],
)
def test_type_by_extension_and_first_bytes(name, data):
    with pytest.raises(forms.ValidationError, match="only PDF, JPEG and PNG"):
        clean_attachment(SimpleUploadedFile(name, data), LIMIT)


def test_at_most_five_files(handler: Handler):
    files = [SimpleUploadedFile(f"p{i}.png", png_bytes()) for i in range(6)]
    response = submit(Client(), handler.channel, what="Six files", files={"attachments": files})
    assert "at most 5 files" in response.text
    assert "Six files" in response.text


def test_the_receipt_downloads_as_a_small_text_file(handler: Handler):
    response = Client().post(url("receipt_download", handler.channel, "fr"), {"receipt": "1234567812345678"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert 'attachment; filename="receipt.txt"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "1234 5678 1234 5678" in text
    assert "/speak-up/hulp-meldpunt/fr/follow-up/login/" in text
    assert len(response.content) < 1024
    assert Client().post(url("receipt_download", handler.channel), {"receipt": "12"}).status_code == 400


def test_the_receipt_page_has_a_printable_slip(handler: Handler):
    html = submit(Client(), handler.channel).text
    assert 'class="receipt-slip"' in html and 'class="no-print"' in html
    assert "css/speakup.css" in html
