"""law, second pass: grounds of elections, steps (extension, withdrawal), home voting,
nomination by the higher akim, budget lines and campaign allowances

Revision ID: 0005_law
Revises: 0005_opendata

Every new column is nullable, so rows written before stay valid: a protocol without the
home-voting split, an election whose ground was not recorded, a candidate nominated by a
party or by themselves.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005_law"
down_revision: str | Sequence[str] | None = "0005_opendata"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOME_VOTING = (
    "ballots_issued_in_station",
    "ballots_issued_outside",
    "ballots_in_stationary_boxes",
    "ballots_in_portable_boxes",
)


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("election_setup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ground", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("ground_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("called_on", sa.Date(), nullable=True))
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nominated_by", sa.String(length=16), nullable=True))
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        for name in HOME_VOTING:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
    with op.batch_alter_table("budget", schema=None) as batch_op:
        batch_op.add_column(sa.Column("budget_line", sa.Text(), nullable=True))

    op.create_table(
        "election_step",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("election", sa.String(length=64), nullable=False),
        sa.Column("contest", sa.String(length=64), nullable=False),
        sa.Column("candidate", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("ballots_printed", sa.Boolean(), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate"], ["candidate.code"], name=op.f("fk_election_step_candidate_candidate")
        ),
        sa.ForeignKeyConstraint(
            ["contest"], ["contest.code"], name=op.f("fk_election_step_contest_contest")
        ),
        sa.ForeignKeyConstraint(
            ["election"], ["election.code"], name=op.f("fk_election_step_election_election")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_step")),
    )
    with op.batch_alter_table("election_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_election_step_contest"), ["contest"], unique=False)
        batch_op.create_index(batch_op.f("ix_election_step_election"), ["election"], unique=False)

    op.create_table(
        "campaign_allowance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("election", sa.String(length=64), nullable=False),
        sa.Column("amount_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["election"],
            ["election.code"],
            name=op.f("fk_campaign_allowance_election_election"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_allowance")),
    )
    with op.batch_alter_table("campaign_allowance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_allowance_election"), ["election"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("campaign_allowance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_allowance_election"))
    op.drop_table("campaign_allowance")
    with op.batch_alter_table("election_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_step_election"))
        batch_op.drop_index(batch_op.f("ix_election_step_contest"))
    op.drop_table("election_step")
    with op.batch_alter_table("budget", schema=None) as batch_op:
        batch_op.drop_column("budget_line")
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        for name in reversed(HOME_VOTING):
            batch_op.drop_column(name)
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_column("nominated_by")
    with op.batch_alter_table("election_setup", schema=None) as batch_op:
        batch_op.drop_column("called_on")
        batch_op.drop_column("ground_date")
        batch_op.drop_column("ground")
