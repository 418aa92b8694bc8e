"""The de-identification check of a dilemma: run the checker, resolve each flag, and whether it passed.

Before a dilemma is shared beyond its organisation every text of it (both languages, options and
variations included) goes through `dilemmas.deidentify.find_identifiers`, with the names of the people
and organisations on Samen. Each flag is then resolved by its author or a reviewer: replaced ("[person]"
in the text's own language) or kept with a reason. The check holds while the texts are the ones it saw.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation

from accounts.models import User
from dilemmas.deidentify import KINDS, Finding, find_identifiers, redact
from dilemmas.models import DeidentificationCheck, Dilemma, Flag, Resolution, SectorStatus
from organisations.models import Organisation


def known_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(people, organisations): the names of everyone and every organisation on Samen.

    Two queries of names only, sorted and as tuples: the checker caches what it builds from equal
    tuples, so a second check with the same people on Samen costs no more than the text itself.
    """
    people = User.objects.filter(is_active=True).exclude(name="").order_by("name").values_list("name", flat=True)
    organisations = Organisation.objects.order_by("name").values_list("name", flat=True)
    return tuple(dict.fromkeys(people)), tuple(dict.fromkeys(organisations))


def language_of(field: str) -> str:
    """The language of a text named as in Dilemma.texts(): "situation_en" → "en", "option:2:nl" → "nl"."""
    return field[-2:]


def latest_check(dilemma: Dilemma) -> DeidentificationCheck | None:
    return (
        DeidentificationCheck.objects.filter(dilemma=dilemma)
        .select_related("run_by")
        .prefetch_related(Prefetch("flags", queryset=Flag.objects.select_related("resolved_by")))
        .order_by("-run_at", "-pk")
        .first()
    )


@dataclass
class CheckState:
    check: DeidentificationCheck | None
    current: bool  # it saw the texts as they are now
    open_flags: int

    @property
    def passed(self) -> bool:
        return self.check is not None and self.current and self.open_flags == 0


def state(dilemma: Dilemma) -> CheckState:
    check = latest_check(dilemma)
    if check is None:
        return CheckState(None, current=False, open_flags=0)
    return CheckState(
        check,
        current=check.text_hash == dilemma.content_hash(),
        open_flags=sum(1 for flag in check.flags.all() if flag.is_open),
    )


def run_check(dilemma: Dilemma, by: User) -> DeidentificationCheck:
    """Check every text of the dilemma and record the flags.

    A flag the previous check kept with a reason (same text, same kind, same place) stays kept, with
    that reason: running the check again after an edit does not ask the same question twice.
    """
    people, organisations = known_names()
    previous = latest_check(dilemma)
    kept = {}
    if previous is not None:
        kept = {(f.field, f.kind, f.text): f for f in previous.flags.all() if f.resolution == Resolution.KEPT}
    now = timezone.now()
    with transaction.atomic():
        assert dilemma.organisation is not None, "framework dilemmas are not checked"
        check = DeidentificationCheck.objects.create(
            dilemma=dilemma,
            organisation=dilemma.organisation,
            run_by=by,
            run_at=now,
            text_hash=dilemma.content_hash(),
        )
        flags = []
        for field, text in dilemma.texts():
            for finding in find_identifiers(text, people=people, organisations=organisations):
                flag = Flag(
                    check_run=check,
                    field=field,
                    kind=finding.kind,
                    start=finding.start,
                    end=finding.end,
                    text=finding.text[:300],
                )
                earlier = kept.get((field, finding.kind, flag.text))
                if earlier is not None:
                    flag.resolution, flag.reason = Resolution.KEPT, earlier.reason
                    flag.resolved_by_id, flag.resolved_at = earlier.resolved_by_id, earlier.resolved_at
                flags.append(flag)
        Flag.objects.bulk_create(flags)
    return check


def keep(flag: Flag, by: User, reason: str) -> None:
    flag.resolution, flag.reason, flag.resolved_by, flag.resolved_at = Resolution.KEPT, reason, by, timezone.now()
    flag.save(update_fields=["resolution", "reason", "resolved_by", "resolved_at"])


def replace(dilemma: Dilemma, flag: Flag, by: User) -> str:
    """Replace the flagged text by its kind ("[person]", in the text's language); returns the replacement.

    The other flags of the same text move with it, and the check follows the new text. The flag forgets
    what it covered: the record keeps that something was replaced, not what.
    """
    texts = dict(dilemma.texts())
    current = texts.get(flag.field, "")
    finding = Finding(flag.kind, flag.start, flag.end, current[flag.start : flag.end])
    if not finding.text.startswith(flag.text):  # the flag keeps at most 300 characters of it
        raise ValueError("The text changed since the check: run the check again.")
    with translation.override(language_of(flag.field)):
        label = f"[{KINDS.get(flag.kind, flag.kind)}]"
    new_text = redact(current, [finding], replacement=lambda _finding: label)
    shift = len(new_text) - len(current)
    check = flag.check_run
    with transaction.atomic():
        dilemma.set_text(flag.field, new_text)
        for later in check.flags.filter(field=flag.field, start__gte=flag.end).exclude(pk=flag.pk):
            later.start, later.end = later.start + shift, later.end + shift
            later.save(update_fields=["start", "end"])
        flag.resolution, flag.reason, flag.text = Resolution.REDACTED, "", ""
        flag.resolved_by, flag.resolved_at = by, timezone.now()
        flag.end = flag.start + len(label)
        flag.save(update_fields=["resolution", "reason", "text", "resolved_by", "resolved_at", "end"])
        fresh = Dilemma.objects.prefetch_related("options", "variations", "types", "subtypes").get(pk=dilemma.pk)
        check.text_hash = fresh.content_hash()
        check.save(update_fields=["text_hash"])
        fresh.reindex()
        # The sector's editors approved other words; they look again when it is offered anew.
        if fresh.sector_status == SectorStatus.APPROVED:
            fresh.sector_status = SectorStatus.NONE
            fresh.save(update_fields=["sector_status"])
    return label
