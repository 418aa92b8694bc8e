"""The figures of the annual account, against a year counted by hand.

Hulp received 14 cases in 2025 (times in Amsterdam), with the smallest group shown at 5:

    #   category        sub-type     route      received        ack   feedback*  closed          outcome
    1   interpersonal   harassment   speak-up   10 Jan 10:00    +1    +30        +50  (2025)     substantiated
    2   interpersonal   -            phone      5 Feb           +2    +40        +80  (2025)     substantiated
    3   interpersonal   harassment   email      3 Mar           +3    +60        +120 (2025)     substantiated
    4   interpersonal   -            meeting    7 Apr           +4    +80        +150 (2025)     not substantiated
    5   interpersonal   -            phone      12 May          +9    +100 late  open
    6   interpersonal   harassment   speak-up   31 Dec 23:30    +2    none, late open
    7   financial       fraud        email      2 Jun           +1    +20        +60  (2025)     substantiated
    8   financial       fraud        partner    20 Jun          +5    +45        +100 (2025)     substantiated
    9   financial       fraud        speak-up   14 Jul          +6    +50        +185 (Jan 2026) substantiated
    10  financial       -            phone      18 Aug          none  +70 (from day 7)  +90 (2025)  referred
    11  financial       -            referral   22 Sep          +3    none, late open
    12  -               -            other      6 Oct           +2    +30        +118 (Feb 2026) inconclusive
    13  -               -            phone      3 Nov           +7    +92 (the last day: on time)   open
    14  -               -            email      1 Dec           +8    none, late open
    * feedback counts in days from the acknowledgement, or from day 7 when there was none.

Besides: a case received 4 Nov 2024 and concluded 90 days later (not substantiated, financial); a 2024 case
still open; a case received 1 Jan 2026 00:30 in Amsterdam (still 2025 in UTC); two cases of Ander Fonds in 2025.
Speak-up reports of 2025: 10, of which 3 became cases 1, 6 and 9; one of 2024 and one of Ander Fonds.
"""

import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.annual import SHOWN, SMALL, AccountFigures, Breakdown, figures, year_of, years
from cases.models import AnnualAccount, Case, CaseSettings, Playbook
from framework.models import ViolationSubtype, ViolationType
from organisations.models import Organisation
from speakup.models import Channel, Report
from tests.cases.conftest import build_playbook

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = zoneinfo.ZoneInfo("UTC")
# Every term of the 2025 cases has passed by then (the last feedback was due in April 2026).
LATER = datetime(2026, 6, 1, tzinfo=AMSTERDAM)
DAYS = timedelta(days=1)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


@dataclass
class Taxonomy:
    power: ViolationType
    financial: ViolationType
    interpersonal: ViolationType
    harassment: ViolationSubtype
    fraud: ViolationSubtype


def build_taxonomy() -> Taxonomy:
    def kind(code: str, order: int, research: list[str], **fields: object) -> ViolationType:
        return ViolationType.objects.create(
            code=code,
            order=order,
            name_nl=code,
            name_en=code.title(),
            definition_nl="-",
            definition_en="-",
            research_categories=research,
            source="test",
            **fields,
        )

    power = kind("power", 1, ["corruption", "misuse_authority"])
    financial = kind("financial", 2, ["fraud_theft", "waste_abuse_resources"])
    interpersonal = kind("interpersonal", 3, ["inappropriate_behaviour"])
    kind("retired-type", 4, [], retired=True)

    def subtype(code: str, type: ViolationType, research: str) -> ViolationSubtype:
        return ViolationSubtype.objects.create(
            type=type,
            code=code,
            name_nl=code,
            name_en=code.title(),
            definition_nl="-",
            definition_en="-",
            research_category=research,
            source="test",
        )

    return Taxonomy(
        power=power,
        financial=financial,
        interpersonal=interpersonal,
        harassment=subtype("harassment", interpersonal, "inappropriate_behaviour"),
        fraud=subtype("fraud", financial, "fraud_theft"),
    )


def report(channel: Channel, created_on: date, organisation: Organisation | None = None) -> Report:
    return Report.objects.create(
        channel=channel,
        organisation=organisation or channel.organisation,  # type: ignore[misc]
        receipt_lookup=secrets.token_hex(16),
        reporter_public_key=bytes(32),
        content=b"sealed",
        created_on=created_on,
    )


class Seeder:
    def __init__(self, organisation: Organisation, playbook: Playbook) -> None:
        self.organisation, self.playbook, self.number = organisation, playbook, 0

    def case(
        self,
        received: datetime,
        *,
        category: ViolationType | None = None,
        subtype: ViolationSubtype | None = None,
        source: str = Case.Source.PHONE,
        ack: int | None = None,
        feedback: int | None = None,
        closed: int | None = None,
        outcome: str = "",
        report: Report | None = None,
    ) -> Case:
        """A case received at `received`; ack, feedback and closed in days (feedback from the acknowledgement,
        or from day 7 when none; closed from receipt)."""
        self.number += 1
        # Days of elapsed time: add them in UTC (in Amsterdam time, Python would add wall-clock days across DST).
        received = received.astimezone(UTC)
        acknowledged = received + ack * DAYS if ack is not None else None
        anchor = acknowledged or received + 7 * DAYS
        return Case.objects.create(
            organisation=self.organisation,
            reference=f"T-{self.number:04d}-{secrets.token_hex(4)}",
            source=source,
            playbook=self.playbook,
            category=category,
            subtype=subtype,
            received_at=received,
            acknowledged_at=acknowledged,
            feedback_at=anchor + feedback * DAYS if feedback is not None else None,
            concluded_at=received + closed * DAYS if closed is not None else None,
            outcome=outcome,
            report=report,
        )


@dataclass
class Seeded:
    taxonomy: Taxonomy
    edge: Case
    next_year: Case


def seed_2025(people) -> Seeded:
    """The year in the module's docstring."""
    taxonomy = build_taxonomy()
    playbook = build_playbook()
    i, f, harassment, fraud = taxonomy.interpersonal, taxonomy.financial, taxonomy.harassment, taxonomy.fraud
    channel = Channel.objects.create(organisation=people.org, slug="hulp-meldpunt")
    reports = [
        report(channel, date(2025, 1, 9)),
        report(channel, date(2025, 12, 31)),
        report(channel, date(2025, 7, 14)),
    ]
    for month in range(1, 8):
        report(channel, date(2025, month, 20))  # seven reports that did not become a case
    report(channel, date(2024, 12, 31))
    other_channel = Channel.objects.create(organisation=people.other_org, slug="ander-meldpunt")
    report(other_channel, date(2025, 3, 1))

    seed = Seeder(people.org, playbook)
    S, SUB, NOT, INC, REF = (
        Case.Source,
        Case.Outcome.SUBSTANTIATED,
        Case.Outcome.NOT_SUBSTANTIATED,
        Case.Outcome.INCONCLUSIVE,
        Case.Outcome.REFERRED,
    )
    seed.case(at(2025, 1, 10), category=i, subtype=harassment, source=S.SPEAKUP, ack=1, feedback=30, closed=50,
              outcome=SUB, report=reports[0])  # fmt: skip
    seed.case(at(2025, 2, 5), category=i, ack=2, feedback=40, closed=80, outcome=SUB)
    seed.case(at(2025, 3, 3), category=i, subtype=harassment, source=S.EMAIL, ack=3, feedback=60, closed=120,
              outcome=SUB)  # fmt: skip
    seed.case(at(2025, 4, 7), category=i, source=S.MEETING, ack=4, feedback=80, closed=150, outcome=NOT)
    seed.case(at(2025, 5, 12), category=i, ack=9, feedback=100)
    edge = seed.case(at(2025, 12, 31, 23, 30), category=i, subtype=harassment, source=S.SPEAKUP, ack=2,
                     report=reports[1])  # fmt: skip
    seed.case(at(2025, 6, 2), category=f, subtype=fraud, source=S.EMAIL, ack=1, feedback=20, closed=60, outcome=SUB)
    seed.case(at(2025, 6, 20), category=f, subtype=fraud, source=S.PARTNER, ack=5, feedback=45, closed=100,
              outcome=SUB)  # fmt: skip
    seed.case(at(2025, 7, 14), category=f, subtype=fraud, source=S.SPEAKUP, ack=6, feedback=50, closed=185,
              outcome=SUB, report=reports[2])  # fmt: skip
    seed.case(at(2025, 8, 18), category=f, feedback=70, closed=90, outcome=REF)
    seed.case(at(2025, 9, 22), category=f, source=S.REFERRAL, ack=3)
    seed.case(at(2025, 10, 6), source=S.OTHER, ack=2, feedback=30, closed=118, outcome=INC)
    seed.case(at(2025, 11, 3), ack=7, feedback=92)
    seed.case(at(2025, 12, 1), source=S.EMAIL, ack=8)
    # Not of 2025: the year before, the first minutes of 2026 in Amsterdam, and another organisation.
    seed.case(at(2024, 11, 4), category=f, ack=1, feedback=10, closed=90, outcome=NOT)
    seed.case(at(2024, 6, 1), ack=1)
    next_year = seed.case(at(2026, 1, 1, 0, 30), category=i, source=S.SPEAKUP, ack=1)
    other = Seeder(people.other_org, playbook)
    other.case(at(2025, 3, 1), category=i, ack=1, feedback=10, closed=20, outcome=SUB)
    other.case(at(2025, 4, 1), category=f, source=S.SPEAKUP)
    return Seeded(taxonomy=taxonomy, edge=edge, next_year=next_year)


@pytest.fixture
def seeded(people):
    return seed_2025(people)


def shown(breakdown: Breakdown) -> list[tuple[str, str]]:
    return [(row.label, str(row.cell)) for row in breakdown.rows] + [("Total", str(breakdown.total))]


def test_the_2025_account_matches_the_hand_count(people, seeded, english):
    account = figures(people.org, 2025, now=LATER)
    assert account.is_complete and account.minimum == 5
    assert str(account.received) == "14"

    # Power 0, financial 5, interpersonal 6, not categorised 3: the 3 alone would be 14 - 0 - 5 - 6, so the next
    # smallest (financial, 5) is hidden too. The retired type has no case and is not listed.
    assert shown(account.by_category) == [
        ("Power", "0"),
        ("Financial", "hidden"),
        ("Interpersonal", "6"),
        ("Not yet categorised", "< 5"),
        ("Total", "14"),
    ]
    # Speak-up 3, other routes 11: hiding only the 3 would leave 14 - 11.
    assert shown(account.by_source) == [
        ("Speak-up channel", "< 5"),
        ("Other routes (phone, meeting, email, partner, referral)", "hidden"),
        ("Total", "14"),
    ]
    # Fraud and theft 3 (the fraud sub-type), inappropriate behaviour 6 (interpersonal maps to it alone), no single
    # research category 5 (financial without sub-type maps to two; not categorised). Hiding the 3 and the 5: the 5
    # is then known to be exactly 5 (at least 5 as it is hidden, and below the 6 shown before it, or the 6 would
    # have been hidden instead), so the 6 goes too.
    assert shown(account.by_research_category) == [
        ("Corruption", "0"),
        ("Fraud and theft", "< 5"),
        ("Waste and abuse of resources", "0"),
        ("Misuse of authority", "0"),
        ("Inappropriate behaviour towards others", "hidden"),
        ("Conflicting functions", "0"),
        ("Misuse of information", "0"),
        ("Misconduct in private time", "0"),
        ("Gifts", "0"),
        ("No single research category", "hidden"),
        ("Total", "14"),
    ]
    # Reports of 2025: 3 became a case, 7 did not.
    assert shown(account.reports) == [("Became a case", "< 5"), ("Did not become a case", "hidden"), ("Total", "10")]
    # Concluded in 2025: cases 1, 2, 3, 7, 8 substantiated; 4 and the 2024 case not; 10 referred. Two small cells
    # that add up to 3: either could be 1 or 2, so nothing more is hidden.
    assert shown(account.outcomes) == [
        ("Substantiated", "5"),
        ("Not substantiated", "< 5"),
        ("Inconclusive", "0"),
        ("Referred to another organisation", "< 5"),
        ("Total", "8"),
    ]
    # Open on 31 Dec: 5, 6, 11, 13, 14; 9 and 12 (concluded in 2026); the open 2024 case.
    assert str(account.open_at_end) == "8"


def test_handling_times_match_the_hand_count(people, seeded, english):
    everything, *per_category = figures(people.org, 2025, now=LATER).handling
    assert everything.label == "All cases"
    # Acknowledged: 1 1 2 2 2 3 3 4 5 6 7 8 9 days (13 cases; 10 never was) → median 3. Within 7 days: 11 of 14
    # (5, 10 and 14 were late; 13 on the seventh day is on time).
    assert everything.acknowledge.median_days == 3
    assert everything.acknowledge.percent_within == 79
    # Feedback: 20 30 30 40 45 50 60 70 80 92 100 → median 50. On time: 10 of 14 (5 late at 100 days; 6, 11 and
    # 14 never had feedback and the term has passed).
    assert everything.feedback.median_days == 50
    assert everything.feedback.percent_within == 71
    # Closed in 2025 (the 2024 case included): 50 60 80 90 90 100 120 150 → median 90. No legal term.
    assert everything.close.median_days == 90
    assert everything.close.share_within is None
    # Only interpersonal has a shown count of at least 5: its six cases, and eight others.
    assert [row.label for row in per_category] == ["Interpersonal"]
    interpersonal = per_category[0]
    assert interpersonal.acknowledge.median_days == 2.5  # 1 2 2 3 4 9
    assert interpersonal.acknowledge.percent_within == 83  # 5 of 6
    assert interpersonal.feedback.median_days == 60  # 30 40 60 80 100
    assert interpersonal.feedback.percent_within == 67  # 4 of 6: 5 late, 6 never
    assert interpersonal.close.median_days is None  # four closed in 2025: fewer than 5


def test_a_case_received_on_new_years_eve_in_amsterdam_counts_in_that_year(people, seeded):
    edge, next_year = seeded.edge, seeded.next_year
    assert edge.received_at.astimezone(UTC).hour == 22
    assert next_year.received_at.astimezone(UTC).year == 2025
    # Whatever zone the reader has chosen, the year is the organisation's.
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        assert (year_of(edge.received_at), year_of(next_year.received_at)) == (2025, 2026)
        assert str(figures(people.org, 2025, now=LATER).received) == "14"
        assert figures(people.org, 2026, now=LATER).received.state == SMALL  # the one case of 1 Jan 00:30


def test_other_organisations_and_other_years_are_not_counted(people, seeded):
    # With the smallest group at 2, a count of 1 still reads "< 2", but 2 shows.
    CaseSettings.objects.create(organisation=people.other_org, min_group_size=2)
    theirs = figures(people.other_org, 2025, now=LATER)
    assert str(theirs.received) == "2"
    assert [str(row.cell) for row in theirs.by_source.rows] == ["< 2", "< 2"]
    # Their one report of 2025 did not become a case; our reports are not theirs.
    assert [str(row.cell) for row in theirs.reports.rows] == ["0", "< 2"]
    assert [str(row.cell) for row in theirs.outcomes.rows] == ["< 2", "0", "0", "0"]

    year_2024 = figures(people.org, 2024, now=LATER)
    assert year_2024.received.state == SMALL
    # The 2024 case concluded in 2025 is open at the end of 2024, with the other one.
    assert year_2024.open_at_end.state == SMALL


def test_a_larger_minimum_hides_more(people, seeded, english):
    CaseSettings.objects.create(organisation=people.org, min_group_size=7)
    account = figures(people.org, 2025, now=LATER)
    assert str(account.received) == "14"
    # Interpersonal 6 is now small as well; 5 and 6 and 3 hide, nothing left to subtract from.
    assert [str(row.cell) for row in account.by_category.rows] == ["0", "< 7", "< 7", "< 7"]
    # Every handling row but the one of all cases needs seven cases.
    assert [row.label for row in account.handling] == ["All cases"]


def test_cells_not_shown_carry_no_number(people, seeded):
    account = figures(people.org, 2025, now=LATER)
    for breakdown in (account.by_category, account.by_source, account.by_research_category, account.reports):
        for row in breakdown.rows:
            number = row.cell.number
            if row.cell.state == SHOWN:
                assert number is not None and (number == 0 or number >= 5)
            else:
                assert number is None


def test_a_year_while_it_runs_counts_what_is_open_now(people, seeded):
    during = figures(people.org, 2025, now=at(2025, 6, 25))
    assert not during.is_complete and during.until == at(2025, 6, 25)
    # Received by 25 June: 1, 2, 3, 4, 5, 7, 8 and the two of 2024; closed by then: 1, 2 and the 2024 one of November.
    assert during.open_at_end.state == SHOWN and during.open_at_end.number == 6


def test_an_empty_year(people, seeded):
    account = figures(people.org, 2023, now=LATER)
    assert account.nothing
    assert str(account.received) == "0" and account.handling[0].acknowledge.median_days is None
    assert not figures(people.org, 2025, now=LATER).nothing


def test_the_years_are_those_with_cases_reports_or_a_reflection_and_this_year(people, seeded):
    AnnualAccount.objects.create(organisation=people.org, year=2021, reflection="A quiet year.")
    found = years(people.org, now=LATER)
    assert [y.year for y in found] == [2026, 2025, 2024, 2021]
    by_year = {y.year: y for y in found}
    assert (str(by_year[2025].received), str(by_year[2025].reports)) == ("14", "10")
    assert (str(by_year[2024].received), str(by_year[2024].reports)) == ("< 5", "< 5")
    assert by_year[2021].has_reflection and not by_year[2025].has_reflection


def test_the_queries_do_not_grow_with_the_cases(people, seeded):
    with CaptureQueriesContext(connection) as small:
        figures(people.org, 2025, now=LATER)
    seed = Seeder(people.org, Playbook.objects.get(code="general"))
    for day in range(60):
        seed.case(
            at(2025, 1, 1) + day * DAYS,
            category=seeded.taxonomy.power,
            ack=1,
            feedback=5,
            closed=30,
            outcome="referred",
        )
    with CaptureQueriesContext(connection) as large:
        account = figures(people.org, 2025, now=LATER)
    assert str(account.received) == "74"
    assert len(large) == len(small) <= 9
    with CaptureQueriesContext(connection) as counts_only:
        counted = figures(people.org, 2025, now=LATER, handling=False)
    assert len(counts_only) == len(large) - 2  # the two passes over the times are left out
    assert not any("acknowledged_at" in query["sql"] for query in counts_only.captured_queries)
    assert counted.handling == [] and account.handling


def test_the_counts_are_the_same_without_the_handling_times(people, seeded):
    for year in (2024, 2025, 2026):
        full = figures(people.org, year, now=LATER)
        counted = figures(people.org, year, now=LATER, handling=False)
        for part in ("received", "by_category", "by_source", "by_research_category", "reports", "outcomes"):
            assert getattr(counted, part) == getattr(full, part), (year, part)
        assert (counted.open_at_end, counted.nothing) == (full.open_at_end, full.nothing)


def test_the_figures_are_a_dataclass_of_the_year(people, seeded):
    account = figures(people.org, 2025, now=LATER)
    assert isinstance(account, AccountFigures)
    assert account.year == 2025 and account.organisation == people.org
    assert account.until == datetime(2026, 1, 1, tzinfo=AMSTERDAM)
