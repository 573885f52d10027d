"""PostgreSQL privileges of the application role: the log and the append-only tables may be
read and added to, never changed, removed or truncated (``saylau db grant ROLE``).

The schema's owner runs the migrations; the server connects as another role, so that even a
bug or an intruder in the application cannot rewrite history (the triggers refuse it too, but
an owner could drop them; this role cannot).
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from saylau.store.schema import Base

#: Tables whose rows are added and never changed (as the migration's triggers enforce).
APPEND_ONLY = (
    "audit_log",
    "audit_log_v1",
    "checkpoint",
    "signing_key",
    "protocol",
    "protocol_vote",
    "certification",
    "lot_draw",
)
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str) -> list[str]:
    """The SQL that gives ``role`` the application's privileges (a plain lower-case name)."""
    if not _ROLE.match(role):
        raise ValueError(f"not a plain role name: {role!r}")
    others = sorted(name for name in Base.metadata.tables if name not in APPEND_ONLY)
    statements = [
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
        f"GRANT SELECT, INSERT ON {', '.join(APPEND_ONLY)} TO \"{role}\"",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(others)} TO \"{role}\"",
        f'GRANT SELECT ON alembic_version TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
    ]
    return statements


def apply(engine: Engine, role: str) -> None:
    """Run :func:`grant_statements` in one transaction."""
    with engine.begin() as connection:
        for statement in grant_statements(role):
            connection.execute(text(statement))
