"""Internal consistency of published figures, found by rule.

Each rule is a small function over the figures of one election, registered with a stable
code. Rules compare parts with wholes, shares with their parts, and the regional figures
with the national ones; none of them knows which figures of which source are wrong. The
figures involved are reported exactly as published, with their provenance, beside what
saylau computed from them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from saylau.datasets.format import PERCENT_MEASURES
from saylau.domain import Figure, Level, Measure, Nomination, Sex
from saylau.i18n import t

Severity = Literal["error", "warning"]
# A published share and the count it is a share of (C.04).
SHARE_OF = {
    Measure.CANDIDATES_SHARE_PCT: Measure.CANDIDATES_REGISTERED,
    Measure.WINNERS_SHARE_PCT: Measure.WINNERS,
}
# Parameters that hold codes, translated when a finding is explained.
_TRANSLATED = {"measure": "measure.", "relation": "check.C.05.", "dimension": "dimension."}
Key = tuple[str | None, Measure, str | None, Nomination, Sex]  # election, measure, party, nom, sex


@dataclass(frozen=True)
class Finding:
    """One inconsistency: the rule, where, the published figures and the computed values."""

    rule: str
    severity: Severity
    level: Level
    unit: str
    params: dict[str, object]
    involved: tuple[Figure, ...]
    computed: dict[str, Decimal] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        """Short name of the rule in ``lang``."""
        return t(f"check.{self.rule}.title", lang)

    def explain(self, lang: str, unit_names: Mapping[str, str] | None = None) -> str:
        """Plain explanation with the values, in ``lang``; units named by ``unit_names``."""
        params = dict(self.params)
        if unit_names and "unit" in params:
            code = str(params["unit"])
            base = code.removesuffix(" (Σ)")
            if base in unit_names:
                params["unit"] = f"{unit_names[base]} ({code})"
        for name, prefix in _TRANSLATED.items():
            if name in params:
                params[name] = t(f"{prefix}{params[name]}", lang)
        for name, value in params.items():
            # numbers as the language writes them («2 172», not «2172») beside the others
            if isinstance(value, str) and _NUMBER.fullmatch(value):
                params[name] = _number(Decimal(value), lang)
            elif isinstance(value, int | Decimal) and not isinstance(value, bool):
                params[name] = _number(value, lang)
        return t(f"check.{self.rule}.explain", lang, **params)


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _number(value: int | Decimal, lang: str) -> str:
    from saylau.i18n import fmt_decimal, fmt_int

    if isinstance(value, int) or value == value.to_integral_value():
        return fmt_int(int(value), lang)
    exponent = value.as_tuple().exponent
    digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return fmt_decimal(value, lang, digits)


@dataclass(frozen=True)
class Rule:
    """A registered consistency rule."""

    code: str
    function: Callable[[Figures], list[Finding]]


RULES: dict[str, Rule] = {}


def rule(
    code: str,
) -> Callable[[Callable[[Figures], list[Finding]]], Callable[[Figures], list[Finding]]]:
    """Register a rule under ``code``."""

    def register(
        function: Callable[[Figures], list[Finding]],
    ) -> Callable[[Figures], list[Finding]]:
        RULES[code] = Rule(code, function)
        return function

    return register


class Figures:
    """Index over figures by unit and key."""

    def __init__(self, figures: Iterable[Figure]) -> None:
        self.all = list(figures)
        self.by_unit: dict[tuple[Level, str], dict[Key, list[Figure]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for figure in self.all:
            key = (figure.election, figure.measure, figure.party, figure.nomination, figure.sex)
            self.by_unit[(figure.level, figure.unit)][key].append(figure)

    def units(self, level: Level | None = None) -> list[tuple[Level, str]]:
        """Units that have figures, optionally at one level."""
        return [u for u in self.by_unit if level is None or u[0] is level]

    def one(self, unit: tuple[Level, str], key: Key) -> Figure | None:
        """The figure for ``key`` at ``unit`` (the first, if a source gives several)."""
        found = self.by_unit.get(unit, {}).get(key)
        return found[0] if found else None

    def elections(self) -> set[str | None]:
        """Elections that the figures belong to (None for election-less figures)."""
        return {f.election for f in self.all}


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


ALL = (Nomination.ALL, Sex.ALL)


@rule("C.01")
def breakdown_sums(figures: Figures) -> list[Finding]:
    """A total split by nomination or by sex must equal the sum of its parts."""
    findings: list[Finding] = []
    for unit, keyed in figures.by_unit.items():
        for (election, measure, party, nomination, sex), items in keyed.items():
            if party is not None or (nomination, sex) != ALL or measure.value in PERCENT_MEASURES:
                continue
            total = items[0]
            splits = {
                "nomination": [Nomination.PARTY, Nomination.SELF],
                "sex": [Sex.MALE, Sex.FEMALE],
            }
            for dimension, members in splits.items():
                parts: list[Figure] = []
                for member in members:
                    key: Key = (
                        (election, measure, None, member, Sex.ALL)  # type: ignore[arg-type]
                        if dimension == "nomination"
                        else (election, measure, None, Nomination.ALL, member)  # type: ignore[arg-type]
                    )
                    part = figures.one(unit, key)
                    if part is not None:
                        parts.append(part)
                if len(parts) != len(members):
                    continue
                computed = sum((p.value for p in parts), Decimal(0))
                if computed != total.value:
                    findings.append(
                        Finding(
                            "C.01",
                            "error",
                            unit[0],
                            unit[1],
                            {
                                "measure": measure.value,
                                "unit": unit[1],
                                "dimension": dimension,
                                "total": _fmt(total.value),
                                "sum": _fmt(computed),
                                "difference": _fmt(computed - total.value),
                            },
                            (total, *parts),
                            {"sum": computed},
                        )
                    )
    return findings


def _winners(figures: Figures, unit: tuple[Level, str], election: str | None) -> list[Figure]:
    keyed = figures.by_unit.get(unit, {})
    return [
        items[0]
        for (e, m, _p, nom, _s), items in keyed.items()
        if e == election and m is Measure.WINNERS and nom is not Nomination.ALL
    ]


def _regional_sum(figures: Figures, key: Key) -> tuple[Decimal, list[Figure]] | None:
    items = [
        found
        for unit in figures.units(Level.REGION)
        if (found := figures.one(unit, key)) is not None
    ]
    if not items:
        return None
    return sum((f.value for f in items), Decimal(0)), items


@rule("C.02")
def winners_equal_contests(figures: Figures) -> list[Finding]:
    """Each okrug elects one akim: winners of all nominations cannot exceed the okrugs."""
    findings: list[Finding] = []
    for election in figures.elections():
        if election is None:
            continue
        key: Key = (election, Measure.OKRUGS_CONTESTED, None, Nomination.ALL, Sex.ALL)
        for unit in figures.units():
            contests = figures.one(unit, key)
            winners = _winners(figures, unit, election)
            has_self = any(w.nomination is Nomination.SELF for w in winners)
            if contests is None or not winners or not has_self:
                continue
            total = sum((w.value for w in winners), Decimal(0))
            if total != contests.value:
                findings.append(
                    Finding(
                        "C.02",
                        "error" if total > contests.value else "warning",
                        unit[0],
                        unit[1],
                        {
                            "unit": unit[1],
                            "winners": _fmt(total),
                            "okrugs": _fmt(contests.value),
                            "difference": _fmt(total - contests.value),
                        },
                        (contests, *winners),
                        {"winners": total},
                    )
                )
        # The same rule on the sums of the regional tables, against the national figure.
        republic = (Level.REPUBLIC, "KZ")
        contests = figures.one(republic, key)
        if contests is None or _winners(figures, republic, election):
            continue
        regional = [w for u in figures.units(Level.REGION) for w in _winners(figures, u, election)]
        if regional:
            total = sum((w.value for w in regional), Decimal(0))
            if total != contests.value:
                findings.append(
                    Finding(
                        "C.02",
                        "error" if total > contests.value else "warning",
                        Level.REPUBLIC,
                        "KZ",
                        {
                            "unit": "KZ (Σ)",
                            "winners": _fmt(total),
                            "okrugs": _fmt(contests.value),
                            "difference": _fmt(total - contests.value),
                        },
                        (contests,),
                        {"winners": total},
                    )
                )
    return findings


@rule("C.03")
def regions_add_up_to_republic(figures: Figures) -> list[Finding]:
    """A national figure must equal the sum of the same figure over the regions."""
    findings: list[Finding] = []
    republic = (Level.REPUBLIC, "KZ")
    for key, items in figures.by_unit.get(republic, {}).items():
        if key[1].value in PERCENT_MEASURES:
            continue
        national = items[0]
        regional = _regional_sum(figures, key)
        if regional is None:
            continue
        total, parts = regional
        if total != national.value:
            findings.append(
                Finding(
                    "C.03",
                    "error",
                    Level.REPUBLIC,
                    "KZ",
                    {
                        "measure": key[1].value,
                        "national": _fmt(national.value),
                        "regional": _fmt(total),
                        "regions": len(parts),
                        "difference": _fmt(total - national.value),
                    },
                    (national, *parts),
                    {"regional_sum": total},
                )
            )
    return findings


@rule("C.04")
def stated_shares(figures: Figures) -> list[Finding]:
    """A published percentage must equal part / whole, rounded as published."""
    findings: list[Finding] = []
    for unit, keyed in figures.by_unit.items():
        for (election, measure, party, nomination, sex), items in keyed.items():
            if measure not in SHARE_OF:
                continue
            stated = items[0]
            counted = SHARE_OF[measure]
            part = figures.one(unit, (election, counted, party, nomination, sex))
            whole = figures.one(unit, (election, counted, None, Nomination.ALL, Sex.ALL))
            if part is None or whole is None or whole.value == 0:
                continue
            exponent = stated.value.as_tuple().exponent
            digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            exact = part.value * 100 / whole.value
            rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
            if rounded != stated.value:
                findings.append(
                    Finding(
                        "C.04",
                        "error",
                        unit[0],
                        unit[1],
                        {
                            "stated": _fmt(stated.value),
                            "computed": _fmt(rounded),
                            "part": _fmt(part.value),
                            "whole": _fmt(whole.value),
                        },
                        (stated, part, whole),
                        {"share": rounded},
                    )
                )
    return findings


@rule("C.05")
def bounds(figures: Figures) -> list[Finding]:
    """Counts bounded by others: okrugs and winners need candidates; okrugs need stations."""
    findings: list[Finding] = []
    for unit, keyed in figures.by_unit.items():
        elections = {k[0] for k in keyed}
        for election in elections:
            if election is None:
                continue

            def get(
                measure: Measure,
                nomination: Nomination = Nomination.ALL,
                _unit: tuple[Level, str] = unit,
                _e: str = election,
            ) -> Figure | None:
                return figures.one(_unit, (_e, measure, None, nomination, Sex.ALL))

            candidates = get(Measure.CANDIDATES_REGISTERED)
            contests = get(Measure.OKRUGS_CONTESTED)
            stations = get(Measure.POLLING_STATIONS)
            pairs: list[tuple[Figure | None, Figure | None, str]] = [
                (contests, candidates, "okrugs_candidates"),
                (contests, stations, "okrugs_stations"),
            ]
            for small, large, relation in pairs:
                if small is not None and large is not None and small.value > large.value:
                    findings.append(
                        Finding(
                            "C.05",
                            "error",
                            unit[0],
                            unit[1],
                            {
                                "relation": relation,
                                "unit": unit[1],
                                "small": _fmt(small.value),
                                "large": _fmt(large.value),
                            },
                            (small, large),
                        )
                    )
            winners = _winners(figures, unit, election)
            if candidates is not None and winners:
                total = sum((w.value for w in winners), Decimal(0))
                if total > candidates.value:
                    findings.append(
                        Finding(
                            "C.05",
                            "error",
                            unit[0],
                            unit[1],
                            {
                                "relation": "winners_candidates",
                                "unit": unit[1],
                                "small": _fmt(total),
                                "large": _fmt(candidates.value),
                            },
                            (candidates, *winners),
                            {"winners": total},
                        )
                    )
    return findings


@rule("C.06")
def conflicting_figures(figures: Figures) -> list[Finding]:
    """The same quantity given twice must have the same value."""
    findings: list[Finding] = []
    for unit, keyed in figures.by_unit.items():
        for items in keyed.values():
            values = {f.value for f in items if not f.approximate}
            if len(values) > 1:
                findings.append(
                    Finding(
                        "C.06",
                        "error",
                        unit[0],
                        unit[1],
                        {"unit": unit[1], "values": ", ".join(_fmt(v) for v in sorted(values))},
                        tuple(items),
                    )
                )
    return findings


@rule("C.07")
def registry_plausibility(figures: Figures) -> list[Finding]:
    """A party has members, and was founded before the figures' reference year."""
    findings: list[Finding] = []
    for figure in figures.all:
        if figure.measure is Measure.PARTY_MEMBERS and figure.value <= 0:
            findings.append(
                Finding(
                    "C.07",
                    "error",
                    figure.level,
                    figure.unit,
                    {"party": figure.party, "detail": f"members = {_fmt(figure.value)}"},
                    (figure,),
                )
            )
        if figure.measure is Measure.PARTY_FOUNDED_YEAR and not 1900 <= figure.value <= 2100:
            findings.append(
                Finding(
                    "C.07",
                    "error",
                    figure.level,
                    figure.unit,
                    {"party": figure.party, "detail": f"founded = {_fmt(figure.value)}"},
                    (figure,),
                )
            )
    return findings


def check(figures: Iterable[Figure], rules: Iterable[str] | None = None) -> list[Finding]:
    """Run the registered rules (all by default) and return every finding, in rule order."""
    index = Figures(figures)
    selected = [RULES[code] for code in (rules or sorted(RULES))]
    return [finding for r in selected for finding in r.function(index)]


def rules_markdown(lang: str = "en") -> str:
    """The docs page of the rules (docs/consistency.md), generated from the registry."""
    lines = [
        "# Consistency rules (`saylau check`)",
        "",
        "Each rule compares published figures with each other; none knows which figure of which",
        "source is wrong. Findings show the published numbers unchanged, with their table, row",
        "and column, beside what saylau computed. This page is generated from",
        "`saylau.consistency`.",
        "",
        "| rule | name | what it checks |",
        "| --- | --- | --- |",
    ]
    for code in sorted(RULES):
        doc = (RULES[code].function.__doc__ or "").strip().splitlines()[0]
        lines.append(f"| {code} | {t(f'check.{code}.title', lang)} | {doc} |")
    lines += [
        "",
        "On the bundled `kz-2021-rural-akim` data the check finds:",
        "",
        "- C.02 Turkistan Region: the akims elected add up to 166 in 60 okrugs (Table 4).",
        "- C.02 the republic: Tables 3–4 add up to 836 akims elected, the text gives 730 okrugs.",
        "- C.03 the republic: Tables 3–4 add up to 2,172 candidates, Table 2 gives 2,297.",
        "",
        "Run `saylau check --lang kk|ru|en` for the full explanations and the figures involved.",
        "",
    ]
    return "\n".join(lines)
