"""The append-only, hash-chained audit log.

Every state change records one entry in the same transaction as the change, so a change
without its entry (or the reverse) can never be committed. Each entry's hash covers the
previous entry's hash and the entry's canonical JSON, so removing or editing any entry breaks
every hash after it; :func:`verify_chain` recomputes the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from saylau.store.schema import AuditRow

GENESIS = "0" * 64


def canonical_json(payload: object) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    payload: str,
) -> str:
    """SHA-256 over the previous hash and the entry's fields, newline-separated."""
    material = "\n".join([prev_hash, str(seq), at, actor, action, entity, entity_id, payload])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(
    session: Session, *, actor: str, action: str, entity: str, entity_id: str, payload: object
) -> AuditRow:
    """Append one entry to the log inside ``session``'s transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise writers so two transactions cannot chain onto the same predecessor.
        session.execute(text("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    now = dt.datetime.now(dt.UTC)
    body = canonical_json(payload)
    row = AuditRow(
        seq=seq,
        at=now,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        payload=body,
        prev_hash=prev,
        hash=entry_hash(prev, seq, _timestamp(now), actor, action, entity, entity_id, body),
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ChainBreak:
    """Where the recomputed chain disagrees with the stored one."""

    seq: int
    reason: str


def verify_chain(session: Session) -> list[ChainBreak]:
    """Recompute every hash of the log; an empty list means the chain is intact."""
    breaks: list[ChainBreak] = []
    prev = GENESIS
    expected_seq = 1
    for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
        if row.seq != expected_seq:
            breaks.append(ChainBreak(row.seq, f"sequence gap: expected {expected_seq}"))
        if row.prev_hash != prev:
            breaks.append(ChainBreak(row.seq, "previous hash does not match"))
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
        digest = entry_hash(
            row.prev_hash,
            row.seq,
            _timestamp(at),
            row.actor,
            row.action,
            row.entity,
            row.entity_id,
            row.payload,
        )
        if digest != row.hash:
            breaks.append(ChainBreak(row.seq, "hash does not match the entry"))
        prev = row.hash
        expected_seq = row.seq + 1
    return breaks
