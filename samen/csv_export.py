"""CSV downloads that open cleanly in Excel and cannot run as formulas.

Every CSV export of Samen goes through here, so the three rules live in one place:
a byte-order mark (Excel reads a CSV as UTF-8 only when it starts with one), cells that a
spreadsheet would run as a formula made plain text, and an attachment filename that is safe
in a header.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

BOM = "\ufeff"
# What a spreadsheet treats as the start of a formula (OWASP "CSV injection"); tab and CR too,
# because some programs strip them before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as text that a spreadsheet shows as is, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.isoformat()
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def filename(*parts: str, extension: str = "csv") -> str:
    """`parts` slugified and joined, with today's date: "hulp-partners-2025-03-01.csv"."""
    stem = "-".join(slugify(p)[:60] for p in parts if slugify(p)) or "export"
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """The CSV file itself: the byte-order mark, a header row, then `rows`, every cell made safe."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(name: str, header: Iterable[object], rows: Iterable[Iterable[object]]) -> HttpResponse:
    """A CSV attachment called `name`: a header row, then `rows`, every cell made safe."""
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or "attachment"
    return response
