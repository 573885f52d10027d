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


def register(app: typer.Typer) -> None:
    """Mount the reports commands."""
    app.command("final-protocol")(final_protocol_command)
