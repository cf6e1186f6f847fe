"""Who is acting: a user of an organisation, or the system (CLI, scheduler)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The author of a change, as recorded in the audit log."""

    label: str
    user_id: int | None = None
    organisation_id: int | None = None
    roles: frozenset[str] = frozenset()

    @classmethod
    def system(cls, label: str) -> "Actor":
        """An actor that is the service itself, e.g. `cli` or `scheduler`."""
        return cls(label=f"system:{label}", roles=frozenset({"system"}))
