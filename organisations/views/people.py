"""The people of an organisation: members, roles, invitations, and accepting an invitation."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from audit.models import Event, record
from organisations.access import get_membership, require_admin
from organisations.emails import send_invitation
from organisations.forms import InvitationSignupForm, InviteForm, RoleForm
from organisations.models import Invitation, Membership, Role
from organisations.signals import membership_ended

PAGE_SIZE = 50


@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    q = request.GET.get("q", "").strip()
    if q:
        members = members.filter(Q(user__name__icontains=q) | Q(user__email__icontains=q))
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = []
    if membership.is_admin:
        invitations = list(Invitation.objects.pending().filter(organisation=organisation).select_related("invited_by"))
    return render(
        request,
        "organisations/people.html",
        {
            "organisation": organisation,
            "membership": membership,
            "members": page,
            "page_obj": page,
            "q": q,
            "invitations": invitations,
            "roles": Role.choices,
        },
    )


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    organisation = membership.organisation
    if request.method == "POST":
        form = InviteForm(request.POST, organisation=organisation)
        if form.is_valid():
            email, role = form.cleaned_data["email"], form.cleaned_data["role"]
            # One live link per person: an older one stops working when a new one is sent.
            Invitation.objects.pending().filter(organisation=organisation, email=email).update(
                revoked_at=timezone.now()
            )
            invitation, token = Invitation.issue(organisation, email, role, request.user)  # type: ignore[arg-type]
            send_invitation(invitation, token, request.user.display_name)  # type: ignore[union-attr]
            record(
                Event.INVITATION_SENT,
                actor=request.user.email,  # type: ignore[union-attr]
                organisation=organisation.slug,
                target=email,
                detail={"role": role},
            )
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
            return redirect("organisations:people", slug=slug)
    else:
        form = InviteForm(organisation=organisation)
    return render(
        request, "organisations/invite.html", {"organisation": organisation, "membership": membership, "form": form}
    )


def _get_member(membership: Membership, code: UUID) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"), organisation=membership.organisation, code=code
    )


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    member = _get_member(membership, code)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles in the list."))
        return redirect("organisations:people", slug=slug)
    new_role, old_role = form.cleaned_data["role"], member.role
    if new_role == old_role:
        return redirect("organisations:people", slug=slug)
    if member.is_last_admin():
        messages.error(
            request,
            _("%(name)s is the only administrator. Make someone else administrator first.")
            % {"name": member.user.display_name},
        )
        return redirect("organisations:people", slug=slug)
    member.role = new_role
    member.save(update_fields=["role"])
    record(
        Event.ROLE_CHANGED,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=slug,
        target=member.user.email,
        detail={"old": old_role, "new": new_role},
    )
    messages.success(
        request,
        _("%(name)s is now %(role)s.") % {"name": member.user.display_name, "role": member.get_role_display()},
    )
    return redirect("organisations:people", slug=slug)


@login_required
def member_remove(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    member = _get_member(membership, code)
    last_admin = member.is_last_admin()
    if request.method == "POST":
        if last_admin:
            messages.error(
                request,
                _("%(name)s is the only administrator and cannot be removed. Make someone else administrator first.")
                % {"name": member.user.display_name},
            )
            return redirect("organisations:people", slug=slug)
        email = member.user.email
        member.delete()
        membership_ended.send(
            sender=Membership, organisation=membership.organisation, user=member.user, removed_by=request.user
        )
        record(Event.MEMBER_REMOVED, actor=request.user.email, organisation=slug, target=email)  # type: ignore[union-attr]
        messages.success(request, _("%(email)s is no longer a member.") % {"email": email})
        if member.user_id == request.user.pk:
            return redirect("home")
        return redirect("organisations:people", slug=slug)
    return render(
        request,
        "organisations/member_remove.html",
        {"organisation": membership.organisation, "membership": membership, "member": member, "last_admin": last_admin},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    invitation = get_object_or_404(Invitation, organisation=membership.organisation, code=code)
    if invitation.is_pending:
        invitation.revoke()
        record(Event.INVITATION_REVOKED, actor=request.user.email, organisation=slug, target=invitation.email)  # type: ignore[union-attr]
        messages.success(request, _("The invitation to %(email)s no longer works.") % {"email": invitation.email})
    else:
        messages.info(request, _("This invitation was already used, withdrawn or expired."))
    return redirect("organisations:people", slug=slug)


def _welcome(request: HttpRequest, invitation: Invitation, membership: Membership) -> HttpResponse:
    record(
        Event.INVITATION_ACCEPTED,
        actor=membership.user.email,
        organisation=invitation.organisation.slug,
        target=membership.user.email,
        detail={"role": membership.role},
    )
    messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organisation.name})
    return redirect("organisations:dashboard", slug=invitation.organisation.slug)


def _gone(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    return render(request, "organisations/invitation_gone.html", {"invitation": invitation}, status=410)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public: whoever holds the link may see whom it is for; only that person can accept it."""
    invitation = Invitation.from_token(token)
    if invitation is None:
        raise Http404
    if not invitation.is_pending:
        return _gone(request, invitation)
    context: dict[str, object] = {"invitation": invitation, "organisation": invitation.organisation}
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email:
            return render(request, "organisations/invitation_other_person.html", context)
        if request.method == "POST":
            membership = invitation.accept(user)
            return _welcome(request, invitation, membership) if membership else _gone(request, invitation)
        return render(request, "organisations/invitation_accept.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = reverse("accounts:login") + "?" + urlencode({"next": request.path})
        return render(request, "organisations/invitation_log_in.html", {**context, "login_url": login_url})
    if request.method == "POST":
        form = InvitationSignupForm(request.POST, email=invitation.email)
        if form.is_valid():
            with transaction.atomic():
                new_user = User.objects.create_user(
                    invitation.email, form.cleaned_data["password1"], name=form.cleaned_data["name"]
                )
                membership = invitation.accept(new_user)
                if membership is None:  # used by a parallel request: no account without a membership
                    transaction.set_rollback(True)
            if membership is None:
                return _gone(request, invitation)
            login(request, new_user, backend="accounts.backends.EmailBackend")
            return _welcome(request, invitation, membership)
    else:
        form = InvitationSignupForm(email=invitation.email)
    return render(request, "organisations/invitation_signup.html", {**context, "form": form})
