"""The forensic report as tables in kk, ru and en (text, CSV, Markdown, JSON)."""

from __future__ import annotations

from decimal import Decimal

from saylau.forensics.methods import CITATIONS, ForensicsReport, Method, TestResult
from saylau.i18n import fmt_decimal, fmt_int, t
from saylau.reports.table import Cell, Col, ReportTable


def _decimal(value: float, digits: int) -> Decimal:
    return Decimal(f"{value:.{digits}f}")


def p_value_text(p: float | None, lang: str) -> str:
    """A p-value for reading: four decimals, or "< 0.0001"."""
    if p is None:
        return "—"
    if p < 0.0001:
        return t("forensics.p_below", lang, value=fmt_decimal("0.0001", lang, 4))
    return fmt_decimal(_decimal(p, 4), lang, 4)


def _detail(result: TestResult, lang: str) -> str:
    d = result.details
    match result.method:
        case Method.INTEGER_PERCENT:
            return t(
                "forensics.detail.integer_percent",
                lang,
                observed=fmt_int(int(d["observed"]), lang),
                expected=fmt_decimal(_decimal(float(d["expected"]), 1), lang, 1),
                min=fmt_int(int(d["min_denominator"]), lang),
            )
        case Method.ASSOCIATION:
            return t(
                "forensics.detail.association",
                lang,
                okrugs=fmt_int(int(d["okrugs"]), lang),
                permutations=fmt_int(int(d["permutations"]), lang),
            )
        case Method.LAST_DIGIT:
            return t("forensics.detail.last_digit", lang, min=fmt_int(int(d["min_count"]), lang))
        case Method.SECOND_DIGIT:
            mean = d.get("mean")
            return t(
                "forensics.detail.second_digit",
                lang,
                mean=fmt_decimal(_decimal(float(mean), 2), lang, 2) if mean is not None else "—",
                benford=fmt_decimal(_decimal(float(d["benford_mean"]), 2), lang, 2),
            )


def _statistic_text(result: TestResult, lang: str) -> str:
    if result.statistic is None:
        return "—"
    if result.method is Method.INTEGER_PERCENT:
        return fmt_int(int(result.statistic), lang)
    if result.method is Method.ASSOCIATION:
        return t(
            "forensics.statistic.r", lang, value=fmt_decimal(_decimal(result.statistic, 3), lang, 3)
        )
    return t(
        "forensics.statistic.chi2", lang, value=fmt_decimal(_decimal(result.statistic, 2), lang, 2)
    )


def tests_table(report: ForensicsReport, lang: str) -> ReportTable:
    """One row per test: statistic, degrees of freedom, p-value, units used, outcome."""
    data = report.data
    title = t("forensics.tests.title", lang, election=data.election)
    if data.synthetic:
        title = t("forensics.chart.synthetic_title", lang, title=title)
    table = ReportTable(
        "forensics",
        title,
        [
            Col("method", t("forensics.col.method", lang)),
            Col("statistic", t("forensics.col.statistic", lang), "right"),
            Col("df", t("forensics.col.df", lang), "right"),
            Col("p_value", t("forensics.col.p_value", lang), "right"),
            Col("n", t("forensics.col.n", lang), "right"),
            Col("result", t("forensics.col.result", lang)),
            Col("detail", t("forensics.col.detail", lang)),
        ],
        meta={
            "election": data.election,
            "synthetic": data.synthetic,
            "stations_reported": data.stations.height,
            "stations_expected": data.stations_expected,
            "alpha": report.results[0].alpha if report.results else None,
            "citations": {m.value: CITATIONS[m] for m in Method},
            "details": {r.method.value: dict(r.details) for r in report.results},
        },
    )
    for result in report.results:
        raw_stat = None if result.statistic is None else _decimal(result.statistic, 6)
        raw_p = None if result.p_value is None else Decimal(f"{result.p_value:.6g}")
        table.rows.append(
            [
                Cell(result.method.value, t(f"forensics.method.{result.method.value}", lang)),
                Cell(raw_stat, _statistic_text(result, lang)),
                Cell(result.df, fmt_int(result.df, lang) if result.df is not None else "—"),
                Cell(raw_p, p_value_text(result.p_value, lang), flag=result.flagged),
                Cell(result.n, fmt_int(result.n, lang)),
                Cell(result.status, t(f"forensics.status.{result.status}", lang), result.flagged),
                Cell(_detail(result, lang), _detail(result, lang)),
            ]
        )
    table.source = t(
        "forensics.source",
        lang,
        reported=fmt_int(data.stations.height, lang),
        expected=fmt_int(data.stations_expected, lang),
        alpha=fmt_decimal(_decimal(table.meta["alpha"] or 0.05, 2), lang, 2),  # type: ignore[arg-type]
    )
    if data.synthetic:
        table.notes.append(t("forensics.note.synthetic", lang))
    if data.stations.height == 0:
        table.notes.append(t("forensics.note.no_stations", lang))
    table.notes.append(t("forensics.note.general", lang))
    table.notes.extend(t(f"forensics.caveat.{m.value}", lang) for m in Method)
    return table


def report_tables(report: ForensicsReport, lang: str) -> list[ReportTable]:
    """The tables of ``saylau forensics``."""
    return [tests_table(report, lang)]


def distribution_table(report: ForensicsReport, lang: str, width: float = 5.0) -> ReportTable:
    """Stations by turnout and by the leader's share, in bins of ``width`` percentage points."""
    from saylau.forensics.methods import histogram

    frame = report.data.stations
    turnout = histogram(frame["turnout"].drop_nulls().to_list(), width)
    share = histogram(frame["leader_share"].drop_nulls().to_list(), width)
    table = ReportTable(
        "distribution",
        t("forensics.distribution.title", lang, election=report.data.election),
        [
            Col("bin_start", t("forensics.col.bin_start", lang), "right"),
            Col("bin_end", t("forensics.col.bin_end", lang), "right"),
            Col("turnout", t("forensics.col.turnout_stations", lang), "right"),
            Col("leader_share", t("forensics.col.share_stations", lang), "right"),
        ],
    )
    for start, end, a, b in zip(
        turnout["bin_start"].to_list(),
        turnout["bin_end"].to_list(),
        turnout["stations"].to_list(),
        share["stations"].to_list(),
        strict=True,
    ):
        table.rows.append(
            [
                Cell(_decimal(start, 1), fmt_decimal(_decimal(start, 1), lang, 1)),
                Cell(_decimal(end, 1), fmt_decimal(_decimal(end, 1), lang, 1)),
                Cell(a, fmt_int(a, lang)),
                Cell(b, fmt_int(b, lang)),
            ]
        )
    if report.data.synthetic:
        table.notes.append(t("forensics.note.synthetic", lang))
    return table
