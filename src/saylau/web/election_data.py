"""Read queries of the election-night pages and the workspace that the store and service
layers do not have (read only; nothing here decides anything)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saylau.domain import Names
from saylau.store.schema import (
    CandidateRow,
    CertificationRow,
    ContestRow,
    DistrictRow,
    ElectionRow,
    ElectionSetupRow,
    OkrugRow,
    ProtocolEntryRow,
    ProtocolRow,
    ProtocolVoteRow,
    RegionRow,
    StationRollRow,
    StationRow,
)
from saylau.tabulate.aggregate import Level, latest_protocols
from saylau.web.live import utc

LEVELS_BELOW = (Level.REGION, Level.DISTRICT, Level.OKRUG, Level.STATION)


@dataclass(frozen=True)
class ElectionInfo:
    """An election, and whether saylau runs it (it has a commission's setup)."""

    code: str
    names: Names
    date: dt.date
    type: str
    law_version: str
    synthetic: bool
    territory: str | None
    double_entry: bool

    @property
    def run(self) -> bool:
        """Whether the election is run with saylau (protocols), not only published figures."""
        return self.territory is not None


def _info(row: ElectionRow, setup: ElectionSetupRow | None) -> ElectionInfo:
    return ElectionInfo(
        code=row.code,
        names=Names(kk=row.name_kk, ru=row.name_ru, en=row.name_en),
        date=row.date,
        type=row.type,
        law_version=row.law_version,
        synthetic=bool(row.synthetic),
        territory=setup.territory if setup else None,
        double_entry=bool(setup.double_entry) if setup else False,
    )


def elections(session: Session) -> list[ElectionInfo]:
    """Every election in the database, newest first."""
    rows = session.execute(
        select(ElectionRow, ElectionSetupRow)
        .outerjoin(ElectionSetupRow, ElectionSetupRow.election == ElectionRow.code)
        .order_by(ElectionRow.date.desc(), ElectionRow.code)
    )
    return [_info(row, setup) for row, setup in rows]


def election(session: Session, code: str) -> ElectionInfo | None:
    """One election, or None."""
    row = session.get(ElectionRow, code)
    return _info(row, session.get(ElectionSetupRow, code)) if row is not None else None


@dataclass(frozen=True)
class Unit:
    """A place of an election's geography."""

    level: Level
    code: str
    kind: str
    names: Names
    parent: str | None
    number: int | None = None
    registered_voters: int | None = None


@dataclass
class Geography:
    """The regions, districts, okrugs and stations that have stations in one election."""

    units: dict[Level, dict[str, Unit]] = field(default_factory=dict)

    def get(self, level: Level, code: str) -> Unit | None:
        """A unit of ``level``, or None."""
        return self.units.get(level, {}).get(code)

    def children(self, level: Level, code: str | None) -> list[Unit]:
        """Units of ``level`` whose parent is ``code`` (all of them with None), by code."""
        return [u for u in self.units.get(level, {}).values() if code is None or u.parent == code]

    def chain(self, level: Level, code: str) -> list[Unit]:
        """The unit and the units above it, top first (region … station)."""
        out: list[Unit] = []
        index = LEVELS_BELOW.index(level)
        current: str | None = code
        for step in reversed(LEVELS_BELOW[: index + 1]):
            unit = self.get(step, current) if current else None
            if unit is None:
                break
            out.append(unit)
            current = unit.parent
        return list(reversed(out))

    def within(self, level: Level, code: str, below: Level) -> list[Unit]:
        """Units of ``below`` inside the unit ``code`` of ``level``."""
        return [
            u
            for u in self.units.get(below, {}).values()
            if self._inside(below, u.code, level, code)
        ]

    def _inside(self, level: Level, code: str, outer: Level, outer_code: str) -> bool:
        return any(u.level is outer and u.code == outer_code for u in self.chain(level, code))


def _names(row: RegionRow | DistrictRow | OkrugRow | StationRow) -> Names:
    return Names(kk=row.name_kk or row.code, ru=row.name_ru or row.code, en=row.name_en or row.code)


def geography(session: Session, election: str) -> Geography:
    """The places of ``election`` (those with stations on its roll), in one query."""
    rows = session.execute(
        select(StationRow, StationRollRow.registered_voters, OkrugRow, DistrictRow, RegionRow)
        .select_from(StationRollRow)
        .join(StationRow, StationRow.code == StationRollRow.station)
        .join(OkrugRow, OkrugRow.code == StationRow.okrug)
        .join(DistrictRow, DistrictRow.code == OkrugRow.district)
        .join(RegionRow, RegionRow.code == DistrictRow.region)
        .where(StationRollRow.election == election)
        .order_by(
            RegionRow.code, DistrictRow.code, OkrugRow.code, StationRow.number, StationRow.code
        )
    )
    geo = Geography({level: {} for level in LEVELS_BELOW})
    for station, voters, okrug, district, region in rows:
        geo.units[Level.REGION].setdefault(
            region.code, Unit(Level.REGION, region.code, region.kind, _names(region), None)
        )
        geo.units[Level.DISTRICT].setdefault(
            district.code,
            Unit(Level.DISTRICT, district.code, district.kind, _names(district), region.code),
        )
        geo.units[Level.OKRUG].setdefault(
            okrug.code, Unit(Level.OKRUG, okrug.code, okrug.kind, _names(okrug), district.code)
        )
        geo.units[Level.STATION][station.code] = Unit(
            Level.STATION,
            station.code,
            "station",
            _names(station),
            okrug.code,
            station.number,
            voters,
        )
    return geo


def last_updates(session: Session, election: str) -> dict[str, dt.datetime]:
    """When each station's newest accepted protocol was entered (UTC)."""
    rows = session.execute(
        select(ProtocolRow.station, func.max(ProtocolRow.entered_at))
        .where(ProtocolRow.election == election)
        .group_by(ProtocolRow.station)
    )
    return {station: utc(at) for station, at in rows if at is not None}


def accepted(session: Session, election: str) -> dict[str, ProtocolRow]:
    """The newest accepted version of each station's protocol."""
    return {
        row.station: row
        for row in session.scalars(
            select(ProtocolRow).where(ProtocolRow.id.in_(latest_protocols(election)))
        )
    }


def votes_of(session: Session, protocol_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Candidate votes of the given protocol rows."""
    ids = list(protocol_ids)
    out: dict[int, dict[str, int]] = {i: {} for i in ids}
    if not ids:
        return out
    for row in session.scalars(select(ProtocolVoteRow).where(ProtocolVoteRow.protocol.in_(ids))):
        out[row.protocol][row.candidate] = row.votes
    return out


def candidates(session: Session, election: str) -> dict[str, CandidateRow]:
    """Every candidate of the election's contests, by code."""
    return {
        row.code: row
        for row in session.scalars(
            select(CandidateRow)
            .join(ContestRow, ContestRow.code == CandidateRow.contest)
            .where(ContestRow.election == election)
            .order_by(CandidateRow.code)
        )
    }


def certifications(session: Session, election: str) -> dict[str, CertificationRow]:
    """The newest certification of each okrug of the election."""
    out: dict[str, CertificationRow] = {}
    rows = session.execute(
        select(ContestRow.okrug, CertificationRow)
        .join(ContestRow, ContestRow.code == CertificationRow.contest)
        .where(ContestRow.election == election)
        .order_by(CertificationRow.id)
    )
    for okrug, row in rows:
        out[okrug] = row
    return out


def pending_entries(session: Session, election: str) -> list[ProtocolEntryRow]:
    """Entries still waiting (held, awaiting a second entry, discrepancy), oldest first."""
    return list(
        session.scalars(
            select(ProtocolEntryRow)
            .where(
                ProtocolEntryRow.election == election,
                ProtocolEntryRow.status.in_(("held", "awaiting_second", "discrepancy")),
            )
            .order_by(ProtocolEntryRow.station, ProtocolEntryRow.version, ProtocolEntryRow.entry_no)
        )
    )


def election_of_places(session: Session) -> dict[tuple[str, str], str]:
    """For each district, okrug and station, the newest election run on it (search links)."""
    rows = session.execute(
        select(StationRollRow.station, StationRow.okrug, OkrugRow.district, StationRollRow.election)
        .join(StationRow, StationRow.code == StationRollRow.station)
        .join(OkrugRow, OkrugRow.code == StationRow.okrug)
        .join(ElectionRow, ElectionRow.code == StationRollRow.election)
        .order_by(ElectionRow.date, ElectionRow.code)
    )
    out: dict[tuple[str, str], str] = {}
    for station, okrug, district, code in rows:
        out[("station", station)] = code
        out[("okrug", okrug)] = code
        out[("district", district)] = code
    return out
