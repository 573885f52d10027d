"""A report table and its renderings: terminal (Rich), CSV, Markdown, JSON.

Every command prints through this one type, so ``--format text|csv|md|json`` means the same
everywhere. Cells keep the raw value (for CSV and JSON) beside its localised display text.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from rich.console import Console
from rich.table import Table

Align = Literal["left", "right"]
Raw = str | int | Decimal | bool | None


class OutputFormat(StrEnum):
    """Output formats shared by all commands."""

    TEXT = "text"
    CSV = "csv"
    MD = "md"
    JSON = "json"


@dataclass(frozen=True)
class Cell:
    """A value with its display text; ``flag`` marks a cell that needs attention."""

    raw: Raw
    text: str
    flag: bool = False
    ref: str | None = None  # id of the figure the value comes from


@dataclass(frozen=True)
class Col:
    """A column: stable key (CSV/JSON), header (display) and alignment."""

    key: str
    header: str
    align: Align = "left"


@dataclass
class ReportTable:
    """A titled table with notes and a source line."""

    name: str
    title: str
    columns: list[Col]
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str | None = None
    meta: dict[str, object] = field(default_factory=dict)

    def records(self) -> list[dict[str, Raw]]:
        """Rows as dictionaries keyed by column key, raw values."""
        return [
            {c.key: cell.raw for c, cell in zip(self.columns, row, strict=True)}
            for row in self.rows
        ]


def _raw_json(value: Raw) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _raw_csv(value: Raw) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_text(tables: list[ReportTable], width: int | None = None) -> str:
    """Render tables for a terminal, with flagged cells marked."""
    console = Console(file=io.StringIO(), width=width or 160, record=True, color_system=None)
    for table in tables:
        rich = Table(title=table.title, title_justify="left", show_lines=False)
        for col in table.columns:
            # No min_width: Rich re-applies it after shrinking a too-wide table to the console,
            # which then crops the last columns (the computed totals) off the output.
            rich.add_column(col.header, justify=col.align, overflow="fold")
        for row in table.rows:
            rich.add_row(*[f"{c.text} ⚠" if c.flag else c.text for c in row])
        console.print(rich)
        if table.source:
            console.print(table.source)
        for note in table.notes:
            console.print(f"• {note}")
        console.print()
    return console.export_text()


def to_csv(tables: list[ReportTable]) -> str:
    """Render tables as CSV (column keys as header); tables are separated by a blank line."""
    out = io.StringIO()
    for index, table in enumerate(tables):
        if index:
            out.write("\n")
        writer = csv.writer(out, lineterminator="\n")
        if len(tables) > 1:
            writer.writerow(["table", *[c.key for c in table.columns]])
        else:
            writer.writerow([c.key for c in table.columns])
        for row in table.rows:
            cells = [_raw_csv(c.raw) for c in row]
            writer.writerow([table.name, *cells] if len(tables) > 1 else cells)
    return out.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(tables: list[ReportTable]) -> str:
    """Render tables as GitHub-flavoured Markdown."""
    parts: list[str] = []
    for table in tables:
        lines = [f"### {_md_escape(table.title)}", ""]
        lines.append("| " + " | ".join(_md_escape(c.header) for c in table.columns) + " |")
        lines.append(
            "| " + " | ".join("---:" if c.align == "right" else "---" for c in table.columns) + " |"
        )
        for row in table.rows:
            lines.append(
                "| "
                + " | ".join(_md_escape(f"**{c.text}** ⚠" if c.flag else c.text) for c in row)
                + " |"
            )
        if table.source:
            lines += ["", _md_escape(table.source)]
        lines += [f"- {_md_escape(n)}" for n in table.notes]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def to_json(tables: list[ReportTable]) -> str:
    """Render tables as JSON: a list of {name, title, columns, rows, flags, notes, source, meta}."""
    payload = [
        {
            "name": t.name,
            "title": t.title,
            "columns": [{"key": c.key, "header": c.header} for c in t.columns],
            "rows": [
                {c.key: _raw_json(cell.raw) for c, cell in zip(t.columns, row, strict=True)}
                for row in t.rows
            ],
            "flags": [
                [c.key for c, cell in zip(t.columns, row, strict=True) if cell.flag]
                for row in t.rows
            ],
            "refs": [
                {c.key: cell.ref for c, cell in zip(t.columns, row, strict=True) if cell.ref}
                for row in t.rows
            ],
            "notes": t.notes,
            "source": t.source,
            "meta": t.meta,
        }
        for t in tables
    ]
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"


def render(tables: list[ReportTable], fmt: OutputFormat | str) -> str:
    """Render in one of the shared output formats."""
    match OutputFormat(fmt):
        case OutputFormat.TEXT:
            return to_text(tables)
        case OutputFormat.CSV:
            return to_csv(tables)
        case OutputFormat.MD:
            return to_markdown(tables)
        case OutputFormat.JSON:
            return to_json(tables)
