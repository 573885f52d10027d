"""Rural akim seats beside party-list votes: the 2021 akim elections and the Majilis.

Each party's share of the akims elected in 2021 (the seed's Tables 3-4, summed over the
regions) is set beside its published list vote share in the Majilis elections of
10 January 2021 and 19 March 2023 (bundled in ``saylau/datasets/kz-majilis``; party codes
are the registry's, so ``amanat`` is Nur Otan in 2021). The agreement of the orderings is
Spearman's rank correlation, computed here by hand (SciPy is not needed):

* each series is ranked 1..n from the largest value, tied values sharing the mean of the
  ranks they occupy ("average" ranks, as ``polars.Series.rank("average")`` gives);
* rho is Pearson's correlation of the two rank vectors. Without ties this equals
  ``1 - 6 Σ d² / (n (n² - 1))``; with ties only the Pearson form is exact.

Only parties on both sides are compared: a party that did not stand (NSDP boycotted the
2021 Majilis election; Respublica and Baytaq did not exist in 2021; Adal had merged into
AMANAT before 2023) is left out of that pair and named in the output. For the 2023 pair
the 2021 akim seats are also compared after applying the party lineage of the database
(Adal -> AMANAT), as a second variant.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

import polars as pl

from saylau.analytics import indices
from saylau.analytics.competition import (
    DEFAULT_ELECTION,
    REGIONAL_SUM,
    AnalysisError,
    ElectionData,
    figure_views,
    load,
    seat_distribution,
)
from saylau.i18n import t

if TYPE_CHECKING:
    from saylau.service import Saylau

__all__ = [
    "MAJILIS",
    "MajilisResult",
    "average_ranks",
    "chart_spec",
    "chart_svg",
    "compare",
    "majilis_results",
    "spearman",
]

MAJILIS = ("majilis_2021", "majilis_2023")
MAJILIS_FOLDER = "kz-majilis"


@dataclass(frozen=True)
class MajilisResult:
    """One party's list result as published."""

    party: str
    votes: int
    share_pct: Decimal
    seats: int
    source: str


def majilis_results(code: str) -> dict[str, MajilisResult]:
    """The party rows of a bundled Majilis election (``majilis_2021`` or ``majilis_2023``)."""
    if code not in MAJILIS:
        raise AnalysisError("analytics.error.majilis_unknown", code=code, known=", ".join(MAJILIS))
    path = resources.files("saylau.datasets") / MAJILIS_FOLDER / f"{code}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["party_code"]: MajilisResult(
                row["party_code"],
                int(row["votes"]),
                Decimal(row["share_pct_published"]),
                int(row["seats_published"]),
                row["source"],
            )
            for row in csv.DictReader(handle)
        }


def majilis_date(code: str) -> str:
    """Polling day of a bundled Majilis election (ISO)."""
    path = resources.files("saylau.datasets") / MAJILIS_FOLDER / "elections.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["code"] == code:
                return row["date"]
    raise AnalysisError("analytics.error.majilis_unknown", code=code, known=", ".join(MAJILIS))


# --------------------------------------------------------------------------------------
# Spearman's rank correlation, by hand
# --------------------------------------------------------------------------------------


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n from the largest value; ties share the mean of the ranks they occupy.

    ``[10, 20, 20, 5]`` -> ``[3, 1.5, 1.5, 4]``.
    """
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0.0] * len(values)
    position = 0
    while position < len(order):
        end = position
        while end + 1 < len(order) and values[order[end + 1]] == values[order[position]]:
            end += 1
        mean = (position + 1 + end + 1) / 2
        for k in range(position, end + 1):
            ranks[order[k]] = mean
        position = end + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: Pearson's correlation of the average ranks of ``x`` and ``y``.

    Raises :class:`AnalysisError` when fewer than two pairs are given or one side has all
    values equal (rho is then undefined).
    """
    if len(x) != len(y):
        raise AnalysisError("analytics.error.spearman_lengths", x=len(x), y=len(y))
    if len(x) < 2:
        raise AnalysisError("analytics.error.spearman_too_few", n=len(x))
    rx, ry = average_ranks(x), average_ranks(y)
    mx, my = math.fsum(rx) / len(rx), math.fsum(ry) / len(ry)
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = math.fsum((a - mx) ** 2 for a in rx)
    syy = math.fsum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        raise AnalysisError("analytics.error.spearman_constant")
    return sxy / math.sqrt(sxx * syy)


# --------------------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------------------


def _akim_seats(data: ElectionData) -> tuple[dict[str, float], float, tuple[str, ...]]:
    """Party seats, all seats (self-nominated included) and figure ids, Σ over regions."""
    views = [v for v in figure_views(data, "republic") if v.variant == REGIONAL_SUM]
    if not views:
        raise AnalysisError("analytics.error.no_seats", election=data.code)
    dist = seat_distribution(views[0])
    if not dist.complete:
        raise AnalysisError("analytics.error.no_seats", election=data.code)
    seats = {p: v.value for p, v in dist.party.items()}
    total = dist.known_total() or 0.0
    return seats, total, dist.ids()


COMPARE_FRAMES: dict[str, dict[str, Any]] = {
    "shares": {
        "variant": pl.String,
        "party": pl.String,
        "akim_seats": pl.Float64,
        "akim_share_all": pl.Float64,
        "akim_share_parties": pl.Float64,
        "akim_rank": pl.Float64,
        "majilis_2021_share": pl.Float64,
        "majilis_2021_rank": pl.Float64,
        "majilis_2023_share": pl.Float64,
        "majilis_2023_rank": pl.Float64,
        "figures": pl.String,
        "sources": pl.String,
        "flagged": pl.Boolean,
    },
    "spearman": {
        "variant": pl.String,
        "pair": pl.String,
        "lineage": pl.Boolean,
        "n": pl.Int64,
        "parties": pl.String,
        "left_out": pl.String,
        "rho": pl.Float64,
        "figures": pl.String,
        "sources": pl.String,
        "flagged": pl.Boolean,
    },
    "pedersen": {
        "previous": pl.String,
        "current": pl.String,
        "basis": pl.String,
        "lineage": pl.String,
        "pedersen": pl.Float64,
        "sources": pl.String,
    },
}


def compare(
    service: Saylau,
    election: str = DEFAULT_ELECTION,
    *,
    variants: Sequence[str] = ("all", "without_flagged"),
) -> dict[str, pl.DataFrame]:
    """Akim seat shares beside Majilis list vote shares, Spearman's rho and Pedersen.

    ``variants``: ``all`` uses every row of the seed's tables; ``without_flagged`` drops the
    units ``saylau check`` flags (Turkistan Region). Frames: ``shares`` (one row per party
    and variant), ``spearman`` (one row per pair, variant and lineage treatment) and
    ``pedersen`` (Majilis 2021 -> 2023 list votes, with and without lineage).
    """
    results = {code: majilis_results(code) for code in MAJILIS}
    sources = {
        code: ", ".join(sorted({r.source for r in rows.values()})) for code, rows in results.items()
    }
    out: dict[str, list[dict[str, object]]] = {name: [] for name in COMPARE_FRAMES}
    for variant in variants:
        data = load(service, election, without_flagged=variant == "without_flagged")
        seats, total, ids = _akim_seats(data)
        flagged = not data.flagged_ids.isdisjoint(ids)
        party_total = sum(seats.values())
        parties = sorted(set(seats) | {p for rows in results.values() for p in rows})
        akim_ranks = dict(zip(seats, average_ranks(list(seats.values())), strict=True))
        ranks = {
            code: dict(
                zip(rows, average_ranks([float(r.votes) for r in rows.values()]), strict=True)
            )
            for code, rows in results.items()
        }
        for party in parties:
            row: dict[str, object] = {
                "variant": variant,
                "party": party,
                "akim_seats": seats.get(party),
                "akim_share_all": 100.0 * seats[party] / total if party in seats else None,
                "akim_share_parties": (
                    100.0 * seats[party] / party_total if party in seats else None
                ),
                "akim_rank": akim_ranks.get(party),
                "figures": ", ".join(ids),
                "sources": "; ".join(sources.values()),
                "flagged": flagged,
            }
            for code in MAJILIS:
                found = results[code].get(party)
                row[f"{code}_share"] = float(found.share_pct) if found else None
                row[f"{code}_rank"] = ranks[code].get(party)
            out["shares"].append(row)
        for code in MAJILIS:
            for with_lineage in (False, True):
                if with_lineage and not data.lineage:
                    continue
                counts = indices.apply_lineage(seats, data.lineage) if with_lineage else seats
                votes = {p: float(r.votes) for p, r in results[code].items()}
                both = sorted(set(counts) & set(votes))
                left = sorted(set(counts) ^ set(votes))
                if code == "majilis_2021" and with_lineage:
                    continue  # the 2021 Majilis came before any merger: lineage changes nothing
                out["spearman"].append(
                    {
                        "variant": variant,
                        "pair": f"{election}~{code}",
                        "lineage": with_lineage,
                        "n": len(both),
                        "parties": ", ".join(both),
                        "left_out": ", ".join(left) or None,
                        "rho": spearman([counts[p] for p in both], [votes[p] for p in both]),
                        "figures": ", ".join(ids),
                        "sources": sources[code],
                        "flagged": flagged,
                    }
                )
    lineage_map = load(service, election).lineage
    before = {p: float(r.votes) for p, r in results["majilis_2021"].items()}
    after = {p: float(r.votes) for p, r in results["majilis_2023"].items()}
    for mapping in ({}, lineage_map):
        out["pedersen"].append(
            {
                "previous": "majilis_2021",
                "current": "majilis_2023",
                "basis": "votes",
                "lineage": ", ".join(f"{a} -> {b}" for a, b in sorted(mapping.items())) or None,
                "pedersen": indices.pedersen(before, after, mapping or None),
                "sources": "; ".join(sources.values()),
            }
        )
    return {
        name: pl.DataFrame(rows, schema=COMPARE_FRAMES[name], orient="row")
        for name, rows in out.items()
    }


# --------------------------------------------------------------------------------------
# The chart (Altair -> Vega-Lite -> SVG, offline)
# --------------------------------------------------------------------------------------


def chart_spec(
    shares: pl.DataFrame, lang: str, party_names: Mapping[str, str], variant: str = "all"
) -> dict[str, Any]:
    """A Vega-Lite spec of grouped bars: akim seat share 2021 and Majilis list shares.

    The data are inline values (no URL), so rendering needs no network.
    """
    import altair as alt

    series = {
        "akim_share_all": t("analytics.chart.akim_2021", lang),
        "majilis_2021_share": t("analytics.chart.majilis_2021", lang),
        "majilis_2023_share": t("analytics.chart.majilis_2023", lang),
    }
    records = []
    for row in shares.filter(pl.col("variant") == variant).iter_rows(named=True):
        for column, label in series.items():
            value = row[column]
            if value is not None:
                records.append(
                    {
                        "party": party_names.get(row["party"], row["party"]),
                        "series": label,
                        "share": round(float(value), 2),
                    }
                )
    chart = (
        alt.Chart(alt.Data(values=records))
        .mark_bar()
        .encode(
            x=alt.X("party:N", title=t("analytics.chart.party", lang), sort="-y"),
            xOffset=alt.XOffset("series:N", sort=list(series.values())),
            y=alt.Y("share:Q", title=t("analytics.chart.share", lang)),
            color=alt.Color(
                "series:N",
                title=t("analytics.chart.series", lang),
                sort=list(series.values()),
            ),
            tooltip=["party:N", "series:N", "share:Q"],
        )
        .properties(title=t("analytics.chart.title", lang), width=520, height=300)
    )
    spec: dict[str, Any] = chart.to_dict()
    spec.pop("$schema", None)  # the schema URL is never fetched, but keep the spec URL-free
    return spec


def remote_urls(spec: object) -> list[str]:
    """Every ``url`` value anywhere in a spec (must be empty for offline rendering)."""
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "url" and isinstance(value, str):
                found.append(value)
            found += remote_urls(value)
    elif isinstance(spec, list):
        for item in spec:
            found += remote_urls(item)
    return found


def chart_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG with vl-convert (offline)."""
    import vl_convert

    urls = remote_urls(spec)
    if urls:
        raise AnalysisError("analytics.error.chart_remote", urls=", ".join(urls))
    return str(vl_convert.vegalite_to_svg(spec))
