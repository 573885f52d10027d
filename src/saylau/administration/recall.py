"""Recall and vacancies: the village council's request, the maslikhat's decision, early
termination of an akim's powers, and the by-election that follows.

The seed paper describes the mechanism: the village council (Ауыл кеңесі) can raise with the
local maslikhat the question of removing an akim who does not perform. The article of law that
governs removal of a directly elected rural akim was not found in the sources at hand, so the
steps are recorded as facts with their documents and the legal reference is marked
**unconfirmed**; the order of the steps is the only rule enforced.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration.access import Permission, require
from saylau.administration.errors import AdminError
from saylau.security.actor import Actor
from saylau.store import audit
from saylau.store.schema import CandidateRow, ElectionRow, OkrugRow, RecallStepRow

LEGAL_BASIS = (
    "Seed paper (village council may ask the maslikhat to remove the akim); "
    "article of law unconfirmed"
)


class Step(StrEnum):
    """Recorded steps, in the order they can happen."""

    COUNCIL_REQUEST = "council_request"
    MASLIKHAT_DECISION = "maslikhat_decision"
    EARLY_TERMINATION = "early_termination"
    BY_ELECTION_CALLED = "by_election_called"


class Outcome(StrEnum):
    """Outcomes of a maslikhat decision, and grounds of early termination."""

    REMOVED = "removed"
    REJECTED = "rejected"
    RESIGNATION = "resignation"
    DEATH = "death"
    OTHER = "other"


def steps(session: Session, okrug: str) -> list[RecallStepRow]:
    """Recorded steps of ``okrug`` in date order."""
    return list(
        session.scalars(
            select(RecallStepRow)
            .where(RecallStepRow.okrug == okrug)
            .order_by(RecallStepRow.date, RecallStepRow.id)
        )
    )


def record_step(
    session: Session,
    actor: Actor,
    *,
    okrug: str,
    step: Step,
    date: dt.date,
    body: str,
    akim: str | None = None,
    document: str | None = None,
    outcome: Outcome | None = None,
    by_election: str | None = None,
) -> int:
    """Record one step; refuse a step whose predecessor is missing or dated later."""
    if session.get(OkrugRow, okrug) is None:
        raise AdminError("R.001", "okrug", value=okrug)
    require(session, actor, Permission.RECALL, okrug)
    if akim is not None and session.get(CandidateRow, akim) is None:
        raise AdminError("R.002", "akim", value=akim)
    history = steps(session, okrug)
    last = history[-1] if history else None
    if last is not None and date < last.date:
        raise AdminError("R.003", "date", value=date.isoformat(), last=last.date.isoformat())
    match step:
        case Step.COUNCIL_REQUEST:
            pass
        case Step.MASLIKHAT_DECISION:
            if last is None or last.step != Step.COUNCIL_REQUEST.value:
                raise AdminError(
                    "R.004", "step", step=step.value, required=Step.COUNCIL_REQUEST.value
                )
            if outcome not in (Outcome.REMOVED, Outcome.REJECTED):
                raise AdminError("R.005", "outcome", allowed="removed, rejected")
        case Step.EARLY_TERMINATION:
            if outcome is None or outcome is Outcome.REJECTED:
                raise AdminError("R.005", "outcome", allowed="removed, resignation, death, other")
            if outcome is Outcome.REMOVED and (
                last is None
                or last.step != Step.MASLIKHAT_DECISION.value
                or last.outcome != Outcome.REMOVED.value
            ):
                raise AdminError(
                    "R.004", "step", step=step.value, required=Step.MASLIKHAT_DECISION.value
                )
        case Step.BY_ELECTION_CALLED:
            if last is None or last.step != Step.EARLY_TERMINATION.value:
                raise AdminError(
                    "R.004", "step", step=step.value, required=Step.EARLY_TERMINATION.value
                )
            if by_election is None or session.get(ElectionRow, by_election) is None:
                raise AdminError("R.006", "by_election", value=by_election or "")
    row = RecallStepRow(
        okrug=okrug,
        akim=akim,
        step=step.value,
        date=date,
        body=body,
        document=document,
        outcome=outcome.value if outcome else None,
        by_election=by_election,
        recorded_by=actor.name,
        recorded_at=dt.datetime.now(dt.UTC),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"recall.{step.value}",
        entity="okrug",
        entity_id=okrug,
        payload={
            "step": step.value,
            "date": date.isoformat(),
            "body": body,
            "akim": akim,
            "document": document,
            "outcome": row.outcome,
            "by_election": by_election,
            "legal_basis": LEGAL_BASIS,
        },
    )
    return row.id
