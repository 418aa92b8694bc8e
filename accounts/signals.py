"""Signals other apps listen to; accounts does not know who listens.

`password_changed` is sent when a person changes their password knowing the old one (not after a
reset link: there is no old password then). Speak-up listens to re-encrypt the handler's private
key under the new password. Arguments: `user`, `old_password`, `new_password` (plain text, never
stored or logged by a receiver).
"""

from django.dispatch import Signal

password_changed = Signal()
