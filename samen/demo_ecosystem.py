"""Demo: a small ecosystem in IATI form, imported the way a member imports its published files.

The demo members publish activities with their partners, as Dutch organisations funded by the ministry do: who
funds whom, who implements, in which country and towards which goal. The file is written from the tables below and
goes through the real importer (`import_iati`), so the map, its overlay, the figures and the API show what they
would show with real data. Identifiers are fictional, in the real formats; some partners have none and are kept
by name, as in real files. Importing again changes nothing, so this is safe to repeat.
"""

import io
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.management import call_command

# identifier (empty: known by name only), name, IATI organisation type
ORGANISATIONS = {
    "ministry": ("XM-DAC-7", "Ministerie van Buitenlandse Zaken", "10"),
    "fund": ("NL-KVK-50123456", "Stichting Fonds Gelijke Kansen", "60"),
    "water-trust": ("GB-CHC-1187654", "Global Water Trust", "21"),
    "hzg": ("NL-KVK-90412736", "Hulp zonder Grenzen", "21"),
    "waterbron": ("NL-KVK-81523904", "Stichting Waterbron", "21"),
    "lokaal": ("NL-KVK-63829174", "Lokaal Verbinden", "21"),
    "tumaini": ("KE-NCB-2419", "Tumaini Health", "22"),
    "manos": ("CO-RUT-900512873", "Manos Unidas Pacífico", "22"),
    "kwn": ("UG-NGB-1387", "Kampala Women's Network", "22"),
    "maji": ("", "Maji Safi Initiative", "22"),
    "gulu": ("", "Gulu Youth Forward", "22"),
    "tejiendo": ("", "Tejiendo Paz", "22"),
    "nairobi": ("KE-NCB-7781", "Nairobi Community Clinics Trust", "22"),
    "lira": ("UG-NGB-5520", "Lira Health Partners", "22"),
    "agua": ("CO-RUT-901234567", "Fundación Agua Viva", "22"),
    "addis": ("ET-CSO-1122", "Addis Women's Forum", "22"),
    "mombasa": ("KE-NCB-3310", "Mombasa Youth Network", "22"),
}

# identifier, reporting organisation, title, country, DAC sector, SDG goal, start, end,
# participants as (organisation, role: 1 funding, 2 accountable, 3 extending, 4 implementing),
# transactions as (provider, receiver, amount in euros, date)
ACTIVITIES = [
    (
        "XM-DAC-7-PPR-2024-1",
        "ministry",
        "Power of Voices: safe communities",
        "KE",
        "15160",
        "16",
        "2024-01-01",
        "2028-12-31",
        [("ministry", 1), ("hzg", 2), ("waterbron", 3)],
        [("ministry", "hzg", 1_800_000, "2024-02-01"), ("ministry", "waterbron", 950_000, "2024-02-01")],
    ),
    (
        "XM-DAC-7-PPR-2024-2",
        "ministry",
        "Local leadership for peace",
        "CO",
        "15220",
        "16",
        "2024-01-01",
        "2027-12-31",
        [("ministry", 1), ("lokaal", 2)],
        [("ministry", "lokaal", 600_000, "2024-03-01")],
    ),
    (
        "NL-KVK-90412736-KE-01",
        "hzg",
        "Safe care in community clinics",
        "KE",
        "12220",
        "3",
        "2024-04-01",
        "2026-12-31",
        [("hzg", 1), ("tumaini", 4), ("nairobi", 4)],
        [("hzg", "tumaini", 420_000, "2024-05-01"), ("hzg", "nairobi", 180_000, "2024-06-01")],
    ),
    (
        "NL-KVK-90412736-UG-02",
        "hzg",
        "Women lead: safe workplaces in Kampala",
        "UG",
        "15170",
        "5",
        "2024-09-01",
        "2027-08-31",
        [("hzg", 1), ("fund", 1), ("kwn", 4), ("gulu", 4)],
        [("hzg", "kwn", 210_000, "2024-10-01"), ("fund", "hzg", 150_000, "2024-09-15")],
    ),
    (
        "NL-KVK-90412736-CO-03",
        "hzg",
        "Weaving peace on the Pacific coast",
        "CO",
        "15220",
        "16",
        "2025-01-01",
        "2027-12-31",
        [("hzg", 1), ("manos", 4), ("tejiendo", 4)],
        [("hzg", "manos", 330_000, "2025-02-01")],
    ),
    (
        "NL-KVK-81523904-KE-01",
        "waterbron",
        "Clean water for health centres",
        "KE",
        "14030",
        "6",
        "2024-05-01",
        "2026-04-30",
        [("waterbron", 1), ("water-trust", 1), ("tumaini", 4), ("maji", 4)],
        [
            ("waterbron", "tumaini", 260_000, "2024-06-01"),
            ("water-trust", "tumaini", 140_000, "2024-07-01"),
            ("waterbron", "maji", 90_000, "2024-06-01"),
        ],
    ),
    (
        "NL-KVK-81523904-UG-02",
        "waterbron",
        "Water and hygiene in Lira",
        "UG",
        "14030",
        "6",
        "2025-03-01",
        "2027-02-28",
        [("waterbron", 1), ("lira", 4), ("kwn", 4)],
        [("waterbron", "lira", 120_000, "2025-04-01")],
    ),
    (
        "NL-KVK-63829174-ET-01",
        "lokaal",
        "Women's voices in local councils",
        "ET",
        "15150",
        "5",
        "2025-01-01",
        "2026-12-31",
        [("lokaal", 1), ("fund", 1), ("addis", 4)],
        [("lokaal", "addis", 75_000, "2025-02-01")],
    ),
    (
        "GB-CHC-1187654-CO-07",
        "water-trust",
        "Rural water systems",
        "CO",
        "14030",
        "6",
        "2023-06-01",
        "2026-05-31",
        [("water-trust", 1), ("agua", 4), ("manos", 4)],
        [("water-trust", "agua", 500_000, "2023-07-01")],
    ),
    (
        "GB-CHC-1187654-KE-09",
        "water-trust",
        "Youth water champions",
        "KE",
        "14030",
        "6",
        "2025-01-01",
        "2027-12-31",
        [("water-trust", 1), ("mombasa", 4), ("maji", 4)],
        [("water-trust", "mombasa", 80_000, "2025-02-01")],
    ),
]


def load() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "samen-demo-activities.xml"
        path.write_text(activity_file(), encoding="utf-8")
        call_command("import_iati", str(path), verbosity=0, stdout=io.StringIO())  # its summary is not news here


def activity_file() -> str:
    activities = [activity(*spec) for spec in ACTIVITIES]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n'
        + "\n".join(activities)
        + "\n</iati-activities>\n"
    )


def activity(
    identifier: str,
    reporting: str,
    title: str,
    country: str,
    sector: str,
    goal: str,
    start: str,
    end: str,
    participants: list[tuple[str, int]],
    transactions: list[tuple[str, str, int, str]],
) -> str:
    parts = [
        '<iati-activity last-updated-datetime="2026-01-15T00:00:00Z" default-currency="EUR" xml:lang="en">',
        f"<iati-identifier>{identifier}</iati-identifier>",
        organisation("reporting-org", reporting),
        f"<title><narrative>{escape(title)}</narrative></title>",
        *(organisation("participating-org", key, f' role="{role}"') for key, role in participants),
        f'<recipient-country code="{country}" percentage="100"/>',
        f'<sector vocabulary="1" code="{sector}" percentage="100"/>',
        f'<sector vocabulary="7" code="{goal}"/>',
        f'<activity-date type="1" iso-date="{start}"/>',
        f'<activity-date type="3" iso-date="{end}"/>',
    ]
    for provider, receiver, amount, day in transactions:
        parts += [
            '<transaction><transaction-type code="3"/>',
            f'<transaction-date iso-date="{day}"/><value value-date="{day}">{amount}</value>',
            organisation("provider-org", provider),
            organisation("receiver-org", receiver),
            "</transaction>",
        ]
    parts.append("</iati-activity>")
    return "\n".join(parts)


def organisation(element: str, key: str, extra: str = "") -> str:
    identifier, name, kind = ORGANISATIONS[key]
    ref = f' ref="{identifier}"' if identifier else ""
    kind_attribute = f' type="{kind}"' if element in ("reporting-org", "participating-org") else ""
    return f"<{element}{ref}{kind_attribute}{extra}><narrative>{escape(name)}</narrative></{element}>"
