"""The seed paper's findings, re-derived from the stored figures.

Each finding is computed twice: from every row of the paper's tables, and without the rows
``saylau check`` flags (the units with an error finding: for the seed, Turkistan Region,
whose Table 4 column adds up to 166 akims in 60 okrugs). The result says whether the
paper's claim holds in each variant and whether leaving the flagged rows out changes it.

The findings:

``candidates_nomination``
    Table 2: 878 party-nominated (38.2 %) and 1,419 self-nominated (61.8 %) of 2,297.
``winners_nomination``
    "A feature of the elections is the many self-nominated": their share of the akims
    elected (Tables 3-4) beside their share of the candidates (Table 2).
``every_party_won``
    "Candidates of every registered party were elected akim": seats of each party
    registered on polling day (per the registry) in Tables 3-4.
``second_third``
    "Auyl and Adal came second and third": the parties ranked by akims elected.
``self_regions``
    Where self-nominated candidates won most: regions ranked by the self-nominated share
    of their akims elected (and by count).
``majilis_prediction``
    "Auyl's and Adal's places will tell in the next Parliament election": their list
    results in the next Majilis election (19 March 2023, bundled ``kz-majilis``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from saylau.analytics.compare import MAJILIS, average_ranks, majilis_date, majilis_results
from saylau.analytics.competition import (
    DEFAULT_ELECTION,
    PUBLISHED,
    REGIONAL_SUM,
    ElectionData,
    View,
    figure_views,
    load,
    registered_parties,
    seat_distribution,
)
from saylau.domain import Measure, Nomination

if TYPE_CHECKING:
    from saylau.service import Saylau

__all__ = ["FINDINGS", "FindingResult", "PaperFinding", "findings", "findings_frame"]

FINDINGS = (
    "candidates_nomination",
    "winners_nomination",
    "every_party_won",
    "second_third",
    "self_regions",
    "majilis_prediction",
)
PAPER_SECOND_THIRD = ("auyl", "adal")


@dataclass(frozen=True)
class FindingResult:
    """A finding computed on one variant of the data.

    ``holds`` is whether the paper's claim holds (None: the paper states no checkable claim,
    or a tie decides it). ``params`` hold numbers and codes for the message; lists of
    ``[code, value]`` pairs are rankings. ``uses_flagged`` says whether any figure of a
    flagged unit entered the computation.
    """

    key: str
    variant: str
    holds: bool | None
    params: dict[str, Any]
    figures: tuple[str, ...]
    uses_flagged: bool


@dataclass(frozen=True)
class PaperFinding:
    """A finding with and without the flagged rows, and whether that changes it."""

    key: str
    all_rows: FindingResult
    without_flagged: FindingResult
    excluded_units: tuple[str, ...]
    changed: bool


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def _republic(data: ElectionData, variant: str) -> View | None:
    for view in figure_views(data, "republic"):
        if view.variant == variant:
            return view
    return None


def _candidates_nomination(data: ElectionData, variant: str) -> FindingResult:
    view = _republic(data, PUBLISHED)
    get = view.get if view else (lambda *a, **k: None)
    total = get(Measure.CANDIDATES_REGISTERED)
    party = get(Measure.CANDIDATES_REGISTERED, None, Nomination.PARTY)
    self_ = get(Measure.CANDIDATES_REGISTERED, None, Nomination.SELF)
    stated_p = get(Measure.CANDIDATES_SHARE_PCT, None, Nomination.PARTY)
    stated_s = get(Measure.CANDIDATES_SHARE_PCT, None, Nomination.SELF)
    if not (total and party and self_):
        return FindingResult("candidates_nomination", variant, None, {}, (), False)
    party_pct = _pct(party.value, total.value) or 0.0
    self_pct = _pct(self_.value, total.value) or 0.0
    holds = None
    if stated_p and stated_s:
        holds = round(party_pct, 1) == stated_p.value and round(self_pct, 1) == stated_s.value
    ids = total.ids + party.ids + self_.ids + (stated_p.ids if stated_p else ())
    ids += stated_s.ids if stated_s else ()
    params = {
        "party": party.value,
        "self": self_.value,
        "total": total.value,
        "party_pct": party_pct,
        "self_pct": self_pct,
        "sum": party.value + self_.value,
    }
    return FindingResult("candidates_nomination", variant, holds, params, ids, False)


def _winners_nomination(data: ElectionData, variant: str) -> FindingResult:
    view = _republic(data, REGIONAL_SUM)
    if view is None:
        return FindingResult("winners_nomination", variant, None, {}, (), False)
    dist = seat_distribution(view)
    self_ = dist.self_total
    total = dist.known_total()
    party = sum(v.value for v in dist.party.values())
    published = _republic(data, PUBLISHED)
    self_c = (
        published.get(Measure.CANDIDATES_REGISTERED, None, Nomination.SELF) if published else None
    )
    all_c = published.get(Measure.CANDIDATES_REGISTERED) if published else None
    params: dict[str, Any] = {
        "winners": total,
        "party": party,
        "self": self_.value if self_ else None,
        "party_pct": _pct(party, total or 0),
        "self_pct": _pct(self_.value, total or 0) if self_ else None,
        "self_candidates_pct": _pct(self_c.value, all_c.value) if self_c and all_c else None,
        "regions": view.parts,
    }
    ids = dist.ids() + ((self_c.ids + all_c.ids) if self_c and all_c else ())
    return FindingResult("winners_nomination", variant, None, params, ids, False)


def _party_seats(data: ElectionData) -> tuple[dict[str, float], dict[str, int], tuple[str, ...]]:
    view = _republic(data, REGIONAL_SUM)
    if view is None:
        return {}, {}, ()
    dist = seat_distribution(view)
    seats = {p: v.value for p, v in dist.party.items()}
    regions: dict[str, int] = {}
    for region in figure_views(data, "region"):
        for party, value in seat_distribution(region).party.items():
            if value.value > 0:
                regions[party] = regions.get(party, 0) + 1
    return seats, regions, dist.ids()


def _every_party_won(data: ElectionData, variant: str, registered: Sequence[str]) -> FindingResult:
    seats, regions, ids = _party_seats(data)
    if not seats:
        return FindingResult("every_party_won", variant, None, {}, (), False)
    won = {p: seats.get(p, 0.0) for p in registered}
    weakest = min(won, key=lambda p: (won[p], p))
    params = {
        "registered": len(registered),
        "winning": sum(1 for v in won.values() if v > 0),
        "weakest": weakest,
        "weakest_seats": won[weakest],
        "weakest_regions": regions.get(weakest, 0),
        "without_seat": [p for p, v in won.items() if v == 0],
    }
    return FindingResult(
        "every_party_won", variant, all(v > 0 for v in won.values()), params, ids, False
    )


def _second_third(data: ElectionData, variant: str) -> FindingResult:
    seats, _, ids = _party_seats(data)
    if len(seats) < 3:
        return FindingResult("second_third", variant, None, {}, (), False)
    parties = sorted(seats, key=lambda p: (-seats[p], p))
    ranks = dict(zip(seats, average_ranks(list(seats.values())), strict=True))
    tie = ranks[parties[1]] != 2.0 or ranks[parties[2]] != 3.0
    ranking = [[p, seats[p]] for p in parties]
    holds = None if tie else tuple(parties[1:3]) == PAPER_SECOND_THIRD
    params = {"ranking": ranking, "second": parties[1], "third": parties[2], "tie": tie}
    return FindingResult("second_third", variant, holds, params, ids, False)


def _self_regions(data: ElectionData, variant: str) -> FindingResult:
    rows = []
    ids: list[str] = []
    for view in figure_views(data, "region"):
        dist = seat_distribution(view)
        total = dist.known_total()
        self_ = dist.self_total
        if not total or self_ is None:
            continue
        okrugs = view.get(Measure.OKRUGS_CONTESTED)
        rows.append((view.unit, self_.value, total, okrugs.value if okrugs else None))
        ids += dist.ids()
    by_share = sorted(rows, key=lambda r: (-r[1] / r[2], r[0]))
    by_count = sorted(rows, key=lambda r: (-r[1], r[0]))
    params = {
        "by_share": [[u, 100.0 * s / w] for u, s, w, _ in by_share[:3]],
        "by_count": [[u, s] for u, s, _, _ in by_count[:3]],
        "top_share_of_okrugs": (
            100.0 * by_share[0][1] / by_share[0][3] if by_share and by_share[0][3] else None
        ),
        "regions": len(rows),
    }
    return FindingResult("self_regions", variant, None, params, tuple(ids), False)


def _majilis_prediction(data: ElectionData, variant: str) -> FindingResult:
    later = [code for code in MAJILIS if majilis_date(code) > data.date.isoformat()]
    if not later:
        return FindingResult("majilis_prediction", variant, None, {}, (), False)
    code = later[0]
    results = majilis_results(code)
    votes = {p: float(r.votes) for p, r in results.items()}
    ranks = dict(zip(votes, average_ranks(list(votes.values())), strict=True))
    seats, _, ids = _party_seats(data)
    auyl = results.get("auyl")
    params: dict[str, Any] = {
        "majilis": code,
        "date": majilis_date(code),
        "lists": len(results),
        "auyl_rank": ranks.get("auyl"),
        "auyl_pct": float(auyl.share_pct) if auyl else None,
        "auyl_seats": auyl.seats if auyl else None,
        "adal_successor": data.lineage.get("adal"),
        "adal_on_ballot": "adal" in results,
        "akim_order": [
            p for p in sorted(seats, key=lambda p: (-seats[p], p)) if p in PAPER_SECOND_THIRD
        ],
    }
    # Not a checkable claim: the paper says the places "will tell", not how; and Adal no
    # longer existed in 2023. The result states the facts.
    return FindingResult("majilis_prediction", variant, None, params, ids, False)


def _compute(
    key: str, data: ElectionData, variant: str, registered: Sequence[str]
) -> FindingResult:
    match key:
        case "candidates_nomination":
            result = _candidates_nomination(data, variant)
        case "winners_nomination":
            result = _winners_nomination(data, variant)
        case "every_party_won":
            result = _every_party_won(data, variant, registered)
        case "second_third":
            result = _second_third(data, variant)
        case "self_regions":
            result = _self_regions(data, variant)
        case _:
            result = _majilis_prediction(data, variant)
    return result


def _uses(result: FindingResult, data: ElectionData, units: frozenset[str]) -> bool:
    unit_of = {str(r["id"]): str(r["unit"]) for r in data.figures}
    return any(unit_of.get(i) in units for i in result.figures)


def _conclusion(result: FindingResult) -> object:
    """What must stay the same for the flagged rows not to change the finding."""
    p = result.params
    match result.key:
        case "candidates_nomination":
            return (round(p.get("party_pct") or 0, 1), round(p.get("self_pct") or 0, 1))
        case "winners_nomination":
            return round(p.get("self_pct") or 0, 1)
        case "every_party_won":
            return result.holds
        case "second_third":
            return (p.get("second"), p.get("third"))
        case "self_regions":
            return [u for u, _ in p.get("by_share", [])]
        case _:
            return tuple(p.get("akim_order", []))


def findings(service: Saylau, election: str = DEFAULT_ELECTION) -> list[PaperFinding]:
    """Every finding of the paper, with and without the flagged rows."""
    everything = load(service, election)
    without = load(service, election, without_flagged=True)
    units = without.excluded_units
    registered = registered_parties(service, everything.date)
    out: list[PaperFinding] = []
    for key in FINDINGS:
        first = _compute(key, everything, "all", registered)
        first = FindingResult(
            first.key,
            first.variant,
            first.holds,
            first.params,
            first.figures,
            _uses(first, everything, units),
        )
        second = _compute(key, without, "without_flagged", registered)
        changed = first.uses_flagged and _conclusion(first) != _conclusion(second)
        out.append(PaperFinding(key, first, second, tuple(sorted(units)), changed))
    return out


FINDINGS_SCHEMA: dict[str, Any] = {
    "finding": pl.String,
    "variant": pl.String,
    "holds": pl.Boolean,
    "uses_flagged": pl.Boolean,
    "changed": pl.Boolean,
    "excluded_units": pl.String,
    "params": pl.String,
    "figures": pl.String,
}


def findings_frame(items: Sequence[PaperFinding]) -> pl.DataFrame:
    """The findings as a frame: two rows per finding (``all``, ``without_flagged``)."""
    rows = []
    for item in items:
        for result in (item.all_rows, item.without_flagged):
            rows.append(
                {
                    "finding": item.key,
                    "variant": result.variant,
                    "holds": result.holds,
                    "uses_flagged": result.uses_flagged,
                    "changed": item.changed,
                    "excluded_units": ", ".join(item.excluded_units) or None,
                    "params": json.dumps(result.params, ensure_ascii=False, sort_keys=True),
                    "figures": ", ".join(dict.fromkeys(result.figures)) or None,
                }
            )
    return pl.DataFrame(rows, schema=FINDINGS_SCHEMA, orient="row")
