"""What every export says about the state of the record it was made from.

An export carries two things from the audit log, the election's record:

* ``audit_head``: the sequence number, hash and time of the last entry of the hash-chained
  log when the export was made. Anyone holding the log can check that the export reflects
  exactly that state.
* ``checkpoint``: the newest *signed* checkpoint of the log (sequence, head hash, time, key
  fingerprint, Ed25519 signature), from :func:`saylau.store.audit.latest_checkpoint` when the
  record layer provides it; ``None`` otherwise. No value is ever made up here.

:func:`export_context` is the one place where both are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau import __version__
from saylau.store import audit
from saylau.store.schema import AuditRow

CHECKPOINT_KEYS = ("seq", "head", "at", "key", "signature")


@dataclass(frozen=True)
class ExportContext:
    """When and from which state of the record an export was made."""

    generated_at: dt.datetime
    audit_head: Mapping[str, Any] | None
    checkpoint: Mapping[str, Any] | None
    saylau_version: str = __version__

    def as_json(self) -> dict[str, Any]:
        """The context as JSON-ready values (what formats embed)."""
        return {
            "generated_at": utc_text(self.generated_at),
            "saylau_version": self.saylau_version,
            "audit_head": dict(self.audit_head) if self.audit_head else None,
            "checkpoint": dict(self.checkpoint) if self.checkpoint else None,
        }


def utc_text(moment: dt.datetime) -> str:
    """A moment as ISO 8601 in UTC with a ``Z`` (seconds precision)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    # isoformat pads the year to four digits (strftime does not before year 1000)
    return aware.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _audit_head(session: Session) -> dict[str, Any] | None:
    row = session.execute(
        select(AuditRow.seq, AuditRow.hash, AuditRow.at).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return {"seq": int(row.seq), "hash": row.hash, "at": utc_text(row.at)}


def _checkpoint(session: Session) -> dict[str, Any] | None:
    found = audit.latest_checkpoint(session)
    return dict(found) if found else None


def export_context(session: Session, *, now: dt.datetime | None = None) -> ExportContext:
    """The audit head and the latest signed checkpoint ."""
    return ExportContext(
        generated_at=now or dt.datetime.now(dt.UTC),
        audit_head=_audit_head(session),
        checkpoint=_checkpoint(session),
    )
