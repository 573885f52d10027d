"""Setting up an election: the call (with its ground), its settings, okrugs, stations and
commissions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration.access import Permission, require
from saylau.administration.errors import AdminError
from saylau.datasets.reader import DatasetContent
from saylau.domain import ElectionType, Names
from saylau.law.calendar import Ground, GroundKind, check_call
from saylau.law.catalogue import FAMILY_OF, Family, Finding, LawError, law_version, version_in_force
from saylau.security.actor import Actor
from saylau.store import audit, keys
from saylau.store.schema import (
    CommissionRow,
    ContestRow,
    DistrictRow,
    ElectionRow,
    ElectionSetupRow,
    OkrugRow,
    RegionRow,
    StationRollRow,
    StationRow,
)

SETUP_PARTS = ("districts", "okrugs", "stations", "commissions")


def contest_code(election: str, okrug: str) -> str:
    """The code of the akim contest of ``okrug`` at ``election``."""
    return f"{election}:{okrug}"


def create_election(
    session: Session,
    actor: Actor,
    *,
    code: str,
    type: ElectionType,
    date: dt.date,
    law_version: str,
    names: Names,
    territory: str,
    double_entry: bool = False,
    against_all_on_ballot: bool | None = None,
    synthetic: bool = False,
    known_law_versions: frozenset[str] | None = None,
    ground: Ground | None = None,
    called_on: dt.date | None = None,
) -> None:
    """Record the call of an election by the territorial commission of ``territory``.

    ``ground`` (the end of the incumbent's term, an early termination, a first or a repeat
    election) and ``called_on`` (the day of the call) fix the calendar's call: dates that
    contradict the ground (K.009), a call after its latest day (K.001, art. 113-1 as cited by
    the CEC) and, for an akim election, a law version not in force on the day of the call
    (K.012) are refused with every rule named (S.005), and nothing is stored. Without them
    (elections set up before grounds were recorded) the calendar counts only from polling day.
    """
    require(session, actor, Permission.SETUP, territory)
    if session.get(ElectionRow, code) is not None:
        raise AdminError("S.001", "code", code=code)
    if known_law_versions is not None and law_version not in known_law_versions:
        raise AdminError(
            "S.002", "law_version", value=law_version, allowed=", ".join(sorted(known_law_versions))
        )
    findings = call_findings(type, date, law_version, ground=ground, called_on=called_on)
    if findings:
        first = findings[0]
        raise AdminError(
            "S.005",
            _CALL_FIELDS.get(first.code, "called_on"),
            details=_details(findings),
            count=len(findings),
        )
    if (
        territory != "KZ"
        and session.get(RegionRow, territory) is None
        and session.get(DistrictRow, territory) is None
    ):
        raise AdminError("S.003", "territory", value=territory)
    session.add(
        ElectionRow(
            code=code,
            type=type.value,
            date=date,
            law_version=law_version,
            name_kk=names.kk,
            name_ru=names.ru,
            name_en=names.en,
            synthetic=synthetic,
            source=None,
            note=None,
        )
    )
    session.flush()
    session.add(
        ElectionSetupRow(
            election=code,
            territory=territory,
            double_entry=double_entry,
            against_all_on_ballot=against_all_on_ballot,
            created_by=actor.name,
            created_at=dt.datetime.now(dt.UTC),
            ground=ground.kind.value if ground else None,
            ground_date=ground.on if ground else None,
            called_on=called_on,
        )
    )
    session.flush()
    key = keys.create_key(session, keys.ELECTION, code)
    audit.record(
        session,
        actor=actor,
        action="election.create",
        entity="election",
        entity_id=code,
        payload={
            "type": type.value,
            "date": date.isoformat(),
            "law_version": law_version,
            "territory": territory,
            "double_entry": double_entry,
            "against_all_on_ballot": against_all_on_ballot,
            "synthetic": synthetic,
            "key": key.fingerprint,
            "ground": ground.kind.value if ground else None,
            "ground_date": ground.on.isoformat() if ground and ground.on else None,
            "called_on": called_on.isoformat() if called_on else None,
        },
    )


_CALL_FIELDS = {"K.001": "called_on", "K.009": "ground", "K.012": "law_version"}


def _details(findings: list[Finding], lang: str = "en") -> list[dict[str, object]]:
    from saylau.administration.lawctx import findings_details

    return findings_details(findings, lang)


def call_findings(
    type: ElectionType,
    date: dt.date,
    law_version_code: str,
    *,
    ground: Ground | None,
    called_on: dt.date | None,
) -> list[Finding]:
    """What the law says against a call: K.012 (the version in force on the day of the call),
    K.009 (dates that contradict the ground) and K.001 (a call after its latest day).

    Only akim elections have a calendar; other types, and unknown law versions (refused
    elsewhere), give no findings.
    """
    if FAMILY_OF.get(type) is not Family.AKIM:
        return []
    try:
        law = law_version(law_version_code)
    except LawError:
        return []
    if law.election_type is not type or law.family is not Family.AKIM:
        return []
    findings: list[Finding] = []
    if called_on is not None and not law.in_force_on(called_on):
        in_force = version_in_force(type, called_on)
        findings.append(
            Finding.of(
                "K.012",
                law,
                ("law_version", "called_on"),
                law=law.code,
                called_on=called_on,
                in_force=in_force.code if in_force else "—",
            )
        )
        if in_force is not None:
            law = in_force
    findings += check_call(date, law, called_on=called_on, ground=ground)
    return findings


def law_version_for(type: ElectionType, day: dt.date) -> str | None:
    """The code of the law version of ``type`` in force on ``day`` (the day of the call)."""
    found = version_in_force(type, day)
    return found.code if found else None


def ground_of(setup: ElectionSetupRow) -> Ground | None:
    """The recorded ground of an election, if any."""
    if setup.ground is None:
        return None
    return Ground(GroundKind(setup.ground), setup.ground_date)


def setup_of(session: Session, election: str) -> ElectionSetupRow:
    """The settings of ``election``; raise if it does not exist."""
    row = session.get(ElectionSetupRow, election)
    if row is None:
        raise AdminError("S.004", "election", value=election)
    return row


def load_setup(
    session: Session, actor: Actor, election: str, content: DatasetContent
) -> dict[str, int]:
    """Store districts, okrugs, stations (with their voters for ``election``) and commissions.

    One contest (one akim seat) is opened for every okrug that has a station.
    """
    setup = setup_of(session, election)
    require(session, actor, Permission.SETUP, setup.territory)
    rows = content.rows
    for row in rows.get("districts", []):
        session.merge(
            DistrictRow(
                code=row["code"],
                region=row["region"],
                kind=row["kind"],
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
                kato=row["kato"],
            )
        )
    session.flush()
    for row in rows.get("okrugs", []):
        session.merge(
            OkrugRow(
                code=row["code"],
                district=row["district"],
                kind=row["kind"],
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
                kato=row["kato"],
                population=row["population"],
            )
        )
    session.flush()
    okrugs_with_stations: set[str] = set()
    for row in rows.get("stations", []):
        session.merge(
            StationRow(
                code=row["code"],
                okrug=row["okrug"],
                number=row["number"],
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
                registered_voters=None,
            )
        )
        session.flush()
        session.merge(
            StationRollRow(
                election=election, station=row["code"], registered_voters=row["registered_voters"]
            )
        )
        okrugs_with_stations.add(str(row["okrug"]))
    for row in rows.get("commissions", []):
        session.merge(
            CommissionRow(
                code=row["code"],
                level=row["level"],
                territory=row["territory"],
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
            )
        )
    session.flush()
    for okrug in sorted(okrugs_with_stations):
        require(session, actor, Permission.SETUP, okrug)
        code = contest_code(election, okrug)
        if session.get(ContestRow, code) is None:
            session.add(ContestRow(code=code, election=election, okrug=okrug, seats=1))
    session.flush()
    counts = {name: len(items) for name, items in rows.items() if name in SETUP_PARTS}
    counts["contests"] = len(okrugs_with_stations)
    audit.record(
        session,
        actor=actor,
        action="election.setup",
        entity="election",
        entity_id=election,
        payload={"counts": counts},
    )
    return counts


def contests(session: Session, election: str) -> list[ContestRow]:
    """The contests of ``election``, by okrug code."""
    return list(
        session.scalars(
            select(ContestRow).where(ContestRow.election == election).order_by(ContestRow.okrug)
        )
    )
