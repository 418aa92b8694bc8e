"""Signals that apps above `organisations` listen to, so it never has to import them."""

from django.dispatch import Signal

# Sent after a person stops being a member of an organisation: (organisation, user, removed_by).
membership_ended = Signal()
