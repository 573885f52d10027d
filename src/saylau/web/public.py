"""The public pages: republic, region, parties, tables, check, sources, figures, search, about.

Each builder reads a :class:`Snapshot`, builds the page's response model (its JSON twin) and
the tables behind its CSV, and names the template that renders it. Builders only read.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from fastapi import HTTPException, Path, Query

from saylau.domain import Figure, Measure, Nomination, Region
from saylau.i18n import t
from saylau.i18n.plural import tp
from saylau.reports import seed_tables
from saylau.reports.seed_tables import PARTY_ORDER
from saylau.reports.table import Cell, Col, ReportTable
from saylau.web import charts, derive, election_data, elections, mapsvg, search
from saylau.web.data import Place
from saylau.web.models import (
    AboutPage,
    CheckPage,
    Competition,
    DerivationOut,
    ElectionOut,
    FigurePage,
    LabelledNumber,
    LineageOut,
    MapOut,
    MapRegion,
    MeasureOption,
    NamePeriodOut,
    NamesOut,
    Number,
    PartiesPage,
    PartyOut,
    PartyPage,
    PartySeats,
    PlaceOut,
    RegionOut,
    RegionPage,
    RegionSeats,
    RepublicPage,
    SearchPage,
    Section,
    SourcesPage,
    TableLink,
    TablePage,
    TablesPage,
)
from saylau.web.pages import Context, Page, PageContext, PageRouter, table_out
from saylau.web.snapshot import Snapshot
from saylau.web.views import Numbers, note_text

pages = PageRouter()
SEARCH_LIMIT = 50
TABLE_KEYS = ("1", "2", "3", "4", "totals")
ALL_WINNERS = derive.selector("winners", "KZ")


class MapMeasure(StrEnum):
    """Measures the republic map can be coloured by."""

    self_share = "self_share"
    nur_otan_share = "nur_otan_share"
    candidates_per_okrug = "candidates_per_okrug"
    enp_seats = "enp_seats"
    okrugs = "okrugs"


# Where a place found by search links to: districts, okrugs and stations to their page in
# the newest election run with saylau on them (else their region).
PLACE_HREF: dict[str, Callable[[Place], str]] = {
    kind: elections.place_href for kind in ("district", "okrug", "station")
}


def _not_found(ctx: PageContext, message: str, **params: object) -> HTTPException:
    return HTTPException(404, detail=ctx.t(message, **params))


def _base(
    ctx: PageContext,
    page: str,
    title: str,
    numbers: Numbers | None,
    tables: list[ReportTable],
    synthetic: bool = False,
) -> dict[str, object]:
    return {
        "page": page,
        "lang": ctx.lang,
        "title": title,
        "synthetic": synthetic or bool(numbers and numbers.synthetic),
        "links": ctx.twins(bool(tables)),
        "alternates": ctx.alternates(),
        "tables": [table_out(x) for x in tables],
    }


def _election_out(ctx: PageContext, snap: Snapshot) -> ElectionOut:
    election = snap.election()
    if election is None:
        raise _not_found(ctx, "web.error.no_election")
    return ElectionOut(
        code=election.code,
        name=election.names.get(ctx.lang),
        date=election.date.isoformat(),
        date_text=ctx.date(election.date),
        synthetic=election.synthetic,
    )


def _regions_2021(snap: Snapshot) -> list[Region]:
    election = snap.election()
    day = election.date if election else None
    return [
        r
        for r in snap.regions.values()
        if day is None
        or (
            (r.valid_from is None or r.valid_from <= day)
            and (r.valid_to is None or day <= r.valid_to)
        )
    ]


def _parties_with_winners(snap: Snapshot) -> list[str]:
    found = {f.party for f in snap.winners() if f.party}
    ordered = [p for p in PARTY_ORDER if p in found]
    return ordered + sorted(found - set(ordered))


def _region_measures(nums: Numbers, snap: Snapshot, code: str) -> dict[MapMeasure, Number | None]:
    winners = snap.winners(unit=code)
    okrugs = snap.regional(Measure.OKRUGS_CONTESTED, code)
    candidates = snap.regional(Measure.CANDIDATES_REGISTERED, code)
    selfs = [f for f in winners if f.nomination is Nomination.SELF]
    amanat = [f for f in winners if f.party == "amanat"]
    out: dict[MapMeasure, Number | None] = dict.fromkeys(MapMeasure)
    if winners and sum(f.value for f in winners) > 0:
        every = derive.selector("winners", code)
        out[MapMeasure.self_share] = (
            nums.computed(derive.pct_id(derive.selector("winners", code, "self"), every))
            if selfs
            else None
        )
        out[MapMeasure.nur_otan_share] = (
            nums.computed(derive.pct_id(derive.selector("winners", code, "amanat"), every))
            if amanat
            else None
        )
        out[MapMeasure.enp_seats] = nums.computed(derive.enp_id(every, "bin"))
    if candidates and okrugs and okrugs.value:
        out[MapMeasure.candidates_per_okrug] = nums.computed(
            derive.ratio_id(derive.selector("candidates", code), derive.selector("okrugs", code))
        )
    if okrugs:
        out[MapMeasure.okrugs] = nums.stored(okrugs)
    return out


@pages.page("/", model=RepublicPage, summary="The 2021 rural akim elections in the republic")
def republic(
    ctx: Context,
    measure: Annotated[
        MapMeasure, Query(description="Measure the map is coloured by")
    ] = MapMeasure.self_share,
) -> Page:
    """The 2021 election: national figures, akims elected by party, competition, map."""
    snap = Snapshot.load(ctx.service)
    nums = Numbers(ctx, snap)
    election = _election_out(ctx, snap)
    inputs = snap.seed_inputs()
    summary = nums.link_seed_table(seed_tables.table2(inputs, ctx.lang), "2")
    for row in summary.rows:
        for cell in row:
            if cell.ref and cell.ref in snap.by_id:
                nums.used.add(cell.ref)

    winners = snap.winners()
    results: list[PartySeats] = []
    for party in _parties_with_winners(snap):
        results.append(
            PartySeats(
                party=party,
                name=nums.party_name(party),
                href=f"/party/{party}",
                seats=nums.computed(derive.sum_id(derive.selector("winners", "KZ", party))),
                share=nums.computed(
                    derive.pct_id(derive.selector("winners", "KZ", party), ALL_WINNERS)
                ),
            )
        )
    selfs = [f for f in winners if f.nomination is Nomination.SELF]
    if selfs:
        results.append(
            PartySeats(
                party=None,
                name=ctx.t("web.self_nominated"),
                href=None,
                seats=nums.computed(derive.sum_id(derive.selector("winners", "KZ", "self"))),
                share=nums.computed(
                    derive.pct_id(derive.selector("winners", "KZ", "self"), ALL_WINNERS)
                ),
            )
        )
    if not winners:
        raise _not_found(ctx, "web.error.no_election")
    total = nums.computed(derive.sum_id(ALL_WINNERS), unit="KZ", measure="winners")
    competition = Competition(
        enp_single_bin=nums.computed(derive.enp_id(ALL_WINNERS, "bin")),
        enp_excluded=nums.computed(derive.enp_id(ALL_WINNERS, "excl")),
    )

    results_table = ReportTable(
        "results",
        ctx.t("web.republic.results.title"),
        [
            Col("party", ctx.t("web.col.party")),
            Col("party_code", ctx.t("web.col.code")),
            Col("seats", ctx.t("web.col.seats"), "right"),
            Col("share_pct", ctx.t("web.col.share"), "right"),
        ],
        source=ctx.t("web.republic.results.source"),
    )
    for item in results:
        results_table.rows.append(
            [
                Cell(
                    item.name,
                    item.name if item.party is None else nums.party_name(item.party, short=True),
                ),
                Cell(item.party, item.party or ""),
                nums.cell(item.seats),
                nums.cell(item.share),
            ]
        )
    results_table.rows.append(
        [
            Cell(ctx.t("web.total"), ctx.t("web.total")),
            Cell(None, ""),
            nums.cell(total),
            Cell(None, ""),
        ]
    )

    # The map and the table of all measures by region.
    regions = _regions_2021(snap)
    measures_table = ReportTable(
        "regions",
        ctx.t("web.republic.regions.title"),
        [Col("region", ctx.t("web.col.region")), Col("code", ctx.t("web.col.code"))]
        + [Col(m.value, ctx.t(f"web.measure.{m.value}"), "right") for m in MapMeasure],
    )
    map_regions: list[MapRegion] = []
    items: list[mapsvg.MapItem] = []
    for region in regions:
        values = _region_measures(nums, snap, region.code)
        name = region.names.get(ctx.lang)
        href = f"/region/{region.code}"
        value = values[measure]
        map_regions.append(MapRegion(code=region.code, name=name, href=href, value=value))
        items.append(
            mapsvg.MapItem(
                region.code,
                region.iso_legacy,
                region.kato,
                href,
                name,
                float(value.value) if value and value.value is not None else None,
                value.text if value else "",
            )
        )
        if any(values.values()):
            measures_table.rows.append(
                [Cell(name, name), Cell(region.code, region.code)]
                + [nums.cell(values[m]) for m in MapMeasure]
            )
    label = ctx.t(f"web.measure.{measure.value}")
    map_svg, bounds = mapsvg.render(
        items, ctx.t("web.map.title", measure=label), ctx.t("web.map.no_data")
    )
    map_out = MapOut(
        measure=measure.value,
        label=label,
        measures=[
            MeasureOption(
                key=m.value,
                label=ctx.t(f"web.measure.{m.value}"),
                href="/" + ctx.query(measure=m.value),
                selected=m is measure,
            )
            for m in MapMeasure
        ],
        regions=map_regions,
        attribution=ctx.t("web.map.attribution"),
    )
    legend = _legend(ctx, bounds, measure)

    bars = tuple(
        (
            item.name if item.party is None else nums.party_name(item.party, short=True),
            int(item.seats.value or 0),
            "party" if item.party else "self",
            item.href,
        )
        for item in results
    )
    chart = charts.seats_bar_chart(
        bars,
        ctx.t("web.chart.title"),
        ctx.t("web.chart.axis"),
        ctx.t("web.chart.description"),
    )
    shown = {c for n in [total, *[r.seats for r in results]] for c in n.caveats}
    shown |= {ref for row in summary.rows for cell in row for ref, _ in nums.caveats_for(cell.ref)}
    caveats = [nums.finding_out(a, f) for a, f in snap.findings if a in shown]
    tables = [results_table, measures_table, summary]
    with ctx.service.session() as session:
        listed = [elections.election_item(ctx, e) for e in election_data.elections(session)]
    model = RepublicPage(
        **_base(ctx, "republic", election.name, nums, tables, election.synthetic),
        election=election,
        results=results,
        total_winners=total,
        competition=competition,
        map=map_out,
        caveats=caveats,
        elections=listed,
    )
    return Page(
        model,
        "republic.html",
        tables,
        {
            "chart": chart,
            "map_svg": map_svg,
            "legend": legend,
            "summary": summary,
            "results_table": results_table,
            "measures_table": measures_table,
            "caveat": nums.caveats_for,
        },
    )


def _legend(ctx: PageContext, bounds: list[float], measure: MapMeasure) -> list[tuple[str, str]]:
    """(colour, range) of each quantile class: «from – to»."""
    if not bounds:
        return []
    digits = (
        0
        if measure is MapMeasure.okrugs
        else (2 if measure in (MapMeasure.candidates_per_okrug, MapMeasure.enp_seats) else 1)
    )
    out = []
    low = None
    for colour, bound in zip(mapsvg.class_colours(bounds), bounds, strict=True):
        high = ctx.dec(Decimal(repr(bound)), digits)
        text = "≤ " + high if low is None else f"{low} – {high}"
        out.append((colour, text))
        low = high
    return out


@pages.page("/region/{code}", model=RegionPage, summary="One region's figures and findings")
def region(
    ctx: Context,
    code: Annotated[str, Path(description="ISO 3166-2 code of the region", examples=["KZ-61"])],
) -> Page:
    """A region: okrugs, candidates, akims elected by party and self-nominated, shares, and
    the findings of the consistency check about its figures."""
    snap = Snapshot.load(ctx.service)
    found = snap.regions.get(code)
    if found is None:
        raise _not_found(ctx, "web.error.no_region", code=code)
    nums = Numbers(ctx, snap)
    name = found.names.get(ctx.lang)
    figures: list[LabelledNumber] = []

    def add(key: str, label: str, number: Number | None) -> None:
        if number is not None:
            figures.append(LabelledNumber(key=key, label=label, number=number))

    okrugs = snap.regional(Measure.OKRUGS_CONTESTED, code)
    candidates = snap.regional(Measure.CANDIDATES_REGISTERED, code)
    winners = snap.winners(unit=code)
    if okrugs:
        add("okrugs", t("measure.okrugs_contested", ctx.lang), nums.stored(okrugs))
    if candidates:
        add("candidates", t("measure.candidates_registered", ctx.lang), nums.stored(candidates))
    for party in _parties_with_winners(snap):
        for figure in (f for f in winners if f.party == party):
            add(
                f"winners_{party}",
                ctx.t("web.region.winners_party", party=nums.party_name(party)),
                nums.stored(figure),
            )
    for figure in (f for f in winners if f.nomination is Nomination.SELF):
        add("winners_self", ctx.t("web.region.winners_self"), nums.stored(figure))
    if winners:
        add(
            "winners_total",
            ctx.t("web.region.winners_total"),
            nums.computed(
                derive.sum_id(derive.selector("winners", code)), unit=code, measure="winners"
            ),
        )
    measures = _region_measures(nums, snap, code)
    for measure in (
        MapMeasure.candidates_per_okrug,
        MapMeasure.self_share,
        MapMeasure.nur_otan_share,
        MapMeasure.enp_seats,
    ):
        add(measure.value, ctx.t(f"web.measure.{measure.value}"), measures[measure])
    if winners:
        add(
            "enp_seats_excluded",
            ctx.t("web.measure.enp_seats_excluded"),
            nums.computed(derive.enp_id(derive.selector("winners", code), "excl")),
        )

    table_number = None
    for figure in (okrugs, candidates):
        if figure and figure.provenance.table in ("3", "4"):
            table_number = int(figure.provenance.table)
    own: set[str] = set()
    for item in figures:
        ref = item.number.figure or ""
        if derive.is_derived(ref):
            own |= {f.id for f in derive.derive(ref, snap.by_id).inputs}
        elif ref:
            own.add(ref)
    findings = [nums.finding_out(a, f) for a, f in snap.findings if f.unit == code] + [
        nums.finding_out(a, f)
        for a, f in snap.findings
        if f.unit != code and own & {x.id for x in f.involved}
    ]
    table = ReportTable(
        "region",
        ctx.t("web.region.table", region=name),
        [
            Col("key", ctx.t("web.col.key")),
            Col("indicator", ctx.t("web.col.indicator")),
            Col("value", ctx.t("web.col.value"), "right"),
            Col("figure", ctx.t("web.col.figure")),
        ],
        source=ctx.t("web.region.source", table=table_number) if table_number else None,
    )
    for item in figures:
        table.rows.append(
            [
                Cell(item.key, item.key),
                Cell(item.label, item.label),
                nums.cell(item.number),
                Cell(item.number.figure, item.number.figure or ""),
            ]
        )
    tables = [table] if figures else []
    model = RegionPage(
        **_base(ctx, "region", name, nums, tables),
        region=RegionOut(
            code=found.code,
            kind=str(found.kind),
            name=name,
            names=NamesOut(kk=found.names.kk, ru=found.names.ru, en=found.names.en),
            name_latin=found.name_latin,
            kato=found.kato,
            iso_legacy=found.iso_legacy,
            note=note_text("region", found.code, found.note, ctx.lang),
        ),
        table=table_number,
        figures=figures,
        findings=findings,
    )
    return Page(model, "region.html", tables, {"caveat": nums.caveats_for})


def _party_out(ctx: PageContext, snap: Snapshot, nums: Numbers, code: str) -> PartyOut:
    record = snap.parties[code]
    names = []
    for period in record.periods:
        if period.valid_from and period.valid_to:
            text = ctx.t(
                "web.period.between",
                start=ctx.date(period.valid_from),
                end=ctx.date(period.valid_to),
            )
        elif period.valid_from:
            text = ctx.t("web.period.since", start=ctx.date(period.valid_from))
        elif period.valid_to:
            text = ctx.t("web.period.until", end=ctx.date(period.valid_to))
        else:
            text = ""
        names.append(
            NamePeriodOut(
                name=period.names.get(ctx.lang),
                short=period.short.get(ctx.lang),
                valid_from=period.valid_from.isoformat() if period.valid_from else None,
                valid_to=period.valid_to.isoformat() if period.valid_to else None,
                period_text=text,
            )
        )
    lineage = []
    for step in record.lineage:
        other = step.successor if step.predecessor == code else step.predecessor
        lineage.append(
            LineageOut(
                kind=step.kind,
                predecessor=step.predecessor,
                successor=step.successor,
                date=step.date.isoformat(),
                text=ctx.t(
                    f"web.lineage.{step.kind}",
                    predecessor=snap.parties[step.predecessor].current.short.get(ctx.lang)
                    if step.predecessor in snap.parties
                    else step.predecessor,
                    successor=snap.parties[step.successor].current.short.get(ctx.lang)
                    if step.successor in snap.parties
                    else step.successor,
                    date=ctx.date(step.date),
                ),
                href=f"/party/{other}",
            )
        )

    def table1(measure: Measure) -> Number | None:
        for f in snap.figures:
            if f.party == code and f.measure is measure:
                return nums.stored(f)
        return None

    mine = [f for f in snap.winners() if f.party == code]
    election = snap.election()
    day = election.date if election else None
    return PartyOut(
        code=code,
        name=record.current.names.get(ctx.lang),
        name_2021=(record.name_on(day) if day else record.current).names.get(ctx.lang),
        short=record.current.short.get(ctx.lang),
        href=f"/party/{code}",
        registered=record.registered.isoformat() if record.registered else None,
        dissolved=record.dissolved.isoformat() if record.dissolved else None,
        names=names,
        lineage=lineage,
        founded=table1(Measure.PARTY_FOUNDED_YEAR),
        members=table1(Measure.PARTY_MEMBERS),
        seats_2021=(
            nums.computed(derive.sum_id(derive.selector("winners", "KZ", code))) if mine else None
        ),
        note=note_text("party", record.code, record.note, ctx.lang),
    )


def _founded_text(number: Number | None) -> str:
    return str(number.value) if number else ""


@pages.page("/parties", model=PartiesPage, summary="The party registry")
def parties(ctx: Context) -> Page:
    """Every party: names over time (Nur Otan → AMANAT), mergers, Table 1 figures, seats."""
    snap = Snapshot.load(ctx.service)
    nums = Numbers(ctx, snap)
    order = [p for p in PARTY_ORDER if p in snap.parties] + sorted(
        set(snap.parties) - set(PARTY_ORDER)
    )
    items = [_party_out(ctx, snap, nums, code) for code in order]
    table = ReportTable(
        "parties",
        ctx.t("web.parties.title"),
        [
            Col("party", ctx.t("web.col.party")),
            Col("code", ctx.t("web.col.code")),
            Col("name_2021", ctx.t("web.col.name_2021")),
            Col("founded", t("seed.t1.founded", ctx.lang), "right"),
            Col("members", t("seed.t1.members", ctx.lang), "right"),
            Col("seats_2021", ctx.t("web.col.seats_2021"), "right"),
            Col("registered", ctx.t("web.col.registered")),
            Col("dissolved", ctx.t("web.col.dissolved")),
        ],
        source=t("seed.t1.source", ctx.lang),
    )
    for item in items:
        founded = item.founded
        table.rows.append(
            [
                Cell(item.name, item.name),
                Cell(item.code, item.code),
                Cell(item.name_2021, item.name_2021),
                Cell(founded.value, _founded_text(founded), ref=founded.figure)
                if founded
                else Cell(None, ""),
                nums.cell(item.members),
                nums.cell(item.seats_2021),
                Cell(item.registered, ctx.date_or_blank(item.registered)),
                Cell(item.dissolved, ctx.date_or_blank(item.dissolved)),
            ]
        )
    tables = [table]
    model = PartiesPage(
        **_base(ctx, "parties", ctx.t("web.parties.title"), nums, tables), parties=items
    )
    return Page(model, "parties.html", tables, {"caveat": nums.caveats_for})


@pages.page("/party/{code}", model=PartyPage, summary="One party: names, lineage, seats by region")
def party(
    ctx: Context,
    code: Annotated[str, Path(description="Party code", examples=["amanat"])],
) -> Page:
    """A party: its names over time, lineage, Table 1 figures and akims elected by region."""
    snap = Snapshot.load(ctx.service)
    if code not in snap.parties:
        raise _not_found(ctx, "web.error.no_party", code=code)
    nums = Numbers(ctx, snap)
    item = _party_out(ctx, snap, nums, code)
    by_region: list[RegionSeats] = []
    table = ReportTable(
        "seats",
        ctx.t("web.party.seats_title", party=nums.party_name(code)),
        [
            Col("region", ctx.t("web.col.region")),
            Col("code", ctx.t("web.col.code")),
            Col("seats", ctx.t("web.col.seats"), "right"),
            Col("share_pct", ctx.t("web.col.share_region"), "right"),
        ],
        source=ctx.t("web.party.seats_source"),
    )
    for figure in snap.winners():
        if figure.party != code:
            continue
        region_winners = snap.winners(unit=figure.unit)
        region_ = snap.regions.get(figure.unit)
        name = region_.names.get(ctx.lang) if region_ else figure.unit
        share = (
            nums.computed(derive.pct_id([figure], derive.selector("winners", figure.unit)))
            if sum(f.value for f in region_winners) > 0
            else None
        )
        seats = nums.stored(figure)
        by_region.append(
            RegionSeats(
                region=figure.unit,
                name=name,
                href=f"/region/{figure.unit}",
                seats=seats,
                share=share,
            )
        )
        table.rows.append(
            [Cell(name, name), Cell(figure.unit, figure.unit), nums.cell(seats), nums.cell(share)]
        )
    if item.seats_2021:
        table.rows.append(
            [
                Cell(ctx.t("web.total"), ctx.t("web.total")),
                Cell(None, ""),
                nums.cell(item.seats_2021),
                Cell(None, ""),
            ]
        )
    tables = [table] if by_region else []
    model = PartyPage(
        **_base(ctx, "party", item.name, nums, tables), party=item, by_region=by_region
    )
    return Page(model, "party.html", tables, {"caveat": nums.caveats_for})


def _seed_table(ctx: PageContext, snap: Snapshot, nums: Numbers, key: str) -> ReportTable:
    inputs = snap.seed_inputs()
    built = (
        seed_tables.national_summary(inputs, ctx.lang)
        if key == "totals"
        else seed_tables.build(inputs, int(key), ctx.lang)
    )
    linked = nums.link_seed_table(built, key)
    for row in linked.rows:
        for cell in row:
            if cell.ref and cell.ref in snap.by_id:
                nums.used.add(cell.ref)
    return linked


def _table_title(ctx: PageContext, key: str) -> str:
    return t("seed.totals.title" if key == "totals" else f"seed.t{key}.title", ctx.lang)


@pages.page("/tables", model=TablesPage, summary="The seed paper's tables", csv=False)
def tables_index(ctx: Context) -> Page:
    """The four tables of the seed paper and their national totals."""
    items = [TableLink(key=k, title=_table_title(ctx, k), href=f"/tables/{k}") for k in TABLE_KEYS]
    model = TablesPage(**_base(ctx, "tables", ctx.t("web.tables.title"), None, []), items=items)
    return Page(model, "tables.html")


@pages.page("/tables/{key}", model=TablePage, summary="One table of the seed paper")
def table(
    ctx: Context,
    key: Annotated[str, Path(description="1, 2, 3, 4 or totals", examples=["2"])],
) -> Page:
    """A table of the seed paper rebuilt from the stored figures, with saylau's sums beside
    the published numbers; every number links to its source."""
    if key not in TABLE_KEYS:
        raise _not_found(ctx, "web.error.no_table", key=key)
    snap = Snapshot.load(ctx.service)
    nums = Numbers(ctx, snap)
    built = _seed_table(ctx, snap, nums, key)
    tables = [built]
    model = TablePage(**_base(ctx, "table", built.title, nums, tables), key=key)
    return Page(model, "table.html", tables, {"caveat": nums.caveats_for, "table": built})


@pages.page("/check", model=CheckPage, summary="Consistency findings")
def check(ctx: Context) -> Page:
    """Every inconsistency of the published figures (``saylau check``), explained."""
    snap = Snapshot.load(ctx.service)
    nums = Numbers(ctx, snap)
    findings = [nums.finding_out(a, f) for a, f in snap.findings]
    table = ReportTable(
        "findings",
        t("check.report.title", ctx.lang),
        [
            Col("id", ctx.t("web.col.id")),
            Col("rule", t("check.col.rule", ctx.lang)),
            Col("severity", t("check.col.severity", ctx.lang)),
            Col("unit", t("check.col.unit", ctx.lang)),
            Col("title", t("check.col.title", ctx.lang)),
            Col("explanation", t("check.col.explanation", ctx.lang)),
            Col("figures", t("check.col.figures", ctx.lang)),
        ],
    )
    for item in findings:
        ids = " ".join(f.id for f in item.figures)
        table.rows.append(
            [
                Cell(item.id, item.id),
                Cell(item.rule, item.rule),
                Cell(item.severity, t(f"check.severity.{item.severity}", ctx.lang)),
                Cell(item.unit, item.unit_name),
                Cell(item.title, item.title),
                Cell(item.explanation, item.explanation),
                Cell(ids, ids),
            ]
        )
    table.notes.append(
        tp("people.check.count", ctx.lang, len(findings), count=ctx.int(len(findings)))
        if findings
        else t("check.none", ctx.lang)
    )
    tables = [table]
    model = CheckPage(
        **_base(ctx, "check", t("check.report.title", ctx.lang), nums, tables), findings=findings
    )
    return Page(model, "check.html", tables)


@pages.page("/sources", model=SourcesPage, summary="Sources and every stored figure")
def sources(ctx: Context) -> Page:
    """Every source, and every stored figure with its table, row, column and note."""
    snap = Snapshot.load(ctx.service)
    nums = Numbers(ctx, snap)
    items = [x for code in snap.sources if (x := nums.source_out(code))]
    figures = [nums.figure_out(f) for f in snap.figures]
    source_table = ReportTable(
        "sources",
        ctx.t("web.sources.list"),
        [
            Col(k, ctx.t(f"web.col.{k}"))
            for k in ("code", "kind", "title", "citation", "url", "licence", "synthetic", "figures")
        ],
    )
    for s in items:
        source_table.rows.append(
            [
                Cell(s.code, s.code),
                Cell(s.kind, s.kind_text),
                Cell(s.title, s.title),
                Cell(s.citation, s.citation),
                Cell(s.url, s.url or ""),
                Cell(s.licence, s.licence_text or ""),
                Cell(s.synthetic, ctx.t(f"web.bool.{s.synthetic}")),
                Cell(s.figures, ctx.int(s.figures)),
            ]
        )
    figure_table = ReportTable(
        "figures",
        ctx.t("web.sources.figures"),
        [
            Col("id", ctx.t("web.col.id")),
            Col("value", ctx.t("web.col.value"), "right"),
            Col("measure", ctx.t("web.col.measure")),
            Col("unit", ctx.t("web.col.unit")),
            Col("party", ctx.t("web.col.party")),
            Col("source", ctx.t("web.col.source")),
            Col("table", ctx.t("web.col.table")),
            Col("row", ctx.t("web.col.row")),
            Col("column", ctx.t("web.col.column")),
            Col("note", ctx.t("web.col.note")),
        ],
    )
    for f in figures:
        figure_table.rows.append(
            [
                Cell(f.id, f.id, ref=f.id),
                Cell(f.value, f.text, ref=f.id),
                Cell(f.measure, f.measure_label),
                Cell(f.unit, f.unit_name),
                Cell(f.party, f.party or ""),
                Cell(f.source, f.source),
                Cell(f.table, f.table or ""),
                Cell(f.row, f.row or ""),
                Cell(f.column, f.column or ""),
                Cell(f.note, f.note or ""),
            ]
        )
    tables = [source_table, figure_table]
    synthetic = any(s.synthetic for s in items)
    model = SourcesPage(
        **_base(ctx, "sources", ctx.t("web.sources.title"), nums, tables, synthetic),
        sources=items,
        figures=figures,
    )
    # The page shows lighter tables, one per table of the source and closed until opened, so
    # that a phone does not scroll through every figure (the CSV and JSON have every column).
    groups: dict[str, ReportTable] = {}
    for f in figures:
        key = f.table or "-"
        if key not in groups:
            groups[key] = ReportTable(
                f"figures-{key}",
                ctx.t("web.figure.text") if key == "text" else t_table(ctx, key),
                [
                    Col("id", ctx.t("web.col.id")),
                    Col("value", ctx.t("web.col.value"), "right"),
                    Col("unit", ctx.t("web.col.unit")),
                    Col("row", ctx.t("web.col.row")),
                    Col("column", ctx.t("web.col.column")),
                ],
            )
        groups[key].rows.append(
            [
                Cell(f.id, f.id),
                Cell(f.value, f.text, ref=f.id),
                Cell(f.unit, f.unit_name),
                Cell(f.row, f.row or ""),
                Cell(f.column, f.column or ""),
            ]
        )
    return Page(model, "sources.html", tables, {"figure_groups": list(groups.values())})


def t_table(ctx: PageContext, key: str) -> str:
    """"Table 3" in the page language (a table of a source)."""
    return ctx.t("people.sources.table", table=key)


@pages.page("/figure/{id}", model=FigurePage, summary="Where one number comes from")
def figure(
    ctx: Context,
    id: Annotated[
        str,
        Path(
            description="A stored figure id, or a derivation id (sum:…, pct:…, ratio:…, "
            "enp-bin:…, enp-excl:…)",
            examples=["t4-KZ-61-self"],
            max_length=8000,
        ),
    ],
) -> Page:
    """A stored figure with its source, table, row, column and note; or a number computed by
    saylau with its formula and every input. Findings that involve it are listed."""
    snap = Snapshot.load(ctx.service)
    nums = Numbers(ctx, snap)
    stored: Figure | None = snap.by_id.get(id)
    figure_out = source_out = derivation = None
    table = ReportTable(
        "figure",
        ctx.t("web.figure.title", id=id),
        [
            Col("id", ctx.t("web.col.id")),
            Col("role", ctx.t("web.col.role")),
            Col("value", ctx.t("web.col.value"), "right"),
            Col("source", ctx.t("web.col.source")),
            Col("table", ctx.t("web.col.table")),
            Col("row", ctx.t("web.col.row")),
            Col("column", ctx.t("web.col.column")),
            Col("note", ctx.t("web.col.note")),
        ],
    )

    def row(f: Figure, role: str) -> list[Cell]:
        return [
            Cell(f.id, f.id, ref=f.id),
            Cell(role, ctx.t(f"web.role.{role}")),
            Cell(derive.plain_value(f.value), nums.stored(f).text, ref=f.id),
            Cell(f.provenance.source, f.provenance.source),
            Cell(f.provenance.table, f.provenance.table or ""),
            Cell(f.provenance.row, f.provenance.row or ""),
            Cell(f.provenance.column, f.provenance.column or ""),
            Cell(f.provenance.note, f.provenance.note or ""),
        ]

    if stored is not None:
        figure_out = nums.figure_out(stored)
        source_out = nums.source_out(stored.provenance.source)
        involved = {stored.id}
        table.rows.append(row(stored, "figure"))
        title = ctx.t("web.figure.title", id=id)
    elif derive.is_derived(id):
        try:
            result = derive.derive(id, snap.by_id)
        except derive.DerivationError as error:
            raise _not_found(ctx, "web.error.bad_derivation", detail=str(error)) from error
        value = nums.computed(id)
        derivation = DerivationOut(
            id=id,
            op=result.op,
            formula=ctx.t(f"web.derive.{result.op}"),
            value=value,
            numerator=[nums.figure_ref(f) for f in result.numerator],
            denominator=[nums.figure_ref(f) for f in result.denominator],
        )
        involved = {f.id for f in result.inputs}
        for f in result.numerator:
            table.rows.append(row(f, "numerator" if result.denominator else "input"))
        for f in result.denominator:
            table.rows.append(row(f, "denominator"))
        title = ctx.t("web.figure.computed_title")
    else:
        raise _not_found(ctx, "web.error.no_figure", id=id)
    findings = [nums.finding_out(a, f) for a, f in snap.findings_about(involved)]
    tables = [table]
    model = FigurePage(
        **_base(ctx, "figure", title, nums, tables),
        figure=figure_out,
        source=source_out,
        derivation=derivation,
        findings=findings,
    )
    return Page(model, "figure.html", tables, {"caveat": nums.caveats_for})


def _place_href(place: Place) -> str:
    custom = PLACE_HREF.get(place.kind)
    if custom:
        return custom(place)
    if place.region:
        return f"/region/{place.region}"
    return "/search?q=" + place.code


@pages.page("/search", model=SearchPage, summary="Find a place by name")
def find(
    ctx: Context,
    q: Annotated[
        str,
        Query(
            max_length=100,
            description="Name in Kazakh, Russian, English or Latin-script "
            "Kazakh; case and accents do not matter",
            examples=["Qaraghandy"],
        ),
    ] = "",
) -> Page:
    """Places (regions; districts, okrugs and stations when present) by name in any of the
    three languages, including the Latin-script spelling of Kazakh names."""
    snap = Snapshot.load(ctx.service, places=True)
    results: list[tuple[int, int, PlaceOut]] = []
    if q.strip():
        order = 0
        for code, found in snap.regions.items():
            names = (
                found.names.kk,
                found.names.ru,
                found.names.en,
                found.name_latin or "",
                found.iso_legacy or "",
            )
            rank = search.matches(q, search.entry("region", code, names))
            if rank is not None:
                results.append(
                    (
                        rank,
                        order,
                        PlaceOut(
                            kind="region",
                            kind_label=ctx.t("web.kind.region"),
                            code=code,
                            name=found.names.get(ctx.lang),
                            names=NamesOut(kk=found.names.kk, ru=found.names.ru, en=found.names.en),
                            latin=found.name_latin,
                            href=f"/region/{code}",
                        ),
                    )
                )
            order += 1
        for place in snap.places:
            latin = search.transliterate(place.names.kk)
            names = (place.names.kk, place.names.ru, place.names.en, latin)
            rank = search.matches(q, search.entry(place.kind, place.code, names))
            if rank is not None:
                results.append(
                    (
                        rank,
                        order,
                        PlaceOut(
                            kind=place.kind,
                            kind_label=ctx.t(f"web.kind.{place.kind}"),
                            code=place.code,
                            name=place.names.get(ctx.lang),
                            names=NamesOut(kk=place.names.kk, ru=place.names.ru, en=place.names.en),
                            latin=latin,
                            href=_place_href(place),
                        ),
                    )
                )
            order += 1
    found_places = [p for _, _, p in sorted(results, key=lambda r: (r[0], r[1]))][:SEARCH_LIMIT]
    table = ReportTable(
        "places",
        ctx.t("web.search.results", query=q) if q else ctx.t("web.search.title"),
        [
            Col("kind", ctx.t("web.col.kind")),
            Col("code", ctx.t("web.col.code")),
            Col("name", ctx.t("web.col.name")),
            Col("name_kk", "kk"),
            Col("name_ru", "ru"),
            Col("name_en", "en"),
            Col("latin", ctx.t("web.col.latin")),
        ],
    )
    for p in found_places:
        table.rows.append(
            [
                Cell(p.kind, p.kind_label),
                Cell(p.code, p.code),
                Cell(p.name, p.name),
                Cell(p.names.kk, p.names.kk),
                Cell(p.names.ru, p.names.ru),
                Cell(p.names.en, p.names.en),
                Cell(p.latin, p.latin or ""),
            ]
        )
    tables = [table]
    model = SearchPage(
        **_base(ctx, "search", ctx.t("web.search.title"), None, tables),
        query=q,
        results=found_places,
    )
    return Page(model, "search.html", tables)


ABOUT_SECTIONS = (
    ("what", 2),
    ("honesty", 3),
    ("synthetic", 1),
    ("numbers", 2),
    ("licences", 3),
    ("api", 2),
)


@pages.page("/about", model=AboutPage, summary="About saylau", csv=False)
def about(ctx: Context) -> Page:
    """What saylau is, how it treats data, and the licences."""
    sections = [
        Section(
            id=key,
            heading=ctx.t(f"web.about.{key}.heading"),
            paragraphs=[ctx.t(f"web.about.{key}.{i}") for i in range(1, count + 1)],
        )
        for key, count in ABOUT_SECTIONS
    ]
    model = AboutPage(**_base(ctx, "about", ctx.t("web.about.title"), None, []), sections=sections)
    return Page(model, "about.html")
