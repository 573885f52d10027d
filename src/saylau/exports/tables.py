"""Reading export tables back, whatever the file: header matching, typed cells, problems.

Every tabular format (CSV, the data package, Parquet, Excel) hands its raw tables to
:func:`read_table`, which matches the header (the column names, or their headers in Kazakh,
Russian or English, as the Excel export writes them), converts every cell to its column's
type and collects every problem with its file, row and column. :func:`assemble` puts the
tables together into an :class:`OpenElection`; it raises
:class:`saylau.datasets.reader.DatasetError` with all problems at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from saylau.datasets.reader import DatasetError, Problem
from saylau.exports.cells import CellError, enum_check, parse, problem
from saylau.exports.model import OpenElection, Row, normalise
from saylau.exports.spec import BY_NAME, TableSpec
from saylau.i18n import LANGS, has, t

_SPACE = re.compile(r"\s+")


def header_text(value: object) -> str:
    """A header cell compared loosely: trimmed, spaces collapsed, case folded."""
    return _SPACE.sub(" ", str(value or "")).strip().casefold()


def column_lookup(spec: TableSpec) -> dict[str, str]:
    """Header texts (name, and the header in kk, ru, en) → column name."""
    out: dict[str, str] = {}
    for column in spec.columns:
        out[header_text(column.name)] = column.name
        if has(column.header_key, "en"):
            for lang in LANGS:
                out.setdefault(header_text(t(column.header_key, lang)), column.name)
    return out


@dataclass
class RawTable:
    """A table as read from a file, before its values are checked."""

    spec: TableSpec
    file: str
    header: Sequence[object]
    rows: list[tuple[int, Sequence[object]]] = field(default_factory=list)  # (line, cells)
    header_line: int = 1


def read_table(
    raw: RawTable,
    origin: dict[tuple[object, ...], tuple[str, str | None]] | None = None,
    absent: set[str] | None = None,
) -> tuple[list[Row], list[Problem]]:
    """The typed rows of ``raw`` and every problem found in it; ``origin`` gets where each
    row was read from, by key, and ``absent`` the optional columns the header lacks (a file
    written before they existed: they read as empty)."""
    spec = raw.spec
    lookup = column_lookup(spec)
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for index, cell in enumerate(raw.header):
        name = lookup.get(header_text(cell))
        label = str(cell)
        if name is None:
            if header_text(cell) == "":
                continue
            problems.append(
                Problem(
                    raw.file,
                    str(raw.header_line),
                    label,
                    "I.002",
                    {"allowed": ", ".join(spec.names)},
                )
            )
            continue
        if name in positions:
            problems.append(Problem(raw.file, str(raw.header_line), label, "I.032"))
            continue
        positions[name] = index
    for column in spec.columns:
        if column.required and column.name not in positions:
            problems.append(Problem(raw.file, str(raw.header_line), column.name, "I.001"))
    if problems:
        return [], problems
    if absent is not None:
        absent.update(c.name for c in spec.columns if c.name not in positions)
    rows: list[Row] = []
    seen: dict[tuple[object, ...], int] = {}
    for line, cells in raw.rows:
        row: Row = {}
        bad = False
        for column in spec.columns:
            index = positions.get(column.name)
            cell = cells[index] if index is not None and index < len(cells) else None
            try:
                value = parse(column, cell)
                enum_check(column, value)
            except CellError as error:
                problems.append(problem(raw.file, line, column.name, error))
                bad = True
                continue
            row[column.name] = value
        if bad:
            continue
        key = tuple(row.get(k) for k in spec.key)
        if key in seen:
            problems.append(
                Problem(
                    raw.file,
                    str(line),
                    ",".join(spec.key),
                    "I.013",
                    {
                        "value": "/".join("" if k is None else str(k) for k in key),
                        "first": seen[key],
                    },
                )
            )
            continue
        seen[key] = line
        if origin is not None:
            origin[key] = (raw.file, str(line))
        rows.append(normalise(spec, row))
    return rows, problems


def assemble(
    election: str | None, raws: Iterable[RawTable], *, problems: list[Problem] | None = None
) -> OpenElection:
    """The open election of the given raw tables; DatasetError with every problem."""
    found = list(problems or [])
    tables: dict[str, list[Row]] = {}
    origin: dict[str, dict[tuple[object, ...], tuple[str, str | None]]] = {}
    absent: dict[str, set[str]] = {}
    for raw in raws:
        rows, issues = read_table(
            raw, origin.setdefault(raw.spec.name, {}), absent.setdefault(raw.spec.name, set())
        )
        found += issues
        tables.setdefault(raw.spec.name, []).extend(rows)
    elections = tables.get("elections", [])
    if not found and len(elections) != 1:
        found.append(Problem("elections", None, "code", "D.103", {"count": len(elections)}))
    if found:
        raise DatasetError(found)
    code = str(elections[0]["code"])
    if election is not None and election != code:
        raise DatasetError([Problem("elections", "2", "code", "D.104", {"value": code})])
    data = OpenElection(code, origin=origin, absent={k: v for k, v in absent.items() if v})
    for spec in BY_NAME.values():
        data.tables[spec.name] = tables.get(spec.name, [])
    return data
