"""Steps that move an okrug's calendar: extending nomination when fewer than two candidates
stand (K.010), and a candidate's withdrawal on written application (K.011, art. 113-6).

Both are recorded by the territorial commission as rows of ``election_step`` with their
audit entry, in the same transaction. A withdrawal cancels the registration: the candidate
is no longer among the registered, but stays on ballots printed before it (the commission
says whether they were), and the marks for them are counted as the law version's
``withdrawn_votes`` says (P.110, W.009). If the withdrawal leaves fewer than two candidates,
the extension rules apply again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration.access import Permission, require
from saylau.administration.errors import AdminError
from saylau.administration.lawctx import election_row, findings_details, law_for
from saylau.administration.setup import contest_code, ground_of, setup_of
from saylau.law.calendar import (
    ALMATY,
    CalendarEvent,
    CalendarEventCode,
    Extension,
    check_extension,
    check_withdrawal,
    contest_calendar,
    election_calendar,
    event,
    extension_base,
    nomination_window,
)
from saylau.law.catalogue import LawVersion
from saylau.security.actor import Actor
from saylau.store import audit
from saylau.store.schema import CandidateRow, ContestRow, ElectionStepRow

EXTENSION = "extension"
WITHDRAWAL = "withdrawal"


def aware(value: dt.datetime) -> dt.datetime:
    """A stored moment as an aware datetime in Asia/Almaty (SQLite keeps no offset: UTC)."""
    stored = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return stored.astimezone(ZoneInfo(ALMATY))


def _steps(session: Session, contests: Sequence[str], kind: str) -> list[ElectionStepRow]:
    if not contests:
        return []
    return list(
        session.scalars(
            select(ElectionStepRow)
            .where(ElectionStepRow.contest.in_(list(contests)), ElectionStepRow.kind == kind)
            .order_by(ElectionStepRow.taken_at, ElectionStepRow.id)
        )
    )


def withdrawals(session: Session, contests: Sequence[str]) -> dict[str, list[ElectionStepRow]]:
    """The withdrawals of each contest, oldest first."""
    out: dict[str, list[ElectionStepRow]] = {}
    for row in _steps(session, contests, WITHDRAWAL):
        out.setdefault(row.contest, []).append(row)
    return out


def withdrawn_on_ballot(session: Session, contests: Sequence[str]) -> dict[str, list[str]]:
    """Per contest, the candidates who withdrew after the ballots were printed (still on the
    ballot, their marks counted as ``withdrawn_votes`` says)."""
    out: dict[str, list[str]] = {}
    for contest, rows in withdrawals(session, contests).items():
        names = sorted(r.candidate for r in rows if r.ballots_printed and r.candidate)
        if names:
            out[contest] = names
    return out


def withdrawn_codes(session: Session) -> frozenset[str]:
    """Every candidate who withdrew (any election)."""
    return frozenset(
        code
        for code in session.scalars(
            select(ElectionStepRow.candidate).where(
                ElectionStepRow.kind == WITHDRAWAL, ElectionStepRow.candidate.is_not(None)
            )
        )
        if code is not None
    )


def extension_of(session: Session, contest: str) -> ElectionStepRow | None:
    """The recorded extension of nomination of ``contest``, if any."""
    found = _steps(session, [contest], EXTENSION)
    return found[0] if found else None


def base_calendar(session: Session, election: str) -> tuple[list[CalendarEvent], LawVersion]:
    """The election's calendar (its ground and call included) and its law version."""
    row = election_row(session, election)
    law = law_for(session, election)
    setup = setup_of(session, election)
    events = election_calendar(row.date, law, called_on=setup.called_on, ground=ground_of(setup))
    return events, law


def _extension(
    events: list[CalendarEvent],
    law: LawVersion,
    step: ElectionStepRow | None,
    withdrawal_at: dt.datetime | None,
) -> Extension | None:
    if step is None or step.days is None:
        return None
    return Extension(step.days, extension_base(events, law, withdrawal_at))


def _late_withdrawal(
    events: list[CalendarEvent], rows: list[ElectionStepRow], before: dt.datetime | None = None
) -> dt.datetime | None:
    """The last withdrawal after nomination closed (and before ``before``), if any."""
    closes = event(events, CalendarEventCode.NOMINATION).deadline
    assert isinstance(closes, dt.datetime)
    late = [
        aware(r.taken_at)
        for r in rows
        if aware(r.taken_at) >= closes and (before is None or aware(r.taken_at) <= before)
    ]
    return late[-1] if late else None


def contest_extension(session: Session, election: str, okrug: str) -> Extension | None:
    """The extension of nomination in force in ``okrug`` (K.010), if one was recorded."""
    events, law = base_calendar(session, election)
    contest = contest_code(election, okrug)
    step = extension_of(session, contest)
    if step is None:
        return None
    rows = withdrawals(session, [contest]).get(contest, [])
    return _extension(events, law, step, _late_withdrawal(events, rows, aware(step.taken_at)))


def okrug_calendar(session: Session, election: str, okrug: str) -> list[CalendarEvent]:
    """The calendar of one okrug: the election's, with its extension of nomination applied."""
    events, law = base_calendar(session, election)
    return contest_calendar(events, law, contest_extension(session, election, okrug))


def _contest(session: Session, election: str, okrug: str) -> ContestRow:
    contest = session.get(ContestRow, contest_code(election, okrug))
    if contest is None:
        raise AdminError("N.001", "okrug", okrug=okrug, election=election)
    return contest


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise AdminError("T.005", field)
    return value


def _standing(session: Session, contest: str, at: dt.datetime | None = None) -> list[str]:
    """Registered candidates of ``contest`` who have not withdrawn (by ``at``, if given)."""
    from saylau.administration.nominations import registered_by_contest

    standing = registered_by_contest(session, [contest], include_withdrawn=True).get(contest, [])
    gone = {
        r.candidate
        for r in withdrawals(session, [contest]).get(contest, [])
        if at is None or aware(r.taken_at) <= at
    }
    return [c for c in standing if c not in gone]


def extend_nomination(
    session: Session,
    actor: Actor,
    *,
    election: str,
    okrug: str,
    days: int,
    decided_at: dt.datetime,
    document: str | None = None,
    lang: str = "en",
) -> int:
    """Record the commission's extension of nomination in ``okrug`` by ``days`` (K.010).

    Refused (S.006, with the rule, its window and source) unless nomination has closed,
    fewer than ``min_candidates_at_close`` candidates stand, the okrug has no extension yet
    and the days lie within ``nomination_extension_max_days`` — and the registration it
    leads to still ends before the campaign does.
    """
    contest = _contest(session, election, okrug)
    require(session, actor, Permission.NOMINATE, okrug)
    decided_at = _aware(decided_at, "decided_at")
    events, law = base_calendar(session, election)
    rows = withdrawals(session, [contest.code]).get(contest.code, [])
    findings, extension = check_extension(
        events,
        law,
        okrug=okrug,
        candidates=len(_standing(session, contest.code, decided_at)),
        days=days,
        decided_at=decided_at,
        already_extended=extension_of(session, contest.code) is not None,
        withdrawal_at=_late_withdrawal(events, rows, decided_at),
    )
    if findings or extension is None:
        raise AdminError(
            "S.006", "days", details=findings_details(findings, lang), count=len(findings)
        )
    row = ElectionStepRow(
        election=election,
        contest=contest.code,
        candidate=None,
        kind=EXTENSION,
        taken_at=decided_at.astimezone(dt.UTC),
        days=days,
        ballots_printed=None,
        document=document,
        recorded_by=actor.name,
        recorded_at=dt.datetime.now(dt.UTC),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="nomination.extend",
        entity="contest",
        entity_id=contest.code,
        payload={
            "step": row.id,
            "days": days,
            "decided_at": decided_at.isoformat(),
            "from": extension.base.isoformat(),
            "until": extension.until.isoformat(),
            "document": document,
            "law": law.code,
        },
    )
    return row.id


def withdraw(
    session: Session,
    actor: Actor,
    *,
    candidate: str,
    applied_at: dt.datetime,
    ballots_printed: bool,
    document: str | None = None,
    lang: str = "en",
) -> int:
    """Record a candidate's withdrawal on written application; the registration is cancelled
    (art. 113-6 para 1). Refused (S.007, with the rule and its window) for a candidate who is
    not registered or has withdrawn, or an application outside the window (K.011)."""
    row = session.get(CandidateRow, candidate)
    if row is None:
        raise AdminError("N.003", "candidate", value=candidate)
    contest = session.get(ContestRow, row.contest)
    assert contest is not None
    require(session, actor, Permission.NOMINATE, contest.okrug)
    applied_at = _aware(applied_at, "applied_at")
    from saylau.administration.nominations import REGISTERED, first_nominated_at, latest_decision

    decision = latest_decision(session, candidate)
    election = election_row(session, contest.election)
    law = law_for(session, contest.election)
    nominated_at = first_nominated_at(session, candidate)
    findings = check_withdrawal(
        election.date,
        law,
        candidate=candidate,
        applied_at=applied_at,
        nominated_at=nominated_at,
        registered=decision is not None and decision.decision == REGISTERED,
        withdrawn=candidate in withdrawn_codes(session),
    )
    if findings:
        raise AdminError(
            "S.007", "applied_at", details=findings_details(findings, lang), count=len(findings)
        )
    step = ElectionStepRow(
        election=contest.election,
        contest=contest.code,
        candidate=candidate,
        kind=WITHDRAWAL,
        taken_at=applied_at.astimezone(dt.UTC),
        days=None,
        ballots_printed=ballots_printed,
        document=document,
        recorded_by=actor.name,
        recorded_at=dt.datetime.now(dt.UTC),
    )
    session.add(step)
    session.flush()
    standing = _standing(session, contest.code)
    audit.record(
        session,
        actor=actor,
        action="candidate.withdraw",
        entity="candidate",
        entity_id=candidate,
        payload={
            "step": step.id,
            "applied_at": applied_at.isoformat(),
            "ballots_printed": ballots_printed,
            "document": document,
            "registration_cancelled": True,
            "candidates_standing": len(standing),
            "law": law.code,
        },
    )
    return step.id


class OkrugState(StrEnum):
    """Where an okrug stands with its candidates."""

    NOMINATION_OPEN = "nomination_open"
    ENOUGH = "enough"
    TOO_FEW = "too_few"
    EXTENDED = "extended"


@dataclass(frozen=True)
class OkrugStanding:
    """An okrug's candidates against the law's minimum, and its extension if any."""

    okrug: str
    standing: tuple[str, ...]
    withdrawn: tuple[str, ...]
    state: OkrugState
    minimum: int
    max_days: int
    extension: Extension | None
    nomination_closes: dt.datetime


def standings(
    session: Session, election: str, at: dt.datetime | None = None
) -> list[OkrugStanding]:
    """Every okrug of ``election`` with its candidates standing, at ``at`` (now by default):
    nomination still open, enough candidates, too few (an extension of up to
    ``nomination_extension_max_days`` is available, K.010) or extended."""
    from saylau.administration.nominations import registered_by_contest
    from saylau.administration.setup import contests

    now = at or dt.datetime.now(dt.UTC)
    events, law = base_calendar(session, election)
    rows = contests(session, election)
    codes = [c.code for c in rows]
    # a handful of queries for the whole election, not a few per okrug
    gone = withdrawals(session, codes)
    registered = registered_by_contest(session, codes, include_withdrawn=True)
    extensions = {row.contest: row for row in reversed(_steps(session, codes, EXTENSION))}
    minimum = law.integer("min_candidates_at_close")
    out: list[OkrugStanding] = []
    for contest in rows:
        left = {r.candidate for r in gone.get(contest.code, [])}
        standing = tuple(c for c in registered.get(contest.code, []) if c not in left)
        step = extensions.get(contest.code)
        extension = (
            _extension(
                events,
                law,
                step,
                _late_withdrawal(events, gone.get(contest.code, []), aware(step.taken_at)),
            )
            if step
            else None
        )
        _, closes = nomination_window(contest_calendar(events, law, extension))
        if extension is not None:
            state = OkrugState.EXTENDED
        elif now < closes:
            state = OkrugState.NOMINATION_OPEN
        elif len(standing) < minimum:
            state = OkrugState.TOO_FEW
        else:
            state = OkrugState.ENOUGH
        out.append(
            OkrugStanding(
                okrug=contest.okrug,
                standing=standing,
                withdrawn=tuple(r.candidate for r in gone.get(contest.code, []) if r.candidate),
                state=state,
                minimum=minimum,
                max_days=law.integer("nomination_extension_max_days"),
                extension=extension,
                nomination_closes=closes,
            )
        )
    return out

