"""The choices an agreement is made from, and the placeholders its clauses may use.

The form (forms.py), the clause loader (loader.py) and the renderer (clauses.py) all read these
names, so a clause file can only refer to a choice the form really asks for.
"""

# Choices with one value out of a few; clause paragraphs pick a variant with `if: <choice>=<value>`.
# `kind` is not asked: it is whether the agreement is for a partnership or an alliance.
ENUMS: dict[str, tuple[str, ...]] = {
    "kind": ("partnership", "alliance"),
    "code_of_conduct": ("own", "shared", "lead"),
    "reporting": ("employer", "joint", "lead"),
    "donor_notification": ("each", "lead"),
    "sharing": ("notice", "outcome", "lessons"),
    "audit": ("mutual", "lead", "independent"),
    "termination": ("immediate", "remedy"),
}

# Yes/no choices; a clause or paragraph with `if: <choice>` appears only when it is yes.
FLAGS: tuple[str, ...] = ("psea", "misconduct_disclosure", "notify_ministry", "notify_cbf")

# Placeholders, written `{name}` in clause texts, filled from the organisations and the choices.
PLACEHOLDERS: dict[str, str] = {
    "parties": "the names of all parties, joined with 'and'",
    "lead": "the lead: the alliance's lead, or the organisation that recorded the partnership",
    "purpose": "the purpose of the cooperation, as the parties wrote it",
    "alliance": "the alliance's name",
    "shared_code": "the name of the shared code of conduct",
    "donors": "the donors to notify, joined with 'and'",
    "donor_days": "the notification period for donors, as '5 days'",
    "share_days": "the period for sharing information between the parties, as '10 days'",
    "audit_notice": "the notice period before an audit, as '30 days'",
    "remedy_period": "the period to put a breach right, as '30 days'",
    "review_period": "how often the agreement is reviewed, as '12 months'",
}

# Placeholders that only have a value under one choice: a text using them must sit under that `if`.
PLACEHOLDER_NEEDS: dict[str, tuple[str, str]] = {
    "alliance": ("kind", "alliance"),
    "shared_code": ("code_of_conduct", "shared"),
}

# Fixed words of the document that are not clauses; every clause file must give them in both languages.
PHRASES: tuple[str, ...] = (
    "title",
    "parties-intro",
    "lead-marker",
    "signatures",
    "signatures-intro",
    "name",
    "function",
    "place-date",
    "signature",
    "and",
    "day",
    "days",
    "month",
    "months",
    "ministry",
    "cbf",
    "donors-fallback",
    "made-with",
)

LANGUAGES: tuple[str, ...] = ("nl", "en")
