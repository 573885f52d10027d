"""Small synthetic elections for the service-layer tests, built without files.

Everything here is synthetic: codes start with ``t-`` and names say so. Rows are typed as the
dataset reader would type them (dates, aware datetimes, integers), so the service functions
are exercised exactly as the command line calls them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration import nominations, protocols, setup
from saylau.datasets.reader import DatasetContent
from saylau.domain import ElectionType, Names, Protocol
from saylau.security.actor import Actor, Role
from saylau.service import Saylau
from saylau.store.schema import Base

ALMATY = ZoneInfo("Asia/Almaty")
ADMIN = Actor("t-admin", Role.ADMIN)
REGION = "KZ-15"
POLLING_DAY = dt.date(2025, 7, 20)
NOMINATED_AT = dt.datetime(2025, 6, 2, 10, 0, tzinfo=ALMATY)


def names(label: str) -> dict[str, str]:
    return {
        "name_kk": f"{label} (синтетикалық)",
        "name_ru": f"{label} (синтетический)",
        "name_en": f"{label} (synthetic)",
    }


@dataclass
class Okrug:
    """One okrug of a synthetic election: its district, stations and candidates."""

    code: str
    district: str
    stations: dict[str, int]  # station code -> registered voters
    candidates: list[str]
    parties: dict[str, str] = field(default_factory=dict)  # candidate -> party (else self)


def setup_content(okrugs: Sequence[Okrug]) -> DatasetContent:
    districts = sorted({o.district for o in okrugs})
    content = DatasetContent()
    content.rows["districts"] = [
        {"code": d, "region": REGION, "kind": "district", "kato": None, **names(d)}
        for d in districts
    ]
    content.rows["okrugs"] = [
        {
            "code": o.code,
            "district": o.district,
            "kind": "rural_okrug",
            "kato": None,
            "population": None,
            **names(o.code),
        }
        for o in okrugs
    ]
    content.rows["stations"] = [
        {
            "code": station,
            "okrug": o.code,
            "number": number,
            "registered_voters": voters,
            **names(station),
        }
        for number, (o, station, voters) in enumerate(
            ((o, s, v) for o in okrugs for s, v in o.stations.items()), start=1
        )
    ]
    content.rows["commissions"] = [
        {"code": f"{d}-tec", "level": "territorial", "territory": d, **names(f"{d} TEC")}
        for d in districts
    ] + [
        {"code": f"{s}-pec", "level": "precinct", "territory": s, **names(f"{s} PEC")}
        for o in okrugs
        for s in o.stations
    ]
    return content


def candidate_row(
    code: str,
    okrug: str,
    *,
    party: str | None = None,
    birth_date: dt.date = dt.date(1980, 1, 1),
    signatures: int = 100_000,
    deposit_paid: bool = True,
    nominated_at: dt.datetime = NOMINATED_AT,
) -> dict[str, object]:
    return {
        "code": code,
        "okrug": okrug,
        "name": f"Candidate {code} (synthetic)",
        "party": party,
        "sex": None,
        "birth_date": birth_date,
        "citizen": True,
        "criminal_record": False,
        "legally_incapable": False,
        "corruption_offence": False,
        "qualified": True,
        "party_member": True if party else None,
        "signatures": signatures,
        "deposit_paid": deposit_paid,
        "declarations_filed": True,
        "nominated_at": nominated_at,
        "incumbent": False,
        "former_akim": False,
    }


def candidates_content(rows: Iterable[Mapping[str, object]]) -> DatasetContent:
    content = DatasetContent()
    content.rows["candidates"] = [dict(r) for r in rows]
    return content


def create(
    session: Session,
    code: str,
    okrugs: Sequence[Okrug],
    *,
    actor: Actor = ADMIN,
    double_entry: bool = False,
    territory: str = REGION,
    law: str = "rural-akim-2023",
    date: dt.date = POLLING_DAY,
) -> None:
    """Create, load and nominate a synthetic election in one transaction."""
    setup.create_election(
        session,
        actor,
        code=code,
        type=ElectionType.RURAL_AKIM,
        date=date,
        law_version=law,
        names=Names(
            kk=f"{code} (синтетикалық)", ru=f"{code} (синтетические)", en=f"{code} (synthetic)"
        ),
        territory=territory,
        double_entry=double_entry,
        synthetic=True,
    )
    setup.load_setup(session, actor, code, setup_content(okrugs))
    rows = [candidate_row(c, o.code, party=o.parties.get(c)) for o in okrugs for c in o.candidates]
    if rows:
        nominations.nominate(session, actor, code, candidates_content(rows))


def protocol(
    election: str,
    station: str,
    votes: Mapping[str, int],
    *,
    voters: int = 1000,
    against_all: int | None = 20,
    invalid: int = 10,
    extra_issued: int = 0,
    cancelled: int = 100,
    reason: str | None = None,
) -> Protocol:
    """A consistent protocol built upward from the votes."""
    in_boxes = sum(votes.values()) + (against_all or 0) + invalid
    issued = in_boxes + extra_issued
    return Protocol(
        election=election,
        station=station,
        voters_on_list=voters,
        ballots_received=issued + cancelled,
        ballots_issued=issued,
        ballots_cancelled=cancelled,
        ballots_in_boxes=in_boxes,
        invalid=invalid,
        against_all=against_all,
        votes=dict(votes),
        correction_reason=reason,
    )


def submit(service: Saylau, actor: Actor, item: Protocol) -> protocols.EntryResult:
    with service.transaction() as session:
        return protocols.submit(session, actor, item)


def dump(service: Saylau) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order (to compare before and after)."""
    out: dict[str, list[tuple[object, ...]]] = {}
    with service.session() as session:
        for table in Base.metadata.sorted_tables:
            rows = [tuple(row) for row in session.execute(select(table))]
            out[table.name] = sorted(rows, key=repr)
    return out
