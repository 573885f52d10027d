"""``saylau analyze``, ``findings`` and ``compare`` on a throwaway Typer app.

The main ``saylau`` app mounts them with ``register``; here they run on their own app, on
SQLite and (through the ``service`` fixture of tests/conftest.py) on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from saylau.analytics.cli import register
from saylau.i18n import LANGS, t
from saylau.service import Saylau

FORMATS = ("text", "csv", "md", "json")

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
register(app)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("analytics-cli") / "saylau.db"
    Saylau.open(str(path)).engine.dispose()
    yield str(path)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def tables(out: str) -> dict[str, dict[str, object]]:
    return {table["name"]: table for table in json.loads(out)}


def test_the_three_commands_are_registered() -> None:
    names = {command.name for command in app.registered_commands}
    assert names == {"analyze", "findings", "compare"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_analyze_every_language_and_format(db_path: str, lang: str, fmt: str) -> None:
    code, out, err = run("analyze", "--level", "republic", "-l", lang, "-f", fmt, "--db", db_path)
    assert code == 0, err
    if fmt == "json":
        found = tables(out)
        assert {"seats", "metrics", "nationalization"} <= set(found)
        rows = found["metrics"]["rows"]
        enp = [r for r in rows if r["metric"] == "enp_seats"]  # type: ignore[index]
        assert {r["grouping"]: round(r["value"], 4) for r in enp} == {  # type: ignore[index]
            "single_bin": 1.9644,
            "exclude": 1.3570,
        }
        assert all(r["basis"] for r in rows)  # type: ignore[index]
    elif fmt == "csv":
        header = next(csv.reader(io.StringIO(out)))
        assert header[0] == "table" and "basis" in header
    elif fmt == "md":
        assert t("analytics.metric.enp_seats", lang) in out
        assert t("analytics.grouping.single_bin", lang) in out
    else:
        assert ("1.9644" if lang == "en" else "1,9644") in out
        assert ("1.3570" if lang == "en" else "1,3570") in out


def test_analyze_self_nominated_option(db_path: str) -> None:
    code, out, _ = run(
        "analyze",
        "--self-nominated",
        "each_own_unit",
        "-f",
        "json",
        "--level",
        "republic",
        "--db",
        db_path,
    )
    assert code == 0
    enp = [r for r in tables(out)["metrics"]["rows"] if r["metric"] == "enp_seats"]
    assert [(r["grouping"], round(r["value"], 4)) for r in enp] == [("each_own_unit", 2.137)]


def test_analyze_without_flagged(db_path: str) -> None:
    code, out, _ = run(
        "analyze", "--without-flagged", "--level", "region", "-f", "json", "--db", db_path
    )
    assert code == 0
    units = {r["unit"] for r in tables(out)["seats"]["rows"]}
    assert "KZ-61" not in units and len(units) == 13


def test_analyze_refusals_exit_2(db_path: str) -> None:
    code, _, err = run("analyze", "--level", "okrug", "--db", db_path, "-l", "ru")
    assert code == 2 and "region, republic" in err and "ошибка" in err
    code, _, err = run("analyze", "--level", "village", "--db", db_path)
    assert code == 2 and "village" in err
    code, _, err = run("analyze", "--self-nominated", "maybe", "--db", db_path, "-l", "kk")
    assert code == 2 and "қате" in err
    code, _, err = run("analyze", "-f", "xml", "--db", db_path)
    assert code == 2 and "xml" in err
    code, _, err = run("analyze", "-l", "de", "--db", db_path)
    assert code == 2 and "de" in err
    code, _, err = run("analyze", "-e", "no-such", "--db", db_path)
    assert code == 2 and "no-such" in err


@pytest.mark.parametrize("lang", LANGS)
def test_findings_in_every_language(db_path: str, lang: str) -> None:
    code, out, err = run("findings", "-l", lang, "--db", db_path)
    assert code == 0, err
    assert t("analytics.title.findings", lang) in out
    code, out, _ = run("findings", "-l", lang, "-f", "md", "--db", db_path)
    assert t("analytics.finding.second_third.title", lang) in out
    code, out, _ = run("findings", "-l", lang, "-f", "json", "--db", db_path)
    rows = tables(out)["findings"]["rows"]
    changed = {r["finding"]: r["changed"] for r in rows}
    assert changed == {
        "candidates_nomination": False,
        "winners_nomination": True,
        "every_party_won": False,
        "second_third": False,
        "self_regions": True,
        "majilis_prediction": False,
    }


def test_compare_writes_an_offline_chart(db_path: str, tmp_path: Path) -> None:
    chart = tmp_path / "chart.svg"
    code, out, err = run("compare", "--chart", str(chart), "-f", "json", "--db", db_path)
    assert code == 0
    assert str(chart) in err, "the chart message goes to stderr, stdout stays JSON"
    found = tables(out)
    rho = {(r["variant"], r["pair"], r["lineage"]): r["rho"] for r in found["spearman"]["rows"]}
    assert rho[("all", "kz-2021-rural-akim~majilis_2021", False)] == pytest.approx(0.2)
    assert rho[("all", "kz-2021-rural-akim~majilis_2023", False)] == pytest.approx(1.0)
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Nur Otan" in svg


def test_over_time(db_path: str) -> None:
    code, out, err = run("analyze", "--over-time", "-f", "json", "-l", "kk", "--db", db_path)
    assert code == 0, err
    found = tables(out)
    assert {"series", "ratios", "volatility"} <= set(found)
    notes = " ".join(found["volatility"]["notes"])
    assert "Тоқаев" in notes
    code, out, _ = run("analyze", "--over-time", "--db", db_path)
    assert code == 0 and t("analytics.title.series", "en") in out


def test_protocol_election_at_the_okrug_level(tmp_path: Path) -> None:
    from analytics_demo import run_demo

    service = Saylau.open(str(tmp_path / "demo.db"))
    run_demo(service)
    service.engine.dispose()
    code, out, err = run(
        "analyze",
        "-e",
        "demo-2025",
        "--level",
        "okrug",
        "-f",
        "json",
        "--db",
        str(tmp_path / "demo.db"),
    )
    assert code == 0, err
    found = tables(out)
    races = {r["okrug"]: r for r in found["races"]["rows"]}
    assert races["demo-zhanaauyl"]["margin_votes"] == 173
    assert all(r["basis"] for r in found["metrics"]["rows"])
    code, out, _ = run("analyze", "-e", "demo-2025", "--db", str(tmp_path / "demo.db"))
    assert code == 0 and t("analytics.note.query", "en", query="")[:6] in out


def test_on_both_databases(service: Saylau) -> None:
    """One run per backend (PostgreSQL through the shared ``service`` fixture)."""
    url = service.engine.url.render_as_string(hide_password=False)
    code, out, err = run("analyze", "-f", "json", "--db", url)
    assert code == 0, err
    seats = [r for r in tables(out)["seats"]["rows"] if r["level"] == "republic"]
    assert {r["contestant"]: r["seats"] for r in seats}["amanat"] == 569
    code, out, err = run("findings", "-f", "json", "--db", url)
    assert code == 0, err
    code, out, err = run("analyze", "--over-time", "-f", "json", "--db", url)
    assert code == 0, err
    pedersen = [r["pedersen"] for r in tables(out)["volatility"]["rows"]]
    assert [round(p, 4) for p in pedersen] == [10.3713, 6.4732]
