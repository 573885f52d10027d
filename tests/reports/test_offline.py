"""The analyst's offline report and its charts, through the ``saylau`` command."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from saylau.cli import app
from saylau.reports import offline

runner = CliRunner()


def _saylau(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_offline_report_is_one_self_contained_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, stdout, _ = _saylau("report", "--html", str(out), "--lang", "kk")
    assert code == 0 and str(out) in stdout
    html = out.read_text("utf-8")
    assert html.startswith("<!doctype html>") and '<html lang="kk">' in html
    # nothing is loaded from anywhere: no script, no stylesheet link, no external source
    assert "<script" not in html and "<link" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert not re.search(r"url\((https?:)?//", html)
    for section in ("tables", "analysis", "charts", "findings", "majilis", "inconsistencies"):
        assert f'<section id="{section}"' in html, section
    # the paper's tables, every measure of analyze, the charts, the inconsistencies
    assert "Түркістан облысы" in html and html.count("<svg") >= 4
    assert "166" in html  # Turkistan's 166 akims for 60 okrugs, flagged
    assert "geokz" in html  # the map's attribution


def test_a_run_election_gets_its_forensic_fingerprints(tmp_path: Path) -> None:
    code, _, err = _saylau(
        "synthetic", "load", "--seed", "3", "--okrugs", "20", "--code", "syn-report"
    )
    assert code == 0, err
    out = tmp_path / "syn.html"
    code, _, _ = _saylau("report", "--html", str(out), "--election", "syn-report", "--lang", "ru")
    assert code == 0
    html = out.read_text("utf-8")
    assert '<section id="forensics"' in html and '<section id="tables"' not in html


def test_each_chart_alone_as_svg_or_png(tmp_path: Path) -> None:
    svg = tmp_path / "map.svg"
    code, stdout, _ = _saylau(
        "chart", "region-map", "--output", str(svg), "--measure", "okrugs", "--lang", "ru"
    )
    assert code == 0 and "region-map" in stdout
    text = svg.read_text("utf-8")
    assert text.startswith("<svg") and "Туркестанская область" in text
    png = tmp_path / "seats.png"
    code, _, _ = _saylau("chart", "seats-by-party", "--format", "png", "--output", str(png))
    assert code == 0 and png.read_bytes().startswith(b"\x89PNG")


def test_a_chart_that_does_not_exist_lists_the_ones_that_do(tmp_path: Path) -> None:
    code, _, err = _saylau("chart", "pie", "--output", str(tmp_path / "x.svg"), "--lang", "ru")
    assert code == 2 and "pie" in err
    for name in offline.CHARTS:
        assert name in err
    assert not (tmp_path / "x.svg").exists()
    code, _, err = _saylau(
        "chart", "region-map", "--measure", "turnout", "--output", str(tmp_path / "y.svg")
    )
    assert code == 2 and "self_share" in err
    code, _, err = _saylau("chart", "forensics-fingerprint", "--output", str(tmp_path / "z.svg"))
    assert code == 2 and "kz-2021-rural-akim" in err  # no station protocols in 2021
    code, _, err = _saylau(
        "chart", "seats-by-party", "--format", "gif", "--output", str(tmp_path / "w.gif")
    )
    assert code == 2 and "svg, png" in err
