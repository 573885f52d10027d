"""Command-line layer of election administration: parse, call the service, format."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from saylau.administration import finance, recall, setup
from saylau.administration.errors import AdminError
from saylau.datasets import reader
from saylau.domain import ElectionType, Names
from saylau.i18n import fmt_decimal, t
from saylau.reports.table import Cell, Col, OutputFormat, ReportTable, render
from saylau.security.actor import Actor, Role
from saylau.service import Saylau
from saylau.store import datasets as store_datasets
from saylau.store import db

T = TypeVar("T")

election_app = typer.Typer(
    help="Set up elections: call, settings, okrugs, stations.", no_args_is_help=True
)
finance_app = typer.Typer(
    help="Election financing from local budgets (art. 33).", no_args_is_help=True
)
recall_app = typer.Typer(help="Recall, early termination and by-elections.", no_args_is_help=True)

LangOpt = Annotated[str, typer.Option("--lang", "-l", help="Language: kk, ru or en.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
DbOpt = Annotated[
    str | None, typer.Option("--db", help="Database path or URL.", show_default=False)
]
ActorOpt = Annotated[str, typer.Option("--as", help="Who acts (recorded in the audit log).")]
DEFAULT_ACTOR = os.environ.get("USER", "cli")


def _lang(value: str) -> str:
    if value not in ("kk", "ru", "en"):
        typer.echo(f"--lang: '{value}' is not one of kk, ru, en", err=True)
        raise typer.Exit(2)
    return value


def cli_actor(name: str) -> Actor:
    """The command line works on a local database and acts as its administrator."""
    return Actor(name, Role.ADMIN)


def run(location: str | None, lang: str, action: Callable[[Saylau], T]) -> T:
    """Open the database, run ``action``; print refusals in ``lang`` and exit 2."""
    try:
        service = Saylau.open(location)
    except db.DatabaseURLError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    try:
        return action(service)
    except AdminError as exc:
        field = f" [{exc.field}]" if exc.field else ""
        typer.echo(f"{exc.code}{field}: {exc.message(lang)}", err=True)
        for detail in exc.details:
            typer.echo(f"  - {detail.get('code', '')} {detail.get('message', '')}", err=True)
        raise typer.Exit(2) from exc
    except reader.DatasetError as exc:
        typer.echo(t("import.failed", lang, count=len(exc.problems)), err=True)
        for problem in exc.problems:
            typer.echo("  " + problem.render(lang), err=True)
        raise typer.Exit(2) from exc


def parse_date(value: str, field: str) -> dt.date:
    """An ISO date from the command line, or exit 2 naming the option."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        typer.echo(f"--{field}: '{value}' is not a date (YYYY-MM-DD)", err=True)
        raise typer.Exit(2) from exc


def parse_tenge(value: str, field: str) -> int:
    """Tenge with up to two decimals (e.g. 1500000.50) as an integer of tiyn."""
    try:
        amount = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation as exc:
        typer.echo(f"--{field}: '{value}' is not an amount in tenge", err=True)
        raise typer.Exit(2) from exc
    tiyn = amount * 100
    if tiyn != tiyn.to_integral_value():
        typer.echo(f"--{field}: '{value}' has more than 2 decimals (1 tenge = 100 tiyn)", err=True)
        raise typer.Exit(2)
    return int(tiyn)


@election_app.command("create")
def election_create(
    code: Annotated[str, typer.Argument(help="Stable code of the election.")],
    type_: Annotated[ElectionType, typer.Option("--type", help="Type of election.")],
    date: Annotated[str, typer.Option(help="Polling day (YYYY-MM-DD).")],
    law: Annotated[str, typer.Option(help="Law version (see `saylau rules --versions`).")],
    territory: Annotated[
        str,
        typer.Option(
            help="Region or district code of the territorial commission that calls the election."
        ),
    ],
    name_kk: Annotated[str, typer.Option(help="Name in Kazakh.")],
    name_ru: Annotated[str, typer.Option(help="Name in Russian.")],
    name_en: Annotated[str, typer.Option(help="Name in English.")],
    double_entry: Annotated[
        bool, typer.Option(help="Require two independent entries of every protocol.")
    ] = False,
    synthetic: Annotated[
        bool, typer.Option(help="Mark the election as synthetic (generated, not real).")
    ] = False,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record the call of an election."""
    lang = _lang(lang)
    polling_day = parse_date(date, "date")
    versions = _law_versions()

    def action(service: Saylau) -> None:
        with service.transaction() as session:
            setup.create_election(
                session,
                cli_actor(actor),
                code=code,
                type=type_,
                date=polling_day,
                law_version=law,
                names=Names(kk=name_kk, ru=name_ru, en=name_en),
                territory=territory,
                double_entry=double_entry,
                synthetic=synthetic,
                known_law_versions=versions,
            )

    run(location, lang, action)
    typer.echo(t("admin.done.election_create", lang, code=code))


def _law_versions() -> frozenset[str] | None:
    try:
        from saylau.law import catalogue
    except ImportError:  # pragma: no cover - law layer absent
        return None
    return frozenset(catalogue.law_versions())


@election_app.command("load")
def election_load(
    code: Annotated[str, typer.Argument(help="The election.")],
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Folder, CSV or JSON files with districts, okrugs, stations and commissions."
        ),
    ],
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Load the okrugs, polling stations (with registered voters) and commissions."""
    lang = _lang(lang)

    def action(service: Saylau) -> dict[str, int]:
        with service.session() as session:
            known = store_datasets.known_keys(session)
        content = reader.read(paths, known=known)
        with service.transaction() as session:
            return setup.load_setup(session, cli_actor(actor), code, content)

    counts = run(location, lang, action)
    typer.echo(
        t(
            "admin.done.election_load",
            lang,
            code=code,
            counts=", ".join(f"{k}: {v}" for k, v in sorted(counts.items())),
        )
    )


@finance_app.command("allocate")
def finance_allocate(
    election: Annotated[str, typer.Argument(help="The election.")],
    commission: Annotated[str, typer.Option(help="Territorial commission receiving the funds.")],
    amount: Annotated[str, typer.Option(help="Amount in tenge (up to 2 decimals).")],
    date: Annotated[str, typer.Option(help="Date of the allocation (YYYY-MM-DD).")],
    document: Annotated[str | None, typer.Option(help="Budget document reference.")] = None,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record money allocated from the local budget to a territorial commission."""
    lang = _lang(lang)
    tiyn, day = parse_tenge(amount, "amount"), parse_date(date, "date")

    def action(service: Saylau) -> int:
        with service.transaction() as session:
            return finance.allocate_budget(
                session,
                cli_actor(actor),
                election=election,
                commission=commission,
                amount_tiyn=tiyn,
                date=day,
                document=document,
            )

    run(location, lang, action)
    typer.echo(t("admin.done.recorded", lang))


@finance_app.command("spend")
def finance_spend(
    election: Annotated[str, typer.Argument(help="The election.")],
    commission: Annotated[str, typer.Option(help="Territorial commission spending.")],
    item: Annotated[finance.Item, typer.Option(help="Item of spending.")],
    amount: Annotated[str, typer.Option(help="Amount in tenge (up to 2 decimals).")],
    date: Annotated[str, typer.Option(help="Date (YYYY-MM-DD).")],
    okrug: Annotated[str | None, typer.Option(help="Okrug the spending is for.")] = None,
    document: Annotated[str | None, typer.Option(help="Payment document reference.")] = None,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record spending of election funds by item."""
    lang = _lang(lang)
    tiyn, day = parse_tenge(amount, "amount"), parse_date(date, "date")

    def action(service: Saylau) -> int:
        with service.transaction() as session:
            return finance.spend(
                session,
                cli_actor(actor),
                election=election,
                commission=commission,
                item=item,
                amount_tiyn=tiyn,
                date=day,
                okrug=okrug,
                document=document,
            )

    run(location, lang, action)
    typer.echo(t("admin.done.recorded", lang))


def _tenge(tiyn: int | None, lang: str) -> Cell:
    if tiyn is None:
        return Cell(None, "")
    return Cell(tiyn, fmt_decimal(Decimal(tiyn) / 100, lang, 2))


@finance_app.command("report")
def finance_report(
    election: Annotated[str, typer.Argument(help="The election.")],
    fmt: FormatOpt = OutputFormat.TEXT,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Allocations and spending per election, commission, okrug and item."""
    lang = _lang(lang)

    def action(service: Saylau) -> list[finance.FinanceLine]:
        with service.session() as session:
            setup.setup_of(session, election)
            return finance.report(session, election)

    lines = run(location, lang, action)
    table = ReportTable(
        "finance",
        t("admin.finance.title", lang, election=election),
        [
            Col("scope", t("admin.finance.scope", lang)),
            Col("key", t("admin.finance.key", lang)),
            Col("allocated_tiyn", t("admin.finance.allocated", lang), "right"),
            Col("spent_tiyn", t("admin.finance.spent", lang), "right"),
        ],
        source=finance.LEGAL_BASIS,
    )
    for line in lines:
        table.rows.append(
            [
                Cell(line.scope, t(f"admin.finance.scope.{line.scope}", lang)),
                Cell(line.key, line.key),
                _tenge(line.allocated_tiyn, lang),
                _tenge(line.spent_tiyn, lang),
            ]
        )
    typer.echo(render([table], fmt), nl=False)


@recall_app.command("record")
def recall_record(
    okrug: Annotated[str, typer.Argument(help="The okrug.")],
    step: Annotated[recall.Step, typer.Option(help="The step.")],
    date: Annotated[str, typer.Option(help="Date of the step (YYYY-MM-DD).")],
    body: Annotated[
        str,
        typer.Option(
            help="Body that took it (village council, maslikhat, territorial commission)."
        ),
    ],
    akim: Annotated[str | None, typer.Option(help="The akim concerned (candidate code).")] = None,
    outcome: Annotated[recall.Outcome | None, typer.Option(help="Outcome or ground.")] = None,
    by_election: Annotated[str | None, typer.Option(help="Code of the by-election called.")] = (
        None
    ),
    document: Annotated[str | None, typer.Option(help="Document reference.")] = None,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record a step of recall, early termination or by-election."""
    lang = _lang(lang)
    day = parse_date(date, "date")

    def action(service: Saylau) -> int:
        with service.transaction() as session:
            return recall.record_step(
                session,
                cli_actor(actor),
                okrug=okrug,
                step=step,
                date=day,
                body=body,
                akim=akim,
                document=document,
                outcome=outcome,
                by_election=by_election,
            )

    run(location, lang, action)
    typer.echo(t("admin.done.recorded", lang))


@recall_app.command("show")
def recall_show(
    okrug: Annotated[str, typer.Argument(help="The okrug.")],
    fmt: FormatOpt = OutputFormat.TEXT,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """The recorded steps of an okrug, in order."""
    lang = _lang(lang)

    def action(service: Saylau) -> list[dict[str, object]]:
        with service.session() as session:
            return [
                {
                    "date": s.date.isoformat(),
                    "step": s.step,
                    "body": s.body,
                    "akim": s.akim,
                    "outcome": s.outcome,
                    "by_election": s.by_election,
                    "document": s.document,
                }
                for s in recall.steps(session, okrug)
            ]

    rows = run(location, lang, action)
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = ReportTable(
        "recall",
        t("admin.recall.title", lang, okrug=okrug),
        [
            Col(k, t(f"admin.recall.col.{k}", lang))
            for k in ("date", "step", "body", "akim", "outcome", "by_election", "document")
        ],
        source=recall.LEGAL_BASIS,
    )
    for row in rows:
        table.rows.append(
            [
                Cell(
                    row[c.key],
                    ""
                    if row[c.key] is None
                    # type: ignore[arg-type]
                    else t(f"admin.recall.step.{row[c.key]}", lang)
                    if c.key == "step"
                    else str(row[c.key]),
                )
                for c in table.columns
            ]
        )
    typer.echo(render([table], fmt), nl=False)


def register(app: typer.Typer) -> None:
    """Mount the administration commands on the ``saylau`` command."""
    app.add_typer(election_app, name="election")
    app.add_typer(finance_app, name="finance")
    app.add_typer(recall_app, name="recall")
