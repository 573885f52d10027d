"""Station-level inputs of the forensic tests, as two Polars frames.

``stations``: one row per station that reported — ``station``, ``okrug``, ``voters`` (voters on
the list), ``issued`` (ballots issued), ``in_boxes``, ``valid`` (candidates' votes + against
all), ``leader`` (the candidate with most votes in the station's okrug), ``leader_votes`` (the
leader's votes at the station), and the derived ``turnout`` and ``leader_share`` in percent.

``votes``: one row per station and candidate — ``station``, ``okrug``, ``candidate``, ``votes``.

They are built from the database (the newest accepted protocol of each station, through
:func:`saylau.tabulate.aggregate.tabulate` at station level) or from a generated
:class:`saylau.datasets.synthetic.SyntheticElection`, so the tests never touch SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.domain import Protocol
from saylau.store.schema import ElectionRow, StationRow
from saylau.tabulate.aggregate import Level, tabulate

STATION_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "station": pl.String,
    "okrug": pl.String,
    "voters": pl.Int64,
    "issued": pl.Int64,
    "in_boxes": pl.Int64,
    "valid": pl.Int64,
    "leader": pl.String,
    "leader_votes": pl.Int64,
}
VOTE_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "station": pl.String,
    "okrug": pl.String,
    "candidate": pl.String,
    "votes": pl.Int64,
}


@dataclass(frozen=True)
class StationData:
    """The two frames the forensic tests read, with what they describe."""

    election: str
    synthetic: bool
    stations: pl.DataFrame
    votes: pl.DataFrame
    stations_expected: int


@dataclass(frozen=True)
class _Station:
    station: str
    okrug: str
    voters: int
    issued: int
    in_boxes: int
    against_all: int
    votes: Mapping[str, int]


def _leaders(rows: Iterable[_Station]) -> dict[str, str]:
    """The candidate with most votes in each okrug (ties: the smallest code)."""
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        okrug = totals.setdefault(row.okrug, {})
        for candidate, count in row.votes.items():
            okrug[candidate] = okrug.get(candidate, 0) + count
    return {
        okrug: min(votes, key=lambda c: (-votes[c], c)) for okrug, votes in totals.items() if votes
    }


def build(election: str, rows: list[_Station], *, synthetic: bool, expected: int) -> StationData:
    """Frames from station rows."""
    leaders = _leaders(rows)
    station_rows = []
    vote_rows = []
    for row in sorted(rows, key=lambda r: r.station):
        leader = leaders.get(row.okrug)
        station_rows.append(
            {
                "station": row.station,
                "okrug": row.okrug,
                "voters": row.voters,
                "issued": row.issued,
                "in_boxes": row.in_boxes,
                "valid": sum(row.votes.values()) + row.against_all,
                "leader": leader,
                "leader_votes": row.votes.get(leader, 0) if leader else 0,
            }
        )
        for candidate, count in sorted(row.votes.items()):
            vote_rows.append(
                {"station": row.station, "okrug": row.okrug, "candidate": candidate, "votes": count}
            )
    stations = pl.DataFrame(station_rows, schema=STATION_SCHEMA)
    stations = stations.with_columns(
        turnout=pl.when(pl.col("voters") > 0)
        .then(100.0 * pl.col("issued") / pl.col("voters"))
        .otherwise(None),
        leader_share=pl.when(pl.col("valid") > 0)
        .then(100.0 * pl.col("leader_votes") / pl.col("valid"))
        .otherwise(None),
    )
    return StationData(
        election=election,
        synthetic=synthetic,
        stations=stations,
        votes=pl.DataFrame(vote_rows, schema=VOTE_SCHEMA),
        stations_expected=expected,
    )


def from_protocols(
    election: str,
    protocols: Iterable[Protocol],
    okrug_of: Mapping[str, str],
    *,
    synthetic: bool = True,
) -> StationData:
    """Frames from protocols (e.g. a generated election's), without a database."""
    rows = [
        _Station(
            station=p.station,
            okrug=okrug_of[p.station],
            voters=p.voters_on_list,
            issued=p.ballots_issued,
            in_boxes=p.ballots_in_boxes,
            against_all=p.against_all or 0,
            votes=dict(p.votes),
        )
        for p in protocols
    ]
    return build(election, rows, synthetic=synthetic, expected=len(rows))


def from_database(session: Session, election: str) -> StationData:
    """Frames from the newest accepted protocol of every station that reported."""
    row = session.get(ElectionRow, election)
    if row is None:
        raise LookupError(election)
    totals = tabulate(session, election, Level.STATION)
    codes = [t.unit for t in totals]
    okrug_of: dict[str, str] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        for code, okrug in session.execute(
            select(StationRow.code, StationRow.okrug).where(StationRow.code.in_(chunk))
        ):
            okrug_of[code] = okrug
    rows = [
        _Station(
            station=t.unit,
            okrug=okrug_of[t.unit],
            voters=t.voters_on_list,
            issued=t.ballots_issued,
            in_boxes=t.ballots_in_boxes,
            against_all=t.against_all or 0,
            votes=t.votes,
        )
        for t in totals
        if t.stations_reported
    ]
    return build(election, rows, synthetic=bool(row.synthetic), expected=len(totals))
