"""``saylau budget`` tables in kk, ru and en."""

from __future__ import annotations

from decimal import Decimal

from saylau.i18n import fmt_decimal, fmt_int, t
from saylau.policy.budget import (
    NORTH,
    SOUTH,
    BudgetAnalysis,
    Distribution,
    frame,
    known_regions,
)
from saylau.reports.table import Cell, Col, ReportTable


def _dec(value: float, digits: int) -> Decimal:
    return Decimal(f"{value:.{digits}f}")


def _cell(value: float | None, lang: str, digits: int) -> Cell:
    if value is None:
        return Cell(None, "—")
    return Cell(_dec(value, digits), fmt_decimal(_dec(value, digits), lang, digits))


def _regions(codes: tuple[str, ...], lang: str) -> str:
    names = known_regions()
    return ", ".join(names[c][lang] if c in names else c for c in codes)


def groups_table(analysis: BudgetAnalysis, lang: str) -> ReportTable:
    """The paper's comparison: small northern, large southern and other okrugs."""
    table = ReportTable(
        "groups",
        t("policy.groups.title", lang),
        [
            Col("group", t("policy.col.group", lang)),
            Col("okrugs", t("policy.col.okrugs", lang), "right"),
            Col("population", t("policy.col.population", lang), "right"),
            Col("median_budget_tenge", t("policy.col.median_budget", lang), "right"),
            Col("budget_per_resident_tenge", t("policy.col.budget_per_resident", lang), "right"),
            Col("median_budget_per_resident_tenge", t("policy.col.median_bpr", lang), "right"),
            Col("staff_per_1000", t("policy.col.staff_per_1000", lang), "right"),
            Col("median_staff_per_1000", t("policy.col.median_staff_per_1000", lang), "right"),
        ],
        meta={"small": analysis.small, "large": analysis.large, "north": NORTH, "south": SOUTH},
    )
    for g in analysis.groups:
        median_budget = None if g.median_budget_tiyn is None else g.median_budget_tiyn / 100
        table.rows.append(
            [
                Cell(g.group.value, t(f"policy.group.{g.group.value}", lang)),
                Cell(g.okrugs, fmt_int(g.okrugs, lang)),
                Cell(g.population, fmt_int(g.population, lang)),
                _cell(median_budget, lang, 0),
                _cell(g.budget_per_resident, lang, 0),
                _cell(g.median_budget_per_resident, lang, 0),
                _cell(g.staff_per_1000, lang, 2),
                _cell(g.median_staff_per_1000, lang, 2),
            ]
        )
    table.notes.append(
        t(
            "policy.note.groups",
            lang,
            small=fmt_int(analysis.small, lang),
            large=fmt_int(analysis.large, lang),
            north=_regions(NORTH, lang),
            south=_regions(SOUTH, lang),
        )
    )
    if analysis.staff_ratio is not None:
        table.notes.append(
            t("policy.note.ratio", lang, ratio=fmt_decimal(_dec(analysis.staff_ratio, 1), lang, 1))
        )
    _common_notes(table, analysis, lang)
    return table


def _distribution_row(key: str, d: Distribution, lang: str, digits: int) -> list[Cell]:
    return [
        Cell(key, t(f"policy.measure.{key}", lang)),
        Cell(d.n, fmt_int(d.n, lang)),
        _cell(d.minimum, lang, digits),
        _cell(d.p10, lang, digits),
        _cell(d.median, lang, digits),
        _cell(d.p90, lang, digits),
        _cell(d.maximum, lang, digits),
    ]


def distribution_table(analysis: BudgetAnalysis, lang: str) -> ReportTable:
    """Distributions of budget per resident and staff per 1,000 across okrugs, and the Gini."""
    table = ReportTable(
        "distribution",
        t("policy.distribution.title", lang),
        [
            Col("measure", t("policy.col.measure", lang)),
            Col("okrugs", t("policy.col.okrugs", lang), "right"),
            Col("min", t("policy.col.min", lang), "right"),
            Col("p10", t("policy.col.p10", lang), "right"),
            Col("median", t("policy.col.median", lang), "right"),
            Col("p90", t("policy.col.p90", lang), "right"),
            Col("max", t("policy.col.max", lang), "right"),
        ],
        meta={"staff_gini": analysis.staff_gini},
    )
    table.rows.append(
        _distribution_row("budget_per_resident", analysis.budget_per_resident, lang, 0)
    )
    table.rows.append(_distribution_row("staff_per_1000", analysis.staff_per_1000, lang, 2))
    if analysis.staff_gini is not None:
        table.notes.append(
            t(
                "policy.note.gini",
                lang,
                gini=fmt_decimal(_dec(analysis.staff_gini, 3), lang, 3),
            )
        )
    _common_notes(table, analysis, lang)
    return table


def detail_table(analysis: BudgetAnalysis, lang: str) -> ReportTable:
    """One row per okrug."""
    names = known_regions()
    table = ReportTable(
        "okrugs",
        t("policy.detail.title", lang),
        [
            Col("code", t("policy.col.code", lang)),
            Col("name", t("policy.col.name", lang)),
            Col("region", t("policy.col.region", lang)),
            Col("group", t("policy.col.group", lang)),
            Col("population", t("policy.col.population", lang), "right"),
            Col("budget_tenge", t("policy.col.budget", lang), "right"),
            Col("staff", t("policy.col.staff", lang), "right"),
            Col("budget_per_resident_tenge", t("policy.col.budget_per_resident", lang), "right"),
            Col("staff_per_1000", t("policy.col.staff_per_1000", lang), "right"),
            Col("proportional_staff", t("policy.col.proportional_staff", lang), "right"),
            Col("example", t("policy.col.example", lang)),
            Col("source", t("policy.col.source", lang)),
        ],
    )
    for row in frame(analysis).to_dicts():
        region = names.get(row["region"], {}).get(lang, row["region"])
        table.rows.append(
            [
                Cell(row["code"], row["code"]),
                Cell(row["name"], row["name"]),
                Cell(row["region"], region),
                Cell(row["group"], t(f"policy.group.{row['group']}", lang)),
                Cell(row["population"], fmt_int(row["population"], lang)),
                _cell(row["budget_tiyn"] / 100, lang, 2),
                Cell(row["staff"], fmt_int(row["staff"], lang)),
                _cell(row["budget_per_resident_tenge"], lang, 0),
                _cell(row["staff_per_1000"], lang, 2),
                _cell(row["proportional_staff"], lang, 1),
                Cell(
                    row["example"],
                    t("policy.value.example" if row["example"] else "policy.value.real", lang),
                    flag=bool(row["example"]),
                ),
                Cell(row["source"], row["source"]),
            ]
        )
    _common_notes(table, analysis, lang)
    return table


def _common_notes(table: ReportTable, analysis: BudgetAnalysis, lang: str) -> None:
    if analysis.examples:
        table.title = t("policy.example_title", lang, title=table.title)
        table.notes.insert(
            0,
            t(
                "policy.note.example",
                lang,
                count=fmt_int(analysis.examples, lang),
                total=fmt_int(len(analysis.rows), lang),
            ),
        )
    table.notes.append(t("policy.note.sources", lang))


def report_tables(
    analysis: BudgetAnalysis, lang: str, *, detail: bool = False
) -> list[ReportTable]:
    """The tables of ``saylau budget``."""
    tables = [groups_table(analysis, lang), distribution_table(analysis, lang)]
    if detail:
        tables.append(detail_table(analysis, lang))
    return tables
