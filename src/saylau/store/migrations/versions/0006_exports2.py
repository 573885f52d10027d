"""open data, second pass: the home-voting split of published results

Revision ID: 0006_exports2
Revises: 0005_law

Results as a commission or a CDF file publishes them may give the home-voting split (ballots
issued in and outside the station, ballots in the stationary and the portable boxes), as
protocols do since 0005_law. Every new column is nullable: results stored before, and
sources that do not publish the split, stay valid. Plain ``add_column`` (no table is
recreated on SQLite).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006_exports2"
down_revision: str | Sequence[str] | None = "0005_law"
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
    for name in HOME_VOTING:
        op.add_column("published_result", sa.Column(name, sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("published_result", schema=None) as batch_op:
        for name in reversed(HOME_VOTING):
            batch_op.drop_column(name)
