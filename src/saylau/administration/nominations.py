"""Nomination and registration of candidates, checked against the law version's eligibility
rules; every decision is recorded, and can be re-decided on appeal with a trace.

A nomination is checked within the okrug's nomination period: from the day after the call
(when the call is recorded) until nomination closes or until the end of the okrug's
recorded extension (see :mod:`saylau.administration.steps`). A candidate who withdrew is no
longer registered."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saylau.administration.access import Permission, require
from saylau.administration.errors import AdminError
from saylau.administration.lawctx import election_row, findings_json, law_for, okrug_voters
from saylau.administration.setup import contest_code, setup_of
from saylau.datasets.reader import DatasetContent, Row
from saylau.law.catalogue import Finding
from saylau.law.eligibility import NominationFacts, check_nomination
from saylau.security.actor import Actor
from saylau.store import audit
from saylau.store.schema import (
    CandidateRow,
    ContestRow,
    ElectionStepRow,
    NominationDecisionRow,
)

REGISTERED = "registered"
REFUSED = "refused"
IMPORTED_FACTS = "{}"  # the facts of a decision imported from an export (not carried)
HIGHER_AKIM = "higher_akim"


def imported_facts(nominated_at: dt.datetime | None) -> str:
    """The stored facts of a decision imported from an export: none of the facts behind it
    (they are not exported), only when the nomination was submitted, if the file says."""
    if nominated_at is None:
        return IMPORTED_FACTS
    return json.dumps({"imported": True, "nominated_at": nominated_at.isoformat()}, sort_keys=True)


def is_imported(facts: str) -> bool:
    """Whether stored facts are those of an imported decision (see :func:`imported_facts`)."""
    return facts == IMPORTED_FACTS or json.loads(facts).get("imported") is True


def nominated_at_of(facts: str) -> dt.datetime | None:
    """When the nomination was submitted, from a decision's stored facts (None if unknown)."""
    value = json.loads(facts).get("nominated_at")
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class Decision:
    """The outcome of checking one nomination."""

    candidate: str
    decision: str
    findings: tuple[Finding, ...]
    decision_id: int


def _facts(row: Row, voters: int, higher_akim_nominees: int = 0) -> NominationFacts:
    nominated_at = row["nominated_at"]
    assert isinstance(nominated_at, dt.datetime)
    birth = row["birth_date"]
    assert isinstance(birth, dt.date)
    return NominationFacts(
        candidate=str(row["code"]),
        party=row["party"] if row["party"] else None,  # type: ignore[arg-type]
        citizen=bool(row["citizen"]),
        birth_date=birth,
        unexpunged_criminal_record=bool(row["criminal_record"]),
        corruption_offence=bool(row["corruption_offence"]),
        legally_incapable=bool(row["legally_incapable"]),
        civil_service_qualification_met=bool(row["qualified"]),
        signatures=int(row["signatures"] or 0),  # type: ignore[call-overload]
        voters_in_okrug=voters,
        deposit_paid=bool(row["deposit_paid"]),
        nominated_at=nominated_at,
        party_member=row["party_member"],  # type: ignore[arg-type]
        nominated_by=HIGHER_AKIM if row.get("nominated_by") == HIGHER_AKIM else None,
        higher_akim_nominees=higher_akim_nominees,
    )


def _facts_json(facts: NominationFacts) -> str:
    return json.dumps(
        {
            "party": facts.party,
            "citizen": facts.citizen,
            "birth_date": facts.birth_date.isoformat(),
            "unexpunged_criminal_record": facts.unexpunged_criminal_record,
            "corruption_offence": facts.corruption_offence,
            "legally_incapable": facts.legally_incapable,
            "civil_service_qualification_met": facts.civil_service_qualification_met,
            "signatures": facts.signatures,
            "voters_in_okrug": facts.voters_in_okrug,
            "deposit_paid": facts.deposit_paid,
            "nominated_at": facts.nominated_at.isoformat(),
            "party_member": facts.party_member,
            "resident_in_okrug": facts.resident_in_okrug,
            "nominated_by": facts.nominated_by,
            "higher_akim_nominees": facts.higher_akim_nominees,
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def _facts_from_json(candidate: str, text: str) -> NominationFacts:
    data = json.loads(text)
    return NominationFacts(
        candidate=candidate,
        party=data["party"],
        citizen=data["citizen"],
        birth_date=dt.date.fromisoformat(data["birth_date"]),
        unexpunged_criminal_record=data["unexpunged_criminal_record"],
        corruption_offence=data["corruption_offence"],
        legally_incapable=data["legally_incapable"],
        civil_service_qualification_met=data["civil_service_qualification_met"],
        signatures=data["signatures"],
        voters_in_okrug=data["voters_in_okrug"],
        deposit_paid=data["deposit_paid"],
        nominated_at=dt.datetime.fromisoformat(data["nominated_at"]),
        party_member=data["party_member"],
        resident_in_okrug=data["resident_in_okrug"],
        # Facts stored before nomination by the higher akim was modelled lack these keys.
        nominated_by=data.get("nominated_by"),
        higher_akim_nominees=data.get("higher_akim_nominees", 0),
    )


def _decide(
    session: Session,
    actor: Actor,
    election: str,
    facts: NominationFacts,
    appeal_of: int | None,
    reason: str | None,
) -> Decision:
    from saylau.administration.steps import contest_extension

    row = election_row(session, election)
    law = law_for(session, election)
    setup = setup_of(session, election)
    candidate = session.get(CandidateRow, facts.candidate)
    assert candidate is not None
    contest = session.get(ContestRow, candidate.contest)
    assert contest is not None
    findings = tuple(
        check_nomination(
            facts,
            law,
            row.date,
            called_on=setup.called_on,
            extension=contest_extension(session, election, contest.okrug),
        )
    )
    decision = REFUSED if any(f.blocks for f in findings) else REGISTERED
    record = NominationDecisionRow(
        candidate=facts.candidate,
        decision=decision,
        findings=findings_json(findings),
        facts=_facts_json(facts),
        decided_by=actor.name,
        decided_at=dt.datetime.now(dt.UTC),
        appeal_of=appeal_of,
        reason=reason,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="nomination.redecide" if appeal_of else "nomination.decide",
        entity="candidate",
        entity_id=facts.candidate,
        payload={
            "decision": decision,
            "findings": [f.code for f in findings],
            "appeal_of": appeal_of,
            "reason": reason,
            "law": law.code,
        },
    )
    return Decision(facts.candidate, decision, findings, record.id)


def nominate(
    session: Session, actor: Actor, election: str, content: DatasetContent
) -> list[Decision]:
    """Record every nomination of ``content`` and decide it by the eligibility rules."""
    decisions: list[Decision] = []
    for row in content.rows.get("candidates", []):
        okrug = str(row["okrug"])
        contest = session.get(ContestRow, contest_code(election, okrug))
        if contest is None:
            raise AdminError("N.001", "okrug", okrug=okrug, election=election)
        require(session, actor, Permission.NOMINATE, okrug)
        if session.get(CandidateRow, str(row["code"])) is not None:
            raise AdminError("N.002", "code", value=row["code"])
        by_higher_akim = row.get("nominated_by") == HIGHER_AKIM
        session.add(
            CandidateRow(
                code=row["code"],
                contest=contest.code,
                name=row["name"],
                party=row["party"],
                sex=row["sex"],
                birth_date=row["birth_date"],
                incumbent=row["incumbent"],
                former_akim=row["former_akim"],
                nominated_by=HIGHER_AKIM if by_higher_akim else None,
            )
        )
        session.flush()
        facts = _facts(
            row,
            okrug_voters(session, election, okrug),
            higher_akim_nominees(session, contest.code) if by_higher_akim else 0,
        )
        decisions.append(_decide(session, actor, election, facts, None, None))
    return decisions


def latest_decision(session: Session, candidate: str) -> NominationDecisionRow | None:
    """The decision in force for ``candidate``."""
    return session.scalars(
        select(NominationDecisionRow)
        .where(NominationDecisionRow.candidate == candidate)
        .order_by(NominationDecisionRow.id.desc())
        .limit(1)
    ).first()


def redecide(
    session: Session, actor: Actor, candidate: str, *, reason: str, corrections: dict[str, object]
) -> Decision:
    """Decide a nomination again (appeal), with corrected facts, citing the earlier decision."""
    row = session.get(CandidateRow, candidate)
    if row is None:
        raise AdminError("N.003", "candidate", value=candidate)
    contest = session.get(ContestRow, row.contest)
    assert contest is not None
    require(session, actor, Permission.NOMINATE, contest.okrug)
    if not reason.strip():
        raise AdminError("N.004", "reason")
    previous = latest_decision(session, candidate)
    assert previous is not None
    if is_imported(previous.facts):
        # Imported from an export of another database: the facts behind the decision are not
        # part of any export, so there is nothing to correct.
        raise AdminError("D.002", "candidate", value=candidate)
    if session.scalar(
        select(func.count(ElectionStepRow.id)).where(
            ElectionStepRow.candidate == candidate, ElectionStepRow.kind == "withdrawal"
        )
    ):
        raise AdminError("N.006", "candidate", value=candidate)
    facts = _facts_from_json(candidate, previous.facts)
    allowed = set(NominationFacts.__dataclass_fields__) - {
        "candidate",
        "voters_in_okrug",
        "higher_akim_nominees",
        "nominated_by",
    }
    unknown = sorted(set(corrections) - allowed)
    if unknown:
        raise AdminError(
            "N.005", "corrections", value=", ".join(unknown), allowed=", ".join(sorted(allowed))
        )
    facts = replace(facts, **corrections)  # type: ignore[arg-type]
    return _decide(session, actor, contest.election, facts, previous.id, reason)


def registered_candidates(session: Session, contest: str) -> list[str]:
    """Codes of the contest's candidates whose decision in force is 'registered' (and who
    have not withdrawn)."""
    return registered_by_contest(session, [contest]).get(contest, [])


def higher_akim_nominees(session: Session, contest: str) -> int:
    """Registered nominees of the higher akim in ``contest`` (for E.013)."""
    registered = set(registered_candidates(session, contest))
    return sum(
        1
        for code in session.scalars(
            select(CandidateRow.code).where(
                CandidateRow.contest == contest, CandidateRow.nominated_by == HIGHER_AKIM
            )
        )
        if code in registered
    )


def first_nominated_at(session: Session, candidate: str) -> dt.datetime | None:
    """When the nomination of ``candidate`` was submitted (from its first decision); None
    for a decision imported from a file that does not say."""
    first = session.scalars(
        select(NominationDecisionRow)
        .where(NominationDecisionRow.candidate == candidate)
        .order_by(NominationDecisionRow.id)
        .limit(1)
    ).first()
    assert first is not None
    return nominated_at_of(first.facts)


def registered_by_contest(
    session: Session, contests: list[str], *, include_withdrawn: bool = False
) -> dict[str, list[str]]:
    """Registered candidates of many contests in two queries (election-night pages need all).

    A candidate who withdrew (art. 113-6: the registration is cancelled) is left out unless
    ``include_withdrawn``."""
    latest = (
        select(
            NominationDecisionRow.candidate,
            func.max(NominationDecisionRow.id).label("id"),
        )
        .group_by(NominationDecisionRow.candidate)
        .subquery()
    )
    query = (
        select(CandidateRow.contest, CandidateRow.code)
        .join(latest, latest.c.candidate == CandidateRow.code)
        .join(NominationDecisionRow, NominationDecisionRow.id == latest.c.id)
        .where(CandidateRow.contest.in_(contests), NominationDecisionRow.decision == REGISTERED)
        .order_by(CandidateRow.contest, CandidateRow.code)
    )
    if not include_withdrawn:
        query = query.where(
            CandidateRow.code.not_in(
                select(ElectionStepRow.candidate).where(
                    ElectionStepRow.kind == "withdrawal", ElectionStepRow.candidate.is_not(None)
                )
            )
        )
    out: dict[str, list[str]] = {}
    for contest, code in session.execute(query):
        out.setdefault(contest, []).append(code)
    return out
