"""Commands of the reports layer: the final protocol of a certified okrug, and charts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saylau.administration.cli import DbOpt, LangOpt, _lang, _members, run
from saylau.i18n import t
from saylau.service import Saylau


def final_protocol_command(
    election: Annotated[str, typer.Argument(help="The election.")],
    okrug: Annotated[str, typer.Argument(help="The certified okrug.")],
    output: Annotated[
        Path, typer.Option(help="Write the final protocol here: PDF for .pdf, else HTML.")
    ],
    members: Annotated[
        Path | None,
        typer.Option(help="CSV of the commission's members (role,name) for the signature rows."),
    ] = None,
    lang: LangOpt = "kk",
    location: DbOpt = None,
) -> None:
    """Write the final protocol of an okrug certified earlier (certifying once is enough)."""
    from saylau.reports import final_protocol

    lang = _lang(lang)
    signers = _members(members, lang)

    def action(service: Saylau) -> final_protocol.ProtocolDocument:
        with service.session() as session:
            return final_protocol.document(session, election, okrug, lang, members=signers)

    doc = run(location, lang, action)
    final_protocol.write(doc, output)
    typer.echo(
        t("people.cli.final_protocol", lang, okrug=okrug, sha256=doc.sha256, output=str(output))
    )


def chart_command(
    name: Annotated[str, typer.Argument(help="The chart (a wrong name lists them all).")],
    output: Annotated[Path, typer.Option(help="Write the chart here.")],
    fmt: Annotated[str, typer.Option("--format", help="svg or png.")] = "svg",
    election: Annotated[str, typer.Option(help="The election.")] = "kz-2021-rural-akim",
    measure: Annotated[str, typer.Option(help="What the region map shows.")] = "self_share",
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Write one chart of the offline report alone, as SVG or PNG."""
    from saylau.reports import offline

    lang = _lang(lang)
    if fmt not in ("svg", "png"):
        typer.echo(t("people.cli.format", lang, value=fmt), err=True)
        raise typer.Exit(2)

    def action(service: Saylau) -> str:
        return offline.chart(name, offline.Context(service, election, lang, measure))

    try:
        svg = run(location, lang, action)
    except offline.ReportError as exc:
        typer.echo(exc.message(lang), err=True)
        raise typer.Exit(2) from exc
    try:
        if fmt == "png":
            output.write_bytes(offline.chart_png(svg))
        else:
            output.write_text(svg, encoding="utf-8")
    except OSError as exc:
        typer.echo(f"{output}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(t("people.chart.written", lang, name=name, path=str(output)))


def register(app: typer.Typer) -> None:
    """Mount the reports commands."""
    app.command("final-protocol")(final_protocol_command)
    app.command("chart")(chart_command)
