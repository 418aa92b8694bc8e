"""The de-identification checker: what it flags before a dilemma leaves its organisation.

Measured on the hand-labelled corpus in tests/dilemmas/deid_corpus.py, 40 texts (20 Dutch, 20 English), as
`pytest -s` prints it:

    kind          labels  found  flags  recall  precision
    person            39     32     34    0.82       0.94
    organisation      21     18     18    0.86       1.00
    email              4      4      4    1.00       1.00
    phone              9      9      9    1.00       1.00
    iban               3      3      3    1.00       1.00
    bsn                3      3      3    1.00       1.00
    birth_date         6      6      6    1.00       1.00
    place             42     42     43    1.00       0.98
    url                4      4      4    1.00       1.00
    overall          131    121    124    0.92       0.98

A label counts as found when a finding of the same kind overlaps it; a finding counts as right when it overlaps a
label of its kind. The misses are by design: first names on their own ("Wat moet Pieter doen?"), people unknown to
Samen named without a title or cue ("Achieng Atieno, geboren op…", "die Okot Simon heet"), organisations unknown
to Samen ("Amani Community Trust"). The false alarms: programmes after "called"/"heet" ("Safe Schools", "Veilig
Thuis") and a place inside an unknown organisation's name ("Kisumu Hardware Ltd"). The corpus was written by the
same engineer as the checker, so take the numbers as a floor for what it should keep doing, not as a benchmark.
"""

import itertools
import random
import re
from dataclasses import dataclass

import pytest
from django.utils import translation

from dilemmas.deidentify import KINDS, Finding, find_identifiers, is_valid_bsn, is_valid_iban, places, redact
from tests.dilemmas.deid_corpus import KNOWN_ORGANISATIONS, KNOWN_PEOPLE, SAMPLES, Sample

# ---------------------------------------------------------------------------------------------------------------
# Precision and recall on the corpus
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int

    def overlaps(self, other: "Span | Finding") -> bool:
        return self.kind == other.kind and self.start < other.end and other.start < self.end


def labelled_spans(sample: Sample) -> list[Span]:
    """Every whole-word occurrence of every label, less those inside a longer label."""
    spans = []
    for kind, substring in sample.labels:
        found = [
            Span(kind, m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(substring)}(?!\w)", sample.text)
        ]
        assert found, f"label {substring!r} is not in: {sample.text[:60]}…"
        spans += found
    return [
        s
        for s in spans
        if not any(o.start <= s.start and s.end <= o.end and (o.end - o.start) > (s.end - s.start) for o in spans)
    ]


@dataclass
class Score:
    labels: int = 0
    found: int = 0
    findings: int = 0
    right: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.findings if self.findings else 1.0


def score_corpus() -> tuple[dict[str, Score], list[str], list[str]]:
    scores = {kind: Score() for kind in KINDS}
    missed, false_alarms = [], []
    for sample in SAMPLES:
        spans = labelled_spans(sample)
        findings = find_identifiers(sample.text, people=KNOWN_PEOPLE, organisations=KNOWN_ORGANISATIONS)
        for span in spans:
            scores[span.kind].labels += 1
            if any(span.overlaps(f) for f in findings):
                scores[span.kind].found += 1
            else:
                missed.append(f"{span.kind}: {sample.text[span.start : span.end]!r}")
        for finding in findings:
            scores[finding.kind].findings += 1
            if any(span.overlaps(finding) for span in spans):
                scores[finding.kind].right += 1
            else:
                false_alarms.append(f"{finding.kind}: {finding.text!r}")
    return scores, missed, false_alarms


def table(scores: dict[str, Score]) -> str:
    total = Score(*(sum(getattr(s, f) for s in scores.values()) for f in ("labels", "found", "findings", "right")))
    lines = [f"{'kind':<13}{'labels':>7}{'found':>7}{'flags':>7}{'recall':>8}{'precision':>11}"]
    for kind, s in [*scores.items(), ("overall", total)]:
        lines.append(f"{kind:<13}{s.labels:>7}{s.found:>7}{s.findings:>7}{s.recall:>8.2f}{s.precision:>11.2f}")
    return "\n".join(lines)


def test_the_corpus_is_realistic_in_both_languages():
    languages = [s.language for s in SAMPLES]
    assert len(SAMPLES) >= 30
    assert languages.count("nl") >= 15 and languages.count("en") >= 15
    assert sum(1 for s in SAMPLES if not s.labels) >= 4, "texts with nothing to flag keep precision honest"
    assert {kind for s in SAMPLES for kind, _ in s.labels} == set(KINDS), "every kind is labelled somewhere"


def test_precision_and_recall_on_the_corpus():
    scores, missed, false_alarms = score_corpus()
    print("\n" + table(scores))
    print("missed:", *missed, sep="\n  ")
    print("false alarms:", *false_alarms, sep="\n  ")

    assert all(s.found > 0 for s in scores.values()), "every kind is caught at least once"
    total_labels = sum(s.labels for s in scores.values())
    total_findings = sum(s.findings for s in scores.values())
    assert sum(s.found for s in scores.values()) / total_labels >= 0.9
    assert sum(s.right for s in scores.values()) / total_findings >= 0.85
    for kind in ("email", "iban", "bsn", "phone"):
        assert scores[kind].recall == 1.0, kind


def test_texts_with_nothing_identifying_get_no_flags():
    for sample in SAMPLES:
        if not sample.labels:
            assert find_identifiers(sample.text, people=KNOWN_PEOPLE, organisations=KNOWN_ORGANISATIONS) == []


def test_findings_are_sorted_without_overlaps_and_quote_the_text():
    for sample in SAMPLES:
        findings = find_identifiers(sample.text, people=KNOWN_PEOPLE, organisations=KNOWN_ORGANISATIONS)
        assert findings == sorted(findings, key=lambda f: f.start)
        assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
        assert all(sample.text[f.start : f.end] == f.text and f.kind in KINDS for f in findings)


# ---------------------------------------------------------------------------------------------------------------
# Per kind
# ---------------------------------------------------------------------------------------------------------------


def flags(text: str, **names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_identifiers(text, **names)]


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("111222333", True),
        ("123456782", True),
        ("628194821", True),
        ("037167868", True),
        ("37167868", True),  # eight digits: a leading zero is implied
        ("123456789", False),
        ("111222334", False),
        ("000000000", False),
        ("12345678a", False),
    ],
)
def test_bsn_elfproef(number, valid):
    assert is_valid_bsn(number) is valid


def test_bsn_in_text():
    assert flags("BSN: 111222333.") == [("bsn", "111222333")]
    assert flags("sofinummer 1112.22.333 en") == [("bsn", "1112.22.333")]
    assert flags("nummer 111 222 333") == [("bsn", "111 222 333")]
    assert flags("burgerservicenummer 37167868") == [("bsn", "37167868")]


@pytest.mark.parametrize(
    "text",
    [
        "projectcode 123456789",  # fails the elfproef
        "ordernummer 37167868",  # eight digits without "BSN" in front
        "een bedrag van € 111222333",  # an amount, however it checks out
        "UGX 111 222 333 in cash",
        "rekening 1112223334",  # ten digits
    ],
)
def test_numbers_that_are_not_a_bsn(text):
    assert [k for k, _ in flags(text)] == []


@pytest.mark.parametrize(
    "iban",
    ["NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "BE68539007547034", "DE89 3704 0044 0532 0130 00",
     "GB29NWBK60161331926819", "JO94CBJO0010000000000131000302", "nl91abna0417164300"],
)  # fmt: skip
def test_iban_checksum(iban):
    assert is_valid_iban(iban)
    assert flags(f"Please pay to {iban} today.") == [("iban", iban)]


@pytest.mark.parametrize(
    "iban", ["NL91ABNA0417164301", "NL19ABNA0417164300", "NL91ABNA041716430", "XX91ABNA0417164300", "NL91 ABNA"]
)
def test_iban_with_a_wrong_checksum_or_length_is_not_one(iban):
    assert not is_valid_iban(iban)
    assert [k for k, _ in flags(f"Please pay to {iban} today.")] == []


def test_iban_does_not_swallow_the_next_word():
    assert flags("IBAN NL91 ABNA 0417 1643 00 TEST") == [("iban", "NL91 ABNA 0417 1643 00")]


@pytest.mark.parametrize(
    "phone",
    ["06-12345678", "06 1234 5678", "0612345678", "020-1234567", "020 123 4567", "(020) 123 4567", "0592-123456",
     "+31 6 1234 5678", "+31 (0)20 123 4567", "+31612345678", "+256 772 123456", "+254-722-123-456", "0772 123456",
     "0031 20 123 4567"],
)  # fmt: skip
def test_phone_numbers(phone):
    assert flags(f"Bel {phone} voor meer.") == [("phone", phone)]


@pytest.mark.parametrize(
    "text",
    ["in 2026", "€ 12.500", "€ 1.250.000", "UGX 2,000,000", "zaak 2026-0014", "op 12-03-2024", "op 01-03-2024",
     "van 09.00-11.00 uur", "1.200 huishoudens", "postcode 1234 AB", "versie 0.9.12", "op 03-05-2024 10 mensen"],
)  # fmt: skip
def test_numbers_that_are_not_phone_numbers(text):
    assert flags(text) == []


def test_email_and_web_addresses():
    assert flags("Mail j.jansen@hulp.nl of kijk op https://hulp.nl/meld?x=1.") == [
        ("email", "j.jansen@hulp.nl"),
        ("url", "https://hulp.nl/meld?x=1"),
    ]
    assert flags("See www.partner.or.ug, or partner.org/team.") == [
        ("url", "www.partner.or.ug"),
        ("url", "partner.org/team"),
    ]
    assert flags("e.g. the report.pdf, i.e. version 2.1") == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("geboren op 12 maart 1987", "12 maart 1987"),
        ("born 3 May 1990", "3 May 1990"),
        ("born on May 3, 1990", "May 3, 1990"),
        ("geb. 12-03-1987", "12-03-1987"),
        ("DOB 1987-03-12", "1987-03-12"),
        ("Date of birth: 12/03/1987", "12/03/1987"),
        ("geboortedatum 1 jan. 2001", "1 jan. 2001"),
        ("geboren in Rotterdam op 2 april 1975", "2 april 1975"),
    ],
)
def test_dates_of_birth(text, date):
    assert ("birth_date", date) in flags(text)


@pytest.mark.parametrize(
    "text",
    ["de vergadering van 12 maart 2026", "due on 30-06-2026", "born in 1987", "een baby, geboren. Op 12-03-2024 "],
)
def test_dates_without_a_birth_cue_are_not_flagged(text):
    assert [k for k, _ in flags(text)] == []


KNOWN = {"people": ("Jan de Vries", "Grace Achieng Okello", "Piet Bos", "Anna Hope"), "organisations": ()}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Jan de Vries belde", "Jan de Vries"),
        ("JAN DE VRIES belde", "JAN DE VRIES"),
        ("volgens De Vries", "De Vries"),
        ("volgens de Vries", "de Vries"),
        ("getekend J. de Vries", "J. de Vries"),
        ("signed J.P. de Vries", "J.P. de Vries"),
        ("Grace Okello said", "Grace Okello"),  # without the middle name
        ("Okello said", "Okello"),
        ("Piet Bos zei", "Piet Bos"),
    ],
)
def test_known_people(text, name):
    assert flags(text, **KNOWN) == [("person", name)]


@pytest.mark.parametrize(
    "text",
    [
        "we liepen door het bos",  # a surname under four letters is not flagged alone…
        "Bos zei niets",
        "there is hope",  # …nor one that is a common word
        "de vries is een familienaam",  # a surname alone needs its capital
        "Jan zei niets",  # first names alone are not flagged
    ],
)
def test_known_people_not_flagged(text):
    assert flags(text, **KNOWN) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("mevrouw Jansen zei", "Jansen"),
        ("Mevrouw van der Berg zei", "van der Berg"),
        ("dhr. Bakker belde", "Bakker"),
        ("De heer K. Mensah belde", "K. Mensah"),
        ("Mr Okello said", "Okello"),
        ("Dr. Achieng Atieno said", "Achieng Atieno"),
        ("told Mr Okello On Monday", "Okello"),
        ("a volunteer called Abdul Karim", "Abdul Karim"),
        ("een vrijwilliger genaamd Lotte Kramer", "Lotte Kramer"),
        ("zij heet Fatima", "Fatima"),
    ],
)
def test_people_unknown_to_samen_found_by_title_or_cue(text, name):
    assert flags(text) == [("person", name)]


@pytest.mark.parametrize(
    "text",
    ["open it in MS Word", "the Dr. He said", "meneer zei niets", "het water is heet", "Mevrouw. De vergadering"],
)
def test_titles_and_cues_without_a_name(text):
    assert flags(text) == []


def test_organisations():
    orgs = {"organisations": ("Stichting Waterwerk", "Gulu Women's Network (GWN)", "Ander Fonds", "ZOA")}
    assert flags("Waterwerk en Stichting Waterwerk", **orgs) == [
        ("organisation", "Waterwerk"),
        ("organisation", "Stichting Waterwerk"),
    ]
    assert flags("GWN, Gulu Women’s Network and gwn", **orgs) == [
        ("organisation", "GWN"),
        ("organisation", "Gulu Women’s Network"),
    ]
    assert flags("Ander Fonds, een ander fonds, ZOA, zoa", **orgs) == [
        ("organisation", "Ander Fonds"),
        ("organisation", "ZOA"),
    ]


def test_places():
    assert flags("Van Gulu naar Addis Ababa, via Den Haag") == [
        ("place", "Gulu"),
        ("place", "Addis Ababa"),
        ("place", "Den Haag"),
    ]
    assert flags("In Mali, Uganda and Kenya") == []  # countries are not flagged
    assert flags("gulu, lira") == []  # place names are written with a capital
    assert flags("Kampala-based, GULU") == [("place", "Kampala"), ("place", "GULU")]


def test_the_place_list():
    listed = places()
    assert len(listed) >= 300
    assert {"Gulu", "Addis Ababa", "Kathmandu", "Bamako", "Utrecht", "'s-Hertogenbosch"} <= set(listed)
    assert not {"Uganda", "Mali", "Nederland", "Netherlands", "Kenya", "Best", "Goes"} & set(listed)


# ---------------------------------------------------------------------------------------------------------------
# Overlaps, redaction, many names
# ---------------------------------------------------------------------------------------------------------------


def test_the_longest_finding_wins():
    names = {"people": ("Esther Wanjiru",), "organisations": ("Gulu Women's Network",)}
    assert flags("esther.wanjiru@gmail.com", **names) == [("email", "esther.wanjiru@gmail.com")]
    assert flags("Gulu Women's Network in Gulu", **names) == [
        ("organisation", "Gulu Women's Network"),
        ("place", "Gulu"),
    ]
    assert flags("+31 612345678") == [("phone", "+31 612345678")]  # nine digits passing the elfproef inside


def test_an_organisation_named_like_a_person_stays_an_organisation():
    assert flags("Anna Hope belde", people=("Anna Hope",), organisations=("Anna Hope",)) == [
        ("organisation", "Anna Hope")
    ]


def test_redact_replaces_each_finding_by_its_kind():
    text = "Mr Okello (okello@gwn.ug) in Gulu."
    with translation.override("en"):
        assert redact(text, find_identifiers(text)) == "Mr [person] ([email address]) in [place]."
    with translation.override("nl"):
        assert redact(text, find_identifiers(text)).startswith(f"Mr [{KINDS['person']}]")


def test_redact_with_own_replacement_and_stale_findings():
    text = "Bel 06-12345678 of 020-1234567."
    findings = find_identifiers(text)
    assert redact(text, findings, lambda f: "…") == "Bel … of …."
    assert redact(text, []) == text
    with pytest.raises(ValueError, match="not in this text"):
        redact("Bel 06-87654321.", findings)
    # Overlapping findings (find_identifiers gives none): the one that starts last is replaced, the other kept.
    overlapping = [Finding("person", 0, 3, "Bel"), Finding("phone", 1, 8, "el 06-1")]
    assert redact(text, overlapping, lambda f: "X") == "BX" + text[8:]


def test_thousands_of_known_names_in_a_long_text():
    rng = random.Random(6)
    syllables = ["ka", "ro", "mi", "ben", "del", "vos", "tru", "ang", "oke", "llo", "sen", "ber", "gen", "wa"]
    people = [
        f"{rng.choice(['Jan', 'Grace', 'Moses', 'Fatima', 'Sanne'])} {rng.choice(['', 'van ', 'de '])}"
        + "".join(rng.choice(syllables) for _ in range(4)).capitalize()
        for _ in range(5000)
    ]
    words = "the partner in Gulu said that the invoice of € 12.500 was paid twice and"
    text = " ".join(rng.choice(words.split()) for _ in range(2000)) + f" signed by {people[4321]}."
    findings = find_identifiers(text, people=people, organisations=["Stichting Waterwerk"] * 100)
    assert findings[-1] == Finding("person", len(text) - 1 - len(people[4321]), len(text) - 1, people[4321])
    assert {f.kind for f in findings} == {"place", "person"}
