"""Outcomes of okrugs: tabulated totals, the law's winner rules, lots, certification.

saylau never draws lots: a tie stops with ``lots required`` and the standings, and the
commission's physical draw is recorded as input (who drew, when, witnesses).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration.access import Permission, require
from saylau.administration.errors import AdminError
from saylau.administration.lawctx import election_row, law_for
from saylau.administration.nominations import registered_by_contest
from saylau.administration.setup import contest_code, setup_of
from saylau.administration.steps import withdrawn_on_ballot
from saylau.domain import HOME_VOTING_FIELDS
from saylau.law.calendar import ALMATY
from saylau.law.catalogue import LawError
from saylau.law.winner import (
    Elected,
    LotDraw,
    LotsRequired,
    NoCandidates,
    OkrugTotals,
    Outcome,
    RepeatElection,
    determine_winner,
)
from saylau.security.actor import Actor
from saylau.store import audit, signatures
from saylau.store.audit import canonical_json
from saylau.store.schema import CandidateRow, CertificationRow, ContestRow, LotDrawRow, OkrugRow
from saylau.tabulate.aggregate import Level, Totals, tabulate


@dataclass(frozen=True)
class OkrugResult:
    """An okrug's totals and the outcome the law gives them."""

    election: str
    okrug: str
    totals: Totals
    candidates: tuple[str, ...]
    outcome: Outcome | None  # None while stations are still missing
    law_version: str
    stale_draw: LotDraw | None = None  # a recorded draw the current count no longer calls for
    withdrawn: tuple[str, ...] = ()  # withdrew after the ballots were printed (on the ballot)


def _contest(session: Session, election: str, okrug: str) -> ContestRow:
    contest = session.get(ContestRow, contest_code(election, okrug))
    if contest is None:
        raise AdminError("T.001", "okrug", okrug=okrug, election=election)
    return contest


def _draw(session: Session, contest: str) -> LotDraw | None:
    row = session.scalars(
        select(LotDrawRow)
        .where(LotDrawRow.contest == contest)
        .order_by(LotDrawRow.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    # Stored in UTC (SQLite keeps no offset); shown in the commissions' zone on every backend.
    stored = row.drawn_at if row.drawn_at.tzinfo else row.drawn_at.replace(tzinfo=dt.UTC)
    drawn_at = stored.astimezone(ZoneInfo(ALMATY))
    return LotDraw(
        tied=tuple(json.loads(row.tied)),
        winner=row.winner,
        drawn_by=row.drawn_by,
        drawn_at=drawn_at,
        witnesses=tuple(json.loads(row.witnesses)),
    )


def okrug_results(
    session: Session, election: str, *, provisional: bool = False
) -> list[OkrugResult]:
    """Every okrug of ``election`` with its totals and, once complete, its outcome.

    With ``provisional`` the outcome is computed from the stations reported so far.
    """
    election_row(session, election)
    law = law_for(session, election)
    out: list[OkrugResult] = []
    all_totals = tabulate(session, election, Level.OKRUG)
    codes = [contest_code(election, t.unit) for t in all_totals]
    registered = registered_by_contest(session, codes)
    on_ballot = withdrawn_on_ballot(session, codes)
    for totals in all_totals:
        contest = _contest(session, election, totals.unit)
        candidates = tuple(registered.get(contest.code, []))
        outcome: Outcome | None = None
        if totals.complete or provisional:
            votes = {c: totals.votes.get(c, 0) for c in candidates}
            withdrawn = {c: totals.votes.get(c, 0) for c in on_ballot.get(contest.code, [])}
            against = totals.against_all if law.against_all_on_ballot else None
            if law.against_all_on_ballot and against is None:
                against = 0
            okrug_totals = OkrugTotals(
                votes, against, totals.voters_on_list, totals.ballots_in_boxes, withdrawn
            )
            draw = _draw(session, contest.code)
            try:
                outcome = determine_winner(okrug_totals, law, lot_draw=draw)
            except LawError:
                # A draw recorded for a tie that a later correction removed (or changed) no
                # longer applies: the count decides again, and only this okrug shows it.
                outcome = determine_winner(okrug_totals, law)
                stale = draw
            else:
                stale = None
        else:
            stale = None
        out.append(
            OkrugResult(
                election,
                totals.unit,
                totals,
                candidates,
                outcome,
                law.code,
                stale,
                tuple(on_ballot.get(contest.code, [])),
            )
        )
    return out


def okrug_result(
    session: Session, election: str, okrug: str, *, provisional: bool = False
) -> OkrugResult:
    """One okrug's result (see :func:`okrug_results`)."""
    _contest(session, election, okrug)
    for result in okrug_results(session, election, provisional=provisional):
        if result.okrug == okrug:
            return result
    raise AdminError("T.001", "okrug", okrug=okrug, election=election)


def record_lot_draw(
    session: Session,
    actor: Actor,
    *,
    election: str,
    okrug: str,
    winner: str,
    drawn_by: str,
    drawn_at: dt.datetime,
    witnesses: list[str],
) -> int:
    """Record the commission's physical draw of lots for a tied okrug."""
    contest = _contest(session, election, okrug)
    require(session, actor, Permission.CERTIFY, okrug)
    result = okrug_result(session, election, okrug)
    if not isinstance(result.outcome, LotsRequired):
        raise AdminError("T.003", "okrug", okrug=okrug)
    if winner not in result.outcome.tied:
        raise AdminError("T.004", "winner", value=winner, tied=", ".join(result.outcome.tied))
    if drawn_at.tzinfo is None:
        raise AdminError("T.005", "drawn_at")
    if not witnesses:
        raise AdminError("T.006", "witnesses")
    row = LotDrawRow(
        contest=contest.code,
        winner=winner,
        tied=json.dumps(result.outcome.tied),
        drawn_by=drawn_by,
        drawn_at=drawn_at.astimezone(dt.UTC),
        witnesses=json.dumps(witnesses),
        recorded_by=actor.name,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="lots.record",
        entity="contest",
        entity_id=contest.code,
        payload={
            "tied": list(result.outcome.tied),
            "winner": winner,
            "drawn_by": drawn_by,
            "drawn_at": drawn_at.isoformat(),
            "witnesses": witnesses,
        },
    )
    return row.id


def outcome_kind(outcome: Outcome | None) -> str:
    """A stable word for the outcome: elected, lots_required, repeat_election, ..."""
    match outcome:
        case None:
            return "incomplete"
        case Elected():
            return "elected"
        case LotsRequired():
            return "lots_required"
        case RepeatElection():
            return "repeat_election"
        case NoCandidates():
            return "no_candidates"


def result_record(session: Session, result: OkrugResult) -> dict[str, object]:
    """The data an okrug commission certifies, as a canonical mapping (fingerprinted)."""
    okrug = session.get(OkrugRow, result.okrug)
    assert okrug is not None
    names = {
        c.code: c.name
        for c in session.scalars(
            select(CandidateRow).where(
                CandidateRow.code.in_([*result.candidates, *result.withdrawn])
            )
        )
    }
    rows = {
        c.code: c
        for c in session.scalars(
            select(CandidateRow).where(CandidateRow.code.in_(result.candidates))
        )
    }
    parties = {code: row.party for code, row in rows.items()}
    totals = result.totals
    outcome = result.outcome
    record: dict[str, object] = {
        "election": result.election,
        "law_version": result.law_version,
        "okrug": result.okrug,
        "okrug_names": {"kk": okrug.name_kk, "ru": okrug.name_ru, "en": okrug.name_en},
        "stations_expected": totals.stations_expected,
        "stations_reported": totals.stations_reported,
        "voters_on_list": totals.voters_on_list,
        "ballots_received": totals.ballots_received,
        "ballots_issued": totals.ballots_issued,
        "ballots_cancelled": totals.ballots_cancelled,
        "ballots_in_boxes": totals.ballots_in_boxes,
        "invalid": totals.invalid,
        "against_all": totals.against_all,
        "candidates": [
            {
                "code": c,
                "name": names.get(c, c),
                "party": parties.get(c),
                "votes": totals.votes.get(c, 0),
                # only when so: records of party and self-nominees keep their fingerprints
                **(
                    {"nominated_by": "higher_akim"}
                    if c in rows and rows[c].nominated_by == "higher_akim"
                    else {}
                ),
            }
            for c in result.candidates
        ],
        "outcome": outcome_kind(outcome),
        "winner": outcome.candidate if isinstance(outcome, Elected) else None,
        "trace": [step.rule for step in outcome.trace] if outcome is not None else [],
    }
    if isinstance(outcome, Elected) and outcome.lot_draw is not None:
        draw = outcome.lot_draw
        record["lot_draw"] = {
            "tied": list(draw.tied),
            "winner": draw.winner,
            "drawn_by": draw.drawn_by,
            "drawn_at": draw.drawn_at.isoformat(),
            "witnesses": list(draw.witnesses),
        }
    if result.stale_draw is not None:
        record["stale_lot_draw"] = {
            "tied": list(result.stale_draw.tied),
            "winner": result.stale_draw.winner,
            "drawn_at": result.stale_draw.drawn_at.isoformat(),
        }
    if totals.stations_with_split:
        record["home_voting"] = {
            "stations_with_split": totals.stations_with_split,
            **{name: getattr(totals, name) for name in HOME_VOTING_FIELDS},
        }
    if result.withdrawn:
        record["withdrawn"] = [
            {"code": c, "name": names.get(c, c), "marks": totals.votes.get(c, 0)}
            for c in result.withdrawn
        ]
    if isinstance(outcome, RepeatElection):
        record["repeat"] = {
            "reason": outcome.reason.value,
            "pool": outcome.pool.value,
            "excluded": list(outcome.excluded),
        }
    return record


def fingerprint(record: dict[str, object]) -> str:
    """SHA-256 of the record's canonical JSON (what the printed protocol carries)."""
    return hashlib.sha256(canonical_json(record).encode("utf-8")).hexdigest()


def certify(session: Session, actor: Actor, election: str, okrug: str) -> CertificationRow:
    """Certify an okrug's result once every station has reported and no tie is open."""
    setup = setup_of(session, election)
    contest = _contest(session, election, okrug)
    require(session, actor, Permission.CERTIFY, okrug)
    del setup
    result = okrug_result(session, election, okrug)
    if result.outcome is None:
        raise AdminError(
            "T.007",
            "okrug",
            okrug=okrug,
            reported=result.totals.stations_reported,
            expected=result.totals.stations_expected,
        )
    if isinstance(result.outcome, LotsRequired):
        raise AdminError("T.008", "okrug", okrug=okrug, tied=", ".join(result.outcome.tied))
    record = result_record(session, result)
    digest = fingerprint(record)
    row = CertificationRow(
        contest=contest.code,
        outcome=str(record["outcome"]),
        winner=record["winner"],
        record=canonical_json(record),  # type: ignore[arg-type]
        sha256=digest,
        # Public: the commission the account acts for, never the account itself.
        certified_by=audit.public_actor(session, actor)[0],
        certified_at=dt.datetime.now(dt.UTC),
    )
    signatures.sign_certification(session, row, election)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="result.certify",
        entity="contest",
        entity_id=contest.code,
        payload={"sha256": digest, "outcome": record["outcome"], "winner": record["winner"]},
    )
    return row


def certification(session: Session, election: str, okrug: str) -> CertificationRow | None:
    """The newest certification of an okrug's result, if any."""
    return session.scalars(
        select(CertificationRow)
        .where(CertificationRow.contest == contest_code(election, okrug))
        .order_by(CertificationRow.id.desc())
        .limit(1)
    ).first()


def party_short_names(session: Session, day: dt.date, lang: str) -> dict[str, str]:
    """Short party names in force on ``day`` (e.g. Nur Otan in 2021, AMANAT from 2022)."""
    from saylau.store.schema import PartyNameRow

    out: dict[str, str] = {}
    for row in session.scalars(select(PartyNameRow)):
        if (row.valid_from is None or row.valid_from <= day) and (
            row.valid_to is None or day <= row.valid_to
        ):
            out[row.party] = {"kk": row.short_kk, "ru": row.short_ru, "en": row.short_en}[lang]
    return out


def candidate_labels(
    session: Session, election: str, codes: tuple[str, ...] | list[str], lang: str
) -> dict[str, str]:
    """``Name (party)`` for each candidate code, for texts a person reads."""
    from saylau.i18n import t

    day = election_row(session, election).date
    parties = party_short_names(session, day, lang)
    labels: dict[str, str] = {}
    for row in session.scalars(select(CandidateRow).where(CandidateRow.code.in_(list(codes)))):
        if row.nominated_by == "higher_akim":
            party = t("fp.higher_akim", lang)
        else:
            party = parties.get(row.party, row.party) if row.party else t("fp.self", lang)
        labels[row.code] = f"{row.name} ({party})"
    return labels


def with_names(text: str, labels: dict[str, str]) -> str:
    """Replace candidate codes in ``text`` by their labels (whole codes only)."""
    import re

    for code in sorted(labels, key=len, reverse=True):
        text = re.sub(
            rf"(?<![A-Za-z0-9._:-]){re.escape(code)}(?![A-Za-z0-9._-]|:[A-Za-z0-9])",
            lambda _m, c=code: labels[c],
            text,
        )
    return text
