"""Command-line layer of open data: ``saylau export``, ``saylau import --format ...`` and
``saylau docs``. It parses, calls :mod:`saylau.exports` and formats; nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from saylau.administration.errors import AdminError
from saylau.datasets.reader import DatasetError
from saylau.i18n import t
from saylau.service import Saylau
from saylau.store import db

LangOpt = Annotated[str, typer.Option("--lang", "-l", help="Language: kk, ru or en.")]
DbOpt = Annotated[
    str | None, typer.Option("--db", help="Database path or URL.", show_default=False)
]


class ExportFormat(StrEnum):
    """Formats of ``saylau export``."""

    cdf = "cdf"
    datapackage = "datapackage"
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


def _lang(value: str) -> str:
    if value not in ("kk", "ru", "en"):
        typer.echo(f"--lang: '{value}' is not one of kk, ru, en", err=True)
        raise typer.Exit(2)
    return value


def _open(location: str | None) -> Saylau:
    try:
        return Saylau.open(location)
    except db.DatabaseURLError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


def report_problems(error: DatasetError, lang: str) -> None:
    """Print every problem (file, row, column, rule, message) on standard error."""
    typer.echo(t("import.failed", lang, count=len(error.problems)), err=True)
    for problem in error.problems:
        typer.echo("  " + problem.render(lang), err=True)


def _refused(error: AdminError, lang: str) -> typer.Exit:
    field = f" [{error.field}]" if error.field else ""
    typer.echo(f"{error.code}{field}: {error.message(lang)}", err=True)
    return typer.Exit(2)


def _prepare_output(output: Path, folder: bool, force: bool, lang: str) -> None:
    """A folder export goes into an empty folder (``--force`` clears saylau's files there)."""
    if not folder:
        if output.is_dir():
            typer.echo(t("od.cli.output_is_folder", lang, path=str(output)), err=True)
            raise typer.Exit(2)
        return
    if output.exists() and not output.is_dir():
        typer.echo(t("od.cli.output_is_file", lang, path=str(output)), err=True)
        raise typer.Exit(2)
    if output.is_dir() and any(output.iterdir()):
        if not force:
            typer.echo(t("od.cli.output_not_empty", lang, path=str(output)), err=True)
            raise typer.Exit(2)
        from saylau.exports.spec import BY_NAME

        names = {*(f"{n}.csv" for n in BY_NAME), *(f"{n}.parquet" for n in BY_NAME)}
        names |= {"export.json", "README.md", "datapackage.json"}
        for item in output.iterdir():
            if item.is_file() and item.name in names:
                item.unlink()


def export_command(
    election: Annotated[str, typer.Argument(help="The election (its code).")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Export format.")],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="File (cdf, xlsx) or folder (datapackage, csv, parquet)."
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace saylau's files in a non-empty folder.")
    ] = False,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Export a whole election: NIST SP 1500-100 v2 JSON (cdf), a Frictionless data package,
    CSV, Parquet or Excel; says what the format leaves out."""
    from saylau.exports import FOLDER_FORMATS, export_election

    lang = _lang(lang)
    _prepare_output(output, fmt.value in FOLDER_FORMATS, force, lang)
    service = _open(location)
    try:
        result = export_election(service, election, fmt.value, output, lang=lang)
    except AdminError as exc:
        raise _refused(exc, lang) from exc
    except DatasetError as exc:
        report_problems(exc, lang)
        raise typer.Exit(1) from exc
    typer.echo(
        t(
            "od.cli.exported",
            lang,
            election=election,
            format=fmt.value,
            files=len(result.files),
            output=str(output),
        )
    )
    if fmt is ExportFormat.cdf:
        typer.echo(t("od.cli.validated", lang))
    if result.left_out:
        typer.echo(t("od.cli.left_out", lang))
        for item in result.left_out:
            detail = f" ({item.detail})" if item.detail else ""
            typer.echo(f"  - {t(f'od.omit.{item.key}', lang)}: {item.count}{detail}")


def run_import(
    paths: list[Path],
    fmt: str,
    *,
    actor: str,
    lang: str,
    location: str | None,
    election: str | None,
    mapping: Path | None,
    columns: list[str],
    sheet: str | None,
    partial: bool,
    source_title: str | None,
    source_url: str | None,
) -> None:
    """``saylau import --format FMT`` for every format but the bundled dataset format."""
    from saylau.exports import commission, detect_format, import_election
    from saylau.security.actor import Actor, Role

    lang = _lang(lang)
    if len(paths) != 1:
        typer.echo(t("od.cli.one_path", lang, format=fmt), err=True)
        raise typer.Exit(2)
    path = paths[0]
    who = Actor(actor, Role.ADMIN)  # the local command line acts as the administrator
    service = _open(location)
    try:
        if fmt in ("protocols", "okrug-results"):
            if election is None:
                typer.echo(t("od.cli.needs_election", lang, format=fmt), err=True)
                raise typer.Exit(2)
            chosen = commission.read_mapping(mapping, columns)
            with service.transaction() as session:
                if fmt == "protocols":
                    result = commission.import_protocols(
                        session,
                        who,
                        path,
                        election,
                        mapping=chosen,
                        sheet=sheet,
                        partial=partial,
                        lang=lang,
                    )
                else:
                    result = commission.import_okrug_results(
                        session,
                        who,
                        path,
                        election,
                        mapping=chosen,
                        sheet=sheet,
                        partial=partial,
                        lang=lang,
                        source_title=source_title,
                        source_url=source_url,
                    )
            _commission_report(result, lang)
            return
        found = detect_format(path)
        if found is not None and found != fmt and not (found == "csv" and fmt == "datapackage"):
            typer.echo(
                t("od.cli.format_mismatch", lang, path=str(path), format=fmt, found=found), err=True
            )
        data, loaded = import_election(service, path, fmt, actor=who, lang=lang, election=election)
    except AdminError as exc:
        raise _refused(exc, lang) from exc
    except DatasetError as exc:
        report_problems(exc, lang)
        raise typer.Exit(2) from exc
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(loaded.counts.items()))  # type: ignore[attr-defined]
    typer.echo(
        t(
            "od.cli.imported",
            lang,
            election=data.election,
            counts=counts or "-",
            seq=loaded.audit_seq,
        )
    )  # type: ignore[attr-defined]


def _commission_report(result: object, lang: str) -> None:
    from saylau.exports.commission import CommissionImport

    assert isinstance(result, CommissionImport)
    for row in result.written:
        warnings = f" [{', '.join(row.warnings)}]" if row.warnings else ""
        version = f" v{row.version}" if row.version else ""
        typer.echo(
            t(
                "od.cli.row",
                lang,
                line=row.line,
                unit=row.unit + version,
                status=t(f"od.cli.status.{row.status}", lang),
            )
            + warnings
        )
    for line in result.skipped:
        typer.echo(t("od.cli.skipped_total", lang, line=line))
    for text in result.differences:
        typer.echo("  ! " + text)
    if result.problems:
        typer.echo(t("od.cli.partial", lang, count=len(result.problems)), err=True)
        for problem in result.problems:
            typer.echo("  " + problem.render(lang), err=True)
    typer.echo(
        t(
            "od.cli.commission_done",
            lang,
            count=len(result.written),
            election=result.election,
            seq=result.audit_seq or "-",
        )
    )
    if result.problems:
        raise typer.Exit(1)


# --- the documentation site -----------------------------------------------------------------


def docs_config() -> Path | None:
    """``mkdocs.yml`` of the source tree saylau runs from (or the working directory's)."""
    here = Path(__file__).resolve()
    for folder in [Path.cwd(), *Path.cwd().parents, *here.parents]:
        candidate = folder / "mkdocs.yml"
        if candidate.is_file() and (folder / "docs").is_dir():
            return candidate
    return None


def docs_command(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8001,
    build: Annotated[
        Path | None, typer.Option(help="Build the static site into this folder instead.")
    ] = None,
    lang: LangOpt = "en",
) -> None:
    """Serve the documentation site locally (MkDocs), or build it with ``--build DIR``."""
    lang = _lang(lang)
    config = docs_config()
    if config is None:
        typer.echo(t("od.docs.no_config", lang), err=True)
        raise typer.Exit(2)
    if shutil.which("mkdocs") is None and not _has_mkdocs():
        typer.echo(t("od.docs.no_mkdocs", lang), err=True)
        raise typer.Exit(2)
    if build is not None:
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(build.resolve()),
        ]
    else:
        typer.echo(t("od.docs.serving", lang, port=port))
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "-f",
            str(config),
            "-a",
            f"127.0.0.1:{port}",
        ]
    completed = subprocess.run(command, check=False, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if completed.returncode:
        raise typer.Exit(completed.returncode)


def _has_mkdocs() -> bool:
    import importlib.util

    return importlib.util.find_spec("mkdocs") is not None


def register(app: typer.Typer) -> None:
    """Mount ``saylau export`` and ``saylau docs`` (``saylau import`` calls :func:`run_import`)."""
    app.command("export")(export_command)
    app.command("docs")(docs_command)
