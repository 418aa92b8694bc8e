"""An assessment's results, gathered in a fixed number of queries and scored by `assessments.scoring`.

The overview page, the review page, the PDF and the CSV all read a `Report`; none of them queries
per requirement, so a library of 60 requirements costs what one of 6 costs.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import Answer, Assessment, Evidence, ReviewComment
from framework.models import AssessmentLibrary, LibraryArea, MaturityLevel, Requirement, SuggestedAction
from samen.charts import bar_chart


@dataclass
class Row:
    requirement: Requirement
    answer: Answer | None = None  # the assessed organisation's answer
    other: Answer | None = None  # the other partner's answer in a mutual check
    evidence: list[Evidence] = field(default_factory=list)
    comments: list[ReviewComment] = field(default_factory=list)

    @property
    def value(self) -> int | None:
        return _value(self.requirement, self.answer)

    @property
    def other_value(self) -> int | None:
        return _value(self.requirement, self.other)

    @property
    def difference(self) -> int | None:
        if self.value is None or self.other_value is None:
            return None
        return abs(self.value - self.other_value)


def _value(requirement: Requirement, answer: Answer | None) -> int | None:
    """A number to score: the level of a maturity answer, the weight of a chosen option."""
    if answer is None:
        return None
    if requirement.answer_kind == Requirement.AnswerKind.MATURITY:
        return answer.level
    return answer.option.weight if answer.option else None


@dataclass
class Area:
    area: LibraryArea
    rows: list[Row]
    score: scoring.AreaScore
    total: float = 0  # weighted libraries: the sum of the chosen weights
    maximum: float = 0  # weighted libraries: the most the area can score
    other_score: float | None = None  # mutual checks: the other partner's mean


@dataclass
class Report:
    assessment: Assessment
    levels: list[MaturityLevel]
    areas: list[Area]
    overall: float | None
    gaps: list[Row]
    unanswered: list[Row]
    total: float | None = None
    tier: str | None = None
    differences: list[Row] = field(default_factory=list)
    general_comments: list[ReviewComment] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [row for area in self.areas for row in area.rows]

    @property
    def answered(self) -> int:
        return sum(area.score.answered for area in self.areas)

    @property
    def count(self) -> int:
        return sum(area.score.total for area in self.areas)

    @property
    def kind(self) -> str:
        return self.assessment.library.scoring

    def chart(self) -> SafeString:
        library = self.assessment.library
        items: list[tuple[str, float]]
        if self.kind == AssessmentLibrary.Scoring.WEIGHTED:
            items = [
                (area.area.name, round(100 * area.total / area.maximum) if area.maximum else 0) for area in self.areas
            ]
            return bar_chart(items, maximum=100, title=_("Share of the highest possible score per area (%)"))
        if self.kind == AssessmentLibrary.Scoring.MUTUAL:
            assessment = self.assessment
            items = []
            for area in self.areas:
                items.append((f"{area.area.name} · {assessment.organisation.name}", round(area.score.score or 0, 1)))
                if assessment.requester:
                    items.append((f"{area.area.name} · {assessment.requester.name}", round(area.other_score or 0, 1)))
            return bar_chart(items, maximum=scoring.MAX_LEVEL, title=_("Mean agreement per area, each partner"))
        items = [(area.area.name, round(area.score.score or 0, 1)) for area in self.areas]
        return bar_chart(
            items,
            maximum=scoring.MAX_LEVEL,
            title=_("Score per area, 0 to 5"),
            target=library.target_level,
            target_label=_("target %(level)s") % {"level": library.target_level},
        )


def requirements_of(library: AssessmentLibrary) -> list[Requirement]:
    return list(
        Requirement.objects.filter(library=library)
        .select_related("area")
        .prefetch_related("options", Prefetch("suggested_actions", queryset=SuggestedAction.objects.order_by("order")))
        .order_by("area__order", "area__code", "order", "code")
    )


def _item(row: Row, level: int | None) -> scoring.Item:
    requirement = row.requirement
    return scoring.Item(code=requirement.code, area=requirement.area.code, weight=requirement.weight, level=level)


def build_report(assessment: Assessment) -> Report:
    library = assessment.library
    requirements = requirements_of(library)
    levels = list(MaturityLevel.objects.filter(library=library).order_by("level"))
    rows = {requirement.pk: Row(requirement) for requirement in requirements}
    for answer in Answer.objects.filter(assessment=assessment).select_related("option", "answered_by"):
        row = rows.get(answer.requirement_id)
        if row is None:
            continue
        if answer.organisation_id == assessment.organisation_id:
            row.answer = answer
        else:
            row.other = answer
    for evidence in Evidence.objects.filter(assessment=assessment).select_related("uploaded_by"):
        if evidence.requirement_id in rows:
            rows[evidence.requirement_id].evidence.append(evidence)
    general = []
    for comment in ReviewComment.objects.filter(assessment=assessment).select_related("author", "organisation"):
        if comment.requirement_id in rows:
            rows[comment.requirement_id].comments.append(comment)
        else:
            general.append(comment)

    # A mutual check scores its answers' weights (1–5 agreement) like levels; elsewhere only maturity answers count.
    mutual = library.scoring == AssessmentLibrary.Scoring.MUTUAL
    items = {
        pk: _item(row, row.value if mutual or row.requirement.answer_kind == Requirement.AnswerKind.MATURITY else None)
        for pk, row in rows.items()
    }
    other_items = {pk: _item(row, row.other_value) for pk, row in rows.items()} if mutual else {}
    # Areas in library order, each with the rows that belong to it.
    areas: list[Area] = []
    by_code = {}
    for requirement in requirements:
        area_code = requirement.area.code
        if area_code not in by_code:
            by_code[area_code] = Area(requirement.area, [], scoring.AreaScore(area_code, None, 0, 0))
            areas.append(by_code[area_code])
        by_code[area_code].rows.append(rows[requirement.pk])
    for area in areas:
        area_items = [items[row.requirement.pk] for row in area.rows]
        if library.scoring == AssessmentLibrary.Scoring.WEIGHTED:
            answered = sum(1 for row in area.rows if row.value is not None)
            area.score = scoring.AreaScore(area.area.code, None, answered, len(area.rows))
            area.total = scoring.weighted_total(row.value for row in area.rows if row.value is not None)
            area.maximum = scoring.weighted_total(
                max((o.weight for o in row.requirement.options.all()), default=0) for row in area.rows
            )
        else:
            scored = scoring.area_scores(area_items)[0]
            # Choice questions in a maturity library count as answered, though they carry no level.
            answered = sum(1 for row in area.rows if row.answer is not None)
            area.score = scoring.AreaScore(area.area.code, scored.score, answered, len(area.rows))
            if mutual:
                area.other_score = scoring.area_scores([other_items[row.requirement.pk] for row in area.rows])[0].score

    row_by_code = {row.requirement.code: row for row in rows.values()}
    found = scoring.gaps(list(items.values()), library.target_level)
    report = Report(
        assessment=assessment,
        levels=levels,
        areas=areas,
        overall=scoring.overall_score(list(items.values())),
        gaps=[row_by_code[item.code] for item in found.below],
        unanswered=[row for row in rows.values() if row.answer is None],
        general_comments=general,
    )
    if library.scoring == AssessmentLibrary.Scoring.WEIGHTED:
        report.gaps = []  # a risk tier, not a maturity target: every low-weight answer is a gap
        for row in rows.values():
            best = max((o.weight for o in row.requirement.options.all()), default=0)
            if row.value is not None and row.value < best:
                report.gaps.append(row)
        report.total = scoring.weighted_total(area.total for area in areas)
        report.tier = scoring.tier_for(report.total, scoring.tiers(library.thresholds)) if library.thresholds else None
        report.overall = None
    if library.scoring == AssessmentLibrary.Scoring.MUTUAL:
        ordered = scoring.differences((row.requirement.code, row.value, row.other_value) for row in rows.values())
        report.differences = [row_by_code[d.code] for d in ordered]
    return report
