"""Receivers of signals from the apps speak-up depends on (connected in SpeakupConfig.ready)."""

from typing import Any

from django.db.models import Q

from accounts.models import User
from organisations.models import Membership, Organisation
from speakup import keys
from speakup.models import ChannelHandler


def rewrap_handler_key(sender: type[User], user: User, old_password: str, new_password: str, **kwargs: Any) -> None:
    """Lock the handler's private key under the new password, so unlocking keeps using the login password.

    When the old password does not open the key (it was locked before a reset by email), nothing
    changes: the handler uses their recovery key on the next unlock.
    """
    keys.change_password(user, old_password, new_password)


def stop_handling_for_former_member(
    sender: type[Membership], organisation: Organisation, user: User, removed_by: User | None = None, **kwargs: Any
) -> None:
    """Someone who leaves an organisation stops handling its channels: grants go, reports are re-keyed.

    For an alliance channel they stay a handler while they are still in one of the alliance's organisations.
    """
    remaining = Membership.objects.filter(user=user).values("organisation")
    handled = ChannelHandler.objects.filter(user=user).filter(
        Q(channel__organisation=organisation)
        | Q(channel__alliance__lead=organisation)
        | Q(channel__alliance__alliance_memberships__organisation=organisation)
    )
    for role in handled.select_related("channel__alliance").distinct():
        alliance = role.channel.alliance
        still_in_alliance = alliance is not None and (
            alliance.lead_id in {m["organisation"] for m in remaining}
            or alliance.alliance_memberships.filter(organisation__in=remaining).exists()
        )
        if not still_in_alliance:
            keys.remove_handler(role.channel, user, removed_by)
