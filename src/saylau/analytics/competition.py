"""Party competition of one election, at every level its data allow.

Two kinds of data reach this module, and neither is made to look like the other:

* **Figures** (published aggregates, e.g. the seed paper's Tables 2-4): numbers by region
  and party with their ids. They give the levels they give (region, republic); the
  republic is also computed as the sum of the regions (variant ``regional_sum``) beside any
  national figure the source publishes (variant ``published``).
* **Protocols** (elections run with saylau): okrug totals from the newest accepted protocol
  versions (:func:`saylau.administration.results.okrug_results`), with each candidate's
  party, sex and incumbency, added up okrug -> district -> region -> republic.

Every output row names the figure ids it used (column ``figures``) or the query
(column ``query``). Where self-nominated candidates enter a party-level measure, the row
says how they were grouped (column ``grouping``: ``single_bin``, ``each_own_unit`` or
``exclude``; see :func:`saylau.analytics.indices.group_self_nominated`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import polars as pl
from sqlalchemy import select

from saylau import consistency
from saylau.analytics import indices
from saylau.domain import Level, Measure, Nomination, Sex
from saylau.i18n import t
from saylau.store import queries
from saylau.store.schema import (
    CandidateRow,
    ContestRow,
    DistrictRow,
    OkrugRow,
    PartyLineageRow,
    PartyRow,
)

if TYPE_CHECKING:
    from saylau.service import Saylau

__all__ = [
    "DEFAULT_ELECTION",
    "FRAMES",
    "GROUPINGS",
    "LEVELS",
    "PARTY_UNSPECIFIED",
    "SELF",
    "UNSPECIFIED",
    "AnalysisError",
    "ElectionData",
    "analyze",
    "available_levels",
    "flagged_units",
    "groupings",
    "lineage",
    "load",
    "registered_parties",
    "seat_distribution",
]

DEFAULT_ELECTION = "kz-2021-rural-akim"
LEVELS: tuple[str, ...] = ("okrug", "district", "region", "republic")
SelfOption = Literal["single_bin", "each_own_unit", "exclude", "both"]
GROUPINGS: dict[str, tuple[indices.SelfNominatedMode, ...]] = {
    "single_bin": ("single_bin",),
    "each_own_unit": ("each_own_unit",),
    "exclude": ("exclude",),
    "both": ("single_bin", "exclude"),
}

SELF = "self-nominated"
"""Contestant key of all self-nominated winners (or votes) taken together."""
PARTY_UNSPECIFIED = "party-nominated"
"""Contestant key of party-nominated winners whose party the source does not give."""
UNSPECIFIED = "unspecified"
"""Contestant key of winners whose way of nomination the source does not give."""

REPUBLIC = "KZ"
PUBLISHED = "published"
REGIONAL_SUM = "regional_sum"
PROTOCOLS = "protocols"
POOLED = "pooled"  # unit label of a Pedersen row pooled over the matched units

FRAMES: dict[str, dict[str, type[pl.DataType] | pl.DataType]] = {
    "seats": {
        "level": pl.String,
        "unit": pl.String,
        "variant": pl.String,
        "contestant": pl.String,
        "nomination": pl.String,
        "seats": pl.Float64,
        "share_all": pl.Float64,
        "share_parties": pl.Float64,
        "figures": pl.String,
        "query": pl.String,
        "flagged": pl.Boolean,
    },
    "votes": {
        "level": pl.String,
        "unit": pl.String,
        "variant": pl.String,
        "contestant": pl.String,
        "nomination": pl.String,
        "votes": pl.Float64,
        "share": pl.Float64,
        "figures": pl.String,
        "query": pl.String,
        "flagged": pl.Boolean,
    },
    "metrics": {
        "level": pl.String,
        "unit": pl.String,
        "variant": pl.String,
        "metric": pl.String,
        "grouping": pl.String,
        "value": pl.Float64,
        "numerator": pl.Float64,
        "denominator": pl.Float64,
        "figures": pl.String,
        "query": pl.String,
        "flagged": pl.Boolean,
    },
    "nationalization": {
        "units_level": pl.String,
        "basis": pl.String,
        "grouping": pl.String,
        "contestant": pl.String,
        "units_with": pl.Int64,
        "units_total": pl.Int64,
        "pns": pl.Float64,
        "figures": pl.String,
        "query": pl.String,
        "flagged": pl.Boolean,
    },
    "races": {
        "okrug": pl.String,
        "district": pl.String,
        "region": pl.String,
        "candidates": pl.Int64,
        "contested": pl.Boolean,
        "outcome": pl.String,
        "winner": pl.String,
        "winner_party": pl.String,
        "winner_votes": pl.Int64,
        "runner_up_votes": pl.Int64,
        "margin_votes": pl.Int64,
        "margin_pct": pl.Float64,
        "turnout_pct": pl.Float64,
        "query": pl.String,
    },
    "volatility": {
        "level": pl.String,
        "unit": pl.String,
        "basis": pl.String,
        "grouping": pl.String,
        "previous": pl.String,
        "current": pl.String,
        "matched_units": pl.Int64,
        "pedersen": pl.Float64,
        "lineage": pl.String,
        "figures": pl.String,
        "query": pl.String,
        "flagged": pl.Boolean,
    },
}
"""The frames :func:`analyze` returns, with their column types (always all of them)."""


class AnalysisError(ValueError):
    """An analysis that cannot be done as asked; the message is in the catalogue."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, "en", **params))

    def message(self, lang: str = "en") -> str:
        """The explanation in ``lang``."""
        return t(self.key, lang, **self.params)


def groupings(option: str) -> tuple[indices.SelfNominatedMode, ...]:
    """The groupings of self-nominated candidates an option asks for (``both`` = two)."""
    if option not in GROUPINGS:
        raise AnalysisError("analytics.error.self_mode", value=option, allowed=", ".join(GROUPINGS))
    return GROUPINGS[option]


# --------------------------------------------------------------------------------------
# Values with provenance
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Val:
    """A number and the figure ids it was computed from."""

    value: float
    ids: tuple[str, ...] = ()

    def __add__(self, other: Val) -> Val:
        return Val(self.value + other.value, self.ids + other.ids)


def _sum(values: Iterable[Val]) -> Val:
    out = Val(0.0)
    for value in values:
        out = out + value
    return out


FigureKey = tuple[str, str | None, str, str]  # measure, party, nomination, sex


@dataclass
class View:
    """The figures of one unit at one level, either as published or summed from regions."""

    level: str
    unit: str
    variant: str
    values: dict[FigureKey, Val]
    parts: int = 1  # how many published units a regional sum adds up

    def get(
        self,
        measure: Measure,
        party: str | None = None,
        nomination: Nomination = Nomination.ALL,
        sex: Sex = Sex.ALL,
    ) -> Val | None:
        """The value of one key, or None when the source does not give it."""
        return self.values.get((measure.value, party, nomination.value, sex.value))

    def by_party(self, measure: Measure) -> dict[str, Val]:
        """Per-party values of ``measure`` (nomination ``party``, both sexes)."""
        return {
            party: value
            for (m, party, nomination, sex), value in self.values.items()
            if m == measure.value and party is not None and sex == Sex.ALL.value
        }


@dataclass
class Dist:
    """Seats or votes by contestant: per party, self-nominated, and what a source leaves open.

    ``self_items`` holds individual self-nominated candidates (``individual``) or one
    aggregate count under :data:`SELF`. ``remainder`` holds winners the source counts in a
    total but does not attribute (``party-nominated``/``unspecified``).
    """

    party: dict[str, Val] = field(default_factory=dict)
    self_items: dict[str, Val] = field(default_factory=dict)
    individual: bool = False
    remainder: dict[str, Val] = field(default_factory=dict)
    total: Val | None = None
    complete: bool = False
    unit_counts: bool = True  # seats: each self-nominated winner is one seat

    @property
    def self_total(self) -> Val | None:
        """All self-nominated together, if the source gives them."""
        return _sum(self.self_items.values()) if self.self_items else None

    def ids(self) -> tuple[str, ...]:
        """Every figure id the distribution was built from."""
        items = [*self.party.values(), *self.self_items.values(), *self.remainder.values()]
        out = [i for v in items for i in v.ids]
        if self.total is not None:
            out += list(self.total.ids)
        return tuple(dict.fromkeys(out))

    def known_total(self) -> float | None:
        """All seats (votes): the published total, or the sum of complete parts."""
        if self.total is not None:
            return self.total.value
        if self.complete:
            return sum(v.value for v in self.party.values()) + (
                self.self_total.value if self.self_total else 0.0
            )
        return None

    def grouped(self, mode: indices.SelfNominatedMode, tag: str) -> dict[str, float] | None:
        """Counts per contestant with self-nominated grouped by ``mode`` (None: not possible).

        ``each_own_unit`` on an aggregate seat count splits it into one-seat "parties"
        (each self-nominated winner holds exactly one seat); on aggregate votes it is not
        possible and gives None.
        """
        if not self.complete:
            return None
        counts: dict[str, float] = {p: v.value for p, v in self.party.items()}
        if self.individual:
            counts.update({f"self:{k}": v.value for k, v in self.self_items.items()})
            keys = {f"self:{k}" for k in self.self_items}
            grouped = indices.group_self_nominated(counts, keys, mode, bin_key=SELF)
        elif mode == "each_own_unit":
            if not self.unit_counts:
                return None
            grouped = dict(counts)
            for key, value in self.self_items.items():
                for number in range(round(value.value)):
                    grouped[f"{key}#{tag}#{number + 1}"] = 1.0
        else:
            counts.update({k: v.value for k, v in self.self_items.items()})
            grouped = indices.group_self_nominated(counts, set(self.self_items), mode, bin_key=SELF)
        grouped = {k: v for k, v in grouped.items() if v > 0}
        return grouped or None


def seat_distribution(view: View) -> Dist:
    """Winners of one unit by party and self-nominated, as far as the figures go.

    Complete when every winner is attributed: either a total is given and the parts add up
    to it, or (as in the seed's Tables 3-4) no total is given but the parties and the
    self-nominated are.
    """
    parties = view.by_party(Measure.WINNERS)
    self_ = view.get(Measure.WINNERS, None, Nomination.SELF)
    total = view.get(Measure.WINNERS)
    party_total = view.get(Measure.WINNERS, None, Nomination.PARTY)
    dist = Dist(party=dict(sorted(parties.items())), total=total)
    if self_ is not None:
        dist.self_items = {SELF: self_}
    attributed = sum(v.value for v in parties.values())
    if party_total is not None and party_total.value > attributed:
        dist.remainder[PARTY_UNSPECIFIED] = Val(party_total.value - attributed, party_total.ids)
        attributed = party_total.value
    if total is not None:
        rest = total.value - attributed - (self_.value if self_ else 0.0)
        if rest > 0:
            key = PARTY_UNSPECIFIED if self_ is not None else UNSPECIFIED
            ids = total.ids + (self_.ids if self_ else ())
            dist.remainder[key] = Val(rest, ids)
        dist.complete = bool(parties) and not dist.remainder and self_ is not None
    else:
        dist.complete = bool(parties) and self_ is not None and not dist.remainder
    return dist


# --------------------------------------------------------------------------------------
# Loading one election
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Race:
    """One okrug of an election run with saylau: candidates, votes, outcome."""

    okrug: str
    district: str
    region: str
    candidates: tuple[str, ...]
    votes: dict[str, int]
    against_all: int | None
    voters_on_list: int
    ballots_issued: int
    outcome: str
    winner: str | None


@dataclass(frozen=True)
class CandidateInfo:
    """What the analysis needs to know about a candidate."""

    code: str
    party: str | None
    sex: str | None
    incumbent: bool | None
    former_akim: bool | None


@dataclass
class ElectionData:
    """Everything :func:`analyze` reads about one election, read once."""

    code: str
    type: str
    date: dt.date
    figures: list[dict[str, object]]
    flagged_ids: frozenset[str]
    excluded_units: frozenset[str]
    races: list[Race]
    candidates: dict[str, CandidateInfo]
    lineage: dict[str, str]
    synthetic: bool = False

    @property
    def source(self) -> Literal["figures", "protocols", "none"]:
        """Which kind of data the election has (protocols win when both exist)."""
        if self.races:
            return "protocols"
        return "figures" if self.figures else "none"


def lineage(service: Saylau) -> dict[str, str]:
    """Party lineage from the database: predecessor -> successor (e.g. adal -> amanat)."""
    with service.session() as session:
        return {
            row.predecessor: row.successor
            for row in session.scalars(select(PartyLineageRow).order_by(PartyLineageRow.date))
        }


def registered_parties(service: Saylau, day: dt.date) -> list[str]:
    """Parties registered on ``day`` per the registry (registered <= day, not yet dissolved)."""
    with service.session() as session:
        rows = session.scalars(select(PartyRow).order_by(PartyRow.code)).all()
    return [
        row.code
        for row in rows
        if (row.registered is None or row.registered <= day)
        and (row.dissolved is None or day <= row.dissolved)
    ]


def flagged_units(findings: Iterable[consistency.Finding]) -> frozenset[str]:
    """Units below the republic with an error finding: the rows ``saylau check`` flags.

    For the seed this is Turkistan Region (KZ-61), whose Table 4 column adds up to 166
    akims in 60 okrugs. Republic-level findings (sums of the regions against a national
    figure) are consequences of the regional rows and flag no unit of their own.
    """
    return frozenset(
        f.unit for f in findings if f.level is not Level.REPUBLIC and f.severity == "error"
    )


def load(service: Saylau, election: str, *, without_flagged: bool = False) -> ElectionData:
    """Read the election's figures, protocols, candidates and the party lineage."""
    with service.session() as session:
        known = queries.elections(session)
    if election not in known:
        raise AnalysisError(
            "analytics.error.election_unknown", election=election, known=", ".join(sorted(known))
        )
    info = known[election]
    figures = [f for f in service.figures(election) if f.election == election]
    findings = consistency.check(service.figures(election))
    flagged = frozenset(i.id for finding in findings for i in finding.involved)
    excluded = flagged_units(findings) if without_flagged else frozenset()
    rows: list[dict[str, object]] = [
        {
            "id": f.id,
            "level": f.level.value,
            "unit": f.unit,
            "measure": f.measure.value,
            "party": f.party,
            "nomination": f.nomination.value,
            "sex": f.sex.value,
            "value": float(f.value),
        }
        for f in figures
        if f.unit not in excluded
    ]
    races, candidates = _protocol_races(service, election)
    return ElectionData(
        code=election,
        type=info.type.value,
        date=info.date,
        figures=rows,
        flagged_ids=flagged,
        excluded_units=excluded,
        races=races,
        candidates=candidates,
        lineage=lineage(service),
        synthetic=info.synthetic,
    )


def _protocol_races(service: Saylau, election: str) -> tuple[list[Race], dict[str, CandidateInfo]]:
    from saylau.administration.errors import AdminError
    from saylau.administration.results import okrug_results, outcome_kind
    from saylau.law.winner import Elected

    with service.session() as session:
        has_contests = session.scalars(
            select(ContestRow.code).where(ContestRow.election == election).limit(1)
        ).first()
        if has_contests is None:
            return [], {}
        try:
            results = okrug_results(session, election)
        except AdminError as exc:
            raise AnalysisError(
                "analytics.error.protocols", election=election, detail=exc.message("en")
            ) from exc
        okrugs = {
            row.code: row.district
            for row in session.scalars(
                select(OkrugRow).where(OkrugRow.code.in_([r.okrug for r in results]))
            )
        }
        districts = {
            row.code: row.region
            for row in session.scalars(
                select(DistrictRow).where(DistrictRow.code.in_(set(okrugs.values())))
            )
        }
        codes = sorted({c for r in results for c in r.candidates})
        candidates = {
            row.code: CandidateInfo(row.code, row.party, row.sex, row.incumbent, row.former_akim)
            for row in session.scalars(select(CandidateRow).where(CandidateRow.code.in_(codes)))
        }
    races = []
    for result in results:
        district = okrugs[result.okrug]
        winner = result.outcome.candidate if isinstance(result.outcome, Elected) else None
        races.append(
            Race(
                okrug=result.okrug,
                district=district,
                region=districts[district],
                candidates=result.candidates,
                votes={c: result.totals.votes.get(c, 0) for c in result.candidates},
                against_all=result.totals.against_all,
                voters_on_list=result.totals.voters_on_list,
                ballots_issued=result.totals.ballots_issued,
                outcome=outcome_kind(result.outcome),
                winner=winner,
            )
        )
    return races, candidates


def available_levels(data: ElectionData) -> list[str]:
    """Levels the election's data allow, bottom to top."""
    if data.source == "protocols":
        return list(LEVELS)
    levels = {str(row["level"]) for row in data.figures}
    out = [level for level in LEVELS if level in levels]
    if "region" in levels and "republic" not in out:
        out.append("republic")  # the regions add up to the republic
    return out


# --------------------------------------------------------------------------------------
# Views over figures
# --------------------------------------------------------------------------------------


def _key(row: Mapping[str, object]) -> FigureKey:
    party = row["party"]
    return (
        str(row["measure"]),
        str(party) if party is not None else None,
        str(row["nomination"]),
        str(row["sex"]),
    )


def figure_views(data: ElectionData, level: str) -> list[View]:
    """Views of every unit at ``level``: as published, and the republic as Σ regions."""
    by_unit: dict[tuple[str, str], dict[FigureKey, Val]] = defaultdict(dict)
    for row in data.figures:
        key = _key(row)
        slot = by_unit[(str(row["level"]), str(row["unit"]))]
        if key not in slot:  # a repeated figure is a C.06 finding; the first one is used
            slot[key] = Val(float(row["value"]), (str(row["id"]),))  # type: ignore[arg-type]
    views = [
        View(lvl, unit, PUBLISHED, values)
        for (lvl, unit), values in sorted(by_unit.items())
        if lvl == level
    ]
    if level == "republic":
        summed: dict[FigureKey, list[Val]] = defaultdict(list)
        regions = [values for (lvl, _), values in sorted(by_unit.items()) if lvl == "region"]
        for values in regions:
            for key, value in values.items():
                summed[key].append(value)
        if regions:
            views.append(
                View(
                    "republic",
                    REPUBLIC,
                    REGIONAL_SUM,
                    {key: _sum(values) for key, values in summed.items()},
                    parts=len(regions),
                )
            )
    return views


# --------------------------------------------------------------------------------------
# Row builders
# --------------------------------------------------------------------------------------


class _Rows:
    """Collects the output rows of every frame."""

    def __init__(self, data: ElectionData) -> None:
        self.data = data
        self.frames: dict[str, list[dict[str, object]]] = {name: [] for name in FRAMES}

    def flagged(self, ids: Sequence[str]) -> bool:
        return not self.data.flagged_ids.isdisjoint(ids)

    def metric(
        self,
        level: str,
        unit: str,
        variant: str,
        metric: str,
        value: float | None,
        *,
        grouping: str | None = None,
        numerator: float | None = None,
        denominator: float | None = None,
        ids: Sequence[str] = (),
        query: str | None = None,
    ) -> None:
        if value is None:
            return
        ids = tuple(dict.fromkeys(ids))
        self.frames["metrics"].append(
            {
                "level": level,
                "unit": unit,
                "variant": variant,
                "metric": metric,
                "grouping": grouping,
                "value": float(value),
                "numerator": numerator,
                "denominator": denominator,
                "figures": ", ".join(ids) if ids else None,
                "query": query,
                "flagged": self.flagged(ids),
            }
        )

    def ratio(
        self,
        level: str,
        unit: str,
        variant: str,
        metric: str,
        part: Val | None,
        whole: Val | None,
        *,
        scale: float = 1.0,
        query: str | None = None,
    ) -> None:
        if part is None or whole is None or whole.value == 0:
            return
        self.metric(
            level,
            unit,
            variant,
            metric,
            scale * part.value / whole.value,
            numerator=part.value,
            denominator=whole.value,
            ids=part.ids + whole.ids,
            query=query,
        )

    def frame(self, name: str) -> pl.DataFrame:
        return pl.DataFrame(self.frames[name], schema=FRAMES[name], orient="row")


def _distribution_indices(
    rows: _Rows,
    view: tuple[str, str, str],
    basis: str,
    dist: Dist,
    modes: Sequence[indices.SelfNominatedMode],
    *,
    ids: Sequence[str],
    query: str | None,
) -> None:
    """ENP (Laakso-Taagepera, Golosov), HHI and Rae of one distribution, per grouping."""
    level, unit, variant = view
    for mode in modes:
        counts = dist.grouped(mode, unit)
        if not counts:
            continue
        for metric, function in (
            ("enp", indices.effective_number_of_parties),
            ("golosov", indices.golosov),
            ("hhi", indices.herfindahl_hirschman),
            ("rae", indices.rae_fractionalization),
        ):
            rows.metric(
                level,
                unit,
                variant,
                f"{metric}_{basis}",
                function(counts),
                grouping=mode,
                ids=ids,
                query=query,
            )


def _seat_rows(rows: _Rows, view: tuple[str, str, str], dist: Dist, *, query: str | None) -> None:
    level, unit, variant = view
    total = dist.known_total()
    party_only = None
    if dist.complete or (not dist.remainder and dist.party):
        party_only = sum(v.value for v in dist.party.values())
    entries: list[tuple[str, str, Val]] = [(p, "party", v) for p, v in dist.party.items()]
    entries += [(k, "party", v) for k, v in dist.remainder.items() if k == PARTY_UNSPECIFIED]
    if dist.individual:
        entries += [(f"self:{k}", "self", v) for k, v in dist.self_items.items()]
    else:
        entries += [(k, "self", v) for k, v in dist.self_items.items()]
    entries += [(k, "all", v) for k, v in dist.remainder.items() if k == UNSPECIFIED]
    for contestant, nomination, value in entries:
        share_all = 100.0 * value.value / total if total else None
        share_parties = None
        if nomination == "party" and contestant != PARTY_UNSPECIFIED and party_only:
            share_parties = 100.0 * value.value / party_only
        # A share names the figures of its denominator too: the whole distribution.
        ids = value.ids if share_all is None and share_parties is None else dist.ids()
        ids = tuple(dict.fromkeys((*value.ids, *ids)))
        rows.frames["seats"].append(
            {
                "level": level,
                "unit": unit,
                "variant": variant,
                "contestant": contestant,
                "nomination": nomination,
                "seats": value.value,
                "share_all": share_all,
                "share_parties": share_parties,
                "figures": ", ".join(ids) if ids else None,
                "query": query,
                "flagged": rows.flagged(ids),
            }
        )


# --------------------------------------------------------------------------------------
# Figures path
# --------------------------------------------------------------------------------------


def _figure_analysis(rows: _Rows, level: str, modes: Sequence[indices.SelfNominatedMode]) -> None:
    data = rows.data
    views = figure_views(data, level)
    for view in views:
        key = (view.level, view.unit, view.variant)
        dist = seat_distribution(view)
        _seat_rows(rows, key, dist, query=None)
        _figure_scalars(rows, view, dist)
        if dist.complete:
            _distribution_indices(rows, key, "seats", dist, modes, ids=dist.ids(), query=None)
    if level == "republic":
        regions = [v for v in figure_views(data, "region")]
        _figure_nationalization(rows, regions, modes)


def _figure_scalars(rows: _Rows, view: View, dist: Dist) -> None:
    key = (view.level, view.unit, view.variant)
    get = view.get
    okrugs = get(Measure.OKRUGS_CONTESTED)
    posts = get(Measure.AKIM_POSTS)
    candidates = get(Measure.CANDIDATES_REGISTERED)
    nominated = get(Measure.CANDIDATES_NOMINATED)
    party_c = get(Measure.CANDIDATES_REGISTERED, None, Nomination.PARTY)
    self_c = get(Measure.CANDIDATES_REGISTERED, None, Nomination.SELF)
    female_c = get(Measure.CANDIDATES_REGISTERED, None, Nomination.ALL, Sex.FEMALE)
    winners = dist.total
    if winners is None and dist.complete:
        winners = _sum([*dist.party.values(), *dist.self_items.values()])
    for metric, value in (
        ("okrugs", okrugs),
        ("akim_posts", posts),
        ("candidates", candidates),
        ("candidates_nominated", nominated),
        ("party_candidates", party_c),
        ("self_candidates", self_c),
        ("winners", winners),
    ):
        if value is not None:
            rows.metric(*key, metric, value.value, ids=value.ids)
    seats = okrugs or posts
    per = "candidates_per_okrug" if okrugs is not None else "candidates_per_post"
    rows.ratio(*key, per, candidates, seats)
    rows.ratio(*key, "candidates_per_winner", candidates, winners)
    rows.ratio(*key, "party_candidates_per_okrug", party_c, okrugs)
    rows.ratio(*key, "self_candidates_per_okrug", self_c, okrugs)
    rows.ratio(*key, "registered_share_of_nominated", candidates, nominated, scale=100.0)
    rows.ratio(*key, "party_candidates_share", party_c, candidates, scale=100.0)
    rows.ratio(*key, "self_candidates_share", self_c, candidates, scale=100.0)
    rows.ratio(*key, "female_candidates_share", female_c, candidates, scale=100.0)
    rows.ratio(*key, "self_winners_share", dist.self_total, winners, scale=100.0)
    female_w = get(Measure.WINNERS, None, Nomination.ALL, Sex.FEMALE)
    rows.ratio(*key, "female_winners_share", female_w, winners, scale=100.0)


def _figure_nationalization(
    rows: _Rows, regions: list[View], modes: Sequence[indices.SelfNominatedMode]
) -> None:
    """Party nationalization and inflation over the regions, from seats."""
    complete = [(v, seat_distribution(v)) for v in regions]
    complete = [(v, d) for v, d in complete if d.complete]
    if len(complete) < 2:
        return
    ids = tuple(i for _, d in complete for i in d.ids())
    _nationalization_scores(rows, "region", "seats", complete, modes, ids=ids, query=None)
    key = ("republic", REPUBLIC, REGIONAL_SUM)
    for mode in modes:
        units = {v.unit: d.grouped(mode, v.unit) for v, d in complete}
        if any(u is None for u in units.values()):
            continue
        result = indices.party_system_inflation(units)  # type: ignore[arg-type]
        rows.metric(*key, "enp_local_mean_seats", result.enp_local_mean, grouping=mode, ids=ids)
        rows.metric(*key, "aggregation_gap_seats", result.difference, grouping=mode, ids=ids)
        rows.metric(*key, "inflation_seats_pct", result.inflation_pct, grouping=mode, ids=ids)


def _nationalization_scores(
    rows: _Rows,
    units_level: str,
    basis: str,
    units: Sequence[tuple[View | str, Dist]],
    modes: Sequence[indices.SelfNominatedMode],
    *,
    ids: Sequence[str],
    query: str | None,
) -> None:
    """Jones-Mainwaring PNS per contestant and PSNS, per grouping."""
    for mode in modes:
        table: dict[str, dict[str, float]] = {}
        for unit, dist in units:
            name = unit.unit if isinstance(unit, View) else unit
            grouped = dist.grouped(mode, name)
            if grouped is None:
                table = {}
                break
            table[name] = grouped
        if len(table) < 2:
            continue
        shown = sorted(
            {
                k
                for counts in table.values()
                for k in counts
                if not k.startswith((f"{SELF}#", "self:"))
            }
        )
        scores = indices.party_nationalization_scores(table)
        for contestant in shown:
            rows.frames["nationalization"].append(
                {
                    "units_level": units_level,
                    "basis": basis,
                    "grouping": mode,
                    "contestant": contestant,
                    "units_with": sum(1 for c in table.values() if c.get(contestant, 0) > 0),
                    "units_total": len(table),
                    "pns": scores.get(contestant),
                    "figures": ", ".join(ids) if ids else None,
                    "query": query,
                    "flagged": rows.flagged(ids),
                }
            )
        rows.metric(
            "republic",
            REPUBLIC,
            REGIONAL_SUM if query is None else PROTOCOLS,
            f"psns_{basis}_{units_level}",
            indices.party_system_nationalization(table),
            grouping=mode,
            ids=ids,
            query=query,
        )


# --------------------------------------------------------------------------------------
# Protocols path
# --------------------------------------------------------------------------------------


def protocol_query(election: str) -> str:
    """The query behind every protocol-based row (named, so that it can be re-run)."""
    return (
        f"saylau.administration.results.okrug_results(session, {election!r}) "
        "[newest accepted protocol versions, summed in SQL by saylau.tabulate.aggregate."
        "tabulate] JOIN candidate (party, sex, incumbent, former_akim) "
        "JOIN okrug -> district -> region"
    )


def _unit_of(race: Race, level: str) -> str:
    match level:
        case "okrug":
            return race.okrug
        case "district":
            return race.district
        case "region":
            return race.region
        case _:
            return REPUBLIC


def _protocol_dists(data: ElectionData, races: Sequence[Race]) -> tuple[Dist, Dist]:
    """Seats and votes of a group of races by party and individual self-nominated."""
    seats = Dist(individual=True, complete=True)
    votes = Dist(individual=True, complete=True, unit_counts=False)
    for race in races:
        for code, count in race.votes.items():
            party = data.candidates[code].party if code in data.candidates else None
            target = votes.party if party else votes.self_items
            name = party or code
            target[name] = target.get(name, Val(0.0)) + Val(float(count))
        if race.winner is not None:
            party = data.candidates[race.winner].party
            target = seats.party if party else seats.self_items
            name = party or race.winner
            target[name] = target.get(name, Val(0.0)) + Val(1.0)
    seats.complete = any(r.winner for r in races) and all(r.winner for r in races)
    return seats, votes


def _protocol_analysis(rows: _Rows, level: str, modes: Sequence[indices.SelfNominatedMode]) -> None:
    data = rows.data
    query = protocol_query(data.code)
    groups: dict[str, list[Race]] = defaultdict(list)
    for race in data.races:
        groups[_unit_of(race, level)].append(race)
    for unit, races in sorted(groups.items()):
        key = (level, unit, PROTOCOLS)
        seats, votes = _protocol_dists(data, races)
        if seats.party or seats.self_items:
            _seat_rows(rows, key, seats, query=query)
        _vote_rows(rows, key, votes, races, query=query)
        _protocol_scalars(rows, key, races, query=query)
        _distribution_indices(rows, key, "votes", votes, modes, ids=(), query=query)
        if seats.complete:
            _distribution_indices(rows, key, "seats", seats, modes, ids=(), query=query)
            for mode in modes:
                v, s = votes.grouped(mode, unit), seats.grouped(mode, unit)
                if v is None or s is None:
                    continue
                rows.metric(
                    *key,
                    "loosemore_hanby",
                    indices.loosemore_hanby(v, s),
                    grouping=mode,
                    query=query,
                )
                rows.metric(*key, "gallagher", indices.gallagher(v, s), grouping=mode, query=query)
        if level != "okrug":
            for mode in modes:
                local = {
                    race.okrug: _protocol_dists(data, [race])[1].grouped(mode, race.okrug)
                    for race in races
                }
                if any(v is None for v in local.values()):
                    continue
                result = indices.party_system_inflation(local)  # type: ignore[arg-type]
                rows.metric(
                    *key,
                    "enp_local_mean_votes",
                    result.enp_local_mean,
                    grouping=mode,
                    query=query,
                )
                rows.metric(
                    *key, "aggregation_gap_votes", result.difference, grouping=mode, query=query
                )
                rows.metric(
                    *key,
                    "inflation_votes_pct",
                    result.inflation_pct,
                    grouping=mode,
                    query=query,
                )
    if level == "okrug":
        _race_rows(rows, query)
    if level != "republic" and len(groups) >= 2:
        for basis in ("votes", "seats"):
            units = []
            for unit, races in sorted(groups.items()):
                seats, votes = _protocol_dists(data, races)
                units.append((unit, votes if basis == "votes" else seats))
            if basis == "seats" and not all(d.complete for _, d in units):
                continue
            _nationalization_scores(rows, level, basis, units, modes, ids=(), query=query)


def _vote_rows(
    rows: _Rows, key: tuple[str, str, str], votes: Dist, races: Sequence[Race], *, query: str
) -> None:
    total = sum(v.value for v in votes.party.values()) + sum(
        v.value for v in votes.self_items.values()
    )
    entries = [(p, "party", v) for p, v in votes.party.items()]
    entries += [(f"self:{c}", "self", v) for c, v in votes.self_items.items()]
    against = [r.against_all for r in races if r.against_all is not None]
    for contestant, nomination, value in entries:
        rows.frames["votes"].append(
            {
                "level": key[0],
                "unit": key[1],
                "variant": key[2],
                "contestant": contestant,
                "nomination": nomination,
                "votes": value.value,
                "share": 100.0 * value.value / total if total else None,
                "figures": None,
                "query": query,
                "flagged": False,
            }
        )
    if against:
        rows.metric(*key, "against_all_votes", float(sum(against)), query=query)
        valid = total + sum(against)
        if valid:
            rows.metric(
                *key,
                "against_all_share",
                100.0 * sum(against) / valid,
                numerator=float(sum(against)),
                denominator=valid,
                query=query,
            )


def _share(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _protocol_scalars(
    rows: _Rows, key: tuple[str, str, str], races: Sequence[Race], *, query: str
) -> None:
    data = rows.data
    info = data.candidates
    okrugs = len(races)
    registered = [c for r in races for c in r.candidates]
    party_c = [c for c in registered if info[c].party]
    self_c = [c for c in registered if not info[c].party]
    winners = [r.winner for r in races if r.winner]
    contested = sum(1 for r in races if len(r.candidates) >= 2)
    voters = sum(r.voters_on_list for r in races)
    issued = sum(r.ballots_issued for r in races)

    def put(
        metric: str, value: float | None, num: float | None = None, den: float | None = None
    ) -> None:
        rows.metric(*key, metric, value, numerator=num, denominator=den, query=query)

    put("okrugs", float(okrugs))
    put("okrugs_decided", float(len(winners)))
    put("candidates", float(len(registered)))
    put("party_candidates", float(len(party_c)))
    put("self_candidates", float(len(self_c)))
    put("winners", float(len(winners)))
    if okrugs:
        put("candidates_per_okrug", len(registered) / okrugs, len(registered), okrugs)
        put("party_candidates_per_okrug", len(party_c) / okrugs, len(party_c), okrugs)
        put("self_candidates_per_okrug", len(self_c) / okrugs, len(self_c), okrugs)
        put("contested_share", _share(contested, okrugs), contested, okrugs)
    if registered:
        put(
            "party_candidates_share",
            _share(len(party_c), len(registered)),
            len(party_c),
            len(registered),
        )
        put(
            "self_candidates_share",
            _share(len(self_c), len(registered)),
            len(self_c),
            len(registered),
        )
    known_sex = [c for c in registered if info[c].sex in ("male", "female")]
    female = [c for c in known_sex if info[c].sex == "female"]
    if known_sex:
        put(
            "female_candidates_share",
            _share(len(female), len(known_sex)),
            len(female),
            len(known_sex),
        )
    if winners:
        self_w = [w for w in winners if not info[w].party]
        put("self_winners_share", _share(len(self_w), len(winners)), len(self_w), len(winners))
        sexed = [w for w in winners if info[w].sex in ("male", "female")]
        if sexed:
            women = [w for w in sexed if info[w].sex == "female"]
            put("female_winners_share", _share(len(women), len(sexed)), len(women), len(sexed))
        for flag, metric in (
            ("incumbent", "incumbents_reelected"),
            ("former_akim", "former_akims_elected"),
        ):
            known = [w for w in winners if getattr(info[w], flag) is not None]
            if known:
                yes = [w for w in known if getattr(info[w], flag)]
                put(metric, float(len(yes)))
                put(f"{metric}_share", _share(len(yes), len(known)), len(yes), len(known))
        standing = [c for c in registered if info[c].incumbent]
        if standing:
            put("incumbents_standing", float(len(standing)))
    if voters:
        put("turnout_pct", _share(issued, voters), issued, voters)
    margins = [m for m in (_margin(r) for r in races) if m is not None and m[1] is not None]
    if margins:
        values = [m[1] for m in margins if m[1] is not None]
        put("margin_mean_pct", sum(values) / len(values), None, float(len(values)))


def _margin(race: Race) -> tuple[int, float | None] | None:
    """Winner's lead over the runner-up, in votes and % of valid ballots (contested only)."""
    if race.winner is None or len(race.candidates) < 2:
        return None
    ordered = sorted(race.votes.values(), reverse=True)
    lead = ordered[0] - ordered[1]
    valid = sum(race.votes.values()) + (race.against_all or 0)
    return lead, (100.0 * lead / valid if valid else None)


def _race_rows(rows: _Rows, query: str) -> None:
    data = rows.data
    for race in sorted(data.races, key=lambda r: r.okrug):
        ordered = sorted(race.votes.values(), reverse=True)
        margin = _margin(race)
        winner = race.winner
        rows.frames["races"].append(
            {
                "okrug": race.okrug,
                "district": race.district,
                "region": race.region,
                "candidates": len(race.candidates),
                "contested": len(race.candidates) >= 2,
                "outcome": race.outcome,
                "winner": winner,
                "winner_party": (data.candidates[winner].party or SELF) if winner else None,
                "winner_votes": race.votes.get(winner) if winner else None,
                "runner_up_votes": ordered[1] if len(ordered) > 1 else None,
                "margin_votes": margin[0] if margin else None,
                "margin_pct": margin[1] if margin else None,
                "turnout_pct": _share(race.ballots_issued, race.voters_on_list),
                "query": query,
            }
        )


# --------------------------------------------------------------------------------------
# Volatility between elections, on matched units only
# --------------------------------------------------------------------------------------


def seats_by_unit(data: ElectionData, level: str) -> dict[str, Dist]:
    """Complete seat distributions of each unit at ``level`` (published or protocol)."""
    if data.source == "protocols":
        groups: dict[str, list[Race]] = defaultdict(list)
        for race in data.races:
            groups[_unit_of(race, level)].append(race)
        out = {}
        for unit, races in groups.items():
            seats, _ = _protocol_dists(data, races)
            if seats.complete:
                out[unit] = seats
        return out
    return {
        v.unit: d
        for v in figure_views(data, level)
        if v.variant == PUBLISHED and (d := seat_distribution(v)).complete
    }


def _pooled(dists: Iterable[Dist]) -> Dist:
    pooled = Dist(complete=True)
    for dist in dists:
        for party, value in dist.party.items():
            pooled.party[party] = pooled.party.get(party, Val(0.0)) + value
        total = dist.self_total
        if total is not None:
            pooled.self_items[SELF] = pooled.self_items.get(SELF, Val(0.0)) + total
    return pooled


def volatility(
    previous: ElectionData,
    current: ElectionData,
    level: str,
    modes: Sequence[indices.SelfNominatedMode],
) -> list[dict[str, object]]:
    """Pedersen volatility of seats between two elections, on the units both give.

    At ``republic`` the comparison pools the matched *regions* only, never a partial
    national total against a complete one. Party lineage (from the database) is applied to
    both elections. ``each_own_unit`` is not defined here: individual self-nominated
    candidates are not matched across elections.
    """
    below = "region" if level == "republic" else level
    before, after = seats_by_unit(previous, below), seats_by_unit(current, below)
    matched = sorted(set(before) & set(after))
    if not matched:
        return []
    lineage_text = ", ".join(f"{a} -> {b}" for a, b in sorted(current.lineage.items()))
    out: list[dict[str, object]] = []
    pairs: list[tuple[str, Dist, Dist]] = []
    if level != "republic":
        pairs += [(unit, before[unit], after[unit]) for unit in matched]
    pooled_unit = POOLED
    if level == "republic" or len(matched) > 1:
        pairs.append(
            (
                pooled_unit,
                _pooled(before[u] for u in matched),
                _pooled(after[u] for u in matched),
            )
        )
    query = None
    if previous.source == "protocols" or current.source == "protocols":
        query = "; ".join(
            protocol_query(d.code) for d in (previous, current) if d.source == "protocols"
        )
    for unit, old, new in pairs:
        units = matched if unit == POOLED else [unit]
        ids = [i for u in units for i in (*before[u].ids(), *after[u].ids())]
        for mode in modes:
            if mode == "each_own_unit":
                continue
            a, b = old.grouped(mode, unit), new.grouped(mode, unit)
            if not a or not b:
                continue
            out.append(
                {
                    "level": level,
                    "unit": unit,
                    "basis": "seats",
                    "grouping": mode,
                    "previous": previous.code,
                    "current": current.code,
                    "matched_units": len(units),
                    "pedersen": indices.pedersen(a, b, current.lineage),
                    "lineage": lineage_text or None,
                    "figures": ", ".join(dict.fromkeys(ids)) or None,
                    "query": query,
                    "flagged": not (previous.flagged_ids | current.flagged_ids).isdisjoint(ids),
                }
            )
    return out


def comparable_elections(service: Saylau, data: ElectionData) -> list[str]:
    """Other elections of the same type, by date; synthetic and real are never compared."""
    with service.session() as session:
        known = queries.elections(session)
    return [
        code
        for code, election in known.items()
        if code != data.code
        and election.type.value == data.type
        and election.synthetic == data.synthetic
    ]


# --------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------


def analyze(
    service: Saylau,
    election: str = DEFAULT_ELECTION,
    level: str | Level | None = None,
    *,
    self_nominated: SelfOption | str = "both",
    without_flagged: bool = False,
    compare: bool = True,
) -> dict[str, pl.DataFrame]:
    """Party competition of ``election`` at ``level`` (default: every level the data allow).

    Returns the frames named in :data:`FRAMES` (always all of them; empty when the data do
    not allow a measure): ``seats`` and ``votes`` by contestant, ``metrics`` (candidates,
    shares, turnout, margins, ENP, HHI, Rae, LH, Gallagher, inflation, PSNS), ``races``
    (okrugs, protocols only), ``nationalization`` (regions with seats, PNS) and
    ``volatility`` (Pedersen against every other election of the same type on the units
    both give).

    ``self_nominated`` is ``single_bin``, ``each_own_unit``, ``exclude`` or ``both``
    (single_bin and exclude). ``without_flagged`` drops the units that ``saylau check``
    flags (for the seed, Turkistan Region). ``compare=False`` skips the volatility search.
    """
    modes = groupings(str(self_nominated))
    data = load(service, election, without_flagged=without_flagged)
    if data.source == "none":
        raise AnalysisError("analytics.error.no_data", election=election)
    allowed = available_levels(data)
    if level is None:
        levels = allowed
    else:
        wanted = Level(level).value if isinstance(level, Level) else str(level)
        if wanted not in allowed:
            raise AnalysisError(
                "analytics.error.level_unavailable",
                level=wanted,
                election=election,
                available=", ".join(allowed),
            )
        levels = [wanted]
    rows = _Rows(data)
    for lvl in levels:
        if data.source == "protocols":
            _protocol_analysis(rows, lvl, modes)
        else:
            _figure_analysis(rows, lvl, modes)
    if compare:
        others = [
            load(service, code, without_flagged=without_flagged)
            for code in comparable_elections(service, data)
        ]
        for other in others:
            if other.source == "none":
                continue
            old, new = (other, data) if other.date <= data.date else (data, other)
            for lvl in levels:
                if lvl in available_levels(other):
                    rows.frames["volatility"].extend(volatility(old, new, lvl, modes))
    return {name: rows.frame(name) for name in FRAMES}
