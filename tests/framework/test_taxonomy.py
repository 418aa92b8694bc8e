"""The taxonomy read once for a page (framework.taxonomy): its choices, what a filter finds, and names."""

from django.utils import translation

from framework.models import ViolationSubtype, ViolationType
from framework.taxonomy import Taxonomy


def make_type(code: str, order: int, **fields: object) -> ViolationType:
    values = {"name_nl": f"{code} nl", "name_en": f"{code} en", "definition_nl": "d", "definition_en": "d"}
    return ViolationType.objects.create(code=code, order=order, source="test.yaml", **(values | fields))


def make_subtype(violation_type: ViolationType, code: str, order: int, **fields: object) -> ViolationSubtype:
    values = {"name_nl": f"{code} nl", "name_en": f"{code} en", "definition_nl": "d", "definition_en": "d"}
    return ViolationSubtype.objects.create(
        type=violation_type, code=code, order=order, source="test.yaml", **(values | fields)
    )


def test_choices_group_the_active_sub_types_under_their_types_in_order(db):
    money = make_type("money", 2)
    power = make_type("power", 1)
    make_subtype(money, "theft", 2)
    make_subtype(money, "fraud", 1)
    make_subtype(money, "old", 3, retired=True)
    make_type("gone", 3, retired=True)
    make_subtype(power, "abuse", 1)
    with translation.override("en"):
        choices = Taxonomy.read().choices()
    assert choices == [
        ("power en", [("power", "power en (in general)"), ("abuse", "abuse en")]),
        ("money en", [("money", "money en (in general)"), ("fraud", "fraud en"), ("theft", "theft en")]),
    ]
    with translation.override("nl"):
        assert Taxonomy.read().choices()[0] == (
            "power nl",
            [("power", "power nl (in het algemeen)"), ("abuse", "abuse nl")],
        )


def test_a_type_finds_all_its_sub_types_retired_ones_too(db):
    money, power = make_type("money", 1), make_type("power", 2)
    fraud, old = make_subtype(money, "fraud", 1), make_subtype(money, "old", 2, retired=True)
    abuse = make_subtype(power, "abuse", 1)
    taxonomy = Taxonomy.read()
    assert taxonomy.finds(["money"]) == ([money.pk], [fraud.pk, old.pk])
    assert taxonomy.finds(["abuse", "unknown"]) == ([], [abuse.pk])
    assert taxonomy.finds(["power", "fraud"]) == ([power.pk], [fraud.pk, abuse.pk])
    assert taxonomy.finds([]) == ([], [])


def test_names_come_types_first_in_the_taxonomys_order_in_the_reading_language(db):
    money, power = make_type("money", 2), make_type("power", 1, name_en="")
    fraud, abuse = make_subtype(money, "fraud", 1), make_subtype(power, "abuse", 1)
    theft = make_subtype(money, "theft", 0, retired=True)  # still named where it was used
    taxonomy = Taxonomy.read()
    with translation.override("en"):
        names = taxonomy.names([money.pk, power.pk], [fraud.pk, theft.pk, abuse.pk])
    # "power" has no English name: its Dutch one stands in.
    assert names == ["power nl", "money en", "abuse en", "theft en", "fraud en"]
    with translation.override("nl"):
        assert taxonomy.names([], [fraud.pk, 999_999]) == ["fraud nl"]
