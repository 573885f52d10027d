"""CSV exports (one file per table) and the Frictionless data package around them.

``--format csv`` writes one UTF-8 CSV per non-empty table (comma-separated, a header of
column names, numbers as numbers, empty cells for no value), ``export.json`` (the export's
context and what it leaves out) and a ``README.md`` describing every table and column.
``--format datapackage`` writes the same CSVs with a ``datapackage.json`` descriptor: the
schema of every resource (types, constraints, primary and foreign keys), the sources, the
licence and the record's checkpoint, which ``frictionless validate`` accepts.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from saylau.datasets.reader import DatasetError, Problem
from saylau.exports.cells import to_text
from saylau.exports.model import OpenElection
from saylau.exports.omissions import omissions
from saylau.exports.spec import BY_NAME, TABLES, ColumnSpec, ColumnType, TableSpec
from saylau.exports.tables import RawTable, assemble

META_FILES = ("export.json", "README.md", "datapackage.json")

# Foreign keys inside an export (column -> referenced table.column); empty values are allowed.
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("elections", "source"): ("sources", "code"),
    ("regions", "source"): ("sources", "code"),
    ("districts", "region"): ("regions", "code"),
    ("okrugs", "district"): ("districts", "code"),
    ("stations", "okrug"): ("okrugs", "code"),
    ("parties", "source"): ("sources", "code"),
    ("party_names", "party"): ("parties", "code"),
    ("party_names", "source"): ("sources", "code"),
    ("contests", "okrug"): ("okrugs", "code"),
    ("candidates", "contest"): ("contests", "code"),
    ("candidates", "party"): ("parties", "code"),
    ("withdrawals", "contest"): ("contests", "code"),
    ("withdrawals", "candidate"): ("candidates", "code"),
    ("extensions", "contest"): ("contests", "code"),
    ("protocols", "station"): ("stations", "code"),
    ("votes", "candidate"): ("candidates", "code"),
    ("lot_draws", "contest"): ("contests", "code"),
    ("certifications", "contest"): ("contests", "code"),
    ("figures", "source"): ("sources", "code"),
    ("figures", "party"): ("parties", "code"),
    ("published_results", "source"): ("sources", "code"),
    ("published_votes", "candidate"): ("candidates", "code"),
    ("budget", "commission"): ("commissions", "code"),
    ("spending", "commission"): ("commissions", "code"),
    ("spending", "okrug"): ("okrugs", "code"),
    ("outcomes", "contest"): ("contests", "code"),
}

_TYPES = {
    ColumnType.STRING: "string",
    ColumnType.CODE: "string",
    ColumnType.COUNT: "integer",
    ColumnType.INTEGER: "integer",
    ColumnType.NUMBER: "number",
    ColumnType.DATE: "date",
    ColumnType.DATETIME: "datetime",
    ColumnType.BOOLEAN: "boolean",
    ColumnType.LIST: "array",
}


def present(data: OpenElection) -> list[TableSpec]:
    """The tables that have rows (the elections table always)."""
    return [spec for spec in TABLES if data.rows(spec.name) or spec.name == "elections"]


def table_csv(spec: TableSpec, data: OpenElection) -> str:
    """One table as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.names)
    for row in data.rows(spec.name):
        writer.writerow([to_text(c, row.get(c.name)) for c in spec.columns])
    return buffer.getvalue()


def write_csv(data: OpenElection, folder: Path) -> list[Path]:
    """The CSV files, ``export.json`` and ``README.md`` in ``folder``; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in present(data):
        path = folder / spec.filename
        path.write_text(table_csv(spec, data), encoding="utf-8")
        written.append(path)
    meta = folder / "export.json"
    meta.write_text(
        json.dumps(manifest(data, "csv"), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    readme = folder / "README.md"
    readme.write_text(readme_text(data, "csv"), encoding="utf-8")
    return [*written, meta, readme]


def manifest(data: OpenElection, fmt: str) -> dict[str, Any]:
    """What ``export.json`` holds: election, format, context, omissions, tables."""
    return {
        "election": data.election,
        "format": fmt,
        "synthetic": data.synthetic,
        "context": data.context.as_json() if data.context else None,
        "not_included": [o.as_json() for o in omissions(data, fmt)],
        "tables": [spec.name for spec in present(data)],
    }


def readme_text(data: OpenElection, fmt: str) -> str:
    """A README for the folder: the election, the record's state, tables and columns."""
    meta = data.meta
    lines = [
        f"# {meta.get('name_en')} ({data.election})",
        "",
        f"Exported by saylau as `{fmt}`.",
    ]
    if data.synthetic:
        lines += ["", "**SYNTHETIC DATA**: generated, not real."]
    context = data.context.as_json() if data.context else {}
    lines += [
        "",
        f"Generated at {context.get('generated_at')} (saylau {context.get('saylau_version')}).",
    ]
    head = context.get("audit_head")
    if head:
        lines.append(f"Audit log head: entry #{head['seq']}, hash `{head['hash']}` ({head['at']}).")
    checkpoint = context.get("checkpoint")
    lines.append(
        "Signed checkpoint: "
        + (
            f"#{checkpoint.get('seq')} head `{checkpoint.get('head')}` key "
            f"`{checkpoint.get('key')}`."
            if checkpoint
            else "none (the database holds no signed checkpoint)."
        )
    )
    left = omissions(data, fmt)
    if left:
        lines += ["", "## Not included", ""]
        lines += [f"- {o.key}: {o.count}" + (f" ({o.detail})" if o.detail else "") for o in left]
    lines += ["", "## Tables", ""]
    for spec in present(data):
        lines += [
            f"### `{spec.filename}` ({len(data.rows(spec.name))} rows)",
            "",
            spec.description + (" *Derived*." if spec.derived else ""),
            "",
            "| column | type | meaning |",
            "| --- | --- | --- |",
        ]
        lines += [f"| `{c.name}` | {c.type.value} | {c.description} |" for c in spec.columns]
        lines.append("")
    return "\n".join(lines) + "\n"


# --- the data package -----------------------------------------------------------------------


def _field(column: ColumnSpec) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": column.name,
        "type": _TYPES[column.type],
        "description": column.description,
    }
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if column.type is ColumnType.COUNT:
        constraints["minimum"] = 0
    if column.type is ColumnType.CODE:
        constraints["pattern"] = "[A-Za-z0-9][A-Za-z0-9._:-]*"
    if column.type is ColumnType.BOOLEAN:
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    if column.type is ColumnType.DATETIME:
        field["format"] = "%Y-%m-%dT%H:%M:%SZ"
    if constraints:
        field["constraints"] = constraints
    return field


def _resource(spec: TableSpec, names: set[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(c) for c in spec.columns],
        "missingValues": [""],
    }
    # Keys with an optional column (a candidate for the against-all line) are not primary keys
    # in Frictionless' sense (every part must be present); they are still unique.
    if all(spec.column(k).required for k in spec.key):
        schema["primaryKey"] = list(spec.key)
    foreign = [
        {"fields": column, "reference": {"resource": target, "fields": target_column}}
        for (table, column), (target, target_column) in FOREIGN_KEYS.items()
        if table == spec.name and target in names
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    return {
        "name": spec.name,
        "path": spec.filename,
        "title": spec.name.replace("_", " ").capitalize(),
        "description": spec.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def package_name(code: str) -> str:
    """A Frictionless package name (lower case, digits, '-', '_', '.')."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in code.lower())


def descriptor(data: OpenElection) -> dict[str, Any]:
    """The ``datapackage.json`` of the export."""
    meta = data.meta
    tables = present(data)
    names = {spec.name for spec in tables}
    sources = [
        {
            "title": str(s["title"]),
            **({"path": str(s["url"])} if s.get("url") else {}),
        }
        for s in data.rows("sources")
    ]
    context = data.context.as_json() if data.context else None
    return {
        "name": package_name(data.election),
        "title": str(meta.get("name_en")),
        "description": (
            f"{meta.get('name_en')} / {meta.get('name_ru')} / {meta.get('name_kk')}: the "
            "election as exported by saylau (places, candidates, protocols, results, "
            "outcomes and certifications, or the published figures it rests on)."
            + (" SYNTHETIC DATA: generated, not real." if data.synthetic else "")
        ),
        "created": context["generated_at"] if context else None,
        "keywords": ["Kazakhstan", "elections", "rural akims", "saylau"],
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0 (the compilation); the numbers are "
                "facts reported by the sources listed, reused on their own terms (sources.csv)",
            }
        ],
        "sources": sources or [{"title": "saylau database"}],
        "saylau": {
            "election": data.election,
            "synthetic": data.synthetic,
            "context": context,
            "checkpoint": context["checkpoint"] if context else None,
            "not_included": [o.as_json() for o in omissions(data, "datapackage")],
        },
        "resources": [_resource(spec, names) for spec in tables],
    }


def write_datapackage(data: OpenElection, folder: Path) -> list[Path]:
    """The CSVs, a README and ``datapackage.json`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in present(data):
        path = folder / spec.filename
        path.write_text(table_csv(spec, data), encoding="utf-8")
        written.append(path)
    readme = folder / "README.md"
    readme.write_text(readme_text(data, "datapackage"), encoding="utf-8")
    package = folder / "datapackage.json"
    package.write_text(
        json.dumps(descriptor(data), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return [*written, readme, package]


# --- reading back ---------------------------------------------------------------------------


def _raw_csv(spec: TableSpec, path: Path, display: str) -> RawTable:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        header = []
    raw = RawTable(spec, display, header)
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        raw.rows.append((line, cells))
    return raw


def read_folder(path: Path) -> OpenElection:
    """An export folder (CSV or data package) read back; DatasetError with every problem."""
    folder = path.parent if path.is_file() else path
    if not folder.is_dir():
        raise DatasetError([Problem(str(path), None, None, "I.023")])
    problems: list[Problem] = []
    raws: list[RawTable] = []
    for file in sorted(folder.iterdir()):
        if file.name in META_FILES or file.is_dir():
            continue
        spec = BY_NAME.get(file.stem) if file.suffix == ".csv" else None
        if spec is None:
            problems.append(
                Problem(file.name, None, None, "D.105", {"allowed": ", ".join(BY_NAME)})
            )
            continue
        try:
            raws.append(_raw_csv(spec, file, file.name))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            problems.append(Problem(file.name, None, None, "I.015", {"detail": str(exc)}))
    return assemble(None, raws, problems=problems)
