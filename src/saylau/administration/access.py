"""Role and territory checks, shared by the command line, the API and the web."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from saylau.administration.errors import AdminError
from saylau.security.actor import Actor, Role
from saylau.store.schema import DistrictRow, OkrugRow, RegionRow, StationRow

REPUBLIC = "KZ"


class Permission(StrEnum):
    """Operations that need a role."""

    SETUP = "setup"
    NOMINATE = "nominate"
    ENTER_PROTOCOL = "enter_protocol"
    REVIEW_PROTOCOL = "review_protocol"
    TABULATE = "tabulate"
    CERTIFY = "certify"
    RECALL = "recall"
    FINANCE = "finance"
    READ_AUDIT = "read_audit"


ALLOWED: dict[Permission, frozenset[Role]] = {
    Permission.SETUP: frozenset({Role.ADMIN, Role.TERRITORIAL}),
    Permission.NOMINATE: frozenset({Role.ADMIN, Role.TERRITORIAL}),
    Permission.ENTER_PROTOCOL: frozenset(
        {Role.ADMIN, Role.TERRITORIAL, Role.SUPERVISOR, Role.OPERATOR}
    ),
    Permission.REVIEW_PROTOCOL: frozenset({Role.ADMIN, Role.TERRITORIAL, Role.SUPERVISOR}),
    Permission.TABULATE: frozenset({Role.ADMIN, Role.TERRITORIAL, Role.SUPERVISOR}),
    Permission.CERTIFY: frozenset({Role.ADMIN, Role.TERRITORIAL}),
    Permission.RECALL: frozenset({Role.ADMIN, Role.TERRITORIAL}),
    Permission.FINANCE: frozenset({Role.ADMIN, Role.TERRITORIAL}),
    Permission.READ_AUDIT: frozenset(Role),
}


def ancestry(session: Session, unit: str) -> list[str]:
    """The unit and every unit above it, up to the republic (``KZ``)."""
    chain = [unit]
    station = session.get(StationRow, unit)
    if station is not None:
        unit = station.okrug
        chain.append(unit)
    okrug = session.get(OkrugRow, unit)
    if okrug is not None:
        unit = okrug.district
        chain.append(unit)
    district = session.get(DistrictRow, unit)
    if district is not None:
        unit = district.region
        chain.append(unit)
    if session.get(RegionRow, unit) is not None and chain[-1] != unit:
        chain.append(unit)
    if chain[-1] != REPUBLIC:
        chain.append(REPUBLIC)
    return chain


def covers(session: Session, actor: Actor, unit: str) -> bool:
    """Whether ``unit`` lies within the actor's territory."""
    return actor.territory is None or actor.territory in ancestry(session, unit)


def require(session: Session, actor: Actor, permission: Permission, unit: str) -> None:
    """Raise :class:`AdminError` unless the actor may do ``permission`` on ``unit``."""
    if actor.role not in ALLOWED[permission]:
        raise AdminError(
            "X.001", "actor", actor=actor.name, role=actor.role.value, permission=permission.value
        )
    if not covers(session, actor, unit):
        raise AdminError(
            "X.002", "actor", actor=actor.name, unit=unit, territory=actor.territory or REPUBLIC
        )
