"""The agreement as DOCX (python-docx reads it back) and PDF, in the chosen language with the chosen clauses."""

import io

from docx import Document

from audit.models import Entry
from tests.agreements.conftest import make, url


def docx_text(people, agreement, persona="viewer") -> str:
    response = people.client(persona).get(url("agreement_docx", "hulp", code=agreement.code))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Document(io.BytesIO(response.content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_docx_holds_the_chosen_english_clauses_and_not_the_others(people, clause_set, partnership):
    agreement = make(people, partnership, reporting="joint", termination="immediate", donor_days="3")
    text = docx_text(people, agreement)
    assert text.startswith("Integrity agreement")
    assert "1. Parties and purpose" in text
    assert "This agreement is made between Hulp Zonder Grenzen and Kampala Women's Network" in text
    assert "work together for the following purpose: Safe shelters for women in northern Uganda." in text
    # The chosen variants…
    assert "handled jointly by the integrity officers" in text
    assert "with immediate effect by written notice" in text
    assert "within 3 days of becoming aware of it" in text
    assert "the Dutch Ministry of Foreign Affairs" in text
    # …and not the others, nor the clauses of other kinds of agreement.
    assert "passed without delay to the integrity officer (or the person with that task)" not in text
    assert "to put matters right" not in text
    assert "members of the alliance" not in text
    # No placeholder is left unfilled, no Dutch slipped in.
    assert "{" not in text and "}" not in text
    assert "Integriteitsovereenkomst" not in text
    # The six IASC principles, numbered clauses and a signature block per party.
    assert "six core principles of the Inter-Agency Standing Committee" in text
    assert "Sexual activity with anyone under 18 is prohibited" in text
    assert "6.1\t" in text
    assert text.count("Signature") >= 3  # the heading and one row per party
    assert "Place and date" in text


def test_the_dutch_docx_is_dutch(people, clause_set, partnership):
    agreement = make(people, partnership, language="nl", psea=None, misconduct_disclosure=None, donor_days="1")
    text = docx_text(people, agreement)
    assert text.startswith("Integriteitsovereenkomst")
    assert "Deze overeenkomst is gesloten tussen Hulp Zonder Grenzen en Kampala Women's Network" in text
    assert "binnen\n1 dag nadat" not in text and "binnen 1 dag nadat zij ervan op de hoogte is" in text
    assert "Partijen en doel" in text and "Handtekening" in text
    assert "Parties and purpose" not in text
    # Without PSEA, the clause is left out and the numbering closes up.
    assert "IASC" not in text
    assert "6. Medewerking aan onderzoek" in text


def test_a_shared_code_and_the_lead_are_filled_in(people, clause_set, partnership):
    agreement = make(
        people,
        partnership,
        code_of_conduct="shared",
        shared_code="CHS Code",
        donor_notification="lead",
        notify_ministry=None,
        notify_cbf="on",
        other_donors="ECHO",
    )
    text = docx_text(people, agreement)
    assert "a shared code of conduct to all activities under this agreement: CHS Code." in text
    assert "Hulp Zonder Grenzen notifies the CBF (the Dutch fundraising regulator) and ECHO" in text
    assert "Parties recognised by the CBF report serious incidents directly" in text
    assert "grant conditions require" not in text


def test_the_partner_downloads_the_same_agreement(people, partner, clause_set, partnership):
    agreement = make(people, partnership)
    client = people.client("viewer")
    client.force_login(partner.viewer)
    response = client.get(url("agreement_docx", "kampala", code=agreement.code))
    assert response.status_code == 200
    assert (
        'filename="integrity-agreement-hulp-zonder-grenzen-kampala-womens-network-en.docx"'
        in (response["Content-Disposition"])
    )


def test_the_pdf_is_a_pdf(people, clause_set, partnership):
    agreement = make(people, partnership)
    response = people.client("member").get(url("agreement_pdf", "hulp", code=agreement.code))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000


def test_downloads_are_in_the_audit_log(people, clause_set, partnership):
    agreement = make(people, partnership)
    people.client("viewer").get(url("agreement_docx", "hulp", code=agreement.code))
    entry = Entry.objects.get(event="export")
    assert (entry.actor, entry.organisation, entry.detail) == ("viewer@hulp.example", "hulp", {"format": "docx"})


def test_outsiders_cannot_download(people, clause_set, partnership):
    agreement = make(people, partnership)
    for name in ("agreement_docx", "agreement_pdf"):
        assert people.client("outsider").get(url(name, "hulp", code=agreement.code)).status_code == 404
        assert people.client("outsider").get(url(name, "ander", code=agreement.code)).status_code == 404
