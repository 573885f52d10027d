"""Aggregation of accepted precinct protocols up the hierarchy, in SQL.

Only the newest accepted version of each station's protocol counts. Sums are computed by the
database (one query per level), so the same code tabulates a village on SQLite and a national
election night on PostgreSQL; the result does not depend on the order protocols arrived in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from saylau.domain import HOME_VOTING_FIELDS
from saylau.store.schema import (
    CandidateRow,
    ContestRow,
    DistrictRow,
    OkrugRow,
    ProtocolRow,
    ProtocolVoteRow,
    StationRollRow,
    StationRow,
)


class Level(StrEnum):
    """Tabulation levels, bottom to top."""

    STATION = "station"
    OKRUG = "okrug"
    DISTRICT = "district"
    REGION = "region"
    REPUBLIC = "republic"


@dataclass(frozen=True)
class Totals:
    """Summed protocol counts of one unit, with progress."""

    level: Level
    unit: str
    stations_expected: int
    stations_reported: int
    voters_expected: int
    voters_on_list: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_in_boxes: int
    invalid: int
    against_all: int | None
    votes: dict[str, int] = field(default_factory=dict)
    # Home voting: sums over the stations whose protocols give the split (None when none do).
    stations_with_split: int = 0
    ballots_issued_in_station: int | None = None
    ballots_issued_outside: int | None = None
    ballots_in_stationary_boxes: int | None = None
    ballots_in_portable_boxes: int | None = None

    @property
    def valid(self) -> int:
        """Valid ballots: candidate votes plus against-all."""
        return sum(self.votes.values()) + (self.against_all or 0)

    @property
    def turnout(self) -> float | None:
        """Voters who received ballots over voters on the list (as the CEC reports turnout)."""
        return self.ballots_issued / self.voters_on_list if self.voters_on_list else None

    @property
    def complete(self) -> bool:
        """Whether every expected station has reported."""
        return self.stations_reported == self.stations_expected


def latest_protocols(election: str) -> Select[tuple[int]]:
    """Ids of the newest stored version of each station's protocol."""
    newest = (
        select(ProtocolRow.station, func.max(ProtocolRow.version).label("version"))
        .where(ProtocolRow.election == election)
        .group_by(ProtocolRow.station)
        .subquery()
    )
    return (
        select(ProtocolRow.id)
        .join(
            newest,
            (ProtocolRow.station == newest.c.station) & (ProtocolRow.version == newest.c.version),
        )
        .where(ProtocolRow.election == election)
    )


def _unit_column(level: Level):  # noqa: ANN202 - a SQL column expression
    match level:
        case Level.STATION:
            return StationRow.code
        case Level.OKRUG:
            return StationRow.okrug
        case Level.DISTRICT:
            return OkrugRow.district
        case Level.REGION | Level.REPUBLIC:
            return DistrictRow.region


def tabulate(session: Session, election: str, level: Level) -> list[Totals]:
    """Totals of every unit at ``level`` that has stations in ``election``."""
    if level is Level.REPUBLIC:
        return [combine(Level.REPUBLIC, "KZ", tabulate(session, election, Level.REGION))]
    unit = _unit_column(level).label("unit")
    roll = (
        select(
            unit,
            func.count(StationRollRow.station).label("expected"),
            func.sum(StationRollRow.registered_voters).label("voters"),
        )
        .select_from(StationRollRow)
        .join(StationRow, StationRow.code == StationRollRow.station)
        .join(OkrugRow, OkrugRow.code == StationRow.okrug)
        .join(DistrictRow, DistrictRow.code == OkrugRow.district)
        .where(StationRollRow.election == election)
        .group_by(unit)
    )
    expected = {
        row.unit: (int(row.expected), int(row.voters or 0)) for row in session.execute(roll)
    }
    ids = latest_protocols(election)
    counts = (
        select(
            unit,
            func.count(ProtocolRow.id).label("reported"),
            func.sum(ProtocolRow.voters_on_list).label("voters_on_list"),
            func.sum(ProtocolRow.ballots_received).label("ballots_received"),
            func.sum(ProtocolRow.ballots_issued).label("ballots_issued"),
            func.sum(ProtocolRow.ballots_cancelled).label("ballots_cancelled"),
            func.sum(ProtocolRow.ballots_in_boxes).label("ballots_in_boxes"),
            func.sum(ProtocolRow.invalid).label("invalid"),
            func.sum(ProtocolRow.against_all).label("against_all"),
            func.count(ProtocolRow.against_all).label("with_against_all"),
            func.count(ProtocolRow.ballots_issued_outside).label("with_split"),
            *(func.sum(getattr(ProtocolRow, name)).label(name) for name in HOME_VOTING_FIELDS),
        )
        .select_from(ProtocolRow)
        .join(StationRow, StationRow.code == ProtocolRow.station)
        .join(OkrugRow, OkrugRow.code == StationRow.okrug)
        .join(DistrictRow, DistrictRow.code == OkrugRow.district)
        .where(ProtocolRow.id.in_(ids))
        .group_by(unit)
    )
    reported = {row.unit: row for row in session.execute(counts)}
    votes_query = (
        select(unit, ProtocolVoteRow.candidate, func.sum(ProtocolVoteRow.votes).label("votes"))
        .select_from(ProtocolVoteRow)
        .join(ProtocolRow, ProtocolRow.id == ProtocolVoteRow.protocol)
        .join(StationRow, StationRow.code == ProtocolRow.station)
        .join(OkrugRow, OkrugRow.code == StationRow.okrug)
        .join(DistrictRow, DistrictRow.code == OkrugRow.district)
        .where(ProtocolRow.id.in_(ids))
        .group_by(unit, ProtocolVoteRow.candidate)
    )
    votes: dict[str, dict[str, int]] = {}
    for row in session.execute(votes_query):
        votes.setdefault(row.unit, {})[row.candidate] = int(row.votes)
    out: list[Totals] = []
    for code in sorted(expected):
        stations, voters = expected[code]
        row = reported.get(code)

        def get(name: str, _row: object = row) -> int:
            return int(getattr(_row, name) or 0) if _row is not None else 0

        against = None
        if row is not None and row.with_against_all:
            against = int(row.against_all or 0)
        split = int(row.with_split) if row is not None else 0
        home = {
            name: (int(getattr(row, name) or 0) if split else None) for name in HOME_VOTING_FIELDS
        }
        out.append(
            Totals(
                level=level,
                unit=str(code),
                stations_expected=stations,
                stations_reported=get("reported"),
                voters_expected=voters,
                voters_on_list=get("voters_on_list"),
                ballots_received=get("ballots_received"),
                ballots_issued=get("ballots_issued"),
                ballots_cancelled=get("ballots_cancelled"),
                ballots_in_boxes=get("ballots_in_boxes"),
                invalid=get("invalid"),
                against_all=against,
                votes=dict(sorted(votes.get(code, {}).items())),
                stations_with_split=split,
                **home,
            )
        )
    return out


def candidates_of(session: Session, election: str) -> dict[str, list[CandidateRow]]:
    """Candidates of each okrug's contest in ``election`` (all statuses)."""
    out: dict[str, list[CandidateRow]] = {}
    rows = session.execute(
        select(ContestRow.okrug, CandidateRow)
        .join(CandidateRow, CandidateRow.contest == ContestRow.code)
        .where(ContestRow.election == election)
        .order_by(ContestRow.okrug, CandidateRow.code)
    )
    for okrug, candidate in rows:
        out.setdefault(okrug, []).append(candidate)
    return out


def combine(level: Level, unit: str, parts: list[Totals]) -> Totals:
    """The sum of ``parts`` as one unit (used for the republic, above the regions)."""
    votes: dict[str, int] = {}
    for part in parts:
        for candidate, count in part.votes.items():
            votes[candidate] = votes.get(candidate, 0) + count
    with_against = [p.against_all for p in parts if p.against_all is not None]
    split = sum(p.stations_with_split for p in parts)
    home: dict[str, int | None] = {
        name: (sum(getattr(p, name) or 0 for p in parts) if split else None)
        for name in HOME_VOTING_FIELDS
    }
    return Totals(
        level=level,
        unit=unit,
        stations_expected=sum(p.stations_expected for p in parts),
        stations_reported=sum(p.stations_reported for p in parts),
        voters_expected=sum(p.voters_expected for p in parts),
        voters_on_list=sum(p.voters_on_list for p in parts),
        ballots_received=sum(p.ballots_received for p in parts),
        ballots_issued=sum(p.ballots_issued for p in parts),
        ballots_cancelled=sum(p.ballots_cancelled for p in parts),
        ballots_in_boxes=sum(p.ballots_in_boxes for p in parts),
        invalid=sum(p.invalid for p in parts),
        against_all=sum(with_against) if with_against else None,
        votes=dict(sorted(votes.items())),
        stations_with_split=split,
        **home,
    )
