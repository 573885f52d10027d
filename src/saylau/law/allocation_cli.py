"""``saylau allocate``: party-list seat allocation from a votes CSV, as a thin command.

The command only parses options, calls :func:`saylau.law.allocation.allocate` and formats
the result, so everything it prints can also be had from Python. Options arrive as strings
and are checked here rather than by Click, so that every error is reported in the chosen
language with its code and the option it concerns, and exits with status 2 (the usual status
for a usage error). The threshold is parsed from its text with :class:`fractions.Fraction`,
so "5.5" means exactly 11/200 and never a binary float.
"""

from __future__ import annotations

import csv
import io
import json
import re
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar, assert_never

import typer
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from saylau.i18n import (
    DEFAULT_LANG,
    LANGS,
    UnknownLanguageError,
    check_lang,
    fmt_decimal,
    fmt_int,
    t,
)
from saylau.law.allocation import (
    METHODS,
    Allocation,
    AllocationError,
    AllocationMethod,
    allocate,
    allocation_rows_for_output,
    percent_text,
    read_votes_csv,
    round_half_up,
)


class OutputFormat(StrEnum):
    """Output formats, spelled as on every other ``saylau`` command."""

    TEXT = "text"
    CSV = "csv"
    JSON = "json"
    MD = "md"


# The option (or argument) a user typed, for each field an AllocationError can name.
_OPTION_FOR_FIELD: dict[str, str] = {
    "seats": "--seats",
    "threshold": "--threshold",
    "method": "--method",
    "against_all": "--against-all",
    "registration_order": "--registration-order",
    "format": "--format",
    "lang": "--lang",
    "votes": "VOTES.csv",
    "votes_csv": "VOTES.csv",
}

_PERCENT = re.compile(r"\s*([0-9]+(?:[.,][0-9]+)?)\s*%?\s*")
_WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")
_COLUMNS: tuple[tuple[str, JustifyMethod], ...] = (
    ("party", "left"),
    ("votes", "right"),
    ("share", "right"),
    ("passed_threshold", "center"),
    ("seats", "right"),
)


def parse_threshold_percent(text: str) -> Fraction:
    """A percentage such as ``"5"``, ``"5.5"`` or ``"5,5"`` as an exact share (``11/200``).

    The comma is accepted because it is the decimal sign in Kazakh and Russian.
    """
    match = _PERCENT.fullmatch(text)
    if match is None:
        raise AllocationError(
            "A.020", "threshold", "allocation.error.threshold_not_number", value=text
        )
    return Fraction(match.group(1).replace(",", ".")) / 100


def _parse_whole(text: str, code: str, field: str, rule: str) -> int:
    if _WHOLE.fullmatch(text) is None:
        raise AllocationError(code, field, f"allocation.error.{rule}", value=text)
    return int(text)


_Choice = TypeVar("_Choice", bound=StrEnum)


def _parse_choice(enum: type[_Choice], text: str, code: str, field: str) -> _Choice:
    try:
        return enum(text)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise AllocationError(
            code, field, f"allocation.error.{field}_unknown", value=text, allowed=allowed
        ) from None


def _fail(error: AllocationError, lang: str) -> NoReturn:
    option = _OPTION_FOR_FIELD.get(error.field, error.field)
    typer.echo(
        t(
            "allocation.cli.error_line",
            lang,
            code=error.code,
            field=option,
            message=error.message(lang),
        ),
        err=True,
    )
    raise typer.Exit(2)


def _headers(lang: str) -> list[str]:
    return [t(f"allocation.column.{name}", lang) for name, _ in _COLUMNS]


def _yes_no(value: bool, lang: str) -> str:
    return t("allocation.value.yes" if value else "allocation.value.no", lang)


def _display_cells(allocation: Allocation, lang: str) -> list[list[str]]:
    """Cells for people: digit grouping and decimal sign of ``lang``, shares in percent."""
    return [
        [
            row.party,
            fmt_int(row.votes, lang),
            fmt_decimal(round_half_up(row.share * 100, 2), lang, 2),
            _yes_no(row.passed_threshold, lang),
            str(row.seats),
        ]
        for row in allocation.rows
    ]


def _summary_lines(allocation: Allocation, lang: str) -> list[str]:
    lines = [
        t(
            "allocation.summary.base",
            lang,
            method=t(f"allocation.method.{allocation.method.value}", lang),
            seats=allocation.seats,
            threshold=percent_text(allocation.threshold),
            base=fmt_int(allocation.base, lang),
        )
    ]
    if allocation.quota is not None:
        quota = fmt_decimal(round_half_up(allocation.quota, 2), lang, 2)
        lines.append(t("allocation.summary.quota", lang, quota=quota))
    if allocation.against_all:
        key = (
            "allocation.summary.against_all_in_base"
            if allocation.against_all_in_base
            else "allocation.summary.against_all_outside_base"
        )
        lines.append(t(key, lang, against_all=fmt_int(allocation.against_all, lang)))
    return lines


def render_text(allocation: Allocation, lang: str) -> None:
    """A Rich table with translated headers, then the base, quota and any tie decisions."""
    console = Console(highlight=False)
    table = Table(title=t("allocation.table.title", lang))
    for header, (_, justify) in zip(_headers(lang), _COLUMNS, strict=True):
        table.add_column(header, justify=justify)
    for cells in _display_cells(allocation, lang):
        # Text(), not str: a party name with "[...]" must not be read as Rich markup.
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
    for line in [
        *_summary_lines(allocation, lang),
        *(tie.message(lang) for tie in allocation.ties),
    ]:
        console.print(Text(line))


def render_csv(allocation: Allocation, lang: str) -> str:
    """The same table as CSV: translated headers, plain numbers (no grouping), share in %."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_headers(lang))
    for row in allocation.rows:
        share = round_half_up(row.share * 100, 2)
        writer.writerow(
            [row.party, row.votes, str(share), _yes_no(row.passed_threshold, lang), row.seats]
        )
    return buffer.getvalue()


def render_markdown(allocation: Allocation, lang: str) -> str:
    """The same table as a Markdown pipe table."""
    align: dict[JustifyMethod, str] = {"left": ":---", "right": "---:", "center": ":---:"}

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    lines = [line(_headers(lang)), line([align[justify] for _, justify in _COLUMNS])]
    lines.extend(line(cells) for cells in _display_cells(allocation, lang))
    return "\n".join(lines) + "\n"


def render_json(allocation: Allocation) -> str:
    """A JSON list of objects with keys party, votes, share, passed_threshold, seats."""
    return json.dumps(allocation_rows_for_output(allocation), ensure_ascii=False, indent=2) + "\n"


def allocate_command(
    votes_csv: Annotated[
        Path,
        typer.Argument(metavar="VOTES.csv", help="CSV file with header party,votes."),
    ],
    seats: Annotated[
        str, typer.Option("--seats", metavar="N", help="Number of seats to allocate.")
    ],
    threshold: Annotated[
        str,
        typer.Option(
            "--threshold", metavar="P", help="Threshold in percent of the base, e.g. 5, 7 or 5.5."
        ),
    ],
    method: Annotated[
        str,
        typer.Option(
            "--method",
            metavar="|".join(m.value for m in METHODS),
            help="Allocation method; Kazakhstan's Majilis uses hare.",
        ),
    ] = AllocationMethod.HARE.value,
    against_all: Annotated[
        str,
        typer.Option("--against-all", metavar="VOTES", help="Votes cast “against all”."),
    ] = "0",
    against_all_in_base: Annotated[
        bool,
        typer.Option(
            "--against-all-in-base/--against-all-outside-base",
            help="Count “against all” votes in the percentage base (as published in 2023).",
        ),
    ] = True,
    registration_order: Annotated[
        str | None,
        typer.Option(
            "--registration-order",
            metavar='"A,B,C"',
            help="Party lists in order of registration, earliest first; decides exact ties "
            "(rule earlier_registration, unconfirmed).",
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", metavar="text|csv|json|md", help="Output format."),
    ] = OutputFormat.TEXT.value,
    lang: Annotated[
        str, typer.Option("--lang", metavar="kk|ru|en", help="Language of the output.")
    ] = DEFAULT_LANG,
) -> None:
    """Allocate party-list seats (Hare quota with largest remainders, art. 97-1)."""
    try:
        language = check_lang(lang)
    except UnknownLanguageError:
        # The requested language is unknown, so this one message is in the default language.
        _fail(
            AllocationError(
                "A.023",
                "lang",
                "allocation.error.lang_unknown",
                value=lang,
                allowed=", ".join(LANGS),
            ),
            DEFAULT_LANG,
        )
    try:
        chosen_format = _parse_choice(OutputFormat, output_format, "A.022", "format")
        chosen_method = _parse_choice(AllocationMethod, method, "A.021", "method")
        seat_count = _parse_whole(seats, "A.001", "seats", "seats_invalid")
        share = parse_threshold_percent(threshold)
        against = _parse_whole(against_all, "A.008", "against_all", "against_all_invalid")
        order = None
        if registration_order is not None:
            order = [name.strip() for name in registration_order.split(",")]
        votes = read_votes_csv(votes_csv)
        allocation = allocate(
            votes,
            seat_count,
            share,
            method=chosen_method,
            against_all=against,
            against_all_in_base=against_all_in_base,
            registration_order=order,
        )
    except AllocationError as error:
        _fail(error, language)

    match chosen_format:
        case OutputFormat.TEXT:
            render_text(allocation, language)
            return
        case OutputFormat.CSV:
            typer.echo(render_csv(allocation, language), nl=False)
        case OutputFormat.JSON:
            typer.echo(render_json(allocation), nl=False)
        case OutputFormat.MD:
            typer.echo(render_markdown(allocation, language), nl=False)
        case _:
            assert_never(chosen_format)
    # Machine-readable formats keep stdout clean; tie decisions still reach the operator.
    for tie in allocation.ties:
        typer.echo(tie.message(language), err=True)


def register(app: typer.Typer) -> None:
    """Add the ``allocate`` command to ``app`` (the main ``saylau`` app mounts it this way)."""
    app.command("allocate")(allocate_command)


__all__ = [
    "OutputFormat",
    "allocate_command",
    "parse_threshold_percent",
    "register",
    "render_csv",
    "render_json",
    "render_markdown",
    "render_text",
]
