"""Parquet exports with Polars: one ``<table>.parquet`` per non-empty table, typed columns.

Column types: codes and texts ``String``, counts and integers ``Int64``, numbers
``Float64`` (figures keep their published decimal places in ``decimals``), dates ``Date``,
moments ``Datetime(us, UTC)``, booleans ``Boolean``, lists ``List(String)``. ``export.json``
beside the files holds the export's context and what it leaves out.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from saylau.datasets.reader import DatasetError, Problem
from saylau.exports.cells import native
from saylau.exports.csvfiles import manifest, present, readme_text
from saylau.exports.model import OpenElection
from saylau.exports.spec import BY_NAME, ColumnType, TableSpec
from saylau.exports.tables import RawTable, assemble

DTYPES: dict[ColumnType, pl.DataType] = {
    ColumnType.STRING: pl.String(),
    ColumnType.CODE: pl.String(),
    ColumnType.COUNT: pl.Int64(),
    ColumnType.INTEGER: pl.Int64(),
    ColumnType.NUMBER: pl.Float64(),
    ColumnType.DATE: pl.Date(),
    ColumnType.DATETIME: pl.Datetime("us", "UTC"),
    ColumnType.BOOLEAN: pl.Boolean(),
    ColumnType.LIST: pl.List(pl.String()),
}


def frame(spec: TableSpec, data: OpenElection) -> pl.DataFrame:
    """One table as a typed Polars frame."""
    schema = {c.name: DTYPES[c.type] for c in spec.columns}
    columns = {
        c.name: [native(c, row.get(c.name)) for row in data.rows(spec.name)] for c in spec.columns
    }
    return pl.DataFrame(columns, schema=schema)


def frames(data: OpenElection) -> dict[str, pl.DataFrame]:
    """Every non-empty table as a Polars frame (what ``--format parquet`` writes)."""
    return {spec.name: frame(spec, data) for spec in present(data)}


def write_parquet(data: OpenElection, folder: Path) -> list[Path]:
    """The Parquet files, ``export.json`` and ``README.md`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in frames(data).items():
        path = folder / f"{name}.parquet"
        table.write_parquet(path)
        written.append(path)
    meta = folder / "export.json"
    meta.write_text(
        json.dumps(manifest(data, "parquet"), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    readme = folder / "README.md"
    readme.write_text(readme_text(data, "parquet"), encoding="utf-8")
    return [*written, meta, readme]


def read_parquet(path: Path) -> OpenElection:
    """A Parquet export folder read back; DatasetError with every problem."""
    folder = path.parent if path.is_file() else path
    if not folder.is_dir():
        raise DatasetError([Problem(str(path), None, None, "I.023")])
    problems: list[Problem] = []
    raws: list[RawTable] = []
    for file in sorted(folder.glob("*.parquet")):
        spec = BY_NAME.get(file.stem)
        if spec is None:
            problems.append(
                Problem(file.name, None, None, "D.105", {"allowed": ", ".join(BY_NAME)})
            )
            continue
        try:
            table = pl.read_parquet(file)
        except Exception as exc:  # any reader failure is a file that cannot be read
            problems.append(Problem(file.name, None, None, "I.015", {"detail": str(exc)}))
            continue
        for column in spec.columns:
            if column.name in table.columns and table.schema[column.name] != DTYPES[column.type]:
                problems.append(
                    Problem(
                        file.name,
                        None,
                        column.name,
                        "D.106",
                        {
                            "found": str(table.schema[column.name]),
                            "expected": str(DTYPES[column.type]),
                        },
                    )
                )
        raw = RawTable(spec, file.name, table.columns, header_line=0)
        for index, values in enumerate(table.iter_rows(), start=1):
            raw.rows.append((index, list(values)))
        raws.append(raw)
    return assemble(None, raws, problems=problems)
