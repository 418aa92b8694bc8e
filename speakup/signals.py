"""Receivers of signals from the apps speak-up depends on (connected in SpeakupConfig.ready)."""

from typing import Any

from accounts.models import User
from speakup import keys


def rewrap_handler_key(sender: type[User], user: User, old_password: str, new_password: str, **kwargs: Any) -> None:
    """Lock the handler's private key under the new password, so unlocking keeps using the login password.

    When the old password does not open the key (it was locked before a reset by email), nothing
    changes: the handler uses their recovery key on the next unlock.
    """
    keys.change_password(user, old_password, new_password)
