"""Turning stored figures into what a page shows: numbers with links, findings, tables."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cached_property
from urllib.parse import quote

from saylau import consistency
from saylau.domain import Figure, Level, Measure, Nomination, Sex
from saylau.i18n import fmt_decimal, fmt_int, fmt_percent, has, t
from saylau.reports.seed_tables import ELECTION, PARTY_ORDER, SEED_SOURCE
from saylau.reports.table import Cell, ReportTable
from saylau.web import derive
from saylau.web.models import FigureOut, FigureRef, FindingOut, Number, SourceOut
from saylau.web.pages import PageContext
from saylau.web.snapshot import Snapshot


def figure_href(identifier: str) -> str:
    """The provenance page of a stored or computed figure."""
    return "/figure/" + quote(identifier, safe=":,~-._")


def number_text(value: Decimal, lang: str, digits: int = 0, percent: bool = False) -> str:
    """A value formatted for ``lang``."""
    if percent:
        return fmt_percent(float(value) / 100, lang, digits)
    if digits == 0 and value == value.to_integral_value():
        return fmt_int(int(value), lang)
    return fmt_decimal(value, lang, digits)


# Licences of the bundled sources as the page language says them (the data keep English).
LICENCES = {
    "Quoted for research; the figures are facts transcribed unchanged": "people.licence.quoted",
    "LGPL-2.1 (pycountry data)": "people.licence.pycountry",
}


def licence_text(licence: str | None, lang: str) -> str | None:
    """A source's licence in ``lang`` (names such as «CC BY 4.0» stay as they are)."""
    if licence is None:
        return None
    key = LICENCES.get(licence)
    return t(key, lang) if key else licence


def note_text(kind: str, code: str, note: str | None, lang: str) -> str | None:
    """A region's or party's note of the bundled data in ``lang``, where translated."""
    key = f"people.note.{kind}.{code}"
    return t(key, lang) if note and has(key, lang) else note  # type: ignore[arg-type]


def raw(value: Decimal) -> int | float:
    """A decimal as int when whole, else float (JSON)."""
    return int(value) if value == value.to_integral_value() else float(value)


class Numbers:
    """Builds the numbers of one page and remembers which figures the page used."""

    def __init__(self, ctx: PageContext, snap: Snapshot) -> None:
        self.ctx = ctx
        self.snap = snap
        self.used: set[str] = set()

    @property
    def lang(self) -> str:
        """Page language."""
        return self.ctx.lang

    # --- numbers --------------------------------------------------------------------------

    def stored(self, figure: Figure) -> Number:
        """A stored figure as shown."""
        self.used.add(figure.id)
        digits = derive._digits(figure.value)
        text = number_text(figure.value, self.lang, digits)
        if figure.approximate:
            text = "≈ " + text
        return Number(
            value=raw(figure.value),
            text=text,
            figure=figure.id,
            href=figure_href(figure.id),
            approximate=figure.approximate,
            caveats=[anchor for anchor, _ in self.snap.findings_about({figure.id})],
        )

    def computed(
        self, identifier: str, unit: str | None = None, measure: str | None = None
    ) -> Number:
        """A computed number (see :mod:`saylau.web.derive`)."""
        result = derive.derive(identifier, self.snap.by_id)
        self.used.update(f.id for f in result.inputs)
        percent = result.op == "pct"
        return Number(
            value=raw(result.value),
            text=number_text(result.value, self.lang, result.digits, percent),
            figure=identifier,
            href=figure_href(identifier),
            computed=True,
            caveats=[
                anchor
                for anchor, _ in self.snap.findings_about(
                    {f.id for f in result.inputs}, unit, measure
                )
            ],
        )

    def cell(self, number: Number | None) -> Cell:
        """A number as a table cell."""
        if number is None:
            return Cell(None, "")
        # Findings are shown by the ⚠ links beside the number (see ``caveats_for``); the flag
        # stays for what seed tables mark themselves (a computed value that disagrees).
        return Cell(number.value, number.text, ref=number.figure)

    def caveats_for(self, ref: str | None) -> list[tuple[str, str]]:
        """(anchor, title) of the findings that affect the figure ``ref`` (templates)."""
        if not ref:
            return []
        if derive.is_derived(ref) and ref not in self.snap.by_id:
            try:
                inputs = {f.id for f in derive.derive(ref, self.snap.by_id).inputs}
            except derive.DerivationError:
                return []
        else:
            inputs = {ref}
        return [(a, f.title(self.lang)) for a, f in self.snap.findings_about(inputs)]

    @property
    def synthetic(self) -> bool:
        """Whether any figure used on the page is synthetic."""
        return any(
            self.snap.is_synthetic(self.snap.by_id[i]) for i in self.used if i in self.snap.by_id
        )

    # --- names ----------------------------------------------------------------------------

    @cached_property
    def unit_names(self) -> dict[str, str]:
        """Region names (and the republic) in the page language."""
        names = {code: r.names.get(self.lang) for code, r in self.snap.regions.items()}
        names["KZ"] = t("web.republic", self.lang)
        return names

    def party_name(self, code: str, short: bool = False, election: str = ELECTION) -> str:
        """A party's name in force on the election day (Nur Otan in 2021)."""
        record = self.snap.parties.get(code)
        if record is None:
            return code
        found = self.snap.election(election)
        period = record.name_on(found.date) if found else record.current
        return (period.short if short else period.names).get(self.lang)

    def measure_label(self, figure: Figure) -> str:
        """What a figure counts, in words."""
        return t(f"measure.{figure.measure.value}", self.lang)

    # --- provenance -----------------------------------------------------------------------

    def figure_ref(self, figure: Figure) -> FigureRef:
        """A figure as cited."""
        self.used.add(figure.id)
        return FigureRef(
            id=figure.id,
            value=derive.plain_value(figure.value),
            href=figure_href(figure.id),
            source=figure.provenance.source,
            table=figure.provenance.table,
            row=figure.provenance.row,
            column=figure.provenance.column,
        )

    def figure_out(self, figure: Figure) -> FigureOut:
        """A figure with all its provenance."""
        self.used.add(figure.id)
        shown = self.stored(figure)
        return FigureOut(
            id=figure.id,
            href=figure_href(figure.id),
            election=figure.election,
            level=figure.level.value,
            unit=figure.unit,
            unit_name=self.unit_names.get(figure.unit, figure.unit),
            measure=figure.measure.value,
            measure_label=self.measure_label(figure),
            party=figure.party,
            nomination=figure.nomination.value,
            sex=figure.sex.value,
            value=derive.plain_value(figure.value),
            text=shown.text,
            approximate=figure.approximate,
            source=figure.provenance.source,
            table=figure.provenance.table,
            row=figure.provenance.row,
            column=figure.provenance.column,
            page=figure.provenance.page,
            note=figure.provenance.note,
            synthetic=self.snap.is_synthetic(figure),
        )

    def source_out(self, code: str) -> SourceOut | None:
        """A source with the number of figures taken from it."""
        source = self.snap.sources.get(code)
        if source is None:
            return None
        return SourceOut(
            code=source.code,
            kind=source.kind,
            title=source.title,
            citation=source.citation,
            url=source.url,
            licence=source.licence,
            synthetic=source.synthetic,
            note=source.note,
            figures=sum(1 for f in self.snap.figures if f.provenance.source == code),
            kind_text=(
                t(f"people.source.kind.{source.kind}", self.lang)
                if has(f"people.source.kind.{source.kind}", self.lang)  # type: ignore[arg-type]
                else source.kind
            ),
            licence_text=licence_text(source.licence, self.lang),
        )

    def finding_out(self, anchor: str, finding: consistency.Finding) -> FindingOut:
        """A finding explained in the page language."""
        return FindingOut(
            id=anchor,
            rule=finding.rule,
            severity=finding.severity,
            level=finding.level.value,
            unit=finding.unit,
            unit_name=self.unit_names.get(finding.unit, finding.unit),
            title=finding.title(self.lang),
            explanation=finding.explain(self.lang, self.unit_names),
            computed={k: derive.plain_value(v) for k, v in finding.computed.items()},
            figures=[self.figure_ref(f) for f in finding.involved],
            href=f"/check#{anchor}",
        )

    # --- the seed paper's tables, with links for the computed cells -----------------------

    def link_seed_table(self, table: ReportTable, key: str) -> ReportTable:
        """Give the computed cells of a seed table the id of their derivation."""
        rows = [list(row) for row in table.rows]
        if key == "2":
            self._link_table2(table, rows)
        elif key in ("3", "4"):
            self._link_results(rows)
        elif key == "totals":
            self._link_totals(rows)
        return replace(table, rows=rows)

    def _link_table2(self, table: ReportTable, rows: list[list[Cell]]) -> None:
        keys = [c.key for c in table.columns]
        value, share, regions = (
            keys.index("value"),
            keys.index("computed_share_pct"),
            keys.index("computed_regions"),
        )
        total = rows[2][value].ref if len(rows) > 2 else None
        for row in rows:
            if row[share].raw is not None and row[value].ref and total:
                row[share] = replace(
                    row[share],
                    ref=derive.pct_id([self.snap.by_id[row[value].ref]], [self.snap.by_id[total]]),
                )
            if row[regions].raw is not None:
                regional = [
                    f
                    for f in self.snap.figures
                    if f.election == ELECTION
                    and f.level is Level.REGION
                    and f.measure is Measure.CANDIDATES_REGISTERED
                    and f.party is None
                    and f.nomination is Nomination.ALL
                    and f.sex is Sex.ALL
                ]
                row[regions] = replace(row[regions], ref=derive.sum_id(regional))

    def _link_results(self, rows: list[list[Cell]]) -> None:
        def ids(cells: list[Cell]) -> list[Figure]:
            return [self.snap.by_id[c.ref] for c in cells if c.ref and c.ref in self.snap.by_id]

        for row in rows[:-1]:
            if ids(row[1:-1]):
                row[-1] = replace(row[-1], ref=derive.sum_id(ids(row[1:-1])))
        winners_rows = rows[2:-1]
        last = rows[-1]
        for column in range(1, len(last) - 1):
            found = ids([r[column] for r in winners_rows])
            if found:
                last[column] = replace(last[column], ref=derive.sum_id(found))
        everything = ids([c for r in winners_rows for c in r[1:-1]])
        if everything:
            last[-1] = replace(last[-1], ref=derive.sum_id(everything))

    def _link_totals(self, rows: list[list[Cell]]) -> None:
        def regional(
            measure: Measure, party: str | None = None, nomination: Nomination | None = None
        ) -> list[Figure]:
            return [
                f
                for f in self.snap.figures
                if f.provenance.source == SEED_SOURCE
                and f.level is Level.REGION
                and f.measure is measure
                and (party is None or f.party == party)
                and (nomination is None or f.nomination is nomination)
                and (
                    measure is Measure.WINNERS
                    or (f.party is None and f.sex is Sex.ALL and f.nomination is Nomination.ALL)
                )
            ]

        lines = [
            regional(Measure.OKRUGS_CONTESTED),
            regional(Measure.CANDIDATES_REGISTERED),
            *[regional(Measure.WINNERS, party=p) for p in PARTY_ORDER],
            regional(Measure.WINNERS, nomination=Nomination.SELF),
            regional(Measure.WINNERS),
        ]
        for row, figures in zip(rows, lines, strict=False):
            if figures and row[1].raw is not None:
                row[1] = replace(row[1], ref=derive.sum_id(figures))
