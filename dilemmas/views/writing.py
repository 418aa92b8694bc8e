"""Writing a dilemma and taking it through the organisation: submit, de-identify, review."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.models import Event, record
from dilemmas import checking
from dilemmas.access import DilemmaAccess, can_write, get_dilemma_for_user, require, user_of
from dilemmas.forms import DilemmaForm, KeepForm, ReviewForm
from dilemmas.models import Dilemma, Flag, Languages, Resolution
from organisations.access import get_membership

TEXTS = ("title", "situation", "question", "reflection")
SNIPPET = 60


def _detail(slug: str, dilemma: Dilemma) -> str:
    return reverse("dilemmas:dilemma", kwargs={"slug": slug, "code": dilemma.code})


@login_required
def dilemma_form(request: HttpRequest, slug: str, code: UUID | None = None) -> HttpResponse:
    """Write a dilemma (any member but a viewer), or change one's own draft or returned dilemma."""
    access: DilemmaAccess | None = None
    if code is None:
        membership = get_membership(request, slug)
        require(can_write(membership))
    else:
        access = get_dilemma_for_user(request, slug, code)
        require(access.can_edit)
        membership = access.membership
    existing = access.dilemma if access else None
    if request.method == "POST":
        form = DilemmaForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            lang = data["language"]
            other = "en" if lang == Languages.DUTCH else "nl"
            now = timezone.now()
            with transaction.atomic():
                target = existing or Dilemma(
                    organisation=membership.organisation, author=user_of(request), created_at=now
                )
                # One language per dilemma written here: switching language moves the texts.
                for name in TEXTS:
                    setattr(target, f"{name}_{lang}", data[name])
                    setattr(target, f"{name}_{other}", "")
                target.languages, target.context, target.updated_at = lang, data["context"], now
                if existing is None:
                    target.save()
                else:
                    texts = [f"{name}_{code}" for name in TEXTS for code in ("nl", "en")]
                    target.save(update_fields=[*texts, "languages", "context", "updated_at"])
                target.set_options([{lang: text} for text in form.options])
                target.set_variations([{lang: text} for text in form.variations])
                target.set_tags(data["tags"])
                target.reindex()
            if existing is None:
                messages.success(
                    request, _("Your dilemma is saved as a draft. Only you see it until you submit it for review.")
                )
            else:
                messages.success(request, _("The dilemma is saved."))
            return redirect(_detail(slug, target))
        status = 400
    else:
        initial = DilemmaForm.initial_for(existing) if existing else {"language": request.LANGUAGE_CODE[:2]}
        form = DilemmaForm(initial=initial)
        status = 200
    return render(
        request,
        "dilemmas/form.html",
        {"organisation": membership.organisation, "membership": membership, "dilemma": existing, "form": form},
        status=status,
    )


@login_required
def delete(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_dilemma_for_user(request, slug, code)
    require(access.own and access.can_delete)
    found = access.dilemma
    if request.method == "POST":
        with transaction.atomic():
            # A share of a deleted dilemma points at nothing: revoke it, so the sharing page says so.
            for consent in found.active_consents():
                consent.revoke(user_of(request))
            found.delete()
        messages.success(request, _("The dilemma “%(title)s” is deleted.") % {"title": found.title})
        return redirect("dilemmas:ours", slug=slug)
    return render(
        request,
        "dilemmas/delete.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "dilemma": found,
            "shared": found.active_consents().exists(),
        },
    )


@login_required
@require_POST
def submit(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_dilemma_for_user(request, slug, code)
    require(access.can_submit)
    found = access.dilemma
    missing = found.missing()
    if missing:
        messages.error(request, _("Before you submit it, it needs: %(what)s.") % {"what": ", ".join(missing)})
        return redirect(_detail(slug, found))
    found.submit(user_of(request))
    record(
        Event.DILEMMA_SUBMITTED,
        actor=user_of(request).email,
        organisation=slug,
        target=found.subject,
        detail={"title": found.title[:100]},
    )
    messages.success(request, _("Submitted: your integrity officer reviews it before it is published."))
    return redirect(_detail(slug, found))


def _field_label(field: str) -> str:
    names = {
        "title": _("Title"),
        "situation": _("Situation"),
        "question": _("Question"),
        "reflection": _("Reflection"),
    }
    language = {"nl": _("Dutch"), "en": _("English")}[checking.language_of(field)]
    kind, _sep, rest = field.partition(":")
    if rest:
        position = int(rest.partition(":")[0])
        if kind == "option":
            what = _("Course of action %(letter)s") % {"letter": "ABCD"[position - 1]}
        else:
            what = _("What if…? %(n)s") % {"n": position}
    else:
        what = names[kind.rpartition("_")[0]]
    return f"{what} ({language})"


def _flag_rows(dilemma: Dilemma, check: Any, keep_form: tuple[Flag, KeepForm] | None = None) -> list[dict[str, Any]]:
    """Each flag with the words around it in the current text, and its form when it failed validation."""
    texts = dict(dilemma.texts())
    rows = []
    for flag in check.flags.all() if check else []:
        text = texts.get(flag.field, "")
        rows.append(
            {
                "flag": flag,
                "field": _field_label(flag.field),
                "before": text[max(0, flag.start - SNIPPET) : flag.start],
                "marked": text[flag.start : flag.end],
                "after": text[flag.end : flag.end + SNIPPET],
                "starts_inside": flag.start > SNIPPET,
                "ends_inside": flag.end + SNIPPET < len(text),
                "kind": checking.KINDS.get(flag.kind, flag.kind),
                "form": keep_form[1] if keep_form and keep_form[0].pk == flag.pk else KeepForm(prefix=str(flag.code)),
            }
        )
    return rows


def _check_page(
    request: HttpRequest, access: DilemmaAccess, keep_form: tuple[Flag, KeepForm] | None = None, status: int = 200
) -> HttpResponse:
    found = Dilemma.objects.prefetch_related("options", "variations").get(pk=access.dilemma.pk)
    state = checking.state(found)
    return render(
        request,
        "dilemmas/check.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "dilemma": found,
            "state": state,
            "rows": _flag_rows(found, state.check, keep_form) if state.current else [],
            "shared": found.active_consents().exists(),
            "access": access,
            "Resolution": Resolution,
        },
        status=status,
    )


def _checkable(request: HttpRequest, slug: str, code: UUID) -> DilemmaAccess:
    access = get_dilemma_for_user(request, slug, code)
    if access.dilemma.is_framework:
        raise Http404
    require(access.can_check)
    return access


@login_required
def check(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The de-identification check: run it (POST), and see each flag with how it was resolved."""
    access = _checkable(request, slug, code)
    if request.method == "POST":
        if access.dilemma.active_consents().exists():
            messages.error(request, _("It is shared beyond your organisation: stop sharing it before you change it."))
        else:
            found = Dilemma.objects.prefetch_related("options", "variations").get(pk=access.dilemma.pk)
            run = checking.run_check(found, user_of(request))
            open_flags = run.flags.filter(resolution=Resolution.OPEN).count()
            if open_flags:
                messages.info(
                    request,
                    ngettext(
                        "%(n)s thing to look at: replace it, or keep it and say why.",
                        "%(n)s things to look at: replace each one, or keep it and say why.",
                        open_flags,
                    )
                    % {"n": open_flags},
                )
            else:
                messages.success(request, _("The check found nothing left to resolve."))
        return redirect("dilemmas:check", slug=slug, code=code)
    return _check_page(request, access)


@login_required
@require_POST
def resolve(request: HttpRequest, slug: str, code: UUID, flag: UUID) -> HttpResponse:
    """Resolve a flag of the latest check: `action=replace` puts its kind in its place; `action=keep` needs a reason."""
    access = _checkable(request, slug, code)
    found = Dilemma.objects.prefetch_related("options", "variations").get(pk=access.dilemma.pk)
    state = checking.state(found)
    target = next((f for f in state.check.flags.all() if f.code == flag), None) if state.check else None
    if target is None:
        raise Http404
    back = reverse("dilemmas:check", kwargs={"slug": slug, "code": code})
    if found.active_consents().exists():
        messages.error(request, _("It is shared beyond your organisation: stop sharing it before you change it."))
        return redirect(back)
    if not state.current:
        messages.error(request, _("The text changed since the check: run the check again."))
        return redirect(back)
    if target.resolution == Resolution.REDACTED:
        messages.info(request, _("This one is replaced already."))
        return redirect(back)
    action = request.POST.get("action")
    if action == "replace":
        label = checking.replace(found, target, user_of(request))
        messages.success(request, _("Replaced by %(label)s.") % {"label": label})
    elif action == "keep":
        form = KeepForm(request.POST, prefix=str(target.code))
        if not form.is_valid():
            return _check_page(request, access, keep_form=(target, form), status=400)
        checking.keep(target, user_of(request), form.cleaned_data["reason"])
        messages.success(request, _("Kept, with your reason."))
    else:
        messages.error(request, _("Choose to replace it or to keep it."))
        return redirect(back)
    return redirect(f"{back}#flags")


@login_required
def review(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The integrity officer or admin publishes a submitted dilemma in the organisation, or returns it."""
    access = get_dilemma_for_user(request, slug, code)
    require(access.can_review)
    found = access.dilemma
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            if decision == "publish":
                found.publish(user_of(request))
                messages.success(request, _("Published: everyone in your organisation finds it in the library."))
            else:
                found.send_back(user_of(request), form.cleaned_data["reason"])
                messages.success(request, _("Returned to the author with your reason."))
            record(
                Event.DILEMMA_REVIEWED,
                actor=user_of(request).email,
                organisation=slug,
                target=found.subject,
                detail={"decision": decision, "scope": "organisation"},
            )
            return redirect(_detail(slug, found))
        status = 400
    else:
        form = ReviewForm()
        status = 200
    prefetched = Dilemma.objects.prefetch_related("options", "variations", "types", "subtypes").get(pk=found.pk)
    return render(
        request,
        "dilemmas/review.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "dilemma": prefetched,
            "form": form,
            "check_state": checking.state(prefetched),
        },
        status=status,
    )
