"""The ``saylau`` command: reports in every table, language and format; check; db commands."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli import app
from saylau.domain import Figure, Level, Measure, Names, Nomination, Provenance, Sex
from saylau.i18n import LANGS, t
from saylau.i18n.plural import tp
from saylau.reports import seed_tables
from saylau.service import Saylau
from test_transcription import T3_REGIONS, T3_ROWS, T4_REGIONS, T4_ROWS, TABLE1

FORMATS = ("text", "csv", "md", "json")
KAZAKH_LETTERS = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
# Table 2 in the paper's order: value, and the share in brackets where given.
TABLE2_VALUES = [1_200_000, 1847, 2297, 878, 1419, 1839, 458]
TABLE2_SHARES = [None, None, None, Decimal("38.2"), Decimal("61.8"), None, None]
RESULTS = {3: (T3_REGIONS, T3_ROWS), 4: (T4_REGIONS, T4_ROWS)}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One SQLite database with the bundled data, shared by the read-only CLI tests."""
    path = tmp_path_factory.mktemp("cli") / "saylau.db"
    service = Saylau.open(str(path))
    service.engine.dispose()
    yield str(path)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def number(text: str, lang: str) -> Decimal | None:
    """A displayed number back to a Decimal ('1 200 000', '38,2 %', '≈ 1,200,000', '166 ⚠')."""
    cleaned = re.sub(r"[\s\u00a0\u202f*⚠≈%]", "", text)
    cleaned = cleaned.replace(",", "") if lang == "en" else cleaned.replace(",", ".")
    return Decimal(cleaned) if re.fullmatch(r"-?\d+(\.\d+)?", cleaned) else None


# --- parsing each output format into rows of raw values ----------------------------------------


def parse_csv(out: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(out)))
    return rows[0], rows[1:]


def parse_json(out: str) -> dict[str, object]:
    [table] = json.loads(out, parse_float=Decimal)
    return table


def parse_md(out: str, lang: str) -> list[list[Decimal | None]]:
    lines = [line for line in out.splitlines() if line.startswith("| ")]
    body = [line for line in lines[2:]]  # header and separator first
    return [[number(cell, lang) for cell in line.strip("|").split(" | ")] for line in body]


def numbers_in_text(out: str, lang: str) -> list[list[Decimal]]:
    """Numeric cells of each line of a Rich table."""
    rows: list[list[Decimal]] = []
    for line in out.splitlines():
        if "│" not in line:
            continue
        cells = [number(c, lang) for c in line.split("│")[1:-1]]
        found = [c for c in cells if c is not None]
        if found:
            rows.append(found)
    return rows


def expected_rows(table: int) -> list[list[int]]:
    """Raw numbers of each row of the report, computed columns included, from the paper."""
    if table == 1:
        return [[n, founded, members] for n, (_, _, founded, members) in enumerate(TABLE1, 1)]
    if table == 2:
        return [[v] for v in TABLE2_VALUES]
    regions, rows = RESULTS[table]
    out = [[*values, sum(values)] for _key, values in rows]
    sums = [sum(values[i] for _k, values in rows[2:]) for i in range(len(regions))]
    out.append([*sums, sum(sums)])
    return out


# --- report: every table, language and format -------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", [1, 2, 3, 4])
def test_report_csv_numbers_are_the_papers(db_path: str, table: int, lang: str) -> None:
    code, out, _ = run("report", "--db", db_path, "-t", str(table), "-l", lang, "-f", "csv")
    assert code == 0
    header, rows = parse_csv(out)
    if table == 1:
        assert header == ["no", "party", "party_code", "founded", "members"]
        got = [[int(r[0]), int(r[3]), int(r[4])] for r in rows]
        assert [r[2] for r in rows] == [p for p, *_ in TABLE1]
    elif table == 2:
        assert header[:3] == ["indicator", "value", "share_pct"]
        got = [[int(r[1])] for r in rows]
        assert [Decimal(r[2]) if r[2] else None for r in rows] == TABLE2_SHARES
        computed = [r[4] for r in rows]
        assert computed[2] == "2172" and [c for i, c in enumerate(computed) if i != 2] == [""] * 6
    else:
        regions, _ = RESULTS[table]
        assert header == ["indicator", *[c for c, _ in regions], "computed_total"]
        got = [[int(v) for v in r[1:]] for r in rows]
    assert got == expected_rows(table)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", [1, 2, 3, 4])
def test_report_json_numbers_and_flags(db_path: str, table: int, lang: str) -> None:
    code, out, _ = run("report", "--db", db_path, "-t", str(table), "-l", lang, "-f", "json")
    assert code == 0
    parsed = parse_json(out)
    assert parsed["name"] == f"table{table}"
    assert parsed["title"] == t(f"seed.t{table}.title", lang)
    keys = [c["key"] for c in parsed["columns"]]  # type: ignore[index,union-attr]
    rows: list[dict[str, object]] = parsed["rows"]  # type: ignore[assignment]
    flags: list[list[str]] = parsed["flags"]  # type: ignore[assignment]
    if table == 1:
        got = [[r["no"], r["founded"], r["members"]] for r in rows]
        assert all(f == [] for f in flags)
    elif table == 2:
        got = [[r["value"]] for r in rows]
        assert [r["share_pct"] for r in rows] == TABLE2_SHARES
        assert rows[2]["computed_regions"] == 2172
        assert flags[2] == ["computed_regions"]
        assert [f for i, f in enumerate(flags) if i != 2] == [[]] * 6
    else:
        got = [[r[k] for k in keys[1:]] for r in rows]
        if table == 3:
            assert all(f == [] for f in flags)
        else:  # Turkistan: 166 akims elected in 60 okrugs; the table's total 396 vs 290
            assert flags[-1] == ["KZ-61", "computed_total"]
            assert rows[-1]["KZ-61"] == 166 and rows[0]["KZ-61"] == 60
            assert all(f == [] for f in flags[:-1])
    assert got == expected_rows(table)
    # Every published cell points at the figure it comes from.
    refs: list[dict[str, str]] = parsed["refs"]  # type: ignore[assignment]
    assert all(ref.startswith(("t1-", "t2-", "t3-", "t4-")) for r in refs for ref in r.values())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", [1, 2, 3, 4])
def test_report_markdown_numbers(db_path: str, table: int, lang: str) -> None:
    code, out, _ = run("report", "--db", db_path, "-t", str(table), "-l", lang, "-f", "md")
    assert code == 0
    assert out.startswith(f"### {t(f'seed.t{table}.title', lang)}")
    rows = parse_md(out, lang)
    if table == 1:
        got = [[r[0], r[3], r[4]] for r in rows]
    elif table == 2:
        got = [[r[1]] for r in rows]
        assert [r[2] for r in rows] == TABLE2_SHARES
    else:
        got = [r[1:] for r in rows]
    assert got == expected_rows(table)
    if table == 4:
        assert "**166** ⚠" in out
    if table == 2:
        assert re.search(r"\*\*2[ ,\u00a0\u202f]?172\*\* ⚠", out)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", [1, 2, 3, 4])
def test_report_text_numbers_and_nothing_cropped(db_path: str, table: int, lang: str) -> None:
    code, out, _ = run("report", "--db", db_path, "-t", str(table), "-l", lang, "-f", "text")
    assert code == 0
    assert t(f"seed.t{table}.title", lang) in out
    assert t("seed.col.indicator" if table != 1 else "seed.col.party", lang) in out
    # Every line of the table is whole: it ends with the table's right border.
    for line in out.splitlines():
        if line and line[0] in "┏┃┡│└":
            assert line.rstrip()[-1] in "┓┃┩│┘", line
    found = numbers_in_text(out, lang)
    for row in expected_rows(table):
        want = [Decimal(v) for v in row]
        assert any(want in (got[: len(want)], got[-len(want):]) for got in found), (row, found)
    if table == 4:
        assert "166 ⚠" in out


@pytest.mark.parametrize("lang", LANGS)
def test_report_all_tables_and_the_national_totals(db_path: str, lang: str) -> None:
    code, out, _ = run("report", "--db", db_path, "-l", lang, "-f", "json")
    assert code == 0
    tables = json.loads(out)
    assert [x["name"] for x in tables] == ["table1", "table2", "table3", "table4", "totals"]
    totals = tables[-1]
    rows = totals["rows"]
    flags = totals["flags"]
    assert rows[0]["computed_total"] == 730 and rows[0]["paper_national"] == 730
    assert rows[1]["computed_total"] == 2172 and rows[1]["paper_national"] == 2297
    assert "computed_total" in flags[1]
    assert rows[-1]["computed_total"] == 836 and rows[-1]["paper_national"] == 730
    assert "computed_total" in flags[-1]
    assert [r["computed_total"] for r in rows[2:-1]] == [569, 49, 14, 19, 12, 3, 170]
    code, out, _ = run("report", "--db", db_path, "-l", lang, "-f", "csv", "--no-totals")
    assert "totals" not in {line.split(",")[0] for line in out.splitlines()}


def test_report_kazakh_headers_are_cyrillic_kazakh(db_path: str) -> None:
    for table, fmt in [(3, "text"), (4, "md"), (2, "text"), (1, "md")]:
        code, out, _ = run("report", "--db", db_path, "-t", str(table), "-l", "kk", "-f", fmt)
        assert code == 0
        title_line = out.splitlines()[0]
        assert KAZAKH_LETTERS.search(title_line), title_line
        assert "Көрсеткіш" in out or table == 1
    code, out, _ = run("report", "--db", db_path, "-t", "3", "-l", "kk", "-f", "json")
    headers = [c["header"] for c in parse_json(out)["columns"]]  # type: ignore[index,union-attr]
    assert headers[1:-1] == [label for _code, label in T3_REGIONS]
    assert all(re.search("[\u0400-\u04ff]", h) for h in headers), headers
    assert KAZAKH_LETTERS.search(headers[0]) and KAZAKH_LETTERS.search(headers[-1])


def test_report_languages_differ(db_path: str) -> None:
    outputs = {lang: run("report", "--db", db_path, "-t", "2", "-l", lang, "-f", "md")[1]
               for lang in LANGS}
    assert len(set(outputs.values())) == 3
    assert "1,200,000" in outputs["en"]
    assert re.search(r"1[\u00a0\u202f ]200[\u00a0\u202f ]000", outputs["ru"])
    assert "38,2 %" in outputs["kk"] and "38.2 %" in outputs["en"]


def test_report_rejects_a_table_that_does_not_exist(db_path: str) -> None:
    code, _, err = run("report", "--db", db_path, "-t", "5")
    assert code == 2
    assert "less than or equal to 4" in " ".join(err.replace("│", " ").split())


# --- report builders on crafted inputs --------------------------------------------------------


def _seed(figure_id: str, table: str, measure: Measure, value: str, *,
          nomination: Nomination = Nomination.ALL, position: int) -> Figure:
    return Figure(id=figure_id, election="e", level=Level.REPUBLIC, unit="KZ", measure=measure,
                  nomination=nomination, sex=Sex.ALL, value=Decimal(value),
                  provenance=Provenance(source=seed_tables.SEED_SOURCE, table=table, row="r",
                                        position=position))


@pytest.mark.parametrize(("stated", "flagged"), [("6.3", False), ("6.2", True), ("6", False),
                                                 ("6.25", False), ("7", True)])
def test_table2_share_is_rounded_like_the_check(stated: str, flagged: bool) -> None:
    # 1 of 16 is 6.25 %: 6.3 at one decimal (half up), 6 at none, 6.25 at two.
    figures = [
        _seed("all", "2", Measure.CANDIDATES_REGISTERED, "16", position=1),
        _seed("party", "2", Measure.CANDIDATES_REGISTERED, "1", nomination=Nomination.PARTY,
              position=2),
        _seed("pct", "2", Measure.CANDIDATES_SHARE_PCT, stated, nomination=Nomination.PARTY,
              position=3),
    ]
    inputs = seed_tables.SeedInputs(figures, {}, {}, {})
    report = seed_tables.table2(inputs, "en")
    party_row = report.rows[3]
    assert party_row[2].raw == Decimal(stated)
    assert (party_row[3].raw != Decimal(stated)) is flagged
    assert party_row[3].flag is flagged


def test_seed_party_names_in_force_on_polling_day() -> None:
    nur_otan = Names(kk="«Nur Otan» партиясы", ru="Партия «Nur Otan»", en="Nur Otan party")
    amanat = Names(kk="«AMANAT» партиясы", ru="Партия «AMANAT»", en="AMANAT party")
    import datetime as dt

    periods = [("amanat", None, dt.date(2022, 2, 28), nur_otan, nur_otan),
               ("amanat", dt.date(2022, 3, 1), None, amanat, amanat)]
    assert seed_tables.party_names_at(periods, dt.date(2021, 7, 25))[0]["amanat"] == nur_otan
    assert seed_tables.party_names_at(periods, dt.date(2022, 3, 1))[0]["amanat"] == amanat


# --- check -----------------------------------------------------------------------------------


def test_check_finds_the_three_findings(db_path: str) -> None:
    code, out, _ = run("check", "--db", db_path, "-f", "json")
    assert code == 0
    findings = json.loads(out)
    summary = sorted((f["rule"], f["unit"], tuple(sorted(f["computed"].items())))
                     for f in findings)
    assert summary == [
        ("C.02", "KZ", (("winners", "836"),)),
        ("C.02", "KZ-61", (("winners", "166"),)),
        ("C.03", "KZ", (("regional_sum", "2172"),)),
    ]
    turkistan = next(f for f in findings if f["unit"] == "KZ-61")
    assert sorted(int(x["value"]) for x in turkistan["figures"]) == [2, 2, 3, 5, 18, 47, 60, 89]
    assert all(x["source"] == "seed-serikbayev-sergazin" for f in findings for x in f["figures"])
    assert "Turkistan Region (KZ-61)" in turkistan["explanation"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_check_every_language_and_format(db_path: str, lang: str, fmt: str) -> None:
    code, out, _ = run("check", "--db", db_path, "-l", lang, "-f", fmt)
    assert code == 0
    assert "166" in out and "2172" in out.replace("\u00a0", "").replace(",", "")
    if fmt == "json":
        assert len(json.loads(out)) == 3
    elif fmt == "csv":
        header, rows = parse_csv(out)
        assert header[:3] == ["rule", "severity", "unit"]
        assert sorted(r[0] for r in rows) == ["C.02", "C.02", "C.03"]
    else:
        assert t("check.report.title", lang) in out
        assert tp("people.check.count", lang, 3) in out  # "3 findings", plural by Babel
    if lang == "kk":
        assert KAZAKH_LETTERS.search(out)


def test_check_strict_exits_1_when_anything_is_found(db_path: str) -> None:
    code, _, _ = run("check", "--db", db_path, "--strict")
    assert code == 1


def _crafted_folder(folder: Path, *, consistent: bool) -> Path:
    folder.mkdir()
    (folder / "sources.csv").write_text(
        "code,kind,title,citation,synthetic\ncrafted,synthetic,Crafted,Test data,true\n",
        encoding="utf-8")
    (folder / "elections.csv").write_text(
        "code,type,date,law_version,name_kk,name_ru,name_en,synthetic,source\n"
        "crafted-e,rural_akim,2025-01-01,v1,Сайлау,Выборы,Election,true,crafted\n",
        encoding="utf-8")
    winners_self = 4 if consistent else 9
    rows = [
        ("okr", "region", "KZ-11", "okrugs_contested", "", "all", "10"),
        ("cand", "region", "KZ-11", "candidates_registered", "", "all", "30"),
        ("w-amanat", "region", "KZ-11", "winners", "amanat", "party", "6"),
        ("w-self", "region", "KZ-11", "winners", "", "self", str(winners_self)),
    ]
    lines = ["id,election,level,unit,measure,party,nomination,sex,value,approximate,source,"
             "table,row"]
    lines += [f"{i},crafted-e,{lvl},{u},{m},{p},{n},all,{v},false,crafted,T,{i}"
              for i, lvl, u, m, p, n, v in rows]
    (folder / "figures.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_check_path_on_a_crafted_folder(tmp_path: Path) -> None:
    bad = _crafted_folder(tmp_path / "bad", consistent=False)
    code, out, _ = run("check", str(bad), "-f", "json", "-l", "en")
    assert code == 0
    [finding] = json.loads(out)
    assert (finding["rule"], finding["severity"], finding["unit"]) == ("C.02", "error", "KZ-11")
    assert finding["computed"] == {"winners": "15"}
    assert "Akmola Region (KZ-11)" in finding["explanation"]
    assert run("check", str(bad), "--strict")[0] == 1

    good = _crafted_folder(tmp_path / "good", consistent=True)
    code, out, _ = run("check", str(good), "--strict", "-l", "ru")
    assert code == 0
    assert t("check.none", "ru") in out


def test_check_path_with_invalid_files_exits_2(tmp_path: Path) -> None:
    folder = _crafted_folder(tmp_path / "bad", consistent=True)
    figures = folder / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",KZ-11,", ",KZ-99,", 1),
                       encoding="utf-8")
    code, out, err = run("check", str(folder))
    assert code == 2
    assert "[I.009]" in err and "figures.csv:2:" in err
    assert "[I.009]" not in out


# --- db --------------------------------------------------------------------------------------


def test_db_upgrade_and_verify_audit(tmp_path: Path) -> None:
    path = str(tmp_path / "new.db")
    code, out, _ = run("db", "upgrade", "--db", path)
    assert code == 0
    assert path in out
    code, out, _ = run("db", "verify", "--db", path, "-l", "en")
    assert code == 0
    assert "every table exactly what the log says" in out
    code, out, _ = run("db", "verify-audit", "--db", path, "-l", "kk")
    assert code == 0 and "әр кесте журналға дәл сәйкес" in out


def test_db_verify_audit_on_both_backends(db_url: str) -> None:
    code, out, err = run("db", "verify", "--db", db_url)
    assert code == 0, err
    assert "every table exactly what the log says" in out
