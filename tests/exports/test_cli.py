"""``saylau export`` and ``saylau import --format``: a thin layer over saylau.exports that
says what it wrote, what the format leaves out, and every problem in the user's language."""

from __future__ import annotations

import json
import re
from unittest.mock import patch

from typer.testing import CliRunner

from saylau.cli import app
from saylau.service import Saylau
from web.demo import load_demo

from .conftest import empty

RUNNER = CliRunner()


def invoke(*args: str):
    opened: list[Saylau] = []
    original = Saylau.open.__func__  # type: ignore[attr-defined]

    def tracking(cls, *a, **k):
        opened.append(original(cls, *a, **k))
        return opened[-1]

    with patch.object(Saylau, "open", classmethod(tracking)):
        result = RUNNER.invoke(app, list(args))
    for service in opened:
        service.engine.dispose()
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def database(source) -> str:
    return source.engine.url.render_as_string(hide_password=False)


def test_export_says_what_it_wrote_and_left_out(source, tmp_path):
    out = tmp_path / "demo.json"
    result = invoke("export", "demo-2025", "--format", "cdf", "--output", str(out),
                    "--db", database(source), "--lang", "ru")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "demo-2025" in result.stdout and "JSON-схеме NIST SP 1500-100 v2" in result.stdout
    assert "Не включено в этот формат:" in result.stdout
    assert "полученные и погашенные бюллетени (в CDF нет таких строк): 5" in result.stdout
    assert json.loads(out.read_text("utf-8"))["@type"] == "ElectionResults.ElectionReport"


def test_export_of_an_unknown_election_and_into_a_full_folder(source, tmp_path):
    result = invoke("export", "nowhere", "-f", "csv", "-o", str(tmp_path / "x"),
                    "--db", database(source), "--lang", "kk")  # fmt: skip
    assert result.exit_code == 2
    assert "D.001 [election]: «nowhere» сайлауы жоқ" in result.stderr
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep", "utf-8")
    args = ["export", "demo-2025", "-f", "csv", "-o", str(folder), "--db", database(source)]
    result = invoke(*args)
    assert result.exit_code == 2 and "--force" in result.stderr
    assert invoke(*args, "--force").exit_code == 0
    assert (folder / "mine.txt").read_text("utf-8") == "keep"  # only saylau's files replaced
    assert (folder / "results.csv").exists()


def test_import_of_an_export_and_of_a_commission_table(source, tmp_path):
    package = tmp_path / "pkg"
    assert invoke("export", "every-rule-2025", "-f", "datapackage", "-o", str(package),
                  "--db", database(source)).exit_code == 0  # fmt: skip
    target = empty(f"sqlite:///{tmp_path / 'target.db'}")
    target.engine.dispose()
    url = f"sqlite:///{tmp_path / 'target.db'}"
    result = invoke(
        "import", "--format", "datapackage", str(package), "--db", url, "--as", "observer-1"
    )
    assert result.exit_code == 0, result.output
    assert "every-rule-2025" in result.stdout and "protocols: 10" in result.stdout
    assert "withdrawals: 2" in result.stdout and "extensions: 1" in result.stdout
    assert re.search(r"audit entry #\d+\.", result.stdout)  # numbered at commit
    again = invoke("import", "--format", "datapackage", str(package), "--db", url)
    assert again.exit_code == 2
    assert "[D.130]" in again.stderr and "Nothing was written" in again.stderr
    # a commission's table for the demo election (set up, no protocol yet)
    table = tmp_path / "pec.csv"
    table.write_text(
        "Учаске №;Тізімдегі сайлаушылар саны;Алынған бюллетеньдер;"
        "Сайлаушыларға берілген бюллетеньдер;Жойылған бюллетеньдер;"
        "Жәшіктердегі бюллетеньдер;Жарамсыз бюллетеньдер;Барлығына қарсы;"
        "Ахметов;demo-c02;demo-c03\n105;710;730;566;164;566;5;52;;;\n"
        "101;1650;1700;1190;510;1188;14;31;602;408;133\n",
        "utf-8",
    )
    demo = Saylau.open(url)
    load_demo(demo, stations=())
    demo.engine.dispose()
    args = ["import", "--format", "protocols", str(table), "--election", "demo-2025", "--db", url]
    refused = invoke(*args, "--lang", "ru")
    assert refused.exit_code == 2
    assert "столбец 'Ахметов': [D.161]" in refused.stderr
    # station 105 is in Kokterek, whose only candidate is demo-c06: no count for it (P.108)
    partial = invoke(*args, "--column", "Ахметов=votes.demo-c01", "--partial")
    assert partial.exit_code == 1
    assert "row 3: demo-ps-101 v1: accepted" in partial.stdout
    assert "[P.108]" in partial.stderr


def test_import_needs_an_election_for_commission_tables(tmp_path):
    result = invoke(
        "import",
        "--format",
        "okrug-results",
        str(tmp_path / "x.csv"),
        "--db",
        str(tmp_path / "d.db"),
    )
    assert result.exit_code == 2 and "--election" in result.stderr
