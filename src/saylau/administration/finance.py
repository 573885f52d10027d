"""Financing of akim elections from local budgets (Election law art. 33, quoted in the seed).

"Elections of akims of cities of district significance, villages, settlements and rural okrugs
are financed from the local budget through accounts of the local executive bodies opened for
these purposes; the territorial election commissions dispose of these funds." Amounts are
integers in tiyn (1 tenge = 100 tiyn).

Besides allocations (with the budget line they come from, e.g. the 2021 national budget line
of 4.7 bn KZT for the rural elections, or a local budget programme) and spending, the
commission records the campaign allowance each registered candidate receives from the
budget (220,000 KZT per rural candidate in 2021 is the documented example:
https://inbusiness.kz/ru/last/218-kandidatov-pretenduyut-na-posty-akimov-v-severo-kazahstanskoj-oblasti).
The report gives the cost per election, per registered candidate and per registered voter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saylau.administration.access import Permission, require
from saylau.administration.errors import AdminError
from saylau.administration.setup import setup_of
from saylau.security.actor import Actor
from saylau.store import audit
from saylau.store.schema import (
    BudgetRow,
    CampaignAllowanceRow,
    CommissionRow,
    ContestRow,
    ExpenditureRow,
    OkrugRow,
    StationRollRow,
)

LEGAL_BASIS = "Constitutional Law No. 2464 'On Elections', art. 33 (quoted in the seed paper)"


class Item(StrEnum):
    """Items of election spending."""

    BALLOTS = "ballots"
    COMMISSION_PAY = "commission_pay"
    PREMISES = "premises"
    EQUIPMENT = "equipment"
    TRANSPORT = "transport"
    COMMUNICATION = "communication"
    PUBLICITY = "publicity"
    OTHER = "other"


def tenge(tiyn: int) -> str:
    """An amount in tiyn written in tenge with two decimals (for messages)."""
    return f"{tiyn // 100}.{tiyn % 100:02d}"


def _commission(session: Session, code: str) -> CommissionRow:
    row = session.get(CommissionRow, code)
    if row is None:
        raise AdminError("F.001", "commission", value=code)
    if row.level != "territorial":
        raise AdminError("F.002", "commission", value=code, level=row.level)
    return row


def allocate_budget(
    session: Session,
    actor: Actor,
    *,
    election: str,
    commission: str,
    amount_tiyn: int,
    date: dt.date,
    document: str | None = None,
    budget_line: str | None = None,
) -> int:
    """Record money allocated from the budget to a territorial commission, with the budget
    line it comes from (a national, oblast or local budget programme)."""
    setup_of(session, election)
    # The funds are the commission's (art. 33): the actor must cover its territory.
    require(session, actor, Permission.FINANCE, _commission(session, commission).territory)
    if amount_tiyn <= 0:
        raise AdminError("F.003", "amount", value=amount_tiyn)
    row = BudgetRow(
        election=election,
        commission=commission,
        amount_tiyn=amount_tiyn,
        date=date,
        document=document,
        budget_line=(budget_line or "").strip() or None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="finance.allocate",
        entity="budget",
        entity_id=str(row.id),
        payload={
            "election": election,
            "commission": commission,
            "amount_tiyn": amount_tiyn,
            "date": date.isoformat(),
            "document": document,
            "budget_line": row.budget_line,
        },
    )
    return row.id


def set_allowance(
    session: Session,
    actor: Actor,
    *,
    election: str,
    amount_tiyn: int,
    date: dt.date,
    source: str,
) -> int:
    """Record the campaign allowance each registered candidate receives from the budget;
    ``source`` says where the figure comes from (a decision, a budget document, a URL)."""
    setup = setup_of(session, election)
    require(session, actor, Permission.FINANCE, setup.territory)
    if isinstance(amount_tiyn, bool) or amount_tiyn <= 0:
        raise AdminError("F.003", "amount", value=amount_tiyn)
    if not source.strip():
        raise AdminError("F.006", "source")
    row = CampaignAllowanceRow(
        election=election,
        amount_tiyn=amount_tiyn,
        source=source.strip(),
        date=date,
        recorded_by=actor.name,
        recorded_at=dt.datetime.now(dt.UTC),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="finance.allowance",
        entity="election",
        entity_id=election,
        payload={
            "allowance": row.id,
            "amount_tiyn": amount_tiyn,
            "date": date.isoformat(),
            "source": row.source,
        },
    )
    return row.id


def allowance(session: Session, election: str) -> CampaignAllowanceRow | None:
    """The campaign allowance per candidate in force for ``election`` (the newest)."""
    return session.scalars(
        select(CampaignAllowanceRow)
        .where(CampaignAllowanceRow.election == election)
        .order_by(CampaignAllowanceRow.id.desc())
        .limit(1)
    ).first()


def spend(
    session: Session,
    actor: Actor,
    *,
    election: str,
    commission: str,
    item: Item,
    amount_tiyn: int,
    date: dt.date,
    okrug: str | None = None,
    document: str | None = None,
) -> int:
    """Record spending; the commission cannot spend more than it was allocated."""
    setup_of(session, election)
    # The funds are the commission's (art. 33): the actor must cover its territory.
    require(session, actor, Permission.FINANCE, _commission(session, commission).territory)
    if amount_tiyn <= 0:
        raise AdminError("F.003", "amount", value=amount_tiyn)
    if okrug is not None and session.get(OkrugRow, okrug) is None:
        raise AdminError("F.004", "okrug", value=okrug)
    if okrug is not None:
        require(session, actor, Permission.FINANCE, okrug)
    allocated, spent = _balance(session, election, commission)
    if spent + amount_tiyn > allocated:
        raise AdminError(
            "F.005",
            "amount",
            value=tenge(amount_tiyn),
            allocated=tenge(allocated),
            spent=tenge(spent),
        )
    row = ExpenditureRow(
        election=election,
        commission=commission,
        okrug=okrug,
        item=item.value,
        amount_tiyn=amount_tiyn,
        date=date,
        document=document,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="finance.spend",
        entity="expenditure",
        entity_id=str(row.id),
        payload={
            "election": election,
            "commission": commission,
            "okrug": okrug,
            "item": item.value,
            "amount_tiyn": amount_tiyn,
            "date": date.isoformat(),
            "document": document,
        },
    )
    return row.id


def _balance(session: Session, election: str, commission: str) -> tuple[int, int]:
    allocated = (
        session.scalar(
            select(func.coalesce(func.sum(BudgetRow.amount_tiyn), 0)).where(
                BudgetRow.election == election, BudgetRow.commission == commission
            )
        )
        or 0
    )
    spent = (
        session.scalar(
            select(func.coalesce(func.sum(ExpenditureRow.amount_tiyn), 0)).where(
                ExpenditureRow.election == election, ExpenditureRow.commission == commission
            )
        )
        or 0
    )
    return int(allocated), int(spent)


@dataclass(frozen=True)
class FinanceLine:
    """One line of the finance report.

    ``scope`` is "election", "commission", "okrug" or "item" (allocated and spent), or one
    of the cost lines: "allowance" (per candidate, with ``count`` candidates and the total),
    "cost" (spending plus allowances), "per_candidate" and "per_voter" (``count`` is the
    registered candidates or voters; the amount is rounded to the tiyn). ``note`` carries
    the budget line or the allowance's source.
    """

    scope: str
    key: str
    allocated_tiyn: int | None
    spent_tiyn: int
    count: int | None = None
    note: str | None = None


def report(session: Session, election: str) -> list[FinanceLine]:
    """Totals per election, per commission, per okrug and per item (computed in SQL)."""
    lines: list[FinanceLine] = []
    allocated_total = (
        session.scalar(
            select(func.coalesce(func.sum(BudgetRow.amount_tiyn), 0)).where(
                BudgetRow.election == election
            )
        )
        or 0
    )
    spent_total = (
        session.scalar(
            select(func.coalesce(func.sum(ExpenditureRow.amount_tiyn), 0)).where(
                ExpenditureRow.election == election
            )
        )
        or 0
    )
    lines.append(FinanceLine("election", election, int(allocated_total), int(spent_total)))
    commissions = session.execute(
        select(BudgetRow.commission, func.sum(BudgetRow.amount_tiyn))
        .where(BudgetRow.election == election)
        .group_by(BudgetRow.commission)
        .order_by(BudgetRow.commission)
    ).all()
    for commission, allocated in commissions:
        _, spent = _balance(session, election, commission)
        budget_lines = sorted(
            {
                line
                for line in session.scalars(
                    select(BudgetRow.budget_line).where(
                        BudgetRow.election == election,
                        BudgetRow.commission == commission,
                        BudgetRow.budget_line.is_not(None),
                    )
                )
                if line
            }
        )
        lines.append(
            FinanceLine(
                "commission",
                commission,
                int(allocated),
                spent,
                note="; ".join(budget_lines) or None,
            )
        )
    for okrug, spent in session.execute(
        select(ExpenditureRow.okrug, func.sum(ExpenditureRow.amount_tiyn))
        .where(ExpenditureRow.election == election, ExpenditureRow.okrug.is_not(None))
        .group_by(ExpenditureRow.okrug)
        .order_by(ExpenditureRow.okrug)
    ).all():
        lines.append(FinanceLine("okrug", okrug, None, int(spent)))
    for item, spent in session.execute(
        select(ExpenditureRow.item, func.sum(ExpenditureRow.amount_tiyn))
        .where(ExpenditureRow.election == election)
        .group_by(ExpenditureRow.item)
        .order_by(ExpenditureRow.item)
    ).all():
        lines.append(FinanceLine("item", item, None, int(spent)))
    lines += _costs(session, election, int(spent_total))
    return lines


def _registered_candidates(session: Session, election: str) -> int:
    from saylau.administration.nominations import registered_by_contest

    contests = list(
        session.scalars(select(ContestRow.code).where(ContestRow.election == election))
    )
    # Everyone who was registered received the allowance, a later withdrawal included.
    found = registered_by_contest(session, contests, include_withdrawn=True)
    return sum(len(codes) for codes in found.values())


def _per(total: int, count: int) -> int:
    """``total / count`` rounded to the nearest tiyn (halves away from zero)."""
    return (2 * total + count) // (2 * count)


def _costs(session: Session, election: str, spent: int) -> list[FinanceLine]:
    """Campaign allowances, the total cost and the cost per candidate and per voter."""
    candidates = _registered_candidates(session, election)
    voters = int(
        session.scalar(
            select(func.coalesce(func.sum(StationRollRow.registered_voters), 0)).where(
                StationRollRow.election == election
            )
        )
        or 0
    )
    found = allowance(session, election)
    allowances = found.amount_tiyn * candidates if found else 0
    lines: list[FinanceLine] = []
    if found is not None:
        lines.append(
            FinanceLine(
                "allowance",
                election,
                found.amount_tiyn,
                allowances,
                count=candidates,
                note=found.source,
            )
        )
    cost = spent + allowances
    lines.append(FinanceLine("cost", election, None, cost))
    if candidates:
        lines.append(
            FinanceLine("per_candidate", election, None, _per(cost, candidates), count=candidates)
        )
    if voters:
        lines.append(FinanceLine("per_voter", election, None, _per(cost, voters), count=voters))
    return lines
