"""The labels of a field's choices in the active language, for pages and downloads that write many rows.

    contexts = labels(Context)      # once per request
    contexts[dilemma.context]       # per row, instead of dilemma.get_context_display()

`get_FOO_display()` builds a dictionary of every choice and translates each label on every call: for a CSV of
the 2,600 dilemmas a common word finds, two such columns cost ~1 s. `labels()` translates each label once.
"""

from typing import Any

from django.db import models


def labels(choices: type[models.Choices]) -> dict[Any, str]:
    """Value → label, translated now (call it where the person's language is active)."""
    return {value: str(label) for value, label in choices.choices}
