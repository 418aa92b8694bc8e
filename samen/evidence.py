"""Evidence files people upload (to assessments, to the integrity roadmap): which files Samen accepts.

A file is accepted by its name AND its first bytes (and, for DOCX and XLSX, the zip members that make
them what they claim), under a size limit from the settings. Where files are stored stays with the app
that stores them.
"""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Extension → (content type, the bytes such a file starts with). DOCX and XLSX are zip files;
# their inside is checked too, see `sniff`.
EVIDENCE_TYPES: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".txt": ("text/plain", b""),
}
ZIP_MEMBERS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def evidence_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def sniff(upload: UploadedFile) -> str:
    """The content type of an uploaded evidence file, checked by its name, size and first bytes."""
    name = upload.name or ""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    zip_names = None
    if head.startswith(b"PK\x03\x04") and (upload.size or 0) <= 50 * 1024 * 1024:
        try:
            with zipfile.ZipFile(upload) as archive:
                zip_names = archive.namelist()
        except zipfile.BadZipFile:
            zip_names = []
        upload.seek(0)
    return check_evidence(name, upload.size or 0, head, zip_names)


def check_evidence(name: str, size: int, head: bytes, zip_names: list[str] | None = None) -> str:
    """The content type of an acceptable file; raises ValidationError with a message for the person.

    `head` is the file's first bytes; `zip_names` the members of a zip file (for DOCX and XLSX).
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise ValidationError(
            _("%(name)s is not a file type Samen accepts. Upload a PDF, PNG, JPEG, DOCX, XLSX or TXT file."),
            params={"name": name},
            code="type",
        )
    limit = evidence_max_bytes()
    if size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s MB. Upload a smaller file."),
            params={"name": name, "limit": f"{limit / 1024 / 1024:g}"},
            code="size",
        )
    content_type, magic = EVIDENCE_TYPES[suffix]
    looks_right = head.startswith(magic)
    if suffix == ".txt":
        looks_right = b"\x00" not in head and _is_text(head)
    if suffix in ZIP_MEMBERS:
        looks_right = looks_right and zip_names is not None and ZIP_MEMBERS[suffix] in zip_names
    if not looks_right:
        raise ValidationError(
            _("%(name)s does not contain what its name says (%(kind)s). Upload the file again or save it anew."),
            params={"name": name, "kind": suffix.lstrip(".").upper()},
            code="content",
        )
    return content_type


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may cut a multi-byte character in two at its very end.
        return error.start >= len(head) - 3
    return True
