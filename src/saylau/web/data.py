"""Read queries the public site needs that the store layer does not have (read only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.domain import Names, PartyLineage
from saylau.store import queries
from saylau.store.schema import (
    DistrictRow,
    OkrugRow,
    PartyLineageRow,
    PartyRow,
    StationRow,
)


@dataclass(frozen=True)
class NamePeriod:
    """A party's full and short name during a period."""

    names: Names
    short: Names
    valid_from: dt.date | None
    valid_to: dt.date | None

    def in_force(self, day: dt.date) -> bool:
        """Whether the name was the party's name on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class PartyRecord:
    """A party of the registry with its names over time and its lineage."""

    code: str
    registered: dt.date | None
    dissolved: dt.date | None
    source: str
    note: str | None
    periods: tuple[NamePeriod, ...]
    lineage: tuple[PartyLineage, ...] = field(default=())

    def name_on(self, day: dt.date) -> NamePeriod:
        """The name in force on ``day`` (the earliest one if none was)."""
        for period in self.periods:
            if period.in_force(day):
                return period
        return self.periods[0]

    @property
    def current(self) -> NamePeriod:
        """The latest name."""
        return self.periods[-1]


def parties(session: Session) -> dict[str, PartyRecord]:
    """The party registry: every party with its name periods and lineage, by code."""
    periods: dict[str, list[NamePeriod]] = {}
    for name, short in queries.party_names(session):
        periods.setdefault(name.party, []).append(
            NamePeriod(name.names, short, name.valid_from, name.valid_to)
        )
    for items in periods.values():
        items.sort(key=lambda p: p.valid_from or dt.date.min)
    lineage = [
        PartyLineage(
            predecessor=row.predecessor,
            successor=row.successor,
            kind=row.kind,  # type: ignore[arg-type]
            date=row.date,
            source=row.source,
        )
        for row in session.scalars(select(PartyLineageRow).order_by(PartyLineageRow.date))
    ]
    out: dict[str, PartyRecord] = {}
    for row in session.scalars(select(PartyRow).order_by(PartyRow.code)):
        if row.code not in periods:
            continue  # a party without names cannot be shown
        out[row.code] = PartyRecord(
            code=row.code,
            registered=row.registered,
            dissolved=row.dissolved,
            source=row.source,
            note=row.note,
            periods=tuple(periods[row.code]),
            lineage=tuple(x for x in lineage if row.code in (x.predecessor, x.successor)),
        )
    return out


@dataclass(frozen=True)
class Place:
    """A named place below the region (district, okrug, station) for search."""

    kind: str
    code: str
    names: Names
    region: str | None
    parent: str | None
    election: str | None = None  # the newest election run on the place, if any


def places(session: Session) -> list[Place]:
    """Districts, okrugs and polling stations in the database, with the region each is in
    and the newest election run on it."""
    from saylau.web.election_data import election_of_places

    run = election_of_places(session)
    district_region: dict[str, str] = {}
    out: list[Place] = []
    for row in session.scalars(select(DistrictRow).order_by(DistrictRow.code)):
        district_region[row.code] = row.region
        out.append(
            Place(
                "district",
                row.code,
                _names(row),
                row.region,
                row.region,
                run.get(("district", row.code)),
            )
        )
    okrug_region: dict[str, str | None] = {}
    for row in session.scalars(select(OkrugRow).order_by(OkrugRow.code)):
        okrug_region[row.code] = district_region.get(row.district)
        out.append(
            Place(
                "okrug",
                row.code,
                _names(row),
                okrug_region[row.code],
                row.district,
                run.get(("okrug", row.code)),
            )
        )
    for row in session.scalars(select(StationRow).order_by(StationRow.code)):
        out.append(
            Place(
                "station",
                row.code,
                _names(row),
                okrug_region.get(row.okrug),
                row.okrug,
                run.get(("station", row.code)),
            )
        )
    return out


def _names(row: DistrictRow | OkrugRow | StationRow) -> Names:
    return Names(kk=row.name_kk or row.code, ru=row.name_ru or row.code, en=row.name_en or row.code)
