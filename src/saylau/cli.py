"""The ``saylau`` command: a thin layer that parses, calls the service layer and formats.

Every command takes ``--db`` (path or URL; default: the embedded SQLite file), and those
that print take ``--format text|csv|md|json`` and ``--lang kk|ru|en``.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from saylau import consistency
from saylau.datasets import bundled, convert, reader
from saylau.i18n import t
from saylau.i18n.plural import tp
from saylau.reports import seed_tables
from saylau.reports.table import Cell, Col, OutputFormat, ReportTable, render
from saylau.service import Saylau
from saylau.store import audit, db

app = typer.Typer(
    name="saylau",
    help="Run and explain Kazakhstan's elections of rural akims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema and integrity.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class LangOption(StrEnum):
    """Languages of the output."""

    kk = "kk"
    ru = "ru"
    en = "en"


def _default_lang() -> LangOption:
    value = os.environ.get("SAYLAU_LANG", "en")
    return LangOption(value) if value in LangOption.__members__ else LangOption.en


DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database path or URL (default: $SAYLAU_DATABASE_URL or the "
        "embedded SQLite file in $SAYLAU_HOME).",
        show_default=False,
    ),
]
LangOpt = Annotated[LangOption, typer.Option("--lang", "-l", help="Language of the output.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def _open(location: str | None) -> Saylau:
    try:
        return Saylau.open(location)
    except db.DatabaseURLError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command()
def report(
    table: Annotated[
        int | None,
        typer.Option("--table", "-t", min=1, max=4, help="Only this table of the paper (1-4)."),
    ] = None,
    lang: LangOpt = _default_lang(),  # noqa: B008
    fmt: FormatOpt = OutputFormat.TEXT,
    totals: Annotated[bool, typer.Option(help="Also print Tables 3-4 added up nationally.")] = True,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Write the analyst's offline report (one self-contained HTML file) here.",
            show_default=False,
        ),
    ] = None,
    election: Annotated[
        str, typer.Option(help="The election of the offline report (--html).")
    ] = "kz-2021-rural-akim",
    measure: Annotated[
        str, typer.Option(help="The measure the region map of the offline report shows.")
    ] = "self_share",
    location: DbOpt = None,
) -> None:
    """Print the seed paper's tables from the database (bundled data loaded on first use);
    with ``--html``, write the offline report of an election instead."""
    service = _open(location)
    if html is not None:
        from saylau.reports import offline

        try:
            text = offline.report_html(service, election, lang.value, measure)
        except offline.ReportError as exc:
            typer.echo(exc.message(lang.value), err=True)
            raise typer.Exit(2) from exc
        try:
            html.write_text(text, encoding="utf-8")
        except OSError as exc:
            typer.echo(f"{html}: {exc.strerror}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(t("people.report.written", lang.value, path=str(html)))
        return
    inputs = service.seed_inputs()
    numbers = [table] if table else list(seed_tables.TABLES)
    tables = [seed_tables.build(inputs, n, lang.value) for n in numbers]
    if table is None and totals:
        tables.append(seed_tables.national_summary(inputs, lang.value))
    _print(render(tables, fmt))


def _findings_table(
    findings: list[consistency.Finding], lang: str, unit_names: dict[str, str]
) -> ReportTable:
    report_table = ReportTable(
        "findings",
        t("check.report.title", lang),
        [
            Col("rule", t("check.col.rule", lang)),
            Col("severity", t("check.col.severity", lang)),
            Col("unit", t("check.col.unit", lang)),
            Col("title", t("check.col.title", lang)),
            Col("explanation", t("check.col.explanation", lang)),
            Col("figures", t("check.col.figures", lang)),
        ],
    )
    for finding in findings:
        figures = "; ".join(_figure_text(f, lang) for f in finding.involved)
        report_table.rows.append(
            [
                Cell(finding.rule, finding.rule),
                Cell(finding.severity, t(f"check.severity.{finding.severity}", lang)),
                Cell(finding.unit, unit_names.get(finding.unit, finding.unit)),
                Cell(finding.title(lang), finding.title(lang)),
                Cell(finding.explain(lang, unit_names), finding.explain(lang, unit_names)),
                Cell(figures, figures),
            ]
        )
    if not findings:
        report_table.notes.append(t("check.none", lang))
    else:
        report_table.notes.append(tp("people.check.count", lang, len(findings)))
    return report_table


# Rows of the paper's text quoted in English in the dataset, as each language says them.
_TEXT_ROWS = {"paragraph before Table 4": "people.provenance.before_table4"}


def _number_text(value: object, lang: str) -> str:
    from saylau.consistency import _number

    return _number(value, lang) if isinstance(value, int | Decimal) else str(value)


def _figure_text(figure: object, lang: str) -> str:
    """A figure of a finding: its id, value as the language writes it, and where it is."""
    provenance = figure.provenance  # type: ignore[attr-defined]
    value = _number_text(figure.value, lang)  # type: ignore[attr-defined]
    if provenance.table == "text":
        row = provenance.row or ""
        return t(
            "people.check.figure_text",
            lang,
            id=figure.id,  # type: ignore[attr-defined]
            value=value,
            row=t(_TEXT_ROWS[row], lang) if row in _TEXT_ROWS else row,
        )
    return t(
        "check.figure",
        lang,
        id=figure.id,  # type: ignore[attr-defined]
        table=provenance.table or "",
        row=provenance.row or "",
        column=provenance.column or "-",
        value=value,
    )


def _findings_text(
    findings: list[consistency.Finding], lang: str, unit_names: dict[str, str]
) -> str:
    lines = [t("check.report.title", lang), ""]
    for finding in findings:
        unit = unit_names.get(finding.unit, finding.unit)
        severity = t(f"check.severity.{finding.severity}", lang)
        lines.append(
            f"[{finding.rule}] {severity} · {unit} ({finding.unit}): {finding.title(lang)}"
        )
        lines.append(f"    {finding.explain(lang, unit_names)}")
        lines.append(f"    {t('check.col.figures', lang)}:")
        for f in finding.involved:
            lines.append("      " + _figure_text(f, lang))
        for name, value in finding.computed.items():
            lines.append(f"    {t('check.computed', lang)} {name} = {_number_text(value, lang)}")
        lines.append("")
    lines.append(
        tp("people.check.count", lang, len(findings)) if findings else t("check.none", lang)
    )
    return "\n".join(lines)


def _findings_json(
    findings: list[consistency.Finding], lang: str, unit_names: dict[str, str]
) -> str:
    return (
        json.dumps(
            [
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "level": f.level.value,
                    "unit": f.unit,
                    "title": f.title(lang),
                    "explanation": f.explain(lang, unit_names),
                    "computed": {k: str(v) for k, v in f.computed.items()},
                    "figures": [
                        {
                            "id": x.id,
                            "value": str(x.value),
                            "source": x.provenance.source,
                            "table": x.provenance.table,
                            "row": x.provenance.row,
                            "column": x.provenance.column,
                        }
                        for x in f.involved
                    ],
                }
                for f in findings
            ],
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Dataset files or folders to check instead of the database.", show_default=False
        ),
    ] = None,
    lang: LangOpt = _default_lang(),  # noqa: B008
    fmt: FormatOpt = OutputFormat.TEXT,
    strict: Annotated[bool, typer.Option(help="Exit with status 1 if anything is found.")] = False,
    location: DbOpt = None,
) -> None:
    """List every internal inconsistency of the figures, with the values and their sources."""
    if paths:
        try:
            content = reader.read(paths, known=_bundled_keys())
        except reader.DatasetError as exc:
            _report_problems(exc, lang.value)
            raise typer.Exit(2) from exc
        figures = convert.figures(content)
        names = {
            c: n.get(lang.value)
            for c, n in convert.region_names(reader.read([bundled.folder()])).items()
        }
        names.update({c: n.get(lang.value) for c, n in convert.region_names(content).items()})
    else:
        service = _open(location)
        figures = service.figures()
        inputs = service.seed_inputs()
        names = {c: n.get(lang.value) for c, n in inputs.region_names.items()}
    findings = consistency.check(figures)
    if fmt is OutputFormat.JSON:
        _print(_findings_json(findings, lang.value, names))
    elif fmt is OutputFormat.TEXT:
        _print(_findings_text(findings, lang.value, names))
    else:
        _print(render([_findings_table(findings, lang.value, names)], fmt))
    if strict and findings:
        raise typer.Exit(1)


def _bundled_keys() -> dict[str, set[str]]:
    content = reader.read([bundled.folder()])
    return {
        "sources.code": {str(r["code"]) for r in content.rows["sources"]},
        "regions.code": {str(r["code"]) for r in content.rows["regions"]},
        "parties.code": {str(r["code"]) for r in content.rows["parties"]},
        "elections.code": {str(r["code"]) for r in content.rows["elections"]},
    }


def _report_problems(error: reader.DatasetError, lang: str) -> None:
    typer.echo(t("import.failed", lang, count=len(error.problems)), err=True)
    for problem in error.problems:
        typer.echo("  " + problem.render(lang), err=True)


class ImportFormatOption(StrEnum):
    """What ``saylau import`` reads."""

    dataset = "dataset"
    cdf = "cdf"
    datapackage = "datapackage"
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"
    protocols = "protocols"
    okrug_results = "okrug-results"


@app.command("import")
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="CSV or JSON files, a folder, or a datapackage.json, in the bundled format; "
            "or one file or folder of the --format given."
        ),
    ],
    fmt: Annotated[
        ImportFormatOption,
        typer.Option(
            "--format",
            "-f",
            help="dataset (the bundled format); an election exported by saylau (cdf, "
            "datapackage, csv, parquet, xlsx); a commission's station protocols or okrug "
            "results (protocols, okrug-results: CSV or Excel, needs --election).",
        ),
    ] = ImportFormatOption.dataset,
    election: Annotated[
        str | None,
        typer.Option(
            help="The election (protocols, okrug-results; cdf: a code for a file without one)."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--map", help="Mapping of the file's headers to fields (.toml, .json, .csv)."),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="HEADER=FIELD for a header saylau does not know (repeat)."),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="Sheet of an Excel file (default: the first).")
    ] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="Write the rows that pass; report the others.")
    ] = False,
    source_title: Annotated[
        str | None, typer.Option(help="Title of the published source (okrug-results).")
    ] = None,
    source_url: Annotated[
        str | None, typer.Option(help="Where the source is published (okrug-results).")
    ] = None,
    resource: Annotated[
        str | None,
        typer.Option(help="Resource of a single CSV whose name is not the resource name."),
    ] = None,
    dataset: Annotated[
        str, typer.Option(help="Name under which the figures are stored.")
    ] = "imported",
    actor: Annotated[
        str, typer.Option("--actor", "--as", help="Who imports (recorded in the audit log).")
    ] = (os.environ.get("USER", "cli")),
    lang: LangOpt = _default_lang(),  # noqa: B008
    location: DbOpt = None,
) -> None:
    """Import files; any rejected row rejects the whole import, which writes nothing."""
    if fmt is not ImportFormatOption.dataset:
        from saylau.exports.cli import run_import

        run_import(
            paths,
            fmt.value,
            actor=actor,
            lang=lang.value,
            location=location,
            election=election,
            mapping=mapping,
            columns=column or [],
            sheet=sheet,
            partial=partial,
            source_title=source_title,
            source_url=source_url,
        )
        return
    service = _open(location)
    try:
        result = service.import_files(paths, actor=actor, dataset=dataset, resource=resource)
    except reader.DatasetError as exc:
        _report_problems(exc, lang.value)
        raise typer.Exit(2) from exc
    counts = ", ".join(f"{name}: {count}" for name, count in sorted(result.counts.items()))
    typer.echo(t("import.done", lang.value, counts=counts, seq=result.audit_seq))


@db_app.command("upgrade")
def db_upgrade(location: DbOpt = None, lang: LangOpt = _default_lang()) -> None:  # noqa: B008
    """Create or migrate the schema (Alembic) and load the bundled data if needed."""
    service = _open(location)
    typer.echo(
        t(
            "db.ready",
            lang.value,
            url=service.engine.url.render_as_string(hide_password=True),
            revision=db.current_revision(service.engine) or "-",
        )
    )


def _verify_database(
    location: str | None, since: Path | None, lang: str, fmt: str
) -> None:
    from saylau.store.integrity import verify_database

    kept = None
    if since is not None:
        try:
            kept = json.loads(since.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            typer.echo(t("record.cli.since_unreadable", lang, path=str(since), reason=str(exc)),
                       err=True)
            raise typer.Exit(2) from exc
    service = _open(location)
    with service.session() as session:
        problems = verify_database(session, since=kept)
        seq = audit.head_seq(session)
    if fmt == "json":
        _print(json.dumps({"ok": not problems, "entries": seq,
                           "problems": [p.as_json(lang) for p in problems]},
                          ensure_ascii=False, indent=2, default=str))
    else:
        for problem in problems:
            typer.echo(f"{problem.code}: {problem.message(lang)}", err=True)
        if problems:
            typer.echo(t("record.cli.db_failed", lang, count=len(problems)), err=True)
        else:
            typer.echo(t("record.cli.db_ok", lang, entries=seq))
    if problems:
        raise typer.Exit(1)


SinceOpt = Annotated[
    Path | None,
    typer.Option("--since", help="A checkpoint.json kept earlier: fail unless the log extends it."),
]


@db_app.command("verify")
def db_verify(
    location: DbOpt = None,
    since: SinceOpt = None,
    lang: LangOpt = _default_lang(),  # noqa: B008
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Check the log's chain and signed checkpoints, replay it and compare every table with
    it; exit 1 on any difference (each reported with table, key, column, stored and logged)."""
    if fmt not in ("text", "json"):
        typer.echo(t("record.cli.bad_format", lang.value, value=fmt), err=True)
        raise typer.Exit(2)
    _verify_database(location, since, lang.value, fmt)


@db_app.command("verify-audit", hidden=True)
def db_verify_audit(
    location: DbOpt = None,
    lang: LangOpt = _default_lang(),  # noqa: B008
) -> None:
    """Alias of ``saylau db verify``."""
    _verify_database(location, None, lang.value, "text")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    verify_every: Annotated[
        float,
        typer.Option("--verify-every", min=0.1, help="Minutes between checks of the database "
                     "against its log (saylau db verify); the first runs at start."),
    ] = 5.0,
    location: DbOpt = None,
    lang: LangOpt = _default_lang(),  # noqa: B008
) -> None:
    """Serve the public results site (bundled data loaded on first use)."""
    import uvicorn

    from saylau.store import keys
    from saylau.web.app import create_app

    service = _open(location)
    with service.session() as session:
        missing = keys.check_available(session)
    if missing:
        # Never serve (and sign) without the keys: a missing key file is a stop, not a mode.
        for problem in missing:
            typer.echo(f"{problem.code}: {problem.message(lang.value)}", err=True)
        raise typer.Exit(2)
    app_ = create_app(service, integrity_every=verify_every * 60)
    url = service.engine.url.render_as_string(hide_password=True)
    typer.echo(f"saylau: serving {url} at http://{host}:{port}/ (Ctrl+C stops)")
    status = app_.state.integrity.check()
    if not status.ok:
        for problem in status.problems[:20]:
            typer.echo(f"{problem.code}: {problem.message(lang.value)}", err=True)
        typer.echo(t("record.cli.db_failed", lang.value, count=len(status.problems)), err=True)
    uvicorn.run(app_, host=host, port=port, log_level="info")


@db_app.command("acknowledge")
def db_acknowledge(
    note: Annotated[str, typer.Option(help="What was found and what is being done.")],
    actor: Annotated[str, typer.Option("--as", help="The administrator (recorded).")] = (
        os.environ.get("USER", "cli")
    ),
    location: DbOpt = None,
    lang: LangOpt = _default_lang(),  # noqa: B008
) -> None:
    """Record that an administrator looked into the problems saylau db verify finds (the
    workspace then accepts changes again; the public warning stays until the record holds)."""
    from saylau.security.actor import Actor, Role
    from saylau.web.integrity import IntegrityMonitor, acknowledge

    service = _open(location)
    monitor = IntegrityMonitor(service)
    status = monitor.check()
    if status.ok:
        typer.echo(t("record.cli.nothing_to_acknowledge", lang.value))
        return
    if not note.strip():
        typer.echo(t("record.ws.note_required", lang.value), err=True)
        raise typer.Exit(2)
    with service.transaction() as session:
        acknowledge(session, Actor(actor, Role.ADMIN), status, note)
    typer.echo(t("record.cli.acknowledged", lang.value, count=len(status.problems)))


@db_app.command("grant")
def db_grant(
    role: Annotated[str, typer.Argument(help="The PostgreSQL role the application connects as.")],
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the SQL instead of running it.")
    ] = False,
    location: DbOpt = None,
    lang: LangOpt = _default_lang(),  # noqa: B008
) -> None:
    """PostgreSQL: give ROLE what the application needs and no more: INSERT and SELECT only
    on the log and the append-only tables (no UPDATE, DELETE or TRUNCATE), read and write on
    the others. Run it as the owner of the schema."""
    from saylau.store import grants

    service = _open(location)
    if service.engine.dialect.name != "postgresql" and not print_only:
        typer.echo(t("record.cli.grant_pg_only", lang.value), err=True)
        raise typer.Exit(2)
    try:
        statements = grants.grant_statements(role)
    except ValueError as exc:
        typer.echo(t("record.cli.grant_bad_role", lang.value, role=role), err=True)
        raise typer.Exit(2) from exc
    if print_only:
        _print(";\n".join(statements) + ";")
        return
    grants.apply(service.engine, role)
    typer.echo(t("record.cli.granted", lang.value, role=role))


user_app = typer.Typer(help="Accounts of the commission workspace.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _account_failed(error: Exception, lang: str) -> typer.Exit:
    from saylau.security.accounts import AccountError

    if isinstance(error, AccountError):
        typer.echo(f"{error.code} [{error.field}]: {error.message(lang)}", err=True)
    else:
        typer.echo(str(error), err=True)
    return typer.Exit(2)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Account name (a-z, 0-9, '.', '_', '-').")],
    role: Annotated[str, typer.Option(help="admin, territorial, supervisor, operator, observer.")],
    territory: Annotated[
        str,
        typer.Option(help="Region, district, okrug or station code; KZ for the whole republic."),
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    actor: Annotated[str, typer.Option("--as", help="Who acts (recorded in the audit log).")] = (
        os.environ.get("USER", "cli")
    ),
    lang: LangOpt = _default_lang(),  # noqa: B008
    location: DbOpt = None,
) -> None:
    """Create a workspace account; the password is prompted for (or read from stdin)."""
    from saylau.security import accounts
    from saylau.security.actor import Actor, Role

    try:
        chosen = Role(role)
    except ValueError as exc:
        typer.echo(f"--role: '{role}' is not one of {', '.join(r.value for r in Role)}", err=True)
        raise typer.Exit(2) from exc
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(
            t("web.user.password_prompt", lang.value),
            hide_input=True,
            confirmation_prompt=t("web.user.password_repeat", lang.value),
        )
    try:
        accounts.check_password(password)
        service = _open(location)
        with service.transaction() as session:
            accounts.add_account(
                session,
                Actor(actor, Role.ADMIN),
                name=name,
                role=chosen,
                territory=territory,
                password=password,
            )
    except accounts.AccountError as exc:
        raise _account_failed(exc, lang.value) from exc
    typer.echo(t("web.user.added", lang.value, name=name, role=chosen.value, territory=territory))


@user_app.command("list")
def user_list(
    lang: LangOpt = _default_lang(),  # noqa: B008
    fmt: FormatOpt = OutputFormat.TEXT,
    location: DbOpt = None,
) -> None:
    """List the workspace accounts (never their password hashes)."""
    from saylau.security import accounts

    service = _open(location)
    with service.session() as session:
        rows = accounts.accounts(session)
    code = lang.value
    table = ReportTable(
        "accounts",
        t("web.user.list.title", code),
        [
            Col("name", t("web.user.col.name", code)),
            Col("role", t("web.user.col.role", code)),
            Col("territory", t("web.user.col.territory", code)),
            Col("active", t("web.user.col.active", code)),
            Col("created_at", t("web.user.col.created_at", code)),
        ],
    )
    for row in rows:
        created = accounts.aware(row.created_at)
        table.rows.append(
            [
                Cell(row.name, row.name),
                Cell(row.role, t(f"web.role.{row.role}", code)),
                Cell(row.territory or "KZ", row.territory or "KZ"),
                Cell(row.active, t(f"web.bool.{row.active}", code)),
                Cell(created.isoformat(timespec="seconds"), created.strftime("%Y-%m-%d %H:%M UTC")),
            ]
        )
    _print(render([table], fmt))


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(help="The account.")],
    actor: Annotated[str, typer.Option("--as", help="Who acts (recorded in the audit log).")] = (
        os.environ.get("USER", "cli")
    ),
    lang: LangOpt = _default_lang(),  # noqa: B008
    location: DbOpt = None,
) -> None:
    """Disable an account and end its sessions."""
    from saylau.security import accounts
    from saylau.security.actor import Actor, Role

    service = _open(location)
    try:
        with service.transaction() as session:
            accounts.disable_account(session, Actor(actor, Role.ADMIN), name)
    except accounts.AccountError as exc:
        raise _account_failed(exc, lang.value) from exc
    typer.echo(t("web.user.disabled", lang.value, name=name))


# Layers that add commands, each through a ``register(app)`` function of its own.
COMMAND_MODULES = (
    "saylau.law.allocation_cli",
    "saylau.administration.cli",
    "saylau.analytics.cli",
    "saylau.forensics.cli",
    "saylau.policy.cli",
    "saylau.publication.cli",
    "saylau.verify.cli",
    "saylau.exports.cli",
    "saylau.reports.cli",
)


def _mount_commands() -> None:
    """Mount the commands of every layer that is present."""
    import importlib
    import importlib.util

    for name in COMMAND_MODULES:
        parent = name.rsplit(".", 1)[0]
        if importlib.util.find_spec(parent) is None or importlib.util.find_spec(name) is None:
            continue  # that layer is not part of this installation
        importlib.import_module(name).register(app)


_mount_commands()


def main() -> None:
    """Entry point of the ``saylau`` console script."""
    app()


if __name__ == "__main__":
    main()
