"""A starter list of decisions typical of a partnership between a funder or northern NGO and a partner.

Facilitators may start a session from it instead of an empty list, then edit, merge or remove. The list
is content in two languages (like the framework's libraries), not UI text: the session keeps the text
in the language chosen, so both partners score the same words.
"""

STARTER_DECISIONS: list[tuple[str, str]] = [
    ("Verdeling van het budget over activiteiten en partners", "Allocation of the budget over activities and partners"),
    ("Keuze van de doelgroepen", "Choice of the target groups"),
    ("Eisen aan rapportage (inhoud, vorm en frequentie)", "Reporting requirements (content, format and frequency)"),
    ("Aanname van projectmedewerkers", "Hiring of project staff"),
    ("Plannen halverwege wijzigen", "Changing plans mid-way"),
    ("Keuze van de evaluatoren", "Choice of the evaluators"),
    (
        "Communicatie over resultaten, naar buiten en naar donoren",
        "Communication about results, to the public and donors",
    ),
    ("Welke resultaten en indicatoren tellen", "Which results and indicators count"),
    ("Overheadkosten en wat daaronder valt", "Overhead costs and what they cover"),
    ("Omgaan met een integriteitsmelding in het project", "Handling an integrity report in the project"),
    ("Nieuwe partners of onderaannemers erbij halen", "Bringing in new partners or subcontractors"),
    ("Verlengen of beëindigen van het partnerschap", "Extending or ending the partnership"),
]


def starter_texts(language: str) -> list[str]:
    """The starter decisions in Dutch ("nl") or else English."""
    return [nl if language == "nl" else en for nl, en in STARTER_DECISIONS]
