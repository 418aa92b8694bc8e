"""Reading IATI activity files: a streaming parse into plain records, with no database in sight.

`read_activities(file)` yields one `ParsedActivity` per `<iati-activity>` and keeps memory flat
whatever the file size: each activity is cleared from the tree once read, and so are the siblings
before it. It refuses, with the line and a reason (`RefusedFile`):
- anything that is not well-formed XML;
- any DOCTYPE. IATI files never have one, and a DOCTYPE is how XML attacks arrive (external
  entities that read local files or the network — XXE —, and nested entities that expand to
  gigabytes — "billion laughs"). The parser is also told to resolve no entity, load no DTD and
  touch no network, so even the refusal reads nothing;
- a root other than `<iati-activities>` (an organisation file, or not IATI at all);
- a version other than 1.0x or 2.0x.

IATI 1.0x files are read, not refused: their word roles ("Funding", "Implementing"), letter
transaction types ("IF", "D", …), word date types ("start-actual") and vocabularies ("DAC") are
mapped to the 2.0x codes, and their names are the element's own text instead of `<narrative>`s.
The mapping is small and the data is real (Dutch and British NGOs published 1.0x for years).
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO

from django.utils.translation import gettext_noop
from lxml import etree

from ecosystem.models import name_key
from organisations.identifiers import normalise_identifier

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ROLE_WORDS = {"funding": 1, "accountable": 2, "extending": 3, "implementing": 4}
# IATI 1.0x TransactionType codes → 2.0x codes.
TRANSACTION_LETTERS = {
    "IF": "1",
    "C": "2",
    "D": "3",
    "E": "4",
    "IR": "5",
    "LR": "6",
    "R": "7",
    "QP": "8",
    "QS": "9",
    "CG": "10",
}
# Where a transaction leaves out one side, IATI means the reporting organisation: it received
# these (incoming funds, interest and loan repayments, sale of equity, incoming commitments and
# pledges) and provided all the others.
INCOMING_TRANSACTIONS = {"1", "5", "6", "9", "11", "13"}
DATE_WORDS = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}
SECTOR_VOCABULARY_WORDS = {"DAC": "1", "DAC-3": "2", "RO": "99"}
# IATI tag vocabularies 2 and 3 are the SDG goals and targets: kept as sector vocabularies 7 and 8.
SDG_TAG_VOCABULARIES = {"2": "7", "3": "8"}
MAX_AMOUNT = Decimal(10) ** 17


class RefusedFile(Exception):
    """The file is not imported at all; `str()` reads `file:line: reason`."""

    def __init__(self, name: str, line: int | None, reason: str) -> None:
        self.name, self.line, self.reason = name, line, reason
        super().__init__(f"{name}:{line or 0}: {reason}")


@dataclass(frozen=True)
class OrgKey:
    """How an organisation is told apart: its normalised identifier, or its name at one publisher."""

    identifier: str = ""
    publisher: str = ""
    name_key: str = ""


@dataclass
class ParsedOrganisation:
    key: OrgKey
    names: list[tuple[str, str]]  # (language, name)
    type: str = ""

    @property
    def shown_name(self) -> str:
        for language, name in self.names:
            if language == "en":
                return name
        return self.names[0][1] if self.names else self.key.identifier


@dataclass
class ParsedTransaction:
    type: str
    provider: ParsedOrganisation | None
    receiver: ParsedOrganisation | None
    amount: Decimal | None
    currency: str
    date: date | None


@dataclass
class ParsedActivity:
    identifier: str
    line: int
    reporting: ParsedOrganisation
    title: str
    start: date | None
    end: date | None
    last_updated: datetime | None
    digest: str
    participants: list[tuple[ParsedOrganisation, int | None]] = field(default_factory=list)
    transactions: list[ParsedTransaction] = field(default_factory=list)
    sectors: list[tuple[str, str, Decimal | None]] = field(default_factory=list)
    countries: list[tuple[str, Decimal | None]] = field(default_factory=list)

    def organisations(self) -> Iterator[ParsedOrganisation]:
        yield self.reporting
        for organisation, _role in self.participants:
            yield organisation
        for transaction in self.transactions:
            if transaction.provider:
                yield transaction.provider
            if transaction.receiver:
                yield transaction.receiver


# Nothing from outside the file, no entity expanded, libxml2's limits on depth and text kept.
SAFE_PARSING = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def read_activities(file: IO[bytes], name: str, skipped: Callable[[str], None]) -> Iterator[ParsedActivity]:
    """Yield the activities of an IATI activity file; raise RefusedFile for a file that must not be imported.

    `skipped(reason)` hears about what is left out of an activity that is still read (a
    participating organisation with neither identifier nor name, …) and about whole activities
    left out. `file` must be seekable: its root is checked first, so that a file that is not an
    activity file is refused at once instead of being read (and held) to its end.
    """
    _check_root(file, name)
    file.seek(0)
    context = etree.iterparse(file, events=("end",), tag="iati-activity", **SAFE_PARSING)
    try:
        for _event, element in context:
            activity = _read_activity(element, skipped)
            element.clear(keep_tail=True)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
            if activity is not None:
                yield activity
    except etree.XMLSyntaxError as error:
        raise RefusedFile(name, error.lineno, f"not well-formed XML: {error.msg}") from None


def _check_root(file: IO[bytes], name: str) -> None:
    """Refuse a file with a DOCTYPE, without an iati-activities root, or of another version; reads only its start."""
    try:
        root = next(iter(etree.iterparse(file, events=("start",), **SAFE_PARSING)))[1]
    except StopIteration:
        raise RefusedFile(name, 1, "not well-formed XML: the file holds no element") from None
    except etree.XMLSyntaxError as error:
        raise RefusedFile(name, error.lineno, f"not well-formed XML: {error.msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise RefusedFile(
            name,
            1,
            "the file declares a DOCTYPE; IATI files have none, and DOCTYPEs carry XML attacks "
            "(external entities, entity expansion), so the file is refused unread",
        )
    if root.tag == "iati-organisations":
        raise RefusedFile(
            name,
            root.sourceline,
            "an IATI organisation file (root iati-organisations); only activity files can be imported",
        )
    if root.tag != "iati-activities":
        raise RefusedFile(
            name, root.sourceline, f"not an IATI activity file: the root element is <{root.tag}>, not <iati-activities>"
        )
    version = (root.get("version") or "2.03").strip()
    if not (version.startswith("1.0") or version.startswith("2.0")):
        raise RefusedFile(name, root.sourceline, f"IATI version {version} is not supported (1.0x and 2.0x are)")


def _read_activity(element: etree._Element, skipped: Callable[[str], None]) -> ParsedActivity | None:
    language = (element.get(XML_LANG) or "").lower()
    default_currency = (element.get("default-currency") or "").strip().upper()[:3]
    identifier = ""
    reporting: ParsedOrganisation | None = None
    title = ""
    dates: dict[str, date] = {}
    participating: list[etree._Element] = []
    transactions: list[etree._Element] = []
    sectors: list[tuple[str, str, Decimal | None]] = []
    countries: list[tuple[str, Decimal | None]] = []
    for child in element:
        tag = child.tag
        if tag == "iati-identifier":
            identifier = " ".join((child.text or "").split())
        elif tag == "reporting-org":
            reporting = _organisation(child, language, publisher="")
        elif tag == "title":
            title = _shown(_names(child, language))
        elif tag == "participating-org":
            participating.append(child)
        elif tag == "transaction":
            transactions.append(child)
        elif tag == "activity-date":
            kind = child.get("type") or ""
            kind = DATE_WORDS.get(kind, kind)
            day = _date(child.get("iso-date"))
            if day:
                dates[kind] = day
        elif tag == "sector":
            vocabulary = (child.get("vocabulary") or "1").strip()
            code = (child.get("code") or "").strip()
            if code:
                sectors.append(
                    (SECTOR_VOCABULARY_WORDS.get(vocabulary, vocabulary)[:10], code[:50], _percentage(child))
                )
        elif tag == "tag":
            vocabulary = SDG_TAG_VOCABULARIES.get((child.get("vocabulary") or "").strip())
            code = (child.get("code") or "").strip()
            if vocabulary and code:
                sectors.append((vocabulary, code[:50], None))
        elif tag == "recipient-country":
            code = (child.get("code") or "").strip().upper()
            if len(code) == 2 and code.isalpha():
                countries.append((code, _percentage(child)))
    if not identifier:
        skipped(gettext_noop("activity without iati-identifier"))
        return None
    if reporting is None:
        skipped(gettext_noop("activity without reporting-org"))
        return None
    publisher = reporting.key.identifier or reporting.key.publisher
    activity = ParsedActivity(
        identifier=identifier[:250],
        line=element.sourceline or 0,
        reporting=reporting,
        title=title[:500],
        start=dates.get("2") or dates.get("1"),
        end=dates.get("4") or dates.get("3"),
        last_updated=_datetime(element.get("last-updated-datetime")),
        digest=hashlib.sha256(etree.tostring(element)).hexdigest(),
        sectors=sectors,
        countries=countries,
    )
    for child in participating:
        organisation = _organisation(child, language, publisher)
        if organisation is None:
            skipped(gettext_noop("participating-org without identifier or name"))
            continue
        activity.participants.append((organisation, _role(child.get("role"))))
    for child in transactions:
        activity.transactions.append(_transaction(child, language, publisher, default_currency))
    return activity


def _transaction(element: etree._Element, language: str, publisher: str, currency: str) -> ParsedTransaction:
    kind = ""
    provider = receiver = None
    amount: Decimal | None = None
    day: date | None = None
    for child in element:
        tag = child.tag
        if tag == "transaction-type":
            code = (child.get("code") or "").strip()
            kind = TRANSACTION_LETTERS.get(code.upper(), code)[:3]
        elif tag == "provider-org":
            provider = _organisation(child, language, publisher)
        elif tag == "receiver-org":
            receiver = _organisation(child, language, publisher)
        elif tag == "value":
            amount = _amount(child.text)
            currency = (child.get("currency") or currency).strip().upper()[:3]
            day = day or _date(child.get("value-date"))
        elif tag == "transaction-date":
            day = _date(child.get("iso-date")) or day
    return ParsedTransaction(kind, provider, receiver, amount, currency if amount is not None else "", day)


def _organisation(element: etree._Element, language: str, publisher: str) -> ParsedOrganisation | None:
    identifier = normalise_identifier(element.get("ref") or "")[:200]
    names = _names(element, language)
    type_code = (element.get("type") or "").strip()[:3]
    if identifier:
        return ParsedOrganisation(OrgKey(identifier=identifier), names, type_code)
    if not names:
        return None
    key = name_key(names[0][1])
    # A reporting organisation without an identifier is its own publisher.
    return ParsedOrganisation(OrgKey(publisher=(publisher or f"name:{key}")[:200], name_key=key), names, type_code)


def _names(element: etree._Element, language: str) -> list[tuple[str, str]]:
    """(language, text) of each narrative, or of the element's own text in 1.0x files."""
    names = []
    for narrative in element.iterchildren("narrative"):
        text = " ".join((narrative.text or "").split())
        if text:
            names.append(((narrative.get(XML_LANG) or language).lower()[:10], text[:300]))
    if not names:
        text = " ".join((element.text or "").split())
        if text:
            names.append(((element.get(XML_LANG) or language).lower()[:10], text[:300]))
    return names


def _shown(names: list[tuple[str, str]]) -> str:
    for language, text in names:
        if language == "en":
            return text
    return names[0][1] if names else ""


def _role(value: str | None) -> int | None:
    value = (value or "").strip()
    if value in ("1", "2", "3", "4"):
        return int(value)
    return ROLE_WORDS.get(value.lower())


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def _datetime(value: str | None) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _amount(value: str | None) -> Decimal | None:
    try:
        amount = Decimal((value or "").strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        return None
    return amount.quantize(Decimal("0.01"))


def _percentage(element: etree._Element) -> Decimal | None:
    try:
        value = Decimal((element.get("percentage") or "").strip())
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01")) if value.is_finite() and 0 <= value <= 1000 else None


@dataclass
class ParsedRelation:
    kind: str  # Relation.Kind value
    source: ParsedOrganisation
    target: ParsedOrganisation
    source_role: int | None = None
    target_role: int | None = None
    transaction_type: str = ""
    amount: Decimal | None = None
    currency: str = ""
    start: date | None = None
    end: date | None = None


def relations_of(activity: ParsedActivity, skipped: Callable[[str], None]) -> list[ParsedRelation]:
    """The relations an activity states (see ecosystem.models for which, and why)."""
    by_role: dict[int, dict[OrgKey, ParsedOrganisation]] = {1: {}, 2: {}, 3: {}, 4: {}}
    for organisation, role in activity.participants:
        if role is None:
            skipped(gettext_noop("participating-org with an unknown role"))
        else:
            by_role[role].setdefault(organisation.key, organisation)
    relations = []
    target_role = next((role for role in (4, 3, 2) if by_role[role]), None)
    if target_role is not None:
        for funder in by_role[1].values():
            for target in by_role[target_role].values():
                if funder.key == target.key:
                    skipped(gettext_noop("relation of an organisation to itself"))
                    continue
                relations.append(
                    ParsedRelation(
                        "participation", funder, target, 1, target_role, start=activity.start, end=activity.end
                    )
                )
    for transaction in activity.transactions:
        provider, receiver = transaction.provider, transaction.receiver
        if transaction.type:
            if provider is None and transaction.type not in INCOMING_TRANSACTIONS:
                provider = activity.reporting
            if receiver is None and transaction.type in INCOMING_TRANSACTIONS:
                receiver = activity.reporting
        if provider is None or receiver is None:
            skipped(gettext_noop("transaction without provider or receiver"))
            continue
        if provider.key == receiver.key:
            skipped(gettext_noop("relation of an organisation to itself"))
            continue
        relations.append(
            ParsedRelation(
                "transaction",
                provider,
                receiver,
                transaction_type=transaction.type,
                amount=transaction.amount,
                currency=transaction.currency,
                start=transaction.date,
                end=transaction.date,
            )
        )
    return relations
