"""Rural akim elections over time: the bundled ``kz-rural-akim-timeline`` and the seed.

The later public aggregates (research notes, section 2) are unlike each other: a figure for
one polling day in one region, a cumulative count since July 2021, a party's own claim,
district (not rural) akims, indirect elections of 2013 and 2017. This module never adds
them up. It lays them out as **series**: one series per measure, breakdown (party,
nomination, sex), scope (the republic or one region), type of election and coverage
(``event`` — the elections of one polling day or year; ``cumulative`` — every election since
25 July 2021 up to a report; ``claim`` — a party's own count). Ratios (candidates per okrug,
self-nominated share of the winners, ENP by seats) are computed within one election at a
time, and volatility only between elections that give the same units.

The dataset is loaded into the database on first use (idempotently, with an audit entry),
like the seed is by ``Saylau.ensure_ready``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from saylau.analytics import competition
from saylau.analytics.competition import PUBLISHED, REGIONAL_SUM, REPUBLIC, analyze
from saylau.datasets import bundled, package
from saylau.domain import Measure
from saylau.store import queries

if TYPE_CHECKING:
    from saylau.service import Saylau

__all__ = [
    "DATASET",
    "LEFT_OUT",
    "TYPES",
    "LeftOut",
    "build_descriptor",
    "coverage",
    "descriptor",
    "ensure_loaded",
    "over_time",
]

DATASET = "kz-rural-akim-timeline"
TYPES = ("rural_akim_indirect", "rural_akim", "district_akim")
SYSTEM_ACTOR = "system"
Coverage = Literal["event", "cumulative", "claim"]

SERIES_MEASURES = (
    Measure.AKIM_POSTS,
    Measure.OKRUGS_CONTESTED,
    Measure.CANDIDATES_NOMINATED,
    Measure.CANDIDATES_REGISTERED,
    Measure.WINNERS,
    Measure.AKIMS_TO_BE_ELECTED,
    Measure.VOTERS,
    Measure.POLLING_STATIONS,
)
RATIO_METRICS = (
    "candidates_per_post",
    "candidates_per_okrug",
    "candidates_per_winner",
    "registered_share_of_nominated",
    "party_candidates_share",
    "self_candidates_share",
    "female_candidates_share",
    "self_winners_share",
    "female_winners_share",
    "enp_seats",
    "golosov_seats",
)


def coverage(code: str) -> Coverage:
    """What one election row of the timeline covers, from its code.

    ``…-<from>-to-<as of>…`` is a cumulative report; ``…-claim`` a party's own count;
    anything else one polling day (or the elections of one year, for 2013 and 2017).
    """
    if code.endswith("-claim"):
        return "claim"
    if re.search(r"-\d{4}-\d{2}-to-\d{4}-\d{2}", code):
        return "cumulative"
    return "event"


@dataclass(frozen=True)
class LeftOut:
    """A figure of the research notes the timeline does not store, and why."""

    key: str
    election: str | None
    measure_needed: str
    url: str | None


LEFT_OUT: tuple[LeftOut, ...] = (
    LeftOut(
        "tokayev_2024",
        None,
        "elections_held; akim_posts_elected_share_pct",
        "bes.media",
    ),
    LeftOut(
        "karin_2025",
        None,
        "akim_posts_elected (with a lower-bound qualifier)",
        "https://www.inform.kz/ru/erlan-karin-rasskazal-o-pervih-itogah-pryamih-viborov-akimov-3024fb",
    ),
    LeftOut(
        "aug_2023_shares",
        "kz-rural-akim-2021-07-to-2023-08",
        "winners_share_pct",
        "informburo.kz; inform.kz a4101480",
    ),
    LeftOut(
        "nur_otan_self_members",
        "kz-2021-rural-akim-nur-otan-claim",
        "winners_by_party_membership; winners_share_pct",
        "https://kt.kz/rus/politics/-_1377926517.html",
    ),
    LeftOut(
        "pilot_turnout",
        "kz-district-akim-2023-11-05",
        "turnout_pct",
        "nur-news.net № 165014",
    ),
    LeftOut(
        "pilot_incumbents",
        "kz-district-akim-2023-11-05",
        "winners_incumbent",
        "https://cabar.asia/en/kazakhstan-akims-win-akim-elections",
    ),
    LeftOut(
        "sko_voted",
        "kz-rural-akim-2023-08-27-KZ-59",
        "voters_participated",
        "https://ru.qyzyljarnews.kz",
    ),
    LeftOut(
        "kyzylorda_other",
        "kz-rural-akim-2021-07-to-2026-01-KZ-43",
        "elections_held; winners_incumbent; akims_in_office",
        "https://www.inform.kz/ru/zhiteli-kizilordinskoy-oblasti-za-pyat-let-izbrali-bolee-200-akimov-bcee7b",
    ),
    LeftOut(
        "planned_2023_24",
        "kz-rural-akim-2021-07-to-2022-07",
        "akims_to_be_elected for a second period (a period breakdown)",
        "https://www.caravan.kz/news/za-god-korpus-selskikh-akimov-v-kazakhstane-obnovilsya-na-556-865433",
    ),
)
"""The figures left out of the bundled timeline, the measures they would need, and why."""


# --------------------------------------------------------------------------------------
# Loading and describing the dataset
# --------------------------------------------------------------------------------------


def ensure_loaded(service: Saylau) -> bool:
    """Load the bundled timeline unless this version already is (``Saylau.ensure_ready`` does
    it on opening; kept for callers holding a service opened with ``prepare=False``)."""
    return service.load_bundled(DATASET)


TITLE = "Rural akim elections in Kazakhstan over time: public aggregates, 2013-2026"
DESCRIPTION = (
    "Later public aggregates of akim elections in Kazakhstan, transcribed from the saylau "
    "research notes (section 2), each figure with its source and a confidence mark in "
    "`note` ([S] stated by the source, [S-deriv] worked out from stated numbers): the "
    "indirect elections of 2013 and 2017 (with the 2017 table by oblast), Nur Otan's "
    "year-end claim for 2021 (a party claim), the cumulative counts reported by Yerlan "
    "Karin in July 2022 and August 2023, the North Kazakhstan elections of 27 August 2023, "
    "the district akim pilot of 5 November 2023 and the Kyzylorda Region report of January "
    "2026. Cumulative counts, one-day events, party claims and district akims are separate "
    "election rows and are never added together. Figures that no measure of the format can "
    "hold honestly are left out and listed in README.md. Region and party codes are those of "
    "the kz-2021-rural-akim dataset, which is loaded first. Real data, not synthetic."
)
SOURCES = [
    {"title": "saylau research notes, section 2 (kz_elections_facts.md)"},
    {
        "title": "PBN H+K Strategies (2013)",
        "path": "http://pbn-hkstrategies.com/en/Insights/Kazakhstan-Inaugurates-Local-Elections",
    },
    {
        "title": "echo.kz (2017)",
        "path": "http://www.echo.kz/35-zavershilis-vybory-selskikh-akimov.html",
    },
    {"title": "kt.kz (Nur Otan, Dec 2021)", "path": "https://kt.kz/rus/politics/-_1377926517.html"},
    {
        "title": "caravan.kz (Jul 2022)",
        "path": "https://www.caravan.kz/news/za-god-korpus-selskikh-akimov-v-kazakhstane-obnovilsya-na-556-865433",
    },
    {"title": "informburo.kz / inform.kz a4101480 (Aug 2023)"},
    {"title": "ru.qyzyljarnews.kz (Aug 2023)", "path": "https://ru.qyzyljarnews.kz"},
    {"title": "nur-news.net item 165014 (Nov 2023)"},
    {
        "title": "CABAR.asia (Nov 2023)",
        "path": "https://cabar.asia/en/kazakhstan-akims-win-akim-elections",
    },
    {
        "title": "inform.kz (Kyzylorda, Jan 2026)",
        "path": "https://www.inform.kz/ru/zhiteli-kizilordinskoy-oblasti-za-pyat-let-izbrali-bolee-200-akimov-bcee7b",
    },
]


def descriptor() -> dict[str, Any]:
    """The dataset's ``datapackage.json``: :func:`saylau.datasets.package.descriptor`, with
    this dataset's own title, description, sources and keywords."""
    folder = bundled.folder(DATASET)
    out = package.descriptor(DATASET, folder)
    out["title"] = TITLE
    out["description"] = DESCRIPTION
    out["sources"] = SOURCES
    # Regions and parties are those of the seed dataset (kz-2021-rural-akim), loaded first;
    # a foreign key to a resource outside this package would make it invalid on its own.
    present = {resource["name"] for resource in out["resources"]}
    for resource in out["resources"]:
        schema = resource["schema"]
        keys = [
            key for key in schema.get("foreignKeys", []) if key["reference"]["resource"] in present
        ]
        if keys:
            schema["foreignKeys"] = keys
        else:
            schema.pop("foreignKeys", None)
    out["keywords"] = [
        "Kazakhstan",
        "elections",
        "rural akims",
        "district akims",
        "local government",
        "time series",
    ]
    return out


def render_descriptor() -> str:
    """The descriptor as the JSON text stored beside the CSV files."""
    return json.dumps(descriptor(), ensure_ascii=False, indent=2) + "\n"


def build_descriptor(folder: Path | None = None) -> Path:
    """Write ``datapackage.json`` into the dataset folder (the dataset's build step)."""
    target = (folder or bundled.folder(DATASET)) / "datapackage.json"
    target.write_text(render_descriptor(), encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------
# The analysis over time
# --------------------------------------------------------------------------------------

TIMELINE_FRAMES: dict[str, dict[str, Any]] = {
    "series": {
        "series": pl.String,
        "measure": pl.String,
        "party": pl.String,
        "nomination": pl.String,
        "sex": pl.String,
        "scope": pl.String,
        "type": pl.String,
        "coverage": pl.String,
        "election": pl.String,
        "date": pl.Date,
        "variant": pl.String,
        "value": pl.Float64,
        "approximate": pl.Boolean,
        "confidence": pl.String,
        "figures": pl.String,
        "sources": pl.String,
        "flagged": pl.Boolean,
    },
    "ratios": {
        "election": pl.String,
        "date": pl.Date,
        "type": pl.String,
        "coverage": pl.String,
        "scope": pl.String,
        "variant": pl.String,
        "metric": pl.String,
        "grouping": pl.String,
        "value": pl.Float64,
        "numerator": pl.Float64,
        "denominator": pl.Float64,
        "figures": pl.String,
        "flagged": pl.Boolean,
    },
    "volatility": dict(competition.FRAMES["volatility"]),
}

_CONFIDENCE = re.compile(r"^\s*\[(S-deriv|S-weak|S|M|\?)\]")


def _confidence(note: str | None, source_kind: str | None) -> str | None:
    if note:
        found = _CONFIDENCE.match(note)
        if found:
            return found.group(1)
    return "paper" if source_kind == "paper" else None


def over_time(
    service: Saylau, *, self_nominated: str = "both", load_timeline: bool = True
) -> dict[str, pl.DataFrame]:
    """How rural akim elections and party competition evolve, without mixing measures.

    Frames: ``series`` (every stored figure of the rural and district akim elections, one
    labelled series per measure/breakdown/scope/type/coverage), ``ratios`` (candidates per
    okrug or post or winner, nomination and sex shares, ENP by seats — each computed inside
    one election) and ``volatility`` (Pedersen on matched units between elections of the
    same type, with party lineage).
    """
    modes = competition.groupings(self_nominated)
    if load_timeline:
        ensure_loaded(service)
    with service.session() as session:
        elections = queries.elections(session)
        sources = queries.sources(session)
    chosen = [e for e in elections.values() if e.type.value in TYPES and not e.synthetic]
    series_rows: list[dict[str, object]] = []
    ratio_rows: list[dict[str, object]] = []
    loaded: dict[str, competition.ElectionData] = {}
    for election in chosen:
        data = competition.load(service, election.code)
        if data.source != "figures":
            continue
        loaded[election.code] = data
        kind = coverage(election.code)
        by_id = {f.id: f for f in service.figures(election.code)}
        levels = competition.available_levels(data)
        regions = {str(r["unit"]) for r in data.figures if r["level"] == "region"}
        single_region = len(regions) == 1 and not any(
            r["level"] == "republic" for r in data.figures
        )
        top = "region" if single_region else "republic"
        scope = next(iter(regions)) if single_region else REPUBLIC
        for view in competition.figure_views(data, top):
            if top == "republic" and view.variant == REGIONAL_SUM:
                published = {
                    key
                    for v in competition.figure_views(data, "republic")
                    if v.variant == PUBLISHED
                    for key in v.values
                }
            else:
                published = set()
            for (measure, party, nomination, sex), value in sorted(
                view.values.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2], kv[0][3])
            ):
                if measure not in {m.value for m in SERIES_MEASURES}:
                    continue
                if (measure, party, nomination, sex) in published:
                    continue  # the published national figure is the series' point
                first = by_id.get(value.ids[0]) if value.ids else None
                note = first.provenance.note if first else None
                source = sources.get(first.provenance.source) if first else None
                urls = sorted(
                    {
                        (sources[s].url or s)
                        for i in value.ids
                        if (f := by_id.get(i)) and (s := f.provenance.source) in sources
                    }
                )
                key = "|".join(
                    [measure, party or "-", nomination, sex, scope, election.type.value, kind]
                )
                series_rows.append(
                    {
                        "series": key,
                        "measure": measure,
                        "party": party,
                        "nomination": nomination,
                        "sex": sex,
                        "scope": view.unit if top == "region" else REPUBLIC,
                        "type": election.type.value,
                        "coverage": kind,
                        "election": election.code,
                        "date": election.date,
                        "variant": view.variant,
                        "value": value.value,
                        "approximate": any(by_id[i].approximate for i in value.ids if i in by_id),
                        "confidence": _confidence(note, source.kind if source else None),
                        "figures": ", ".join(value.ids),
                        "sources": "; ".join(urls),
                        "flagged": not data.flagged_ids.isdisjoint(value.ids),
                    }
                )
        if top not in levels:
            continue
        result = analyze(service, election.code, top, self_nominated=self_nominated, compare=False)
        metrics = result["metrics"].filter(pl.col("metric").is_in(RATIO_METRICS))
        for row in metrics.iter_rows(named=True):
            ratio_rows.append(
                {
                    "election": election.code,
                    "date": election.date,
                    "type": election.type.value,
                    "coverage": kind,
                    "scope": row["unit"],
                    "variant": row["variant"],
                    "metric": row["metric"],
                    "grouping": row["grouping"],
                    "value": row["value"],
                    "numerator": row["numerator"],
                    "denominator": row["denominator"],
                    "figures": row["figures"],
                    "flagged": row["flagged"],
                }
            )
    volatility_rows = _volatility(loaded, modes)
    # The matched regions of a national election, beside the regional election they match
    # (e.g. North Kazakhstan in 2021 beside North Kazakhstan on 27 Aug 2023).
    matched = {(str(r["previous"]), str(r["unit"])) for r in volatility_rows}
    for code, unit in sorted(matched):
        if any(r["election"] == code and r["scope"] == unit for r in ratio_rows):
            continue
        election = elections[code]
        result = analyze(service, code, "region", self_nominated=self_nominated, compare=False)
        metrics = result["metrics"].filter(
            pl.col("metric").is_in(RATIO_METRICS) & (pl.col("unit") == unit)
        )
        for row in metrics.iter_rows(named=True):
            ratio_rows.append(
                {
                    "election": code,
                    "date": election.date,
                    "type": election.type.value,
                    "coverage": coverage(code),
                    "scope": unit,
                    "variant": row["variant"],
                    "metric": row["metric"],
                    "grouping": row["grouping"],
                    "value": row["value"],
                    "numerator": row["numerator"],
                    "denominator": row["denominator"],
                    "figures": row["figures"],
                    "flagged": row["flagged"],
                }
            )
    series = pl.DataFrame(series_rows, schema=TIMELINE_FRAMES["series"], orient="row").sort(
        ["series", "date"]
    )
    ratios = pl.DataFrame(ratio_rows, schema=TIMELINE_FRAMES["ratios"], orient="row").sort(
        ["metric", "grouping", "date"], nulls_last=False
    )
    volatility = pl.DataFrame(volatility_rows, schema=TIMELINE_FRAMES["volatility"], orient="row")
    return {"series": series, "ratios": ratios, "volatility": volatility}


def _volatility(
    loaded: dict[str, competition.ElectionData], modes: Sequence[str]
) -> list[dict[str, object]]:
    """Pedersen between every earlier and later event of the same type, on matched regions.

    Cumulative reports and claims are not events; they are never compared.
    """
    events = sorted(
        (d for d in loaded.values() if coverage(d.code) == "event"), key=lambda d: d.date
    )
    out: list[dict[str, object]] = []
    for i, previous in enumerate(events):
        for current in events[i + 1 :]:
            if previous.type != current.type:
                continue
            out += competition.volatility(previous, current, "region", modes)  # type: ignore[arg-type]
    return out
