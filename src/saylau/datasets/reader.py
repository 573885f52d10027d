"""Read and validate dataset files (CSV or JSON) in the documented format.

Validation reports every problem of every file in one pass, each naming the file, line,
column and rule; nothing is returned unless the whole input is valid, so a caller can write
all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from saylau.datasets.format import BY_NAME, PERCENT_MEASURES, RESOURCES, Column, FieldType, Resource
from saylau.i18n import t

ALMATY = ZoneInfo("Asia/Almaty")
# Limits of the stored columns (codes are String(64); counts Integer; figures BigInteger
# scaled by up to 10**4), checked here so both databases refuse the same rows the same way.
MAX_CODE = 64
MAX_INT = 2**31 - 1
MAX_BIGINT = 2**63 - 1
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
REPUBLIC = "KZ"

Value = str | int | bool | Decimal | dt.date | dt.datetime | None
Row = dict[str, Value]


@dataclass(frozen=True)
class Problem:
    """One violation of the format: where it is and which rule it breaks."""

    file: str
    line: str | None
    column: str | None
    rule: str
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        """The rule's explanation in ``lang``."""
        return t(f"import.{self.rule}", lang, **self.params)

    def render(self, lang: str = "en") -> str:
        """``file:line: column: [rule] message`` for terminals and logs."""
        where = self.file + (f":{self.line}" if self.line else "")
        col = f" {t('import.column', lang)} '{self.column}':" if self.column else ""
        return f"{where}:{col} [{self.rule}] {self.message(lang)}"


class DatasetError(ValueError):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the input")
        self.problems = problems


@dataclass
class DatasetContent:
    """Validated, typed rows per resource, with where each row came from."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    origin: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class _RawTable:
    resource: Resource
    file: str
    header: list[str] | None
    rows: list[tuple[str, dict[str, object]]]  # (line, raw values)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _convert(column: Column, raw: object) -> tuple[Value, str | None, dict[str, object]]:
    """Convert one raw cell; return (value, rule broken or None, params)."""
    if _empty(raw):
        return None, ("I.003" if column.required else None), {}
    text = raw.strip() if isinstance(raw, str) else raw
    match column.type:
        case FieldType.STRING:
            value: Value = str(text)
        case FieldType.CODE:
            if not isinstance(text, str) or not CODE_RE.match(text):
                return None, "I.016", {"value": text}
            if len(text) > MAX_CODE:
                return None, "I.030", {"value": text[:20] + "…", "max": MAX_CODE}
            value = text
        case FieldType.COUNT | FieldType.INTEGER:
            if isinstance(text, bool) or not (
                isinstance(text, int) or (isinstance(text, str) and re.fullmatch(r"-?\d+", text))
            ):
                return None, "I.004", {"value": text}
            value = int(text)
            if column.type is FieldType.COUNT and value < 0:
                return None, "I.005", {"value": value}
            if abs(value) > MAX_INT:
                return None, "I.031", {"value": text, "max": MAX_INT}
        case FieldType.DECIMAL:
            if isinstance(text, bool):
                return None, "I.006", {"value": text}
            try:
                number = Decimal(str(text))
            except InvalidOperation:
                return None, "I.006", {"value": text}
            if not number.is_finite():
                return None, "I.006", {"value": text}
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > column.max_decimals:
                return None, "I.019", {"value": text, "digits": column.max_decimals}
            if abs(number.scaleb(column.max_decimals)) > MAX_BIGINT:
                return None, "I.031", {"value": text, "max": MAX_BIGINT // 10**column.max_decimals}
            value = number
        case FieldType.DATE:
            try:
                value = dt.date.fromisoformat(str(text))
            except ValueError:
                return None, "I.007", {"value": text}
        case FieldType.DATETIME:
            try:
                moment = dt.datetime.fromisoformat(str(text))
            except ValueError:
                return None, "I.027", {"value": text}
            value = moment if moment.tzinfo else moment.replace(tzinfo=ALMATY)
        case FieldType.BOOLEAN:
            if isinstance(text, bool):
                value = text
            elif isinstance(text, str) and text.lower() in ("true", "false"):
                value = text.lower() == "true"
            else:
                return None, "I.014", {"value": text}
    if column.enum is not None and value not in column.enum:
        return None, "I.008", {"value": value, "allowed": ", ".join(column.enum)}
    return value, None, {}


def _read_csv(
    path: Path, resource: Resource, display: str
) -> tuple[_RawTable | None, list[Problem]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(display, None, None, "I.015", {"detail": f"not UTF-8 ({exc.reason})"})
        ]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return None, [Problem(display, "1", None, "I.015", {"detail": "empty file"})]
    except csv.Error as exc:
        return None, [Problem(display, "1", None, "I.015", {"detail": str(exc)})]
    rows: list[tuple[str, dict[str, object]]] = []
    problems: list[Problem] = []
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        # A repeated column would silently keep only its last value.
        return None, [Problem(display, "1", name, "I.032", {}) for name in repeated]
    try:
        for cells in reader:
            line = str(reader.line_num)
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        display, line, None, "I.022", {"found": len(cells), "expected": len(header)}
                    )
                )
                continue
            rows.append((line, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        problems.append(Problem(display, str(reader.line_num), None, "I.015", {"detail": str(exc)}))
    return _RawTable(resource, display, header, rows), problems


def _read_json(path: Path, display: str) -> tuple[list[_RawTable], list[Problem]]:
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = str(getattr(exc, "lineno", "")) or None
        return [], [Problem(display, line, None, "I.015", {"detail": str(exc)})]
    if not isinstance(document, dict):
        return [], [
            Problem(display, None, None, "I.015", {"detail": "top level must be an object"})
        ]
    tables: list[_RawTable] = []
    problems: list[Problem] = []
    for name, items in document.items():
        if name in ("$schema", "name", "title", "description"):
            continue
        resource = BY_NAME.get(name)
        if resource is None:
            problems.append(
                Problem(
                    display,
                    f"/{name}",
                    None,
                    "I.018",
                    {"name": name, "allowed": ", ".join(BY_NAME)},
                )
            )
            continue
        if not isinstance(items, list):
            problems.append(
                Problem(
                    display,
                    f"/{name}",
                    None,
                    "I.015",
                    {"detail": f"'{name}' must be a list of objects"},
                )
            )
            continue
        rows: list[tuple[str, dict[str, object]]] = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(
                    Problem(
                        display,
                        f"/{name}/{index}",
                        None,
                        "I.015",
                        {"detail": "each row must be an object"},
                    )
                )
                continue
            rows.append((f"/{name}/{index}", item))
        tables.append(_RawTable(resource, display, None, rows))
    return tables, problems


def _collect(
    paths: Iterable[Path], resource_name: str | None
) -> tuple[list[_RawTable], list[Problem]]:
    tables: list[_RawTable] = []
    problems: list[Problem] = []
    for path in paths:
        display = str(path)
        if not path.exists():
            problems.append(Problem(display, None, None, "I.023", {}))
            continue
        if path.is_dir() or path.name == "datapackage.json":
            folder = path if path.is_dir() else path.parent
            found = [r for r in RESOURCES if (folder / r.filename).exists()]
            if not found:
                problems.append(Problem(display, None, None, "I.024", {}))
            for resource in found:
                table, found_problems = _read_csv(
                    folder / resource.filename, resource, str(folder / resource.filename)
                )
                problems.extend(found_problems)
                if table:
                    tables.append(table)
        elif path.suffix.lower() == ".json":
            found_tables, found_problems = _read_json(path, display)
            tables.extend(found_tables)
            problems.extend(found_problems)
        elif path.suffix.lower() == ".csv":
            name = resource_name or path.stem
            resource = BY_NAME.get(name)
            if resource is None:
                problems.append(
                    Problem(
                        display, None, None, "I.018", {"name": name, "allowed": ", ".join(BY_NAME)}
                    )
                )
                continue
            table, found_problems = _read_csv(path, resource, display)
            problems.extend(found_problems)
            if table:
                tables.append(table)
        else:
            problems.append(Problem(display, None, None, "I.025", {"suffix": path.suffix}))
    return tables, problems


def _check_header(table: _RawTable, problems: list[Problem]) -> set[str]:
    names = {c.name for c in table.resource.columns}
    present = (
        set(table.header)
        if table.header is not None
        else set().union(*(raw.keys() for _, raw in table.rows))
        if table.rows
        else set()
    )
    where = "1" if table.header is not None else None
    for column in table.resource.columns:
        if column.required and table.header is not None and column.name not in present:
            problems.append(Problem(table.file, where, column.name, "I.001", {}))
    allowed = {"allowed": ", ".join(c.name for c in table.resource.columns)}
    if table.header is None:
        # JSON rows carry their own keys: name the row (pointer) that has the unknown key.
        for line, raw in table.rows:
            for name in sorted(set(raw) - names):
                problems.append(Problem(table.file, line, name, "I.002", allowed))
        return present
    for name in sorted(present - names):
        problems.append(Problem(table.file, where, name, "I.002", allowed))
    return present


def _figure_rules(
    file: str, line: str, row: Row, regions: set[str], problems: list[Problem]
) -> None:
    """Rules that tie a figure's columns together (beyond one cell's type)."""
    value = row.get("value")
    measure = row.get("measure")
    if isinstance(value, Decimal) and isinstance(measure, str):
        if value < 0:
            problems.append(Problem(file, line, "value", "I.005", {"value": value}))
        elif measure in PERCENT_MEASURES:
            if value > 100:
                problems.append(Problem(file, line, "value", "I.017", {"value": value}))
        elif value != value.to_integral_value():
            problems.append(Problem(file, line, "value", "I.004", {"value": value}))
    level, unit = row.get("level"), row.get("unit")
    if level == "republic" and unit is not None and unit != REPUBLIC:
        problems.append(Problem(file, line, "unit", "I.021", {"value": unit, "level": level}))
    if level == "region" and unit is not None and unit not in regions:
        problems.append(Problem(file, line, "unit", "I.009", {"value": unit}))
    if row.get("party") is not None and row.get("nomination") not in (None, "party"):
        problems.append(Problem(file, line, "nomination", "I.020", {}))


def _candidate_rules(file: str, line: str, row: Row, problems: list[Problem]) -> None:
    """A candidate's way of nomination must fit the party column."""
    kind, party = row.get("nominated_by"), row.get("party")
    if kind == "party" and party is None:
        problems.append(Problem(file, line, "nominated_by", "I.033", {"value": kind}))
    if kind in ("self", "higher_akim") and party is not None:
        problems.append(Problem(file, line, "nominated_by", "I.033", {"value": kind}))


def read(
    paths: Iterable[Path],
    known: Mapping[str, set[str]] | None = None,
    resource_name: str | None = None,
) -> DatasetContent:
    """Read and validate files; raise :class:`DatasetError` listing every problem.

    ``known`` maps ``"resource.column"`` to keys already in the database, so a file may refer
    to a region or party stored earlier.
    """
    tables, problems = _collect(list(paths), resource_name)
    content = DatasetContent()
    for table in tables:
        present = _check_header(table, problems)
        resource = table.resource
        rows = content.rows.setdefault(resource.name, [])
        origin = content.origin.setdefault(resource.name, [])
        for line, raw in table.rows:
            row: Row = {}
            for column in resource.columns:
                if column.name not in present:
                    row[column.name] = None
                    if column.required and table.header is None:
                        problems.append(Problem(table.file, line, column.name, "I.003", {}))
                    continue
                value, rule, params = _convert(column, raw.get(column.name))
                if rule:
                    problems.append(Problem(table.file, line, column.name, rule, params))
                row[column.name] = value
            rows.append(row)
            origin.append((table.file, line))

    # Keys: unique within the input, then references resolve to the input or the database.
    keys: dict[str, set[str]] = {k: set(v) for k, v in (known or {}).items()}
    for resource in RESOURCES:
        seen: dict[tuple[Value, ...], str] = {}
        for row, (file, line) in zip(
            content.rows.get(resource.name, []), content.origin.get(resource.name, []), strict=True
        ):
            key = tuple(row.get(k) for k in resource.key)
            if key in seen:
                problems.append(
                    Problem(
                        file,
                        line,
                        resource.key[0],
                        "I.013",
                        {"value": "/".join(str(k) for k in key), "first": seen[key]},
                    )
                )
            else:
                seen[key] = line
            if len(resource.key) == 1 and row.get(resource.key[0]) is not None:
                keys.setdefault(f"{resource.name}.{resource.key[0]}", set()).add(
                    str(row[resource.key[0]])
                )
    rules = {
        "regions.code": "I.009",
        "parties.code": "I.010",
        "sources.code": "I.011",
        "elections.code": "I.012",
        "districts.code": "I.028",
        "okrugs.code": "I.029",
    }
    regions = keys.get("regions.code", set())
    for resource in RESOURCES:
        for row, (file, line) in zip(
            content.rows.get(resource.name, []), content.origin.get(resource.name, []), strict=True
        ):
            for column in resource.columns:
                value = row.get(column.name)
                if (
                    column.ref
                    and value is not None
                    and str(value) not in keys.get(column.ref, set())
                ):
                    problems.append(
                        Problem(
                            file,
                            line,
                            column.name,
                            rules.get(column.ref, "I.026"),
                            {"value": value},
                        )
                    )
            if resource.name == "figures":
                _figure_rules(file, line, row, regions, problems)
            if resource.name == "candidates":
                _candidate_rules(file, line, row, problems)
    if problems:
        raise DatasetError(problems)
    return content
