"""Financing of akim elections from local budgets (Election law art. 33, quoted in the seed).

"Elections of akims of cities of district significance, villages, settlements and rural okrugs
are financed from the local budget through accounts of the local executive bodies opened for
these purposes; the territorial election commissions dispose of these funds." Amounts are
integers in tiyn (1 tenge = 100 tiyn).
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
from saylau.store.schema import BudgetRow, CommissionRow, ExpenditureRow, OkrugRow

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
) -> int:
    """Record money allocated from the local budget to a territorial commission."""
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
        },
    )
    return row.id


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
    """One line of the finance report."""

    scope: str  # "election", "commission", "okrug", "item"
    key: str
    allocated_tiyn: int | None
    spent_tiyn: int


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
        lines.append(FinanceLine("commission", commission, int(allocated), spent))
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
    return lines
