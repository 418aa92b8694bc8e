"""The shape of an access-matrix row. Each app's rows live in tests/access/<app>.py."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONA_ORDER = ["anonymous", "outsider", "viewer", "member", "manager", "officer", "admin"]


@dataclass
class Row:
    """`name` is the URL name; `kwargs` builds its arguments from the world; `expect` maps persona → status.

    `data` is what a POST sends (a request that would change something is expected to be refused,
    or to fail validation with 200/400, for the personas that may not do it).
    """

    name: str
    expect: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = lambda world: {}
    note: str = ""
    query: str = ""

    def __post_init__(self) -> None:
        missing = set(PERSONA_ORDER) - set(self.expect)
        assert not missing, f"{self.name}: no expected status for {sorted(missing)}"


def statuses(
    anonymous: int, outsider: int, viewer: int, member: int, manager: int, officer: int, admin: int
) -> dict[str, int]:
    return dict(
        anonymous=anonymous,
        outsider=outsider,
        viewer=viewer,
        member=member,
        manager=manager,
        officer=officer,
        admin=admin,
    )


def same(status: int, **overrides: int) -> dict[str, int]:
    """Every persona gets `status`, except those named."""
    result = {persona: status for persona in PERSONA_ORDER}
    result.update(overrides)
    return result


# Convenience for the common shape of organisation pages.
def org_page(read: int = 200, anonymous: int = 302) -> dict[str, int]:
    """Readable by every member; outsiders get 404; anonymous people are sent to log in."""
    return same(read, anonymous=anonymous, outsider=404)


@dataclass
class World:
    """Objects the matrix rows point at; built by tests/access/world.py."""

    people: Any
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None
