"""The analyst's offline report: one self-contained HTML file (``saylau report --html``) and
each of its charts alone (``saylau chart``).

The file needs no network to open: its style is inline, every chart is inline SVG rendered on
the machine (Altair → vl-convert, and the shipped region map), and it carries no script. It
holds the seed paper's tables (for the 2021 election), every measure of ``saylau analyze``,
the paper's findings re-derived, the comparison with the Majilis, the charts, the forensic
fingerprints when station protocols exist, and the inconsistencies of the data (``saylau
check``), each number as the command that computes it gives it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

import altair as alt
import polars as pl
from jinja2 import Environment, select_autoescape

from saylau import consistency
from saylau.domain import Measure, Nomination
from saylau.i18n import check_lang, fmt_int, t
from saylau.reports import seed_tables
from saylau.reports.table import ReportTable
from saylau.service import Saylau

SEED = "kz-2021-rural-akim"
MEASURES = ("self_share", "nur_otan_share", "candidates_per_okrug", "enp_seats", "okrugs")
FONT = "DejaVu Sans, Verdana, sans-serif"
PARTY = "#1f5f99"
SELF = "#8a5a00"


class ReportError(ValueError):
    """A report or chart that cannot be made: its message key and parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key}: {t(key, 'en', **params)}")
        self.key = key
        self.params = params

    def message(self, lang: str) -> str:
        """The refusal in ``lang``."""
        return t(self.key, lang, **self.params)


@dataclass
class Context:
    """What every chart and section of one report reads."""

    service: Saylau
    election: str
    lang: str
    measure: str = "self_share"

    @property
    def seed(self) -> bool:
        return self.election == SEED


# --- charts -------------------------------------------------------------------------------------


def _svg(chart: alt.TopLevelMixin, description: str) -> str:
    import vl_convert as vlc

    from saylau.web.charts import _LOCK

    spec = chart.to_dict()
    spec.pop("$schema", None)
    with _LOCK:
        svg = str(vlc.vegalite_to_svg(spec))
    safe = description.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{safe}" ', 1)
    # no links in a file read offline
    svg = re.sub(r'<a xlink:href="[^"]*"[^>]*>(.*?)</a>', r"\1", svg, flags=re.S)
    return svg.replace("https://vega.github.io/vega-datasets/", "")


def _configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure_view(stroke=None).configure(
        background="white", font=FONT, padding={"left": 12, "right": 12, "top": 6, "bottom": 6}
    )


def _winners(ctx: Context) -> list[tuple[str, str | None, bool, int]]:
    """(region, party, self-nominated, akims elected) of the 2021 figures."""
    from saylau.web.snapshot import Snapshot

    snap = Snapshot.load(ctx.service)
    out = []
    for figure in snap.winners():
        if figure.nomination is Nomination.ALL:
            continue
        out.append(
            (
                figure.unit,
                figure.party,
                figure.nomination is Nomination.SELF,
                int(figure.value),
            )
        )
    return out


def _party_label(ctx: Context, party: str | None, self_nominated: bool) -> str:
    if self_nominated or party is None:
        return t("web.self_nominated", ctx.lang)
    names = _party_names(ctx)
    return names.get(party, party)


def _party_names(ctx: Context) -> dict[str, str]:
    from saylau.administration.results import party_short_names

    with ctx.service.session() as session:
        from saylau.store.schema import ElectionRow

        row = session.get(ElectionRow, ctx.election)
        day = row.date if row else dt.date(2021, 7, 25)
        return party_short_names(session, day, ctx.lang)


def _seed_only(ctx: Context, name: str) -> None:
    if not ctx.seed:
        raise ReportError("people.report.seed_only", chart=name, election=SEED)


def chart_seats_by_party(ctx: Context) -> str:
    """Akims elected by party (self-nominated as one bar), 2021."""
    _seed_only(ctx, "seats-by-party")
    totals: dict[tuple[str, bool], int] = {}
    for _, party, selfish, seats in _winners(ctx):
        key = (_party_label(ctx, party, selfish), selfish)
        totals[key] = totals.get(key, 0) + seats
    values = [
        {"label": label, "seats": seats, "kind": "self" if selfish else "party"}
        for (label, selfish), seats in totals.items()
    ]
    title = t("people.chart.seats_by_party", ctx.lang)
    axis = t("web.chart.axis", ctx.lang)
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("seats:Q", title=axis, axis=alt.Axis(format="d", tickMinStep=1)),
    )
    chart = (
        base.mark_bar().encode(
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["party", "self"], range=[PARTY, SELF]),
                legend=None,
            )
        )
        + base.mark_text(align="left", dx=3).encode(text=alt.Text("seats:Q", format="d"))
    ).properties(width=420, height=alt.Step(26), title=title)
    return _svg(_configure(chart), title)


def chart_seats_by_region(ctx: Context) -> str:
    """Akims elected in each region, stacked by party (self-nominated as one group), 2021."""
    _seed_only(ctx, "seats-by-region")
    from saylau.web.snapshot import Snapshot

    regions = {c: r.names.get(ctx.lang) for c, r in Snapshot.load(ctx.service).regions.items()}
    values = [
        {
            "region": regions.get(region, region),
            "party": _party_label(ctx, party, selfish),
            "seats": seats,
        }
        for region, party, selfish, seats in _winners(ctx)
        if seats
    ]
    title = t("people.chart.seats_by_region", ctx.lang)
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y("region:N", sort="-x", title=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X("sum(seats):Q", title=t("web.chart.axis", ctx.lang)),
            color=alt.Color(
                "party:N",
                title=t("web.col.party", ctx.lang),
                scale=alt.Scale(scheme="tableau10"),
            ),
            order=alt.Order("party:N"),
        )
        .properties(width=420, height=alt.Step(22), title=title)
    )
    return _svg(_configure(chart), title)


def chart_region_map(ctx: Context) -> str:
    """The 2021 regions coloured by ``ctx.measure`` (quantile classes), with a legend."""
    _seed_only(ctx, "region-map")
    if ctx.measure not in MEASURES:
        raise ReportError(
            "people.report.no_measure", value=ctx.measure, allowed=", ".join(MEASURES)
        )
    from saylau.web import mapsvg
    from saylau.web.snapshot import Snapshot

    snap = Snapshot.load(ctx.service)
    election = snap.election()
    values = _region_values(ctx, snap)
    items = []
    for region in snap.regions.values():
        if election and not (
            (region.valid_from is None or region.valid_from <= election.date)
            and (region.valid_to is None or election.date <= region.valid_to)
        ):
            continue
        value = values.get(region.code)
        items.append(
            mapsvg.MapItem(
                region.code,
                region.iso_legacy,
                region.kato,
                "",
                region.names.get(ctx.lang),
                float(value) if value is not None else None,
                _fmt(value, ctx.lang, ctx.measure) if value is not None else "",
            )
        )
    label = t(f"web.measure.{ctx.measure}", ctx.lang)
    svg, bounds = mapsvg.render(
        items, t("web.map.title", ctx.lang, measure=label), t("web.map.no_data", ctx.lang)
    )
    # links would lead nowhere offline: keep the names and values, drop the anchors
    svg = re.sub(r'<a href="[^"]*" aria-label="([^"]*)">', r'<g role="img" aria-label="\1">', svg)
    svg = svg.replace("</a>", "</g>")
    style = (
        # scoped: an inline SVG's style applies to the whole page it is part of
        "<style>.rmap path{stroke:#fff;stroke-width:1.2}.rmap .on-dark{font:15px DejaVu Sans,"
        "sans-serif;text-anchor:middle;dominant-baseline:middle;fill:#fff;paint-order:stroke;"
        "stroke:#08306b;stroke-width:3px}</style>"
    )
    svg = svg.replace(">", ">" + style, 1)
    legend = []
    low = None
    for colour, bound in zip(mapsvg.class_colours(bounds), bounds, strict=True):
        high = _fmt(Decimal(repr(bound)), ctx.lang, ctx.measure)
        legend.append((colour, "≤ " + high if low is None else f"{low} – {high}"))
        low = high
    legend.append((mapsvg.NO_DATA, t("web.map.no_data", ctx.lang)))
    shipped = mapsvg.load()
    rows = "".join(
        f'<g transform="translate(0,{i * 22})"><rect width="16" height="16" fill="{c}"/>'
        f'<text x="24" y="13" style="font:13px DejaVu Sans,sans-serif;fill:#1a1a1a;'
        f'stroke:none;text-anchor:start">{_escape(text)}</text></g>'
        for i, (c, text) in enumerate(legend)
    )
    attribution = _escape(t("web.map.attribution", ctx.lang))
    rows += (
        f'<text x="0" y="{22 * len(legend) + 14}" style="font:12px DejaVu Sans,sans-serif;'
        f'fill:#4a4a4a;stroke:none;text-anchor:start">{attribution}</text>'
    )
    height = shipped.height + 30 + 22 * len(legend) + 24
    title = _escape(t("web.map.title", ctx.lang, measure=label))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rmap" role="img" aria-label="{title}" '
        f'viewBox="0 0 {shipped.width} {height}" width="{shipped.width}" height="{height}">'
        f'<rect width="100%" height="100%" fill="#fff"/>'
        f'<svg x="0" y="0" width="{shipped.width}" height="{shipped.height}">'
        + svg.replace('<svg class="map"', "<svg", 1)
        + f'</svg><g transform="translate(10,{shipped.height + 20})">{rows}</g></svg>'
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _fmt(value: Decimal, lang: str, measure: str) -> str:
    from saylau.i18n import fmt_decimal

    if measure == "okrugs":
        return fmt_int(int(value), lang)
    digits = 2 if measure in ("candidates_per_okrug", "enp_seats") else 1
    text = fmt_decimal(value, lang, digits)
    return text + "%" if measure.endswith("_share") else text


def _region_values(ctx: Context, snap: object) -> dict[str, Decimal]:
    from saylau.web import derive

    out: dict[str, Decimal] = {}
    for code in snap.regions:  # type: ignore[attr-defined]
        winners = snap.winners(unit=code)  # type: ignore[attr-defined]
        okrugs = snap.regional(Measure.OKRUGS_CONTESTED, code)  # type: ignore[attr-defined]
        candidates = snap.regional(Measure.CANDIDATES_REGISTERED, code)  # type: ignore[attr-defined]
        every = derive.selector("winners", code)
        try:
            match ctx.measure:
                case "self_share" if winners:
                    ident = derive.pct_id(derive.selector("winners", code, "self"), every)
                case "nur_otan_share" if winners:
                    ident = derive.pct_id(derive.selector("winners", code, "amanat"), every)
                case "enp_seats" if winners:
                    ident = derive.enp_id(every, "bin")
                case "candidates_per_okrug" if candidates and okrugs:
                    ident = derive.ratio_id(
                        derive.selector("candidates", code), derive.selector("okrugs", code)
                    )
                case "okrugs" if okrugs:
                    out[code] = okrugs.value
                    continue
                case _:
                    continue
            out[code] = derive.derive(ident, snap.by_id).value  # type: ignore[attr-defined]
        except derive.DerivationError:
            continue
    return out


def chart_akim_vs_majilis(ctx: Context) -> str:
    """Each party's akim seat share (2021) beside its Majilis list vote shares."""
    _seed_only(ctx, "akim-vs-majilis")
    from saylau.analytics import competition
    from saylau.analytics.compare import chart_spec, compare
    from saylau.analytics.tables import load_names

    frames = compare(ctx.service, ctx.election)
    names = load_names(ctx.service, ctx.lang, competition.load(ctx.service, ctx.election).date)
    spec = chart_spec(frames["shares"], ctx.lang, names.parties)
    title = t("analytics.chart.title", ctx.lang)
    return _svg(alt.Chart.from_dict(spec).configure(font=FONT, background="white"), title)


def _forensics(ctx: Context) -> dict[str, str]:
    from saylau.forensics import charts as forensic_charts
    from saylau.forensics import data, methods

    with ctx.service.session() as session:
        try:
            stations = data.from_database(session, ctx.election)
        except LookupError as exc:
            raise ReportError("people.report.no_election", election=ctx.election) from exc
    if stations.stations.height == 0:
        raise ReportError("people.report.no_stations", election=ctx.election)
    report = methods.run_all(stations)
    return forensic_charts.render_all(report, ctx.lang)


def _forensic_chart(name: str) -> Callable[[Context], str]:
    def build(ctx: Context) -> str:
        return _forensics(ctx)[name]

    build.__doc__ = f"The forensic chart {name} of the station protocols."
    return build


CHARTS: dict[str, Callable[[Context], str]] = {
    "seats-by-party": chart_seats_by_party,
    "seats-by-region": chart_seats_by_region,
    "region-map": chart_region_map,
    "akim-vs-majilis": chart_akim_vs_majilis,
    "forensics-turnout": _forensic_chart("turnout"),
    "forensics-leader-share": _forensic_chart("leader_share"),
    "forensics-fingerprint": _forensic_chart("fingerprint"),
    "forensics-last-digit": _forensic_chart("last_digit"),
    "forensics-second-digit": _forensic_chart("second_digit"),
}


def chart(name: str, ctx: Context) -> str:
    """One chart as SVG; ReportError listing the chart names when ``name`` is not one."""
    if name not in CHARTS:
        raise ReportError("people.report.no_chart", name=name, names=", ".join(CHARTS))
    return CHARTS[name](ctx)


def chart_png(svg: str, scale: float = 2.0) -> bytes:
    """An SVG chart as PNG (resvg inside vl-convert; no browser, no network)."""
    import vl_convert as vlc

    return bytes(vlc.svg_to_png(svg, scale=scale))


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Section:
    """A titled part of the report: text, tables and charts."""

    id: str
    title: str
    intro: str
    tables: list[ReportTable]
    charts: list[tuple[str, str]]  # (caption, svg)
    findings: list[tuple[str, str, str, str]] = None  # type: ignore[assignment]


def _election_name(ctx: Context) -> tuple[str, bool, str]:
    from saylau.store.schema import ElectionRow

    with ctx.service.session() as session:
        row = session.get(ElectionRow, ctx.election)
        if row is None:
            raise ReportError("people.report.no_election", election=ctx.election)
        return getattr(row, f"name_{ctx.lang}"), bool(row.synthetic), row.date.isoformat()


def sections(ctx: Context) -> list[Section]:
    """Every section of the report of ``ctx.election``."""
    from saylau.analytics import competition, findings
    from saylau.analytics.compare import compare
    from saylau.analytics.tables import (
        analysis_tables,
        compare_tables,
        findings_table,
        load_names,
    )

    lang = ctx.lang
    out: list[Section] = []
    data_day = competition.load(ctx.service, ctx.election).date
    names = load_names(ctx.service, lang, data_day)
    if ctx.seed:
        inputs = ctx.service.seed_inputs()
        tables = [seed_tables.build(inputs, n, lang) for n in seed_tables.TABLES]
        tables.append(seed_tables.national_summary(inputs, lang))
        out.append(
            Section(
                "tables",
                t("people.report.tables", lang),
                t("people.report.tables_intro", lang),
                tables,
                [],
            )
        )
    frames = competition.analyze(ctx.service, ctx.election, None, self_nominated="both")
    out.append(
        Section(
            "analysis",
            t("people.report.analysis", lang),
            t("people.report.analysis_intro", lang),
            analysis_tables(frames, ctx.election, names),
            [],
        )
    )
    charts: list[tuple[str, str]] = []
    if ctx.seed:
        for name in ("seats-by-party", "seats-by-region", "region-map"):
            charts.append((t(f"people.chart.caption.{name}", lang), chart(name, ctx)))
        out.append(Section("charts", t("people.report.charts", lang), "", [], charts))
        items = findings.findings(ctx.service, ctx.election)
        out.append(
            Section(
                "findings",
                t("people.report.findings", lang),
                "",
                [findings_table(items, names)],
                [],
            )
        )
        comparison = compare(ctx.service, ctx.election)
        out.append(
            Section(
                "majilis",
                t("people.report.majilis", lang),
                "",
                compare_tables(comparison, names),
                [(t("people.chart.caption.akim-vs-majilis", lang), chart("akim-vs-majilis", ctx))],
            )
        )
    else:
        try:
            forensic = _forensics(ctx)
        except ReportError:
            forensic = {}
        if forensic:
            out.append(
                Section(
                    "forensics",
                    t("people.report.forensics", lang),
                    t("people.report.forensics_intro", lang),
                    [],
                    [
                        (t(f"people.chart.caption.forensics-{k.replace('_', '-')}", lang), v)
                        for k, v in forensic.items()
                    ],
                )
            )
    figures = ctx.service.figures()
    found = consistency.check(figures)
    unit_names = {c: n.get(lang) for c, n in ctx.service.seed_inputs().region_names.items()}
    out.append(
        Section(
            "inconsistencies",
            t("people.report.inconsistencies", lang),
            t("people.report.inconsistencies_intro", lang, count=len(found)),
            [],
            [],
            [
                (f.rule, f.title(lang), unit_names.get(f.unit, f.unit), f.explain(lang, unit_names))
                for f in found
            ],
        )
    )
    return out


def report_html(
    service: Saylau, election: str = SEED, lang: str = "en", measure: str = "self_share"
) -> str:
    """The offline report of ``election`` in ``lang`` as one self-contained HTML page."""
    lang = check_lang(lang)
    ctx = Context(service, election, lang, measure)
    name, synthetic, day = _election_name(ctx)
    if measure not in MEASURES:
        raise ReportError("people.report.no_measure", value=measure, allowed=", ".join(MEASURES))
    template = (resources.files("saylau.reports") / "templates" / "offline_report.html").read_text(
        encoding="utf-8"
    )
    env = Environment(
        autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True
    )
    from saylau import __version__

    return env.from_string(template).render(
        lang=lang,
        _=lambda key, **params: t(key, lang, **params),
        election=name,
        election_code=election,
        election_date=day,
        synthetic=synthetic,
        sections=sections(ctx),
        version=__version__,
        made=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        measure=t(f"web.measure.{measure}", lang),
    )


__all__ = ["CHARTS", "Context", "ReportError", "chart", "chart_png", "pl", "report_html"]
