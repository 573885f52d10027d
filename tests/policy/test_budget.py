"""``saylau budget``: the input format, the computations and the command in three languages."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from saylau.i18n import LANGS, t
from saylau.policy import budget
from saylau.policy.budget import BudgetFileError, Group, OkrugBudget, analyse, parse
from saylau.policy.cli import register

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "okrug-budgets" / "example.csv"
HEADER = "code,name,region,population,budget_tiyn,staff,year,source,example\n"


def row(code: str, region: str, population: int, budget_tiyn: int, staff: int) -> OkrugBudget:
    return OkrugBudget(code, code, region, population, budget_tiyn, staff, 2023, "test", True)


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test application with the budget command mounted."""

    register(application)
    return application


def test_the_example_file_is_all_example() -> None:
    with EXAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(r["example"] == "true" for r in rows)
    assert all("EXAMPLE" in r["name"] for r in rows)
    parsed = budget.read(EXAMPLE)
    assert len(parsed) == len(rows) and all(r.example for r in parsed)
    analysis = analyse(parsed)
    assert analysis.examples == len(parsed)
    assert analysis.group(Group.NORTH_SMALL).okrugs > 0
    assert analysis.group(Group.SOUTH_LARGE).okrugs > 0


def test_groups_follow_the_paper() -> None:
    assert budget.group_of(row("a", "KZ-59", 999, 1, 1)) is Group.NORTH_SMALL
    assert budget.group_of(row("b", "KZ-59", 1000, 1, 1)) is Group.OTHER
    assert budget.group_of(row("c", "KZ-61", 40_001, 1, 1)) is Group.SOUTH_LARGE
    assert budget.group_of(row("d", "KZ-61", 40_000, 1, 1)) is Group.OTHER
    assert budget.group_of(row("e", "KZ-35", 500, 1, 1)) is Group.OTHER  # Karaganda: neither
    assert budget.group_of(row("f", "KZ-33", 45_000, 1, 1)) is Group.SOUTH_LARGE  # Zhetisu
    assert budget.group_of(row("g", "KZ-35", 500, 1, 1), small=600) is Group.OTHER


def test_computations_by_hand() -> None:
    rows = [
        row("n1", "KZ-11", 500, 2_500_000_000, 8),  # 50,000 tenge per resident; 16 per 1,000
        row("n2", "KZ-55", 800, 3_200_000_000, 8),  # 40,000; 10
        row("s1", "KZ-61", 50_000, 25_000_000_000, 10),  # 5,000; 0.2
        row("o1", "KZ-35", 4_000, 4_000_000_000, 8),  # 10,000; 2
    ]
    analysis = analyse(rows)
    north = analysis.group(Group.NORTH_SMALL)
    assert (north.okrugs, north.population, north.staff) == (2, 1300, 16)
    assert north.median_budget_per_resident == pytest.approx(45_000)
    assert north.staff_per_1000 == pytest.approx(16 * 1000 / 1300)
    south = analysis.group(Group.SOUTH_LARGE)
    assert south.staff_per_1000 == pytest.approx(0.2)
    assert south.budget_per_resident == pytest.approx(5_000)
    assert analysis.staff_ratio == pytest.approx((16 * 1000 / 1300) / 0.2)
    assert analysis.budget_per_resident.median == pytest.approx(25_000)
    assert analysis.staff_per_1000.maximum == pytest.approx(16)
    frame = budget.frame(analysis)
    assert frame["proportional_staff"].sum() == pytest.approx(34)
    assert frame.filter(frame["code"] == "s1")["proportional_staff"][0] == pytest.approx(
        34 * 50_000 / 55_300
    )
    # sorted staff per resident (x1000): 0.2, 2, 10, 16; G = Σ(2k-n-1)x / (n Σx)
    assert analysis.staff_gini == pytest.approx((-3 * 0.2 - 2 + 10 + 3 * 16) / (4 * 28.2))


def test_gini_is_zero_when_staff_is_proportional() -> None:
    rows = [row(f"o{i}", "KZ-35", 1000 * i, 10**9, 3 * i) for i in range(1, 6)]
    assert analyse(rows).staff_gini == pytest.approx(0.0, abs=1e-12)


def test_quantile() -> None:
    assert budget.quantile([1, 2, 3, 4], 0.5) == 2.5
    assert budget.quantile([5], 0.9) == 5
    assert budget.quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.1) == pytest.approx(2.0)


def test_every_problem_is_reported_with_line_and_column() -> None:
    text = HEADER + (
        "a1,A,KZ-11,500,100,2,2023,s,true\n"
        "a1,B,KZ-99,-5,abc,2,20x3,s,maybe\n"
        "c 1,C,KZ-11,0,100,2,,s,false\n"
        "d1,D,KZ-11,10,100\n"
        ",E,KZ-11,10,100,2,,s,true\n"
    )
    with pytest.raises(BudgetFileError) as caught:
        parse(text)
    found = {(p.line, p.column, p.rule) for p in caught.value.problems}
    assert {
        (3, "code", "B.006"),
        (3, "region", "B.004"),
        (3, "population", "B.003"),
        (3, "budget_tiyn", "B.003"),
        (3, "year", "B.012"),
        (3, "example", "B.005"),
        (4, "code", "B.008"),
        (4, "population", "B.007"),
        (5, None, "B.009"),
        (6, "code", "B.002"),
    } <= found


def test_missing_columns_and_empty_files() -> None:
    with pytest.raises(BudgetFileError) as caught:
        parse("code,name,region\nx,y,KZ-11\n")
    assert caught.value.problems[0].rule == "B.001"
    with pytest.raises(BudgetFileError) as caught:
        parse("")
    assert caught.value.problems[0].rule == "B.010"
    with pytest.raises(BudgetFileError) as caught:
        parse(HEADER)
    assert caught.value.problems[0].rule == "B.010"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", ["text", "csv", "md", "json"])
def test_budget_command(app: typer.Typer, lang: str, fmt: str) -> None:
    result = CliRunner().invoke(
        app, ["budget", str(EXAMPLE), "--lang", lang, "--format", fmt, "--detail"]
    )
    assert result.exit_code == 0, result.output
    if fmt == "json":
        payload = json.loads(result.stdout)
        assert [p["name"] for p in payload] == ["groups", "distribution", "okrugs"]
        groups = {r["group"]: r for r in payload[0]["rows"]}
        assert set(groups) == {"north_small", "south_large", "other"}
        assert groups["north_small"]["staff_per_1000"] > groups["south_large"]["staff_per_1000"]
        assert all(r["example"] is True for r in payload[2]["rows"])
        assert payload[1]["meta"]["staff_gini"] > 0
    if fmt in ("text", "md"):
        flat = " ".join(result.output.split())
        assert t("policy.value.example", lang) in flat  # EXAMPLE label in titles and notes


def test_budget_command_reports_problems(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "x,X,KZ-11,abc,1,1,,s,true\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["budget", str(bad), "--lang", "kk"])
    assert result.exit_code == 2
    assert "B.003" in result.output and f"{bad}:2" in result.output
    missing = CliRunner().invoke(app, ["budget", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2
