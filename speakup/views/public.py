"""The public speak-up channel: no account, no cookie before the receipt login, in the reporter's language.

The language is part of every URL (speak-up/<slug>/<lang>/…) and activated for the request only with
translation.override: a language cookie would be a trace in the reporter's browser.

CSRF: the intake, the receipt download and the receipt login are exempt from Django's CSRF check, which
needs a cookie. That is safe here: before the receipt login there is no session and no ambient authority
a forged request could ride on (a forged report is one the forger could have sent themselves), and the
intake is still protected by a signed form token (speakup/forms_public.py). A browser that says the
request comes from another site (Sec-Fetch-Site: cross-site) is refused outright. After the receipt
login the follow-up forms carry a token bound to the session, and the session cookie is SameSite=Lax.
"""

import calendar
import json
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import TokenBucket
from organisations.models import Organisation
from speakup import crypto, keys
from speakup.forms_public import (
    CleanAttachment,
    FormAlreadySent,
    MemoryOnlyUploadHandler,
    ReceiptForm,
    ReplyForm,
    ReportForm,
    form_token,
    session_token,
    session_token_ok,
    spend_form_token,
)
from speakup.middleware import allow_session
from speakup.models import LANGUAGES, Attachment, Channel, Message, Report

REPORTER_STASH = "reporter"
SESSION_REPORT = "speakup:report"
SESSION_SEEN = "speakup:seen"
FEEDBACK_WITHIN_MONTHS = 3  # EU Directive 2019/1937 art. 9(1)(f)
EXTERNAL_REPORTING_URL = "https://www.huisvoorklokkenluiders.nl/"


def _setting(name: str, default: float) -> float:
    return getattr(settings, name, default)


# Helpers ----------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _languages(channel: Channel) -> list[str]:
    return [code for code in (channel.languages or []) if code in LANGUAGES] or ["en"]


def _preferred_language(request: HttpRequest, channel: Channel) -> str:
    """The first of the browser's languages the channel speaks (no cookie is read or written)."""
    available = _languages(channel)
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code.split("-")[0].lower() in available:
            return code.split("-")[0].lower()
    return available[0]


def _cross_site(request: HttpRequest) -> bool:
    return request.headers.get("Sec-Fetch-Site", "") == "cross-site"


def _context(channel: Channel, lang: str, **extra: Any) -> dict[str, Any]:
    owner = channel.organisation or channel.alliance
    intro = getattr(channel, f"intro_{lang}", "")
    intro_lang = lang
    if not intro:  # another language's introduction is better than none; marked with its language
        intro_lang, intro = next(
            (
                (code, getattr(channel, f"intro_{code}"))
                for code in _languages(channel)
                if getattr(channel, f"intro_{code}")
            ),
            (lang, ""),
        )
    return {
        "channel": channel,
        "owner_name": str(owner),
        "lang": lang,
        "languages": [(code, get_language_info(code)["name_local"]) for code in _languages(channel)],
        "intro": intro,
        "intro_lang": intro_lang,
        "external_url": EXTERNAL_REPORTING_URL,
        **extra,
    }


def channel_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Find the channel and the language of the URL, and answer in that language."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, lang: str, **kwargs: Any) -> HttpResponse:
        channel = get_object_or_404(Channel.objects.select_related("organisation", "alliance"), slug=slug)
        if lang not in _languages(channel):
            raise Http404
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = view(request, channel, lang, **kwargs)
            response.headers["Content-Language"] = lang
            return response

    return wrapper


# The channel ------------------------------------------------------------------------------------------


def channel(request: HttpRequest, slug: str) -> HttpResponse:
    """The stable public address: the introduction in the browser's language, and the language choice."""
    found = get_object_or_404(Channel.objects.select_related("organisation", "alliance"), slug=slug)
    lang = _preferred_language(request, found)
    with translation.override(lang):
        return render(request, "speakup/public/home.html", _context(found, lang))


@channel_page
def home(request: HttpRequest, channel: Channel, lang: str) -> HttpResponse:
    return render(request, "speakup/public/home.html", _context(channel, lang, left="left" in request.GET))


# Intake -----------------------------------------------------------------------------------------------


def _route(channel: Channel, concerns: Organisation | None) -> Organisation:
    """Whose handlers receive the report: the channel's organisation; for an alliance its lead, unless the
    report is about the lead: then the next member. (Members the report is about never get its key:
    keys.issue_key leaves them out.)"""
    if channel.organisation is not None:
        return channel.organisation
    alliance = channel.alliance
    assert alliance is not None
    if concerns is None or concerns.pk != alliance.lead_id:
        return alliance.lead
    return alliance.members().exclude(pk=alliance.lead_id).first() or alliance.lead


def _store_attachments(report: Report, message: Message | None, files: list[CleanAttachment]) -> None:
    for item in files:
        name, version = keys.seal_for_report(report, item.name.encode())
        sealed, _version = keys.seal_for_report(report, item.data)
        attachment = Attachment(
            report=report,
            message=message,
            name=name,
            content_type=item.content_type,
            size=len(item.data),
            key_version=version,
        )
        attachment.file.save("sealed", ContentFile(sealed), save=True)


def _submit(channel: Channel, form: ReportForm) -> str:
    """Store the report sealed to a new report key; returns the receipt code (shown once, stored nowhere)."""
    receipt = crypto.new_receipt()
    opslimit, memlimit = keys.argon2_limits()
    reporter_key, lookup = crypto.reporter_keys(receipt, bytes(channel.salt), opslimit, memlimit)
    report_key = crypto.new_keypair()
    concerns = form.concerns_organisation()
    with transaction.atomic():
        # FormAlreadySent: nothing of this send is stored; the receipt of the first send is shown again.
        spend_form_token(form.cleaned_data["token"], receipt)
        report = Report.objects.create(
            channel=channel,
            organisation=_route(channel, concerns),
            concerns=concerns,
            category=form.chosen_category(),
            anonymity=form.cleaned_data["anonymity"],
            receipt_lookup=lookup,
            reporter_public_key=bytes(reporter_key.public_key),
            content=crypto.seal(bytes(report_key.public_key), form.content()),
            key_version=1,
        )
        keys.issue_key(report, report_key, channel.handler_users())
        _store_attachments(report, None, form.cleaned_data["attachments"])
    return receipt


def _fresh_data(form: ReportForm, channel: Channel) -> None:
    """Before showing the form again: a new token when the old one cannot be used, and no honeypot text."""
    data = form.data.copy()  # type: ignore[attr-defined]
    if form.form_problem in ("bad", "expired") or "token" not in data:
        data["token"] = form_token(channel)
    data["website"] = ""
    form.data = data


@csrf_exempt  # see the module docstring: no cookie, no session to ride; a signed form token instead
@channel_page
def report(request: HttpRequest, channel: Channel, lang: str) -> HttpResponse:
    if not channel.is_open:
        return render(request, "speakup/public/closed.html", _context(channel, lang))
    status = 200
    if request.method == "POST":
        if _cross_site(request):
            return HttpResponseForbidden()
        # Before anything reads the body: uploads stay in memory, never in a temporary file.
        request.upload_handlers = [MemoryOnlyUploadHandler(request, channel.max_attachment_bytes)]
        form = ReportForm(channel, lang, request.POST, request.FILES)
        if form.is_valid():
            if TokenBucket.authorize(f"speakup-submit:{channel.code}", channel.max_reports_per_hour, 3600):
                try:
                    receipt = _submit(channel, form)
                except FormAlreadySent as sent:
                    if not sent.receipt:
                        return render(request, "speakup/public/already_sent.html", _context(channel, lang), status=409)
                    receipt = sent.receipt
                groups = crypto.format_receipt(receipt).split()
                return render(
                    request, "speakup/public/receipt.html", _context(channel, lang, receipt=receipt, groups=groups)
                )
            form.add_error(
                None,
                _(
                    "This channel receives many reports right now. Your text is kept: please wait a few "
                    "minutes and send it again."
                ),
            )
            status = 429
        _fresh_data(form, channel)
    else:
        form = ReportForm(channel, lang, initial={"token": form_token(channel)})
    return render(request, "speakup/public/report.html", _context(channel, lang, form=form), status=status)


@csrf_exempt  # it changes nothing: it only turns the code the reporter already holds into a file
@require_POST
@channel_page
def receipt_download(request: HttpRequest, channel: Channel, lang: str) -> HttpResponse:
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    login_url = request.build_absolute_uri(reverse("speakup_public:receipt_login", args=[channel.slug, lang]))
    lines = [
        _("Receipt code of your report to %(name)s") % {"name": _context(channel, lang)["owner_name"]},
        "",
        crypto.format_receipt(form.cleaned_data["receipt"]),
        "",
        _("Follow up on your report at: %(url)s") % {"url": login_url},
        _("Nobody can recover this code for you. Keep it safe, and where nobody else can find it."),
        "",
    ]
    response = HttpResponse("\r\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "receipt.txt") or ""
    return response


# Follow-up --------------------------------------------------------------------------------------------


def _slow_down() -> None:
    time.sleep(_setting("SPEAKUP_RECEIPT_FAILURE_DELAY_SECONDS", 1.0))


@csrf_exempt  # no session yet: nothing to forge; a cross-site request is refused below
@channel_page
def receipt_login(request: HttpRequest, channel: Channel, lang: str) -> HttpResponse:
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and _cross_site(request):
        return HttpResponseForbidden()
    if request.method == "POST" and form.is_valid():
        # One limiter per channel, not per client: we keep no IP address. Brute force is hopeless anyway:
        # a code is one of 10^16, and each guess costs an Argon2id derivation and a token of this bucket
        # (at 120 guesses an hour, finding one given code takes longer than the age of the universe).
        # The limiter is what bounds the server's work; the fixed delay makes each wrong guess slow.
        attempts = int(_setting("SPEAKUP_RECEIPT_ATTEMPTS_PER_HOUR", 120))
        if not TokenBucket.authorize(f"speakup-receipt:{channel.code}", attempts, 3600):
            _slow_down()
            form.add_error(None, _("Too many attempts on this channel. Please try again in a while."))
            status = 429
        else:
            opslimit, memlimit = keys.argon2_limits()
            private_key, lookup = crypto.reporter_keys(
                form.cleaned_data["receipt"], bytes(channel.salt), opslimit, memlimit
            )
            found = Report.objects.filter(channel=channel, receipt_lookup=lookup).first()
            if found is not None:
                response = redirect("speakup_public:followup", channel.slug, lang)
                if not request.user.is_authenticated:
                    request.session.cycle_key()
                allow_session(request)
                keys.stash(request, response, REPORTER_STASH, private_key)
                request.session[SESSION_REPORT] = str(found.code)
                request.session[SESSION_SEEN] = int(time.time())
                return response
            _slow_down()
            form.add_error(None, _("Not found."))
    return render(request, "speakup/public/receipt_login.html", _context(channel, lang, form=form), status=status)


def _reporter(request: HttpRequest, channel: Channel) -> tuple[Report, Any] | None:
    """The report this session logged in to with its receipt, and the reporter's private key."""
    code, seen = request.session.get(SESSION_REPORT), request.session.get(SESSION_SEEN, 0)
    if not code or time.time() - seen > _setting("SPEAKUP_REPORTER_IDLE_SECONDS", 30 * 60):
        return None
    private_key = keys.unstash(request, REPORTER_STASH)
    found = Report.objects.filter(code=code, channel=channel).first()
    if private_key is None or found is None or bytes(private_key.public_key) != bytes(found.reporter_public_key):
        return None
    request.session[SESSION_SEEN] = int(time.time())
    return found, private_key


def reporter_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages after the receipt login: back to the login when this session holds no report."""

    @wraps(view)
    def wrapper(request: HttpRequest, channel: Channel, lang: str, **kwargs: Any) -> HttpResponse:
        found = _reporter(request, channel)
        if found is None:
            return redirect("speakup_public:receipt_login", channel.slug, lang)
        return view(request, channel, lang, *found, **kwargs)

    return wrapper


def _open(report_keys: dict, version: int, data: bytes) -> bytes | None:
    try:
        return keys.open_with(report_keys, version, data)
    except crypto.DecryptionError:
        return None


def _followup_context(
    request: HttpRequest, channel: Channel, lang: str, found: Report, private_key: Any, form: ReplyForm
) -> dict[str, Any]:
    report_keys = keys.reporter_report_keys(found, private_key)
    raw = _open(report_keys, found.key_version, found.content)
    content = json.loads(raw) if raw else {}
    attachments: dict[int | None, list[dict[str, Any]]] = {}
    for number, attachment in enumerate(found.attachments.order_by("id"), start=1):
        name = _open(report_keys, attachment.key_version, attachment.name)
        attachments.setdefault(attachment.message_id, []).append(
            {"number": number, "name": name.decode() if name else _("(cannot be read)"), "size": attachment.size}
        )
    messages = []
    for message in found.messages.all():
        body = _open(report_keys, message.key_version, message.body)
        messages.append(
            {
                "from_reporter": message.from_reporter,
                "created_at": message.created_at,
                "body": body.decode() if body is not None else _("(this message cannot be read)"),
                "attachments": attachments.get(message.pk, []),
            }
        )
    # The reporter has now seen the handlers' messages.
    found.messages.filter(from_reporter=False, read_at__isnull=True).update(read_at=timezone.now())
    acknowledged = timezone.localdate(found.acknowledged_at) if found.acknowledged_at else None
    return _context(
        channel,
        lang,
        report=found,
        content=content,
        answers=content.get("answers") or [],
        report_attachments=attachments.get(None, []),
        messages=messages,
        acknowledge_by=found.acknowledge_by,
        acknowledged_on=acknowledged,
        feedback_by=add_months(acknowledged or found.created_on + timedelta(days=7), FEEDBACK_WITHIN_MONTHS),
        form=form,
        token=session_token(request),
        sent="sent" in request.GET,
    )


@channel_page
@reporter_page
def followup(request: HttpRequest, channel: Channel, lang: str, found: Report, private_key: Any) -> HttpResponse:
    form = ReplyForm(channel)
    return render(
        request, "speakup/public/followup.html", _followup_context(request, channel, lang, found, private_key, form)
    )


@csrf_exempt  # protected by a token bound to the session (no CSRF cookie: see the module docstring)
@require_POST
@channel_page
@reporter_page
def reply(request: HttpRequest, channel: Channel, lang: str, found: Report, private_key: Any) -> HttpResponse:
    if _cross_site(request):
        return HttpResponseForbidden()
    request.upload_handlers = [MemoryOnlyUploadHandler(request, channel.max_attachment_bytes)]
    if not session_token_ok(request):
        return HttpResponseForbidden()
    form = ReplyForm(channel, request.POST, request.FILES)
    status = 200
    if form.is_valid():
        replies = int(_setting("SPEAKUP_REPLIES_PER_HOUR", 20))
        if TokenBucket.authorize(f"speakup-reply:{found.code}", replies, 3600):
            with transaction.atomic():
                body, version = keys.seal_for_report(found, form.cleaned_data["body"].encode())
                message = Message.objects.create(report=found, from_reporter=True, body=body, key_version=version)
                _store_attachments(found, message, form.cleaned_data["attachments"])
            return redirect(reverse("speakup_public:followup", args=[channel.slug, lang]) + "?sent=1#messages")
        form.add_error(None, _("You sent many messages in a short time. Please wait a while and send it again."))
        status = 429
    context = _followup_context(request, channel, lang, found, private_key, form)
    return render(request, "speakup/public/followup.html", context, status=status)


@channel_page
@reporter_page
def attachment_download(
    request: HttpRequest, channel: Channel, lang: str, found: Report, private_key: Any, number: int
) -> HttpResponse:
    items = list(found.attachments.order_by("id"))
    if not 1 <= number <= len(items):
        raise Http404
    item = items[number - 1]
    report_keys = keys.reporter_report_keys(found, private_key)
    with item.file.open("rb") as handle:
        data = _open(report_keys, item.key_version, handle.read())
    name = _open(report_keys, item.key_version, item.name)
    if data is None:
        raise Http404
    allowed = {choice.value for choice in Attachment.ContentType}
    content_type = item.content_type if item.content_type in allowed else "application/octet-stream"
    response = HttpResponse(data, content_type=content_type)
    filename = name.decode() if name else "attachment"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@csrf_exempt  # protected by a token bound to the session
@require_POST
@channel_page
def leave(request: HttpRequest, channel: Channel, lang: str) -> HttpResponse:
    response = redirect(reverse("speakup_public:home", args=[channel.slug, lang]) + "?left=1")
    if request.session.get(SESSION_REPORT) and not session_token_ok(request):
        return HttpResponseForbidden()
    keys.forget(request, response, REPORTER_STASH)
    request.session.pop(SESSION_REPORT, None)
    request.session.pop(SESSION_SEEN, None)
    if not request.user.is_authenticated:
        request.session.flush()  # the session row goes too, and the browser is told to drop the cookie
    return response
