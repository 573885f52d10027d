"""``saylau verify DIR``: check a published election record (see :mod:`saylau.verify`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from saylau.domain.record import fingerprint_for_paper
from saylau.i18n import LANGS, t
from saylau.verify.checks import verify_publication


def verify_command(
    folder: Annotated[Path, typer.Argument(help="The folder written by saylau publish.")],
    since: Annotated[
        Path | None,
        typer.Option("--since", help="A checkpoint.json kept earlier: fail unless the record "
                     "still extends it (nothing up to it changed, removed or reordered)."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="kk, ru or en.")] = "en",
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Check a published election record and trust nothing in it: files against the manifest,
    signatures, hash links, the log replayed against the protocols and results, every control
    relation, total, winner and certification recomputed. Exit 1 on any problem."""
    if lang not in LANGS:
        typer.echo(f"--lang: '{lang}' is not one of {', '.join(LANGS)}", err=True)
        raise typer.Exit(2)
    if fmt not in ("text", "json"):
        typer.echo(t("record.cli.bad_format", lang, value=fmt), err=True)
        raise typer.Exit(2)
    kept = None
    if since is not None:
        try:
            kept = json.loads(since.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            typer.echo(t("record.cli.since_unreadable", lang, path=str(since), reason=str(exc)),
                       err=True)
            raise typer.Exit(2) from exc
    report = verify_publication(folder, since=kept, lang=lang)
    if fmt == "json":
        sys.stdout.write(
            json.dumps(
                {
                    "ok": report.ok,
                    "folder": str(folder),
                    "election": report.election,
                    "entries": report.entries,
                    "head": report.head,
                    "protocols": report.protocols,
                    "okrugs": report.okrugs,
                    "certifications": report.certifications,
                    "keys": report.keys,
                    "problems": [p.as_json(lang) for p in report.problems],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    else:
        for problem in report.problems:
            typer.echo(f"{problem.code}: {problem.message(lang)}")
        summary = "verify.summary.ok" if report.ok else "verify.summary.failed"
        typer.echo(
            t(
                summary,
                lang,
                election=report.election or "?",
                entries=report.entries,
                protocols=report.protocols,
                okrugs=report.okrugs,
                certifications=report.certifications,
                count=len(report.problems),
                head=report.head or "-",
            )
        )
        for key in report.keys:
            typer.echo(
                t(
                    "verify.summary.key",
                    lang,
                    kind=t(f"verify.key.{key['kind']}", lang),
                    owner=key["owner"],
                    fingerprint=fingerprint_for_paper(key["fingerprint"]),
                )
            )
        if report.keys:
            typer.echo(t("verify.summary.compare", lang))
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Mount ``saylau verify``."""
    app.command("verify")(verify_command)
