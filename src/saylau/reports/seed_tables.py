"""The four tables of the seed paper (Serikbayev & Sergazin), rebuilt from stored figures.

Every number shown is the stored figure, which is the paper's number unchanged. Beside them
saylau shows what it computes from the paper's own numbers (sums of parts, sums over
regions), flagged where the two differ, so a reader sees both and the paper is never
silently "fixed".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from saylau.domain import Figure, Level, Measure, Names, Nomination, Sex
from saylau.i18n import fmt_decimal, fmt_int, t
from saylau.reports.table import Cell, Col, ReportTable

ELECTION = "kz-2021-rural-akim"
SEED_SOURCE = "seed-serikbayev-sergazin"
PARTY_ORDER = ("amanat", "auyl", "ak-zhol", "adal", "qhp", "nsdp")
TABLES = (1, 2, 3, 4)


@dataclass(frozen=True)
class SeedInputs:
    """What the tables are built from: figures and the names to show."""

    figures: list[Figure]
    party_full: dict[str, Names]
    party_short: dict[str, Names]
    region_names: dict[str, Names]


def party_names_at(
    periods: list[tuple[str, dt.date | None, dt.date | None, Names, Names]], day: dt.date
) -> tuple[dict[str, Names], dict[str, Names]]:
    """Full and short names of each party in force on ``day`` (e.g. Nur Otan in 2021)."""
    full: dict[str, Names] = {}
    short: dict[str, Names] = {}
    for party, start, end, names, abbreviation in periods:
        if (start is None or start <= day) and (end is None or day <= end):
            full[party], short[party] = names, abbreviation
    return full, short


def _number(value: Decimal, lang: str) -> str:
    if value == value.to_integral_value():
        return fmt_int(int(value), lang)
    exponent = value.as_tuple().exponent
    digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return fmt_decimal(value, lang, digits)


def _raw(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def _cell(figure: Figure | None, lang: str, suffix: str = "") -> Cell:
    if figure is None:
        return Cell(None, "")
    text = _number(figure.value, lang) + suffix
    if figure.approximate:
        text = "≈ " + text
    return Cell(_raw(figure.value), text, ref=figure.id)


def _computed(value: Decimal | None, lang: str, differs: bool) -> Cell:
    if value is None:
        return Cell(None, "")
    return Cell(_raw(value), _number(value, lang), flag=differs)


def _source_line(table: int, lang: str) -> str:
    return t(f"seed.t{table}.source", lang)


class _Index:
    def __init__(self, figures: list[Figure]) -> None:
        self.figures = sorted(
            (f for f in figures if f.provenance.source == SEED_SOURCE),
            key=lambda f: (f.provenance.position or 0, f.id),
        )

    def find(self, table: str, predicate: Callable[[Figure], bool]) -> list[Figure]:
        return [f for f in self.figures if f.provenance.table == table and predicate(f)]

    def one(self, table: str, predicate: Callable[[Figure], bool]) -> Figure | None:
        found = self.find(table, predicate)
        return found[0] if found else None


def table1(inputs: SeedInputs, lang: str) -> ReportTable:
    """Table 1: registered political parties, year founded and members."""
    index = _Index(inputs.figures)
    rows = index.find("1", lambda f: f.measure is Measure.PARTY_MEMBERS)
    rows.sort(key=lambda f: int((f.provenance.row or "0").split(" ", 1)[0]))
    report = ReportTable(
        "table1",
        t("seed.t1.title", lang),
        [
            Col("no", "№", "right"),
            Col("party", t("seed.col.party", lang)),
            Col("party_code", t("seed.col.code", lang)),
            Col("founded", t("seed.t1.founded", lang), "right"),
            Col("members", t("seed.t1.members", lang), "right"),
        ],
        source=_source_line(1, lang),
    )
    for number, members in enumerate(rows, 1):
        party = members.party or ""
        founded = index.one(
            "1", lambda f, p=party: f.party == p and f.measure is Measure.PARTY_FOUNDED_YEAR
        )
        founded_cell = (
            Cell(_raw(founded.value), str(_raw(founded.value)), ref=founded.id)
            if founded
            else Cell(None, "")
        )
        report.rows.append(
            [
                Cell(number, str(number)),
                Cell(inputs.party_full[party].get(lang), inputs.party_full[party].get(lang)),
                Cell(party, party),
                founded_cell,
                _cell(members, lang),
            ]
        )
    report.notes.append(t("seed.t1.note", lang))
    return report


_T2_ROWS: tuple[tuple[str, Measure, Nomination, Sex], ...] = (
    ("voters", Measure.VOTERS, Nomination.ALL, Sex.ALL),
    ("stations", Measure.POLLING_STATIONS, Nomination.ALL, Sex.ALL),
    ("candidates", Measure.CANDIDATES_REGISTERED, Nomination.ALL, Sex.ALL),
    ("party", Measure.CANDIDATES_REGISTERED, Nomination.PARTY, Sex.ALL),
    ("self", Measure.CANDIDATES_REGISTERED, Nomination.SELF, Sex.ALL),
    ("male", Measure.CANDIDATES_REGISTERED, Nomination.ALL, Sex.MALE),
    ("female", Measure.CANDIDATES_REGISTERED, Nomination.ALL, Sex.FEMALE),
)


def table2(inputs: SeedInputs, lang: str) -> ReportTable:
    """Table 2: the national figures, with shares and sums computed from the paper's numbers."""
    index = _Index(inputs.figures)
    report = ReportTable(
        "table2",
        t("seed.t2.title", lang),
        [
            Col("indicator", t("seed.col.indicator", lang)),
            Col("value", t("seed.col.paper", lang), "right"),
            Col("share_pct", t("seed.col.paper_share", lang), "right"),
            Col("computed_share_pct", t("seed.col.computed_share", lang), "right"),
            Col("computed_regions", t("seed.col.computed_regions", lang), "right"),
        ],
        source=_source_line(2, lang),
    )

    def national(measure: Measure, nomination: Nomination, sex: Sex) -> Figure | None:
        return index.one(
            "2",
            lambda f: (
                f.measure is measure
                and f.nomination is nomination
                and f.sex is sex
                and f.party is None
            ),
        )

    total = national(Measure.CANDIDATES_REGISTERED, Nomination.ALL, Sex.ALL)
    regional = [
        f
        for f in inputs.figures
        if f.level is Level.REGION
        and f.measure is Measure.CANDIDATES_REGISTERED
        and f.party is None
        and f.nomination is Nomination.ALL
        and f.sex is Sex.ALL
    ]
    regional_sum = sum((f.value for f in regional), Decimal(0)) if regional else None
    for key, measure, nomination, sex in _T2_ROWS:
        figure = national(measure, nomination, sex)
        share = index.one(
            "2",
            lambda f, n=nomination, s=sex: (
                f.measure is Measure.CANDIDATES_SHARE_PCT and f.nomination is n and f.sex is s
            ),
        )
        computed_share: Cell = Cell(None, "")
        if measure is Measure.CANDIDATES_REGISTERED and key != "candidates" and figure and total:
            # Rounded as the paper rounds (half up, at the published precision), as check C.04.
            exponent = share.value.as_tuple().exponent if share is not None else -1
            digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            value = (figure.value * 100 / total.value).quantize(
                Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
            )
            differs = share is not None and value != share.value
            computed_share = Cell(value, fmt_decimal(value, lang, digits) + " %", flag=differs)
        computed_regions: Cell = Cell(None, "")
        if key == "candidates" and figure is not None and regional_sum is not None:
            computed_regions = _computed(regional_sum, lang, regional_sum != figure.value)
        report.rows.append(
            [
                Cell(t(f"seed.t2.row.{key}", lang), t(f"seed.t2.row.{key}", lang)),
                _cell(figure, lang),
                _cell(share, lang, " %") if share else Cell(None, ""),
                computed_share,
                computed_regions,
            ]
        )
    report.notes.append(t("seed.t2.note.voters", lang))
    if regional_sum is not None and total is not None and regional_sum != total.value:
        report.notes.append(
            t(
                "seed.t2.note.regions",
                lang,
                regional=_number(regional_sum, lang),
                national=_number(total.value, lang),
            )
        )
    return report


def _regions_of(index: _Index, table: str) -> list[str]:
    seen: list[str] = []
    for figure in index.find(table, lambda f: f.measure is Measure.OKRUGS_CONTESTED):
        if figure.unit not in seen:
            seen.append(figure.unit)
    return seen  # in the paper's reading order (figures are sorted by position)


def table_results(inputs: SeedInputs, number: int, lang: str) -> ReportTable:
    """Tables 3 and 4: okrugs, candidates and akims elected by party, per region.

    A computed row adds up the akims elected in each region (flagged where it differs from
    the okrugs), and a computed column adds each row over the table's regions.
    """
    table = str(number)
    index = _Index(inputs.figures)
    regions = _regions_of(index, table)
    columns = [Col("indicator", t("seed.col.indicator", lang))]
    columns += [Col(code, inputs.region_names[code].get(lang), "right") for code in regions]
    columns.append(Col("computed_total", t("seed.col.computed_total", lang), "right"))
    report = ReportTable(
        f"table{number}",
        t(f"seed.t{number}.title", lang),
        columns,
        source=_source_line(number, lang),
    )

    def row_of(label: str, predicate: Callable[[Figure], bool]) -> tuple[list[Cell], Decimal]:
        cells = [Cell(label, label)]
        total = Decimal(0)
        for code in regions:
            figure = index.one(table, lambda f, c=code: f.unit == c and predicate(f))
            cells.append(_cell(figure, lang))
            if figure is not None:
                total += figure.value
        cells.append(_computed(total, lang, False))
        return cells, total

    okrug_cells, _ = row_of(
        t("seed.t3.row.okrugs", lang), lambda f: f.measure is Measure.OKRUGS_CONTESTED
    )
    report.rows.append(okrug_cells)
    report.rows.append(
        row_of(
            t("seed.t3.row.candidates", lang), lambda f: f.measure is Measure.CANDIDATES_REGISTERED
        )[0]
    )
    for party in PARTY_ORDER:
        label = t("seed.t3.row.party", lang, party=inputs.party_full[party].get(lang))
        report.rows.append(
            row_of(label, lambda f, p=party: f.measure is Measure.WINNERS and f.party == p)[0]
        )
    report.rows.append(
        row_of(
            t("seed.t3.row.self", lang),
            lambda f: f.measure is Measure.WINNERS and f.nomination is Nomination.SELF,
        )[0]
    )

    # Computed: all akims elected per region, against the okrugs.
    sums = [Cell(t("seed.t3.row.sum", lang), t("seed.t3.row.sum", lang))]
    grand = Decimal(0)
    mismatched: list[str] = []
    for position, code in enumerate(regions, 1):
        winners = index.find(table, lambda f, c=code: f.unit == c and f.measure is Measure.WINNERS)
        value = sum((f.value for f in winners), Decimal(0))
        grand += value
        okrugs = okrug_cells[position].raw
        differs = okrugs is not None and value != okrugs
        if differs:
            mismatched.append(
                t(
                    "seed.t3.note.mismatch",
                    lang,
                    region=inputs.region_names[code].get(lang),
                    winners=_number(value, lang),
                    okrugs=fmt_int(int(okrugs), lang),
                )
            )  # type: ignore[arg-type]
        sums.append(_computed(value, lang, differs))
    okrug_total = okrug_cells[-1].raw
    sums.append(_computed(grand, lang, okrug_total is not None and grand != okrug_total))
    report.rows.append(sums)
    report.notes.append(t("seed.t3.note.computed", lang))
    report.notes.extend(mismatched)
    return report


def build(inputs: SeedInputs, number: int, lang: str) -> ReportTable:
    """Table ``number`` (1-4) in ``lang``."""
    match number:
        case 1:
            return table1(inputs, lang)
        case 2:
            return table2(inputs, lang)
        case 3 | 4:
            return table_results(inputs, number, lang)
        case _:
            raise ValueError(f"the seed paper has tables 1-4, not {number}")


def national_summary(inputs: SeedInputs, lang: str) -> ReportTable:
    """Both result tables added up over all 14 regions, beside the national figures of the paper."""
    index = _Index(inputs.figures)
    report = ReportTable(
        "totals",
        t("seed.totals.title", lang),
        [
            Col("indicator", t("seed.col.indicator", lang)),
            Col("computed_total", t("seed.col.computed_all_regions", lang), "right"),
            Col("paper_national", t("seed.col.paper_national", lang), "right"),
            Col("paper_where", t("seed.col.paper_where", lang)),
        ],
        source=t("seed.totals.source", lang),
    )

    def regional_sum(predicate: Callable[[Figure], bool]) -> Decimal:
        return sum(
            (f.value for f in index.figures if f.level is Level.REGION and predicate(f)), Decimal(0)
        )

    def national(predicate: Callable[[Figure], bool]) -> Figure | None:
        found = [f for f in index.figures if f.level is Level.REPUBLIC and predicate(f)]
        return found[0] if found else None

    lines: list[tuple[str, Callable[[Figure], bool]]] = [
        (t("seed.t3.row.okrugs", lang), lambda f: f.measure is Measure.OKRUGS_CONTESTED),
        (
            t("seed.t3.row.candidates", lang),
            lambda f: (
                f.measure is Measure.CANDIDATES_REGISTERED
                and f.nomination is Nomination.ALL
                and f.sex is Sex.ALL
                and f.party is None
            ),
        ),
    ]
    for party in PARTY_ORDER:
        lines.append(
            (
                t("seed.t3.row.party", lang, party=inputs.party_full[party].get(lang)),
                lambda f, p=party: f.measure is Measure.WINNERS and f.party == p,
            )
        )
    lines.append(
        (
            t("seed.t3.row.self", lang),
            lambda f: f.measure is Measure.WINNERS and f.nomination is Nomination.SELF,
        )
    )
    lines.append((t("seed.t3.row.sum", lang), lambda f: f.measure is Measure.WINNERS))
    for label, predicate in lines:
        computed = regional_sum(predicate)
        paper = national(predicate)
        where = ""
        if paper is not None and paper.provenance.table == "text":
            where = t("seed.where.text", lang)
        elif paper is not None:
            where = t("seed.where", lang, table=paper.provenance.table or "")
        report.rows.append(
            [
                Cell(label, label),
                _computed(computed, lang, paper is not None and computed != paper.value),
                _cell(paper, lang),
                Cell(where, where),
            ]
        )
    # The sum of all akims elected is compared with the okrugs (one akim per okrug).
    okrugs = national(lambda f: f.measure is Measure.OKRUGS_CONTESTED)
    last = report.rows[-1]
    if okrugs is not None and last[1].raw != _raw(okrugs.value):
        report.rows[-1] = [
            last[0],
            Cell(last[1].raw, last[1].text, flag=True),
            _cell(okrugs, lang),
            Cell(t("seed.where.okrugs", lang), t("seed.where.okrugs", lang)),
        ]
    return report


def frame(table: ReportTable) -> pl.DataFrame:
    """A report table as a Polars frame (raw values, column keys as names)."""
    records = table.records()
    return pl.DataFrame(
        {
            c.key: [
                None
                if r[c.key] is None
                else (
                    r[c.key]
                    if isinstance(r[c.key], str | bool)
                    else int(r[c.key])
                    if float(r[c.key]) == int(r[c.key])
                    else float(r[c.key])
                )
                for r in records
            ]
            for c in table.columns
        },  # type: ignore[arg-type]
        strict=False,
    )


def table_frame(number: int, lang: str = "en") -> pl.DataFrame:
    """Table ``number`` of the paper as a Polars frame, from the bundled files (no database)."""
    from saylau.datasets import bundled, reader
    from saylau.datasets.convert import inputs_from_content

    content = reader.read([bundled.folder()])
    return frame(build(inputs_from_content(content), number, lang))
