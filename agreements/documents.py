"""The agreement as an editable DOCX (python-docx) and as a PDF (WeasyPrint), from the same `Text`."""

import io

from django.template.loader import render_to_string
from django.utils.text import slugify

from agreements.clauses import Text, render
from agreements.models import Agreement
from samen.pdf import html_to_pdf


def filename(agreement: Agreement, extension: str) -> str:
    return f"integrity-agreement-{slugify(agreement.title)[:60] or agreement.code}-{agreement.language}.{extension}"


def docx_bytes(text: Text) -> bytes:
    # Imported here: python-docx loads its XML templates, which most requests never need.
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = f"{text.title} — {text.subtitle}"
    document.core_properties.language = text.language
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(text.title, level=0)
    document.add_paragraph(text.subtitle)
    document.add_paragraph(text.phrases["parties_intro"])
    for party in text.parties:
        line = party.name + (f" ({party.country})" if party.country else "")
        if party.is_lead:
            line += f" — {text.phrases['lead_marker']}"
        document.add_paragraph(line, style="List Bullet")

    for clause in text.clauses:
        document.add_heading(f"{clause.number}. {clause.heading}", level=1)
        for paragraph in clause.paragraphs:
            document.add_paragraph(f"{paragraph.number}\t{paragraph.text}")
            for item in paragraph.items:
                document.add_paragraph(item, style="List Bullet")

    document.add_heading(text.phrases["signatures"], level=1)
    document.add_paragraph(text.phrases["signatures_intro"])
    for party in text.parties:
        document.add_heading(party.name, level=2)
        table = document.add_table(rows=4, cols=2)
        table.style = "Table Grid"
        for row, key in zip(table.rows, ("name", "function", "place_date", "signature"), strict=True):
            row.cells[0].text = text.phrases[key]
            row.cells[1].text = ""
        table.rows[3].height = Pt(48)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{text.phrases['made_with']} {text.version}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def html(text: Text) -> str:
    return render_to_string("agreements/print.html", {"text": text})


def pdf_bytes(text: Text) -> bytes:
    # Imported here: loading WeasyPrint parses its default stylesheets, which most requests never need.
    return html_to_pdf(html(text), "agreements/print.css")


def agreement_docx(agreement: Agreement) -> bytes:
    return docx_bytes(render(agreement))


def agreement_pdf(agreement: Agreement) -> bytes:
    return pdf_bytes(render(agreement))
