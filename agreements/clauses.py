"""Turns a clause set and the parties' choices into the numbered text of one agreement.

The same `Text` feeds the page, the DOCX and the PDF, so the three always say the same.
"""

from dataclasses import dataclass, field
from typing import Any

from agreements.loader import PLACEHOLDER
from agreements.models import Agreement


@dataclass
class Paragraph:
    number: str
    text: str
    items: list[str] = field(default_factory=list)


@dataclass
class Clause:
    number: int
    code: str
    heading: str
    paragraphs: list[Paragraph]


@dataclass
class Party:
    name: str
    country: str
    is_lead: bool


@dataclass
class Text:
    language: str
    version: str
    title: str
    subtitle: str
    parties: list[Party]
    clauses: list[Clause]
    phrases: dict[str, str]


def _applies(condition: dict[str, Any] | None, choices: dict[str, Any]) -> bool:
    return condition is None or choices.get(condition["choice"]) in condition["values"]


def _join(names: list[str], word_and: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {word_and} {names[-1]}"


def _period(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def placeholder_values(choices: dict[str, Any], parties: dict[str, Any], phrases: dict[str, str]) -> dict[str, str]:
    names = [str(o["name"]) for o in parties["organisations"]]
    donors = []
    if choices.get("notify_ministry"):
        donors.append(phrases["ministry"])
    if choices.get("notify_cbf"):
        donors.append(phrases["cbf"])
    if choices.get("other_donors"):
        donors.append(str(choices["other_donors"]))
    return {
        "parties": _join(names, phrases["and"]),
        "lead": str(parties["lead"]),
        "purpose": str(choices.get("purpose", "")).strip().rstrip("."),
        "alliance": str(parties.get("alliance", "")),
        "shared_code": str(choices.get("shared_code", "")),
        "donors": _join(donors, phrases["and"]) if donors else phrases["donors_fallback"],
        "donor_days": _period(int(choices["donor_days"]), phrases["day"], phrases["days"]),
        "share_days": _period(int(choices["share_days"]), phrases["day"], phrases["days"]),
        "audit_notice": _period(int(choices["audit_notice_days"]), phrases["day"], phrases["days"]),
        "remedy_period": _period(int(choices["remedy_days"]), phrases["day"], phrases["days"]),
        "review_period": _period(int(choices["review_months"]), phrases["month"], phrases["months"]),
    }


def compose(
    content: dict[str, Any], choices: dict[str, Any], parties: dict[str, Any], language: str, version: str
) -> Text:
    # Underscored keys, so that templates can read them (`text.phrases.parties_intro`).
    phrases = {code.replace("-", "_"): texts[language] for code, texts in content["phrases"].items()}
    values = placeholder_values(choices, parties, phrases)

    def fill(text: str) -> str:
        # The loader made sure every placeholder is known; values are plain text, escaped by each output.
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)

    clauses: list[Clause] = []
    for clause in content["clauses"]:
        if not _applies(clause["if"], choices):
            continue
        number = len(clauses) + 1
        paragraphs: list[Paragraph] = []
        for paragraph in clause["paragraphs"]:
            if not _applies(paragraph["if"], choices):
                continue
            paragraphs.append(
                Paragraph(
                    number=f"{number}.{len(paragraphs) + 1}",
                    text=fill(paragraph["text"][language]),
                    items=[fill(item) for item in paragraph["items"].get(language, [])],
                )
            )
        clauses.append(Clause(number, clause["code"], fill(clause["heading"][language]), paragraphs))
    lead = str(parties["lead"])
    return Text(
        language=language,
        version=version,
        title=phrases["title"],
        subtitle=values["alliance"] or values["parties"],
        parties=[
            Party(str(o["name"]), str(o.get("country", "")), str(o["name"]) == lead) for o in parties["organisations"]
        ],
        clauses=clauses,
        phrases=phrases,
    )


def render(agreement: Agreement) -> Text:
    clause_set = agreement.clause_set
    return compose(clause_set.content, agreement.choices, agreement.parties, agreement.language, clause_set.version)
