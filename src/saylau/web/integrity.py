"""The integrity watch of a running server: ``saylau db verify`` at start and every few minutes.

While the record does not hold, every public page shows a warning in the visitor's language
and the commission workspace refuses writes until an administrator records that the problem
was looked into (an ``integrity.acknowledge`` entry of the log, which covers exactly the
problems found; a new problem suspends writes again). The watch also remembers the longest log
it has seen, so a log that shrinks while the server runs is caught even if whoever shortened
it also removed the matching checkpoints.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.security.actor import Actor, Role
from saylau.service import Saylau
from saylau.store import audit
from saylau.store.integrity import Problem, problems_digest, verify_database
from saylau.store.schema import AuditRow

ACKNOWLEDGE = "integrity.acknowledge"


@dataclass(frozen=True)
class IntegrityStatus:
    """The result of the latest check."""

    checked_at: dt.datetime | None
    problems: tuple[Problem, ...] = ()
    digest: str = ""
    acknowledged: bool = False

    @property
    def ok(self) -> bool:
        """Whether the record held at the latest check (True before the first check)."""
        return not self.problems

    @property
    def writes_allowed(self) -> bool:
        """Whether the workspace may write: the record holds, or its problems were looked
        into by an administrator."""
        return self.ok or self.acknowledged


def acknowledged_digests(session: Session) -> set[str]:
    """The problem sets administrators recorded as looked into."""
    query = select(AuditRow.payload).where(AuditRow.action == ACKNOWLEDGE)
    return {str(json.loads(payload).get("digest")) for payload in session.scalars(query)}


def acknowledge(session: Session, actor: Actor, status: IntegrityStatus, note: str) -> None:
    """Record that an administrator looked into the problems of ``status``."""
    if actor.role is not Role.ADMIN:
        raise PermissionError("only an administrator records that integrity problems were seen")
    if not note.strip():
        raise ValueError("note")
    audit.record(
        session,
        actor=actor,
        action=ACKNOWLEDGE,
        entity="record",
        entity_id="integrity",
        payload={
            "digest": status.digest,
            "problems": len(status.problems),
            "codes": sorted({p.code for p in status.problems}),
            "note": note.strip(),
        },
    )


@dataclass
class IntegrityMonitor:
    """Checks the record of ``service`` now and then; thread-safe."""

    service: Saylau
    status: IntegrityStatus = field(default_factory=lambda: IntegrityStatus(None))
    longest: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def check(self) -> IntegrityStatus:
        """Run the full check now and keep its result."""
        with self.service.session() as session:
            problems = verify_database(session)
            seq = audit.head_seq(session)
            acknowledged = acknowledged_digests(session)
        with self._lock:
            if seq < self.longest:
                problems.append(Problem("I.040", {"seq": self.longest, "last": seq}))
            self.longest = max(self.longest, seq)
            digest = problems_digest(problems) if problems else ""
            self.status = IntegrityStatus(
                dt.datetime.now(dt.UTC), tuple(problems), digest, digest in acknowledged
            )
            return self.status

    def start(self, every_seconds: float) -> None:
        """Check now (unless a check ran within the interval), then every ``every_seconds`` in
        a background thread."""
        checked = self.status.checked_at
        if checked is None or (dt.datetime.now(dt.UTC) - checked).total_seconds() > every_seconds:
            self.check()
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(every_seconds):
                try:
                    self.check()
                except Exception:  # a failed check must not stop the watch
                    continue

        self._thread = threading.Thread(target=loop, name="saylau-integrity", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the background checks."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
