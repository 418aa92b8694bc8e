"""Small IATI files written by the tests themselves, so that they run where ../shared is absent."""

from pathlib import Path

import pytest

HULP = '<reporting-org ref="NL-KVK-41160054" type="21"><narrative>Hulp Zonder Grenzen</narrative></reporting-org>'


def activity(
    identifier: str,
    reporting: str = HULP,
    body: str = "",
    last_updated: str = "2024-01-01T00:00:00",
) -> str:
    return (
        f'<iati-activity last-updated-datetime="{last_updated}" default-currency="EUR" xml:lang="en">'
        f"<iati-identifier>{identifier}</iati-identifier>{reporting}"
        f"<title><narrative>Activity {identifier}</narrative></title>{body}</iati-activity>"
    )


def org(role: str, ref: str = "", name: str = "", type_: str = "") -> str:
    ref_attribute = f' ref="{ref}"' if ref else ""
    type_attribute = f' type="{type_}"' if type_ else ""
    narrative = f"<narrative>{name}</narrative>" if name else ""
    return f'<participating-org role="{role}"{ref_attribute}{type_attribute}>{narrative}</participating-org>'


def transaction(
    type_: str, value: str = "1000", provider: str = "", receiver: str = "", day: str = "2024-03-01"
) -> str:
    provider_org = f'<provider-org ref="{provider}"/>' if provider else ""
    receiver_org = f'<receiver-org ref="{receiver}"/>' if receiver else ""
    return (
        f'<transaction><transaction-type code="{type_}"/><transaction-date iso-date="{day}"/>'
        f'<value value-date="{day}">{value}</value>{provider_org}{receiver_org}</transaction>'
    )


@pytest.fixture
def iati_file(tmp_path):
    """`iati_file(*activities, version=…, name=…)` writes an activity file and returns its path."""
    count = 0

    def write(*activities: str, version: str = "2.03", name: str = "") -> Path:
        nonlocal count
        count += 1
        path = tmp_path / (name or f"activities-{count}.xml")
        path.write_text(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{version}">\n'
            + "\n".join(activities)
            + "\n</iati-activities>\n",
            encoding="utf-8",
        )
        return path

    return write
