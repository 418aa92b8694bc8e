"""Channel configuration: the public channels of an organisation (and of the alliances it leads), their handlers.

Admins and integrity officers configure channels; other members get 403, outsiders 404.
Configuring a channel never gives access to a report: only the handlers a report's key is sealed to
can read it (speakup/keys.py).
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from audit.models import Event, record
from organisations.access import get_membership
from organisations.models import Alliance, Membership, Organisation, Role
from speakup import keys
from speakup.forms_handlers import MEGABYTE, OWN_ORGANISATION, ChannelForm, HandlerAddForm, owner_choices
from speakup.models import Channel, ChannelHandler, HandlerKey, Report

CONFIGURING_ROLES = {Role.ADMIN, Role.OFFICER}

# Audit events of channel configuration (see the report of this change: audit.Event needs these choices).
HANDLER_ADDED = Event.SPEAKUP_HANDLER_ADDED
CHANNEL_CHANGED = Event.SPEAKUP_CHANNEL_CHANGED


def get_configuring_membership(request: HttpRequest, slug: str) -> Membership:
    """The requester's membership of `slug` when they may configure channels: 404 for outsiders, 403 for others."""
    membership = get_membership(request, slug)
    if membership.role not in CONFIGURING_ROLES:
        raise PermissionDenied
    return membership


def channels_of(organisation: Organisation) -> QuerySet[Channel]:
    """The organisation's own channels and those of the alliances it leads."""
    return Channel.objects.filter(Q(organisation=organisation) | Q(alliance__lead=organisation))


def get_channel(membership: Membership, code: UUID) -> Channel:
    channel = (
        channels_of(membership.organisation).select_related("organisation", "alliance__lead").filter(code=code).first()
    )
    if channel is None:
        raise Http404
    return channel


def public_url(request: HttpRequest, channel: Channel) -> str:
    """The address reporters use, to print on posters and put on the website."""
    return request.build_absolute_uri(reverse("speakup_public:channel", kwargs={"slug": channel.slug}))


def eligible_organisations(channel: Channel) -> "list[Organisation]":
    """Whose people may handle the channel's reports: the organisation, or every member of the alliance."""
    if channel.organisation_id is not None:
        return [channel.organisation]  # type: ignore[list-item]
    alliance: Alliance = channel.alliance  # type: ignore[assignment]
    return [alliance.lead, *alliance.members().exclude(pk=alliance.lead_id)]


def _candidates(channel: Channel) -> list[Membership]:
    """Memberships of people who could be added as handlers (one per person), marked with `has_key`."""
    orgs = eligible_organisations(channel)
    memberships = (
        Membership.objects.filter(organisation__in=orgs, user__is_active=True)
        .exclude(user__channel_handler_roles__channel=channel)
        .select_related("user", "organisation")
        .annotate(has_key=Exists(HandlerKey.objects.filter(user=OuterRef("user"))))
        .order_by("user__name", "user__email", "organisation__name")
    )
    seen: set[int] = set()
    result = []
    for m in memberships:
        if m.user_id not in seen:
            seen.add(m.user_id)
            result.append(m)
    return result


def _handler_rows(channel: Channel) -> list[tuple[ChannelHandler, Membership | None]]:
    handlers = list(channel.handlers.select_related("user").order_by("user__name", "user__email"))
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            organisation__in=eligible_organisations(channel), user__in=[h.user_id for h in handlers]
        ).select_related("organisation")
    }
    return [(h, memberships.get(h.user_id)) for h in handlers]


@login_required
def channels(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_configuring_membership(request, slug)
    rows = [
        (channel, public_url(request, channel))
        for channel in channels_of(membership.organisation)
        .select_related("organisation", "alliance")
        .prefetch_related("handlers")
        .order_by("slug")
    ]
    return render(
        request,
        "speakup/channels/channels.html",
        {"organisation": membership.organisation, "membership": membership, "rows": rows},
    )


def _apply(channel: Channel, data: dict) -> None:
    channel.slug = data["slug"]
    channel.is_open = data["is_open"]
    channel.languages = list(data["languages"])
    channel.intro_nl, channel.intro_en = data["intro_nl"], data["intro_en"]
    channel.intro_fr, channel.intro_es = data["intro_fr"], data["intro_es"]
    channel.questions = data["questions"]
    channel.retention_days = data["retention_days"]
    channel.max_reports_per_hour = data["max_reports_per_hour"]
    channel.max_attachment_bytes = data["max_attachment_mb"] * MEGABYTE


@login_required
def channel_add(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_configuring_membership(request, slug)
    organisation = membership.organisation
    led = list(Alliance.objects.filter(lead=organisation).order_by("name"))
    owners = owner_choices(led, organisation.name)
    if request.method == "POST":
        form = ChannelForm(request.POST, owners=owners)
        if form.is_valid():
            data = form.cleaned_data
            channel = Channel()
            if data["owner"] == OWN_ORGANISATION:
                channel.organisation = organisation
            else:
                channel.alliance = next(a for a in led if str(a.code) == data["owner"])
            _apply(channel, data)
            with transaction.atomic():
                channel.save()
                channel.categories.set(data["categories"])
            record(
                CHANNEL_CHANGED,
                actor=request.user.email,  # type: ignore[union-attr]
                organisation=slug,
                target=channel.slug,
                detail={"created": True},
            )
            messages.success(request, _("Channel created. Now add the people who handle its reports."))
            return redirect("speakup:channel_handlers", slug=slug, code=channel.code)
    else:
        form = ChannelForm(
            owners=owners,
            initial={
                "owner": OWN_ORGANISATION,
                "slug": organisation.slug if not Channel.objects.filter(slug=organisation.slug).exists() else "",
                "is_open": True,
                "languages": ["nl", "en", "fr", "es"],
                "retention_days": 90,
                "max_reports_per_hour": 30,
                "max_attachment_mb": 5,
            },
        )
    return render(
        request,
        "speakup/channels/channel_form.html",
        {"organisation": organisation, "membership": membership, "form": form, "channel": None},
    )


@login_required
def channel_edit(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    membership = get_configuring_membership(request, slug)
    channel = get_channel(membership, code)
    if request.method == "POST":
        form = ChannelForm(request.POST, channel=channel)
        if form.is_valid():
            _apply(channel, form.cleaned_data)
            with transaction.atomic():
                channel.save()
                channel.categories.set(form.cleaned_data["categories"])
            record(
                CHANNEL_CHANGED,
                actor=request.user.email,  # type: ignore[union-attr]
                organisation=slug,
                target=channel.slug,
                detail={"is_open": channel.is_open, "retention_days": channel.retention_days},
            )
            messages.success(request, _("Channel saved."))
            return redirect("speakup:channels", slug=slug)
    else:
        form = ChannelForm(initial=ChannelForm.initial_for(channel), channel=channel)
    return render(
        request,
        "speakup/channels/channel_form.html",
        {"organisation": membership.organisation, "membership": membership, "form": form, "channel": channel},
    )


@login_required
def channel_handlers(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The handlers of a channel; adding one. New handlers get existing reports when a handler opens them."""
    membership = get_configuring_membership(request, slug)
    channel = get_channel(membership, code)
    candidates = _candidates(channel)
    if request.method == "POST":
        form = HandlerAddForm(request.POST, candidates=candidates)
        if form.is_valid():
            person: Membership = form.cleaned_data["person"]
            ChannelHandler.objects.get_or_create(channel=channel, user=person.user, defaults={"added_by": request.user})
            record(
                HANDLER_ADDED,
                actor=request.user.email,  # type: ignore[union-attr]
                organisation=slug,
                target=person.user.email,
                detail={"channel": channel.slug},
            )
            messages.success(
                request,
                _(
                    "%(name)s now receives new reports of this channel. Earlier reports are shared with them "
                    "the next time another handler opens each report."
                )
                % {"name": person.user.display_name},
            )
            return redirect("speakup:channel_handlers", slug=slug, code=channel.code)
    else:
        form = HandlerAddForm(candidates=candidates)
    return render(
        request,
        "speakup/channels/channel_handlers.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "channel": channel,
            "handler_rows": _handler_rows(channel),
            "form": form,
            "candidates_without_key": [m for m in candidates if not m.has_key],  # type: ignore[attr-defined]
        },
    )


@login_required
def channel_handler_remove(request: HttpRequest, slug: str, code: UUID, member: UUID) -> HttpResponse:
    """Remove a handler (after confirmation); every report they could read gets a new key they do not have.

    Rotation only uses public keys, so the person removing need not hold the reports' keys: an
    admin who is not a handler can still take away a handler who left (see keys.remove_handler).
    When the remover has unlocked their own key, the remaining handlers also receive any older key
    versions they lacked, so nobody loses sight of earlier content.
    """
    membership = get_configuring_membership(request, slug)
    channel = get_channel(membership, code)
    target = (
        Membership.objects.filter(code=member, organisation__in=eligible_organisations(channel))
        .select_related("user", "organisation")
        .first()
    )
    if target is None or not channel.handlers.filter(user=target.user).exists():
        raise Http404
    affected = Report.objects.filter(channel=channel).for_handler(target.user)
    if request.method == "POST":
        user: User = request.user  # type: ignore[assignment]
        rotated = keys.remove_handler(channel, target.user, removed_by=user)
        private_key = keys.unlocked_private_key(request)
        if private_key is not None:
            remaining = list(channel.handler_users())
            for report in Report.objects.filter(channel=channel).for_handler(user):
                for other in remaining:
                    if other.pk != user.pk and not _is_conflicted(report, other):
                        keys.grant(report, other, private_key)
        messages.success(
            request,
            ngettext(
                "%(name)s no longer handles this channel. %(count)d report got a new key.",
                "%(name)s no longer handles this channel. %(count)d reports got a new key.",
                rotated,
            )
            % {"name": target.user.display_name, "count": rotated},
        )
        return redirect("speakup:channel_handlers", slug=slug, code=channel.code)
    return render(
        request,
        "speakup/channels/channel_handler_remove.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "channel": channel,
            "target": target,
            "affected_count": affected.count(),
        },
    )


def _is_conflicted(report: Report, user: "User") -> bool:
    return report.concerns_id is not None and user.memberships.filter(organisation_id=report.concerns_id).exists()
