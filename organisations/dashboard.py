"""The cards of the organisation overview, from `organisations` and from the apps above it.

An app registers a card from its AppConfig.ready(); `organisations` so shows assessments, action plans, the
roadmap or health checks without importing those apps. A card has up to three parts:

- `shared`: the organisation's figures, the same for each of its members. All cards' shared parts are kept
  together in the cache under the organisation's overview version (docs/decisions/0023): the app names, with
  `shown_from`, the models its card reads and the organisations a change of one concerns; each save or
  delete bumps their counters (`OverviewVersion`), so the next overview computes the figures anew. The
  key also holds the language and today's date (figures "overdue" or "due" are as of today). Writes that
  send no signal (`QuerySet.update`, `bulk_create`) show within `MAX_AGE`.
- `personal`: what this person sees in this organisation (the rounds they are to answer), kept in the cache
  in the same way under the organisation's version and the person's: `shown_to` names the models and the
  people a change concerns.
- `live`: what is read on every request (the counts of the reports assigned to a handler, whose access
  rules are the speak-up app's own; whether the person may see the card at all).

A card is shown when none of its parts is None; its context is the shared part, then the personal part,
then the live part over it.

Other pages of an organisation's figures keep them under the same versions (`versions_of`, `cached`): the
management dashboard (`insights`) names the further models it reads with `shown_from` as a card does.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from organisations.models import Alliance, Membership, Organisation, OverviewVersion, Partnership
from samen import counters

# Figures are computed at least this often (seconds), whatever the version says.
MAX_AGE = 300

Context = dict[str, Any]
T = TypeVar("T")
# Among the organisations a change concerns (`shown_from`): every organisation.
EVERYONE = OverviewVersion.EVERYONE
Part = Callable[[Any], Context | None]


@dataclass(frozen=True)
class Card:
    name: str
    # A template that renders one <section class="card">; it receives `card` (the context),
    # `organisation` and `membership`.
    template: str
    shared: Callable[[Organisation], Context | None] | None = None
    personal: Callable[[Membership], Context | None] | None = None
    live: Callable[[Membership], Context | None] | None = None
    order: int = 100


_cards: dict[str, Card] = {}
# The counters a save or delete of each model bumps: "org:<pk>", "user:<pk>" or EVERYONE.
_sources: dict[type[Model], list[Callable[[Any], Iterable[str]]]] = defaultdict(list)


def register(
    name: str,
    *,
    template: str,
    shared: Callable[[Organisation], Context | None] | None = None,
    personal: Callable[[Membership], Context | None] | None = None,
    live: Callable[[Membership], Context | None] | None = None,
    order: int = 100,
) -> None:
    _cards[name] = Card(name=name, template=template, shared=shared, personal=personal, live=live, order=order)


def shown_from(model: type[Model], organisations: Callable[[Any], Iterable[int | str | None]]) -> None:
    """A card's shared part reads `model`: a save or delete of one changes the overview of the organisations
    `organisations(instance)` gives: their primary keys, EVERYONE for every organisation's; a None is no
    organisation (a plan without a partner) and is passed over."""
    _watch(model, lambda instance: [_org_key(pk) for pk in organisations(instance) if pk is not None])


def shown_to(model: type[Model], people: Callable[[Any], Iterable[int]]) -> None:
    """A card's personal part reads `model`: a save or delete of one changes what `people(instance)` (users'
    primary keys) see on their overviews."""
    _watch(model, lambda instance: [_user_key(pk) for pk in people(instance)])


def _watch(model: type[Model], keys: Callable[[Any], Iterable[str]]) -> None:
    if not _sources[model]:
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"overview-version-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"overview-version-delete-{label}")
    _sources[model].append(keys)


def _changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: fixtures, not changes
    changed(instance)


def changed(instance: Model) -> None:
    """Bump what a save of `instance` bumps: for changes made without a signal (`QuerySet.update`,
    `bulk_create`)."""
    counters.bump(OverviewVersion, {key for keys in _sources[type(instance)] for key in keys(instance)})


def _org_key(pk: int | str) -> str:
    if isinstance(pk, str):
        assert pk == EVERYONE, pk
        return EVERYONE
    return f"org:{pk}"


def _user_key(pk: int) -> str:
    return f"user:{pk}"


def of_party(partnership_id: int | None, alliance_id: int | None) -> list[int]:
    """The organisations of what a record belongs to (an agreement, a health check): both sides of its
    partnership, or its alliance's lead and members."""
    sides: list[int] = []
    if partnership_id is not None:
        found = Partnership.objects.filter(pk=partnership_id).values_list("organisation_id", "partner_id").first()
        sides = list(found or ())
    return sides + of_alliance(alliance_id)


def of_alliance(alliance_id: int | None) -> list[int]:
    """An alliance's lead and its members."""
    if alliance_id is None:
        return []
    lead = Alliance.objects.filter(pk=alliance_id).values("lead_id")
    return list(
        Organisation.objects.filter(Q(pk__in=lead) | Q(alliance_memberships__alliance_id=alliance_id))
        .values_list("pk", flat=True)
        .distinct()
    )


def versions_of(organisation_id: int, user_id: int | None = None) -> tuple[int, ...]:
    """The counters a cached figure of the organisation (and of the person) depends on: one query. Read them
    before the data: a change committed after this bumps the version past what is cached under it."""
    keys = [_org_key(organisation_id), EVERYONE] + ([] if user_id is None else [_user_key(user_id)])
    return counters.numbers(OverviewVersion, keys)


def cached(material: tuple[Any, ...], versions: tuple[int, ...], compute: Callable[[], T]) -> T:
    """`compute()`, from the cache while `material` (what it depends on besides data: an organisation, a year)
    and the data `versions` (from `versions_of`) stay the same, in this language on this day; at most MAX_AGE
    old. `compute` must not return None."""
    situation = (translation.get_language(), timezone.localdate().isoformat())
    return counters.cached("overview", (material, situation, versions), MAX_AGE, compute)


def _parts(parts: dict[str, Part], argument: Any) -> Callable[[], dict[str, Context | None]]:
    return lambda: {name: part(argument) for name, part in parts.items()}


def cards_for(membership: Membership) -> list[tuple[Card, Context]]:
    cards = sorted(_cards.values(), key=lambda c: (c.order, c.name))
    organisation, everyone, person = versions_of(membership.organisation_id, membership.user_id)
    shared_parts = {card.name: card.shared for card in cards if card.shared}
    personal_parts = {card.name: card.personal for card in cards if card.personal}
    shared = cached(
        ("cards", membership.organisation_id, tuple(shared_parts)),
        (organisation, everyone),
        _parts(shared_parts, membership.organisation),
    )
    personal = cached(
        ("personal cards", membership.organisation_id, membership.user_id, tuple(personal_parts)),
        (organisation, everyone, person),
        _parts(personal_parts, membership),
    )
    shown = []
    for card in cards:
        context = _context_of(card, shared.get(card.name), personal.get(card.name), membership)
        if context is not None:
            shown.append((card, context))
    return shown


def _context_of(card: Card, shared: Context | None, personal: Context | None, membership: Membership) -> Context | None:
    """The card's parts one over the other, or None when one of them leaves the card out."""
    if (card.shared and shared is None) or (card.personal and personal is None):
        return None
    live = card.live(membership) if card.live else {}
    if live is None:
        return None
    return {**(shared or {}), **(personal or {}), **live}
