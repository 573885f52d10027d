"""Party-competition, disproportionality and nationalization indices.

Every index here is a small pure function over plain mappings or sequences (no I/O, no
global state). Each one is registered in :data:`INDICES` with its citation, its formula
in plain text and the kind of input it takes, so that they can be listed, documented
(``docs/analytics/indices.md``) and tested together.

Input conventions
-----------------
* A *distribution* is either a mapping ``party -> count`` or a sequence of counts.
  Counts may be raw votes/seats or shares (fractions or percentages): every index
  normalises by the total first, so the scale never matters.
* A *units* table is a mapping ``unit -> (party -> count)`` (for example
  ``region -> party -> votes``). A party missing from a unit counts as zero there.
* Disproportionality (Loosemore-Hanby, Gallagher) and volatility (Pedersen) are
  reported in **percentage points** (0-100), as is conventional in the literature.
  Concentration/fractionalization (HHI, Rae), Gini and nationalization scores are
  reported on the 0-1 scale. Cox's inflation score is a percentage.

Invalid input never produces a silent ``nan`` or a bare ``ZeroDivisionError``: it raises
:class:`IndexInputError` (a :class:`ValueError`) naming the input and the rule broken.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "INDICES",
    "SELF_NOMINATED_MODES",
    "Distribution",
    "IndexInputError",
    "IndexSpec",
    "InflationResult",
    "InputKind",
    "SelfNominatedMode",
    "UnitTable",
    "aggregation_gap",
    "apply_lineage",
    "by_group",
    "effective_number_of_parties",
    "gallagher",
    "gini",
    "golosov",
    "group_self_nominated",
    "herfindahl_hirschman",
    "inflation_score",
    "loosemore_hanby",
    "party_nationalization",
    "party_nationalization_scores",
    "party_system_inflation",
    "party_system_nationalization",
    "pedersen",
    "rae_fractionalization",
    "regions_with_seats",
]

Distribution = Mapping[str, float] | Sequence[float]
"""Votes or seats per party: a mapping ``party -> count`` or a plain sequence of counts."""

UnitTable = Mapping[str, Mapping[str, float]]
"""Counts per territorial unit and party: ``unit -> (party -> count)``."""

InputKind = Literal["distribution", "paired", "two_elections", "values", "units", "per_party"]
"""What a registered index takes as input (see :class:`IndexSpec`)."""

SelfNominatedMode = Literal["each_own_unit", "single_bin", "exclude"]
SELF_NOMINATED_MODES: tuple[SelfNominatedMode, ...] = ("each_own_unit", "single_bin", "exclude")


class IndexInputError(ValueError):
    """Raised when an index receives input it is not defined for.

    ``input_name`` names the offending argument (for example ``"votes"``) and ``rule`` the
    rule it broke (for example ``"total must be positive"``).
    """

    def __init__(self, input_name: str, rule: str) -> None:
        self.input_name = input_name
        self.rule = rule
        super().__init__(f"{input_name}: {rule}")


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """Registry entry describing one index.

    ``input_kind`` tells how ``function`` is called:

    * ``"distribution"``: ``function(counts) -> float``
    * ``"paired"``: ``function(votes, seats) -> float``
    * ``"two_elections"``: ``function(previous, current, lineage=None) -> float``
    * ``"values"``: ``function(values) -> float``
    * ``"units"``: ``function(units) -> float``
    * ``"per_party"``: ``function(units) -> dict[party, float | int]``
    """

    name: str
    function: Callable[..., Any]
    citation: str
    formula: str
    input_kind: InputKind
    scale: str


INDICES: dict[str, IndexSpec] = {}
"""All registered indices, keyed by their registry name."""


def _register(
    name: str, *, citation: str, formula: str, input_kind: InputKind, scale: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
        if name in INDICES:  # pragma: no cover - guards against editing mistakes
            raise RuntimeError(f"index {name!r} registered twice")
        INDICES[name] = IndexSpec(name, function, citation, formula, input_kind, scale)
        return function

    return decorator


# --------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------


def _check_number(value: object, input_name: str, label: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise IndexInputError(
            input_name, f"values must be real numbers (got {value!r} for {label!r})"
        )
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise IndexInputError(input_name, f"values must be finite (got {number!r} for {label!r})")
    if number < 0:
        raise IndexInputError(
            input_name, f"values must be non-negative (got {number!r} for {label!r})"
        )
    return number


def _items(data: Distribution, input_name: str) -> list[tuple[Hashable, float]]:
    """Validated ``(key, value)`` pairs; sequence positions serve as keys."""
    if isinstance(data, Mapping):
        pairs: list[tuple[Hashable, object]] = list(data.items())
    elif isinstance(data, str | bytes) or not isinstance(data, Sequence):
        raise IndexInputError(
            input_name, f"must be a mapping or a sequence of numbers (got {type(data).__name__})"
        )
    else:
        pairs = list(enumerate(data))
    if not pairs:
        raise IndexInputError(input_name, "must contain at least one party")
    return [(key, _check_number(value, input_name, key)) for key, value in pairs]


def _normalised(
    pairs: list[tuple[Hashable, float]], input_name: str, scale: float = 1.0
) -> list[tuple[Hashable, float]]:
    largest = max(value for _, value in pairs)
    if largest <= 0:
        raise IndexInputError(input_name, "total must be positive")
    # Dividing by the largest value first keeps the total in [1, n]: no overflow to inf.
    scaled = [(key, value / largest) for key, value in pairs]
    total = math.fsum(value for _, value in scaled)
    return [(key, scale * value / total) for key, value in scaled]


def _shares(data: Distribution, input_name: str) -> list[float]:
    return [share for _, share in _normalised(_items(data, input_name), input_name)]


def _unit_table(units: UnitTable, input_name: str) -> dict[str, dict[str, float]]:
    if not isinstance(units, Mapping):
        raise IndexInputError(
            input_name, f"must be a mapping unit -> (party -> count) (got {type(units).__name__})"
        )
    if not units:
        raise IndexInputError(input_name, "must contain at least one unit")
    table: dict[str, dict[str, float]] = {}
    for unit, counts in units.items():
        label = f"{input_name}[{unit!r}]"
        if not isinstance(counts, Mapping):
            raise IndexInputError(label, "must be a mapping party -> count")
        table[unit] = {party: _check_number(value, label, party) for party, value in counts.items()}
    return table


# --------------------------------------------------------------------------------------
# Fragmentation and concentration
# --------------------------------------------------------------------------------------


@_register(
    "herfindahl_hirschman",
    citation=(
        "Hirschman, A. O. (1945). National Power and the Structure of Foreign Trade. "
        "Berkeley: University of California Press; Herfindahl, O. C. (1950). "
        "Concentration in the Steel Industry. PhD dissertation, Columbia University."
    ),
    formula="HHI = sum_i p_i^2, p_i = x_i / sum_j x_j",
    input_kind="distribution",
    scale="(0, 1]; 1 = one party holds everything",
)
def herfindahl_hirschman(counts: Distribution) -> float:
    """Herfindahl-Hirschman concentration ``HHI = Σ p_i²``.

    ``p_i`` is party *i*'s share of the total (votes or seats). Ranges over ``(0, 1]``:
    ``1/n`` for *n* equal parties, ``1`` for a single party. Counts or shares may be given.

    Citation: Hirschman (1945), *National Power and the Structure of Foreign Trade*;
    Herfindahl (1950), *Concentration in the Steel Industry*.
    """
    return math.fsum(p * p for p in _shares(counts, "counts"))


@_register(
    "enp_laakso_taagepera",
    citation=(
        "Laakso, M. & Taagepera, R. (1979). 'Effective' Number of Parties: A Measure with "
        "Application to West Europe. Comparative Political Studies 12(1): 3-27. "
        "doi:10.1177/001041407901200101"
    ),
    formula="N = 1 / sum_i p_i^2",
    input_kind="distribution",
    scale="[1, n] for n parties with a positive count",
)
def effective_number_of_parties(counts: Distribution) -> float:
    """Laakso-Taagepera effective number of parties ``N = 1 / Σ p_i²``.

    The same function gives the effective number of *electoral* parties (pass votes) and
    of *parliamentary* parties (pass seats). ``p_i`` is the party's share of the total, so
    counts, fractions and percentages give the same result. Equals *n* only when all *n*
    parties are equally strong; otherwise it lies between 1 and *n*.

    Citation: Laakso, M. & Taagepera, R. (1979). "'Effective' Number of Parties: A
    Measure with Application to West Europe." *Comparative Political Studies* 12(1): 3-27.
    """
    return 1.0 / herfindahl_hirschman(counts)


@_register(
    "enp_golosov",
    citation=(
        "Golosov, G. V. (2010). The Effective Number of Parties: A New Approach. "
        "Party Politics 16(2): 171-192. doi:10.1177/1354068809339538"
    ),
    formula="N_P = sum_i p_i / (p_i + p_1^2 - p_i^2), p_1 = largest share",
    input_kind="distribution",
    scale="[1, n] for n parties with a positive count",
)
def golosov(counts: Distribution) -> float:
    """Golosov's effective number of parties ``N_P = Σ p_i / (p_i + p_1² − p_i²)``.

    ``p_1`` is the largest share. Each term is at most 1 (the largest party contributes
    exactly 1), so ``1 <= N_P <= n``. Compared with Laakso-Taagepera it gives less weight to
    small parties when one party dominates. Parties with a zero count contribute 0.

    Citation: Golosov, G. V. (2010). "The Effective Number of Parties: A New Approach."
    *Party Politics* 16(2): 171-192.
    """
    shares = _shares(counts, "counts")
    largest_sq = max(shares) ** 2
    return math.fsum(p / (p + largest_sq - p * p) for p in shares)


@_register(
    "rae_fractionalization",
    citation=(
        "Rae, D. W. (1967). The Political Consequences of Electoral Laws. "
        "New Haven: Yale University Press."
    ),
    formula="F = 1 - sum_i p_i^2",
    input_kind="distribution",
    scale="[0, 1); 0 = one party holds everything",
)
def rae_fractionalization(counts: Distribution) -> float:
    """Rae's fractionalization ``F = 1 − Σ p_i²`` (one minus the HHI).

    The probability that two randomly drawn voters (or seats) belong to different parties.

    Citation: Rae, D. W. (1967). *The Political Consequences of Electoral Laws*. Yale UP.
    """
    return 1.0 - herfindahl_hirschman(counts)


# --------------------------------------------------------------------------------------
# Disproportionality
# --------------------------------------------------------------------------------------


def _paired_percent(votes: Distribution, seats: Distribution) -> list[tuple[float, float]]:
    """Vote and seat percentages aligned per party (union of parties, missing = 0)."""
    if isinstance(votes, Mapping) != isinstance(seats, Mapping):
        raise IndexInputError(
            "seats", "must be the same kind of container as votes (both mappings or both sequences)"
        )
    vote_pct = dict(_normalised(_items(votes, "votes"), "votes", 100.0))
    seat_pct = dict(_normalised(_items(seats, "seats"), "seats", 100.0))
    if not isinstance(votes, Mapping) and len(vote_pct) != len(seat_pct):
        raise IndexInputError(
            "seats", f"must have as many entries as votes ({len(seat_pct)} != {len(vote_pct)})"
        )
    keys = list(vote_pct) + [key for key in seat_pct if key not in vote_pct]
    return [(vote_pct.get(key, 0.0), seat_pct.get(key, 0.0)) for key in keys]


@_register(
    "loosemore_hanby",
    citation=(
        "Loosemore, J. & Hanby, V. J. (1971). The Theoretical Limits of Maximum Distortion: "
        "Some Analytic Expressions for Electoral Systems. British Journal of Political "
        "Science 1(4): 467-477."
    ),
    formula="D = 1/2 * sum_i |v_i - s_i|, v_i and s_i in percent",
    input_kind="paired",
    scale="[0, 100] percentage points; 0 = perfectly proportional",
)
def loosemore_hanby(votes: Distribution, seats: Distribution) -> float:
    """Loosemore-Hanby disproportionality ``D = ½ Σ |v_i − s_i|``, in percentage points.

    ``v_i`` and ``s_i`` are party *i*'s vote and seat percentages (each input is normalised
    to sum to 100). Equals the share of seats that would have to move to make seat shares
    equal vote shares. Mappings are aligned by party (a party missing from one side counts
    as 0 there); sequences are aligned by position and must have equal length.

    Citation: Loosemore, J. & Hanby, V. J. (1971). "The Theoretical Limits of Maximum
    Distortion." *British Journal of Political Science* 1(4): 467-477.
    """
    return 0.5 * math.fsum(abs(v - s) for v, s in _paired_percent(votes, seats))


@_register(
    "gallagher_lsq",
    citation=(
        "Gallagher, M. (1991). Proportionality, Disproportionality and Electoral Systems. "
        "Electoral Studies 10(1): 33-51."
    ),
    formula="LSq = sqrt(1/2 * sum_i (v_i - s_i)^2), v_i and s_i in percent",
    input_kind="paired",
    scale="[0, 100] percentage points; 0 = perfectly proportional",
)
def gallagher(votes: Distribution, seats: Distribution) -> float:
    """Gallagher least-squares index ``LSq = √(½ Σ (v_i − s_i)²)``, in percentage points.

    ``v_i`` and ``s_i`` are vote and seat **percentages** (0-100), the scale on which the
    index is conventionally reported. Alignment rules as in :func:`loosemore_hanby`.

    Citation: Gallagher, M. (1991). "Proportionality, Disproportionality and Electoral
    Systems." *Electoral Studies* 10(1): 33-51.
    """
    return math.sqrt(0.5 * math.fsum((v - s) ** 2 for v, s in _paired_percent(votes, seats)))


# --------------------------------------------------------------------------------------
# Volatility
# --------------------------------------------------------------------------------------


def apply_lineage(
    counts: Mapping[str, float], lineage: Mapping[str, str] | None
) -> dict[str, float]:
    """Rename predecessor parties to their successors and add up merged parties.

    ``lineage`` maps an old party key to its successor, e.g.
    ``{"nur-otan": "amanat", "adal": "amanat"}``. Chains are followed
    (``a -> b -> c`` sends ``a`` to ``c``); a cycle raises :class:`IndexInputError`.
    Values are validated (finite, non-negative) but not normalised.
    """
    pairs = [(key, _check_number(value, "counts", key)) for key, value in counts.items()]
    if not lineage:
        return dict(pairs)
    merged: dict[str, float] = {}
    for key, value in pairs:
        target, seen = key, {key}
        while target in lineage:
            target = lineage[target]
            if target in seen:
                raise IndexInputError("lineage", f"contains a cycle through {target!r}")
            seen.add(target)
        merged[target] = merged.get(target, 0.0) + value
    return merged


@_register(
    "pedersen_volatility",
    citation=(
        "Pedersen, M. N. (1979). The Dynamics of European Party Systems: Changing Patterns "
        "of Electoral Volatility. European Journal of Political Research 7(1): 1-26. "
        "doi:10.1111/j.1475-6765.1979.tb01267.x"
    ),
    formula="V = 1/2 * sum_i |p_i,t - p_i,t-1|, p in percent, over the union of parties",
    input_kind="two_elections",
    scale="[0, 100] percentage points; 0 = identical results",
)
def pedersen(
    previous: Mapping[str, float],
    current: Mapping[str, float],
    lineage: Mapping[str, str] | None = None,
) -> float:
    """Pedersen volatility ``V = ½ Σ |p_{i,t} − p_{i,t−1}|``, in percentage points.

    Both elections are normalised to percentages of their own totals, then compared over
    the union of parties (a party absent from one election has 0 there). ``lineage``
    (see :func:`apply_lineage`) is applied to *both* elections first, so renamed or merged
    parties are matched: with ``{"nur-otan": "amanat", "adal": "amanat"}`` the 2021 votes of
    Nur Otan and Adal are compared with the later votes of Amanat. Symmetric in its two
    arguments; 0 for identical shares, 100 when no party appears in both.

    Citation: Pedersen, M. N. (1979). "The Dynamics of European Party Systems: Changing
    Patterns of Electoral Volatility." *European Journal of Political Research* 7(1): 1-26.
    """
    before = _percentages_after_lineage(previous, lineage, "previous")
    after = _percentages_after_lineage(current, lineage, "current")
    parties = list(before) + [party for party in after if party not in before]
    return 0.5 * math.fsum(abs(after.get(p, 0.0) - before.get(p, 0.0)) for p in parties)


def _percentages_after_lineage(
    counts: Mapping[str, float], lineage: Mapping[str, str] | None, input_name: str
) -> dict[Hashable, float]:
    if not isinstance(counts, Mapping):
        raise IndexInputError(
            input_name, "must be a mapping party -> count (party names are needed to match parties)"
        )
    if not counts:
        raise IndexInputError(input_name, "must contain at least one party")
    try:
        merged = apply_lineage(counts, lineage)
    except IndexInputError as error:
        if error.input_name != "counts":
            raise
        raise IndexInputError(input_name, error.rule) from error
    return dict(_normalised(list(merged.items()), input_name, 100.0))


# --------------------------------------------------------------------------------------
# Party-system inflation (aggregation)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InflationResult:
    """Components of party-system inflation.

    * ``enp_national``: Laakso-Taagepera ENP of the national (aggregated) distribution.
    * ``enp_local_mean``: unweighted arithmetic mean of the units' ENPs.
    * ``difference``: ``enp_national − enp_local_mean`` (Chhibber & Kollman 1998).
    * ``inflation_pct``: ``100 × difference / enp_national`` (Cox 1999).
    """

    enp_national: float
    enp_local_mean: float
    difference: float
    inflation_pct: float


def party_system_inflation(
    units: UnitTable, *, national: Mapping[str, float] | None = None
) -> InflationResult:
    """National vs local effective number of parties (Chhibber-Kollman / Cox).

    ``units`` holds raw counts per unit. ENP is Laakso-Taagepera in every case. The
    national distribution is the sum of the units' counts unless ``national`` is given
    (e.g. when national results include votes not broken down by unit). The local mean
    is unweighted: each unit counts once, whatever its size.

    Exact variant: Cox's (1999) inflation score
    ``I = 100 × (N_nat − mean(N_local)) / N_nat`` -- the percentage of the national ENP
    that is due to imperfect linkage of local party systems (0 = perfect linkage). The
    raw difference ``N_nat − mean(N_local)`` is Chhibber & Kollman's (1998) measure. The
    Moenius & Kasuya (2004) variant, which divides by the (optionally size-weighted) local
    mean instead, is not implemented.
    """
    table = _unit_table(units, "units")
    local = []
    for unit, counts in table.items():
        local.append(1.0 / math.fsum(p * p for p in _shares(counts, f"units[{unit!r}]")))
    if national is None:
        summed: dict[str, float] = {}
        for counts in table.values():
            for party, value in counts.items():
                summed[party] = summed.get(party, 0.0) + value
        enp_national = effective_number_of_parties(summed)
    else:
        if not isinstance(national, Mapping):
            raise IndexInputError("national", "must be a mapping party -> count")
        enp_national = 1.0 / math.fsum(p * p for p in _shares(national, "national"))
    enp_local_mean = math.fsum(local) / len(local)
    difference = enp_national - enp_local_mean
    return InflationResult(
        enp_national, enp_local_mean, difference, 100.0 * difference / enp_national
    )


@_register(
    "inflation_cox",
    citation=(
        "Cox, G. W. (1999). Electoral Rules and Electoral Coordination. Annual Review of "
        "Political Science 2: 145-161."
    ),
    formula="I = 100 * (N_nat - mean_u N_u) / N_nat, N = Laakso-Taagepera ENP, unweighted mean",
    input_kind="units",
    scale="percent; 0 = local party systems add up to the national one",
)
def inflation_score(units: UnitTable) -> float:
    """Cox's party-system inflation ``I = 100 × (N_nat − mean N_local) / N_nat``.

    See :func:`party_system_inflation` for the exact variant and the other components.

    Citation: Cox, G. W. (1999). "Electoral Rules and Electoral Coordination." *Annual
    Review of Political Science* 2: 145-161.
    """
    return party_system_inflation(units).inflation_pct


@_register(
    "aggregation_chhibber_kollman",
    citation=(
        "Chhibber, P. & Kollman, K. (1998). Party Aggregation and the Number of Parties in "
        "India and the United States. American Political Science Review 92(2): 329-342."
    ),
    formula="D = N_nat - mean_u N_u, N = Laakso-Taagepera ENP, unweighted mean",
    input_kind="units",
    scale="effective parties; 0 = perfect aggregation",
)
def aggregation_gap(units: UnitTable) -> float:
    """Chhibber-Kollman aggregation gap ``D = N_nat − mean N_local`` (raw difference).

    See :func:`party_system_inflation`.

    Citation: Chhibber, P. & Kollman, K. (1998). "Party Aggregation and the Number of
    Parties in India and the United States." *American Political Science Review* 92(2).
    """
    return party_system_inflation(units).difference


# --------------------------------------------------------------------------------------
# Inequality and nationalization
# --------------------------------------------------------------------------------------


@_register(
    "gini",
    citation="Gini, C. (1912). Variabilità e mutabilità. Bologna: Tipografia di Paolo Cuppini.",
    formula="G = sum_i sum_j |x_i - x_j| / (2 n^2 mean(x)) = sum_k (2k - n - 1) x_(k) / (n sum x)",
    input_kind="values",
    scale="[0, 1 - 1/n]; 0 = all values equal",
)
def gini(values: Distribution) -> float:
    """Gini coefficient ``G = Σ_i Σ_j |x_i − x_j| / (2 n² x̄)`` of non-negative values.

    The plain (population) Gini without the ``n/(n−1)`` small-sample correction, which is
    the form used by Jones & Mainwaring (2003). Computed in O(n log n) as
    ``Σ_k (2k − n − 1) x_(k) / (n Σ x)`` over the sorted values ``x_(1) <= ... <= x_(n)``.
    Scale-invariant; 0 when all values are equal; at most ``1 − 1/n``. A single value has
    Gini 0. Also used for inequality of staff per resident across units.

    Citation: Gini, C. (1912). *Variabilità e mutabilità*.
    """
    ordered = sorted(share for _, share in _normalised(_items(values, "values"), "values"))
    n = len(ordered)
    total = math.fsum(ordered)
    return math.fsum((2 * k - n - 1) * x for k, x in enumerate(ordered, start=1)) / (n * total)


_JM_CITATION = (
    "Jones, M. P. & Mainwaring, S. (2003). The Nationalization of Parties and Party Systems: "
    "An Empirical Measure and an Application to the Americas. Party Politics 9(2): 139-166. "
    "doi:10.1177/13540688030092002"
)


@_register(
    "party_nationalization",
    citation=_JM_CITATION,
    formula="PNS_k = 1 - Gini(s_k1, ..., s_kU), s_ku = share of party k in unit u",
    input_kind="values",
    scale="[0, 1]; 1 = identical share in every unit",
)
def party_nationalization(unit_shares: Distribution) -> float:
    """Jones-Mainwaring party nationalization score ``PNS = 1 − Gini`` for one party.

    ``unit_shares`` are the party's vote (or seat) **shares within each unit** -- not raw
    counts, which would mix in the size of the units -- with 0 for units where it got
    nothing. Units are unweighted, as in Jones & Mainwaring (2003). Percentages and
    fractions give the same result.

    Citation: Jones, M. P. & Mainwaring, S. (2003). "The Nationalization of Parties and
    Party Systems." *Party Politics* 9(2): 139-166.
    """
    return 1.0 - gini(unit_shares)


def _within_unit_shares(
    table: dict[str, dict[str, float]],
) -> tuple[list[str], dict[str, list[float]], dict[str, float]]:
    parties: list[str] = []
    for counts in table.values():
        parties.extend(party for party in counts if party not in parties)
    shares: dict[str, list[float]] = {party: [] for party in parties}
    totals: dict[str, float] = dict.fromkeys(parties, 0.0)
    for unit, counts in table.items():
        label = f"units[{unit!r}]"
        if not counts:
            raise IndexInputError(label, "total must be positive")
        within = dict(_normalised(list(counts.items()), label))
        for party in parties:
            shares[party].append(within.get(party, 0.0))
            totals[party] += counts.get(party, 0.0)
    return parties, shares, totals


@_register(
    "party_nationalization_scores",
    citation=_JM_CITATION,
    formula="PNS_k = 1 - Gini over units of (x_ku / sum_j x_ju), for every party k with x_k > 0",
    input_kind="per_party",
    scale="[0, 1] per party",
)
def party_nationalization_scores(units: UnitTable) -> dict[str, float]:
    """Jones-Mainwaring PNS for every party in a ``unit -> party -> count`` table.

    Each party's share of each unit's total is computed (0 where absent) and
    :func:`party_nationalization` applied. Parties with a zero total everywhere are
    omitted (their PNS is undefined). Every unit must have a positive total.

    Citation: Jones & Mainwaring (2003), *Party Politics* 9(2): 139-166.
    """
    parties, shares, totals = _within_unit_shares(_unit_table(units, "units"))
    return {party: 1.0 - gini(shares[party]) for party in parties if totals[party] > 0}


@_register(
    "party_system_nationalization",
    citation=_JM_CITATION,
    formula="PSNS = sum_k w_k * PNS_k, w_k = party k's national share of votes (or seats)",
    input_kind="units",
    scale="[0, 1]; 1 = every party has the same share everywhere",
)
def party_system_nationalization(units: UnitTable) -> float:
    """Jones-Mainwaring party-system nationalization ``PSNS = Σ_k w_k PNS_k``.

    ``w_k`` is party *k*'s share of the national total (the sum over units), so the
    weights add up to 1. Whatever is in the table is treated as the party list: decide
    first how to treat self-nominated candidates (see :func:`group_self_nominated`).

    Citation: Jones & Mainwaring (2003), *Party Politics* 9(2): 139-166.
    """
    table = _unit_table(units, "units")
    parties, shares, totals = _within_unit_shares(table)
    weights = dict(_normalised(list(totals.items()), "units"))
    return math.fsum(
        weights[party] * (1.0 - gini(shares[party])) for party in parties if totals[party] > 0
    )


@_register(
    "regions_with_seats",
    citation="Descriptive count; no canonical source.",
    formula="R_k = #{u : seats_ku > 0}",
    input_kind="per_party",
    scale="0 .. number of units, per party",
)
def regions_with_seats(seats_by_unit: UnitTable) -> dict[str, int]:
    """Number of units (e.g. regions) in which each party won at least one seat.

    Every party that appears anywhere in the table is listed, with 0 if it won no seats.
    Units with no seats at all are allowed.
    """
    table = _unit_table(seats_by_unit, "seats_by_unit")
    result: dict[str, int] = {}
    for counts in table.values():
        for party, seats in counts.items():
            result[party] = result.get(party, 0) + (1 if seats > 0 else 0)
    return result


# --------------------------------------------------------------------------------------
# Self-nominated candidates
# --------------------------------------------------------------------------------------


def group_self_nominated(
    counts: Mapping[str, float],
    self_keys: Collection[str],
    mode: SelfNominatedMode,
    *,
    bin_key: str = "self-nominated",
) -> dict[str, float]:
    """Decide how self-nominated candidates enter a party-based index.

    ``counts`` maps a party *or an individual self-nominated candidate* to its votes or
    seats; ``self_keys`` lists the keys that are self-nominated candidates (keys not
    present in ``counts`` are ignored). Modes:

    * ``"each_own_unit"`` -- every self-nominated candidate is its own "party" (returned
      unchanged). Treats independents as fully fragmented; raises ENP the most.
    * ``"single_bin"`` -- all self-nominated candidates are summed into one pseudo-party
      ``bin_key``. Treats them as one bloc; the usual choice when only an aggregate
      "self-nominated" total is published.
    * ``"exclude"`` -- self-nominated candidates are dropped, so the index describes
      competition among parties only (shares are re-normalised by the indices).

    Returns a new dict; the input is not modified.
    """
    if mode not in SELF_NOMINATED_MODES:
        raise IndexInputError(
            "mode", f"must be one of {', '.join(SELF_NOMINATED_MODES)} (got {mode!r})"
        )
    if not isinstance(counts, Mapping):
        raise IndexInputError("counts", "must be a mapping party -> count")
    keys = set(self_keys)
    if mode == "each_own_unit":
        return dict(counts)
    if mode == "exclude":
        return {party: value for party, value in counts.items() if party not in keys}
    if bin_key in counts and bin_key not in keys:
        raise IndexInputError(
            "bin_key", f"{bin_key!r} is already a party key that is not self-nominated"
        )
    grouped: dict[str, float] = {}
    for party, value in counts.items():
        target = bin_key if party in keys else party
        grouped[target] = grouped.get(target, 0) + value
    return grouped


# --------------------------------------------------------------------------------------
# Polars helper
# --------------------------------------------------------------------------------------


def by_group(
    frame: pl.DataFrame,
    group_cols: str | Sequence[str],
    party_col: str,
    value_col: str,
    index_name: str,
    *,
    second_col: str | None = None,
    unit_col: str | None = None,
) -> pl.DataFrame:
    """Compute a registered index per group of a long frame.

    ``frame`` has one row per (group, party[, unit]) with the count in ``value_col``;
    rows repeating the same party (and unit) within a group are summed. Supported kinds:

    * ``"distribution"`` indices use ``party_col`` and ``value_col``;
    * ``"paired"`` indices also need ``second_col`` (``value_col`` = votes,
      ``second_col`` = seats);
    * ``"units"`` indices also need ``unit_col`` (e.g. district within region).

    Returns one row per group: the group columns, then a ``Float64`` column named
    ``index_name``, sorted by the group columns. With ``group_cols=[]`` the whole frame is
    one group. Nulls in the used columns raise :class:`IndexInputError`, as does any
    invalid group (the error names the group).
    """
    import polars as pl

    spec = INDICES.get(index_name)
    if spec is None:
        raise IndexInputError(
            "index_name", f"unknown index {index_name!r}; known: {', '.join(sorted(INDICES))}"
        )
    if spec.input_kind not in ("distribution", "paired", "units"):
        raise IndexInputError(
            "index_name",
            f"{index_name!r} takes {spec.input_kind!r} input, which by_group does not support",
        )
    groups = [group_cols] if isinstance(group_cols, str) else list(group_cols)
    extra: list[str] = []
    if spec.input_kind == "paired":
        if second_col is None:
            raise IndexInputError("second_col", f"is required for the paired index {index_name!r}")
        extra.append(second_col)
    if spec.input_kind == "units":
        if unit_col is None:
            raise IndexInputError("unit_col", f"is required for the units index {index_name!r}")
        extra.append(unit_col)
    used = [*groups, party_col, value_col, *extra]
    missing = [column for column in used if column not in frame.columns]
    if missing:
        raise IndexInputError("frame", f"missing column(s) {', '.join(missing)}")
    for column in used:
        if frame[column].null_count():
            raise IndexInputError("frame", f"column {column!r} contains nulls")
    for column in (value_col, second_col):
        if column is not None and not frame.schema[column].is_numeric():
            raise IndexInputError(
                "frame", f"column {column!r} must be numeric (is {frame.schema[column]})"
            )

    def compute(sub: pl.DataFrame, label: str) -> float:
        try:
            if spec.input_kind == "distribution":
                return float(spec.function(_sum_by(sub, [party_col], value_col)))
            if spec.input_kind == "paired":
                votes = _sum_by(sub, [party_col], value_col)
                seats = _sum_by(sub, [party_col], str(second_col))
                return float(spec.function(votes, seats))
            units: dict[Any, dict[Any, float]] = {}
            for (unit, party), value in _sum_by(sub, [str(unit_col), party_col], value_col).items():
                units.setdefault(unit, {})[party] = value
            return float(spec.function(units))
        except IndexInputError as error:
            raise IndexInputError(f"{label} {error.input_name}", error.rule) from error

    schema: dict[str, Any] = {column: frame.schema[column] for column in groups}
    schema[index_name] = pl.Float64
    if not groups:
        return pl.DataFrame({index_name: [compute(frame, "frame")]}, schema=schema)
    rows = [
        (*key, compute(sub, f"group {dict(zip(groups, key, strict=True))}"))
        for key, sub in frame.group_by(groups, maintain_order=True)
    ]
    return pl.DataFrame(rows, schema=schema, orient="row").sort(groups)


def _sum_by(frame: pl.DataFrame, keys: list[str], value_col: str) -> dict[Any, float]:
    sums: dict[Any, float] = {}
    for row in frame.select([*keys, value_col]).iter_rows():
        key = row[0] if len(keys) == 1 else tuple(row[:-1])
        sums[key] = sums.get(key, 0.0) + row[-1]
    return sums
