"""saylau: run and explain Kazakhstan's elections of rural akims.

The bundled data are available as Polars frames::

    import saylau
    frames = saylau.load_bundled()          # dict of table name -> polars.DataFrame
    frames["figures"].head()

See README.md for the command line (``saylau report``, ``saylau check``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    import polars as pl


def load_bundled(dataset: str = "kz-2021-rural-akim") -> dict[str, pl.DataFrame]:
    """Return every resource of a bundled dataset as a Polars frame, keyed by resource name."""
    from saylau.datasets import bundled

    return bundled.frames(dataset)


def seed_table(number: int, lang: str = "en") -> pl.DataFrame:
    """Return table ``number`` (1-4) of the seed paper as a Polars frame, names in ``lang``."""
    from saylau.reports import seed_tables

    return seed_tables.table_frame(number, lang)


__all__ = ["__version__", "load_bundled", "seed_table"]
