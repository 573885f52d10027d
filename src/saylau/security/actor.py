"""Who acts: a named account with a role, scoped to a territory.

Role and territory checks live in the service layer (:mod:`saylau.administration.access`), so
the command line, the JSON API and the web pages all obey the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What an account may do, within its territory."""

    ADMIN = "admin"  # everything, everywhere (the local command line acts as admin)
    TERRITORIAL = "territorial"  # sets up elections, registers candidates, approves, certifies
    SUPERVISOR = "supervisor"  # resolves double entries, acknowledges warnings, approves
    OPERATOR = "operator"  # enters protocols of its station(s)
    OBSERVER = "observer"  # reads, including the audit trail of its territory


@dataclass(frozen=True)
class Actor:
    """An account acting on the system; ``territory`` None means the whole republic."""

    name: str
    role: Role
    territory: str | None = None

    def __str__(self) -> str:
        return self.name


SYSTEM = Actor("system", Role.ADMIN)
