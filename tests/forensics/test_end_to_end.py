"""End to end on SQLite and PostgreSQL: ``saylau synthetic load`` then ``saylau forensics``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from saylau.datasets.synthetic import generate, parse_anomalies
from saylau.forensics import cli as forensic_cli
from saylau.forensics import data as forensic_data
from saylau.service import Saylau
from saylau.store import audit
from saylau.store.schema import AuditRow, ElectionRow, ProtocolRow, SourceRow


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test application with the forensic commands mounted."""

    forensic_cli.register(application)
    return application


def url_of(service: Saylau) -> str:
    return service.engine.url.render_as_string(hide_password=False)


def test_synthetic_load_then_forensics(service: Saylau, app: typer.Typer, tmp_path: Path) -> None:
    runner = CliRunner()
    url = url_of(service)
    loaded = runner.invoke(
        app,
        [
            "synthetic",
            "load",
            "--seed",
            "5",
            "--okrugs",
            "15",
            "--stations",
            "4",
            "--anomalies",
            "stuffing:0.25,rounding",
            "--db",
            url,
        ],
    )
    assert loaded.exit_code == 0, loaded.output
    assert "SYNTHETIC election synthetic-5 loaded" in loaded.output
    with service.session() as session:
        election = session.get(ElectionRow, "synthetic-5")
        assert election is not None and election.synthetic
        source = session.get(SourceRow, election.source)
        assert source is not None and source.kind == "synthetic" and source.synthetic
        assert "seed 5" in source.citation
        assert (
            session.scalar(
                select(func.count(ProtocolRow.id)).where(ProtocolRow.election == "synthetic-5")
            )
            == 60
        )
        assert audit.verify_chain(session) == []
        actors = set(session.scalars(select(AuditRow.actor).where(AuditRow.seq > 1)))
        assert "synthetic" in actors
        # the database gives back exactly the generated protocols
        stored = forensic_data.from_database(session, "synthetic-5")
    generated = generate(5, 15, 4, anomalies=parse_anomalies("stuffing:0.25,rounding"))
    expected = forensic_data.from_protocols(generated.code, generated.protocols, generated.okrug_of)
    assert stored.stations.equals(expected.stations)
    assert stored.votes.equals(expected.votes)
    assert stored.synthetic

    charts = tmp_path / "charts"
    result = runner.invoke(
        app, ["forensics", "synthetic-5", "--db", url, "--format", "json", "--charts", str(charts)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload[0]["meta"]["synthetic"] is True
    assert payload[0]["meta"]["stations_reported"] == 60
    rows = {r["method"]: r for r in payload[0]["rows"]}
    assert set(rows) == {"integer_percent", "association", "last_digit", "second_digit"}
    assert rows["association"]["result"] == "flagged"
    assert len(list(charts.glob("*.svg"))) == 5

    for lang in ("kk", "ru"):
        text = runner.invoke(app, ["forensics", "synthetic-5", "--db", url, "--lang", lang])
        assert text.exit_code == 0
        assert ("СИНТЕТИКАЛЫҚ" if lang == "kk" else "СИНТЕТИЧЕСКИЕ") in text.output

    again = runner.invoke(app, ["synthetic", "load", "--seed", "5", "--db", url])
    assert again.exit_code == 2 and "synthetic-5" in again.output


def test_forensics_errors(service: Saylau, app: typer.Typer) -> None:
    runner = CliRunner()
    url = url_of(service)
    missing = runner.invoke(app, ["forensics", "no-such-election", "--db", url, "--lang", "ru"])
    assert missing.exit_code == 2 and "no-such-election" in missing.output
    bad = runner.invoke(app, ["synthetic", "load", "--seed", "1", "--anomalies", "x", "--db", url])
    assert bad.exit_code == 2
    date = runner.invoke(
        app, ["synthetic", "load", "--seed", "1", "--date", "2025-13-01", "--db", url, "-l", "kk"]
    )
    assert date.exit_code == 2 and "2025-13-01" in date.output
    # the bundled 2021 election has no station protocols: every test says so, none flags
    bundled = runner.invoke(app, ["forensics", "kz-2021-rural-akim", "--db", url, "-f", "json"])
    assert bundled.exit_code == 0
    rows = json.loads(bundled.stdout)[0]["rows"]
    assert {r["result"] for r in rows} == {"insufficient"}
