"""Commands ``saylau forensics ELECTION`` and ``saylau synthetic load``.

Mount with :func:`register` on the main Typer application.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from saylau.administration.cli import run
from saylau.i18n import LANGS, fmt_int, t
from saylau.reports.table import OutputFormat, render
from saylau.service import Saylau

synthetic_app = typer.Typer(
    help="Generate SYNTHETIC elections (labelled synthetic everywhere) for tests and teaching.",
    no_args_is_help=True,
)

DbOpt = Annotated[
    str | None, typer.Option("--db", help="Database path or URL.", show_default=False)
]
LangOpt = Annotated[str, typer.Option("--lang", "-l", help="Language: kk, ru or en.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def _default_lang() -> str:
    value = os.environ.get("SAYLAU_LANG", "en")
    return value if value in LANGS else "en"


DEFAULT_LANG = _default_lang()


def _lang(value: str) -> str:
    if value not in LANGS:
        typer.echo(f"--lang: '{value}' is not one of kk, ru, en", err=True)
        raise typer.Exit(2)
    return value


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def forensics(
    election: Annotated[str, typer.Argument(help="Code of the election (any in the database).")],
    fmt: FormatOpt = OutputFormat.TEXT,
    lang: LangOpt = DEFAULT_LANG,
    charts: Annotated[
        Path | None,
        typer.Option(help="Write the charts as SVG files into this folder.", show_default=False),
    ] = None,
    alpha: Annotated[
        float, typer.Option(min=0.0001, max=0.5, help="Significance level of every test.")
    ] = 0.05,
    seed: Annotated[int, typer.Option(help="Seed of the permutation test (reproducible).")] = 0,
    distribution: Annotated[
        bool, typer.Option(help="Also print stations by turnout and leader's share (5-pt bins).")
    ] = False,
    location: DbOpt = None,
) -> None:
    """Statistical forensics of station-level results: integer percentages, turnout ×
    leader's share, last and second digits; each with its p-value and what it cannot show."""
    from saylau.forensics import data as forensic_data
    from saylau.forensics import methods
    from saylau.forensics import report as forensic_report

    lang = _lang(lang)

    def action(service: Saylau) -> forensic_data.StationData:
        with service.session() as session:
            return forensic_data.from_database(session, election)

    try:
        station_data = run(location, lang, action)
    except LookupError as exc:
        typer.echo(t("forensics.error.no_election", lang, election=election), err=True)
        raise typer.Exit(2) from exc
    report = methods.run_all(station_data, alpha=alpha, seed=seed)
    tables = forensic_report.report_tables(report, lang)
    if distribution:
        tables.append(forensic_report.distribution_table(report, lang))
    _print(render(tables, fmt))
    if charts is not None:
        from saylau.forensics import charts as forensic_charts

        paths = forensic_charts.write_all(report, charts, lang)
        typer.echo(
            t("forensics.charts_written", lang, count=len(paths), folder=str(charts)), err=True
        )


@synthetic_app.command("load")
def synthetic_load(
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same election.")],
    anomalies: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated anomalies to inject: stuffing, rounding, digits "
            "(each optionally with :fraction of stations, e.g. stuffing:0.2).",
            show_default=False,
        ),
    ] = None,
    code: Annotated[
        str | None,
        typer.Option(help="Election code (default: synthetic-SEED).", show_default=False),
    ] = None,
    okrugs: Annotated[int, typer.Option(min=1, max=5000, help="Number of okrugs.")] = 60,
    stations: Annotated[int, typer.Option(min=1, max=50, help="Polling stations per okrug.")] = 4,
    date: Annotated[str, typer.Option(help="Polling day (YYYY-MM-DD), fictional.")] = "2025-07-20",
    lang: LangOpt = DEFAULT_LANG,
    location: DbOpt = None,
) -> None:
    """Generate a SYNTHETIC election and enter it through the service layer (audited)."""
    from saylau.datasets import synthetic
    from saylau.forensics import loader

    lang = _lang(lang)
    try:
        chosen = synthetic.parse_anomalies(anomalies)
    except ValueError as exc:
        typer.echo(t("forensics.error.anomalies", lang, value=anomalies or ""), err=True)
        raise typer.Exit(2) from exc
    try:
        polling_day = dt.date.fromisoformat(date)
    except ValueError as exc:
        typer.echo(t("forensics.error.date", lang, value=date), err=True)
        raise typer.Exit(2) from exc
    election = synthetic.generate(
        seed, okrugs, stations, code=code, date=polling_day, anomalies=chosen
    )
    try:
        result = run(location, lang, lambda service: loader.load(service, election))
    except loader.ElectionExistsError as exc:
        typer.echo(t("forensics.error.exists", lang, code=exc.code), err=True)
        raise typer.Exit(2) from exc
    typer.echo(
        t(
            "forensics.synthetic.loaded",
            lang,
            code=result.election,
            okrugs=fmt_int(result.okrugs, lang),
            stations=fmt_int(result.stations, lang),
            candidates=fmt_int(result.candidates, lang),
            acknowledged=fmt_int(result.acknowledged, lang),
            seconds=f"{result.seconds:.1f}",
        )
    )
    if chosen:
        counts = ", ".join(
            f"{kind.value}: {fmt_int(len(election.affected(kind)), lang)}"
            for kind in synthetic.AnomalyKind
            if any(a.kind is kind for a in chosen)
        )
        typer.echo(t("forensics.synthetic.anomalies", lang, counts=counts))
    typer.echo(t("forensics.note.synthetic", lang))


def register(app: typer.Typer) -> None:
    """Mount ``forensics`` and ``synthetic`` on the main application."""
    app.command("forensics")(forensics)
    app.add_typer(synthetic_app, name="synthetic")
