"""Entering precinct protocols: control relations, warnings, double entry, corrections.

A protocol that breaks a control relation (an ``error`` of the rule catalogue) is rejected
with every broken relation named, and nothing is stored. One with only warnings is held until
a supervisor acknowledges them. When the election requires double entry, a protocol counts
only once two operators have entered the same values, or a supervisor has resolved their
differences. A correction is a new version with a reason; earlier versions stay.

Home voting: the four counts of the split (ballots issued in the station and outside it,
ballots in the stationary and the portable boxes) are optional; protocols without them stay
valid, and entries made before they existed read as having none. A candidate who withdrew
after the ballots were printed is still on the ballot (P.110).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saylau.administration.access import Permission, require
from saylau.administration.errors import AdminError
from saylau.administration.keys import CommissionSignature, check_commission_signature
from saylau.administration.lawctx import findings_details, findings_json, law_for
from saylau.administration.nominations import registered_candidates
from saylau.administration.setup import contest_code, setup_of
from saylau.administration.steps import withdrawn_on_ballot
from saylau.domain import HOME_VOTING_FIELDS, Protocol
from saylau.law.protocol import check_protocol
from saylau.security.actor import Actor
from saylau.store import audit, signatures
from saylau.store.schema import (
    ProtocolEntryRow,
    ProtocolRow,
    ProtocolVoteRow,
    StationRollRow,
    StationRow,
)

MAX_COUNT = 2**31 - 1  # the stored columns are 32-bit integers

COUNT_FIELDS = (
    "voters_on_list",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid",
    "against_all",
    *HOME_VOTING_FIELDS,
)
OPTIONAL_COUNTS = frozenset({"against_all", *HOME_VOTING_FIELDS})

Status = Literal["accepted", "held", "awaiting_second", "discrepancy", "superseded"]


@dataclass(frozen=True)
class EntryResult:
    """What happened to an entered protocol."""

    entry_id: int
    station: str
    version: int
    status: Status
    warnings: tuple[str, ...]
    differences: tuple[str, ...] = ()


def parse(payload: dict[str, object]) -> Protocol:
    """A protocol from a submitted mapping; AdminError naming every malformed field."""
    problems: list[dict[str, object]] = []
    # true/false and 12.0 are not counts, although the model would read them as 1/0 and 12;
    # a count beyond the stored column's range is refused here, not by the database.
    votes = payload.get("votes")
    cells = [(name, payload.get(name)) for name in (*COUNT_FIELDS, "corrects")]
    if isinstance(votes, dict):
        cells += [(f"votes.{c}", v) for c, v in votes.items()]
    for field, value in cells:
        if isinstance(value, bool | float):
            problems.append(
                {"code": "V.001", "fields": [field], "message": "Input should be a whole number"}
            )
        elif isinstance(value, int) and value > MAX_COUNT:
            problems.append(
                {
                    "code": "V.001",
                    "fields": [field],
                    "message": f"Input should be at most {MAX_COUNT}",
                }
            )
    try:
        protocol = Protocol.model_validate(payload)
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "protocol"
            problems.append({"code": "V.001", "fields": [field], "message": error["msg"]})
    else:
        if not problems:
            return protocol
    raise AdminError(
        "V.001",
        problems[0]["fields"][0] if problems else None,  # type: ignore[index]
        details=problems,
        count=len(problems),
    )


def values_of(protocol: Protocol) -> dict[str, object]:
    """The counts of a protocol as entered, signed and stored (votes sorted by candidate)."""
    data: dict[str, object] = {name: getattr(protocol, name) for name in COUNT_FIELDS}
    data["votes"] = dict(sorted(protocol.votes.items()))
    return data


def differences(first: dict[str, object], second: dict[str, object]) -> tuple[str, ...]:
    """Fields whose values differ between two entries (candidate votes as ``votes.<code>``)."""
    out = [name for name in COUNT_FIELDS if first.get(name) != second.get(name)]
    votes_a = first.get("votes") or {}
    votes_b = second.get("votes") or {}
    assert isinstance(votes_a, dict) and isinstance(votes_b, dict)
    out += [
        f"votes.{c}"
        for c in sorted(set(votes_a) | set(votes_b))
        if votes_a.get(c) != votes_b.get(c)
    ]
    return tuple(out)


def _current_version(session: Session, election: str, station: str) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.max(ProtocolRow.version), 0)).where(
                ProtocolRow.election == election, ProtocolRow.station == station
            )
        )
        or 0
    )


def _pending(session: Session, election: str, station: str, version: int) -> list[ProtocolEntryRow]:
    return list(
        session.scalars(
            select(ProtocolEntryRow)
            .where(
                ProtocolEntryRow.election == election,
                ProtocolEntryRow.station == station,
                ProtocolEntryRow.version == version,
                ProtocolEntryRow.status.in_(("awaiting_second", "discrepancy", "held")),
            )
            .order_by(ProtocolEntryRow.entry_no)
        )
    )


def _accept(session: Session, actor: Actor, entry: ProtocolEntryRow) -> None:
    """Make ``entry`` the station's official protocol of its version."""
    values = json.loads(entry.values)
    row = ProtocolRow(
        station=entry.station,
        election=entry.election,
        version=entry.version,
        voters_on_list=values["voters_on_list"],
        ballots_received=values["ballots_received"],
        ballots_issued=values["ballots_issued"],
        ballots_cancelled=values["ballots_cancelled"],
        ballots_in_boxes=values["ballots_in_boxes"],
        invalid=values["invalid"],
        against_all=values["against_all"],
        correction_reason=entry.correction_reason,
        entered_at=dt.datetime.now(dt.UTC),
        commission_key=entry.commission_key,
        commission_signature=entry.commission_signature,
        **{name: values.get(name) for name in HOME_VOTING_FIELDS},
    )
    # Signed before it is stored: the accepted version's rows are append-only.
    signatures.sign_protocol(session, row, values["votes"])
    session.add(row)
    session.flush()
    for candidate, votes in values["votes"].items():
        session.add(ProtocolVoteRow(protocol=row.id, candidate=candidate, votes=votes))
    entry.status = "accepted"
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="protocol.accept",
        entity="protocol",
        entity_id=f"{entry.election}/{entry.station}/v{entry.version}",
        payload={"entry": entry.id, "values": values, "correction_reason": entry.correction_reason},
    )


def parse_signed(payload: dict[str, object]) -> tuple[Protocol, CommissionSignature | None]:
    """A protocol and, when the payload carries one, its commission's ``signature``
    (``{"key": fingerprint, "value": base64}``)."""
    body = dict(payload)
    signed = body.pop("signature", None)
    signature = None
    if signed is not None:
        if (
            not isinstance(signed, dict)
            or set(signed) != {"key", "value"}
            or not all(isinstance(v, str) for v in signed.values())
        ):
            raise AdminError("G.007", "signature")
        signature = CommissionSignature(str(signed["key"]), str(signed["value"]))
    return parse(body), signature


def submit(
    session: Session,
    actor: Actor,
    protocol: Protocol,
    *,
    lang: str = "en",
    signature: CommissionSignature | None = None,
) -> EntryResult:
    """Enter one protocol (or one of its two entries); see the module docstring.

    A ``signature`` of the station's commission is verified before anything is stored and
    stays with the entry and the accepted version.
    """
    election, station_code = protocol.election, protocol.station
    setup = setup_of(session, election)
    station = session.get(StationRow, station_code)
    if station is None:
        raise AdminError("V.002", "station", value=station_code)
    roll = session.get(StationRollRow, (election, station_code))
    if roll is None:
        raise AdminError("V.003", "station", value=station_code, election=election)
    require(session, actor, Permission.ENTER_PROTOCOL, station_code)
    current = _current_version(session, election, station_code)
    if protocol.corrects is not None and protocol.corrects != current:
        raise AdminError(
            "G.008", "corrects", station=station_code, given=protocol.corrects, current=current
        )
    reason = (protocol.correction_reason or "").strip() or None
    pending = _pending(session, election, station_code, current + 1)
    if current and reason is None:
        # Only the second entry of a double-entered correction may omit the reason: it keeps
        # the first entry's. A held correction does not excuse a new entry from giving one.
        first = next((p for p in pending if p.status == "awaiting_second"), None)
        if not setup.double_entry or first is None or first.correction_reason is None:
            raise AdminError("V.004", "correction_reason", station=station_code, version=current)
        reason = first.correction_reason
    law = law_for(session, election)
    contest = contest_code(election, station.okrug)
    candidates = registered_candidates(session, contest)
    findings = check_protocol(
        protocol,
        candidates=candidates,
        law=law,
        registered_voters=roll.registered_voters,
        withdrawn=withdrawn_on_ballot(session, [contest]).get(contest, []),
    )
    errors = [f for f in findings if f.blocks]
    if errors:
        raise AdminError(
            "V.005",
            errors[0].fields[0] if errors[0].fields else None,
            details=findings_details(errors, lang),
            count=len(errors),
        )
    warnings = tuple(f.code for f in findings)
    version = current + 1
    values = values_of(protocol)
    if signature is not None:
        check_commission_signature(
            session,
            signature,
            election=election,
            station=station_code,
            corrects=current,
            values=values,
            correction_reason=(protocol.correction_reason or "").strip() or None,
        )
    awaiting: ProtocolEntryRow | None = None
    if setup.double_entry:
        if any(p.status in ("discrepancy", "held") for p in pending):
            raise AdminError("V.007", "station", station=station_code)
        awaiting = next((p for p in pending if p.status == "awaiting_second"), None)
        if awaiting is not None and awaiting.operator == actor.name:
            raise AdminError("V.006", "operator", operator=actor.name)
    else:
        for stale in pending:  # a new entry replaces one still waiting for acknowledgement
            stale.status = "superseded"
    entry_no = 1 + int(
        session.scalar(
            select(func.count(ProtocolEntryRow.id)).where(
                ProtocolEntryRow.election == election,
                ProtocolEntryRow.station == station_code,
                ProtocolEntryRow.version == version,
            )
        )
        or 0
    )
    entry = ProtocolEntryRow(
        station=station_code,
        election=election,
        version=version,
        entry_no=entry_no,
        operator=actor.name,
        values=json.dumps(values, sort_keys=True),
        status="held",
        findings=findings_json(findings),
        correction_reason=reason,
        entered_at=dt.datetime.now(dt.UTC),
        commission_key=signature.key if signature else None,
        commission_signature=signature.value if signature else None,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="protocol.enter",
        entity="protocol",
        entity_id=f"{election}/{station_code}/v{version}",
        payload={
            "entry": entry.id,
            "entry_no": entry_no,
            "values": values,
            "warnings": list(warnings),
            "correction_reason": reason,
        },
    )
    diffs: tuple[str, ...] = ()
    if setup.double_entry and awaiting is None:
        entry.status = "awaiting_second"
    elif awaiting is not None:
        diffs = differences(json.loads(awaiting.values), values)
        if diffs:
            awaiting.status = entry.status = "discrepancy"
        else:
            awaiting.status = "superseded"
            if not warnings:
                _accept(session, actor, entry)
    elif not warnings:
        _accept(session, actor, entry)
    session.flush()
    return EntryResult(
        entry.id,
        station_code,
        version,
        entry.status,  # type: ignore[arg-type]
        warnings,
        diffs,
    )


def _entry(session: Session, entry_id: int) -> ProtocolEntryRow:
    entry = session.get(ProtocolEntryRow, entry_id)
    if entry is None:
        raise AdminError("V.008", "entry", value=entry_id)
    return entry


def acknowledge(session: Session, actor: Actor, entry_id: int, note: str) -> EntryResult:
    """A supervisor acknowledges the warnings of a held protocol, which then counts."""
    entry = _entry(session, entry_id)
    require(session, actor, Permission.REVIEW_PROTOCOL, entry.station)
    if entry.status != "held":
        raise AdminError("V.009", "entry", value=entry_id, status=entry.status)
    if not note.strip():
        raise AdminError("V.010", "note")
    entry.decided_by, entry.decided_at, entry.decision_note = (
        actor.name,
        dt.datetime.now(dt.UTC),
        note,
    )
    audit.record(
        session,
        actor=actor,
        action="protocol.acknowledge",
        entity="protocol",
        entity_id=f"{entry.election}/{entry.station}/v{entry.version}",
        payload={
            "entry": entry.id,
            "note": note,
            "warnings": [f["code"] for f in json.loads(entry.findings)],
        },
    )
    _accept(session, actor, entry)
    return EntryResult(entry.id, entry.station, entry.version, "accepted", ())


def resolve(
    session: Session, actor: Actor, entry_id: int, note: str, *, lang: str = "en"
) -> EntryResult:
    """A supervisor resolves a double-entry discrepancy by choosing the correct entry.

    The chosen entry is re-checked; its warnings count as acknowledged by the resolution.
    """
    entry = _entry(session, entry_id)
    require(session, actor, Permission.REVIEW_PROTOCOL, entry.station)
    if entry.status != "discrepancy":
        raise AdminError("V.009", "entry", value=entry_id, status=entry.status)
    if not note.strip():
        raise AdminError("V.010", "note")
    for other in _pending(session, entry.election, entry.station, entry.version):
        if other.id != entry.id:
            other.status = "superseded"
    entry.decided_by, entry.decided_at, entry.decision_note = (
        actor.name,
        dt.datetime.now(dt.UTC),
        note,
    )
    audit.record(
        session,
        actor=actor,
        action="protocol.resolve",
        entity="protocol",
        entity_id=f"{entry.election}/{entry.station}/v{entry.version}",
        payload={"chosen_entry": entry.id, "note": note},
    )
    _accept(session, actor, entry)
    return EntryResult(entry.id, entry.station, entry.version, "accepted", ())


def entries(session: Session, election: str, status: str | None = None) -> list[ProtocolEntryRow]:
    """Protocol entries of ``election``, optionally of one status."""
    query = select(ProtocolEntryRow).where(ProtocolEntryRow.election == election)
    if status is not None:
        query = query.where(ProtocolEntryRow.status == status)
    return list(
        session.scalars(
            query.order_by(
                ProtocolEntryRow.station, ProtocolEntryRow.version, ProtocolEntryRow.entry_no
            )
        )
    )


def versions(session: Session, election: str, station: str) -> list[ProtocolRow]:
    """Every accepted version of a station's protocol, oldest first."""
    return list(
        session.scalars(
            select(ProtocolRow)
            .where(ProtocolRow.election == election, ProtocolRow.station == station)
            .order_by(ProtocolRow.version)
        )
    )


RETURNABLE = ("held", "awaiting_second", "discrepancy")


def send_back(session: Session, actor: Actor, entry_id: int, reason: str) -> list[int]:
    """A supervisor sends an entry back to the operator with a reason: the entry (and, for a
    double-entry discrepancy, the other entry of the same version) stops waiting and counts
    for nothing; the operator sees the reason and enters the protocol again.

    Returns the ids of the entries sent back. Nothing accepted is touched.
    """
    entry = _entry(session, entry_id)
    require(session, actor, Permission.REVIEW_PROTOCOL, entry.station)
    if entry.status not in RETURNABLE:
        raise AdminError("V.051", "entry", value=entry_id, status=entry.status)
    text = reason.strip()
    if not text:
        raise AdminError("V.050", "reason")
    group = [entry]
    if entry.status == "discrepancy":
        group += [
            other
            for other in _pending(session, entry.election, entry.station, entry.version)
            if other.id != entry.id and other.status == "discrepancy"
        ]
    now = dt.datetime.now(dt.UTC)
    for item in group:
        item.status = "returned"
        item.decided_by, item.decided_at, item.decision_note = actor.name, now, text
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="protocol.return",
        entity="protocol",
        entity_id=f"{entry.election}/{entry.station}/v{entry.version}",
        payload={"entries": [item.id for item in group], "reason": text},
    )
    return [item.id for item in group]


def returned(session: Session, election: str, station: str) -> ProtocolEntryRow | None:
    """The newest entry of the station's next version that a supervisor sent back, while no
    newer entry of that version was made (what the operator must see)."""
    version = _current_version(session, election, station) + 1
    newest = session.scalars(
        select(ProtocolEntryRow)
        .where(
            ProtocolEntryRow.election == election,
            ProtocolEntryRow.station == station,
            ProtocolEntryRow.version == version,
        )
        .order_by(ProtocolEntryRow.id.desc())
        .limit(1)
    ).first()
    return newest if newest is not None and newest.status == "returned" else None
