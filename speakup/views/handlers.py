"""The case file for handlers: the inbox, one report, replies, acknowledgement, closing, attachments.

Need to know, not role: a person sees a report only when the report's newest key is sealed to them
(a `HandlerGrant`). An admin who is not a handler sees an empty inbox and gets 404 on a report, like
an outsider. Reading content also needs the handler's private key, unlocked in this session.
"""

import calendar
import json
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from nacl.public import PrivateKey

from accounts.models import User
from audit.models import Event, record
from organisations.access import get_membership
from organisations.models import Alliance, Membership, Organisation
from speakup import keys
from speakup.crypto import DecryptionError
from speakup.forms_handlers import CHANNEL_LANGUAGES, InboxFilterForm, MessageForm
from speakup.models import Attachment, HandlerGrant, HandlerKey, Message, Report, ReportQuerySet

INBOX_PAGE_SIZE = 50
FEEDBACK_WITHIN_MONTHS = 3  # EU Directive 2019/1937 art. 9(1)(f)

# Audit events of the case file (audit.Event needs these choices; Entry.event stores any string).
REPORT_OPENED = Event.REPORT_OPENED
REPORT_ACKNOWLEDGED = Event.REPORT_ACKNOWLEDGED
REPORT_REPLIED = Event.REPORT_REPLIED
REPORT_CLOSED = Event.REPORT_CLOSED
ATTACHMENT_DOWNLOADED = Event.REPORT_ATTACHMENT_DOWNLOADED

# The parts of a report's sealed content the intake writes, in the order a handler reads them.
CONTENT_LABELS = [
    ("what", gettext_lazy("What happened")),
    ("when", gettext_lazy("When")),
    ("where", gettext_lazy("Where")),
    ("who", gettext_lazy("Who is involved")),
    ("name", gettext_lazy("Reporter's name")),
    ("contact", gettext_lazy("How to contact the reporter")),
    ("language", gettext_lazy("Language the reporter wrote in")),
]


# ---- clocks ---------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 month → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def feedback_by(report: Report) -> date:
    """Feedback is due 3 months after the acknowledgement, or after the 7 days when none was sent."""
    start = timezone.localdate(report.acknowledged_at) if report.acknowledged_at else report.acknowledge_by
    return add_months(start, FEEDBACK_WITHIN_MONTHS)


class Clocks:
    """The two deadlines of the EU directive as a handler sees them today."""

    def __init__(self, report: Report, today: date) -> None:
        self.closed = report.status == Report.Status.CLOSED
        self.acknowledged = report.acknowledged_at is not None
        self.acknowledge_by = report.acknowledge_by
        self.acknowledge_days_left = (self.acknowledge_by - today).days
        self.feedback_by = feedback_by(report)
        self.feedback_days_left = (self.feedback_by - today).days

    @property
    def acknowledge_overdue(self) -> bool:
        return not self.closed and not self.acknowledged and self.acknowledge_days_left < 0

    @property
    def acknowledge_overdue_days(self) -> int:
        return -self.acknowledge_days_left

    @property
    def feedback_overdue(self) -> bool:
        return not self.closed and self.feedback_days_left < 0

    @property
    def feedback_overdue_days(self) -> int:
        return -self.feedback_days_left


# ---- access ---------------------------------------------------------------------------------------------------


def _scope(organisation: Organisation) -> Q:
    """Reports of the organisation's channels and of the channels of its alliances."""
    alliance_ids = list(
        Alliance.objects.filter(Q(lead=organisation) | Q(alliance_memberships__organisation=organisation))
        .values_list("pk", flat=True)
        .distinct()
    )
    return Q(channel__organisation=organisation) | Q(channel__alliance_id__in=alliance_ids)


def assigned_reports(user: User, organisation: Organisation) -> ReportQuerySet:
    """Reports whose key is sealed to `user`, in the organisation's channels.

    A removed handler's grants are deleted when the report is rotated to a new key, so a grant on any
    version means a grant on the newest. The IN over the person's own grants uses the grant's user
    index: its cost follows the person's reports, not all reports.
    """
    granted = HandlerGrant.objects.filter(user=user).values("report_key__report_id")
    return Report.objects.filter(_scope(organisation), pk__in=granted)


def get_report_for_handler(request: HttpRequest, slug: str, code: UUID) -> tuple[Report, Membership]:
    """A report the requester is assigned to, or 404 — whatever their role."""
    membership = get_membership(request, slug)
    report = (
        assigned_reports(request.user, membership.organisation)  # type: ignore[arg-type]
        .select_related("channel", "category", "organisation", "concerns")
        .filter(code=code)
        .first()
    )
    if report is None or not _holds_newest_key(report, request.user):  # type: ignore[arg-type]
        raise Http404
    return report, membership


def _holds_newest_key(report: Report, user: User) -> bool:
    newest = report.keys.order_by("-version").first()
    return newest is not None and newest.grants.filter(user=user).exists()


def _unlock_redirect(request: HttpRequest, slug: str, report: Report | None = None) -> HttpResponse:
    """To the unlock page, and back here afterwards (to the report page after a form was sent)."""
    url = reverse("speakup:unlock", kwargs={"slug": slug})
    if request.method == "GET" or report is None:
        back = request.get_full_path()
    else:
        back = reverse("speakup:report", kwargs={"slug": slug, "code": report.code})
    return redirect(f"{url}?{urlencode({'next': back})}")


def _actor(request: HttpRequest) -> str:
    return request.user.email  # type: ignore[union-attr]


# ---- pages ----------------------------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest, slug: str) -> HttpResponse:
    """Metadata of the reports assigned to the requester: never their content."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    reports = assigned_reports(request.user, organisation).select_related("category")  # type: ignore[arg-type]
    filters = InboxFilterForm(request.GET)
    filtered = False
    if filters.is_valid():
        status, category = filters.cleaned_data["status"], filters.cleaned_data["category"]
        if status:
            reports = reports.filter(status=status)
        if category:
            reports = reports.filter(category=category)
        filtered = bool(status or category)
    # Newest first by id: reports are stored in the order they arrive, so this is the order of their
    # received date, and SQLite and PostgreSQL walk the primary key instead of sorting every report.
    # The sealed content is not needed for metadata and can be large: it is not even loaded.
    reports = reports.defer("content", "reporter_public_key", "receipt_lookup").order_by("-id")
    page = Paginator(reports, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(report, Clocks(report, today)) for report in page]
    return render(
        request,
        "speakup/handlers/inbox.html",
        {
            "organisation": organisation,
            "membership": membership,
            "filters": filters,
            "filtered": filtered,
            "page_obj": page,
            "rows": rows,
            "has_key": HandlerKey.objects.filter(user=request.user).exists(),  # type: ignore[misc]
            "unlocked": keys.unlocked_private_key(request) is not None,
            "can_configure": membership.role in ("admin", "officer"),
        },
    )


def _share_with_other_handlers(report: Report, private_key: PrivateKey, by: User) -> list[str]:
    """Give the channel's other handlers the key versions they lack (they joined after the report came in).

    Never to people of the member organisation the report is about (keys.grant refuses them too).
    """
    versions = report.keys.count()
    held = dict(
        HandlerGrant.objects.filter(report_key__report=report)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    waiting = report.channel.handler_users().filter(handler_key__isnull=False).exclude(pk=by.pk)
    if report.concerns_id is not None:
        waiting = waiting.exclude(memberships__organisation_id=report.concerns_id)
    shared = []
    for user in waiting:
        if held.get(user.pk, 0) < versions and keys.grant(report, user, private_key):
            shared.append(user.email)
    return shared


def _decode_content(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {"what": raw.decode(errors="replace")}
    return data if isinstance(data, dict) else {"what": str(data)}


def _content_rows(content: dict[str, Any]) -> list[tuple[str, str]]:
    languages = dict(CHANNEL_LANGUAGES)
    rows = [
        (str(label), str(languages.get(content[key], content[key]) if key == "language" else content[key]))
        for key, label in CONTENT_LABELS
        if content.get(key)
    ]
    answers = content.get("answers") or []
    if isinstance(answers, dict):
        answers = list(answers.items())
    for item in answers:
        if isinstance(item, dict):
            rows.append((str(item.get("question", "")), str(item.get("answer", ""))))
        elif isinstance(item, list | tuple) and len(item) == 2:
            rows.append((str(item[0]), str(item[1])))
    known = {key for key, _label in CONTENT_LABELS} | {"answers", "category", "anonymity", "language"}
    rows.extend((str(key), str(value)) for key, value in content.items() if key not in known and value)
    return rows


@login_required
def report(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    report, membership = get_report_for_handler(request, slug, code)
    private_key = keys.unlocked_private_key(request)
    if private_key is None:
        return _unlock_redirect(request, slug)
    user: User = request.user  # type: ignore[assignment]
    shared = _share_with_other_handlers(report, private_key, user)
    record(
        REPORT_OPENED,
        actor=user.email,
        organisation=report.organisation.slug,
        target=str(report.code),
        detail={"channel": report.channel.slug, **({"shared_with": shared} if shared else {})},
    )
    try:
        report_keys = keys.handler_report_keys(report, private_key)
        content = _decode_content(keys.open_with(report_keys, report.key_version, report.content))
        thread = [
            (m, keys.open_with(report_keys, m.key_version, m.body).decode())
            for m in report.messages.select_related("author").order_by("created_at", "id")
        ]
        attachments = [
            (a, a.file.name.rsplit("/", 1)[-1], keys.open_with(report_keys, a.key_version, a.name).decode())
            for a in report.attachments.order_by("id")
        ]
    except DecryptionError:
        # The grants do not open with the unlocked key: it is not the key the report was shared with.
        messages.error(request, _("Your unlocked key does not open this report. Unlock again."))
        return _unlock_redirect(request, slug)
    Message.objects.filter(report=report, from_reporter=True, read_at__isnull=True).update(read_at=timezone.now())
    return render(
        request,
        "speakup/handlers/report.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "report": report,
            "clocks": Clocks(report, timezone.localdate()),
            "content_rows": _content_rows(content),
            "thread": thread,
            "attachments": attachments,
            "form": MessageForm(),
            "is_closed": report.status == Report.Status.CLOSED,
        },
    )


def _send(report: Report, user: User, text: str) -> Message:
    body, version = keys.seal_for_report(report, text.encode())
    return Message.objects.create(report=report, from_reporter=False, author=user, body=body, key_version=version)


@login_required
@require_POST
def report_reply(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """A message to the reporter, sealed to the report's newest key (the reporter and the handlers can open it)."""
    report, _membership = get_report_for_handler(request, slug, code)
    if keys.unlocked_private_key(request) is None:
        return _unlock_redirect(request, slug, report)
    if report.status == Report.Status.CLOSED:
        messages.error(request, _("This report is closed: no more messages can be sent."))
        return redirect("speakup:report", slug=slug, code=report.code)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["body"]))
        return redirect("speakup:report", slug=slug, code=report.code)
    user: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        _send(report, user, form.cleaned_data["body"])
        if report.status == Report.Status.ACKNOWLEDGED:
            report.status = Report.Status.IN_PROGRESS
            report.save(update_fields=["status"])
    record(REPORT_REPLIED, actor=user.email, organisation=report.organisation.slug, target=str(report.code), detail={})
    messages.success(request, _("Message sent. The reporter sees it when they return with their receipt code."))
    return redirect("speakup:report", slug=slug, code=report.code)


@login_required
def report_acknowledge(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Acknowledge receipt: a message to the reporter, and the 7-day clock stops."""
    report, membership = get_report_for_handler(request, slug, code)
    if keys.unlocked_private_key(request) is None:
        return _unlock_redirect(request, slug, report)
    if report.acknowledged_at is not None or report.status != Report.Status.NEW:
        messages.info(request, _("Receipt of this report was already acknowledged."))
        return redirect("speakup:report", slug=slug, code=report.code)
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                _send(report, user, form.cleaned_data["body"])
                report.acknowledge()
            record(
                REPORT_ACKNOWLEDGED,
                actor=user.email,
                organisation=report.organisation.slug,
                target=str(report.code),
                detail={"days_after_receipt": (timezone.localdate() - report.created_on).days},
            )
            messages.success(request, _("Receipt acknowledged. The reporter reads your message with their receipt."))
            return redirect("speakup:report", slug=slug, code=report.code)
    else:
        form = MessageForm(
            initial={
                "body": _(
                    "Thank you for your report. We have received it and will look into it carefully. "
                    "We will tell you what we do with it within three months. Please come back with your "
                    "receipt code to read our questions and messages."
                )
            }
        )
    return render(
        request,
        "speakup/handlers/report_acknowledge.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "report": report,
            "clocks": Clocks(report, timezone.localdate()),
            "form": form,
        },
    )


@login_required
def report_close(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    report, membership = get_report_for_handler(request, slug, code)
    if keys.unlocked_private_key(request) is None:
        return _unlock_redirect(request, slug, report)
    if report.status == Report.Status.CLOSED:
        messages.info(request, _("This report is already closed."))
        return redirect("speakup:report", slug=slug, code=report.code)
    if request.method == "POST":
        report.close()
        record(
            REPORT_CLOSED,
            actor=_actor(request),
            organisation=report.organisation.slug,
            target=str(report.code),
            detail={"channel": report.channel.slug, "delete_after": str(report.delete_after)},
        )
        messages.success(
            request,
            _("Report closed. It will be deleted on %(date)s.") % {"date": report.delete_after},
        )
        return redirect("speakup:inbox", slug=slug)
    return render(
        request,
        "speakup/handlers/report_close.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "report": report,
            "delete_after": timezone.localdate() + timedelta(days=report.channel.retention_days),
        },
    )


@login_required
def attachment_download(request: HttpRequest, slug: str, code: UUID, name: str) -> HttpResponse:
    report, _membership = get_report_for_handler(request, slug, code)
    attachment = Attachment.objects.filter(report=report, file=f"speakup/{name}").first()
    if attachment is None:
        raise Http404
    private_key = keys.unlocked_private_key(request)
    if private_key is None:
        return _unlock_redirect(request, slug)
    user: User = request.user  # type: ignore[assignment]
    try:
        with attachment.file.open("rb") as f:
            sealed = f.read()
        data = keys.open_for_handler(report, attachment.key_version, sealed, private_key)
        filename = keys.open_for_handler(report, attachment.key_version, attachment.name, private_key).decode()
    except (DecryptionError, FileNotFoundError) as exc:
        raise Http404 from exc
    record(
        ATTACHMENT_DOWNLOADED,
        actor=user.email,
        organisation=report.organisation.slug,
        target=str(report.code),
        detail={"attachment": name},
    )
    allowed = {c.value for c in Attachment.ContentType}
    content_type = attachment.content_type if attachment.content_type in allowed else "application/octet-stream"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = _attachment_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _attachment_disposition(filename: str) -> str:
    return content_disposition_header(True, filename or "attachment") or "attachment"
