"""One election as open data: typed rows per table, the export context, what is left out.

:class:`OpenElection` is the format-neutral middle of every export and import: the database
is read into it (:mod:`saylau.exports.collect`), every format is written from it and read back
into it, and an import writes it to the database through the service layer
(:mod:`saylau.exports.load`). Values are Python values of the column's type
(:class:`saylau.exports.spec.ColumnType`): ``str``, ``int``, ``bool``, ``Decimal``,
``datetime.date``, an aware ``datetime.datetime`` in UTC, ``list[str]`` or ``None``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from saylau.exports.context import ExportContext
from saylau.exports.spec import BY_NAME, TABLES, ColumnType, TableSpec

Value = str | int | bool | Decimal | dt.date | dt.datetime | list[str] | None
Row = dict[str, Value]


@dataclass(frozen=True)
class Omission:
    """Something of the election an export does not carry, and how much of it.

    ``key`` names it (message id ``od.omit.<key>``); ``count`` is how many records or values
    are left out; ``detail`` says which (codes, fields).
    """

    key: str
    count: int
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        """As JSON-ready values."""
        return {"what": self.key, "count": self.count, "detail": self.detail}


@dataclass
class OpenElection:
    """The tables of one election, with the context of the export."""

    election: str
    tables: dict[str, list[Row]] = field(default_factory=dict)
    context: ExportContext | None = None
    # Things the database holds about the election that no export format carries.
    not_exported: list[Omission] = field(default_factory=list)
    # Where each row was read from, by table and key (file and line, sheet and row, pointer).
    origin: dict[str, dict[tuple[object, ...], tuple[str, str | None]]] = field(
        default_factory=dict
    )
    # Columns a file read back did not have, by table (a file written before they existed):
    # their values are unknown, not empty, so an import does not compare them.
    absent: dict[str, set[str]] = field(default_factory=dict)

    def rows(self, table: str) -> list[Row]:
        """The rows of ``table`` (empty when it has none)."""
        return self.tables.get(table, [])

    @property
    def meta(self) -> Row:
        """The election's row of the ``elections`` table."""
        rows = self.rows("elections")
        return rows[0] if rows else {}

    @property
    def synthetic(self) -> bool:
        """Whether the election or any of its sources is synthetic."""
        return bool(self.meta.get("synthetic")) or any(
            bool(s.get("synthetic")) for s in self.rows("sources")
        )

    @property
    def administered(self) -> bool:
        """Whether the election is run with saylau (it has a commission's setup)."""
        return self.meta.get("territory") is not None

    def where(self, table: str, row: Row) -> tuple[str, str | None]:
        """(file, line) a row was read from, or the table's name when it was not read."""
        spec = BY_NAME[table]
        key = tuple(row.get(k) for k in spec.key)
        return self.origin.get(table, {}).get(key, (table, None))

    def core(self) -> dict[str, list[Row]]:
        """The core tables only (what an import writes)."""
        return {t.name: self.rows(t.name) for t in TABLES if not t.derived}


def normalise(spec: TableSpec, row: Row) -> Row:
    """``row`` with exactly the columns of ``spec``, in order (missing ones as None)."""
    return {name: row.get(name) for name in spec.names}


def sort_rows(spec: TableSpec, rows: list[Row]) -> list[Row]:
    """Rows in the order of the table's key (None first), so exports are deterministic."""

    def key(row: Row) -> tuple[object, ...]:
        out: list[object] = []
        for name in spec.key:
            value = row.get(name)
            out.append((value is not None, _sortable(value)))
        return tuple(out)

    return sorted(rows, key=key)


def _sortable(value: Value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return tuple(value)
    return value


def comparable(data: OpenElection, *, skip: dict[str, set[str]] | None = None) -> dict[str, Any]:
    """The tables as plain, order-independent values, for round-trip comparisons.

    ``skip`` names columns to leave out per table (e.g. times an import cannot carry).
    """
    out: dict[str, Any] = {}
    for spec in TABLES:
        leave = (skip or {}).get(spec.name, set())
        rows = []
        for row in data.rows(spec.name):
            item = []
            for column in spec.columns:
                if column.name in leave:
                    continue
                value = row.get(column.name)
                if column.type is ColumnType.NUMBER and value is not None:
                    value = Decimal(str(value)).normalize()
                elif isinstance(value, list):
                    value = tuple(value)
                elif isinstance(value, dt.datetime):
                    value = value.astimezone(dt.UTC).replace(microsecond=0)
                item.append((column.name, value))
            rows.append(tuple(item))
        out[spec.name] = sorted(rows, key=repr)
    return out


def spec_of(table: str) -> TableSpec:
    """The specification of ``table``."""
    return BY_NAME[table]
