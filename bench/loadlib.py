"""The pure logic of the load bench (bench/load.py): no Django, no server, no database.

- `Ledger`: what the driver sent that should leave a record (a speak-up report, an answer, a vote), each
  with the key the response gave back (the receipt code, the answer's marker comment, the participant and
  dilemma) and how it ended: "ok" (a success response), "failed" (a clear error the client saw — an HTTP
  error status, a connection closed before the answer — after which the record may or may not exist).
- `verify`: compares the ledger with what the database holds (`Observed`) and lists every success that is
  missing or stored with another value, every key stored twice, and records nobody asked for.
- `Stats`: per kind of request, the successes' latencies and the errors by kind; percentiles.
- `parse_forms` and `multipart`: what a browser reads from a page and sends back.
"""

import html.parser
import secrets
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

OK = "ok"
FAILED = "failed"


# Ledger and verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One non-idempotent request. `key` is None when the response that would have named it never came
    (a report whose receipt the client did not see): such an entry only allows one unmatched record."""

    kind: str  # "report", "answer", "vote"
    key: str | None
    value: str
    outcome: str  # OK or FAILED
    detail: str = ""


class Ledger:
    """Thread-safe list of entries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[Entry] = []

    def add(self, kind: str, key: str | None, value: str, outcome: str, detail: str = "") -> None:
        if outcome not in (OK, FAILED):
            raise ValueError(f"unknown outcome {outcome!r}")
        with self._lock:
            self.entries.append(Entry(kind, key, value, outcome, detail))

    def of(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]


# What the database holds, per kind: key → the values stored under it (one per record).
Observed = Mapping[str, Mapping[str, list[str]]]


@dataclass
class KindVerdict:
    kind: str
    successes: int = 0
    failures: int = 0
    found: int = 0  # successes found once with their value
    lost: list[str] = field(default_factory=list)  # successes not in the database
    wrong_value: list[str] = field(default_factory=list)  # successes stored with another value
    duplicated: list[str] = field(default_factory=list)  # keys stored more than once
    failed_but_stored: int = 0  # failures whose record exists anyway (allowed: the client was told it failed)
    unexpected: list[str] = field(default_factory=list)  # records nobody's request explains

    @property
    def ok(self) -> bool:
        return not (self.lost or self.wrong_value or self.duplicated or self.unexpected)


def verify(ledger: Iterable[Entry], observed: Observed, kinds: Iterable[str]) -> dict[str, KindVerdict]:
    """Per kind: every success stored exactly once with its value; nothing stored twice or out of nowhere.

    A failed request may have left its record (the server may have committed before the connection broke)
    or not; never two. Records whose key no entry names are allowed up to the number of failures without
    a key (their key was in the response the client never got); beyond that they are `unexpected`.
    """
    entries = list(ledger)
    verdicts: dict[str, KindVerdict] = {}
    for kind in kinds:
        verdict = KindVerdict(kind)
        stored = observed.get(kind, {})
        mine = [e for e in entries if e.kind == kind]
        keys_named = Counter(e.key for e in mine if e.key is not None)
        for key, values in stored.items():
            if len(values) > 1:
                verdict.duplicated.append(key)
        for entry in mine:
            if entry.outcome == OK:
                verdict.successes += 1
                values = stored.get(entry.key or "", [])
                if entry.key is None or not values:
                    verdict.lost.append(entry.key or "(no key)")
                elif entry.value not in values:
                    verdict.wrong_value.append(f"{entry.key}: sent {entry.value!r}, stored {values!r}")
                else:
                    verdict.found += 1
            else:
                verdict.failures += 1
                if entry.key is not None and stored.get(entry.key):
                    verdict.failed_but_stored += 1
        unnamed = [key for key in stored if key not in keys_named]
        allowance = sum(1 for e in mine if e.key is None and e.outcome == FAILED)
        verdict.failed_but_stored += min(len(unnamed), allowance)
        if len(unnamed) > allowance:
            verdict.unexpected = sorted(unnamed)[: len(unnamed) - allowance]
        verdicts[kind] = verdict
    return verdicts


# Statistics --------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least p % of the values at or below it)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


class Stats:
    """Per kind of request: successes' milliseconds, errors by what they were; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, Counter[str]] = {}
        self.error_log: list[tuple[float, str, str]] = []  # (seconds since start, kind, what)
        self.failovers = 0

    def success(self, kind: str, ms: float) -> None:
        with self._lock:
            self.times.setdefault(kind, []).append(ms)

    def error(self, kind: str, what: str, at: float = 0.0) -> None:
        with self._lock:
            self.errors.setdefault(kind, Counter())[what] += 1
            self.error_log.append((at, kind, what))

    def failover(self) -> None:
        with self._lock:
            self.failovers += 1

    @property
    def requests(self) -> int:
        return sum(len(t) for t in self.times.values()) + sum(sum(c.values()) for c in self.errors.values())

    def error_count(self) -> int:
        return sum(sum(c.values()) for c in self.errors.values())

    def error_kinds(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counter in self.errors.values():
            total.update(counter)
        return total

    def table(self) -> list[dict[str, Any]]:
        rows = []
        kinds = sorted(set(self.times) | set(self.errors))
        every: list[float] = []
        for kind in kinds:
            times = self.times.get(kind, [])
            every += times
            errors = self.errors.get(kind, Counter())
            rows.append(
                {
                    "kind": kind,
                    "ok": len(times),
                    "errors": sum(errors.values()),
                    "error_kinds": dict(errors),
                    "p50_ms": percentile(times, 50),
                    "p95_ms": percentile(times, 95),
                }
            )
        errors_total = self.error_kinds()
        rows.append(
            {
                "kind": "all",
                "ok": len(every),
                "errors": sum(errors_total.values()),
                "error_kinds": dict(errors_total),
                "p50_ms": percentile(every, 50),
                "p95_ms": percentile(every, 95),
            }
        )
        return rows


def errors_by_window(
    error_log: Iterable[tuple[float, str, str]], windows: Iterable[tuple[str, float, float]]
) -> dict[str, Counter[str]]:
    """The errors counted by the first window (name, from, to in seconds) they fall in; the rest as "at other times"."""
    spans = list(windows)
    counted: dict[str, Counter[str]] = {name: Counter() for name, _start, _end in spans}
    counted["at other times"] = Counter()
    for at, _kind, what in error_log:
        name = next((n for n, start, end in spans if start <= at <= end), "at other times")
        counted[name][what] += 1
    return counted


def is_clear_error(status: int, body: bytes) -> bool:
    """An HTTP error status with a page saying so (not an empty answer)."""
    return status >= 400 and len(body.strip()) > 0


# Forms -------------------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser would send as it stands
    radios: dict[str, list[str]] = field(default_factory=dict)  # every radio group's values

    def names(self) -> set[str]:
        return {name for name, _value in self.fields} | set(self.radios)

    def value(self, name: str) -> str | None:
        return next((value for n, value in self.fields if n == name), None)

    def set(self, name: str, value: str) -> None:
        """Replace the field's value (or add it), as a person typing or choosing does."""
        self.fields = [(n, v) for n, v in self.fields if n != name] + [(name, value)]


class _FormParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            name, kind = a.get("name", ""), a.get("type", "text").lower()
            if not name or kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind == "radio":
                self._form.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            elif kind == "checkbox":
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            else:
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name", ""), []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._text)
            # A browser drops one newline right after <textarea>.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            if self._textarea:
                self._form.fields.append((self._textarea, text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def parse_forms(page: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(page)
    parser.close()
    return parser.forms


def form_with(page: str, field_name: str) -> Form | None:
    """The first POST form of the page that has a field of this name."""
    return next((f for f in parse_forms(page) if f.method == "post" and field_name in f.names()), None)


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The body and Content-Type of a multipart/form-data POST of text fields."""
    boundary = f"----samenload{secrets.token_hex(12)}"
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
