"""Reading a CSV of partners for the partner import.

The file's rules (size, encoding, separator, header, number of rows) live here; each row is
checked by the same fields and forms as "Add a partner" (`iati_field`, `kvk_field`,
`PartnershipForm`), so a row gets the messages a person typing it in would get.
"""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from organisations.forms import PartnershipForm, country_choices, iati_field, kvk_field
from organisations.identifiers import normalise_identifier
from organisations.models import Organisation, Partnership
from samen.csv_export import FORMULA_STARTS

IMPORT_COLUMNS = [
    "name",
    "country",
    "kind",
    "iati_identifier",
    "kvk_number",
    "partnership_kind",
    "status",
    "title",
    "starts_on",
    "ends_on",
]
REQUIRED_COLUMNS = ["name", "partnership_kind"]
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000

# What will happen to a row.
NEW = "new"  # a new organisation (or one earlier in the file) and a new partnership
EXISTING = "existing"  # an organisation on Samen, matched by identifier, and a new partnership
SKIP = "skip"  # the partnership is already recorded, or appears earlier in the file
ERROR = "error"  # not imported; see the errors


@dataclass
class SourceRow:
    number: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, str]
    extra_cells: bool = False


@dataclass
class RowPlan:
    number: int
    values: dict[str, str]
    action: str = ERROR
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    partner: Organisation | None = None  # the existing organisation matched
    matched_by: str = ""  # "iati_identifier" or "kvk_number"
    same_as: int | None = None  # the earlier row that records the same new organisation
    organisation_data: dict[str, Any] = field(default_factory=dict)
    partnership_data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return self.action in (NEW, EXISTING)


def digest(text: str) -> str:
    """Names one upload, so a confirmation cannot import a different file than the one previewed."""
    return hashlib.sha256(text.encode()).hexdigest()


def _unquote(cell: str) -> str:
    """Undo the apostrophe our exports put before formula-like cells, so an export imports as it was."""
    cell = cell.strip()
    return cell[1:] if cell[:1] == "'" and cell[1:2] and cell[1:].startswith(FORMULA_STARTS) else cell


def read_rows(text: str) -> list[SourceRow]:
    """The rows of a CSV text, keyed by header; ValidationError for a file that cannot be imported."""
    first_line = text.split("\n", 1)[0]
    # Dutch Excel separates with semicolons, most other programs with commas; the header decides.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
        unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
        if unknown:
            raise forms.ValidationError(
                _("Unknown columns in the header row: %(columns)s. Use the columns of the example file."),
                params={"columns": ", ".join(unknown)},
            )
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise forms.ValidationError(
                _("The header row must name the columns %(required)s; missing: %(missing)s."),
                params={"required": ", ".join(REQUIRED_COLUMNS), "missing": ", ".join(missing)},
            )
        doubled = sorted({h for h in header if h and header.count(h) > 1})
        if doubled:
            raise forms.ValidationError(
                _("These columns appear twice in the header row: %(columns)s."), params={"columns": ", ".join(doubled)}
            )
        rows: list[SourceRow] = []
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) == MAX_ROWS:
                raise forms.ValidationError(
                    _("The file has more than %(max)s rows. Split it into smaller files."),
                    params={"max": f"{MAX_ROWS:,}"},
                )
            values = {column: "" for column in IMPORT_COLUMNS}
            for column, cell in zip(header, record, strict=False):
                if column:
                    values[column] = _unquote(cell)
            extra = any(cell.strip() for cell in record[len(header) :])
            rows.append(SourceRow(number, values, extra_cells=extra))
    except csv.Error as error:
        raise forms.ValidationError(
            _("The file cannot be read as CSV (line %(line)s): %(error)s"),
            params={"line": reader.line_num, "error": str(error)},
        ) from error
    if not rows:
        raise forms.ValidationError(_("The file has a header row but no partners in it."))
    return rows


class PartnerImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8, separated by commas or semicolons; at most 1 MB and 2,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        """The file's text, once it is known to be a CSV that can be previewed."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB. Split it into smaller files."))
        try:
            # utf-8-sig: the byte-order mark Excel writes is not part of the first column's name.
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”.")) from None
        if "\x00" in text:
            raise forms.ValidationError(_("The file is not a text file."))
        read_rows(text)
        return text


class PartnerRowForm(forms.Form):
    """The organisation of one row: the same fields and rules as a new partner in "Add a partner"."""

    name = forms.CharField(max_length=200)
    country = forms.ChoiceField(choices=country_choices, required=False)
    kind = forms.ChoiceField(choices=Organisation.Kind.choices, required=False)
    iati_identifier = iati_field()
    kvk_number = kvk_field()


class ConfirmForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput)
    valid_rows = forms.IntegerField(widget=forms.HiddenInput)
    skip_errors = forms.BooleanField(required=False)

    def __init__(self, *args: Any, valid: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skip_errors"].label = ngettext(
            "Import the %(count)s valid row and skip the rest",
            "Import the %(count)s valid rows and skip the rest",
            valid,
        ) % {"count": valid}


def _row_errors(form: forms.Form, columns: dict[str, str]) -> list[tuple[str, str]]:
    return [
        ("" if name == "__all__" else columns.get(name, name), str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]


def plan_import(organisation: Organisation, rows: list[SourceRow]) -> list[RowPlan]:
    """What importing `rows` would do for `organisation`; nothing is saved.

    Organisations on Samen are matched by their normalised IATI identifier or KvK number; a
    partnership of the same kind with the same organisation, recorded or earlier in the file, is skipped.
    """
    iatis = {normalise_identifier(r.values["iati_identifier"]) for r in rows} - {""}
    kvks = {normalise_identifier(r.values["kvk_number"]) for r in rows} - {""}
    by_iati = {o.iati_identifier: o for o in Organisation.objects.filter(iati_identifier__in=iatis)}
    by_kvk = {o.kvk_number: o for o in Organisation.objects.filter(kvk_number__in=kvks)}
    recorded = set()
    pairs = Partnership.objects.filter(Q(organisation=organisation) | Q(partner=organisation))
    for recorder_id, partner_id, kind in pairs.values_list("organisation_id", "partner_id", "kind"):
        recorded.add((f"org:{partner_id if recorder_id == organisation.pk else recorder_id}", kind))

    # New organisations earlier in the file, by identifier and (when they have none) by name.
    new_by: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    plans = []
    for row in rows:
        plan = RowPlan(row.number, row.values)
        plans.append(plan)
        v = row.values
        org_form = PartnerRowForm(
            {
                "name": v["name"],
                "country": v["country"].upper(),
                "kind": v["kind"].lower() or Organisation.Kind.PARTNER,
                "iati_identifier": v["iati_identifier"],
                "kvk_number": v["kvk_number"],
            }
        )
        partnership_form = PartnershipForm(
            {
                "kind": v["partnership_kind"].lower(),
                "status": v["status"].lower() or Partnership.Status.ACTIVE,
                "title": v["title"],
                "starts_on": v["starts_on"],
                "ends_on": v["ends_on"],
            },
            recorder=organisation,
        )
        if row.extra_cells:
            plan.errors.append(("", _("This row has more cells than the header row has columns.")))
        plan.errors += _row_errors(org_form, {})
        plan.errors += _row_errors(partnership_form, {"kind": "partnership_kind"})
        if plan.errors:
            continue
        plan.organisation_data, plan.partnership_data = org_form.cleaned_data, partnership_form.cleaned_data
        iati, kvk = org_form.cleaned_data["iati_identifier"], org_form.cleaned_data["kvk_number"]

        match_iati, match_kvk = by_iati.get(iati), by_kvk.get(kvk)
        if match_iati and match_kvk and match_iati != match_kvk:
            plan.errors.append(
                (
                    "kvk_number",
                    _("This KvK number is %(kvk)s's on Samen, but the IATI identifier is %(iati)s's.")
                    % {"kvk": match_kvk.name, "iati": match_iati.name},
                )
            )
            continue
        partner = match_iati or match_kvk
        if partner is not None and partner.pk == organisation.pk:
            column = "iati_identifier" if match_iati else "kvk_number"
            plan.errors.append((column, _("An organisation cannot be its own partner.")))
            continue

        if partner is not None:
            plan.partner, plan.matched_by = partner, "iati_identifier" if match_iati else "kvk_number"
            key = f"org:{partner.pk}"
        else:
            names = [f"iati:{iati}" if iati else "", f"kvk:{kvk}" if kvk else ""]
            if not iati and not kvk:
                names = [f"name:{org_form.cleaned_data['name'].casefold()}"]
            earlier = {new_by[n] for n in names if n in new_by}
            if len(earlier) > 1:
                plan.errors.append(
                    ("kvk_number", _("The IATI identifier and the KvK number are of different rows above."))
                )
                continue
            if earlier:
                plan.same_as = earlier.pop()
            else:
                for n in names:
                    if n:
                        new_by[n] = row.number
            key = f"row:{plan.same_as or row.number}"

        kind = partnership_form.cleaned_data["kind"]
        if (key, kind) in recorded:
            plan.action = SKIP
        elif (key, kind) in seen:
            plan.action, plan.same_as = SKIP, seen[(key, kind)]
        else:
            seen[(key, kind)] = row.number
            plan.action = EXISTING if partner else NEW
    return plans
