"""Public pages of elections run with saylau: progress, turnout, okrugs and their outcomes,
candidates, the law's explanation, certification, recall steps, station protocols.

``/elections`` lists every election in the database. The pages of one election are live:
they carry an ETag from the audit log (:mod:`saylau.web.live`), answer 304 while nothing has
changed, and ``static/live.js`` updates their numbers in place. Everything is read through
the service layer (``administration.results``, ``administration.protocols``,
``administration.recall``) and the read queries of :mod:`saylau.web.election_data`; nothing
here decides an outcome.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Literal

from fastapi import HTTPException, Path, Query
from sqlalchemy.orm import Session

from saylau.administration import recall, results
from saylau.administration.results import OkrugResult, outcome_kind
from saylau.domain import HOME_VOTING_FIELDS
from saylau.i18n import fmt_percent, t
from saylau.i18n.plural import tp
from saylau.law.catalogue import rule
from saylau.law.winner import Elected, LotsRequired, NoCandidates, RepeatElection, summary
from saylau.reports.table import Cell, Col, ReportTable
from saylau.store.schema import CandidateRow, CertificationRow, ProtocolRow
from saylau.tabulate.aggregate import Level, Totals, combine, tabulate
from saylau.web import election_data
from saylau.web.data import Place
from saylau.web.election_data import ElectionInfo, Geography, Unit
from saylau.web.election_models import (
    CandidateOut,
    CertificationOut,
    ElectionDistrictPage,
    ElectionItem,
    ElectionPage,
    ElectionRegionPage,
    ElectionsPage,
    OkrugItem,
    OkrugPage,
    OutcomeOut,
    PlaceRef,
    Progress,
    ProtocolOut,
    RecallStepOut,
    StationItem,
    StationPage,
    TotalsOut,
    TraceStepOut,
    UnitItem,
)
from saylau.web.live import almaty_text, audit_version, utc
from saylau.web.models import NamesOut
from saylau.web.pages import Context, Page, PageContext, PageRouter, table_out

pages = PageRouter()
SEED_ELECTION = "kz-2021-rural-akim"
# Above this many okrugs the summary page lists regions only (the page stays light); the
# JSON twin always has every okrug.
OKRUG_LIST_LIMIT = 150
BASE_COUNTS = (
    "voters_on_list",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid",
    "against_all",
)
COUNTS = (*BASE_COUNTS, *HOME_VOTING_FIELDS)

ElectionCode = Annotated[
    str, Path(description="Code of an election run with saylau", examples=["demo-2025"])
]


def election_href(info: ElectionInfo) -> str:
    """Where an election's results are shown."""
    if info.run:
        return f"/election/{info.code}"
    return "/" if info.code == SEED_ELECTION else "/sources"


def election_item(ctx: PageContext, info: ElectionInfo) -> ElectionItem:
    """An election as listed."""
    return ElectionItem(
        code=info.code,
        name=info.names.get(ctx.lang),
        names=NamesOut(kk=info.names.kk, ru=info.names.ru, en=info.names.en),
        date=info.date.isoformat(),
        date_text=ctx.date(info.date),
        type=info.type,
        synthetic=info.synthetic,
        run=info.run,
        territory=info.territory,
        href=election_href(info),
    )


def with_names(text: str, labels: dict[str, str]) -> str:
    """``results.with_names``, and the codes in standings (``code: votes``) too."""
    text = results.with_names(text, labels)
    for code in sorted(labels, key=len, reverse=True):
        text = re.sub(
            rf"(?<![A-Za-z0-9._:-]){re.escape(code)}(?=: )",
            lambda _m, c=code: labels[c],
            text,
        )
    return text


def place_href(place: Place) -> str:
    """Where search links a district, okrug or station: its page in the newest election run
    on it, else its region."""
    if place.election:
        return f"/election/{place.election}/{place.kind}/{place.code}"
    return f"/region/{place.region}" if place.region else "/search?q=" + place.code


def unit_href(election: str, unit: Unit) -> str:
    """The page of a place in an election."""
    return f"/election/{election}/{unit.level.value}/{unit.code}"


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _percent_text(ctx: PageContext, part: int, whole: int) -> str:
    return fmt_percent(part / whole, ctx.lang, 1) if whole else "–"


class ResultsMemo:
    """The okrug results of the last few states of the data (thread-safe, small)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: dict[tuple[str, str], dict[str, OkrugResult]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> dict[str, OkrugResult] | None:
        """Results computed for ``key`` (election, version), if still kept."""
        with self._lock:
            return self._items.get(key)

    def put(self, key: tuple[str, str], value: dict[str, OkrugResult]) -> None:
        """Keep results, forgetting the oldest beyond ``size``."""
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.pop(next(iter(self._items)))


@dataclass
class Night:
    """What the pages of one election read, in one session."""

    ctx: PageContext
    session: Session
    info: ElectionInfo
    live: dict[str, str] = field(default_factory=dict)

    @cached_property
    def geo(self) -> Geography:
        return election_data.geography(self.session, self.info.code)

    @cached_property
    def accepted(self) -> dict[str, ProtocolRow]:
        return election_data.accepted(self.session, self.info.code)

    @cached_property
    def updates(self) -> dict[str, dt.datetime]:
        return election_data.last_updates(self.session, self.info.code)

    @cached_property
    def results(self) -> dict[str, OkrugResult]:
        """Every okrug's result by the law (provisional while stations are missing).

        Computed once per state of the data and shared by all pages of the election: the
        version the request was answered for is the key (see ``pages.conditional``)."""
        version = getattr(self.ctx.request.state, "data_version", None)
        memo: ResultsMemo | None = getattr(self.ctx.request.app.state, "results_memo", None)
        key = (self.info.code, version)
        if memo is not None and version is not None:
            found = memo.get(key)
            if found is not None:
                return found
        computed = {
            r.okrug: r
            for r in results.okrug_results(self.session, self.info.code, provisional=True)
        }
        if memo is not None and version is not None:
            memo.put(key, computed)
        return computed

    @cached_property
    def certs(self) -> dict[str, CertificationRow]:
        return election_data.certifications(self.session, self.info.code)

    @cached_property
    def candidates(self) -> dict[str, CandidateRow]:
        return election_data.candidates(self.session, self.info.code)

    @cached_property
    def parties(self) -> dict[str, str]:
        return results.party_short_names(self.session, self.info.date, self.ctx.lang)

    @cached_property
    def labels(self) -> dict[str, str]:
        return {
            code: f"{row.name} ({self.party_name(row)})" for code, row in self.candidates.items()
        }

    def party_name(self, row: CandidateRow) -> str:
        if not row.party:
            return t("fp.self", self.ctx.lang)
        return self.parties.get(row.party, row.party)

    def drop(self, prefix: str) -> None:
        """Forget the live texts of elements the page does not show."""
        for key in [k for k in self.live if k.startswith(prefix)]:
            del self.live[key]

    def names(self, text: str, codes: Iterable[str]) -> str:
        """Codes of the candidates ``codes`` in ``text`` replaced by ``Name (party)``."""
        return with_names(text, {c: self.labels.get(c, c) for c in codes})

    def totals(self, level: Level, code: str | None) -> Totals:
        """Summed accepted protocols of a unit (the whole election with ``code`` None)."""
        if code is None:
            return combine(
                Level.REPUBLIC, "KZ", tabulate(self.session, self.info.code, Level.REGION)
            )
        for item in tabulate(self.session, self.info.code, level):
            if item.unit == code:
                return item
        return combine(level, code, [])

    # --- pieces of pages ----------------------------------------------------------------

    def progress(self, stations: Iterable[str]) -> Progress:
        codes = list(stations)
        reported = [s for s in codes if s in self.accepted]
        times = [self.updates[s] for s in reported if s in self.updates]
        last = max(times) if times else None
        ctx = self.ctx
        text = tp(
            "people.night.progress",
            ctx.lang,
            len(codes),
            reported=ctx.int(len(reported)),
            expected=ctx.int(len(codes)),
            percent=_percent_text(ctx, len(reported), len(codes)),
        )
        updated = almaty_text(last, ctx.lang) if last else ctx.t("web.night.no_protocols")
        self.live["progress"] = text
        self.live["updated"] = updated
        return Progress(
            expected=len(codes),
            reported=len(reported),
            percent=_percent(len(reported), len(codes)),
            text=text,
            last_update=last.isoformat() if last else None,
            last_update_text=updated if last else None,
        )

    def totals_out(self, totals: Totals) -> TotalsOut:
        ctx = self.ctx
        turnout = _percent_text(ctx, totals.ballots_issued, totals.voters_on_list)
        out = TotalsOut(
            voters_registered=totals.voters_expected,
            voters_on_list=totals.voters_on_list,
            ballots_issued=totals.ballots_issued,
            ballots_in_boxes=totals.ballots_in_boxes,
            valid=totals.valid,
            invalid=totals.invalid,
            against_all=totals.against_all,
            turnout=_percent(totals.ballots_issued, totals.voters_on_list),
            turnout_text=turnout,
            stations_with_split=totals.stations_with_split,
            **{name: getattr(totals, name) for name in HOME_VOTING_FIELDS},
        )
        self.live["turnout"] = turnout
        if totals.stations_with_split:
            for key in ("ballots_issued_outside", "ballots_in_portable_boxes"):
                self.live[f"totals.{key}"] = ctx.int(getattr(totals, key))
            self.live["totals.home_voting"] = ctx.t(
                "web.night.home_voting.note",
                stations=ctx.int(totals.stations_with_split),
                reported=ctx.int(totals.stations_reported),
            )
        for key in ("voters_on_list", "ballots_issued", "ballots_in_boxes", "valid", "invalid"):
            self.live[f"totals.{key}"] = ctx.int(getattr(out, key))
        self.live["totals.against_all"] = (
            ctx.int(totals.against_all) if totals.against_all is not None else "–"
        )
        return out

    def standing_leader(self, result: OkrugResult) -> str | None:
        outcome = result.outcome
        if outcome is None or isinstance(outcome, NoCandidates):
            return None
        standings = outcome.standings
        return standings[0][0] if standings and standings[0][1] > 0 else None

    def status(self, result: OkrugResult) -> tuple[str, str | None, str | None]:
        """(status, winner, leader) of an okrug, as the law and the commission left it."""
        totals = result.totals
        cert = self.certs.get(result.okrug)
        if totals.stations_reported == 0 and cert is None:
            return "no_data", None, None
        outcome = result.outcome
        leader = self.standing_leader(result)
        winner = outcome.candidate if totals.complete and isinstance(outcome, Elected) else None
        if cert is not None:
            return "certified", cert.winner, leader
        if not totals.complete:
            return "provisional", None, leader
        match outcome:
            case LotsRequired():
                return "lots_required", None, leader
            case RepeatElection():
                return "repeat_election", None, leader
            case NoCandidates():
                return "no_candidates", None, None
            case _:
                return "provisional", winner, leader

    def okrug_item(self, unit: Unit) -> OkrugItem:
        ctx = self.ctx
        result = self.results.get(unit.code)
        stations = [s.code for s in self.geo.children(Level.STATION, unit.code)]
        reported = sum(1 for s in stations if s in self.accepted)
        status, winner, leader = self.status(result) if result else ("no_data", None, None)
        if winner:
            leader_text = self.labels.get(winner, winner)
        elif leader:
            leader_text = ctx.t("web.night.leading", name=self.labels.get(leader, leader))
        else:
            leader_text = "–"
        progress = ctx.t(
            "web.night.of", reported=ctx.int(reported), expected=ctx.int(len(stations))
        )
        status_text = ctx.t(f"web.night.status.{status}")
        self.live[f"okrug.{unit.code}.progress"] = progress
        self.live[f"okrug.{unit.code}.leader"] = leader_text
        self.live[f"okrug.{unit.code}.status"] = status_text
        return OkrugItem(
            code=unit.code,
            name=unit.names.get(ctx.lang),
            href=unit_href(self.info.code, unit),
            district=unit.parent or "",
            reported=reported,
            expected=len(stations),
            progress_text=progress,
            leader_name=leader_text if leader_text != "–" else None,
            status=status,
            status_text=status_text,
        )

    def unit_item(self, unit: Unit, totals: dict[str, Totals]) -> UnitItem:
        ctx = self.ctx
        found = totals.get(unit.code) or combine(unit.level, unit.code, [])
        progress = ctx.t(
            "web.night.of",
            reported=ctx.int(found.stations_reported),
            expected=ctx.int(found.stations_expected),
        )
        turnout = _percent_text(ctx, found.ballots_issued, found.voters_on_list)
        self.live[f"{unit.level.value}.{unit.code}.progress"] = progress
        self.live[f"{unit.level.value}.{unit.code}.turnout"] = turnout
        return UnitItem(
            code=unit.code,
            name=unit.names.get(ctx.lang),
            href=unit_href(self.info.code, unit),
            reported=found.stations_reported,
            expected=found.stations_expected,
            progress_text=progress,
            turnout=_percent(found.ballots_issued, found.voters_on_list),
            turnout_text=turnout,
        )

    def station_item(self, unit: Unit) -> StationItem:
        ctx = self.ctx
        row = self.accepted.get(unit.code)
        text = (
            ctx.t("web.night.station.reported", version=row.version)
            if row
            else ctx.t("web.night.station.missing")
        )
        self.live[f"station.{unit.code}.status"] = text
        return StationItem(
            code=unit.code,
            number=unit.number,
            name=unit.names.get(ctx.lang),
            href=unit_href(self.info.code, unit),
            reported=row is not None,
            version=row.version if row else None,
            status_text=text,
        )

    def crumbs(self, level: Level | None, code: str | None) -> list[PlaceRef]:
        out = [
            PlaceRef(
                level="election",
                code=self.info.code,
                name=self.info.names.get(self.ctx.lang),
                href=f"/election/{self.info.code}",
            )
        ]
        if level is not None and code is not None:
            out += [
                PlaceRef(
                    level=u.level.value,
                    code=u.code,
                    name=u.names.get(self.ctx.lang),
                    href=unit_href(self.info.code, u),
                )
                for u in self.geo.chain(level, code)
            ]
        return out

    def base(self, page: str, title: str, tables: list[ReportTable]) -> dict[str, object]:
        ctx = self.ctx
        return {
            "page": page,
            "lang": ctx.lang,
            "title": title,
            "synthetic": self.info.synthetic,
            "links": ctx.twins(bool(tables)),
            "alternates": ctx.alternates(),
            "tables": [table_out(x) for x in tables],
            "election": election_item(ctx, self.info),
            "live": self.live,
            "live_seconds": int(getattr(ctx.request.app.state, "live_seconds", 15)),
        }

    def okrug_table(self, items: list[OkrugItem]) -> ReportTable:
        ctx = self.ctx
        table = ReportTable(
            "okrugs",
            ctx.t("web.night.okrugs.title"),
            [
                Col("okrug", ctx.t("web.night.col.okrug")),
                Col("code", ctx.t("web.col.code")),
                Col("reported", ctx.t("web.night.col.reported"), "right"),
                Col("expected", ctx.t("web.night.col.expected"), "right"),
                Col("winner_or_leader", ctx.t("web.night.col.leader")),
                Col("status", ctx.t("web.night.col.status")),
            ],
        )
        for item in items:
            table.rows.append(
                [
                    Cell(item.name, item.name),
                    Cell(item.code, item.code),
                    Cell(item.reported, ctx.int(item.reported)),
                    Cell(item.expected, ctx.int(item.expected)),
                    Cell(item.leader_name, item.leader_name or ""),
                    Cell(item.status, item.status_text),
                ]
            )
        return table

    def unit_table(self, name: str, title: str, items: list[UnitItem]) -> ReportTable:
        ctx = self.ctx
        table = ReportTable(
            name,
            title,
            [
                Col("name", ctx.t("web.col.name")),
                Col("code", ctx.t("web.col.code")),
                Col("reported", ctx.t("web.night.col.reported"), "right"),
                Col("expected", ctx.t("web.night.col.expected"), "right"),
                Col("turnout_pct", ctx.t("web.night.col.turnout"), "right"),
            ],
        )
        for item in items:
            table.rows.append(
                [
                    Cell(item.name, item.name),
                    Cell(item.code, item.code),
                    Cell(item.reported, ctx.int(item.reported)),
                    Cell(item.expected, ctx.int(item.expected)),
                    Cell(
                        Decimal(str(item.turnout)) if item.turnout is not None else None,
                        item.turnout_text,
                    ),
                ]
            )
        return table

    def station_table(self, items: list[StationItem]) -> ReportTable:
        ctx = self.ctx
        table = ReportTable(
            "stations",
            ctx.t("web.night.stations.title"),
            [
                Col("station", ctx.t("web.night.col.station")),
                Col("code", ctx.t("web.col.code")),
                Col("number", ctx.t("web.night.col.number"), "right"),
                Col("version", ctx.t("web.night.col.version"), "right"),
            ],
        )
        for item in items:
            table.rows.append(
                [
                    Cell(item.name, item.name),
                    Cell(item.code, item.code),
                    Cell(item.number, "" if item.number is None else str(item.number)),
                    Cell(item.version, "" if item.version is None else str(item.version)),
                ]
            )
        return table


def _not_found(ctx: PageContext, key: str, **params: object) -> HTTPException:
    return HTTPException(404, detail=ctx.t(key, **params))


def _night(ctx: PageContext, session: Session, code: str) -> Night:
    info = election_data.election(session, code)
    if info is None or not info.run:
        raise _not_found(ctx, "web.error.no_run_election", code=code)
    return Night(ctx, session, info)


@pages.page("/elections", model=ElectionsPage, summary="Every election in the database")
def elections_index(ctx: Context) -> Page:
    """The elections in the database: the published 2021 figures and elections run with
    saylau (live results); synthetic ones are marked."""
    with ctx.service.session() as session:
        items = [election_item(ctx, info) for info in election_data.elections(session)]
    table = ReportTable(
        "elections",
        ctx.t("web.elections.title"),
        [
            Col("election", ctx.t("web.col.name")),
            Col("code", ctx.t("web.col.code")),
            Col("date", ctx.t("web.night.col.date")),
            Col("run", ctx.t("web.elections.col.run")),
            Col("synthetic", ctx.t("web.col.synthetic")),
        ],
    )
    for item in items:
        table.rows.append(
            [
                Cell(item.name, item.name),
                Cell(item.code, item.code),
                Cell(item.date, item.date_text),
                Cell(item.run, ctx.t(f"web.bool.{item.run}")),
                Cell(item.synthetic, ctx.t(f"web.bool.{item.synthetic}")),
            ]
        )
    tables = [table]
    model = ElectionsPage(
        page="elections",
        lang=ctx.lang,
        title=ctx.t("web.elections.title"),
        synthetic=False,
        links=ctx.twins(True),
        alternates=ctx.alternates(),
        tables=[table_out(table)],
        elections=items,
    )
    return Page(model, "elections.html", tables)


@pages.page(
    "/election/{code}",
    model=ElectionPage,
    summary="An election run with saylau: progress, turnout, okrugs and their status",
    version=audit_version,
)
def election_summary(
    ctx: Context,
    code: ElectionCode,
    colour: Annotated[
        Literal["status", "leader"], Query(description="What colours the okrug map")
    ] = "status",
) -> Page:
    """Stations reported of those expected (with the time of the last protocol, Almaty
    time), turnout, regions and districts, and every okrug with its winner or leader and its
    status: provisional, certified, repeat election or lots required."""
    with ctx.service.session() as session:
        night = _night(ctx, session, code)
        geo = night.geo
        progress = night.progress(geo.units[Level.STATION])
        totals = night.totals_out(night.totals(Level.REPUBLIC, None))
        by_region = {t_.unit: t_ for t_ in tabulate(session, code, Level.REGION)}
        by_district = {t_.unit: t_ for t_ in tabulate(session, code, Level.DISTRICT)}
        regions = [night.unit_item(u, by_region) for u in geo.children(Level.REGION, None)]
        districts = [night.unit_item(u, by_district) for u in geo.children(Level.DISTRICT, None)]
        okrugs = [night.okrug_item(u) for u in geo.children(Level.OKRUG, None)]
        # Live keys are exactly the marked elements of the page (else live.js swaps <main>).
        shown = okrugs if len(okrugs) <= OKRUG_LIST_LIMIT else []
        if not shown:
            night.drop("okrug.")
        if len(regions) <= 1:
            night.drop("region.")
        from saylau.web import portal

        bars, bars_table = portal.party_bars(night)
        tiles, legend = portal.tile_map(night, shown, colour) if shown else ("", [])
        tables = [
            night.okrug_table(okrugs),
            night.unit_table("regions", ctx.t("web.night.regions.title"), regions),
            night.unit_table("districts", ctx.t("web.night.districts.title"), districts),
            bars_table,
        ]
        model = ElectionPage(
            **night.base("election", night.info.names.get(ctx.lang), tables),
            crumbs=night.crumbs(None, None),
            progress=progress,
            totals=totals,
            regions=regions,
            districts=districts,
            okrugs=okrugs,
            parties=bars,
            downloads=portal.download_links(code),
        )
    return Page(
        model,
        "election.html",
        tables,
        {
            "shown_okrugs": shown,
            "area": None,
            "tiles": tiles,
            "legend": legend,
            "colour": colour,
            "colours": ("status", "leader"),
        },
    )


def _area(ctx: PageContext, code: str, level: Level, unit_code: str) -> Page:
    with ctx.service.session() as session:
        night = _night(ctx, session, code)
        geo = night.geo
        unit = geo.get(level, unit_code)
        if unit is None:
            raise _not_found(ctx, f"web.error.no_{level.value}", code=unit_code, election=code)
        stations = geo.within(level, unit_code, Level.STATION)
        progress = night.progress(s.code for s in stations)
        totals = night.totals_out(night.totals(level, unit_code))
        districts: list[UnitItem] = []
        if level is Level.REGION:
            by_district = {t_.unit: t_ for t_ in tabulate(session, code, Level.DISTRICT)}
            districts = [
                night.unit_item(u, by_district) for u in geo.children(Level.DISTRICT, unit_code)
            ]
        okrugs = [night.okrug_item(u) for u in geo.within(level, unit_code, Level.OKRUG)]
        station_items = [night.station_item(s) for s in stations] if level is Level.DISTRICT else []
        name = unit.names.get(ctx.lang)
        tables = [night.okrug_table(okrugs)]
        if districts:
            tables.append(
                night.unit_table("districts", ctx.t("web.night.districts.title"), districts)
            )
        if station_items:
            tables.append(night.station_table(station_items))
        kind = ElectionRegionPage if level is Level.REGION else ElectionDistrictPage
        model = kind(
            **night.base(f"election_{level.value}", name, tables),
            crumbs=night.crumbs(level, unit_code),
            progress=progress,
            area=PlaceRef(level=level.value, code=unit.code, name=name, href=unit_href(code, unit)),
            totals=totals,
            districts=districts,
            okrugs=okrugs,
            stations=station_items,
        )
    return Page(model, "election.html", tables, {"shown_okrugs": okrugs, "area": unit})


@pages.page(
    "/election/{code}/region/{region}",
    model=ElectionRegionPage,
    summary="One region of an election: progress, districts, okrugs",
    version=audit_version,
)
def election_region(
    ctx: Context,
    code: ElectionCode,
    region: Annotated[str, Path(description="Region code", examples=["KZ-11"])],
) -> Page:
    """A region of an election: progress, turnout, its districts and okrugs with status."""
    return _area(ctx, code, Level.REGION, region)


@pages.page(
    "/election/{code}/district/{district}",
    model=ElectionDistrictPage,
    summary="One district of an election: progress, okrugs, stations",
    version=audit_version,
)
def election_district(
    ctx: Context,
    code: ElectionCode,
    district: Annotated[str, Path(description="District code", examples=["demo-district"])],
) -> Page:
    """A district of an election: progress, turnout, okrugs with status, stations."""
    return _area(ctx, code, Level.DISTRICT, district)


def _trace(night: Night, result: OkrugResult) -> list[TraceStepOut]:
    if result.outcome is None:
        return []
    lang = night.ctx.lang
    out = []
    for index, step in enumerate(result.outcome.trace, 1):
        item = TraceStepOut(
            rule=step.rule,
            title=rule(step.rule).title(lang),
            article=step.article(lang),
            check=night.names(step.check(lang), result.candidates),
            result=night.names(step.result(lang), result.candidates),
            confidence=step.confidence.value,
            confidence_text=t(f"law.confidence.{step.confidence.value}", lang),
        )
        night.live[f"trace.{index}"] = f"{item.check} {item.result}"
        out.append(item)
    return out


def _outcome(night: Night, result: OkrugResult) -> OutcomeOut:
    ctx = night.ctx
    status, winner, leader = night.status(result)
    outcome = result.outcome
    if status == "no_data" or outcome is None:
        text = ctx.t("web.night.no_protocols")
    elif not result.totals.complete:
        match outcome:
            case Elected():
                so_far = ctx.t(
                    "people.outcome.leads",
                    name=night.labels.get(outcome.candidate, outcome.candidate),
                    votes=ctx.int(outcome.votes),
                )
            case LotsRequired():
                so_far = ctx.t(
                    "people.outcome.provisional_tie",
                    tied=", ".join(night.labels.get(c, c) for c in outcome.tied),
                    votes=ctx.int(outcome.votes),
                )
            case RepeatElection():
                so_far = ctx.t(
                    "people.outcome.provisional_repeat",
                    reason=t(f"law.repeat_reason.{outcome.reason.value}", ctx.lang),
                )
            case _:
                so_far = night.names(summary(outcome, ctx.lang), result.candidates)
        text = tp(
            "people.night.provisional",
            ctx.lang,
            result.totals.stations_expected,
            summary=so_far,
            reported=ctx.int(result.totals.stations_reported),
            expected=ctx.int(result.totals.stations_expected),
        )
    elif isinstance(outcome, Elected):
        row = night.candidates.get(outcome.candidate)
        sex = row.sex if row is not None and row.sex in ("male", "female") else "unknown"
        if status != "certified":
            key = "people.outcome.wins"
        elif outcome.lot_draw is not None:
            key = f"people.outcome.elected_by_lot.{sex}"
        else:
            key = f"people.outcome.elected.{sex}"
        text = ctx.t(
            key,
            name=night.labels.get(outcome.candidate, outcome.candidate),
            votes=ctx.int(outcome.votes),
        )
    else:
        text = night.names(summary(outcome, ctx.lang), result.candidates)
    status_text = ctx.t(f"web.night.status.{status}")
    night.live["outcome.status"] = status_text
    night.live["outcome.summary"] = text
    kind = outcome_kind(outcome) if result.totals.complete else "incomplete"
    return OutcomeOut(
        kind=kind,
        status=status,
        status_text=status_text,
        summary=text,
        winner=winner,
        winner_name=night.labels.get(winner) if winner else None,
        leader=leader,
        leader_name=night.labels.get(leader) if leader else None,
        trace=_trace(night, result) if status != "no_data" else [],
    )


def _certification(night: Night, result: OkrugResult) -> CertificationOut | None:
    row = night.certs.get(result.okrug)
    if row is None:
        return None
    current = False
    if result.totals.complete and result.outcome is not None:
        record = results.result_record(night.session, result)
        current = results.fingerprint(record) == row.sha256
    return CertificationOut(
        sha256=row.sha256,
        certified_at=utc(row.certified_at).isoformat(),
        certified_at_text=almaty_text(row.certified_at, night.ctx.lang),
        certified_by=row.certified_by,
        outcome=row.outcome,
        winner=row.winner,
        current=current,
    )


def _recall_steps(night: Night, okrug: str) -> list[RecallStepOut]:
    ctx = night.ctx
    return [
        RecallStepOut(
            date=row.date.isoformat(),
            step=row.step,
            step_text=ctx.t(f"web.recall.step.{row.step}"),
            body=row.body,
            outcome=ctx.t(f"web.recall.outcome.{row.outcome}") if row.outcome else None,
            document=row.document,
            by_election=row.by_election,
            legal_basis=recall.LEGAL_BASIS,
        )
        for row in recall.steps(night.session, okrug)
    ]


def _candidate_out(
    night: Night, code: str, votes: int, in_boxes: int, elected: bool
) -> CandidateOut:
    ctx = night.ctx
    row = night.candidates.get(code)
    share = _percent_text(ctx, votes, in_boxes)
    out = CandidateOut(
        code=code,
        name=row.name if row else code,
        party=row.party if row else None,
        party_name=night.party_name(row) if row else "",
        votes=votes,
        votes_text=ctx.int(votes),
        share=_percent(votes, in_boxes),
        share_text=share,
        elected=elected,
    )
    out.href = f"/election/{night.info.code}/candidate/{code}" if row else None
    night.live[f"cand.{code}.votes"] = out.votes_text
    night.live[f"cand.{code}.share"] = share
    night.live[f"cand.{code}.bar"] = bar_width(out.share)
    mark = elected_mark(ctx.lang, row.sex if row else None) if elected else ""
    night.live[f"cand.{code}.mark"] = mark
    return out


def bar_width(share: float | None) -> str:
    """The width (0–100) of a share bar, as the page and its live twin carry it."""
    return f"{max(0.0, min(100.0, share or 0.0)):.1f}"


def elected_mark(lang: str, sex: str | None) -> str:
    """«Избран» or «Избрана» where the candidate's sex is known (the same word in kk, en)."""
    return t(f"people.elected.{sex if sex in ('male', 'female') else 'unknown'}", lang)


@pages.page(
    "/election/{code}/okrug/{okrug}",
    model=OkrugPage,
    summary="One okrug: candidates, votes, the outcome and its explanation",
    version=audit_version,
)
def election_okrug(
    ctx: Context,
    code: ElectionCode,
    okrug: Annotated[str, Path(description="Okrug code", examples=["demo-zhanaauyl"])],
) -> Page:
    """An okrug: candidates by name and party with votes and shares of those who took part,
    against all, the outcome by the law with its explanation rule by rule (with articles),
    the certification fingerprint once certified, recall steps, and its stations."""
    with ctx.service.session() as session:
        night = _night(ctx, session, code)
        unit = night.geo.get(Level.OKRUG, okrug)
        result = night.results.get(okrug)
        if unit is None or result is None:
            raise _not_found(ctx, "web.error.no_okrug", code=okrug, election=code)
        stations = night.geo.children(Level.STATION, okrug)
        progress = night.progress(s.code for s in stations)
        totals = result.totals
        totals_out = night.totals_out(totals)
        outcome = _outcome(night, result)
        # Ballot order, not ranking: rows keep their place while live.js updates the numbers
        # (the standings are in the explanation below).
        ranked = sorted(result.candidates)
        candidates = [
            _candidate_out(
                night, c, totals.votes.get(c, 0), totals.ballots_in_boxes, c == outcome.winner
            )
            for c in ranked
        ]
        against = None
        if totals.against_all is not None:
            share = _percent_text(ctx, totals.against_all, totals.ballots_in_boxes)
            against = CandidateOut(
                code="against_all",
                name=t("fp.against_all", ctx.lang),
                party=None,
                party_name="",
                votes=totals.against_all,
                votes_text=ctx.int(totals.against_all),
                share=_percent(totals.against_all, totals.ballots_in_boxes),
                share_text=share,
                elected=False,
            )
            night.live["against_all.votes"] = against.votes_text
            night.live["against_all.share"] = share
            night.live["against_all.bar"] = bar_width(against.share)
        certification = _certification(night, result)
        station_items = [night.station_item(s) for s in stations]
        name = unit.names.get(ctx.lang)
        cand_table = ReportTable(
            "candidates",
            ctx.t("web.night.candidates.title", okrug=name),
            [
                Col("candidate", ctx.t("web.night.col.candidate")),
                Col("code", ctx.t("web.col.code")),
                Col("party", ctx.t("web.col.party")),
                Col("votes", ctx.t("web.night.col.votes"), "right"),
                Col("share_pct", ctx.t("web.night.col.share"), "right"),
                Col("elected", ctx.t("web.night.col.elected")),
            ],
        )
        for c in [*candidates, *([against] if against else [])]:
            cand_table.rows.append(
                [
                    Cell(c.name, c.name),
                    Cell(c.code, c.code),
                    Cell(c.party, c.party_name),
                    Cell(c.votes, c.votes_text),
                    Cell(Decimal(str(c.share)) if c.share is not None else None, c.share_text),
                    Cell(c.elected, ctx.t(f"web.bool.{c.elected}")),
                ]
            )
        trace_table = ReportTable(
            "trace",
            ctx.t("web.night.trace.title"),
            [
                Col("step", "#", "right"),
                Col("rule", ctx.t("web.night.col.rule")),
                Col("article", ctx.t("web.night.col.article")),
                Col("check", ctx.t("web.night.col.check")),
                Col("result", ctx.t("web.night.col.result")),
                Col("confidence", ctx.t("web.night.col.confidence")),
            ],
        )
        for index, step in enumerate(outcome.trace, 1):
            trace_table.rows.append(
                [
                    Cell(index, str(index)),
                    Cell(step.rule, step.rule),
                    Cell(step.article, step.article),
                    Cell(step.check, step.check),
                    Cell(step.result, step.result),
                    Cell(step.confidence, step.confidence_text),
                ]
            )
        from saylau.web import portal

        change, change_table = portal.change(night, okrug)
        tables = [cand_table, trace_table, night.station_table(station_items)]
        if change_table is not None:
            tables.append(change_table)
        model = OkrugPage(
            **night.base("election_okrug", name, tables),
            crumbs=night.crumbs(Level.OKRUG, okrug),
            progress=progress,
            okrug=PlaceRef(level="okrug", code=okrug, name=name, href=unit_href(code, unit)),
            totals=totals_out,
            candidates=candidates,
            against_all=against,
            outcome=outcome,
            certification=certification,
            recall=_recall_steps(night, okrug),
            stations=station_items,
            change=change,
        )
    return Page(model, "election_okrug.html", tables)


def _changed(previous: ProtocolOut | None, current: ProtocolOut) -> list[str]:
    if previous is None:
        return []
    out = [f for f in COUNTS if getattr(previous, f) != getattr(current, f)]
    names = sorted(set(previous.votes) | set(current.votes))
    return out + [f"votes.{c}" for c in names if previous.votes.get(c) != current.votes.get(c)]


@pages.page(
    "/election/{code}/station/{station}",
    model=StationPage,
    summary="One polling station: its accepted protocol and every version",
    version=audit_version,
)
def election_station(
    ctx: Context,
    code: ElectionCode,
    station: Annotated[str, Path(description="Polling station code", examples=["demo-ps-101"])],
) -> Page:
    """A polling station: the accepted protocol (its newest version) and every earlier
    version with the reason of each correction."""
    from saylau.administration import protocols

    with ctx.service.session() as session:
        night = _night(ctx, session, code)
        unit = night.geo.get(Level.STATION, station)
        if unit is None:
            raise _not_found(ctx, "web.error.no_station", code=station, election=code)
        progress = night.progress([station])
        rows = protocols.versions(session, code, station)
        votes = election_data.votes_of(session, (r.id for r in rows))
        versions: list[ProtocolOut] = []
        previous: ProtocolOut | None = None
        for row in rows:
            item = ProtocolOut(
                version=row.version,
                entered_at=utc(row.entered_at).isoformat(),
                entered_at_text=almaty_text(row.entered_at, ctx.lang),
                correction_reason=row.correction_reason,
                voters_on_list=row.voters_on_list,
                ballots_received=row.ballots_received,
                ballots_issued=row.ballots_issued,
                ballots_cancelled=row.ballots_cancelled,
                ballots_in_boxes=row.ballots_in_boxes,
                invalid=row.invalid,
                against_all=row.against_all,
                votes=dict(sorted(votes.get(row.id, {}).items())),
                changed=[],
                **{name: getattr(row, name) for name in HOME_VOTING_FIELDS},
            )
            item.changed = _changed(previous, item)
            versions.append(item)
            previous = item
        current = versions[-1] if versions else None
        night.live["turnout"] = (
            _percent_text(ctx, current.ballots_issued, current.voters_on_list) if current else "–"
        )
        okrug_code = unit.parent or ""
        contest_candidates = sorted(
            {c for v in versions for c in v.votes}
            | {c for c, row in night.candidates.items() if row.contest.endswith(":" + okrug_code)}
        )
        labels = {c: night.labels.get(c, c) for c in contest_candidates}
        # the home-voting split only where a version of the protocol gives it
        shown = (
            COUNTS
            if any(v.ballots_issued_outside is not None for v in versions)
            else BASE_COUNTS
        )
        if current is not None:
            for field_name in shown:
                value = getattr(current, field_name)
                night.live[f"protocol.{field_name}"] = "–" if value is None else ctx.int(value)
            for c in contest_candidates:
                night.live[f"protocol.votes.{c}"] = (
                    ctx.int(current.votes[c]) if c in current.votes else "–"
                )
            night.live["protocol.heading"] = ctx.t(
                "web.night.protocol.heading", version=current.version
            )
            entered = ctx.t("web.night.protocol.entered", time=current.entered_at_text)
            if current.correction_reason:
                entered += " · " + ctx.t(
                    "web.night.protocol.reason", reason=current.correction_reason
                )
            night.live["protocol.entered"] = entered
            if len(versions) > 1:
                for v in versions:
                    line = [ctx.t("web.night.version", version=v.version), v.entered_at_text]
                    if v.correction_reason:
                        line.append(ctx.t("web.night.protocol.reason", reason=v.correction_reason))
                    if v.changed:
                        line.append(
                            ctx.t("web.night.changed")
                            + " "
                            + ", ".join(
                                labels.get(f[6:], f[6:])
                                if f.startswith("votes.")
                                else t(f"law.field.{f}", ctx.lang)
                                for f in v.changed
                            )
                        )
                    night.live[f"version.{v.version}"] = " · ".join(line)
        table = ReportTable(
            "versions",
            ctx.t("web.night.versions.title"),
            [
                Col("version", ctx.t("web.night.col.version"), "right"),
                Col("entered_at", ctx.t("web.night.col.entered_at")),
                Col("correction_reason", ctx.t("web.night.col.reason")),
                *[Col(f, t(f"law.field.{f}", ctx.lang), "right") for f in shown],
                *[Col(f"votes.{c}", labels[c], "right") for c in contest_candidates],
            ],
        )
        for v in versions:
            table.rows.append(
                [
                    Cell(v.version, str(v.version)),
                    Cell(v.entered_at, v.entered_at_text),
                    Cell(v.correction_reason, v.correction_reason or ""),
                    *[
                        Cell(
                            getattr(v, f), "–" if getattr(v, f) is None else ctx.int(getattr(v, f))
                        )
                        for f in shown
                    ],
                    *[
                        Cell(v.votes.get(c), ctx.int(v.votes[c]) if c in v.votes else "–")
                        for c in contest_candidates
                    ],
                ]
            )
        name = unit.names.get(ctx.lang)
        tables = [table] if versions else []
        model = StationPage(
            **night.base("election_station", name, tables),
            crumbs=night.crumbs(Level.STATION, station),
            progress=progress,
            station=PlaceRef(level="station", code=station, name=name, href=unit_href(code, unit)),
            registered_voters=unit.registered_voters,
            candidates=labels,
            protocol=current,
            versions=versions,
        )
    return Page(
        model,
        "election_station.html",
        tables,
        {
            # the home-voting split only where the protocol gives it
            "counts": shown,
            "field_label": lambda f: (
                labels.get(f[6:], f[6:])
                if f.startswith("votes.")
                else t(f"law.field.{f}", ctx.lang)
            ),
        },
    )
