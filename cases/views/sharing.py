"""Cases across organisations: sharing a limited summary and referring a case (from the case), and what the other
organisation sees of it (cases shared with us, referrals to us).

The sharing side goes through cases.access.get_case_for_handler (need to know: only the case's handlers).
The receiving side is for the integrity officers and admins of the receiving organisation (others 403), and
shows a share only while its consent holds (otherwise 404, as for anyone the consent does not name).
"""

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from cases import sharing
from cases.access import get_case_for_handler, require_case_role
from cases.forms_sharing import DeclineForm, ReferralForm, ShareAnswerForm, ShareForm
from cases.models import Assignment, Case, Referral, ReferralGrant, Share
from organisations.access import get_membership
from organisations.models import Membership
from speakup import crypto
from speakup import keys as speakup_keys
from speakup.models import HandlerKey

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _unlock_redirect(request: HttpRequest, slug: str, back: str) -> HttpResponse:
    url = reverse("speakup:unlock", kwargs={"slug": slug})
    return redirect(f"{url}?{urlencode({'next': back})}")


def _require_write(membership: Membership) -> None:
    if not membership.can_write:
        raise PermissionDenied


def _case_url(case: Case) -> str:
    return reverse("cases:case", kwargs={"slug": case.organisation.slug, "code": case.code})


def _must_confirm_no_conflict(case: Case, user: User) -> bool:
    """As on the case page: someone put on the case confirms having no conflict of interest before acting on it."""
    if case.opened_by_id == user.pk:
        return False
    return Assignment.objects.filter(case=case, user=user, no_conflict_confirmed_at__isnull=True).exists()


# ---- the sharing organisation: from the case ------------------------------------------------------------------


@login_required
def case_share(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Share a limited summary of the case with a partner organisation or an alliance."""
    case, membership, _roles = get_case_for_handler(request, slug, code)
    _require_write(membership)
    if _must_confirm_no_conflict(case, _user(request)):
        return redirect("cases:case_conflict", slug=slug, code=case.code)
    if request.method == "POST":
        form = ShareForm(request.POST, case=case)
        if form.is_valid():
            data = form.cleaned_data
            created = sharing.share(
                case,
                by=_user(request),
                ask=data["ask"],
                to_organisation=data["to_organisation"],
                to_alliance=data["to_alliance"],
                valid_until=data["valid_until"],
            )
            messages.success(
                request,
                _("%(who)s now see the limited summary of this case.") % {"who": created.consent.recipient_label},
            )
            return redirect(_case_url(case))
    else:
        form = ShareForm(case=case)
    return render(
        request,
        "cases/sharing/share_form.html",
        {"organisation": membership.organisation, "membership": membership, "case": case, "form": form},
    )


@login_required
def case_share_revoke(request: HttpRequest, slug: str, code: UUID, consent: UUID) -> HttpResponse:
    """Stop sharing the summary (after a confirmation); the recipient loses it at once."""
    case, membership, _roles = get_case_for_handler(request, slug, code)
    _require_write(membership)
    if _must_confirm_no_conflict(case, _user(request)):
        return redirect("cases:case_conflict", slug=slug, code=case.code)
    share = get_object_or_404(
        Share.objects.select_related("consent__organisation", "consent__to_organisation", "consent__to_alliance"),
        case=case,
        consent__code=consent,
    )
    if request.method == "POST":
        if sharing.revoke(share, by=_user(request)):
            messages.success(request, _("%(who)s no longer see this case.") % {"who": share.consent.recipient_label})
        return redirect(_case_url(case))
    return render(
        request,
        "cases/sharing/share_revoke.html",
        {"organisation": membership.organisation, "membership": membership, "case": case, "share": share},
    )


@login_required
def case_refer(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Refer the case to the organisation best placed to handle it, with the reporter's consent."""
    case, membership, _roles = get_case_for_handler(request, slug, code)
    _require_write(membership)
    if _must_confirm_no_conflict(case, _user(request)):
        return redirect("cases:case_conflict", slug=slug, code=case.code)
    if speakup_keys.unlocked_private_key(request) is None:
        return _unlock_redirect(request, slug, request.path)
    if request.method == "POST":
        form = ReferralForm(request.POST, case=case)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sharing.refer(
                    case,
                    to_organisation=data["to_organisation"],
                    by=_user(request),
                    consent_on=data["reporter_consent_on"],
                    consent_how=data["reporter_consent_how"],
                    text=data["text"],
                )
            except sharing.NoReferralReader:
                # Their last key holder left between the form's check and now.
                form.add_error("organisation", _("Nobody there can read a referral any more. Try again later."))
            else:
                messages.success(
                    request,
                    _("The case is referred to %(name)s. Their answer will show on this case.")
                    % {"name": data["to_organisation"].name},
                )
                return redirect(_case_url(case))
    else:
        form = ReferralForm(case=case)
    return render(
        request,
        "cases/sharing/refer_form.html",
        {"organisation": membership.organisation, "membership": membership, "case": case, "form": form},
    )


# ---- the receiving organisation: cases shared with us ---------------------------------------------------------


@login_required
def shared_cases(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_case_role(membership)
    viewer = membership.organisation
    page = Paginator(sharing.shares_with(viewer).order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/sharing/shared_cases.html",
        {
            "organisation": viewer,
            "membership": membership,
            "page_obj": page,
            "summaries": [sharing.SharedSummary.of(share) for share in page],
        },
    )


@login_required
def shared_case(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """One shared summary; the recipient acknowledges it and may reply (POST)."""
    membership = get_membership(request, slug)
    require_case_role(membership)
    viewer = membership.organisation
    share = sharing.get_share_with(viewer, code)
    if share is None:
        raise Http404
    can_answer = sharing.can_answer(share, viewer)
    reply_required = share.acknowledged_at is not None
    form = ShareAnswerForm(reply_required=reply_required)
    if request.method == "POST":
        if not can_answer:
            messages.info(request, _("This share was answered already."))
            return redirect("cases:shared_case", slug=slug, code=code)
        form = ShareAnswerForm(request.POST, reply_required=reply_required)
        if form.is_valid():
            sharing.answer(share, by=_user(request), viewer=viewer, reply=form.cleaned_data["reply"])
            messages.success(
                request, _("Thank you. %(name)s sees your answer.") % {"name": share.case.organisation.name}
            )
            return redirect("cases:shared_case", slug=slug, code=code)
    else:
        sharing.read(share, by=_user(request), viewer=viewer)
    return render(
        request,
        "cases/sharing/shared_case.html",
        {
            "organisation": viewer,
            "membership": membership,
            "summary": sharing.SharedSummary.of(share),
            "can_answer": can_answer,
            "form": form,
        },
    )


# ---- the receiving organisation: referrals to us --------------------------------------------------------------


def _get_referral(request: HttpRequest, slug: str, code: UUID) -> tuple[Referral, Membership]:
    membership = get_membership(request, slug)
    require_case_role(membership)
    referral = sharing.incoming_referrals(membership.organisation).filter(code=code).first()
    if referral is None:
        raise Http404
    return referral, membership


@login_required
def referrals(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_case_role(membership)
    found = sharing.incoming_referrals(membership.organisation).order_by("answered_at", "-referred_at", "-pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/sharing/referrals.html",
        {"organisation": membership.organisation, "membership": membership, "page_obj": page},
    )


@login_required
def referral(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """A referral to us: who refers what and with which consent; its text for those it is sealed to, unlocked."""
    referral, membership = _get_referral(request, slug, code)
    user = _user(request)
    private_key = speakup_keys.unlocked_private_key(request)
    text, problem = "", ""
    sealed_to_me = referral.answered_at is None and sharing.can_read(referral, user)
    if sealed_to_me and private_key is not None:
        try:
            text = sharing.referral_text(referral, user, private_key)
        except (sharing.NotSealedToYou, crypto.DecryptionError):
            problem = _(
                "Your unlocked key does not open this referral. Unlock again, or ask a colleague it is sealed to."
            )
    readers = list(
        User.objects.filter(pk__in=ReferralGrant.objects.filter(referral=referral).values("user_id")).order_by(
            "name", "email"
        )
    )
    accepted_case_is_mine = bool(
        referral.accepted_case_id
        and Case.objects.for_person(user, membership.organisation).filter(pk=referral.accepted_case_id).exists()
    )
    return render(
        request,
        "cases/sharing/referral.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "referral": referral,
            "text": text,
            "problem": problem,
            "sealed_to_me": sealed_to_me,
            "unlocked": private_key is not None,
            "has_key": HandlerKey.objects.filter(user=user).exists(),
            "readers": readers,
            "accepted_case_is_mine": accepted_case_is_mine,
        },
    )


@login_required
@require_POST
def referral_accept(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Accept: a case opens here with the referral's text as its summary, and you as its intake handler."""
    referral, _membership = _get_referral(request, slug, code)
    back = reverse("cases:referral", kwargs={"slug": slug, "code": referral.code})
    if referral.answered_at is not None:
        messages.info(request, _("This referral was answered already."))
        return redirect(back)
    private_key = speakup_keys.unlocked_private_key(request)
    if private_key is None:
        return _unlock_redirect(request, slug, back)
    try:
        case = sharing.accept(referral, by=_user(request), private_key=private_key)
    except sharing.AlreadyAnswered:
        messages.info(request, _("This referral was answered already."))
        return redirect(back)
    except (sharing.NotSealedToYou, crypto.DecryptionError):
        messages.error(
            request, _("This referral is not sealed to your key: a colleague it is sealed to must accept it.")
        )
        return redirect(back)
    messages.success(
        request,
        _("Referral accepted: it is case %(reference)s here. Start with its first step.")
        % {"reference": case.reference},
    )
    return redirect(_case_url(case))


@login_required
def referral_decline(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Decline the referral, saying why; the referring organisation reads the reason on its case."""
    referral, membership = _get_referral(request, slug, code)
    back = reverse("cases:referral", kwargs={"slug": slug, "code": referral.code})
    if referral.answered_at is not None:
        messages.info(request, _("This referral was answered already."))
        return redirect(back)
    if request.method == "POST":
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                sharing.decline(referral, by=_user(request), reason=form.cleaned_data["reason"])
            except sharing.AlreadyAnswered:
                messages.info(request, _("This referral was answered already."))
            else:
                messages.success(
                    request,
                    _("Referral declined. %(name)s reads your reason.") % {"name": referral.case.organisation.name},
                )
            return redirect(back)
    else:
        form = DeclineForm()
    return render(
        request,
        "cases/sharing/referral_decline.html",
        {"organisation": membership.organisation, "membership": membership, "referral": referral, "form": form},
    )


urlpatterns: list = [
    path("shared/", shared_cases, name="shared_cases"),
    path("shared/<uuid:code>/", shared_case, name="shared_case"),
    path("referrals/", referrals, name="referrals"),
    path("referrals/<uuid:code>/", referral, name="referral"),
    path("referrals/<uuid:code>/accept/", referral_accept, name="referral_accept"),
    path("referrals/<uuid:code>/decline/", referral_decline, name="referral_decline"),
    path("<uuid:code>/share/", case_share, name="case_share"),
    path("<uuid:code>/share/<uuid:consent>/revoke/", case_share_revoke, name="case_share_revoke"),
    path("<uuid:code>/refer/", case_refer, name="case_refer"),
]
