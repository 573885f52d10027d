"""The election's record: an append-only, hash-chained, signed log that holds the state.

Every transaction that changes a recorded table declares what happened with :func:`record`
(action, entity, payload). The rows it changed are captured from the ORM's flushes and put
into the entry: each entry holds the complete new state of every row it changed, so the
tables are a projection of the log that :mod:`saylau.store.integrity` rebuilds and compares.
The entries are chained and hashed when the transaction commits (``before_commit``), and a
checkpoint signed with the results server's key states the new length and head of the log.
A transaction that changes a recorded table without declaring an entry is refused.

Byte formats (canonical JSON, the entry object, signature inputs) are in
:mod:`saylau.domain.record` and specified in ``docs/record.md``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Table, event, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from saylau.domain.record import (
    GENESIS,
    PRIVATE_TABLES,
    canonical_json,
    checkpoint_body,
    dumps_unchecked,
    encode_value,
    entry_bytes,
    entry_object,
    sha256_hex,
    signing_input,
    split_row,
    timestamp,
)
from saylau.security.actor import Actor, Role
from saylau.store import keys
from saylau.store.schema import (
    AuditRow,
    AuditV1Row,
    Base,
    CheckpointRow,
    CommissionRow,
    ContestRow,
)

__all__ = [
    "GENESIS",
    "ChainBreak",
    "PendingEntry",
    "UnrecordedChangeError",
    "canonical_json",
    "entry_of",
    "latest_checkpoint",
    "record",
    "recorded_tables",
    "verify_chain",
]

#: Tables that are not state: the log itself, its checkpoints, and short-lived sign-in data.
NOT_RECORDED = frozenset(
    {"audit_log", "audit_log_v1", "checkpoint", "web_session", "sign_in_attempt"}
)
SERVER_OWNER = "server"
#: Actors that are programs, not people: published under their own names.
SERVICE_ACTORS = frozenset({"system", "synthetic"})
_OPS = "saylau.record.ops"
_ENTRIES = "saylau.record.entries"
_PG_LOCK = 0x5A41_0001  # pg_advisory_xact_lock key of the log's writers


class UnrecordedChangeError(RuntimeError):
    """A transaction changed recorded tables without an audit entry (a programming error)."""


@cache
def recorded_tables() -> dict[str, Table]:
    """Every table whose rows are state held by the log, by name."""
    return {
        name: table for name, table in Base.metadata.tables.items() if name not in NOT_RECORDED
    }


def table_key(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """The primary-key columns of an encoded row."""
    return {column.name: row[column.name] for column in table.primary_key.columns}


def encode_row(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every column of ``table`` as the record holds it."""
    return {column.name: encode_value(values[column.name]) for column in table.columns}


def _object_row(obj: object) -> tuple[Table, dict[str, Any]] | None:
    mapper = inspect(obj).mapper
    table = mapper.local_table
    if not isinstance(table, Table) or table.name not in recorded_tables():
        return None
    values = {
        column.name: getattr(obj, mapper.get_property_by_column(column).key)
        for column in table.columns
    }
    return table, encode_row(table, values)


def state_op(table: Table, row: Mapping[str, Any] | None, key: Mapping[str, Any]) -> dict[str, Any]:
    """One change of state: the row as it now is, or ``None`` once it is deleted."""
    return {"table": table.name, "key": dict(key), "row": None if row is None else dict(row)}


@event.listens_for(Session, "after_flush")
def _capture(session: Session, _context: object) -> None:
    ops: list[dict[str, Any]] = session.info.setdefault(_OPS, [])
    for obj in session.new:
        found = _object_row(obj)
        if found:
            table, row = found
            ops.append(state_op(table, row, table_key(table, row)))
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        found = _object_row(obj)
        if found:
            table, row = found
            ops.append(state_op(table, row, table_key(table, row)))
    for obj in session.deleted:
        found = _object_row(obj)
        if found:
            table, row = found
            ops.append(state_op(table, None, table_key(table, row)))


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_dml(state: ORMExecuteState) -> None:
    """Bulk INSERT/UPDATE/DELETE statements bypass the capture: refuse them on recorded tables
    unless the caller records their rows itself (execution option ``saylau_recorded``)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in recorded_tables() and not state.execution_options.get("saylau_recorded"):
        raise UnrecordedChangeError(
            f"bulk {state.statement.__visit_name__} on recorded table {name!r}: change rows "
            "through the ORM (or record them with audit.add_ops) so the log holds the state"
        )


def add_ops(session: Session, ops: Sequence[dict[str, Any]]) -> None:
    """Record state changes made by bulk statements (run with ``saylau_recorded=True``)."""
    session.info.setdefault(_OPS, []).extend(ops)


def delete_where(session: Session, model: type[Base], *criteria: Any) -> int:
    """Delete the rows of ``model`` matching ``criteria`` through the ORM (so the log records
    each removal); returns how many."""
    rows = list(session.scalars(select(model).where(*criteria)))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


@dataclass
class PendingEntry:
    """An entry declared in a transaction; chained, hashed and numbered when it commits."""

    at: dt.datetime
    actor: str
    account: str
    action: str
    entity: str
    entity_id: str
    election: str | None
    payload: dict[str, Any]
    ops: list[dict[str, Any]] = field(default_factory=list)
    seq: int | None = None
    hash: str | None = None


def _commission_for(session: Session, actor: Actor) -> str:
    levels = {
        Role.TERRITORIAL: ("territorial", "okrug"),
        Role.ADMIN: ("territorial",),
        Role.SUPERVISOR: ("okrug", "territorial", "precinct"),
        Role.OPERATOR: ("precinct", "okrug"),
        Role.OBSERVER: (),
    }[actor.role]
    territory = actor.territory
    if territory is not None and levels:
        rows = {
            row.level: row.code
            for row in session.scalars(
                select(CommissionRow).where(CommissionRow.territory == territory)
            )
        }
        for level in levels:
            if level in rows:
                return rows[level]
    return f"{actor.role.value}@{territory or 'KZ'}"


def public_actor(session: Session, actor: Actor | str) -> tuple[str, str]:
    """Who acted, as published (the commission the account acts for, never the account),
    and the account itself (kept in the entry's private part)."""
    name = actor if isinstance(actor, str) else actor.name
    if name in SERVICE_ACTORS:
        return name, name
    if isinstance(actor, str):
        return "admin@KZ", actor  # a command-line user acts as administrator
    return _commission_for(session, actor), actor.name


def _infer_election(session: Session, entity: str, entity_id: str, ops: list[dict[str, Any]]) -> (
    str | None
):
    if entity == "election":
        return entity_id
    for op in ops:
        row = op.get("row") or op.get("key") or {}
        if isinstance(row.get("election"), str):
            return str(row["election"])
    for op in ops:
        row = op.get("row") or {}
        contest = row.get("contest")
        if isinstance(contest, str):
            found = session.get(ContestRow, contest)
            if found is not None:
                return found.election
    return None


def record(
    session: Session,
    *,
    actor: Actor | str,
    action: str,
    entity: str,
    entity_id: str,
    payload: Mapping[str, Any],
    election: str | None = None,
    state: Sequence[dict[str, Any]] = (),
) -> PendingEntry:
    """Declare one entry of the log inside ``session``'s transaction.

    The rows changed since the previous entry of the transaction (and, for the last entry,
    until the commit) become the entry's state. ``state`` adds changes made outside the ORM.
    """
    session.flush()
    ops = session.info.pop(_OPS, [])
    ops.extend(state)
    shown, account = public_actor(session, actor)
    canonical_json(dict(payload))  # refuse a payload without a canonical form now, not at commit
    entry = PendingEntry(
        at=dt.datetime.now(dt.UTC),
        actor=shown,
        account=account,
        action=action,
        entity=entity,
        entity_id=entity_id,
        election=election,
        payload=dict(payload),
        ops=list(ops),
    )
    session.info.setdefault(_ENTRIES, []).append(entry)
    return entry


Ops = list[dict[str, Any]]


def split_ops(ops: Sequence[Mapping[str, Any]]) -> tuple[Ops, Ops]:
    """The public and the private parts of a list of state changes."""
    public: list[dict[str, Any]] = []
    private: list[dict[str, Any]] = []
    for op in ops:
        table, key, row = str(op["table"]), dict(op["key"]), op["row"]
        if row is None:
            (private if table in PRIVATE_TABLES else public).append(
                {"table": table, "key": key, "row": None}
            )
            continue
        shown, hidden = split_row(table, row)
        if table in PRIVATE_TABLES:
            private.append({"table": table, "key": key, "row": hidden})
            continue
        public.append({"table": table, "key": key, "row": shown})
        if hidden:
            private.append({"table": table, "key": key, "row": hidden})
    return public, private


def _head(session: Session) -> tuple[int, str]:
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


@event.listens_for(Session, "before_commit")
def _finalize(session: Session) -> None:
    entries: list[PendingEntry] | None = session.info.get(_ENTRIES)
    session.flush()
    leftover: list[dict[str, Any]] = session.info.pop(_OPS, [])
    if not entries:
        if leftover:
            tables = sorted({str(op["table"]) for op in leftover})
            raise UnrecordedChangeError(
                "changes to " + ", ".join(tables) + " without an audit entry (audit.record)"
            )
        return
    entries[-1].ops.extend(leftover)
    server = keys.key_of(session, keys.SERVER, SERVER_OWNER)
    if server is None:
        server = keys.create_key(session, keys.SERVER, SERVER_OWNER)
        entries[-1].ops.extend(session.info.pop(_OPS, []))
    if session.get_bind().dialect.name == "postgresql":
        # Serialise writers so two transactions cannot chain onto the same predecessor.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    seq, prev = _head(session)
    for entry in entries:
        seq += 1
        if entry.election is None:
            entry.election = _infer_election(session, entry.entity, entry.entity_id, entry.ops)
        public, private = split_ops(entry.ops)
        # State comes from database columns (no floats); the payload was checked by record().
        private_text = dumps_unchecked({"account": entry.account, "state": private})
        payload_text = dumps_unchecked(entry.payload)
        state_text = dumps_unchecked(public)
        digest = sha256_hex(
            entry_bytes(
                seq=seq,
                at=timestamp(entry.at),
                actor=entry.actor,
                action=entry.action,
                entity=entry.entity,
                entity_id=entry.entity_id,
                election=entry.election,
                payload_text=payload_text,
                state_text=state_text,
                private_sha256=sha256_hex(private_text),
                prev=prev,
            )
        )
        session.add(
            AuditRow(
                seq=seq,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                entity=entry.entity,
                entity_id=entry.entity_id,
                election=entry.election,
                payload=payload_text,
                state=state_text,
                private=private_text,
                prev_hash=prev,
                hash=digest,
            )
        )
        entry.seq, entry.hash, prev = seq, digest, digest
    at = timestamp(dt.datetime.now(dt.UTC))
    body = checkpoint_body(seq=seq, head=prev, at=at, key=server.fingerprint)
    session.add(
        CheckpointRow(
            seq=seq,
            head=prev,
            at=at,
            key=server.fingerprint,
            signature=keys.sign(session, server.fingerprint, signing_input("checkpoint", body)),
        )
    )
    session.flush()
    session.info.pop(_ENTRIES, None)
    session.info.pop(_OPS, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: object) -> None:
    session.info.pop(_ENTRIES, None)
    session.info.pop(_OPS, None)


def stored_entry_bytes(row: AuditRow) -> bytes:
    """The bytes a stored entry's hash covers (published as its line of ``audit.jsonl``)."""
    return entry_bytes(
        seq=row.seq,
        at=timestamp(row.at),
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        election=row.election,
        payload_text=row.payload,
        state_text=row.state,
        private_sha256=sha256_hex(row.private),
        prev=row.prev_hash,
    )


def entry_of(row: AuditRow) -> dict[str, Any]:
    """The entry object of a stored row (the bytes its hash covers, when canonical)."""
    return entry_object(
        seq=row.seq,
        at=timestamp(row.at),
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        election=row.election,
        payload=json.loads(row.payload),
        state=json.loads(row.state),
        private_sha256=sha256_hex(row.private),
        prev=row.prev_hash,
    )


def entries(session: Session) -> Iterator[AuditRow]:
    """Every entry of the log, in order."""
    yield from session.scalars(select(AuditRow).order_by(AuditRow.seq))


def latest_checkpoint(session: Session) -> dict[str, Any] | None:
    """The newest signed checkpoint: ``seq``, ``head``, ``at``, ``key``, ``signature``."""
    row = session.scalars(select(CheckpointRow).order_by(CheckpointRow.seq.desc()).limit(1)).first()
    if row is None:
        return None
    return {
        "seq": row.seq,
        "head": row.head,
        "at": row.at,
        "key": row.key,
        "signature": row.signature,
    }


def head_seq(session: Session) -> int:
    """The number of entries in the log."""
    return _head(session)[0]


@dataclass(frozen=True)
class ChainBreak:
    """Where the recomputed chain disagrees with the stored one."""

    seq: int
    reason: str


def verify_chain(session: Session) -> list[ChainBreak]:
    """Recompute every hash of the log; an empty list means the chain is intact.

    Only the chain; :func:`saylau.store.integrity.verify_database` checks everything.
    """
    breaks: list[ChainBreak] = []
    prev = GENESIS
    expected = 1
    for row in entries(session):
        if row.seq != expected:
            breaks.append(ChainBreak(row.seq, f"sequence gap: expected {expected}"))
        if row.prev_hash != prev:
            breaks.append(ChainBreak(row.seq, "previous hash does not match"))
        if sha256_hex(stored_entry_bytes(row)) != row.hash:
            breaks.append(ChainBreak(row.seq, "hash does not match the entry"))
        prev = row.hash
        expected = row.seq + 1
    return breaks


def write_baseline(session: Session) -> PendingEntry | None:
    """Start the record of a database migrated from schema 0003: one entry that holds the
    complete state of every recorded table and the head of the old log (``audit_log_v1``)."""
    if head_seq(session) or not has_state(session):
        return None
    ops: list[dict[str, Any]] = []
    for table in recorded_tables().values():
        for values in session.execute(select(table)).mappings():
            row = encode_row(table, values)
            ops.append(state_op(table, row, table_key(table, row)))
    old = session.execute(
        select(AuditV1Row.seq, AuditV1Row.hash).order_by(AuditV1Row.seq.desc()).limit(1)
    ).first()
    return record(
        session,
        actor="system",
        action="record.baseline",
        entity="record",
        entity_id="baseline",
        payload={"v1_entries": int(old[0]) if old else 0, "v1_head": old[1] if old else None},
        state=ops,
    )


def has_state(session: Session) -> bool:
    return any(
        session.execute(select(table).limit(1)).first() is not None
        for table in recorded_tables().values()
    )
