"""Cells of the export tables: any value of a column's type survives its text (CSV) and its
native form (Parquet, Excel); a value that does not fit is refused with the rule it breaks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.exports.cells import CellError, native, parse, to_text
from saylau.exports.spec import ColumnSpec, ColumnType

VALUES = {
    ColumnType.STRING: st.text(min_size=1).filter(lambda s: s.strip() == s and s),
    ColumnType.CODE: st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,20}\Z"),
    ColumnType.COUNT: st.integers(0, 2**62),
    ColumnType.INTEGER: st.integers(-(2**62), 2**62),
    ColumnType.NUMBER: st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9
    ),
    ColumnType.DATE: st.dates(),
    ColumnType.DATETIME: st.datetimes(timezones=st.just(dt.UTC)).map(
        lambda d: d.replace(microsecond=0)
    ),
    ColumnType.BOOLEAN: st.booleans(),
    ColumnType.LIST: st.lists(st.text(max_size=8)),
}


@pytest.mark.parametrize("kind", list(ColumnType))
@given(data=st.data())
def test_values_survive_text_and_native_forms(kind, data):
    column = ColumnSpec("x", kind, "")
    value = data.draw(VALUES[kind])
    assert parse(column, to_text(column, value)) == value
    if kind is not ColumnType.NUMBER:  # numbers travel as floats in Parquet and Excel
        assert parse(column, native(column, value)) == value


@pytest.mark.parametrize(
    ("kind", "raw", "rule"),
    [
        (ColumnType.COUNT, "73,7%", "I.004"),
        (ColumnType.COUNT, -1, "I.005"),
        (ColumnType.COUNT, 12.5, "I.004"),
        (ColumnType.COUNT, True, "I.004"),
        (ColumnType.NUMBER, "abc", "I.006"),
        (ColumnType.DATE, "20.07.2025", "I.007"),
        (ColumnType.DATETIME, "2025-07-20T10:00", "D.101"),
        (ColumnType.BOOLEAN, "yes", "I.014"),
        (ColumnType.LIST, "a, b", "D.102"),
        (ColumnType.CODE, "два слова", "I.016"),
    ],
)
def test_values_that_do_not_fit(kind, raw, rule):
    with pytest.raises(CellError) as error:
        parse(ColumnSpec("x", kind, ""), raw)
    assert error.value.rule == rule


def test_excel_counts_and_required_cells():
    count = ColumnSpec("x", ColumnType.COUNT, "", required=True)
    assert parse(count, 12.0) == 12  # Excel holds every number as a float
    assert parse(ColumnSpec("x", ColumnType.NUMBER, ""), 0.1) == Decimal("0.1")
    with pytest.raises(CellError) as error:
        parse(count, "  ")
    assert error.value.rule == "I.003"
