"""``saylau publish``: the public record of an election, as plain files anyone can verify.

The files are specified in ``docs/record.md``. They are written from one consistent read of
the database, after ``saylau db verify`` found the database to be what its log says (a record
that does not hold is never published). The manifest lists every file with its SHA-256 and is
signed with the election's key; ``saylau verify`` (:mod:`saylau.verify`) checks all of it
without any of this code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration import results as results_service
from saylau.administration.errors import AdminError
from saylau.administration.setup import contests, setup_of
from saylau.domain.record import (
    FORMAT,
    encode_value,
    sha256_hex,
    signing_input,
    timestamp,
)
from saylau.law.catalogue import law_version
from saylau.service import Saylau
from saylau.store import audit, keys, signatures
from saylau.store.integrity import Problem, verify_database
from saylau.store.schema import (
    AuditRow,
    CandidateRow,
    CertificationRow,
    DistrictRow,
    ElectionRow,
    LotDrawRow,
    NominationDecisionRow,
    OkrugRow,
    ProtocolRow,
    ProtocolVoteRow,
    RegionRow,
    StationRollRow,
    StationRow,
)
from saylau.tabulate.aggregate import Level, Totals, tabulate


class PublishError(Exception):
    """The record cannot be published (the election is unknown, or the record does not hold)."""

    def __init__(self, code: str, problems: list[Problem] | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.problems = problems or []
        self.params = params


@dataclass(frozen=True)
class Publication:
    """What was written: the folder, the files (path -> SHA-256) and the checkpoint."""

    folder: Path
    files: dict[str, str]
    checkpoint: dict[str, Any]


def pretty(value: Any) -> bytes:
    """A published JSON file: sorted keys, indented, UTF-8, newline at the end."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


def _names(row: Any) -> dict[str, str]:
    return {"kk": row.name_kk, "ru": row.name_ru, "en": row.name_en}


def _signature(key: str | None, value: str | None) -> dict[str, str] | None:
    return {"key": key, "value": value} if key and value else None


@contextmanager
def _snapshot(service: Saylau) -> Iterator[Session]:
    """One read transaction (repeatable read on PostgreSQL; on SQLite the caller checks that
    the log did not move while it read)."""
    with service.session() as session:
        if service.engine.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield session
        finally:
            session.rollback()


def build(session: Session, election: str) -> dict[str, bytes]:
    """Every file of the publication of ``election`` (path -> bytes), manifest included."""
    row = session.get(ElectionRow, election)
    if row is None:
        raise PublishError("P.101", election=election)
    setup = setup_of(session, election)
    law = law_version(row.law_version)
    files: dict[str, bytes] = {}
    files["election.json"] = pretty(
        {
            "format": FORMAT,
            "election": {
                "code": row.code,
                "type": row.type,
                "date": row.date.isoformat(),
                "law_version": row.law_version,
                "names": _names(row),
                "synthetic": row.synthetic,
            },
            "setup": {
                "territory": setup.territory,
                "double_entry": setup.double_entry,
                "against_all_on_ballot": setup.against_all_on_ballot,
            },
            "law": {
                "version": law.code,
                "settings": {
                    s.name: {"value": s.value_text("en"), "confidence": s.confidence.value}
                    for s in law.settings
                },
            },
        }
    )
    roll = {
        r.station: r.registered_voters
        for r in session.scalars(select(StationRollRow).where(StationRollRow.election == election))
    }
    stations = {
        s.code: s for s in session.scalars(select(StationRow).where(StationRow.code.in_(roll)))
    }
    files["stations.json"] = pretty(
        [
            {
                "code": code,
                "okrug": stations[code].okrug,
                "number": stations[code].number,
                "names": _names(stations[code]),
                "registered_voters": roll[code],
            }
            for code in sorted(roll)
        ]
    )
    contest_rows = contests(session, election)
    okrug_rows = {
        o.code: o
        for o in session.scalars(
            select(OkrugRow).where(OkrugRow.code.in_([c.okrug for c in contest_rows]))
        )
    }
    districts = {d.code: d for d in session.scalars(select(DistrictRow))}
    regions = {r.code: r for r in session.scalars(select(RegionRow))}
    okrugs = []
    for contest in contest_rows:
        okrug = okrug_rows[contest.okrug]
        district = districts[okrug.district]
        region = regions[district.region]
        okrugs.append(
            {
                "code": okrug.code,
                "contest": contest.code,
                "seats": contest.seats,
                "kind": okrug.kind,
                "kato": okrug.kato,
                "population": okrug.population,
                "names": _names(okrug),
                "district": {"code": district.code, "kato": district.kato,
                             "names": _names(district)},
                "region": {"code": region.code, "kato": region.kato, "names": _names(region)},
            }
        )
    files["okrugs.json"] = pretty(okrugs)
    contest_codes = [c.code for c in contest_rows]
    candidate_rows = list(
        session.scalars(
            select(CandidateRow)
            .where(CandidateRow.contest.in_(contest_codes))
            .order_by(CandidateRow.contest, CandidateRow.code)
        )
    )
    decisions: dict[str, NominationDecisionRow] = {}
    for decided in session.scalars(
        select(NominationDecisionRow)
        .join(CandidateRow, CandidateRow.code == NominationDecisionRow.candidate)
        .where(CandidateRow.contest.in_(contest_codes))
        .order_by(NominationDecisionRow.id)
    ):
        decisions[decided.candidate] = decided  # the newest decision is the one in force
    candidates = []
    for cand in candidate_rows:
        decision = decisions.get(cand.code)
        candidates.append(
            {
                "code": cand.code,
                "contest": cand.contest,
                "name": cand.name,
                "party": cand.party,
                "sex": cand.sex,
                "incumbent": cand.incumbent,
                "former_akim": cand.former_akim,
                "decision": decision.decision if decision else None,
                "decision_id": decision.id if decision else None,
            }
        )
    files["candidates.json"] = pretty(candidates)
    all_votes: dict[int, dict[str, int]] = {}
    for vote in session.scalars(
        select(ProtocolVoteRow)
        .join(ProtocolRow, ProtocolRow.id == ProtocolVoteRow.protocol)
        .where(ProtocolRow.election == election)
    ):
        all_votes.setdefault(vote.protocol, {})[vote.candidate] = vote.votes
    for version in session.scalars(
        select(ProtocolRow)
        .where(ProtocolRow.election == election)
        .order_by(ProtocolRow.station, ProtocolRow.version)
    ):
        votes = all_votes.get(version.id, {})
        files[f"protocols/{version.station}/v{version.version}.json"] = pretty(
            {
                "election": version.election,
                "station": version.station,
                "version": version.version,
                "values": signatures.protocol_values(version, votes),
                "correction_reason": version.correction_reason,
                "entered_at": timestamp(version.entered_at),
                "signature": _signature(version.signed_by, version.signature),
                "commission_signature": _signature(
                    version.commission_key, version.commission_signature
                ),
            }
        )
    by_okrug = {r.okrug: r for r in results_service.okrug_results(session, election)}
    draws: dict[str, list[LotDrawRow]] = {}
    for draw in session.scalars(
        select(LotDrawRow).where(LotDrawRow.contest.in_(contest_codes)).order_by(LotDrawRow.id)
    ):
        draws.setdefault(draw.contest, []).append(draw)
    certified: dict[str, list[CertificationRow]] = {}
    for cert in session.scalars(
        select(CertificationRow)
        .where(CertificationRow.contest.in_(contest_codes))
        .order_by(CertificationRow.id)
    ):
        certified.setdefault(cert.contest, []).append(cert)
    for contest in contest_rows:
        files[f"results/{contest.okrug}.json"] = pretty(
            _result_file(
                election,
                contest.okrug,
                contest.code,
                by_okrug.get(contest.okrug),
                draws.get(contest.code, []),
                certified.get(contest.code, []),
            )
        )
    files["results/levels.json"] = pretty(
        {
            level.value: {t.unit: totals_dict(t) for t in tabulate(session, election, level)}
            for level in (Level.DISTRICT, Level.REGION, Level.REPUBLIC)
        }
    )
    return files


def totals_dict(totals: Totals) -> dict[str, Any]:
    """A unit's totals as published."""
    return {
        "stations_expected": totals.stations_expected,
        "stations_reported": totals.stations_reported,
        "voters_on_list": totals.voters_on_list,
        "ballots_received": totals.ballots_received,
        "ballots_issued": totals.ballots_issued,
        "ballots_cancelled": totals.ballots_cancelled,
        "ballots_in_boxes": totals.ballots_in_boxes,
        "invalid": totals.invalid,
        "against_all": totals.against_all,
        "votes": dict(sorted(totals.votes.items())),
    }


def _result_file(
    election: str,
    okrug: str,
    contest: str,
    result: results_service.OkrugResult | None,
    draws: list[LotDrawRow],
    certifications: list[CertificationRow],
) -> dict[str, Any]:
    body: dict[str, Any] = {"election": election, "okrug": okrug, "contest": contest}
    if result is not None:
        totals = result.totals
        body["totals"] = totals_dict(totals)
        body["totals"]["votes"] = {c: totals.votes.get(c, 0) for c in result.candidates}
        outcome = result.outcome
        body["outcome"] = {
            "kind": results_service.outcome_kind(outcome),
            "winner": getattr(outcome, "candidate", None),
            "rules": [step.rule for step in outcome.trace] if outcome is not None else [],
        }
    body["lot_draws"] = [
        {
            "id": d.id,
            "tied": json.loads(d.tied),
            "winner": d.winner,
            "drawn_by": d.drawn_by,
            "drawn_at": timestamp(d.drawn_at),
            "witnesses": json.loads(d.witnesses),
        }
        for d in draws
    ]
    body["certifications"] = [
        {
            "id": c.id,
            "outcome": c.outcome,
            "winner": c.winner,
            "record": json.loads(c.record),
            "sha256": c.sha256,
            "certified_by": c.certified_by,
            "certified_at": timestamp(c.certified_at),
            "signature": _signature(c.signed_by, c.signature),
        }
        for c in certifications
    ]
    return body


def audit_lines(session: Session) -> bytes:
    """``audit.jsonl``: every entry of the log as the canonical bytes its hash covers."""
    out = bytearray()
    for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
        out += audit.stored_entry_bytes(row)
        out += b"\n"
    return bytes(out)


def key_list(session: Session) -> list[dict[str, Any]]:
    """``keys.json``: every public key of the record (server, elections, commissions)."""
    return [
        {
            "fingerprint": k.fingerprint,
            "kind": k.kind,
            "owner": k.owner,
            "algorithm": "ed25519",
            "public_key": k.public_key,
            "created_at": encode_value(k.created_at),
            "revoked_at": encode_value(k.revoked_at),
        }
        for k in keys.key_rows(session)
    ]


def publish(service: Saylau, folder: Path, election: str, *, attempts: int = 5) -> Publication:
    """Write the public record of ``election`` into ``folder`` (created; files replaced).

    The files are one consistent state: if the log grew while they were read, they are read
    again (up to ``attempts`` times)."""
    for _ in range(attempts - 1):
        files, checkpoint = _read_publication(service, election)
        with service.session() as session:
            if audit.latest_checkpoint(session) == checkpoint:
                break
    else:
        files, checkpoint = _read_publication(service, election)
    write_files(folder, files)
    return Publication(
        folder, {path: sha256_hex(data) for path, data in files.items()}, checkpoint
    )


def _read_publication(service: Saylau, election: str) -> tuple[dict[str, bytes], dict[str, Any]]:
    with _snapshot(service) as session:
        problems = verify_database(session)
        if problems:
            raise PublishError("P.102", problems, count=len(problems))
        checkpoint = audit.latest_checkpoint(session)
        if checkpoint is None:
            raise PublishError("P.103", election=election)
        try:
            files = build(session, election)
        except AdminError as exc:
            raise PublishError("P.101", election=election) from exc
        files["audit.jsonl"] = audit_lines(session)
        key_rows = key_list(session)
        files["keys.json"] = pretty(key_rows)
        files["checkpoint.json"] = pretty(checkpoint)
        election_key = signatures.election_key_row(session, election)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "election": election,
            "checkpoint": {"seq": checkpoint["seq"], "head": checkpoint["head"]},
            "keys": sorted(k["fingerprint"] for k in key_rows),
            "files": [
                {"path": path, "sha256": sha256_hex(data), "bytes": len(data)}
                for path, data in sorted(files.items())
            ],
        }
        if election_key is None:
            raise PublishError("P.104", election=election)
        manifest["signature"] = {
            "key": election_key.fingerprint,
            "value": keys.sign(
                session, election_key.fingerprint, signing_input("manifest", manifest)
            ),
        }
        files["manifest.json"] = pretty(manifest)
    return files, checkpoint


def write_files(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` under ``folder``; a file of an earlier publication that is no longer
    part of the record (``protocols/``, ``results/``) is removed."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("protocols", "results"):
        base = folder / sub
        if base.exists():
            for old in sorted(base.rglob("*.json")):
                if old.relative_to(folder).as_posix() not in files:
                    old.unlink()
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
