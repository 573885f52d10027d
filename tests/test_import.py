"""Importing dataset files: valid files land, invalid ones are rejected whole, with every problem.

The key property: a rejected import writes nothing. On SQLite the database file stays byte for
byte the same; on PostgreSQL every table keeps its full content.
"""

from __future__ import annotations

import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, inspect, text
from typer.testing import CliRunner

from saylau.cli import app
from saylau.datasets import bundled, reader
from saylau.datasets.reader import DatasetError, Problem
from saylau.i18n import LANGS
from saylau.service import Saylau
from saylau.store import audit

FIGURE_HEADER = ("id,election,level,unit,measure,party,nomination,sex,value,approximate,source,"
                 "table,row,column,position,note")
SEED = "seed-serikbayev-sergazin"
ELECTION = "kz-2021-rural-akim"

VALID_CSV = "\n".join([
    FIGURE_HEADER,
    f"imp-okrugs,{ELECTION},region,KZ-10,okrugs_contested,,all,all,12,false,{SEED},X,okrugs,Abai,1,",
    f"imp-auyl,{ELECTION},region,KZ-10,winners,auyl,party,all,3,false,{SEED},X,auyl,Abai,2,",
    f"imp-share,{ELECTION},republic,KZ,candidates_share_pct,,party,all,38.2,false,{SEED},X,share,,3,"
    "\"a note, with a comma\"",
]) + "\n"

VALID_JSON = {
    "name": "a press release",
    "sources": [{"code": "press-1", "kind": "press", "title": "A press release",
                 "citation": "Press, 2022", "synthetic": False}],
    "elections": [{"code": "kz-2022-rural-akim", "type": "rural_akim", "date": "2022-11-06",
                   "law_version": "kz-2021-05-24-41-VII", "name_kk": "Ауыл әкімдері сайлауы 2022",
                   "name_ru": "Выборы сельских акимов 2022", "name_en": "Rural akims 2022",
                   "synthetic": False, "source": "press-1"}],
    "figures": [
        {"id": "press-okrugs", "election": "kz-2022-rural-akim", "level": "republic", "unit": "KZ",
         "measure": "okrugs_contested", "nomination": "all", "sex": "all", "value": 40,
         "approximate": False, "source": "press-1", "table": "text", "row": "40 okrugs"},
        {"id": "press-share", "election": "kz-2022-rural-akim", "level": "republic", "unit": "KZ",
         "measure": "candidates_share_pct", "nomination": "self", "sex": "all", "value": 61.75,
         "approximate": False, "source": "press-1", "table": "text", "row": "share",
         "position": 2},
    ],
}


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every table's full content, ordered by primary key."""
    out: dict[str, list[tuple[object, ...]]] = {}
    inspector = inspect(engine)
    with engine.connect() as connection:
        for table in sorted(inspector.get_table_names()):
            columns = [c["name"] for c in inspector.get_columns(table)]
            order = inspector.get_pk_constraint(table)["constrained_columns"] or columns
            query = (f'SELECT * FROM "{table}" ORDER BY '
                     + ", ".join(f'"{c}"' for c in order))
            out[table] = [tuple(row) for row in connection.execute(text(query))]
    return out


def dump_data(engine: Engine) -> dict[str, set[tuple[object, ...]]]:
    """Content of the data tables without surrogate keys and load bookkeeping."""
    out: dict[str, set[tuple[object, ...]]] = {}
    inspector = inspect(engine)
    skip_tables = {"audit_log", "checkpoint", "dataset_load", "alembic_version"}
    with engine.connect() as connection:
        for table in sorted(set(inspector.get_table_names()) - skip_tables):
            columns = [c["name"] for c in inspector.get_columns(table) if c["name"] != "id"
                       or table not in {"party_name", "party_lineage", "protocol"}]
            query = f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{table}"'
            out[table] = {tuple(row) for row in connection.execute(text(query))}
    return out


def audit_actions(service: Saylau) -> list[str]:
    with service.engine.connect() as connection:
        return [r[0] for r in connection.execute(text("SELECT action FROM audit_log ORDER BY seq"))]


# --- valid imports ---------------------------------------------------------------------------


def test_valid_csv_import_is_written_and_idempotent(service: Saylau, tmp_path: Path) -> None:
    path = write(tmp_path / "figures.csv", VALID_CSV)
    result = service.import_files([path], actor="tester")
    assert result.counts == {"figures": 3}
    by_id = {f.id: f for f in service.figures()}
    assert by_id["imp-okrugs"].value == Decimal(12)
    assert by_id["imp-auyl"].party == "auyl"
    assert by_id["imp-share"].value == Decimal("38.2")
    assert str(by_id["imp-share"].value) == "38.2"
    assert by_id["imp-share"].provenance.note == "a note, with a comma"
    first = dump_data(service.engine)

    again = service.import_files([path], actor="tester")
    assert again.counts == {"figures": 3}
    assert again.audit_seq == result.audit_seq + 1
    assert dump_data(service.engine) == first
    loads = ["dataset.load"] * len(bundled.BUNDLED)
    assert audit_actions(service) == [*loads, "dataset.import", "dataset.import"]
    with service.session() as session:
        assert audit.verify_chain(session) == []


def test_valid_json_import_is_written_and_idempotent(service: Saylau, tmp_path: Path) -> None:
    path = write(tmp_path / "press.json", json.dumps(VALID_JSON, ensure_ascii=False))
    result = service.import_files([path], actor="tester", dataset="press")
    assert result.counts == {"sources": 1, "elections": 1, "figures": 2}
    figures = {f.id: f for f in service.figures("kz-2022-rural-akim")}
    assert figures["press-okrugs"].value == Decimal(40)
    assert figures["press-share"].value == Decimal("61.75")
    assert "t2-candidates" not in figures  # another election's figures are not included
    first = dump_data(service.engine)
    service.import_files([path], actor="tester", dataset="press")
    assert dump_data(service.engine) == first


def test_import_records_who_and_what_in_the_audit_log(sqlite_service: Saylau,
                                                       tmp_path: Path) -> None:
    path = write(tmp_path / "figures.csv", VALID_CSV)
    result = sqlite_service.import_files([path], actor="operator-7")
    with sqlite_service.engine.connect() as connection:
        row = connection.execute(text(
            "SELECT actor, action, entity_id, payload, private FROM audit_log WHERE seq = :s"),
            {"s": result.audit_seq}).one()
    # The public actor is the role acted in; the account name stays in the private part.
    assert row[:3] == ("admin@KZ", "dataset.import", "imported")
    assert json.loads(row[4])["account"] == "operator-7"
    payload = json.loads(row[3])
    assert payload["files"] == [str(path)] and payload["counts"] == {"figures": 3}


def test_single_csv_with_explicit_resource(sqlite_service: Saylau, tmp_path: Path) -> None:
    path = write(tmp_path / "my-numbers.csv", VALID_CSV)
    with pytest.raises(DatasetError) as caught:
        sqlite_service.import_files([path], actor="t")
    assert [p.rule for p in caught.value.problems] == ["I.018"]
    result = sqlite_service.import_files([path], actor="t", resource="figures")
    assert result.counts == {"figures": 3}


# --- malformed files, one problem at a time (pure reader: fast) -------------------------------


KNOWN = {
    "sources.code": {SEED},
    "regions.code": {"KZ-11", "KZ-61"},
    "parties.code": {"amanat", "auyl"},
    "elections.code": {ELECTION},
}


def fig_row(**overrides: str) -> str:
    values = {
        "id": "x1", "election": ELECTION, "level": "region", "unit": "KZ-11",
        "measure": "winners", "party": "", "nomination": "self", "sex": "all", "value": "3",
        "approximate": "false", "source": SEED, "table": "3", "row": "r", "column": "c",
        "position": "1", "note": "",
    }
    values.update(overrides)
    return ",".join(values[c] for c in FIGURE_HEADER.split(","))


def problems_of(tmp_path: Path, name: str, content: str) -> list[Problem]:
    path = write(tmp_path / name, content)
    with pytest.raises(DatasetError) as caught:
        reader.read([path], known=KNOWN)
    return caught.value.problems


CASES = [
    # (case, file name, content, expected (line, column, rule))
    ("negative count", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(value='-5')}\n",
     ("2", "value", "I.005")),
    ("negative position", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(position='-1')}\n",
     ("2", "position", "I.005")),
    ("unknown region", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(unit='KZ-99')}\n",
     ("2", "unit", "I.009")),
    ("unknown party", "figures.csv",
     f"{FIGURE_HEADER}\n{fig_row(party='green-party', nomination='party')}\n",
     ("2", "party", "I.010")),
    ("share not a number", "figures.csv",
     f"{FIGURE_HEADER}\n{fig_row(measure='candidates_share_pct', value='38.2%')}\n",
     ("2", "value", "I.006")),
    ("share over 100", "figures.csv",
     f"{FIGURE_HEADER}\n{fig_row(measure='candidates_share_pct', value='100.1')}\n",
     ("2", "value", "I.017")),
    ("fractional count", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(value='2.5')}\n",
     ("2", "value", "I.004")),
    ("missing required column", "figures.csv",
     FIGURE_HEADER.replace(",source", "") + "\n"
     + ",".join(c for i, c in enumerate(fig_row().split(",")) if i != 10) + "\n",
     ("1", "source", "I.001")),
    ("empty required value", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(row='')}\n",
     ("2", "row", "I.003")),
    ("unknown column", "figures.csv", f"{FIGURE_HEADER},colour\n{fig_row()},red\n",
     ("1", "colour", "I.002")),
    ("bad enum", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(measure='votes')}\n",
     ("2", "measure", "I.008")),
    ("bad boolean", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(approximate='yes')}\n",
     ("2", "approximate", "I.014")),
    ("bad code", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(id='a b')}\n", ("2", "id", "I.016")),
    ("too many decimals", "figures.csv",
     f"{FIGURE_HEADER}\n{fig_row(measure='candidates_share_pct', value='38.12345')}\n",
     ("2", "value", "I.019")),
    ("party with self nomination", "figures.csv",
     f"{FIGURE_HEADER}\n{fig_row(party='auyl', nomination='self')}\n",
     ("2", "nomination", "I.020")),
    ("republic unit", "figures.csv",
     f"{FIGURE_HEADER}\n{fig_row(level='republic', unit='KZ-11')}\n", ("2", "unit", "I.021")),
    ("unknown source", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(source='blog')}\n",
     ("2", "source", "I.011")),
    ("unknown election", "figures.csv", f"{FIGURE_HEADER}\n{fig_row(election='kz-1999')}\n",
     ("2", "election", "I.012")),
    ("duplicate id", "figures.csv",
     f"{FIGURE_HEADER}\n{fig_row()}\n{fig_row(value='4')}\n", ("3", "id", "I.013")),
    ("wrong cell count", "figures.csv", f"{FIGURE_HEADER}\n{fig_row()},extra\n",
     ("2", None, "I.022")),
    ("bad date", "elections.csv",
     "code,type,date,law_version,name_kk,name_ru,name_en,synthetic\n"
     "e2,rural_akim,2021-13-40,v1,а,б,c,false\n", ("2", "date", "I.007")),
    ("bad election type", "elections.csv",
     "code,type,date,law_version,name_kk,name_ru,name_en,synthetic\n"
     "e2,mayor,2021-07-25,v1,а,б,c,false\n", ("2", "type", "I.008")),
    ("invalid JSON", "broken.json", '{"figures": [{"id": "x1",}]}', ("1", None, "I.015")),
    ("unknown JSON resource", "data.json", '{"ballots": []}', ("/ballots", None, "I.018")),
    ("unknown CSV resource", "ballots.csv", "a,b\n1,2\n", (None, None, "I.018")),
    ("JSON type error", "data.json",
     json.dumps({"figures": [{"id": "x1", "election": ELECTION, "level": "region",
                              "unit": "KZ-11", "measure": "winners", "nomination": "self",
                              "sex": "all", "value": True, "approximate": False,
                              "source": SEED, "table": "3", "row": "r"}]}),
     ("/figures/0", "value", "I.006")),
    ("JSON missing value", "data.json",
     json.dumps({"figures": [{"id": "x1", "election": ELECTION, "level": "region",
                              "unit": "KZ-11", "measure": "winners", "nomination": "self",
                              "sex": "all", "approximate": False,
                              "source": SEED, "table": "3", "row": "r"}]}),
     ("/figures/0", "value", "I.003")),
    ("not UTF-8", "figures.csv", None, (None, None, "I.015")),
    ("unsupported suffix", "figures.xlsx", "x", (None, None, "I.025")),
]


@pytest.mark.parametrize(("case", "name", "content", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_each_malformed_file_is_rejected_with_its_rule(
    tmp_path: Path, case: str, name: str, content: str | None,
    expected: tuple[str | None, str | None, str],
) -> None:
    path = tmp_path / name
    if content is None:
        path.write_bytes(FIGURE_HEADER.encode() + b"\n\xff\xfe,\n")
    else:
        write(path, content)
    with pytest.raises(DatasetError) as caught:
        reader.read([path], known=KNOWN)
    found = [(p.line, p.column, p.rule) for p in caught.value.problems]
    assert expected in found, (case, found)
    assert all(p.file == str(path) for p in caught.value.problems)
    for problem in caught.value.problems:
        for lang in LANGS:
            assert problem.message(lang)
            assert f"[{problem.rule}]" in problem.render(lang)


def test_json_unknown_key_names_the_row(tmp_path: Path) -> None:
    document = {"sources": [{"code": "s1", "kind": "press", "title": "t", "citation": "c",
                             "synthetic": False, "colour": "red"}]}
    problems = problems_of(tmp_path, "data.json", json.dumps(document))
    assert [(p.line, p.column, p.rule) for p in problems] == [("/sources/0", "colour", "I.002")]


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError) as caught:
        reader.read([tmp_path / "nope.csv", tmp_path / "empty"], known=KNOWN)
    assert [p.rule for p in caught.value.problems] == ["I.023", "I.024"]


def _read_one_figure(**overrides: str) -> list[Problem]:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "figures.csv", f"{FIGURE_HEADER}\n{fig_row(**overrides)}\n")
        try:
            content = reader.read([path], known=KNOWN)
        except DatasetError as exc:
            return exc.problems
        assert len(content.rows["figures"]) == 1
        return []


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_a_count_is_accepted_exactly_when_not_negative(value: int) -> None:
    problems = _read_one_figure(value=str(value))
    if value >= 0:
        assert problems == []
    else:
        assert [(p.line, p.column, p.rule) for p in problems] == [("2", "value", "I.005")]


@settings(max_examples=80, deadline=None)
@given(st.decimals(min_value=-50, max_value=150, places=4, allow_nan=False,
                   allow_infinity=False))
def test_a_share_is_accepted_exactly_between_0_and_100(value: Decimal) -> None:
    problems = _read_one_figure(measure="candidates_share_pct", value=str(value))
    rules = [p.rule for p in problems]
    if 0 <= value <= 100:
        assert rules == []
    elif value < 0:
        assert rules == ["I.005"]
    else:
        assert rules == ["I.017"]


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                             blacklist_characters=',"'), min_size=1, max_size=12)
       .filter(lambda s: s.strip() != ""))
def test_a_value_that_is_not_a_number_is_named(text: str) -> None:
    try:
        Decimal(text.strip())
    except ArithmeticError:
        problems = _read_one_figure(measure="candidates_share_pct", value=text)
        assert ("2", "value", "I.006") in [(p.line, p.column, p.rule) for p in problems]


# --- every problem of a file in one run ------------------------------------------------------


BAD_FIGURES = "\n".join([
    FIGURE_HEADER,
    fig_row(id="a1", value="-5"),                                  # line 2: I.005
    fig_row(id="a2", unit="KZ-99"),                                # line 3: I.009
    fig_row(id="a3", party="green-party", nomination="party"),     # line 4: I.010
    fig_row(id="a4", measure="candidates_share_pct", value="abc"),  # line 5: I.006
    fig_row(id="a5", measure="votes"),                             # line 6: I.008
    fig_row(id="a1"),                                              # line 7: I.013
    fig_row(id="a7") + ",extra",                                   # line 8: I.022
    fig_row(id="a8"),                                              # line 9: fine
]) + "\n"

EXPECTED_BAD = {
    ("2", "value", "I.005"),
    ("3", "unit", "I.009"),
    ("4", "party", "I.010"),
    ("5", "value", "I.006"),
    ("6", "measure", "I.008"),
    ("7", "id", "I.013"),
    ("8", None, "I.022"),
}


def test_all_problems_of_a_file_in_one_run(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "figures.csv", BAD_FIGURES)
    found = {(p.line, p.column, p.rule) for p in problems}
    assert found == EXPECTED_BAD
    assert len({p.line for p in problems}) == 7


def test_all_problems_of_several_files_in_one_run(tmp_path: Path) -> None:
    figures = write(tmp_path / "figures.csv", BAD_FIGURES)
    elections = write(tmp_path / "elections.csv",
                      "code,type,date,law_version,name_kk,name_ru,name_en,synthetic,colour\n"
                      "e2,rural_akim,2021-02-30,v1,а,б,c,false,red\n")
    parties = write(tmp_path / "parties.csv", "code,note\nnew-party,no source column\n")
    broken = write(tmp_path / "broken.json", "{not json")
    with pytest.raises(DatasetError) as caught:
        reader.read([figures, elections, parties, broken], known=KNOWN)
    found = {(Path(p.file).name, p.line, p.column, p.rule) for p in caught.value.problems}
    assert {("figures.csv", *e) for e in EXPECTED_BAD} <= found
    assert ("elections.csv", "2", "date", "I.007") in found
    assert ("elections.csv", "1", "colour", "I.002") in found
    assert ("parties.csv", "1", "source", "I.001") in found
    assert ("broken.json", "1", None, "I.015") in found


@pytest.mark.parametrize("lang", LANGS)
def test_problem_messages_in_each_language(tmp_path: Path, lang: str) -> None:
    path = write(tmp_path / "figures.csv", BAD_FIGURES)
    with pytest.raises(DatasetError) as caught:
        reader.read([path], known=KNOWN)
    rendered = [p.render(lang) for p in caught.value.problems]
    for problem, line in zip(caught.value.problems, rendered, strict=True):
        assert line.startswith(f"{path}:{problem.line}:")
        assert f"[{problem.rule}]" in line
        if problem.column:
            assert f"'{problem.column}'" in line
        assert "{" not in line
    negative = next(r for p, r in zip(caught.value.problems, rendered, strict=True)
                    if p.rule == "I.005")
    assert "-5" in negative
    unknown_party = next(r for p, r in zip(caught.value.problems, rendered, strict=True)
                         if p.rule == "I.010")
    assert "green-party" in unknown_party
    if lang in ("kk", "ru"):
        assert all(re.search("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", r) for r in rendered)


def test_problem_messages_differ_by_language(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "figures.csv", BAD_FIGURES)
    for problem in problems:
        assert len({problem.message(lang) for lang in LANGS}) == 3, problem.rule


# --- a failed import writes nothing ----------------------------------------------------------


def bad_files(tmp_path: Path) -> list[Path]:
    """A valid file and an invalid one: the valid one must not be written either."""
    (tmp_path / "good").mkdir()
    good = write(tmp_path / "good" / "figures.csv", VALID_CSV)
    bad = write(tmp_path / "figures.csv", BAD_FIGURES)
    return [good, bad]


def test_failed_import_leaves_sqlite_file_byte_identical(sqlite_service: Saylau,
                                                          tmp_path: Path) -> None:
    database = Path(sqlite_service.engine.url.database or "")
    sqlite_service.engine.dispose()
    before = database.read_bytes()
    with pytest.raises(DatasetError) as caught:
        sqlite_service.import_files(bad_files(tmp_path), actor="tester")
    assert len(caught.value.problems) == len(EXPECTED_BAD)
    sqlite_service.engine.dispose()
    assert database.read_bytes() == before


def test_failed_import_leaves_every_table_identical(service: Saylau, tmp_path: Path) -> None:
    before = dump(service.engine)
    assert before["figure"] and before["audit_log"]
    with pytest.raises(DatasetError):
        service.import_files(bad_files(tmp_path), actor="tester")
    assert dump(service.engine) == before
    assert not any(f.id.startswith("imp-") for f in service.figures())


def test_failure_while_writing_rolls_everything_back(
    service: Saylau, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump(service.engine)
    path = write(tmp_path / "figures.csv", VALID_CSV)

    def broken_record(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken_record)
    with pytest.raises(RuntimeError, match="disk full"):
        service.import_files([path], actor="tester")
    assert dump(service.engine) == before


# --- through the command line ----------------------------------------------------------------


def test_cli_import_reports_problems_on_stderr_and_exits_2(sqlite_service: Saylau,
                                                            tmp_path: Path) -> None:
    database = Path(sqlite_service.engine.url.database or "")
    sqlite_service.engine.dispose()
    before = database.read_bytes()
    paths = [str(p) for p in bad_files(tmp_path)]
    result = CliRunner().invoke(app, ["import", "--db", str(database), "--lang", "en", *paths])
    assert result.exit_code == 2, result.output
    assert "Import rejected: 7 problem(s). Nothing was written." in result.stderr
    for line, column, rule in EXPECTED_BAD:
        location = f"figures.csv:{line}:"
        assert any(location in row and f"[{rule}]" in row
                   and (column is None or f"'{column}'" in row)
                   for row in result.stderr.splitlines()), (line, column, rule)
    assert "[I.0" not in result.stdout
    assert database.read_bytes() == before


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_cli_import_problems_in_other_languages(sqlite_service: Saylau, tmp_path: Path,
                                                lang: str) -> None:
    database = sqlite_service.engine.url.database or ""
    path = write(tmp_path / "figures.csv", BAD_FIGURES)
    result = CliRunner().invoke(app, ["import", "--db", database, "--lang", lang, str(path)])
    assert result.exit_code == 2
    assert "Import rejected" not in result.stderr
    assert "[I.009]" in result.stderr and "KZ-99" in result.stderr


def test_cli_import_valid_file(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path / "figures.csv", VALID_CSV)
    result = CliRunner().invoke(app, ["import", "--db", db_url, "--actor", "cli-test", str(path)])
    assert result.exit_code == 0, result.output
    assert "figures: 3" in result.stdout
    service = Saylau.open(db_url, prepare=False)
    try:
        assert {"imp-okrugs", "imp-auyl", "imp-share"} <= {f.id for f in service.figures()}
    finally:
        service.engine.dispose()


# --- values the database cannot hold are problems, the same on both backends -----------------


@pytest.mark.parametrize(("row", "expected"),
                         [(fig_row(id="x" * 65), ("2", "id", "I.030")),
                          (fig_row(value="9" * 20), ("2", "value", "I.031"))],
                         ids=["code-longer-than-64", "value-beyond-bigint"])
def test_values_beyond_the_schemas_limits_are_rejected_as_problems(
    service: Saylau, tmp_path: Path, row: str, expected: tuple[str, str, str]
) -> None:
    before = dump(service.engine)
    path = write(tmp_path / "figures.csv", f"{FIGURE_HEADER}\n{row}\n")
    with pytest.raises(DatasetError) as caught:
        service.import_files([path], actor="tester")
    assert [(p.line, p.column, p.rule) for p in caught.value.problems] == [expected]
    assert dump(service.engine) == before


def test_a_repeated_column_is_rejected_not_silently_overwritten(tmp_path: Path) -> None:
    header = "code,kind,title,citation,url,licence,synthetic,note,title"
    path = tmp_path / "sources.csv"
    path.write_text(f"{header}\nx,paper,T,C,,,false,,T2\n", encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        reader.read([path])
    assert [(p.line, p.column, p.rule) for p in caught.value.problems] == [("1", "title", "I.032")]
