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
from saylau.i18n import fmt_decimal, fmt_int, fmt_percent, t
from saylau.law.calendar import Ground, GroundKind
from saylau.law.catalogue import Finding
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
            finding = detail.get("finding")
            if isinstance(finding, Finding):  # the law's own finding: say it in ``lang``
                typer.echo(f"  - {finding.code} {finding.message(lang)}", err=True)
                typer.echo(
                    f"    {finding.reference(lang)}; {t('admin.source', lang)}: "
                    f"{finding.rule.source}",
                    err=True,
                )
                continue
            typer.echo(f"  - {detail.get('code', '')} {detail.get('message', '')}", err=True)
        raise typer.Exit(2) from exc
    except reader.DatasetError as exc:
        typer.echo(t("import.failed", lang, count=len(exc.problems)), err=True)
        for problem in exc.problems:
            typer.echo("  " + problem.render(lang), err=True)
        raise typer.Exit(2) from exc


def record_holds(service: Saylau, lang: str) -> bool:
    """Run ``saylau db verify``; on any problem print a warning (stderr) and return False."""
    from saylau.store.integrity import verify_database

    with service.session() as session:
        problems = verify_database(session)
    if problems:
        for problem in problems[:10]:
            typer.echo(f"{problem.code}: {problem.message(lang)}", err=True)
        typer.echo(t("record.cli.db_failed", lang, count=len(problems)), err=True)
    return not problems


NoVerifyOpt = Annotated[
    bool,
    typer.Option("--no-verify", help="Skip checking the database against its log first."),
]


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


def parse_moment(value: str, field: str, lang: str = "en") -> dt.datetime:
    """An ISO 8601 date and time with its zone from the command line, or exit 2."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        typer.echo(f"--{field}: {t('admin.cli.not_moment', lang, value=value)}", err=True)
        raise typer.Exit(2) from exc
    if moment.tzinfo is None:
        typer.echo(f"--{field}: {t('admin.cli.no_zone', lang, value=value)}", err=True)
        raise typer.Exit(2)
    return moment


def today_in_almaty() -> dt.date:
    """Today in Asia/Almaty (the day a call recorded now is made)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Almaty")).date()


def parse_ground(
    term_ends: str | None, terminated: str | None, first: bool, repeat: bool, lang: str = "en"
) -> Ground:
    """Exactly one ground of the election from the command line, or exit 2 naming them."""
    given = [
        (name, value)
        for name, value in (
            ("--term-ends", term_ends),
            ("--terminated", terminated),
            ("--first", first or None),
            ("--repeat", repeat or None),
        )
        if value
    ]
    if len(given) != 1:
        typer.echo(
            t(
                "admin.cli.ground",
                lang,
                given=", ".join(name for name, _ in given) if given else "—",
            ),
            err=True,
        )
        raise typer.Exit(2)
    if term_ends:
        return Ground(GroundKind.TERM_END, parse_date(term_ends, "term-ends"))
    if terminated:
        return Ground(GroundKind.EARLY_TERMINATION, parse_date(terminated, "terminated"))
    return Ground(GroundKind.FIRST if first else GroundKind.REPEAT)


@election_app.command("create")
def election_create(
    code: Annotated[str, typer.Argument(help="Stable code of the election.")],
    type_: Annotated[ElectionType, typer.Option("--type", help="Type of election.")],
    date: Annotated[str, typer.Option(help="Polling day (YYYY-MM-DD).")],
    territory: Annotated[
        str,
        typer.Option(
            help="Region or district code of the territorial commission that calls the election."
        ),
    ],
    name_kk: Annotated[str, typer.Option(help="Name in Kazakh.")],
    name_ru: Annotated[str, typer.Option(help="Name in Russian.")],
    name_en: Annotated[str, typer.Option(help="Name in English.")],
    term_ends: Annotated[
        str | None,
        typer.Option(help="Ground: the incumbent's term ends on this day (YYYY-MM-DD)."),
    ] = None,
    terminated: Annotated[
        str | None,
        typer.Option(help="Ground: the akim's powers were terminated early on this day."),
    ] = None,
    first: Annotated[bool, typer.Option("--first", help="Ground: a first election.")] = False,
    repeat: Annotated[bool, typer.Option("--repeat", help="Ground: a repeat election.")] = False,
    called_on: Annotated[
        str | None,
        typer.Option(help="The day of the call (YYYY-MM-DD; default: today in Asia/Almaty)."),
    ] = None,
    law: Annotated[
        str | None,
        typer.Option(
            help="Law version (see `saylau rules --versions`; default: the one in force on "
            "the day of the call)."
        ),
    ] = None,
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
    """Record the call of an election with its ground; the call is checked against the
    calendar of the law version in force on the day of the call (K.001, K.009, K.012)."""
    lang = _lang(lang)
    polling_day = parse_date(date, "date")
    ground = parse_ground(term_ends, terminated, first, repeat, lang)
    call_day = parse_date(called_on, "called-on") if called_on else today_in_almaty()
    versions = _law_versions()
    if law is None:
        law = setup.law_version_for(type_, call_day)
        if law is None:
            typer.echo(
                "--law: "
                + t("admin.cli.no_law", lang, type=type_.value, day=call_day.isoformat()),
                err=True,
            )
            raise typer.Exit(2)

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
                ground=ground,
                called_on=call_day,
            )

    run(location, lang, action)
    typer.echo(t("admin.done.election_create", lang, code=code))
    typer.echo(t("admin.done.election_law", lang, law=law, called_on=call_day.isoformat()))


def _law_versions() -> frozenset[str] | None:
    try:
        from saylau.law import catalogue
    except ImportError:  # pragma: no cover - law layer absent
        return None
    return frozenset(name for v in catalogue.law_versions() for name in (v.code, *v.aliases))


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
    budget_line: Annotated[
        str | None,
        typer.Option(help="The budget line the money comes from (national, oblast, local)."),
    ] = None,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record money allocated from the budget to a territorial commission."""
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
                budget_line=budget_line,
            )

    run(location, lang, action)
    typer.echo(t("admin.done.recorded", lang))


@finance_app.command("allowance")
def finance_allowance(
    election: Annotated[str, typer.Argument(help="The election.")],
    amount: Annotated[str, typer.Option(help="Allowance per registered candidate, in tenge.")],
    date: Annotated[str, typer.Option(help="Date of the decision (YYYY-MM-DD).")],
    source: Annotated[
        str, typer.Option(help="Where the figure comes from (decision, budget document, URL).")
    ],
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record the campaign allowance each registered candidate receives from the budget."""
    lang = _lang(lang)
    tiyn, day = parse_tenge(amount, "amount"), parse_date(date, "date")

    def action(service: Saylau) -> int:
        with service.transaction() as session:
            return finance.set_allowance(
                session, cli_actor(actor), election=election, amount_tiyn=tiyn, date=day,
                source=source,
            )  # fmt: skip

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
            Col("count", t("admin.finance.count", lang), "right"),
            Col("note", t("admin.finance.note", lang)),
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
                Cell(line.count, "" if line.count is None else fmt_int(line.count, lang)),
                Cell(line.note, line.note or ""),
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
    register_law(app)


# --- law: rules, calendar, candidates, protocols, tabulation, outcomes --------------------

candidate_app = typer.Typer(help="Nominate and register candidates.", no_args_is_help=True)
protocol_app = typer.Typer(help="Enter and review precinct protocols.", no_args_is_help=True)
lots_app = typer.Typer(
    help="Record the commission's drawing of lots for a tie.", no_args_is_help=True
)


def rules_command(
    law: Annotated[str | None, typer.Option(help="Only the rules of this law version.")] = None,
    versions: Annotated[
        bool, typer.Option("--versions", help="List the law versions and their settings instead.")
    ] = False,
    fmt: FormatOpt = OutputFormat.TEXT,
    lang: LangOpt = "en",
) -> None:
    """Print the rule catalogue: code, severity, fields, legal reference, dates, messages."""
    from saylau.law import catalogue

    lang = _lang(lang)
    if versions:
        table = ReportTable(
            "law_versions",
            t("admin.rules.versions", lang),
            [
                Col("code", "code"),
                Col("title", t("admin.rules.col.title", lang)),
                Col("setting", t("admin.rules.col.setting", lang)),
                Col("value", t("admin.rules.col.value", lang)),
                Col("confidence", t("admin.rules.col.confidence", lang)),
                Col("source", t("admin.rules.col.source", lang)),
                Col("note", t("admin.rules.col.note", lang)),
            ],
        )
        for version in catalogue.law_versions():
            for setting in version.settings:
                table.rows.append(
                    [
                        Cell(version.code, version.code),
                        Cell(version.title(lang), version.title(lang)),
                        Cell(setting.name, setting.title(lang)),
                        Cell(str(setting.value), setting.value_text(lang)),
                        Cell(
                            setting.confidence.value,
                            t(f"law.confidence.{setting.confidence.value}", lang),
                        ),
                        Cell(setting.source, setting.source),
                        Cell(setting.note, setting.note or ""),
                    ]
                )
        typer.echo(render([table], fmt), nl=False)
        return
    try:
        rows = catalogue.catalogue_rows(lang, law)
    except catalogue.LawError as exc:
        typer.echo(f"{exc.code}: {exc.message(lang)}", err=True)
        raise typer.Exit(2) from exc
    columns = catalogue.ROW_COLUMNS
    table = ReportTable(
        "rules",
        t("admin.rules.title", lang),
        [Col(c, t(f"admin.rules.col.{c}", lang)) for c in columns],
    )
    for row in rows:
        table.rows.append([Cell(getattr(row, c), str(getattr(row, c))) for c in columns])
    typer.echo(render([table], fmt), nl=False)


@election_app.command("calendar")
def election_calendar_command(
    code: Annotated[str, typer.Argument(help="The election.")],
    okrug: Annotated[
        str | None, typer.Option(help="One okrug's calendar (its extension of nomination).")
    ] = None,
    fmt: FormatOpt = OutputFormat.TEXT,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """The election calendar: the call counted from its ground, every deadline with its rule,
    legal reference, source and confidence; then each okrug's candidates against the minimum
    (too few: the extension the law version provides; extended: until when)."""
    from saylau.administration import steps
    from saylau.administration.lawctx import election_row

    lang = _lang(lang)

    def action(service: Saylau) -> tuple[list[object], str, list[object], list[object]]:
        with service.session() as session:
            row = election_row(session, code)
            stp = setup.setup_of(session, code)
            events, law = steps.base_calendar(session, code)
            if okrug is not None:
                steps._contest(session, code, okrug)
                events = steps.okrug_calendar(session, code, okrug)
            findings = setup.call_findings(
                ElectionType(row.type),
                row.date,
                row.law_version,
                ground=setup.ground_of(stp),
                called_on=stp.called_on,
            )
            standing = steps.standings(session, code)
            if okrug is not None:
                standing = [s for s in standing if s.okrug == okrug]
            return list(events), law.code, list(findings), list(standing)

    events, law_code, findings, standing = run(location, lang, action)
    call_check = (
        "; ".join(f"{f.code}: {f.message(lang)}" for f in findings)  # type: ignore[attr-defined]
        if findings
        else t("admin.calendar.in_time", lang)
    )
    table = ReportTable(
        "calendar",
        t("admin.calendar.title", lang, election=code, law=law_code),
        [
            Col("event", t("admin.calendar.col.event", lang)),
            Col("start", t("admin.calendar.col.start", lang)),
            Col("deadline", t("admin.calendar.col.deadline", lang)),
            Col("basis", t("admin.calendar.col.basis", lang)),
            Col("rule", t("admin.rules.col.code", lang)),
            Col("reference", t("admin.rules.col.reference", lang)),
            Col("confidence", t("admin.rules.col.confidence", lang)),
            Col("source", t("admin.rules.col.source", lang)),
        ],
    )
    for event in events:
        basis = event.basis(lang)  # type: ignore[attr-defined]
        if event.code.value == "call" and event.start is not None:  # type: ignore[attr-defined]
            basis = f"{basis} — {call_check}" if basis else call_check
        table.rows.append(
            [
                Cell(event.code.value, event.title(lang)),  # type: ignore[attr-defined]
                _moment(event.start),  # type: ignore[attr-defined]
                _moment(event.deadline),  # type: ignore[attr-defined]
                Cell(basis, basis),
                Cell(event.rule, event.rule),  # type: ignore[attr-defined]
                Cell(event.reference(lang), event.reference(lang)),  # type: ignore[attr-defined]
                Cell(
                    event.confidence.value,  # type: ignore[attr-defined]
                    t(f"law.confidence.{event.confidence.value}", lang),
                ),  # type: ignore[attr-defined]
                Cell(event.source_text(), event.source_text()),  # type: ignore[attr-defined]
            ]
        )
    tables = [table]
    if standing:
        okrugs = ReportTable(
            "okrugs",
            t("admin.calendar.okrugs", lang),
            [
                Col("okrug", t("admin.calendar.col.okrug", lang)),
                Col("standing", t("admin.calendar.col.standing", lang), "right"),
                Col("state", t("admin.calendar.col.state", lang)),
                Col("nomination_closes", t("admin.calendar.col.nomination_closes", lang)),
                Col("withdrawn", t("admin.calendar.col.withdrawn", lang)),
            ],
        )
        for item in standing:
            state = t(
                f"admin.calendar.state.{item.state.value}",  # type: ignore[attr-defined]
                lang,
                min=item.minimum,  # type: ignore[attr-defined]
                days=item.max_days,  # type: ignore[attr-defined]
                extended=item.extension.days if item.extension else 0,  # type: ignore[attr-defined]
            )
            okrugs.rows.append(
                [
                    Cell(item.okrug, item.okrug),  # type: ignore[attr-defined]
                    Cell(len(item.standing), str(len(item.standing))),  # type: ignore[attr-defined]
                    Cell(item.state.value, state),  # type: ignore[attr-defined]
                    _moment(item.nomination_closes),  # type: ignore[attr-defined]
                    Cell(", ".join(item.withdrawn), ", ".join(item.withdrawn)),  # type: ignore[attr-defined]
                ]
            )
        tables.append(okrugs)
    typer.echo(render(tables, fmt), nl=False)


@election_app.command("extend")
def election_extend(
    election: Annotated[str, typer.Argument(help="The election.")],
    okrug: Annotated[str, typer.Argument(help="The okrug with too few candidates.")],
    days: Annotated[int, typer.Option(help="Days of the extension (within the law's maximum).")],
    decided_at: Annotated[
        str, typer.Option(help="When the commission decided, ISO 8601 with zone.")
    ],
    document: Annotated[str | None, typer.Option(help="The commission's decision.")] = None,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record the extension of nomination in an okrug where fewer than two candidates stand
    at the close of nomination (K.010)."""
    from saylau.administration import steps

    lang = _lang(lang)
    moment = parse_moment(decided_at, "decided-at", lang)

    def action(service: Saylau) -> int:
        with service.transaction() as session:
            return steps.extend_nomination(
                session, cli_actor(actor), election=election, okrug=okrug, days=days,
                decided_at=moment, document=document, lang=lang,
            )  # fmt: skip

    run(location, lang, action)
    typer.echo(t("admin.done.recorded", lang))


def _moment(value: object) -> Cell:
    if value is None:
        return Cell(None, "")
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M %Z")
        return Cell(value.isoformat(), text)
    assert isinstance(value, dt.date)
    return Cell(value.isoformat(), value.isoformat())


@candidate_app.command("nominate")
def candidate_nominate(
    election: Annotated[str, typer.Argument(help="The election.")],
    paths: Annotated[
        list[Path],
        typer.Argument(help="candidates.csv or JSON in the dataset format (see docs/format.md)."),
    ],
    fmt: FormatOpt = OutputFormat.TEXT,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record nominations and decide each by the eligibility rules; refusals name every
    unmet requirement and its article."""
    from saylau.administration import nominations

    lang = _lang(lang)

    def action(service: Saylau) -> list[nominations.Decision]:
        with service.session() as session:
            known = store_datasets.known_keys(session)
        content = reader.read(paths, known=known, resource_name="candidates")
        with service.transaction() as session:
            return nominations.nominate(session, cli_actor(actor), election, content)

    decisions = run(location, lang, action)
    typer.echo(render([_decisions_table(decisions, lang)], fmt), nl=False)


def _decisions_table(decisions: list[object], lang: str) -> ReportTable:
    table = ReportTable(
        "nominations",
        t("admin.nomination.title", lang),
        [
            Col("candidate", t("fp.candidate", lang)),
            Col("decision", t("admin.nomination.col.decision", lang)),
            Col("rule", t("admin.rules.col.code", lang)),
            Col("reason", t("admin.nomination.col.reason", lang)),
            Col("reference", t("admin.rules.col.reference", lang)),
            Col("source", t("admin.rules.col.source", lang)),
        ],
    )
    for decision in decisions:
        findings = decision.findings or (None,)  # type: ignore[attr-defined]
        for finding in findings:
            table.rows.append(
                [
                    Cell(decision.candidate, decision.candidate),  # type: ignore[attr-defined]
                    Cell(
                        decision.decision,  # type: ignore[attr-defined]
                        t(f"admin.nomination.{decision.decision}", lang),
                    ),  # type: ignore[attr-defined]
                    Cell(finding.code if finding else None, finding.code if finding else ""),
                    Cell(
                        finding.message(lang) if finding else None,
                        finding.message(lang) if finding else "",
                    ),
                    Cell(
                        finding.reference(lang) if finding else None,
                        finding.reference(lang) if finding else "",
                    ),
                    Cell(
                        finding.rule.source if finding else None,
                        finding.rule.source if finding else "",
                    ),
                ]
            )
    return table


@candidate_app.command("withdraw")
def candidate_withdraw(
    candidate: Annotated[str, typer.Argument(help="The candidate withdrawing.")],
    applied_at: Annotated[
        str, typer.Option(help="When the written application was made, ISO 8601 with zone.")
    ],
    ballots_printed: Annotated[
        bool | None,
        typer.Option(
            "--ballots-printed/--ballots-not-printed",
            help="Whether the ballots were already printed (the name stays on them).",
        ),
    ] = None,
    document: Annotated[str | None, typer.Option(help="The written application.")] = None,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record a withdrawal on written application; the registration is cancelled
    (art. 113-6 para 1)."""
    from saylau.administration import steps

    lang = _lang(lang)
    moment = parse_moment(applied_at, "applied-at", lang)
    if ballots_printed is None:
        typer.echo(
            "--ballots-printed/--ballots-not-printed: " + t("admin.cli.ballots_printed", lang),
            err=True,
        )
        raise typer.Exit(2)

    def action(service: Saylau) -> int:
        with service.transaction() as session:
            return steps.withdraw(
                session, cli_actor(actor), candidate=candidate, applied_at=moment,
                ballots_printed=ballots_printed, document=document, lang=lang,
            )  # fmt: skip

    run(location, lang, action)
    typer.echo(t("admin.done.recorded", lang))


@candidate_app.command("redecide")
def candidate_redecide(
    candidate: Annotated[str, typer.Argument(help="The candidate.")],
    reason: Annotated[str, typer.Option(help="Why the nomination is decided again (appeal).")],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Corrected fact, e.g. signatures=120 or deposit_paid=true."),
    ] = None,
    fmt: FormatOpt = OutputFormat.TEXT,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Decide a nomination again with corrected facts; the earlier decision stays on record."""
    from saylau.administration import nominations

    lang = _lang(lang)
    corrections: dict[str, object] = {}
    for item in set_ or []:
        name, _, raw = item.partition("=")
        if not name or not _:
            typer.echo(f"--set: '{item}' is not name=value", err=True)
            raise typer.Exit(2)
        corrections[name.strip()] = _fact_value(raw.strip())

    def action(service: Saylau) -> nominations.Decision:
        with service.transaction() as session:
            return nominations.redecide(
                session, cli_actor(actor), candidate, reason=reason, corrections=corrections
            )

    decision = run(location, lang, action)
    typer.echo(render([_decisions_table([decision], lang)], fmt), nl=False)


def _fact_value(raw: str) -> object:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    if raw.isdigit():
        return int(raw)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        return raw


def _protocol_payloads(path: Path) -> list[dict[str, object]]:
    """Protocols from a JSON file (an object or a list) or a CSV (``votes.<candidate>``)."""
    import csv

    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, list) else [data]
    out: list[dict[str, object]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            payload: dict[str, object] = {"votes": {}}
            for key, value in row.items():
                if key is None or value is None or value == "":
                    continue
                if key.startswith("votes."):
                    payload["votes"][key[6:]] = value  # type: ignore[index]
                else:
                    payload[key] = value
            out.append(payload)
    return out


@protocol_app.command("submit")
def protocol_submit(
    path: Annotated[Path, typer.Argument(help="JSON (object or list) or CSV of protocols.")],
    fmt: FormatOpt = OutputFormat.TEXT,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Enter precinct protocols; a protocol that breaks a control relation is rejected with
    every broken relation named, and the whole file is then left unwritten."""
    from saylau.administration import protocols

    lang = _lang(lang)
    try:
        payloads = _protocol_payloads(path)
    except (OSError, ValueError) as exc:
        typer.echo(f"{path}: {exc}", err=True)
        raise typer.Exit(2) from exc

    def action(service: Saylau) -> list[protocols.EntryResult]:
        results = []
        with service.transaction() as session:
            for payload in payloads:
                protocol, signature = protocols.parse_signed(payload)
                results.append(
                    protocols.submit(
                        session, cli_actor(actor), protocol, lang=lang, signature=signature
                    )
                )
        return results

    results = run(location, lang, action)
    table = ReportTable(
        "protocols",
        t("admin.protocol.title", lang),
        [
            Col("entry", "#", "right"),
            Col("station", t("admin.protocol.station", lang)),
            Col("version", t("admin.protocol.version", lang), "right"),
            Col("status", t("admin.protocol.status", lang)),
            Col("warnings", t("admin.protocol.warnings", lang)),
            Col("differences", t("admin.protocol.differences", lang)),
        ],
    )
    for r in results:
        table.rows.append(
            [
                Cell(r.entry_id, str(r.entry_id)),
                Cell(r.station, r.station),
                Cell(r.version, str(r.version)),
                Cell(r.status, t(f"admin.protocol.status.{r.status}", lang)),
                Cell(", ".join(r.warnings), ", ".join(r.warnings)),
                Cell(", ".join(r.differences), ", ".join(r.differences)),
            ]
        )
    typer.echo(render([table], fmt), nl=False)


@protocol_app.command("acknowledge")
def protocol_acknowledge(
    entry: Annotated[int, typer.Argument(help="The held entry.")],
    note: Annotated[str, typer.Option(help="The supervisor's note.")],
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Acknowledge the warnings of a held protocol (supervisor)."""
    from saylau.administration import protocols

    lang = _lang(lang)

    def action(service: Saylau) -> object:
        with service.transaction() as session:
            return protocols.acknowledge(session, cli_actor(actor), entry, note)

    run(location, lang, action)
    typer.echo(t("admin.done.recorded", lang))


@protocol_app.command("resolve")
def protocol_resolve(
    entry: Annotated[int, typer.Argument(help="The entry whose values are correct.")],
    note: Annotated[str, typer.Option(help="The supervisor's note.")],
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Resolve a double-entry discrepancy by choosing the correct entry (supervisor)."""
    from saylau.administration import protocols

    lang = _lang(lang)

    def action(service: Saylau) -> object:
        with service.transaction() as session:
            return protocols.resolve(session, cli_actor(actor), entry, note, lang=lang)

    run(location, lang, action)
    typer.echo(t("admin.done.recorded", lang))


@protocol_app.command("list")
def protocol_list(
    election: Annotated[str, typer.Argument(help="The election.")],
    status: Annotated[str | None, typer.Option(help="Only entries of this status.")] = None,
    fmt: FormatOpt = OutputFormat.TEXT,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Protocol entries with their status (accepted, held, awaiting_second, discrepancy, ...)."""
    from saylau.administration import protocols

    lang = _lang(lang)

    def action(service: Saylau) -> list[dict[str, object]]:
        with service.session() as session:
            setup.setup_of(session, election)
            return [
                {
                    "entry": e.id,
                    "station": e.station,
                    "version": e.version,
                    "entry_no": e.entry_no,
                    "operator": e.operator,
                    "status": e.status,
                    "warnings": ", ".join(f["code"] for f in json.loads(e.findings)),
                    "reason": e.correction_reason or "",
                }
                for e in protocols.entries(session, election, status)
            ]

    rows = run(location, lang, action)
    table = ReportTable(
        "entries",
        t("admin.protocol.title", lang),
        [
            Col(k, t(f"admin.protocol.{k}", lang))
            for k in (
                "entry",
                "station",
                "version",
                "entry_no",
                "operator",
                "status",
                "warnings",
                "reason",
            )
        ],
    )
    for row in rows:
        table.rows.append([Cell(row[c.key], str(row[c.key])) for c in table.columns])  # type: ignore[arg-type]
    typer.echo(render([table], fmt), nl=False)


def tabulate_command(
    election: Annotated[str, typer.Argument(help="The election.")],
    level: Annotated[str, typer.Option(help="station, okrug, district, region or republic.")] = (
        "okrug"
    ),
    fmt: FormatOpt = OutputFormat.TEXT,
    lang: LangOpt = "en",
    location: DbOpt = None,
    no_verify: NoVerifyOpt = False,
) -> None:
    """Totals by level with progress and turnout, and each okrug's outcome by the law (after
    checking the database against its log: a warning if it does not hold)."""
    from saylau.administration import results
    from saylau.law.winner import summary
    from saylau.tabulate.aggregate import Level, tabulate

    lang = _lang(lang)
    try:
        chosen = Level(level)
    except ValueError as exc:
        typer.echo(
            f"--level: '{level}' is not one of {', '.join(v.value for v in Level)}", err=True
        )
        raise typer.Exit(2) from exc

    def action(service: Saylau) -> tuple[list[object], dict[str, str]]:
        if not no_verify:
            record_holds(service, lang)
        with service.session() as session:
            setup.setup_of(session, election)
            totals = tabulate(session, election, chosen)
            outcomes: dict[str, str] = {}
            if chosen is Level.OKRUG:
                for r in results.okrug_results(session, election):
                    labels = results.candidate_labels(
                        session, election, [*r.candidates, *r.withdrawn], lang
                    )
                    outcomes[r.okrug] = (
                        results.with_names(summary(r.outcome, lang), labels)
                        if r.outcome is not None
                        else t("admin.tabulate.incomplete", lang)
                    )
            return list(totals), outcomes

    totals, outcomes = run(location, lang, action)
    columns = [
        Col("unit", t("admin.tabulate.unit", lang)),
        Col("stations", t("admin.tabulate.stations", lang), "right"),
        Col("voters", t("admin.tabulate.voters", lang), "right"),
        Col("turnout", t("admin.tabulate.turnout", lang), "right"),
        Col("valid", t("admin.tabulate.valid", lang), "right"),
        Col("invalid", t("fp.field.invalid", lang), "right"),
        Col("against_all", t("fp.against_all", lang), "right"),
        Col("votes", t("fp.votes", lang)),
    ]
    home = any(item.stations_with_split for item in totals)  # type: ignore[attr-defined]
    if home:
        columns.append(Col("ballots_issued_outside", t("admin.tabulate.home_voting", lang)))
    if outcomes:
        columns.append(Col("outcome", t("fp.outcome", lang)))
    table = ReportTable("tabulation", t("admin.tabulate.title", lang, election=election), columns)
    for item in totals:
        row = [
            Cell(item.unit, item.unit),  # type: ignore[attr-defined]
            Cell(
                f"{item.stations_reported}/{item.stations_expected}",  # type: ignore[attr-defined]
                f"{item.stations_reported}/{item.stations_expected}",
            ),  # type: ignore[attr-defined]
            Cell(item.voters_on_list, fmt_int(item.voters_on_list, lang)),  # type: ignore[attr-defined]
            Cell(
                None if item.turnout is None else round(item.turnout * 100, 2),  # type: ignore[attr-defined]
                "" if item.turnout is None else fmt_percent(item.turnout, lang, 2),  # type: ignore[attr-defined]
            ),  # type: ignore[attr-defined]
            Cell(item.valid, fmt_int(item.valid, lang)),  # type: ignore[attr-defined]
            Cell(item.invalid, fmt_int(item.invalid, lang)),  # type: ignore[attr-defined]
            Cell(
                item.against_all,  # type: ignore[attr-defined]
                "" if item.against_all is None else fmt_int(item.against_all, lang),  # type: ignore[attr-defined]
            ),
            Cell(
                json.dumps(item.votes),  # type: ignore[attr-defined]
                ", ".join(f"{k}: {fmt_int(v, lang)}" for k, v in item.votes.items()),  # type: ignore[attr-defined]
            ),
        ]
        if home:
            split = item.stations_with_split  # type: ignore[attr-defined]
            row.append(
                Cell(
                    item.ballots_issued_outside,  # type: ignore[attr-defined]
                    t(
                        "admin.tabulate.home_voting_cell",
                        lang,
                        outside=fmt_int(item.ballots_issued_outside, lang),  # type: ignore[attr-defined]
                        portable=fmt_int(item.ballots_in_portable_boxes, lang),  # type: ignore[attr-defined]
                        stations=split,
                        reported=item.stations_reported,  # type: ignore[attr-defined]
                    )
                    if split
                    else "",
                )
            )
        if outcomes:
            row.append(Cell(outcomes.get(item.unit, ""), outcomes.get(item.unit, "")))  # type: ignore[attr-defined]
        table.rows.append(row)
    typer.echo(render([table], fmt), nl=False)


def explain_command(
    okrug: Annotated[str, typer.Argument(help="The okrug.")],
    election: Annotated[
        str | None, typer.Option(help="The election (default: the latest with this okrug).")
    ] = None,
    provisional: Annotated[
        bool, typer.Option(help="Explain from the stations reported so far.")
    ] = False,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """How the okrug's winner (or repeat election) was determined, rule by rule, with articles."""
    from sqlalchemy import select

    from saylau.administration import results
    from saylau.law.winner import explain
    from saylau.store.schema import ContestRow, ElectionRow

    lang = _lang(lang)

    def action(service: Saylau) -> str:
        with service.session() as session:
            chosen = election
            if chosen is None:
                chosen = session.scalar(
                    select(ContestRow.election)
                    .join(ElectionRow, ElectionRow.code == ContestRow.election)
                    .where(ContestRow.okrug == okrug)
                    .order_by(ElectionRow.date.desc())
                    .limit(1)
                )
                if chosen is None:
                    raise AdminError("T.001", "okrug", okrug=okrug, election="-")
            result = results.okrug_result(session, chosen, okrug, provisional=provisional)
            names = results.candidate_labels(
                session, chosen, [*result.candidates, *result.withdrawn], lang
            )
            lines = [
                t(
                    "admin.explain.header",
                    lang,
                    okrug=okrug,
                    election=chosen,
                    law=result.law_version,
                )
            ]
            lines += [f"  {code}: {name}" for code, name in sorted(names.items())]
            if result.outcome is None:
                lines.append(
                    t(
                        "admin.explain.incomplete",
                        lang,
                        reported=result.totals.stations_reported,
                        expected=result.totals.stations_expected,
                    )
                )
            else:
                lines.append(results.with_names(explain(result.outcome, lang), names))
            return "\n".join(lines)

    typer.echo(run(location, lang, action))


@lots_app.command("record")
def lots_record(
    election: Annotated[str, typer.Argument(help="The election.")],
    okrug: Annotated[str, typer.Argument(help="The tied okrug.")],
    winner: Annotated[str, typer.Option(help="Candidate who drew the winning lot.")],
    drawn_by: Annotated[str, typer.Option(help="Who conducted the draw.")],
    drawn_at: Annotated[
        str, typer.Option(help="When, ISO 8601 with zone (2025-07-28T10:00+05:00).")
    ],
    witness: Annotated[list[str], typer.Option(help="A witness present (repeat).")],
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Record the outcome of the commission's physical draw of lots (saylau draws none)."""
    from saylau.administration import results

    lang = _lang(lang)
    try:
        moment = dt.datetime.fromisoformat(drawn_at)
    except ValueError as exc:
        typer.echo(f"--drawn-at: '{drawn_at}' is not an ISO 8601 date and time", err=True)
        raise typer.Exit(2) from exc

    def action(service: Saylau) -> int:
        with service.transaction() as session:
            return results.record_lot_draw(
                session,
                cli_actor(actor),
                election=election,
                okrug=okrug,
                winner=winner,
                drawn_by=drawn_by,
                drawn_at=moment,
                witnesses=witness,
            )

    run(location, lang, action)
    typer.echo(t("admin.done.recorded", lang))


def certify_command(
    election: Annotated[str, typer.Argument(help="The election.")],
    okrug: Annotated[str, typer.Argument(help="The okrug.")],
    output: Annotated[
        Path | None,
        typer.Option(help="Write the final protocol here: PDF for .pdf, else printable HTML."),
    ] = None,
    members: Annotated[
        Path | None,
        typer.Option(help="CSV of the commission's members (role,name) for the signature rows."),
    ] = None,
    lang: LangOpt = "kk",
    actor: ActorOpt = DEFAULT_ACTOR,
    location: DbOpt = None,
) -> None:
    """Certify an okrug's result and write its final protocol with the SHA-256 fingerprint;
    refused while the database is not what its log says."""
    from saylau.administration import results
    from saylau.reports import final_protocol

    lang = _lang(lang)
    signers = _members(members, lang)

    def action(service: Saylau) -> tuple[str, final_protocol.ProtocolDocument]:
        if not record_holds(service, lang):
            raise typer.Exit(1)
        with service.transaction() as session:
            row = results.certify(session, cli_actor(actor), election, okrug)
            session.flush()
            doc = final_protocol.document(session, election, okrug, lang, members=signers)
            return row.sha256, doc

    digest, doc = run(location, lang, action)
    if output is not None:
        final_protocol.write(doc, output)
    typer.echo(
        t(
            "admin.certify.done",
            lang,
            okrug=okrug,
            sha256=digest,
            output=str(output) if output else "-",
        )
    )


def _members(path: Path | None, lang: str) -> list[object]:
    """The members file of ``--members`` (exit 2 naming the line and the rule)."""
    from saylau.reports import final_protocol

    if path is None:
        return []
    try:
        return list(final_protocol.read_members(path.read_text(encoding="utf-8")))
    except OSError as exc:
        typer.echo(f"{path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    except final_protocol.ProtocolError as exc:
        typer.echo(f"{exc.code}: {exc.message(lang)}", err=True)
        raise typer.Exit(2) from exc


def register_law(app: typer.Typer) -> None:
    """Mount the law-engine commands."""
    app.command("rules")(rules_command)
    app.command("tabulate")(tabulate_command)
    app.command("explain")(explain_command)
    app.command("certify")(certify_command)
    app.add_typer(candidate_app, name="candidate")
    app.add_typer(protocol_app, name="protocol")
    app.add_typer(lots_app, name="lots")
