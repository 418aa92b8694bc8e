"""Flags what could identify people in a dilemma before it is shared beyond its organisation.

`find_identifiers(text, people=…, organisations=…)` returns the spans an author must resolve: names of people and
organisations known to Samen (passed in by the caller), people named with a title or after "named"/"genaamd",
email addresses, web addresses, phone numbers, IBANs (mod-97 check), Dutch BSNs (elfproef), dates of birth and
place names (dilemmas/data/places.txt). `redact(text, findings)` replaces them by the label of their kind.

It is a checker, not a guarantee: the author resolves each flag, and what it misses (a first name on its own, a
person unknown to Samen named without a title or cue, an organisation unknown to Samen) stays the author's to see.
Each kind is one compiled regex run once over the text; known names and places are looked up word by word in a
trie built once per set of names and cached, so 5,000 names cost no more per check than five. Measured precision
and recall on a hand-labelled corpus are in tests/dilemmas/test_deidentify.py.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KINDS: dict[str, Promise] = {
    "person": _("person"),
    "organisation": _("organisation"),
    "email": _("email address"),
    "phone": _("phone number"),
    "iban": _("bank account number"),
    "bsn": _("citizen service number"),
    "birth_date": _("date of birth"),
    "place": _("place"),
    "url": _("web address"),
}

# When two findings cover the same stretch equally long, the more specific kind wins (earlier in this list).
_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        ("email", "url", "iban", "bsn", "phone", "birth_date", "organisation", "person", "place")
    )
}

PLACES_FILE = Path(__file__).parent / "data" / "places.txt"


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


# ---------------------------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------------------------

# Python's re has no \p{Lu}: collect the capitals of Latin-1 and Latin Extended-A/B once.
_UPPER = "".join(re.escape(c) for c in map(chr, range(0x41, 0x250)) if c.isupper())
_LETTER = r"[^\W\d_]"
_SPACE = r"[^\S\n]+"  # spaces within a line: a name does not run on over a line break
_WORD = rf"[{_UPPER}]{_LETTER}+(?:['’-]{_LETTER}+)*"  # a capitalised word: Okello, O'Brien, Jean-Pierre


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Dutch tussenvoegsels and their cousins in other languages, longest first so "van der" beats "van".
TUSSENVOEGSELS = (
    "van der", "van den", "van de", "van het", "van 't", "in 't", "in de", "op de", "op den", "op ten", "uit de",
    "uit den", "de la", "van", "von", "der", "den", "de", "het", "'t", "ter", "ten", "te", "da", "das", "dos", "di",
    "du", "del", "della", "le", "la", "el", "al", "bin", "ibn",
)  # fmt: skip
_TUSSEN = "(?i:" + "|".join(re.escape(t).replace(r"\ ", _SPACE).replace("'", "['’]") for t in TUSSENVOEGSELS) + ")"
_TUSSEN_WORDS = frozenset(w for t in TUSSENVOEGSELS for w in t.split())

# Capitalised words that follow a title or "called" without being a name (sentence starts, days, months).
_NOT_NAMES = _words(
    """
    the a an and or but in on at to of for from with he she they we i it his her their our this that these those
    when then after before because if as so yes no not who which what where there here also all some
    de het een en of maar op te hij zij ze wij we ik jij u dit dat deze die toen na voor omdat als dus ja nee niet
    wie wat waar daar hier ook alle
    monday tuesday wednesday thursday friday saturday sunday
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    january february march april may june july august september october november december
    januari februari maart mei juni juli augustus oktober
    """
)

# Words too common to flag on their own as a known person's surname or a one-word organisation name.
COMMON_WORDS = _words(
    """
    will long young brown white black green gray grey king hope rose wood hall best love mark bank field price
    cash fair power grant case rich page ward lane hill park stone bush banks mills ford moore major little
    good hunt bell cook hart fox lamb west north south east may june april august faith grace joy mercy
    patience charity gift peace blessing honest innocent precious justice lucky memory trust partner team
    office board staff report money fund project field action health water
    berg bos boer wit zwart klein groot jong hoek brink veen dijk kok koning winter
    zomer vos haan kort lang rood bruin vrede hulp samen actie geld fonds stichting partner kerk
    """
)

_TITLES = (
    # Dutch
    "mevrouw", "mevr.", "mw.", "meneer", "mijnheer", "dhr.", "de heer", "juffrouw", "mr.", "dr.", "drs.", "ir.",
    "ing.", "prof.", "dokter", "dominee", "ds.", "pastoor", "pater", "zuster", "broeder", "burgemeester",
    "wethouder",
    # English
    "mr", "mrs", "mrs.", "ms", "ms.", "mx", "mx.", "dr", "prof", "professor", "sir", "madam", "madame", "miss",
    "pastor", "rev.", "reverend", "father", "sister", "brother", "imam", "sheikh", "bishop", "hon.", "mayor",
)  # fmt: skip
# Only the first letter may be either case: "Mr Okello" and "mevrouw Jansen", but not "MS Word".
_TITLE = "|".join(
    f"[{t[0].upper()}{t[0]}]" + re.escape(t[1:]).replace(r"\ ", _SPACE) for t in sorted(_TITLES, key=len, reverse=True)
)
# A name after a title or cue: initials, a leading tussenvoegsel, then one to three capitalised words.
# A tussenvoegsel in the middle is not followed ("meneer Jansen van Cordaid" is Jansen of Cordaid).
_NAME = rf"(?:(?:[{_UPPER}]\.(?:{_SPACE})?){{1,4}})?(?:{_TUSSEN}{_SPACE})?{_WORD}(?:{_SPACE}{_WORD}){{0,2}}"
_TITLED_NAME_RE = re.compile(rf"(?<![\w.])(?:{_TITLE})(?!\w)(?:{_SPACE})?(?P<name>{_NAME})")
_NAME_CUES = (
    "named", "called", "known as", "by the name of", "name is", "genaamd", "genoemd", "heet", "heette",
    "bekend als", "naam is", "met de naam",
)  # fmt: skip
_CUED_NAME_RE = re.compile(
    r"(?<!\w)(?i:" + "|".join(re.escape(c).replace(r"\ ", _SPACE) for c in _NAME_CUES) + rf"){_SPACE}(?P<name>{_NAME})"
)

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")

_TLDS = _words(
    "com org net info biz int eu nl be de fr uk lu ch at dk se no es it pt ie pl io ngo africa "
    "ug ke et ss cd cg ml bf ne ng bd np af ye sy lb jo iq ps co gt ht so sd rw bi tz mz mw zm zw gh sn "
    "cm td mm pk in id ph ua md bo pe ec hn ni sv sr cw"
)
_URL_RE = re.compile(
    r"(?<![\w@/.])(?:(?i:https?://|www\.)[^\s<>\"'()\[\]]+"
    rf"|(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:{'|'.join(sorted(_TLDS))})(?:/[^\s<>\"'()\[\]]*)?)(?![\w-])"
)

# A run of digits, spaces, dashes, dots and brackets that starts like a phone number; checked in _phone().
_PHONE_RE = re.compile(r"(?<![\w+.,/-])(?:\+\d|\(0|0)[\d \-.()]{6,24}\d(?![\w]|[.,]\d)")
_DATE_SHAPED = re.compile(r"\d{1,2}[-./]\d{1,2}[-./]\d{2,4}(?!\d)|\d{4}-\d{2}-\d{2}(?!\d)")

# Country code → IBAN length, for the countries Dutch NGOs and their partners bank in. Others: any length 15–34.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}")

# Nine digits (also written 1234.56.782 or 123 456 782); eight only right after a cue, see _bsn().
_BSN_RE = re.compile(r"(?<![\w.,/-])(?:\d{4}\.\d{2}\.\d{3}|\d{3} \d{3} \d{3}|\d{9}|\d{8})(?!\w|[.,/-]\d)")
_BSN_CUE_RE = re.compile(
    r"(?i:bsn|burgerservicenummer|sofi-?nummer|citizen service number|social security number)\W{0,30}$"
)
_CURRENCY_RE = re.compile(r"(?:[€$£]|\b(?:EUR|USD|GBP|UGX|KES|ETB|TZS|RWF|NGN|XOF|BDT|NPR|SSP|CDF)\b)\s*$")

_MONTHS = (
    "januari", "january", "jan", "februari", "february", "feb", "maart", "march", "mrt", "mar", "april", "apr",
    "mei", "may", "juni", "june", "jun", "juli", "july", "jul", "augustus", "august", "aug", "september", "sept",
    "sep", "oktober", "october", "okt", "oct", "november", "nov", "december", "dec",
)  # fmt: skip
_MONTH = "(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = (
    rf"\d{{1,2}}(?:st|nd|rd|th|e)?{_SPACE}(?:of{_SPACE})?{_MONTH},?{_SPACE}\d{{4}}"  # 12 maart 1987, 3rd of May 1990
    rf"|{_MONTH}{_SPACE}\d{{1,2}}(?:st|nd|rd|th)?,?{_SPACE}\d{{4}}"  # May 3, 1990
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"  # 12-03-1987, 12/03/87
    r"|\d{4}-\d{2}-\d{2}"  # 1987-03-12
)
_BIRTH_CUE = (
    r"(?<!\w)(?i:geboren|geboortedatum|date\s+of\s+birth|birth\s*date|born|dob)(?!\w)"
    r"|(?<!\w)(?i:geb|d\.o\.b)\.?"
)
# The date may follow the cue after a few words ("geboren in Gulu op 12 maart 1987"), within the sentence.
_BIRTH_RE = re.compile(rf"(?:{_BIRTH_CUE})(?:[^\d.!?\n]|\.(?!\s+[{_UPPER}])){{0,40}}?(?<!\d)(?P<date>{_DATE})(?!\d)")


# ---------------------------------------------------------------------------------------------------------------
# Checks behind the patterns
# ---------------------------------------------------------------------------------------------------------------


def is_valid_iban(value: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers (A=10…Z=35), mod 97 must be 1."""
    iban = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    return int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1


def is_valid_bsn(value: str) -> bool:
    """The elfproef: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11 (eight digits get a leading zero)."""
    digits = re.sub(r"[\s.]", "", value)
    if len(digits) == 8:
        digits = "0" + digits
    if not re.fullmatch(r"\d{9}", digits) or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0


def _phone(candidate: str) -> str | None:
    """The longest leading part of a candidate that reads as a phone number, or None.

    International numbers (+ or 00) have 8–15 digits; national ones start with a single 0 and have ten (the
    Netherlands, and Uganda, Kenya, Ethiopia… alike), which keeps years, amounts and case numbers out.
    """
    if _DATE_SHAPED.match(candidate):
        return None
    groups = re.findall(r"\(?\+?\d+\)?[ \-.]*", candidate)
    while groups:
        text = "".join(groups).rstrip(" -.")
        digits = re.sub(r"\D", "", text)
        if text.startswith("+"):
            if 8 <= len(digits) <= 15:
                return text
        elif digits.startswith("00"):
            if 10 <= len(digits) <= 15:
                return text
        elif len(digits) == 10:
            return text
        if len(digits) < 8:
            return None
        groups.pop()
    return None


def _iban(candidate: str) -> str | None:
    """The leading part of a candidate that is a valid IBAN (the pattern may run on into the next word)."""
    chars = [i for i, c in enumerate(candidate) if c != " "]
    country = candidate[:2].upper()
    lengths = [IBAN_LENGTHS[country]] if country in IBAN_LENGTHS else range(min(34, len(chars)), 14, -1)
    for length in lengths:
        if length <= len(chars):
            text = candidate[: chars[length - 1] + 1]
            if is_valid_iban(text):
                return text
    return None


def _bsn(text: str, match: re.Match[str]) -> bool:
    if _CURRENCY_RE.search(text, max(0, match.start() - 8), match.start()):
        return False
    if len(match.group()) == 8 and not _BSN_CUE_RE.search(text, max(0, match.start() - 60), match.start()):
        return False  # one in eleven 8-digit numbers passes the elfproef: only with "BSN" in front
    return is_valid_bsn(match.group())


def _trim_name(name: str) -> str:
    """Cut a name before the first word that is not one ("Mr Okello On Monday" → "Okello"); "" if none is left."""
    end, seen_name = 0, False
    for word in re.finditer(r"\S+", name):
        lower = word.group().lower()
        if lower in _TUSSEN_WORDS:
            continue  # kept only when a name follows
        if lower in _NOT_NAMES:
            break
        end = word.end()
        seen_name = seen_name or (len(word.group()) > 2 and not word.group().endswith("."))
    return name[:end] if seen_name else ""


# ---------------------------------------------------------------------------------------------------------------
# Known names and places: a trie of words
# ---------------------------------------------------------------------------------------------------------------
# Names are looked up word by word in a trie (nested dicts) rather than compiled into one big alternation regex:
# Python takes 1–1.5 s to compile a regex of 5,000 names (trie-shaped or not) and a plain alternation is tried
# branch by branch at every position (over a second per text). The trie builds in milliseconds and a check walks
# each word of the text once.

_TOKEN_RE = re.compile(r"\w+")
# What may stand between two words of one name: spaces, a hyphen, an apostrophe, an ampersand, the dot of an initial.
_JOINER_RE = re.compile(r"\s+|\s*[-'’&/]\s*|\.\s?")
_INITIALS_RE = re.compile(rf"(?<![\w.])(?:[{_UPPER}]\.(?:{_SPACE})?){{1,4}}$")


@dataclass(frozen=True)
class _Entry:
    kind: str
    words: tuple[str, ...]  # as written
    surname: bool = False  # may follow initials: "J. de Vries"
    capitalised: bool = False  # a word (of a surname: the last) must start with a capital in the text
    exact: bool = False  # must be written as listed, or in capitals (places, acronyms: "ZOA", not "zoa")

    def accepts(self, words: list[str]) -> bool:
        if self.exact:
            return all(w == e or w == e.upper() for w, e in zip(words, self.words, strict=True))
        if self.surname:
            return words[-1][0].isupper()
        return not self.capitalised or any(w[0].isupper() for w in words)


_Trie = dict[str, Any]  # word (casefolded) → subtrie; the key "" holds the _Entry of a name ending there


def _insert(trie: _Trie, name: str, kind: str, **flags: bool) -> None:
    words = tuple(_TOKEN_RE.findall(name))
    if not words:
        return
    node = trie
    for word in words:
        node = node.setdefault(word.casefold(), {})
    node.setdefault("", _Entry(kind, words, **flags))  # the first wins: organisations go in before people


def _person_names(name: str) -> list[tuple[str, bool]]:
    """(variant, is_surname) for a person's display name: the full name, first + last name, the surname alone."""
    words = name.split()
    if not words or "@" in name:
        return []
    if len(words) == 1:
        ok = len(words[0]) >= 3 and words[0].casefold() not in COMMON_WORDS
        return [(name, True)] if ok else []
    variants = [(name, False)]
    # The surname starts at the first tussenvoegsel after the first name, else it is the last word.
    start = next((i for i in range(1, len(words) - 1) if words[i].lower() in _TUSSEN_WORDS), len(words) - 1)
    surname, core = words[start:], words[-1]
    if len(words) > 2:
        variants.append((" ".join([words[0], *surname]), False))  # without middle names
    if len(core) >= 4 and core.casefold() not in COMMON_WORDS:
        variants.append((" ".join(surname), True))
    return variants


_LEGAL_FORMS = re.compile(
    r"^(?:stichting|vereniging|foundation|fundaci[oó]n|fondation|fondazione)\s+"
    r"|\s+(?:b\.?v\.?|n\.?v\.?|foundation|inc\.?|ltd\.?)$",
    re.IGNORECASE,
)


def _organisation_names(name: str) -> set[str]:
    """An organisation's name, its acronym in brackets, each also without a legal form ("Stichting", "B.V.")."""
    names = {name.strip()}
    if acronym := re.search(r"\(([^()]+)\)\s*$", name):
        names = {name[: acronym.start()].strip(), acronym.group(1).strip()}
    names |= {_LEGAL_FORMS.sub("", n).strip() for n in names}
    return {n for n in names if len(n) >= 3 and (" " in n or n.casefold() not in COMMON_WORDS)}


@lru_cache(maxsize=8)
def _known_names(people: tuple[str, ...], organisations: tuple[str, ...]) -> _Trie:
    trie: _Trie = {}
    for organisation in organisations:
        for name in _organisation_names(organisation):
            acronym = re.fullmatch(r"[A-Z0-9]{3,6}", name) is not None  # "ZOA", not "zoa"
            # Names made of everyday words need a capital: "Ander Fonds" is a name, "een ander fonds" is not.
            _insert(trie, name, "organisation", exact=acronym, capitalised=name != name.lower())
    for person in people:
        for name, surname in _person_names(person):
            _insert(trie, name, "person", surname=surname)
    return trie


@lru_cache(maxsize=1)
def places() -> tuple[str, ...]:
    """The place names of dilemmas/data/places.txt."""
    lines = (line.split("#", 1)[0].strip() for line in PLACES_FILE.read_text(encoding="utf-8").splitlines())
    return tuple(sorted({line for line in lines if line}))


@lru_cache(maxsize=1)
def _places() -> _Trie:
    trie: _Trie = {}
    for place in places():
        _insert(trie, place, "place", exact=True)
    return trie


def _lookup(
    text: str, tokens: list[re.Match[str]], folded: list[str], trie: _Trie
) -> Iterable[tuple[_Entry, int, int]]:
    """(entry, start, end) for each longest name of `trie` in the text, left to right."""
    i = 0
    while i < len(tokens):
        node, j = trie, i
        matches: list[tuple[int, _Entry]] = []  # (index of the last word, entry) of each name that ends here
        while j < len(tokens) and folded[j] in node:
            node = node[folded[j]]
            if "" in node:
                matches.append((j, node[""]))
            j += 1
            if j < len(tokens) and not _JOINER_RE.fullmatch(text, tokens[j - 1].end(), tokens[j].start()):
                break
        for last, entry in reversed(matches):
            if entry.accepts([t.group() for t in tokens[i : last + 1]]):
                yield entry, tokens[i].start(), tokens[last].end()
                i = last
                break
        i += 1


# ---------------------------------------------------------------------------------------------------------------
# The checker
# ---------------------------------------------------------------------------------------------------------------


def find_identifiers(text: str, *, people: Iterable[str] = (), organisations: Iterable[str] = ()) -> list[Finding]:
    """Everything in `text` that could identify someone, sorted, without overlaps (the longest span wins)."""
    found: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        if end > start:
            found.append(Finding(kind, start, end, text[start:end]))

    for m in _EMAIL_RE.finditer(text):
        add("email", m.start(), m.end())
    for m in _URL_RE.finditer(text):
        add("url", m.start(), m.start() + len(m.group().rstrip(".,;:!?")))
    for m in _IBAN_RE.finditer(text):
        if iban := _iban(m.group()):
            add("iban", m.start(), m.start() + len(iban))
    for m in _BSN_RE.finditer(text):
        if _bsn(text, m):
            add("bsn", m.start(), m.end())
    for m in _PHONE_RE.finditer(text):
        if phone := _phone(m.group()):
            add("phone", m.start(), m.start() + len(phone))
    for m in _BIRTH_RE.finditer(text):
        add("birth_date", m.start("date"), m.end("date"))
    for regex in (_TITLED_NAME_RE, _CUED_NAME_RE):
        for m in regex.finditer(text):
            if name := _trim_name(m.group("name")):
                add("person", m.start("name"), m.start("name") + len(name))

    tokens = list(_TOKEN_RE.finditer(text))
    folded = [t.group().casefold() for t in tokens]
    # Sorted, so that the same names in another order hit the cache.
    known = _known_names(tuple(sorted(set(people))), tuple(sorted(set(organisations))))
    for trie in (known, _places()):
        for entry, start, end in _lookup(text, tokens, folded, trie):
            if entry.surname and (initials := _INITIALS_RE.search(text, max(0, start - 16), start)):
                start = initials.start()
            add(entry.kind, start, end)

    return _without_overlaps(found, len(text))


def _without_overlaps(findings: list[Finding], length: int) -> list[Finding]:
    """Keep the longest of overlapping findings; on equal length the more specific kind (_PRIORITY)."""
    taken = bytearray(length)
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start - f.end, _PRIORITY[f.kind], f.start)):
        if taken.find(1, finding.start, finding.end) == -1:
            taken[finding.start : finding.end] = b"\x01" * (finding.end - finding.start)
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def redact(text: str, findings: Iterable[Finding], replacement: Callable[[Finding], str] | None = None) -> str:
    """`text` with each finding replaced, by default by the label of its kind in brackets: "[person]"."""
    if replacement is None:
        replacement = _label
    findings = sorted(findings, key=lambda f: f.start, reverse=True)
    for finding in findings:
        if text[finding.start : finding.end] != finding.text:
            raise ValueError(f"finding {finding.text!r} at {finding.start} is not in this text")
    last_start = len(text)
    for finding in findings:
        if finding.end <= last_start:  # one that overlaps a finding already replaced is left out
            text = text[: finding.start] + replacement(finding) + text[finding.end :]
            last_start = finding.start
    return text


def _label(finding: Finding) -> str:
    return f"[{KINDS[finding.kind]}]"
