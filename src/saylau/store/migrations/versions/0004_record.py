"""the record: state-carrying audit log, checkpoints, signing keys, signatures, append-only triggers

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

The log of revisions 0001-0003 recorded what happened but not the state it produced, so it
cannot be replayed. It is kept, read-only, as ``audit_log_v1`` (its hash chain still verifies
by the old rule); the new ``audit_log`` starts with a baseline entry (written by the
application at its next start, see ``saylau.store.audit.write_baseline``) that holds the
complete state of every recorded table and the head hash of ``audit_log_v1``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables whose rows may be added but never changed or removed.
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


def _triggers_sqlite(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
        for verb in ("UPDATE", "DELETE")
    ]


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION saylau_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def _triggers_pg(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION saylau_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION saylau_append_only()",
    ]


def create_triggers(dialect: str) -> None:
    """Refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) on the append-only tables."""
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
    for table in APPEND_ONLY:
        for statement in _triggers_pg(table) if dialect == "postgresql" else _triggers_sqlite(
            table
        ):
            op.execute(statement)


def drop_triggers(dialect: str) -> None:
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS saylau_append_only()")


def _copy_log(source: str, target: str) -> None:
    """Move the pre-record log to a table of its own (constraints named after it)."""
    op.create_table(
        target,
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f(f"pk_{target}")),
        sa.UniqueConstraint("hash", name=op.f(f"uq_{target}_hash")),
    )
    columns = "seq, at, actor, action, entity, entity_id, payload, prev_hash, hash"
    op.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}")
    op.drop_table(source)


def upgrade() -> None:
    """Upgrade schema."""
    dialect = op.get_bind().dialect.name
    _copy_log("audit_log", "audit_log_v1")
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("election", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("private", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_election"), ["election"], unique=False)
    op.create_table(
        "checkpoint",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", "head", name=op.f("pk_checkpoint")),
    )
    op.create_table(
        "signing_key",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_signing_key")),
    )
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_key_owner"), ["owner"], unique=False)
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("signature", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("commission_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("commission_signature", sa.Text(), nullable=True))
    with op.batch_alter_table("protocol_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("commission_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("commission_signature", sa.Text(), nullable=True))
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("signature", sa.Text(), nullable=True))
    create_triggers(dialect)


def downgrade() -> None:
    """Downgrade schema (the new log is dropped; the old one becomes the log again)."""
    dialect = op.get_bind().dialect.name
    drop_triggers(dialect)
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.drop_column("signature")
        batch_op.drop_column("signed_by")
    with op.batch_alter_table("protocol_entry", schema=None) as batch_op:
        batch_op.drop_column("commission_signature")
        batch_op.drop_column("commission_key")
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.drop_column("commission_signature")
        batch_op.drop_column("commission_key")
        batch_op.drop_column("signature")
        batch_op.drop_column("signed_by")
    op.drop_table("signing_key")
    op.drop_table("checkpoint")
    op.drop_table("audit_log")
    _copy_log("audit_log_v1", "audit_log")
