"""The Python API for notebooks: ``saylau.load_bundled()`` and ``saylau.seed_table()``."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

import saylau
from saylau.datasets import bundled
from saylau.datasets.format import RESOURCES, FieldType
from saylau.i18n import LANGS, t
from saylau.service import Saylau

_POLARS_TYPES = {
    FieldType.COUNT: pl.Int64,
    FieldType.INTEGER: pl.Int64,
    FieldType.BOOLEAN: pl.Boolean,
    FieldType.DATE: pl.Date,
    FieldType.STRING: pl.String,
    FieldType.CODE: pl.String,
    FieldType.DECIMAL: pl.String,  # the exact published text, never a float
}


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return saylau.load_bundled()


def test_load_bundled_returns_every_resource_as_polars(frames: dict[str, pl.DataFrame]) -> None:
    assert {"sources", "regions", "parties", "party_names", "party_lineage", "elections",
            "figures"} <= set(frames)
    assert all(isinstance(frame, pl.DataFrame) and frame.height > 0 for frame in frames.values())


def test_columns_are_typed_per_the_format(frames: dict[str, pl.DataFrame]) -> None:
    for resource in RESOURCES:
        if resource.name not in frames:
            continue
        frame = frames[resource.name]
        for column in resource.columns:
            if column.name in frame.columns and column.type in _POLARS_TYPES:
                assert frame.schema[column.name] == _POLARS_TYPES[column.type], (
                    resource.name, column.name, frame.schema[column.name])


def test_figures_frame_types_and_exact_values(frames: dict[str, pl.DataFrame]) -> None:
    figures = frames["figures"]
    assert figures.filter(pl.col("source") == "seed-serikbayev-sergazin").height == 150
    assert figures.schema["position"] == pl.Int64
    assert figures.schema["approximate"] == pl.Boolean
    assert figures.schema["value"] == pl.String
    assert figures.schema["value_num"] == pl.Float64
    share = figures.filter(pl.col("id") == "t2-candidates-party-pct").row(0, named=True)
    assert share["value"] == "38.2" and Decimal(share["value"]) == Decimal("38.2")
    assert share["value_num"] == pytest.approx(38.2)
    voters = figures.filter(pl.col("measure") == "voters").row(0, named=True)
    assert voters["approximate"] is True and voters["value"] == "1200000"
    # Polars arithmetic works on the typed columns.
    winners = figures.filter((pl.col("measure") == "winners") & (pl.col("unit") == "KZ-61"))
    assert int(winners["value_num"].sum()) == 166


def test_dates_and_booleans_are_typed(frames: dict[str, pl.DataFrame]) -> None:
    import datetime as dt

    election = frames["elections"].row(0, named=True)
    assert election["date"] == dt.date(2021, 7, 25) and election["synthetic"] is False
    adal = frames["parties"].filter(pl.col("code") == "adal").row(0, named=True)
    assert adal["dissolved"] == dt.date(2022, 3, 16)
    assert frames["sources"].schema["synthetic"] == pl.Boolean


def test_load_bundled_rejects_an_unknown_dataset() -> None:
    with pytest.raises(bundled.UnknownDatasetError, match="not bundled"):
        saylau.load_bundled("kz-1995-nothing")


def test_seed_table_3_in_russian_has_the_papers_numbers() -> None:
    frame = saylau.seed_table(3, "ru")
    assert isinstance(frame, pl.DataFrame)
    assert frame.columns == ["indicator", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-63", "KZ-31",
                             "KZ-27", "KZ-35", "computed_total"]
    assert frame.schema["KZ-11"] == pl.Int64
    assert frame.row(0)[1:] == (95, 35, 71, 18, 77, 38, 31, 75, 440)
    assert frame.row(1)[1:] == (290, 105, 235, 52, 232, 111, 81, 257, 1363)
    assert frame.row(2)[1:] == (74, 28, 57, 15, 60, 31, 22, 56, 343)
    assert frame.row(8)[1:] == (14, 2, 11, 2, 2, 3, 7, 14, 55)
    assert frame["indicator"][0] == t("seed.t3.row.okrugs", "ru")
    assert "Nur Otan" in frame["indicator"][2]


def test_seed_table_4_totals() -> None:
    frame = saylau.seed_table(4, "en")
    assert frame.row(0)[1:] == (65, 40, 10, 44, 71, 60, 290)
    assert frame.row(frame.height - 1)[1:] == (65, 40, 10, 44, 71, 166, 396)


@pytest.mark.parametrize("lang", LANGS)
def test_seed_tables_1_and_2_in_every_language(lang: str) -> None:
    table1 = saylau.seed_table(1, lang)
    assert table1["members"].to_list() == [850000, 298564, 255800, 111875, 105000, 16000]
    assert table1["founded"].to_list() == [1999, 2000, 2002, 2013, 2004, 2006]
    table2 = saylau.seed_table(2, lang)
    assert table2["value"].to_list() == [1200000, 1847, 2297, 878, 1419, 1839, 458]
    assert table2["share_pct"].to_list()[3:5] == [pytest.approx(38.2), pytest.approx(61.8)]
    assert table2["computed_regions"].to_list()[2] == 2172


def test_seed_table_rejects_other_numbers() -> None:
    with pytest.raises(ValueError, match="tables 1-4"):
        saylau.seed_table(5)


def test_seed_table_from_files_equals_seed_table_from_database(sqlite_service: Saylau) -> None:
    from saylau.reports import seed_tables

    inputs = sqlite_service.seed_inputs()
    for number in seed_tables.TABLES:
        from_db = seed_tables.frame(seed_tables.build(inputs, number, "kk"))
        assert from_db.equals(saylau.seed_table(number, "kk")), number


def test_figures_frame_from_the_database(sqlite_service: Saylau) -> None:
    frame = sqlite_service.figures_frame()
    assert frame.filter(pl.col("source") == "seed-serikbayev-sergazin").height == 150
    assert frame.schema["value"] == pl.String and frame.schema["value_num"] == pl.Float64
    bundled_values = dict(saylau.load_bundled()["figures"].select("id", "value").iter_rows())
    stored = dict(frame.select("id", "value").iter_rows())
    assert {k: v for k, v in stored.items() if k in bundled_values} == bundled_values
