"""Charts and tables of the forensic report in three languages; the catalogue keys they use."""

from __future__ import annotations

import json
import re

import pytest

from saylau.datasets.synthetic import Anomaly, AnomalyKind, generate
from saylau.forensics import charts, methods
from saylau.forensics import data as forensic_data
from saylau.forensics import report as forensic_report
from saylau.forensics.methods import Method
from saylau.i18n import LANGS, has, t
from saylau.policy.budget import Group
from saylau.reports.table import render

URL = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture(scope="module")
def report() -> methods.ForensicsReport:
    election = generate(2, 20, 4, anomalies=[Anomaly(AnomalyKind.STUFFING)])
    data = forensic_data.from_protocols(election.code, election.protocols, election.okrug_of)
    return methods.run_all(data, permutations=199)


def dynamic_keys() -> set[str]:
    keys = {f"forensics.method.{m.value}" for m in Method}
    keys |= {f"forensics.caveat.{m.value}" for m in Method}
    keys |= {f"forensics.status.{s}" for s in ("ok", "flagged", "insufficient")}
    keys |= {f"policy.group.{g.value}" for g in Group}
    keys |= {f"policy.measure.{m}" for m in ("budget_per_resident", "staff_per_1000")}
    keys |= {f"policy.rule.B.{n:03d}" for n in range(1, 14)}
    return keys


@pytest.mark.parametrize("lang", LANGS)
def test_dynamic_keys_exist_in_every_language(lang: str) -> None:
    assert sorted(k for k in dynamic_keys() if not has(k, lang)) == []  # type: ignore[arg-type]


def test_policy_rules_in_the_code_are_in_the_catalogue() -> None:
    from pathlib import Path

    import saylau.policy.budget as budget

    source = Path(budget.__file__).read_text(encoding="utf-8")
    assert set(re.findall(r'"(B\.\d{3})"', source)) <= {f"B.{n:03d}" for n in range(1, 14)}


@pytest.mark.parametrize("lang", LANGS)
def test_charts_are_self_contained_svg(report: methods.ForensicsReport, lang: str) -> None:
    svgs = charts.render_all(report, lang)
    assert set(svgs) == set(charts.CHARTS)
    for name, svg in svgs.items():
        assert svg.lstrip().startswith("<svg"), name
        assert set(URL.findall(svg)) - {u.removeprefix("http:") for u in NAMESPACES} <= NAMESPACES
        assert "<script" not in svg
        # the synthetic label is in every chart title
        label = t("forensics.chart.synthetic_title", lang, title="").strip(" —")
        assert label in svg, (lang, name)


def test_write_all(report: methods.ForensicsReport, tmp_path) -> None:
    paths = charts.write_all(report, tmp_path / "charts", "ru")
    assert sorted(p.name for p in paths) == sorted(f"{n}.svg" for n in charts.CHARTS)
    assert all(p.stat().st_size > 1000 for p in paths)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", ["text", "csv", "md", "json"])
def test_tables_render_in_every_language_and_format(
    report: methods.ForensicsReport, lang: str, fmt: str
) -> None:
    tables = forensic_report.report_tables(report, lang)
    tables.append(forensic_report.distribution_table(report, lang))
    text = render(tables, fmt)
    assert text.strip()
    if fmt == "json":
        payload = json.loads(text)
        rows = payload[0]["rows"]
        assert [r["method"] for r in rows] == [m.value for m in Method]
        assert payload[0]["meta"]["synthetic"] is True
        assert set(payload[0]["meta"]["citations"]) == {m.value for m in Method}
        association = next(r for r in rows if r["method"] == "association")
        assert association["result"] == "flagged"
    if fmt in ("text", "md"):
        assert t("forensics.note.synthetic", lang)[:30] in text.replace("\n", " ")


def test_tiny_p_values_keep_their_magnitude(report: methods.ForensicsReport) -> None:
    result = methods.TestResult(
        Method.LAST_DIGIT, 99.0, 1.234e-12, 500, 0.05, 9, details={"min_count": 10}
    )
    fake = methods.ForensicsReport(
        report.data, (result,), report.turnout, report.leader_share, report.fingerprint
    )
    payload = json.loads(render(forensic_report.report_tables(fake, "en"), "json"))
    assert payload[0]["rows"][0]["p_value"] == pytest.approx(1.234e-12)
    assert forensic_report.p_value_text(1.234e-12, "en") == "below 0.0001"
