"""``saylau analyze``, ``saylau findings`` and ``saylau compare``: thin commands.

They parse options, call :mod:`saylau.analytics` and print through
:func:`saylau.reports.table.render`, so ``--format text|csv|md|json`` and
``--lang kk|ru|en`` mean what they mean everywhere. Options arrive as text and are checked
here, so that a wrong value is explained in the chosen language and exits with status 2.
Mount with :func:`register`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from saylau.analytics import competition, findings, timeline
from saylau.analytics.compare import chart_spec, chart_svg, compare
from saylau.analytics.competition import DEFAULT_ELECTION, GROUPINGS, LEVELS, AnalysisError
from saylau.analytics.tables import (
    analysis_tables,
    compare_tables,
    findings_table,
    load_names,
    timeline_tables,
)
from saylau.i18n import DEFAULT_LANG, LANGS, t
from saylau.reports.table import OutputFormat, render
from saylau.service import Saylau
from saylau.store import db

__all__ = ["analyze_command", "compare_command", "findings_command", "register"]


def _help(key: str) -> str:
    return t(f"analytics.help.{key}", DEFAULT_LANG)


def _env_lang() -> str:
    value = os.environ.get("SAYLAU_LANG", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


DbOpt = Annotated[str | None, typer.Option("--db", help=_help("db"), show_default=False)]
LangOpt = Annotated[str, typer.Option("--lang", "-l", metavar="kk|ru|en", help=_help("lang"))]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", metavar="text|csv|md|json", help=_help("format"))
]
ElectionOpt = Annotated[str, typer.Option("--election", "-e", help=_help("election"))]


def _fail(lang: str, message: str) -> NoReturn:
    typer.echo(t("analytics.cli.error", lang, message=message), err=True)
    raise typer.Exit(2)


def _check(lang: str, output_format: str) -> tuple[str, OutputFormat]:
    if lang not in LANGS:
        _fail(
            DEFAULT_LANG,
            t("analytics.error.lang", DEFAULT_LANG, value=lang, allowed=", ".join(LANGS)),
        )
    try:
        return lang, OutputFormat(output_format)
    except ValueError:
        allowed = ", ".join(f.value for f in OutputFormat)
        _fail(lang, t("analytics.error.format", lang, value=output_format, allowed=allowed))


def _open(location: str | None, lang: str) -> Saylau:
    try:
        return Saylau.open(location)
    except db.DatabaseURLError as exc:
        _fail(lang, str(exc))


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def analyze_command(
    election: ElectionOpt = DEFAULT_ELECTION,
    level: Annotated[
        str | None,
        typer.Option("--level", metavar="|".join(LEVELS), help=_help("level"), show_default=False),
    ] = None,
    self_nominated: Annotated[
        str,
        typer.Option("--self-nominated", metavar="|".join(GROUPINGS), help=_help("self")),
    ] = "both",
    over_time: Annotated[bool, typer.Option("--over-time", help=_help("over_time"))] = False,
    without_flagged: Annotated[
        bool, typer.Option("--without-flagged", help=_help("without_flagged"))
    ] = False,
    output_format: FormatOpt = "text",
    lang: LangOpt = _env_lang(),  # noqa: B008
    location: DbOpt = None,
) -> None:
    """Party competition of an election at every level its data allow (or over time)."""
    language, fmt = _check(lang, output_format)
    if level is not None and level not in LEVELS:
        _fail(
            language,
            t("analytics.error.level", language, value=level, allowed=", ".join(LEVELS)),
        )
    service = _open(location, language)
    try:
        if over_time:
            frames = timeline.over_time(service, self_nominated=self_nominated)
            tables = timeline_tables(frames, load_names(service, language))
        else:
            frames = competition.analyze(
                service,
                election,
                level,
                self_nominated=self_nominated,
                without_flagged=without_flagged,
            )
            data_day = competition.load(service, election).date
            tables = analysis_tables(frames, election, load_names(service, language, data_day))
    except AnalysisError as exc:
        _fail(language, exc.message(language))
    finally:
        service.engine.dispose()
    _print(render(tables, fmt))


def findings_command(
    election: ElectionOpt = DEFAULT_ELECTION,
    output_format: FormatOpt = "text",
    lang: LangOpt = _env_lang(),  # noqa: B008
    location: DbOpt = None,
) -> None:
    """The seed paper's findings re-derived, with and without the rows `saylau check` flags."""
    language, fmt = _check(lang, output_format)
    service = _open(location, language)
    try:
        items = findings.findings(service, election)
        day = competition.load(service, election).date
        table = findings_table(items, load_names(service, language, day))
    except AnalysisError as exc:
        _fail(language, exc.message(language))
    finally:
        service.engine.dispose()
    _print(render([table], fmt))


def compare_command(
    election: ElectionOpt = DEFAULT_ELECTION,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", metavar="FILE.svg", help=_help("chart"), show_default=False),
    ] = None,
    output_format: FormatOpt = "text",
    lang: LangOpt = _env_lang(),  # noqa: B008
    location: DbOpt = None,
) -> None:
    """Each party's 2021 akim seat share beside its Majilis list vote share (2021, 2023)."""
    language, fmt = _check(lang, output_format)
    service = _open(location, language)
    try:
        frames = compare(service, election)
        day = competition.load(service, election).date
        names = load_names(service, language, day)
        tables = compare_tables(frames, names)
        svg = chart_svg(chart_spec(frames["shares"], language, names.parties)) if chart else None
    except AnalysisError as exc:
        _fail(language, exc.message(language))
    finally:
        service.engine.dispose()
    if chart is not None and svg is not None:
        try:
            chart.write_text(svg, encoding="utf-8")
        except OSError as exc:
            _fail(language, t("analytics.error.chart_write", language, path=chart, error=exc))
        typer.echo(t("analytics.cli.chart_written", language, path=chart), err=True)
    _print(render(tables, fmt))


def register(app: typer.Typer) -> None:
    """Add ``analyze``, ``findings`` and ``compare`` to ``app`` (the ``saylau`` command)."""
    app.command("analyze", help=_help("cmd_analyze"))(analyze_command)
    app.command("findings", help=_help("cmd_findings"))(findings_command)
    app.command("compare", help=_help("cmd_compare"))(compare_command)
