"""Command ``saylau budget FILE``; mount with :func:`register`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from saylau.i18n import LANGS, t
from saylau.reports.table import OutputFormat, render

LangOpt = Annotated[str, typer.Option("--lang", "-l", help="Language: kk, ru or en.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def _default_lang() -> str:
    value = os.environ.get("SAYLAU_LANG", "en")
    return value if value in LANGS else "en"


DEFAULT_LANG = _default_lang()


def budget(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV of okrugs: code, name, region, population, budget_tiyn, "
            "staff, year, source, example (see docs/policy.md)."
        ),
    ],
    fmt: FormatOpt = OutputFormat.TEXT,
    lang: LangOpt = DEFAULT_LANG,
    small: Annotated[
        int, typer.Option(min=1, help="Small village: population below this (paper: 1,000).")
    ] = 1_000,
    large: Annotated[
        int, typer.Option(min=1, help="Large village: population above this (paper: 40,000).")
    ] = 40_000,
    detail: Annotated[bool, typer.Option(help="Also print one row per okrug.")] = False,
) -> None:
    """Budget per resident and akimat staff per 1,000 residents: small northern villages
    against large southern ones, distributions and the Gini of staff per resident."""
    from saylau.policy import budget as policy_budget
    from saylau.policy import report

    if lang not in LANGS:
        typer.echo(f"--lang: '{lang}' is not one of kk, ru, en", err=True)
        raise typer.Exit(2)
    if not file.is_file():
        typer.echo(t("policy.error.no_file", lang, path=str(file)), err=True)
        raise typer.Exit(2)
    try:
        rows = policy_budget.read(file)
    except policy_budget.BudgetFileError as exc:
        typer.echo(t("policy.error.failed", lang, count=len(exc.problems)), err=True)
        for problem in exc.problems:
            where = str(file) + (f":{problem.line}" if problem.line else "")
            column = f" {problem.column}:" if problem.column else ""
            message = t(f"policy.rule.{problem.rule}", lang, **problem.params)
            typer.echo(f"  {where}:{column} [{problem.rule}] {message}", err=True)
        raise typer.Exit(2) from exc
    analysis = policy_budget.analyse(rows, small, large)
    text = render(report.report_tables(analysis, lang, detail=detail), fmt)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def register(app: typer.Typer) -> None:
    """Mount ``budget`` on the main application."""
    app.command("budget")(budget)
