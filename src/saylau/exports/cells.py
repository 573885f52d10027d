"""Cell values of the export tables: as text (CSV), and parsed back from text or from the
native values of Parquet and Excel, with a problem naming the rule when a value is wrong.

Rule codes are those of the dataset reader (``I.0xx``, :mod:`saylau.datasets.reader`) so a
bad cell reads the same whatever the file; ``D.1xx`` are the rules of open-data files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

from saylau.datasets.reader import Problem
from saylau.exports.model import Value
from saylau.exports.spec import ColumnSpec, ColumnType

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
INT_RE = re.compile(r"^[+-]?\d+$")
MAX_INT = 2**63 - 1


class CellError(ValueError):
    """A value that does not fit its column: the rule and its message parameters."""

    def __init__(self, rule: str, **params: object) -> None:
        super().__init__(rule)
        self.rule = rule
        self.params = params


def to_text(column: ColumnSpec, value: Value) -> str:
    """The value as the text of a CSV cell ("" for none)."""
    if value is None:
        return ""
    match column.type:
        case ColumnType.BOOLEAN:
            return "true" if value else "false"
        case ColumnType.DATETIME:
            assert isinstance(value, dt.datetime)
            return datetime_text(value)
        case ColumnType.DATE:
            assert isinstance(value, dt.date)
            return value.isoformat()
        case ColumnType.LIST:
            assert isinstance(value, list)
            return json.dumps(value, ensure_ascii=False)
        case ColumnType.NUMBER:
            return format(value, "f") if isinstance(value, Decimal) else str(value)
        case _:
            return str(value)


def datetime_text(value: dt.datetime) -> str:
    """A moment in UTC, ISO 8601 to the second with ``Z`` (``2025-07-20T15:04:05Z``)."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    # isoformat pads the year to four digits (strftime does not before year 1000)
    return aware.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def native(column: ColumnSpec, value: Value) -> object:
    """The value as Parquet and Excel hold it (numbers as float, lists as JSON text for Excel
    is done by the writer)."""
    if value is None:
        return None
    if column.type is ColumnType.NUMBER:
        return float(value)  # type: ignore[arg-type]
    return value


def parse(column: ColumnSpec, raw: object) -> Value:
    """``raw`` (text, or a native value of Parquet/Excel) as the column's value.

    Raises :class:`CellError` with the rule it breaks; empty text is None.
    """
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if column.required:
            raise CellError("I.003")
        return None
    match column.type:
        case ColumnType.STRING:
            return raw if isinstance(raw, str) else _plain(raw)
        case ColumnType.CODE:
            text = raw.strip() if isinstance(raw, str) else _plain(raw)
            if not CODE_RE.match(text):
                raise CellError("I.016", value=text)
            return text
        case ColumnType.COUNT | ColumnType.INTEGER:
            number = _integer(raw)
            if column.type is ColumnType.COUNT and number < 0:
                raise CellError("I.005", value=number)
            return number
        case ColumnType.NUMBER:
            return _decimal(raw)
        case ColumnType.DATE:
            return _date(raw)
        case ColumnType.DATETIME:
            return _datetime(raw)
        case ColumnType.BOOLEAN:
            return _boolean(raw)
        case ColumnType.LIST:
            return _list(raw)
    raise AssertionError(column.type)  # pragma: no cover


def enum_check(column: ColumnSpec, value: Value) -> None:
    """Raise I.008 when the column has allowed values and ``value`` is not one."""
    if column.enum and value is not None and value not in column.enum:
        raise CellError("I.008", value=value, allowed=", ".join(column.enum))


def problem(file: str, line: int | str | None, column: str | None, error: CellError) -> Problem:
    """A reader problem for a bad cell."""
    return Problem(file, None if line is None else str(line), column, error.rule, error.params)


def _plain(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _integer(raw: object) -> int:
    if isinstance(raw, bool):
        raise CellError("I.004", value=raw)
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        # Excel holds every number as a float; 12.0 is the count 12, 12.5 is not a count.
        if not raw.is_integer():
            raise CellError("I.004", value=raw)
        number = int(raw)
    elif isinstance(raw, Decimal):
        if raw != raw.to_integral_value():
            raise CellError("I.004", value=raw)
        number = int(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace("\u202f", "")
        if not INT_RE.match(text):
            raise CellError("I.004", value=str(raw).strip())
        number = int(text)
    if abs(number) > MAX_INT:
        raise CellError("I.031", value=number, max=MAX_INT)
    return number


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise CellError("I.006", value=raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError("I.006", value=raw)
        return Decimal(repr(raw))
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    text = str(raw).strip()
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CellError("I.006", value=text) from exc
    if not value.is_finite():
        raise CellError("I.006", value=text)
    return value


def _date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time(0, 0):
            raise CellError("I.007", value=raw.isoformat())
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CellError("I.007", value=text) from exc


def _datetime(raw: object) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        text = str(raw).strip()
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise CellError("I.027", value=text) from exc
        if value.tzinfo is None:
            raise CellError("D.101", value=text)
    if value.tzinfo is None:  # Parquet and Excel values of these columns are UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise CellError("I.014", value=str(raw))


def _list(raw: object) -> list[str]:
    if isinstance(raw, list | tuple):
        items = list(raw)
    else:
        text = str(raw).strip()
        try:
            items = json.loads(text)
        except ValueError as exc:
            raise CellError("D.102", value=text) from exc
        if not isinstance(items, list):
            raise CellError("D.102", value=text)
    if not all(isinstance(item, str) for item in items):
        raise CellError("D.102", value=json.dumps(items, ensure_ascii=False))
    return [str(item) for item in items]
