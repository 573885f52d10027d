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

from saylau.administration import finance, steps
from saylau.datasets.reader import DatasetError
from saylau.exports import collect, export_election, import_election, read_export
from saylau.exports.excel import sheet_name
from saylau.exports.load import NOT_CARRIED
from saylau.exports.model import comparable
from saylau.i18n import t
from saylau.security.actor import Actor, Role
from saylau.store.schema import AuditRow, CandidateRow, ElectionRow, ProtocolRow

from .conftest import ALL, empty, output

TABULAR = ("datapackage", "csv", "parquet", "xlsx")
ACTOR = Actor("importer", Role.ADMIN)
HOME = (
    "ballots_issued_in_station",
    "ballots_issued_outside",
    "ballots_in_stationary_boxes",
    "ballots_in_portable_boxes",
)


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


@pytest.mark.parametrize("code", ALL)
def test_round_trip_on_each_backend(source, db_url, tmp_path, code):
    path = output(tmp_path, code, "datapackage")
    export_election(source, code, "datapackage", path)
    target = empty(db_url)
    try:
        import_election(target, path, "datapackage", actor=ACTOR)
        again = tables_of(target, code)
        with target.session() as session:
            if code == "every-rule-2025":  # the corrected protocol was submitted again as v2
                versions = session.scalars(
                    select(ProtocolRow.version).where(ProtocolRow.station == "er-ps-303")
                ).all()
                assert sorted(versions) == [1, 2]
        if code == "every-rule-2025":  # the steps and the money replayed by the service layer
            with target.session() as session, source.session() as mine:
                assert finance.report(session, code) == finance.report(mine, code)
                okrug = "er-withdrawal"
                assert steps.okrug_calendar(session, code, okrug) == steps.okrug_calendar(
                    mine, code, okrug
                )
                actions = session.scalars(
                    select(AuditRow.action).where(
                        AuditRow.action.in_(["candidate.withdraw", "nomination.extend"])
                    )
                ).all()
                assert sorted(actions) == ["candidate.withdraw"] * 2 + ["nomination.extend"]
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


def test_the_law_second_pass_is_in_the_tables(source, tmp_path):
    path = output(tmp_path, "every-rule-2025", "csv")
    export_election(source, "every-rule-2025", "csv", path)
    [election] = read_csv(path / "elections.csv")
    assert (election["ground"], election["ground_date"], election["called_on"]) == (
        "term_end",
        "2025-07-30",
        "2025-06-01",
    )
    candidates = {r["code"]: r for r in read_csv(path / "candidates.csv")}
    assert candidates["er-c17"]["registration"] == "withdrawn"
    assert candidates["er-c01"]["nomination"] == "party"  # AMANAT (candidates.csv)
    assert candidates["er-c02"]["nomination"] == "self"
    assert candidates["er-c01"]["nominated_at"] == "2025-06-02T05:00:00Z"  # 10:00 in Almaty
    withdrawals = {r["candidate"]: r for r in read_csv(path / "withdrawals.csv")}
    assert withdrawals["er-c17"]["applied_at"] == "2025-06-26T04:00:00Z"
    assert withdrawals["er-c17"]["ballots_printed"] == "false"
    assert withdrawals["er-c18"]["ballots_printed"] == "true"
    assert withdrawals["er-c18"]["document"] == "Written application of 15 Jul (synthetic)"
    [extension] = read_csv(path / "extensions.csv")
    assert (extension["okrug"], extension["days"], extension["document"]) == (
        "er-withdrawal",
        "3",
        "TEC decision 5/2 (synthetic)",
    )
    # counted from the withdrawal on 26 Jun: nomination to 29 Jun 18:00 in Almaty (run.sh)
    assert extension["extended_until"] == "2025-06-29T13:00:00Z"
    [protocol] = [r for r in read_csv(path / "protocols.csv") if r["station"] == "er-ps-801"]
    assert [protocol[k] for k in HOME] == ["800", "60", "800", "58"]
    other = next(r for r in read_csv(path / "protocols.csv") if r["station"] == "er-ps-201")
    assert [other[k] for k in HOME] == ["", "", "", ""]  # no split: empty, not zero
    totals = {(r["level"], r["unit"]): r for r in read_csv(path / "totals.csv")}
    okrug = totals[("okrug", "er-withdrawal")]
    assert (okrug["ballots_in_portable_boxes"], okrug["stations_with_split"]) == ("58", "1")
    republic = totals[("republic", "KZ")]
    assert (republic["stations_with_split"], republic["stations_reported"]) == ("1", "9")
    outcomes = {r["okrug"]: r for r in read_csv(path / "outcomes.csv")}
    assert json.loads(outcomes["er-withdrawal"]["withdrawn"]) == ["er-c18"]  # still on the ballot
    [budget] = read_csv(path / "budget.csv")
    assert (budget["amount_tiyn"], budget["budget_line"]) == (
        "450000000",
        "District budget: elections of rural akims (synthetic)",
    )
    [allowance] = read_csv(path / "allowances.csv")
    assert allowance["amount_tiyn"] == "22000000" and "inbusiness.kz" in allowance["source"]
    spending = read_csv(path / "spending.csv")
    assert [(r["item"], r["okrug"]) for r in spending] == [
        ("ballots", ""),
        ("commission_pay", ""),
        ("premises", "er-tie"),
        ("transport", "er-single-below"),
    ]
    meta = json.loads((path / "export.json").read_text("utf-8"))
    assert "finance" not in {o["what"] for o in meta["not_included"]}  # carried now


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


# Columns and tables the law's second pass added: files written before them have none.
NEW_COLUMNS = {
    "elections": ("ground", "ground_date", "called_on"),
    "candidates": ("nominated_at",),
    "protocols": HOME,
    "totals": (*HOME, "stations_with_split"),
    "results": ("withdrawn",),
    "outcomes": ("withdrawn",),
}
NEW_TABLES = ("withdrawals", "extensions", "budget", "spending", "allowances")


def drop_columns(path, names):
    def change(rows):
        keep = [i for i, name in enumerate(rows[0]) if name not in names]
        rows[:] = [[row[i] for i in keep] for row in rows]

    rewrite(path, change)


def test_files_written_before_the_law_second_pass_still_import(source, tmp_path, target):
    path = copy_export(source, tmp_path, "demo-2025", "csv")
    for table, names in NEW_COLUMNS.items():
        drop_columns(path / f"{table}.csv", names)
    for table in NEW_TABLES:
        (path / f"{table}.csv").unlink(missing_ok=True)
    data, _ = import_election(target, path, "csv", actor=ACTOR)
    assert data.absent["protocols"] == set(HOME)  # unknown, so not compared
    with target.session() as session:
        stored = session.scalars(select(ProtocolRow)).all()
        assert stored and all(p.ballots_issued_outside is None for p in stored)
    # everything else is as before; the time of the nominations was not in the file
    skip = {**NOT_CARRIED, "candidates": {"nominated_at"}}
    assert comparable(tables_of(target, "demo-2025"), skip=skip) == comparable(
        tables_of(source, "demo-2025"), skip=skip
    )
    with target.session() as session:
        again = collect(session, "demo-2025").rows("candidates")
    assert all(c["nominated_at"] is None for c in again)


def edit(path, table, column, key, value):
    """Set ``column`` of the row of ``table`` whose first column is ``key``."""

    def change(rows):
        header = rows[0]
        for row in rows[1:]:
            if key in row:
                row[header.index(column)] = value

    rewrite(path / f"{table}.csv", change)


def refusal(target, path):
    with pytest.raises(DatasetError) as error:
        import_election(target, path, "csv", actor=ACTOR)
    with target.session() as session:  # nothing was written
        assert session.scalar(select(func.count(ElectionRow.code))) == 0
        assert session.scalar(select(func.count(AuditRow.seq))) == 0
    return error.value.problems


def test_a_nomination_by_the_higher_akim_is_carried(source, tmp_path, target):
    path = copy_export(source, tmp_path, "every-rule-2025", "csv")
    edit(path, "candidates", "nomination", "er-c01", "self")  # er-c01 is AMANAT's nominee
    [problem] = refusal(target, path)
    assert (problem.file, problem.line, problem.column, problem.rule) == (
        "candidates.csv",
        "2",
        "nomination",
        "D.144",
    )
    edit(path, "candidates", "nomination", "er-c01", "party")
    edit(path, "candidates", "nomination", "er-c19", "higher_akim")  # refused, on no record
    import_election(target, path, "csv", actor=ACTOR)
    with target.session() as session:
        assert session.get(CandidateRow, "er-c19").nominated_by == "higher_akim"
    again = {c["code"]: c for c in tables_of(target, "every-rule-2025").rows("candidates")}
    assert again["er-c19"]["nomination"] == "higher_akim"


def test_withdrawals_are_checked_again_on_import(source, tmp_path, target):
    path = copy_export(source, tmp_path, "every-rule-2025", "csv")
    edit(path, "withdrawals", "applied_at", "er-c17", "2025-06-04T04:00:00Z")
    [problem] = refusal(target, path)  # er-c17 was nominated on 5 Jun (K.011)
    assert (problem.file, problem.line, problem.rule) == ("withdrawals.csv", "2", "S.007")
    assert "K.011" in problem.message("en")
    edit(path, "withdrawals", "applied_at", "er-c17", "2025-06-26T04:00:00Z")
    rewrite(path / "withdrawals.csv", lambda rows: rows.pop())  # er-c18's withdrawal gone
    [problem] = refusal(target, path)
    assert (problem.column, problem.rule) == ("registration", "D.145")
    assert problem.message("en").startswith("candidate 'er-c18' is withdrawn")


def test_a_ground_without_its_day_is_refused(source, tmp_path, target):
    path = copy_export(source, tmp_path, "every-rule-by-2026", "csv")
    edit(path, "elections", "ground_date", "every-rule-by-2026", "")
    [problem] = refusal(target, path)
    assert (problem.file, problem.column, problem.rule) == ("elections.csv", "ground_date", "D.147")


def test_the_import_of_an_existing_election_is_refused(source, tmp_path):
    path = copy_export(source, tmp_path, "demo-2025", "datapackage")
    with pytest.raises(DatasetError) as error:
        import_election(source, path, "datapackage", actor=ACTOR)
    assert [p.rule for p in error.value.problems] == ["D.130"]
    shutil.rmtree(path)
