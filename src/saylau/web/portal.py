"""What results portals show beside the election-night pages: a page per candidate, the change
against an earlier election on the same okrug, the map of an election's okrugs, vote bars by
party, and one download of every station's results (CSV, Parquet).

Read only, through the same queries and service-layer calls as :mod:`saylau.web.elections`;
nothing here decides an outcome.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Annotated

from fastapi import HTTPException, Path, Query
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration import results
from saylau.i18n import fmt_decimal, t
from saylau.reports.table import Cell, Col, ReportTable
from saylau.store.schema import CandidateRow, ContestRow, ElectionRow
from saylau.tabulate.aggregate import Level
from saylau.web import election_data
from saylau.web.election_models import (
    CandidateOut,
    ChangeOut,
    LivePage,
    OkrugItem,
    PartyBar,
    PartyChange,
    PlaceRef,
)
from saylau.web.elections import (
    ElectionCode,
    Night,
    _night,
    bar_width,
    elected_mark,
    election_href,
    unit_href,
)
from saylau.web.live import audit_version
from saylau.web.models import ErrorPage, Model
from saylau.web.pages import BOM, Context, Page, PageContext, PageRouter, csv_response

pages = PageRouter()

# Colours of the okrug map and of the party bars. Every one keeps a contrast of at least 3:1
# against the white page (WCAG 1.4.11), which tests/web/test_portal.py checks.
STATUS_COLOURS = {
    "no_data": "#767676",
    "provisional": "#b35900",
    "certified": "#1d6b35",
    "repeat_election": "#8b1a4a",
    "lots_required": "#5b3a9e",
    "no_candidates": "#4a4a4a",
}
PARTY_COLOURS = ("#1f5f99", "#2e7d32", "#8e3b9e", "#9c5a00", "#00707a", "#a3213f", "#4a5b8c")
SELF_COLOUR = "#6d5c00"
NO_LEADER = "#767676"


class EarlierOut(Model):
    """The same person in an earlier election run with saylau."""

    election: str
    election_name: str
    date_text: str
    okrug: PlaceRef
    party_name: str
    votes: int | None
    share_text: str
    result: str
    href: str


class CandidatePage(LivePage):
    """``/election/{code}/candidate/{c}``: a candidate's party, okrug, votes and result, and
    the earlier elections the same person stood in (matched by name and date of birth)."""

    candidate: CandidateOut
    okrug: PlaceRef
    status_text: str
    rank: int | None = Field(description="Place by votes among the okrug's candidates")
    earlier: list[EarlierOut]


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _pp(ctx: PageContext, value: float | None) -> str:
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return ctx.t("people.change.pp", value=sign + fmt_decimal(abs(value), ctx.lang, 1))


def _pct(ctx: PageContext, value: float | None) -> str:
    return "–" if value is None else fmt_decimal(value, ctx.lang, 1) + "%"


# --- earlier elections -----------------------------------------------------------------------


def previous_election(session: Session, election: str, okrug: str) -> ElectionRow | None:
    """The newest election before ``election`` that had a contest on ``okrug``."""
    current = session.get(ElectionRow, election)
    if current is None:
        return None
    return session.scalars(
        select(ElectionRow)
        .join(ContestRow, ContestRow.election == ElectionRow.code)
        .where(ContestRow.okrug == okrug, ElectionRow.date < current.date)
        .order_by(ElectionRow.date.desc(), ElectionRow.code.desc())
        .limit(1)
    ).first()


def _party_votes(votes: dict[str, int], parties: dict[str, str | None]) -> dict[str | None, int]:
    out: dict[str | None, int] = {}
    for code, count in votes.items():
        key = parties.get(code)
        out[key] = out.get(key, 0) + count
    return out


def change(night: Night, okrug: str) -> tuple[ChangeOut | None, ReportTable | None]:
    """The okrug against the newest earlier election on it (shares in percentage points)."""
    ctx = night.ctx
    session = night.session
    before = previous_election(session, night.info.code, okrug)
    if before is None:
        return None, None
    try:
        then = results.okrug_result(session, before.code, okrug, provisional=True)
    except Exception:  # an earlier election without its setup cannot be compared
        return None, None
    now = night.results.get(okrug)
    if now is None or then.totals.stations_reported == 0:
        return None, None
    codes = set(then.candidates) | set(now.candidates)
    rows = session.scalars(select(CandidateRow).where(CandidateRow.code.in_(codes)))
    party_of = {row.code: row.party for row in rows}
    names = {row.code: row.name for row in night.candidates.values()}
    before_votes = _party_votes({c: then.totals.votes.get(c, 0) for c in then.candidates}, party_of)
    now_votes = _party_votes({c: now.totals.votes.get(c, 0) for c in now.candidates}, party_of)
    whole_before, whole_now = then.totals.ballots_in_boxes, now.totals.ballots_in_boxes
    parties: list[PartyChange] = []
    table = ReportTable(
        "change",
        ctx.t("people.change.title", election=getattr(before, f"name_{ctx.lang}")),
        [
            Col("party", ctx.t("web.col.party")),
            Col("party_code", ctx.t("web.col.code")),
            Col("share_before_pct", ctx.t("people.change.before"), "right"),
            Col("share_now_pct", ctx.t("people.change.now"), "right"),
            Col("change_pp", ctx.t("people.change.change"), "right"),
        ],
    )
    keys = sorted(set(before_votes) | set(now_votes), key=lambda k: (k is None, k or ""))
    short = results.party_short_names(session, night.info.date, ctx.lang)
    for key in keys:
        share_before = _share(before_votes.get(key, 0), whole_before)
        share_now = _share(now_votes.get(key, 0), whole_now)
        delta = (
            round(share_now - share_before, 2)
            if share_now is not None and share_before is not None
            else None
        )
        name = short.get(key, key) if key else t("fp.self", ctx.lang)
        parties.append(
            PartyChange(
                party=key,
                name=name,
                before=share_before,
                now=share_now,
                change=delta,
                text=_pp(ctx, delta),
            )
        )
        table.rows.append(
            [
                Cell(name, name),
                Cell(key, key or ""),
                Cell(_dec(share_before), _pct(ctx, share_before)),
                Cell(_dec(share_now), _pct(ctx, share_now)),
                Cell(_dec(delta), _pp(ctx, delta)),
            ]
        )
    turnout_before = _share(then.totals.ballots_issued, then.totals.voters_on_list)
    turnout_now = _share(now.totals.ballots_issued, now.totals.voters_on_list)
    turnout_delta = (
        round(turnout_now - turnout_before, 2)
        if turnout_now is not None and turnout_before is not None
        else None
    )
    winner = None
    cert = results.certification(session, before.code, okrug)
    if cert is not None and cert.winner:
        winner_row = session.get(CandidateRow, cert.winner)
        winner = names.get(cert.winner) or (winner_row.name if winner_row else cert.winner)
    out = ChangeOut(
        election=before.code,
        election_name=getattr(before, f"name_{ctx.lang}"),
        date_text=ctx.date(before.date),
        href=f"/election/{before.code}/okrug/{okrug}",
        winner_before=winner,
        turnout_before=turnout_before,
        turnout_now=turnout_now,
        turnout_change_text=_pp(ctx, turnout_delta),
        parties=parties,
    )
    return out, table


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def earlier_runs(night: Night, row: CandidateRow) -> list[EarlierOut]:
    """Earlier elections run with saylau in which the same person stood: the same name and,
    where both are known, the same date of birth."""
    ctx = night.ctx
    session = night.session
    query = (
        select(CandidateRow, ContestRow, ElectionRow)
        .join(ContestRow, ContestRow.code == CandidateRow.contest)
        .join(ElectionRow, ElectionRow.code == ContestRow.election)
        .where(
            CandidateRow.name == row.name,
            CandidateRow.code != row.code,
            ElectionRow.date < night.info.date,
        )
        .order_by(ElectionRow.date.desc())
    )
    out: list[EarlierOut] = []
    for other, contest, election in session.execute(query):
        if row.birth_date and other.birth_date and row.birth_date != other.birth_date:
            continue
        try:
            result = results.okrug_result(session, election.code, contest.okrug, provisional=True)
        except Exception:  # an earlier election without its setup: listed without numbers
            result = None
        votes = result.totals.votes.get(other.code, 0) if result else None
        whole = result.totals.ballots_in_boxes if result else 0
        cert = results.certification(session, election.code, contest.okrug)
        if cert is not None:
            text = (
                elected_mark(ctx.lang, other.sex)
                if cert.winner == other.code
                else ctx.t("people.candidate.not_elected")
            )
        else:
            text = ctx.t("web.night.status.provisional")
        geo = election_data.geography(session, election.code)
        unit = geo.get(Level.OKRUG, contest.okrug)
        okrug_name = unit.names.get(ctx.lang) if unit else contest.okrug
        party = (
            results.party_short_names(session, election.date, ctx.lang).get(
                other.party, other.party
            )
            if other.party
            else t("fp.self", ctx.lang)
        )
        out.append(
            EarlierOut(
                election=election.code,
                election_name=getattr(election, f"name_{ctx.lang}"),
                date_text=ctx.date(election.date),
                okrug=PlaceRef(
                    level="okrug",
                    code=contest.okrug,
                    name=okrug_name,
                    href=f"/election/{election.code}/okrug/{contest.okrug}",
                ),
                party_name=party,
                votes=votes,
                share_text=_pct(ctx, _share(votes or 0, whole)) if result else "–",
                result=text,
                href=f"/election/{election.code}/candidate/{other.code}",
            )
        )
    return out


@pages.page(
    "/election/{code}/candidate/{candidate}",
    model=CandidatePage,
    summary="One candidate: party, okrug, votes, result and earlier elections",
    version=audit_version,
)
def election_candidate(
    ctx: Context,
    code: ElectionCode,
    candidate: Annotated[str, Path(description="Candidate code", examples=["demo-c01"])],
) -> Page:
    """A candidate: party, okrug, votes and share of those who took part, the result, and the
    earlier elections run with saylau in which the same person stood."""
    from saylau.web.elections import _candidate_out, _not_found, _outcome

    with ctx.service.session() as session:
        night = _night(ctx, session, code)
        row = night.candidates.get(candidate)
        okrug_code = row.contest.split(":", 1)[1] if row else ""
        unit = night.geo.get(Level.OKRUG, okrug_code)
        result = night.results.get(okrug_code)
        if row is None or unit is None or result is None:
            raise _not_found(ctx, "people.error.no_candidate", code=candidate, election=code)
        stations = night.geo.children(Level.STATION, okrug_code)
        progress = night.progress(s.code for s in stations)
        outcome = _outcome(night, result)
        totals = result.totals
        night.totals_out(totals)
        # the page shows the status, the turnout and this candidate's numbers, no more
        night.live.pop("outcome.summary", None)
        night.drop("trace.")
        night.drop("totals.")
        out = _candidate_out(
            night,
            candidate,
            totals.votes.get(candidate, 0),
            totals.ballots_in_boxes,
            outcome.winner == candidate,
        )
        ranked = sorted(result.candidates, key=lambda c: -totals.votes.get(c, 0))
        rank = ranked.index(candidate) + 1 if totals.stations_reported else None
        earlier = earlier_runs(night, row)
        okrug_name = unit.names.get(ctx.lang)
        table = ReportTable(
            "earlier",
            ctx.t("people.candidate.earlier"),
            [
                Col("election", ctx.t("web.col.name")),
                Col("code", ctx.t("web.col.code")),
                Col("okrug", ctx.t("web.night.col.okrug")),
                Col("party", ctx.t("web.col.party")),
                Col("votes", ctx.t("web.night.col.votes"), "right"),
                Col("result", ctx.t("web.night.col.result")),
            ],
        )
        for item in earlier:
            table.rows.append(
                [
                    Cell(item.election_name, item.election_name),
                    Cell(item.election, item.election),
                    Cell(item.okrug.code, item.okrug.name),
                    Cell(item.party_name, item.party_name),
                    Cell(item.votes, "–" if item.votes is None else ctx.int(item.votes)),
                    Cell(item.result, item.result),
                ]
            )
        tables = [table]
        model = CandidatePage(
            **night.base("election_candidate", row.name, tables),
            crumbs=[
                *night.crumbs(Level.OKRUG, okrug_code),
                PlaceRef(level="candidate", code=candidate, name=row.name, href=out.href or ""),
            ],
            progress=progress,
            candidate=out,
            okrug=PlaceRef(
                level="okrug", code=okrug_code, name=okrug_name, href=unit_href(code, unit)
            ),
            status_text=outcome.status_text,
            rank=rank,
            earlier=earlier,
        )
    return Page(model, "election_candidate.html", tables)


# --- the map of an election's okrugs and the vote bars by party -------------------------------


@dataclass(frozen=True)
class Tile:
    """One okrug on the tile map."""

    code: str
    name: str
    href: str
    colour: str
    label: str


def leader_colours(night: Night) -> dict[str | None, str]:
    """A colour for each party standing in the election (self-nominated: their own)."""
    parties = sorted({row.party for row in night.candidates.values() if row.party})
    out: dict[str | None, str] = {
        p: PARTY_COLOURS[i % len(PARTY_COLOURS)] for i, p in enumerate(parties)
    }
    out[None] = SELF_COLOUR
    return out


def tile_map(
    night: Night, okrugs: Iterable[OkrugItem], colour_by: str
) -> tuple[str, list[tuple[str, str]]]:
    """An SVG map of the okrugs as equal tiles grouped by district (a cartogram: okrugs of
    rural akims have no published boundaries), each a link coloured by status or leader, with
    the legend as (colour, text). The okrug table beside it is the text alternative."""
    ctx = night.ctx
    colours = leader_colours(night)
    items = list(okrugs)
    by_district: dict[str, list[Tile]] = {}
    used: dict[str, str] = {}
    for item in items:
        code = item.code
        status = item.status
        result = night.results.get(code)
        if colour_by == "leader":
            leader = None
            if result is not None and status != "no_data":
                _, winner, lead = night.status(result)
                leader = winner or lead
            if leader:
                party = night.candidates[leader].party if leader in night.candidates else None
                fill = colours[party]
                used[fill] = (
                    night.party_name(night.candidates[leader]) if leader in night.candidates else ""
                )
            else:
                fill = NO_LEADER
                used[fill] = ctx.t("people.map.no_leader")
        else:
            fill = STATUS_COLOURS.get(status, NO_LEADER)
            used[fill] = item.status_text
        label = f"{item.name}: {item.status_text}"
        leader_name = item.leader_name
        if leader_name:
            label += f" · {leader_name}"
        by_district.setdefault(item.district, []).append(
            Tile(code, item.name, item.href, fill, label)
        )
    size, gap, per_row = 44, 6, 8
    parts: list[str] = []
    y = 0
    width = per_row * (size + gap)
    for district, tiles in by_district.items():
        unit = night.geo.get(Level.DISTRICT, district)
        title = unit.names.get(ctx.lang) if unit else district
        parts.append(f'<text class="district" x="0" y="{y + 14}">{escape(title)}</text>')
        y += 22
        for index, tile in enumerate(tiles):
            col, row = index % per_row, index // per_row
            x, top = col * (size + gap), y + row * (size + gap)
            initials = "".join(w[0] for w in tile.name.split()[:2]).upper()
            parts.append(
                f'<a href="{escape(tile.href)}" aria-label="{escape(tile.label)}">'
                f"<title>{escape(tile.label)}</title>"
                f'<rect x="{x}" y="{top}" width="{size}" height="{size}" rx="4" '
                f'fill="{tile.colour}"/>'
                f'<text x="{x + size / 2}" y="{top + size / 2}" class="tile">'
                f"{escape(initials)}</text></a>"
            )
        y += ((len(tiles) - 1) // per_row + 1) * (size + gap) + 8
    title = ctx.t("people.map.okrugs", election=night.info.names.get(ctx.lang))
    svg = (
        f'<svg class="tiles" viewBox="0 0 {width} {max(y, size)}" role="group" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + "</svg>"
    )
    return svg, sorted(((c, text) for c, text in used.items()), key=lambda x: x[1])


def party_bars(night: Night) -> tuple[list[PartyBar], ReportTable]:
    """Votes by party over the accepted protocols of the election, largest first."""
    ctx = night.ctx
    votes: dict[str | None, int] = {}
    whole = 0
    for result in night.results.values():
        whole += result.totals.ballots_in_boxes
        for code in result.candidates:
            row = night.candidates.get(code)
            key = row.party if row else None
            votes[key] = votes.get(key, 0) + result.totals.votes.get(code, 0)
    short = night.parties
    bars: list[PartyBar] = []
    # stable order (by party code, self-nominated last): rows keep their place while live
    for key in sorted(votes, key=lambda k: (k is None, k or "")):
        share = _share(votes[key], whole)
        name = short.get(key, key) if key else t("fp.self", ctx.lang)
        bars.append(
            PartyBar(
                party=key, name=name, votes=votes[key], share=share, share_text=_pct(ctx, share)
            )
        )
        slot = key or "self"
        night.live[f"party.{slot}.votes"] = ctx.int(votes[key])
        night.live[f"party.{slot}.share"] = _pct(ctx, share)
        night.live[f"party.{slot}.bar"] = bar_width(share)
    table = ReportTable(
        "parties",
        ctx.t("people.bars.title"),
        [
            Col("party", ctx.t("web.col.party")),
            Col("party_code", ctx.t("web.col.code")),
            Col("votes", ctx.t("web.night.col.votes"), "right"),
            Col("share_pct", ctx.t("web.night.col.share"), "right"),
        ],
    )
    for bar in bars:
        table.rows.append(
            [
                Cell(bar.name, bar.name),
                Cell(bar.party, bar.party or ""),
                Cell(bar.votes, ctx.int(bar.votes)),
                Cell(_dec(bar.share), bar.share_text),
            ]
        )
    return bars, table


# --- every station's results in one file ------------------------------------------------------

ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorPage, "description": "No election of that code run with saylau"},
    422: {"model": ErrorPage, "description": "A malformed parameter"},
}

STATION_COLUMNS = (
    "election",
    "region",
    "district",
    "okrug",
    "station",
    "station_number",
    "station_name",
    "registered_voters",
    "protocol_version",
    "voters_on_list",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid",
    "against_all",
    "candidate",
    "candidate_name",
    "party",
    "votes",
)


def station_rows(session: Session, election: str, lang: str) -> list[dict[str, object]]:
    """One row per station and candidate (a station without a protocol: one row, no counts)
    of the newest accepted protocols; numbers as numbers."""
    geo = election_data.geography(session, election)
    accepted = election_data.accepted(session, election)
    votes = election_data.votes_of(session, (row.id for row in accepted.values()))
    people = election_data.candidates(session, election)
    contests: dict[str, list[str]] = {}
    for code, row in people.items():
        contests.setdefault(row.contest.split(":", 1)[1], []).append(code)
    out: list[dict[str, object]] = []
    for code, unit in geo.units[Level.STATION].items():
        okrug = geo.get(Level.OKRUG, unit.parent or "")
        district = geo.get(Level.DISTRICT, okrug.parent or "") if okrug else None
        protocol = accepted.get(code)
        base: dict[str, object] = {
            "election": election,
            "region": district.parent if district else None,
            "district": district.code if district else None,
            "okrug": unit.parent,
            "station": code,
            "station_number": unit.number,
            "station_name": unit.names.get(lang),
            "registered_voters": unit.registered_voters,
            "protocol_version": protocol.version if protocol else None,
        }
        for field in (
            "voters_on_list",
            "ballots_received",
            "ballots_issued",
            "ballots_cancelled",
            "ballots_in_boxes",
            "invalid",
            "against_all",
        ):
            base[field] = getattr(protocol, field) if protocol else None
        candidates = sorted(contests.get(unit.parent or "", []))
        if protocol is None or not candidates:
            out.append(
                {**base, "candidate": None, "candidate_name": None, "party": None, "votes": None}
            )
            continue
        counted = votes.get(protocol.id, {})
        for candidate in candidates:
            row = people[candidate]
            out.append(
                {
                    **base,
                    "candidate": candidate,
                    "candidate_name": row.name,
                    "party": row.party,
                    "votes": counted.get(candidate),
                }
            )
    return out


def _station_table(rows: list[dict[str, object]]) -> ReportTable:
    table = ReportTable("stations", "stations", [Col(c, c) for c in STATION_COLUMNS])
    for item in rows:
        table.rows.append(
            [Cell(item[c], "" if item[c] is None else str(item[c])) for c in STATION_COLUMNS]  # type: ignore[arg-type]
        )
    return table


def _election_or_404(ctx: PageContext, session: Session, code: str) -> None:
    info = election_data.election(session, code)
    if info is None or not info.run:
        raise HTTPException(404, detail=ctx.t("web.error.no_run_election", code=code))


@pages.router.get(
    "/election/{code}/stations.csv",
    summary="Every station's results of an election (CSV, one table)",
    tags=["downloads"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS},
)
def stations_csv(
    ctx: Context,
    code: ElectionCode,
    bom: Annotated[bool, Query(description="Start with a UTF-8 byte order mark (Excel)")] = False,
) -> Response:
    """One row per station and candidate of the newest accepted protocols; numbers as plain
    numbers; UTF-8 (``?bom=true`` adds the byte order mark Excel needs)."""
    with ctx.service.session() as session:
        _election_or_404(ctx, session, code)
        rows = station_rows(session, code, ctx.lang)
    return csv_response([_station_table(rows)], f"saylau-{code}-stations", bom=bom)


@pages.router.get(
    "/election/{code}/stations.parquet",
    summary="Every station's results of an election (Parquet)",
    tags=["downloads"],
    response_class=Response,
    responses={200: {"content": {"application/vnd.apache.parquet": {}}}, **ERRORS},
)
def stations_parquet(ctx: Context, code: ElectionCode) -> Response:
    """The same table as ``stations.csv`` as Parquet, with integer columns."""
    import polars as pl

    with ctx.service.session() as session:
        _election_or_404(ctx, session, code)
        rows = station_rows(session, code, ctx.lang)
    ints = {
        c: pl.Int64
        for c in STATION_COLUMNS
        if c
        not in (
            "election",
            "region",
            "district",
            "okrug",
            "station",
            "station_name",
            "candidate",
            "candidate_name",
            "party",
        )
    }
    schema = {c: ints.get(c, pl.String) for c in STATION_COLUMNS}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.apache.parquet",
        headers={"Content-Disposition": f'attachment; filename="saylau-{code}-stations.parquet"'},
    )


def download_links(code: str) -> dict[str, str]:
    """Where the station results of an election are downloaded."""
    base = f"/election/{code}/stations"
    return {"csv": base + ".csv", "excel": base + ".csv?bom=true", "parquet": base + ".parquet"}


__all__ = ["BOM", "election_href", "pages"]
