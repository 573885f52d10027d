"""The tabular exports (Frictionless data package, CSV, Parquet, Excel): every election exports
and validates, reads back and imports into another database losing nothing, holds numbers as
numbers in long tables, and a bad or edited file is refused with its row and column."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil

import polars as pl
import pytest
from frictionless import validate as frictionless_validate
from openpyxl import load_workbook
from sqlalchemy import func, select

from saylau.datasets.reader import DatasetError
from saylau.exports import collect, export_election, import_election, read_export
from saylau.exports.excel import sheet_name
from saylau.exports.load import NOT_CARRIED
from saylau.exports.model import comparable
from saylau.i18n import t
from saylau.security.actor import Actor, Role
from saylau.store.schema import AuditRow, ElectionRow, ProtocolRow

from .conftest import ALL, BUNDLED, empty, output

TABULAR = ("datapackage", "csv", "parquet", "xlsx")
ACTOR = Actor("importer", Role.ADMIN)


def tables_of(service, code):
    with service.session() as session:
        return collect(session, code)


@pytest.mark.parametrize("fmt", TABULAR)
@pytest.mark.parametrize("code", ALL)
def test_every_election_reads_back_unchanged(source, tmp_path, code, fmt):
    path = output(tmp_path, code, fmt)
    export_election(source, code, fmt, path, lang="kk")
    assert comparable(read_export(path, fmt)) == comparable(tables_of(source, code))


@pytest.mark.parametrize("code", ALL)
def test_every_data_package_is_valid_frictionless(source, tmp_path, code):
    path = output(tmp_path, code, "datapackage")
    export_election(source, code, "datapackage", path)
    report = frictionless_validate(str(path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((path / "datapackage.json").read_text("utf-8"))
    context = descriptor["saylau"]["context"]
    with source.session() as session:
        head = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).one()
    assert context["audit_head"] == {
        "seq": head.seq,
        "hash": head.hash,
        "at": context["audit_head"]["at"],
    }
    # the record layer's signed checkpoint, when the database has one; never made up
    assert descriptor["saylau"]["checkpoint"] == context["checkpoint"]
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert {s["title"] for s in descriptor["sources"]}


@pytest.mark.parametrize("fmt", TABULAR)
@pytest.mark.parametrize("code", ALL)
def test_round_trip_through_another_database(source, tmp_path, code, fmt):
    path = output(tmp_path, code, fmt)
    export_election(source, code, fmt, path, lang="ru")
    target = empty(f"sqlite:///{tmp_path / 'target.db'}")
    try:
        import_election(target, path, fmt, actor=ACTOR)
        again = tables_of(target, code)
    finally:
        target.engine.dispose()
    assert comparable(again, skip=NOT_CARRIED) == comparable(
        tables_of(source, code), skip=NOT_CARRIED
    )


@pytest.mark.parametrize("code", ("every-rule-2025", BUNDLED))
def test_round_trip_on_each_backend(source, db_url, tmp_path, code):
    path = output(tmp_path, code, "datapackage")
    export_election(source, code, "datapackage", path)
    target = empty(db_url)
    try:
        import_election(target, path, "datapackage", actor=ACTOR)
        again = tables_of(target, code)
        with target.session() as session:
            if code != BUNDLED:  # the corrected protocol was submitted again, as version 2
                versions = session.scalars(
                    select(ProtocolRow.version).where(ProtocolRow.station == "er-ps-303")
                ).all()
                assert sorted(versions) == [1, 2]
    finally:
        target.engine.dispose()
    assert comparable(again, skip=NOT_CARRIED) == comparable(
        tables_of(source, code), skip=NOT_CARRIED
    )


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def test_csv_tables_are_long_with_numbers_as_numbers(source, tmp_path):
    path = output(tmp_path, "demo-2025", "csv")
    export_election(source, "demo-2025", "csv", path)
    results = read_csv(path / "results.csv")
    # one row per unit x ballot line: 3 candidates and against all in 2 stations and the okrug
    zhanaauyl = [r for r in results if r["okrug"] == "demo-zhanaauyl"]
    assert len(zhanaauyl) == (2 + 1) * (3 + 1)
    okrug = {r["candidate"] or r["line"]: r for r in zhanaauyl if r["level"] == "okrug"}
    assert okrug["demo-c01"]["votes"] == "983"
    assert okrug["demo-c01"]["share_pct"] == "46.97"  # 983 of 2,093 ballots in the boxes
    assert okrug["against_all"]["votes"] == "53"
    text = (path / "results.csv").read_text("utf-8")
    assert "%" not in text and '"983"' not in text
    totals = {(r["level"], r["unit"]): r for r in read_csv(path / "totals.csv")}
    assert (
        totals[("republic", "KZ")]["turnout_pct"] == "73.74"
    )  # 4,019 ballots issued, 5,450 voters
    assert totals[("okrug", "demo-zhanaauyl")]["stations_reported"] == "2"
    readme = (path / "README.md").read_text("utf-8")
    assert "`share_pct`" in readme and "SYNTHETIC" in readme
    meta = json.loads((path / "export.json").read_text("utf-8"))
    assert {o["what"] for o in meta["not_included"]} >= {"nomination_facts", "audit_log"}


def test_parquet_columns_are_typed(source, tmp_path):
    path = output(tmp_path, "every-rule-2025", "parquet")
    export_election(source, "every-rule-2025", "parquet", path)
    results = pl.read_parquet(path / "results.parquet")
    assert results.schema["votes"] == pl.Int64 and results.schema["share_pct"] == pl.Float64
    protocols = pl.read_parquet(path / "protocols.parquet")
    assert protocols.schema["accepted_at"] == pl.Datetime("us", "UTC")
    assert protocols.schema["warnings"] == pl.List(pl.String)
    held = protocols.filter(pl.col("station") == "er-ps-302")
    assert held["warnings"].to_list() == [["P.201"]]
    draws = pl.read_parquet(path / "lot_draws.parquet")
    assert draws["drawn_at"].to_list() == [dt.datetime(2025, 7, 22, 6, 0, tzinfo=dt.UTC)]


@pytest.mark.parametrize("lang", ("kk", "ru", "en"))
def test_excel_sheets_headers_and_numbers(source, tmp_path, lang):
    path = output(tmp_path, "demo-2025", "xlsx")
    export_election(source, "demo-2025", "xlsx", path, lang=lang)
    book = load_workbook(path)
    names = book.sheetnames
    assert names[0] == sheet_name("od.sheet.about", lang)
    for level in ("republic", "region", "district", "okrug", "station"):  # one sheet per level
        assert sheet_name(f"od.sheet.totals.{level}", lang) in names
    stations = book[sheet_name("od.sheet.totals.station", lang)]
    header = [c.value for c in stations[1]]
    assert t("od.col.voters_on_list", lang) in header
    assert stations.freeze_panes == "A2"
    assert stations["A1"].font.bold
    column = header.index(t("od.col.ballots_in_boxes", lang)) + 1
    values = [stations.cell(row=r, column=column) for r in range(2, stations.max_row + 1)]
    assert [c.value for c in values] == [1188, 905, 869, 488, 566]
    assert all(c.data_type == "n" for c in values)
    elections = book[sheet_name("od.table.elections", lang)]
    date = elections.cell(
        row=2, column=[c.value for c in elections[1]].index(t("od.col.date", lang)) + 1
    )
    assert date.is_date and date.value.date() == dt.date(2025, 7, 20)
    about = book[names[0]]
    assert "SYNTHETIC" in about["A2"].value or "СИНТЕТИ" in about["A2"].value


# --- bad and edited files ------------------------------------------------------------------------


def copy_export(source, tmp_path, code, fmt):
    path = output(tmp_path, code, fmt)
    export_election(source, code, fmt, path)
    return path


def rewrite(path, change):
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    change(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), "utf-8")


def problems(path, fmt):
    with pytest.raises(DatasetError) as error:
        read_export(path, fmt)
    return [(p.file, p.line, p.column, p.rule) for p in error.value.problems]


def test_bad_cells_are_reported_with_file_row_and_column(source, tmp_path):
    path = copy_export(source, tmp_path, "demo-2025", "csv")

    def break_votes(rows):
        header = rows[0]
        rows[2][header.index("votes")] = "73,7%"
        rows[3][header.index("line")] = "maybe"
        rows[0].append("extra")

    rewrite(path / "votes.csv", break_votes)
    found = problems(path, "csv")
    assert ("votes.csv", "1", "extra", "I.002") in found
    rewrite(path / "votes.csv", lambda rows: rows[0].pop())
    found = problems(path, "csv")
    assert ("votes.csv", "3", "votes", "I.004") in found
    assert ("votes.csv", "4", "line", "I.008") in found
    (path / "notes.csv").write_text("a\n1\n", "utf-8")
    assert ("notes.csv", None, None, "D.105") in problems(path, "csv")


def test_derived_tables_must_follow_from_the_protocols(source, tmp_path, target):
    path = copy_export(source, tmp_path, "demo-2025", "datapackage")

    def inflate(rows):
        header = rows[0]
        for row in rows[1:]:
            if (
                row[header.index("unit")] == "demo-zhanaauyl"
                and row[header.index("candidate")] == "demo-c01"
            ):
                row[header.index("votes")] = "1983"

    rewrite(path / "results.csv", inflate)
    with pytest.raises(DatasetError) as error:
        import_election(target, path, "datapackage", actor=ACTOR)
    [problem] = error.value.problems
    assert (problem.file, problem.rule) == ("results.csv", "D.142")
    with target.session() as session:  # nothing was written
        assert session.scalar(select(func.count(ElectionRow.code))) == 0
        assert session.scalar(select(func.count(AuditRow.seq))) == 0


def test_protocols_are_checked_again_on_import(source, tmp_path, target):
    path = copy_export(source, tmp_path, "demo-2025", "csv")

    def unbalance(rows):
        header = rows[0]
        rows[1][header.index("ballots_received")] = "9999"

    rewrite(path / "protocols.csv", unbalance)
    with pytest.raises(DatasetError) as error:
        import_election(target, path, "csv", actor=ACTOR)
    [problem] = error.value.problems
    assert (problem.file, problem.line, problem.rule) == ("protocols.csv", "2", "V.005")
    assert "P.101" in problem.message("en")
    with target.session() as session:
        assert session.scalar(select(func.count(ProtocolRow.id))) == 0


def test_parquet_columns_of_the_wrong_type(source, tmp_path):
    path = copy_export(source, tmp_path, "demo-2025", "parquet")
    frame = pl.read_parquet(path / "votes.parquet").with_columns(pl.col("votes").cast(pl.String))
    frame.write_parquet(path / "votes.parquet")
    found = problems(path, "parquet")
    assert ("votes.parquet", None, "votes", "D.106") in found


def test_excel_with_an_unknown_sheet(source, tmp_path):
    path = copy_export(source, tmp_path, "demo-2025", "xlsx")
    book = load_workbook(path)
    book.create_sheet("My notes")
    book.save(path)
    assert any(rule == "D.107" for *_, rule in problems(path, "xlsx"))


def test_the_import_of_an_existing_election_is_refused(source, tmp_path):
    path = copy_export(source, tmp_path, "demo-2025", "datapackage")
    with pytest.raises(DatasetError) as error:
        import_election(source, path, "datapackage", actor=ACTOR)
    assert [p.rule for p in error.value.problems] == ["D.130"]
    shutil.rmtree(path)
