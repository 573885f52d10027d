"""Excel workbooks (XlsxWriter), for commissions and newsrooms that work in Excel.

The workbook opens with an *About* sheet (the election, the state of the record, the
sources, what is left out, and what every column means), then one sheet per level
(republic, regions, districts, okrugs, stations: progress, voters, ballots, turnout), the
votes by candidate in every okrug and every station, and every other table. Headers are in
the chosen language, bold, wrapped and frozen; numbers are numbers, dates are dates.

The workbook reads back (:func:`read_xlsx`) whatever language its headers and sheet names
are in, with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from saylau.datasets.reader import DatasetError, Problem
from saylau.exports.cells import to_text
from saylau.exports.csvfiles import present
from saylau.exports.model import OpenElection, Row
from saylau.exports.omissions import omissions
from saylau.exports.spec import BY_NAME, LEVELS, ColumnSpec, ColumnType, TableSpec
from saylau.exports.tables import RawTable, assemble, header_text
from saylau.i18n import LANGS, t

MAX_CELL = 32767  # characters Excel holds in one cell
SPLIT = {"totals": LEVELS, "results": ("okrug", "station")}


def sheet_key(table: str, level: str | None = None) -> str:
    """Message id of a sheet's name."""
    if table == "about":
        return "od.sheet.about"
    if level is not None:
        return f"od.sheet.{table}.{level}"
    return BY_NAME[table].title_key


def sheet_name(key: str, lang: str) -> str:
    """A sheet name in ``lang`` (Excel allows 31 characters and no ``[]:*?/\\``)."""
    text = t(key, lang)
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31]


def sheets() -> dict[str, tuple[str, str | None]]:
    """Every known sheet name (any language, loosely compared) → (table, level)."""
    out: dict[str, tuple[str, str | None]] = {}
    keys: list[tuple[str, str, str | None]] = [("od.sheet.about", "about", None)]
    for spec in BY_NAME.values():
        if spec.name in SPLIT:
            keys += [(sheet_key(spec.name, level), spec.name, level) for level in SPLIT[spec.name]]
        else:
            keys.append((sheet_key(spec.name), spec.name, None))
    for key, table, level in keys:
        for lang in LANGS:
            out[header_text(sheet_name(key, lang))] = (table, level)
        out[header_text(table if level is None else f"{table}.{level}")] = (table, level)
    return out


class _Book:
    def __init__(self, path: Path) -> None:
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
        self.header = self.book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        )
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.bold = self.book.add_format({"bold": True})
        self.warning = self.book.add_format(
            {"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"}
        )
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.integer = self.book.add_format({"num_format": "#,##0"})
        self.decimal = self.book.add_format({"num_format": "0.00"})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})

    def table(self, name: str, spec: TableSpec, rows: list[Row], lang: str) -> None:
        sheet = self.book.add_worksheet(name)
        widths = []
        for col, column in enumerate(spec.columns):
            header = t(column.header_key, lang)
            sheet.write_string(0, col, header, self.header)
            widths.append(min(max(len(header) // 2 + 2, 10), 40))
        for r, row in enumerate(rows, start=1):
            for col, column in enumerate(spec.columns):
                width = self.cell(sheet, r, col, column, row.get(column.name))
                widths[col] = min(max(widths[col], width), 60)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        sheet.set_row(0, 45)
        sheet.freeze_panes(1, 0)
        if rows:
            sheet.autofilter(0, 0, len(rows), len(spec.columns) - 1)

    def cell(self, sheet: Any, r: int, c: int, column: ColumnSpec, value: object) -> int:
        if value is None:
            return 0
        match column.type:
            case ColumnType.COUNT | ColumnType.INTEGER:
                sheet.write_number(r, c, int(value), self.integer)  # type: ignore[call-overload]
                return len(str(value)) + 2
            case ColumnType.NUMBER:
                sheet.write_number(r, c, float(value), self.decimal)  # type: ignore[arg-type]
                return len(str(value)) + 2
            case ColumnType.BOOLEAN:
                sheet.write_boolean(r, c, bool(value))
                return 6
            case ColumnType.DATE:
                assert isinstance(value, dt.date)
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), self.date)
                return 11
            case _:
                text = to_text(column, value)  # type: ignore[arg-type]
                if len(text) > MAX_CELL:
                    raise ValueError(f"{column.name}: {len(text)} characters do not fit a cell")
                sheet.write_string(r, c, text)
                return min(len(text), 50) + 1

    def about(self, data: OpenElection, lang: str) -> None:
        sheet = self.book.add_worksheet(sheet_name("od.sheet.about", lang))
        meta = data.meta
        context = data.context.as_json() if data.context else {}
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 1, 100)
        sheet.write_string(0, 0, str(meta.get(f"name_{lang}")), self.title)
        r = 2
        if data.synthetic:
            sheet.write_string(1, 0, t("od.about.synthetic", lang), self.warning)

        def line(key: str, value: object) -> None:
            nonlocal r
            sheet.write_string(r, 0, t(key, lang), self.bold)
            sheet.write_string(r, 1, "" if value is None else str(value), self.wrap)
            r += 1

        line("od.about.election", data.election)
        line("od.about.date", meta.get("date"))
        line("od.about.law", meta.get("law_version"))
        line(
            "od.about.generated",
            f"{context.get('generated_at')} (saylau {context.get('saylau_version')})",
        )
        head = context.get("audit_head")
        line(
            "od.about.audit_head",
            t("od.about.head", lang, seq=head["seq"], hash=head["hash"], at=head["at"])
            if head
            else "-",
        )
        checkpoint = context.get("checkpoint")
        line(
            "od.about.checkpoint",
            json.dumps(checkpoint, ensure_ascii=False)
            if checkpoint
            else t("od.about.no_checkpoint", lang),
        )
        for source in data.rows("sources"):
            line("od.about.source", f"{source['code']}: {source['citation']}")
        for item in omissions(data, "xlsx"):
            line("od.about.left_out", f"{t(f'od.omit.{item.key}', lang)}: {item.count}")
        r += 1
        sheet.write_string(r, 0, t("od.about.columns", lang), self.title)
        r += 1
        for col, key in enumerate(
            (
                "od.about.col.sheet",
                "od.about.col.column",
                "od.about.col.key",
                "od.about.col.meaning",
            )
        ):
            sheet.write_string(r, col, t(key, lang), self.header)
        sheet.set_column(2, 3, 30)
        r += 1
        for spec in present(data):
            for column in spec.columns:
                sheet.write_string(
                    r,
                    0,
                    sheet_name(
                        sheet_key(spec.name, SPLIT[spec.name][0])
                        if spec.name in SPLIT
                        else sheet_key(spec.name),
                        lang,
                    ),
                )
                sheet.write_string(r, 1, t(column.header_key, lang))
                sheet.write_string(r, 2, column.name)
                sheet.write_string(r, 3, column.description, self.wrap)
                r += 1

    def close(self) -> None:
        self.book.close()


def write_xlsx(data: OpenElection, path: Path, lang: str = "en") -> list[Path]:
    """The workbook at ``path``, headers and sheet names in ``lang``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = _Book(path)
    book.about(data, lang)
    order = ["totals", "results"] + [s.name for s in present(data) if s.name not in SPLIT]
    for name in order:
        spec = BY_NAME[name]
        if name in SPLIT:
            for level in SPLIT[name]:
                rows = [r for r in data.rows(name) if r["level"] == level]
                if rows:
                    book.table(sheet_name(sheet_key(name, level), lang), spec, rows, lang)
        elif data.rows(name) or name == "elections":
            book.table(sheet_name(sheet_key(name), lang), spec, data.rows(name), lang)
    book.close()
    return [path]


def read_xlsx(path: Path) -> OpenElection:
    """A workbook written by :func:`write_xlsx` (in any language) read back."""
    from openpyxl import load_workbook

    if not path.is_file():
        raise DatasetError([Problem(str(path), None, None, "I.023")])
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a broken file
        raise DatasetError([Problem(path.name, None, None, "I.015", {"detail": str(exc)})]) from exc
    known = sheets()
    problems: list[Problem] = []
    raws: list[RawTable] = []
    try:
        for sheet in book.worksheets:
            found = known.get(header_text(sheet.title))
            if found is None:
                problems.append(
                    Problem(
                        f"{path.name} [{sheet.title}]", None, None, "D.107", {"value": sheet.title}
                    )
                )
                continue
            table, _level = found
            if table == "about":
                continue
            rows = sheet.iter_rows(values_only=True)
            header = list(next(rows, ()) or ())
            raw = RawTable(BY_NAME[table], f"{path.name} [{sheet.title}]", header)
            for line, values in enumerate(rows, start=2):
                if values is None or all(
                    v is None or (isinstance(v, str) and not v.strip()) for v in values
                ):
                    continue
                raw.rows.append((line, list(values)))
            raws.append(raw)
    finally:
        book.close()
    return assemble(None, raws, problems=problems)
