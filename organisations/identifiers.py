"""Organisation identifiers: normalised and checked for form.

IATI organisation identifiers follow org-id.guide: a registration-agency prefix (country code and
register, e.g. `NL-KVK`, `GB-CHC`, or the DAC list `XM-DAC`) and the number in that register.
Real data writes the same identifier as "NL-KVK- 41158230" or "nl-kvk-41158230": they are one.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

IATI_IDENTIFIER = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,8}-[A-Z0-9][A-Z0-9._/-]*$")
KVK_NUMBER = re.compile(r"^\d{8}$")


def normalise_identifier(value: str) -> str:
    """Trim, upper-case and remove inner white space."""
    return re.sub(r"\s+", "", value or "").upper()


def validate_iati_identifier(value: str) -> None:
    if value and not IATI_IDENTIFIER.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not an organisation identifier. Use a registration-agency prefix "
                "and the registration number, for example NL-KVK-41160054, XM-DAC-7 or GB-CHC-202918."
            ),
            params={"value": value},
            code="invalid_iati_identifier",
        )


def validate_kvk_number(value: str) -> None:
    if value and not KVK_NUMBER.match(value):
        raise ValidationError(
            _("A KvK number has exactly 8 digits, for example 41160054."),
            code="invalid_kvk_number",
        )
