"""The analysis frames as report tables in Kazakh, Russian and English.

Frames keep codes and raw numbers (for CSV and JSON); these tables show names in the chosen
language and rounded numbers. Every message is in the catalogue (``analytics.*`` keys).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import select

from saylau.analytics.competition import (
    PARTY_UNSPECIFIED,
    POOLED,
    REPUBLIC,
    SELF,
    UNSPECIFIED,
)
from saylau.analytics.findings import PaperFinding
from saylau.analytics.timeline import LEFT_OUT
from saylau.i18n import fmt_decimal, fmt_int, t
from saylau.reports.seed_tables import party_names_at
from saylau.reports.table import Cell, Col, ReportTable
from saylau.store import queries
from saylau.store.schema import CandidateRow, DistrictRow, OkrugRow

if TYPE_CHECKING:
    from saylau.service import Saylau

__all__ = [
    "METRICS",
    "Names",
    "analysis_tables",
    "compare_tables",
    "findings_table",
    "load_names",
    "timeline_tables",
]

# Every metric the analysis produces, with the number of decimals it is shown with.
METRICS: dict[str, int] = {
    "okrugs": 0,
    "okrugs_decided": 0,
    "akim_posts": 0,
    "candidates": 0,
    "candidates_nominated": 0,
    "party_candidates": 0,
    "self_candidates": 0,
    "winners": 0,
    "candidates_per_okrug": 2,
    "candidates_per_post": 2,
    "candidates_per_winner": 2,
    "party_candidates_per_okrug": 2,
    "self_candidates_per_okrug": 2,
    "registered_share_of_nominated": 2,
    "party_candidates_share": 2,
    "self_candidates_share": 2,
    "female_candidates_share": 2,
    "self_winners_share": 2,
    "female_winners_share": 2,
    "contested_share": 2,
    "turnout_pct": 2,
    "margin_mean_pct": 2,
    "against_all_votes": 0,
    "against_all_share": 2,
    "incumbents_standing": 0,
    "incumbents_reelected": 0,
    "incumbents_reelected_share": 2,
    "former_akims_elected": 0,
    "former_akims_elected_share": 2,
    "enp_seats": 4,
    "golosov_seats": 4,
    "hhi_seats": 4,
    "rae_seats": 4,
    "enp_votes": 4,
    "golosov_votes": 4,
    "hhi_votes": 4,
    "rae_votes": 4,
    "loosemore_hanby": 4,
    "gallagher": 4,
    "enp_local_mean_seats": 4,
    "aggregation_gap_seats": 4,
    "inflation_seats_pct": 2,
    "enp_local_mean_votes": 4,
    "aggregation_gap_votes": 4,
    "inflation_votes_pct": 2,
    "psns_seats_region": 4,
    "psns_seats_district": 4,
    "psns_seats_okrug": 4,
    "psns_votes_region": 4,
    "psns_votes_district": 4,
    "psns_votes_okrug": 4,
}
VARIANTS = ("published", "regional_sum", "protocols")
GROUPINGS = ("single_bin", "each_own_unit", "exclude")
LEVELS = ("okrug", "district", "region", "republic")
COVERAGES = ("event", "cumulative", "claim")
TYPES = ("rural_akim", "rural_akim_indirect", "district_akim")
SEXES = ("male", "female")
NOMINATIONS = ("party", "self")
IDS_SHOWN = 2


@dataclass
class Names:
    """Display names in one language: parties (as named on a day), units, candidates."""

    lang: str
    parties: dict[str, str] = field(default_factory=dict)
    parties_now: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    candidates: dict[str, str] = field(default_factory=dict)
    elections: dict[str, str] = field(default_factory=dict)

    def party(self, code: str | None) -> str:
        """A party, a self-nominated candidate or a pseudo-party, by its key."""
        if code is None:
            return "—"
        if code == SELF:
            return t("analytics.contestant.self", self.lang)
        if code == PARTY_UNSPECIFIED:
            return t("analytics.contestant.party_unspecified", self.lang)
        if code == UNSPECIFIED:
            return t("analytics.contestant.unspecified", self.lang)
        if code.startswith("self:"):
            name = self.candidates.get(code[5:], code[5:])
            return t("analytics.contestant.self_candidate", self.lang, name=name)
        return self.parties.get(code, code)

    def unit(self, code: str | None) -> str:
        """A unit (region, district, okrug or the republic) by its code."""
        if code is None:
            return "—"
        if code == REPUBLIC:
            return t("analytics.unit.republic", self.lang)
        if code == POOLED:
            return t("analytics.unit.pooled", self.lang)
        return self.units.get(code, code)

    def election(self, code: str | None) -> str:
        """An election by its code."""
        return self.elections.get(code or "", code or "—")


def load_names(service: Saylau, lang: str, day: dt.date | None = None) -> Names:
    """Names in ``lang``; parties as they were called on ``day`` (default: today)."""
    names = Names(lang)
    with service.session() as session:
        periods = [
            (name.party, name.valid_from, name.valid_to, name.names, short)
            for name, short in queries.party_names(session)
        ]
        _, short = party_names_at(periods, day or dt.date.today())
        names.parties = {code: n.get(lang) for code, n in short.items()}
        _, current = party_names_at(periods, dt.date.today())
        names.parties_now = {code: n.get(lang) for code, n in current.items()}
        for code, region in queries.regions(session).items():
            names.units[code] = region.names.get(lang)
        for row in session.scalars(select(DistrictRow)):
            names.units[row.code] = getattr(row, f"name_{lang}")
        for row in session.scalars(select(OkrugRow)):
            names.units[row.code] = getattr(row, f"name_{lang}")
        for row in session.scalars(select(CandidateRow)):
            names.candidates[row.code] = row.name
        names.elections = {
            code: e.names.get(lang) for code, e in queries.elections(session).items()
        }
    return names


# --------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------


def _num(value: float | None, lang: str, digits: int) -> Cell:
    if value is None:
        return Cell(None, "—")
    if digits == 0 and float(value).is_integer():
        return Cell(int(value), fmt_int(int(value), lang))
    return Cell(round(float(value), 6), fmt_decimal(round(float(value), digits), lang, digits))


def _ids(text: str | None, flagged: bool = False) -> Cell:
    if not text:
        return Cell(None, "—", flagged)
    ids = [i.strip() for i in text.split(",") if i.strip()]
    shown = ", ".join(ids[:IDS_SHOWN])
    if len(ids) > IDS_SHOWN:
        shown += f", … (+{len(ids) - IDS_SHOWN})"
    return Cell(text, shown, flagged)


def _basis(row: Mapping[str, Any], lang: str) -> Cell:
    if row.get("figures"):
        return _ids(row["figures"], bool(row.get("flagged")))
    if row.get("query"):
        return Cell(row["query"], t("analytics.basis.query", lang))
    return Cell(None, "—")


def _yes(value: bool | None, lang: str, *, warn: bool = False) -> Cell:
    """Yes or no; with ``warn`` a yes is marked for attention (flagged rows)."""
    if value is None:
        return Cell(None, "—")
    return Cell(value, t("analytics.yes" if value else "analytics.no", lang), warn and value)


def _label(prefix: str, value: str | None, lang: str) -> Cell:
    if value is None:
        return Cell(None, "—")
    return Cell(value, t(f"analytics.{prefix}.{value}", lang))


def _col(key: str, lang: str, align: str = "left") -> Col:
    return Col(key, t(f"analytics.col.{key}", lang), align)  # type: ignore[arg-type]


def _notes_common(lang: str, frames: Mapping[str, pl.DataFrame]) -> list[str]:
    notes = [t("analytics.note.grouping", lang), t("analytics.note.flagged", lang)]
    queries_used = {
        q
        for frame in frames.values()
        if "query" in frame.columns
        for q in frame.get_column("query").drop_nulls().unique().to_list()
    }
    for query in sorted(queries_used):
        notes.append(t("analytics.note.query", lang, query=query))
    notes.append(t("analytics.note.ids", lang))
    return notes


# --------------------------------------------------------------------------------------
# saylau analyze
# --------------------------------------------------------------------------------------


def analysis_tables(
    frames: Mapping[str, pl.DataFrame], election: str, names: Names
) -> list[ReportTable]:
    """Report tables of :func:`saylau.analytics.competition.analyze`."""
    lang = names.lang
    title = names.election(election)
    out: list[ReportTable] = []
    seats = frames["seats"]
    table = ReportTable(
        "seats",
        t("analytics.title.seats", lang, election=title),
        [
            _col("level", lang),
            _col("unit", lang),
            _col("variant", lang),
            _col("contestant", lang),
            _col("seats", lang, "right"),
            _col("share_all", lang, "right"),
            _col("share_parties", lang, "right"),
            _col("flagged", lang),
            _col("basis", lang),
        ],
    )
    for row in seats.iter_rows(named=True):
        table.rows.append(
            [
                _label("level", row["level"], lang),
                Cell(row["unit"], names.unit(row["unit"])),
                _label("variant", row["variant"], lang),
                Cell(row["contestant"], names.party(row["contestant"])),
                _num(row["seats"], lang, 0),
                _num(row["share_all"], lang, 2),
                _num(row["share_parties"], lang, 2),
                _yes(row["flagged"], lang, warn=True),
                _basis(row, lang),
            ]
        )
    table.notes += [t("analytics.note.shares", lang)]
    out.append(table)
    votes = frames["votes"]
    if votes.height:
        table = ReportTable(
            "votes",
            t("analytics.title.votes", lang, election=title),
            [
                _col("level", lang),
                _col("unit", lang),
                _col("contestant", lang),
                _col("votes", lang, "right"),
                _col("share", lang, "right"),
                _col("basis", lang),
            ],
        )
        for row in votes.iter_rows(named=True):
            table.rows.append(
                [
                    _label("level", row["level"], lang),
                    Cell(row["unit"], names.unit(row["unit"])),
                    Cell(row["contestant"], names.party(row["contestant"])),
                    _num(row["votes"], lang, 0),
                    _num(row["share"], lang, 2),
                    _basis(row, lang),
                ]
            )
        table.notes.append(t("analytics.note.vote_share", lang))
        out.append(table)
    out.append(_metrics_table(frames["metrics"], title, names))
    if frames["races"].height:
        out.append(_races_table(frames["races"], title, names))
    if frames["nationalization"].height:
        out.append(_nationalization_table(frames["nationalization"], title, names))
    if frames["volatility"].height:
        out.append(_volatility_table(frames["volatility"], names))
    out[-1].notes += _notes_common(lang, frames)
    return out


def _metrics_table(metrics: pl.DataFrame, title: str, names: Names) -> ReportTable:
    lang = names.lang
    table = ReportTable(
        "metrics",
        t("analytics.title.metrics", lang, election=title),
        [
            _col("level", lang),
            _col("unit", lang),
            _col("variant", lang),
            _col("metric", lang),
            _col("grouping", lang),
            _col("value", lang, "right"),
            _col("numerator", lang, "right"),
            _col("denominator", lang, "right"),
            _col("flagged", lang),
            _col("basis", lang),
        ],
    )
    for row in metrics.iter_rows(named=True):
        digits = METRICS.get(row["metric"], 4)
        table.rows.append(
            [
                _label("level", row["level"], lang),
                Cell(row["unit"], names.unit(row["unit"])),
                _label("variant", row["variant"], lang),
                _label("metric", row["metric"], lang),
                _label("grouping", row["grouping"], lang),
                _num(row["value"], lang, digits),
                _num(row["numerator"], lang, 0),
                _num(row["denominator"], lang, 0),
                _yes(row["flagged"], lang, warn=True),
                _basis(row, lang),
            ]
        )
    return table


def _races_table(races: pl.DataFrame, title: str, names: Names) -> ReportTable:
    lang = names.lang
    table = ReportTable(
        "races",
        t("analytics.title.races", lang, election=title),
        [
            _col("okrug", lang),
            _col("candidates", lang, "right"),
            _col("contested", lang),
            _col("outcome", lang),
            _col("winner", lang),
            _col("winner_votes", lang, "right"),
            _col("runner_up_votes", lang, "right"),
            _col("margin_votes", lang, "right"),
            _col("margin_pct", lang, "right"),
            _col("turnout_pct", lang, "right"),
            _col("basis", lang),
        ],
    )
    for row in races.iter_rows(named=True):
        winner = row["winner"]
        label = "—"
        if winner:
            label = f"{names.candidates.get(winner, winner)} ({names.party(row['winner_party'])})"
        table.rows.append(
            [
                Cell(row["okrug"], names.unit(row["okrug"])),
                _num(row["candidates"], lang, 0),
                _yes(row["contested"], lang),
                _label("outcome", row["outcome"], lang),
                Cell(winner, label),
                _num(row["winner_votes"], lang, 0),
                _num(row["runner_up_votes"], lang, 0),
                _num(row["margin_votes"], lang, 0),
                _num(row["margin_pct"], lang, 2),
                _num(row["turnout_pct"], lang, 2),
                _basis(row, lang),
            ]
        )
    table.notes.append(t("analytics.note.margin", lang))
    return table


def _nationalization_table(frame: pl.DataFrame, title: str, names: Names) -> ReportTable:
    lang = names.lang
    table = ReportTable(
        "nationalization",
        t("analytics.title.nationalization", lang, election=title),
        [
            _col("units_level", lang),
            _col("basis_kind", lang),
            _col("grouping", lang),
            _col("contestant", lang),
            _col("units_with", lang, "right"),
            _col("units_total", lang, "right"),
            _col("pns", lang, "right"),
            _col("flagged", lang),
            _col("basis", lang),
        ],
    )
    for row in frame.iter_rows(named=True):
        table.rows.append(
            [
                _label("level", row["units_level"], lang),
                _label("basis_kind", row["basis"], lang),
                _label("grouping", row["grouping"], lang),
                Cell(row["contestant"], names.party(row["contestant"])),
                _num(row["units_with"], lang, 0),
                _num(row["units_total"], lang, 0),
                _num(row["pns"], lang, 4),
                _yes(row["flagged"], lang, warn=True),
                _basis(row, lang),
            ]
        )
    table.notes.append(t("analytics.note.pns", lang))
    return table


def _volatility_table(frame: pl.DataFrame, names: Names) -> ReportTable:
    lang = names.lang
    table = ReportTable(
        "volatility",
        t("analytics.title.volatility", lang),
        [
            _col("level", lang),
            _col("unit", lang),
            _col("grouping", lang),
            _col("previous", lang),
            _col("current", lang),
            _col("matched_units", lang, "right"),
            _col("pedersen", lang, "right"),
            _col("lineage", lang),
            _col("flagged", lang),
            _col("basis", lang),
        ],
    )
    for row in frame.iter_rows(named=True):
        table.rows.append(
            [
                _label("level", row["level"], lang),
                Cell(row["unit"], names.unit(row["unit"])),
                _label("grouping", row["grouping"], lang),
                Cell(row["previous"], names.election(row["previous"])),
                Cell(row["current"], names.election(row["current"])),
                _num(row["matched_units"], lang, 0),
                _num(row["pedersen"], lang, 4),
                Cell(row["lineage"], row["lineage"] or "—"),
                _yes(row["flagged"], lang, warn=True),
                _basis(row, lang),
            ]
        )
    table.notes.append(t("analytics.note.pedersen", lang))
    return table


# --------------------------------------------------------------------------------------
# saylau findings
# --------------------------------------------------------------------------------------


def _format_params(key: str, params: Mapping[str, Any], names: Names) -> dict[str, str]:
    lang = names.lang
    out: dict[str, str] = {}
    for name, value in params.items():
        if isinstance(value, list):
            if name == "without_seat":
                out[name] = ", ".join(names.party(v) for v in value) or "—"
            elif name == "akim_order":
                out[name] = ", ".join(names.party(v) for v in value)
            else:
                digits = 2 if name == "by_share" else 0
                suffix = " %" if name == "by_share" else ""
                label = names.unit if name.startswith("by_") else names.party
                out[name] = ", ".join(
                    f"{label(code)} {_num(number, lang, digits).text}{suffix}"
                    for code, number in value
                )
        elif isinstance(value, bool) or value is None:
            out[name] = (
                "—" if value is None else t("analytics.yes" if value else "analytics.no", lang)
            )
        elif isinstance(value, int | float):
            digits = 2 if name.endswith("_pct") else (1 if name == "auyl_rank" else 0)
            if name == "auyl_rank" and float(value).is_integer():
                digits = 0
            out[name] = _num(float(value), lang, digits).text
        elif name == "adal_successor":
            out[name] = names.parties_now.get(str(value), str(value))
        elif name in ("weakest", "second", "third"):
            out[name] = names.party(str(value))
        elif name == "majilis":
            out[name] = t(f"analytics.majilis.{value}", lang)
        else:
            out[name] = str(value)
    return out


def _holds(value: bool | None, lang: str) -> str:
    if value is None:
        return ""
    return t("analytics.holds.yes" if value else "analytics.holds.no", lang) + " "


def findings_table(items: Sequence[PaperFinding], names: Names) -> ReportTable:
    """The paper's findings, with and without the flagged rows."""
    lang = names.lang
    table = ReportTable(
        "findings",
        t("analytics.title.findings", lang),
        [
            _col("finding", lang),
            _col("claim", lang),
            _col("all_rows", lang),
            _col("without_flagged", lang),
            _col("changed", lang),
            _col("basis", lang),
        ],
    )
    units = ""
    for item in items:
        units = ", ".join(names.unit(u) for u in item.excluded_units) or "—"
        texts = []
        for result in (item.all_rows, item.without_flagged):
            if not result.params:
                texts.append(t("analytics.finding.no_data", lang))
                continue
            params = _format_params(item.key, result.params, names)
            texts.append(
                _holds(result.holds, lang)
                + t(f"analytics.finding.{item.key}.result", lang, **params)
            )
        if not item.all_rows.uses_flagged:
            texts[1] = t("analytics.finding.unaffected", lang) + " " + texts[1]
        changed = (
            t("analytics.finding.changed", lang, units=units)
            if item.changed
            else t("analytics.finding.unchanged", lang)
        )
        raw = {
            "all": item.all_rows.params,
            "without_flagged": item.without_flagged.params,
        }
        table.rows.append(
            [
                Cell(item.key, t(f"analytics.finding.{item.key}.title", lang)),
                Cell(
                    t(f"analytics.finding.{item.key}.claim", lang),
                    t(f"analytics.finding.{item.key}.claim", lang),
                ),
                Cell(json.dumps(raw["all"], ensure_ascii=False, sort_keys=True), texts[0]),
                Cell(
                    json.dumps(raw["without_flagged"], ensure_ascii=False, sort_keys=True),
                    texts[1],
                ),
                Cell(item.changed, changed, item.changed),
                _ids(", ".join(dict.fromkeys(item.all_rows.figures))),
            ]
        )
    table.notes += [
        t("analytics.note.findings_flagged", lang, units=units),
        t("analytics.note.ids", lang),
    ]
    return table


# --------------------------------------------------------------------------------------
# saylau compare
# --------------------------------------------------------------------------------------


def compare_tables(frames: Mapping[str, pl.DataFrame], names: Names) -> list[ReportTable]:
    """Akim seats beside Majilis votes, Spearman's rho and Pedersen between the Majilis."""
    lang = names.lang
    shares = ReportTable(
        "shares",
        t("analytics.title.compare", lang),
        [
            _col("variant", lang),
            _col("party", lang),
            _col("akim_seats", lang, "right"),
            _col("akim_share_all", lang, "right"),
            _col("akim_share_parties", lang, "right"),
            _col("akim_rank", lang, "right"),
            _col("majilis_2021_share", lang, "right"),
            _col("majilis_2021_rank", lang, "right"),
            _col("majilis_2023_share", lang, "right"),
            _col("majilis_2023_rank", lang, "right"),
            _col("flagged", lang),
            _col("basis", lang),
            _col("sources", lang),
        ],
    )
    for row in frames["shares"].iter_rows(named=True):
        shares.rows.append(
            [
                _label("compare_variant", row["variant"], lang),
                Cell(row["party"], names.party(row["party"])),
                _num(row["akim_seats"], lang, 0),
                _num(row["akim_share_all"], lang, 2),
                _num(row["akim_share_parties"], lang, 2),
                _num(row["akim_rank"], lang, 1),
                _num(row["majilis_2021_share"], lang, 2),
                _num(row["majilis_2021_rank"], lang, 1),
                _num(row["majilis_2023_share"], lang, 2),
                _num(row["majilis_2023_rank"], lang, 1),
                _yes(row["flagged"], lang, warn=True),
                _ids(row["figures"], bool(row["flagged"])),
                Cell(row["sources"], t("analytics.basis.majilis_sources", lang)),
            ]
        )
    shares.notes += [t("analytics.note.majilis_base", lang), t("analytics.note.absent", lang)]
    rho = ReportTable(
        "spearman",
        t("analytics.title.spearman", lang),
        [
            _col("variant", lang),
            _col("pair", lang),
            _col("lineage", lang),
            _col("n", lang, "right"),
            _col("parties", lang),
            _col("left_out", lang),
            _col("rho", lang, "right"),
            _col("flagged", lang),
            _col("basis", lang),
        ],
    )
    for row in frames["spearman"].iter_rows(named=True):
        majilis = str(row["pair"]).split("~")[1]
        rho.rows.append(
            [
                _label("compare_variant", row["variant"], lang),
                Cell(row["pair"], t(f"analytics.pair.{majilis}", lang)),
                _yes(row["lineage"], lang),
                _num(row["n"], lang, 0),
                Cell(row["parties"], ", ".join(names.party(p) for p in row["parties"].split(", "))),
                Cell(
                    row["left_out"],
                    ", ".join(names.party(p) for p in (row["left_out"] or "").split(", ") if p)
                    or "—",
                ),
                _num(row["rho"], lang, 4),
                _yes(row["flagged"], lang, warn=True),
                _ids(row["figures"], bool(row["flagged"])),
            ]
        )
    rho.notes.append(t("analytics.note.spearman", lang))
    pedersen = ReportTable(
        "pedersen",
        t("analytics.title.pedersen_majilis", lang),
        [_col("lineage", lang), _col("pedersen", lang, "right"), _col("sources", lang)],
    )
    for row in frames["pedersen"].iter_rows(named=True):
        pedersen.rows.append(
            [
                Cell(row["lineage"], row["lineage"] or t("analytics.lineage.none", lang)),
                _num(row["pedersen"], lang, 4),
                Cell(row["sources"], t("analytics.basis.majilis_sources", lang)),
            ]
        )
    pedersen.notes += [t("analytics.note.pedersen_majilis", lang), t("analytics.note.ids", lang)]
    return [shares, rho, pedersen]


# --------------------------------------------------------------------------------------
# saylau analyze --over-time
# --------------------------------------------------------------------------------------


def series_label(row: Mapping[str, Any], names: Names) -> str:
    """A series in words: measure, breakdown, scope, type of election and coverage."""
    lang = names.lang
    parts = [t(f"measure.{row['measure']}", lang)]
    if row.get("party"):
        parts.append(names.party(row["party"]))
    elif row.get("nomination") in NOMINATIONS:
        parts.append(t(f"analytics.nomination.{row['nomination']}", lang))
    if row.get("sex") in SEXES:
        parts.append(t(f"analytics.sex.{row['sex']}", lang))
    parts.append(names.unit(row["scope"]))
    parts.append(t(f"analytics.type.{row['type']}", lang))
    parts.append(t(f"analytics.coverage.{row['coverage']}", lang))
    return " · ".join(parts)


def timeline_tables(frames: Mapping[str, pl.DataFrame], names: Names) -> list[ReportTable]:
    """The timeline: series, ratios within elections, volatility, and what is left out."""
    lang = names.lang
    series = ReportTable(
        "series",
        t("analytics.title.series", lang),
        [
            _col("series", lang),
            _col("date", lang),
            _col("election", lang),
            _col("variant", lang),
            _col("value", lang, "right"),
            _col("approximate", lang),
            _col("confidence", lang),
            _col("flagged", lang),
            _col("basis", lang),
            _col("sources", lang),
        ],
    )
    for row in frames["series"].iter_rows(named=True):
        series.rows.append(
            [
                Cell(row["series"], series_label(row, names)),
                Cell(row["date"].isoformat(), row["date"].isoformat()),
                Cell(row["election"], names.election(row["election"])),
                _label("variant", row["variant"], lang),
                _num(row["value"], lang, 0),
                _yes(row["approximate"], lang),
                Cell(row["confidence"], row["confidence"] or "—"),
                _yes(row["flagged"], lang, warn=True),
                _ids(row["figures"], bool(row["flagged"])),
                Cell(row["sources"], row["sources"] or "—"),
            ]
        )
    series.notes += [t("analytics.note.series", lang), t("analytics.note.dates", lang)]
    ratios = ReportTable(
        "ratios",
        t("analytics.title.ratios", lang),
        [
            _col("metric", lang),
            _col("grouping", lang),
            _col("date", lang),
            _col("election", lang),
            _col("unit", lang),
            _col("variant", lang),
            _col("value", lang, "right"),
            _col("numerator", lang, "right"),
            _col("denominator", lang, "right"),
            _col("flagged", lang),
            _col("basis", lang),
        ],
    )
    for row in frames["ratios"].iter_rows(named=True):
        ratios.rows.append(
            [
                _label("metric", row["metric"], lang),
                _label("grouping", row["grouping"], lang),
                Cell(row["date"].isoformat(), row["date"].isoformat()),
                Cell(row["election"], names.election(row["election"])),
                Cell(row["scope"], names.unit(row["scope"])),
                _label("variant", row["variant"], lang),
                _num(row["value"], lang, METRICS.get(row["metric"], 4)),
                _num(row["numerator"], lang, 0),
                _num(row["denominator"], lang, 0),
                _yes(row["flagged"], lang, warn=True),
                _ids(row["figures"], bool(row["flagged"])),
            ]
        )
    ratios.notes.append(t("analytics.note.ratios", lang))
    out = [series, ratios]
    if frames["volatility"].height:
        out.append(_volatility_table(frames["volatility"], names))
    last = out[-1]
    for item in LEFT_OUT:
        last.notes.append(
            t(
                f"analytics.leftout.{item.key}",
                lang,
                measure=item.measure_needed,
                url=item.url or "—",
            )
        )
    last.notes += [t("analytics.note.grouping", lang), t("analytics.note.ids", lang)]
    return out
