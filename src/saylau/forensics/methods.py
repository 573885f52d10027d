"""Election forensics on station-level counts: distributions, fingerprints and four tests.

Every test returns a :class:`TestResult` with its statistic, a p-value, the number of units it
used and a status: ``flagged`` when ``p < alpha``, ``ok`` otherwise, ``insufficient`` when there
are too few units for the test to mean anything (no p-value is then given). A flag is a reason
to look at the protocols, never proof of fraud: see ``docs/forensics.md`` and each method's
caveat in the message catalogue (``forensics.caveat.<method>``).

Methods
-------
* ``integer_percent`` — Kobak, Shpilkin & Pshenichnikov (2016): the number of turnout and
  leader's-share values that sit on an integer percentage, against the exact expectation under
  binomial resampling of each station's counts.
* ``association`` — the turnout × leader's-share fingerprint of Klimek, Yegorov, Hanel & Thurner
  (2012): ballot stuffing raises both together. Tested by the within-okrug correlation of the
  two, with a permutation null that shuffles stations inside each okrug.
* ``last_digit`` — last digits of candidates' counts against the uniform distribution
  (Beber & Scacco 2012), Pearson chi-square with 9 degrees of freedom.
* ``second_digit`` — second digits against Benford's law (2BL; Mebane 2006, 2008), Pearson
  chi-square with 9 degrees of freedom, and the mean second digit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import polars as pl

from saylau.forensics.data import StationData
from saylau.forensics.stats import (
    binomial_pmf,
    chi2_sf,
    chi_square_gof,
    poisson_binomial_sf,
    round_half_up,
)

DEFAULT_ALPHA = 0.05
Status = Literal["ok", "flagged", "insufficient"]


class Method(StrEnum):
    """The forensic tests, in report order."""

    INTEGER_PERCENT = "integer_percent"
    ASSOCIATION = "association"
    LAST_DIGIT = "last_digit"
    SECOND_DIGIT = "second_digit"


CITATIONS: dict[Method, str] = {
    Method.INTEGER_PERCENT: "Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer "
    "percentages as electoral falsification fingerprints. Annals of Applied Statistics 10(1): "
    "54-73. doi:10.1214/16-AOAS904",
    Method.ASSOCIATION: "Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical "
    "detection of systematic election irregularities. PNAS 109(41): 16469-16473. "
    "doi:10.1073/pnas.1210722109",
    Method.LAST_DIGIT: "Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based test "
    "for election fraud. Political Analysis 20(2): 211-234. doi:10.1093/pan/mps003",
    Method.SECOND_DIGIT: "Mebane, W. R. Jr. (2006). Election forensics: vote counts and "
    "Benford's law. Summer Meeting of the Political Methodology Society, UC Davis; Mebane (2008), "
    "Election forensics: the second-digit Benford's law test and recent American presidential "
    "elections, in Alvarez, Hall & Hyde (eds.), Election Fraud, Brookings.",
}

# Second-digit Benford probabilities: P(d) = Σ_{k=1..9} log10(1 + 1/(10k + d)).
BENFORD_SECOND: tuple[float, ...] = tuple(
    math.fsum(math.log10(1.0 + 1.0 / (10 * k + d)) for k in range(1, 10)) for d in range(10)
)
BENFORD_SECOND_MEAN = math.fsum(d * p for d, p in enumerate(BENFORD_SECOND))


@dataclass(frozen=True)
class TestResult:
    """The outcome of one forensic test."""

    method: Method
    statistic: float | None
    p_value: float | None
    n: int
    alpha: float
    df: int | None = None
    details: dict[str, float | int] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        """``flagged`` when p < alpha, ``insufficient`` without a p-value, else ``ok``."""
        if self.p_value is None:
            return "insufficient"
        return "flagged" if self.p_value < self.alpha else "ok"

    @property
    def flagged(self) -> bool:
        """Whether the test rejects its null hypothesis at ``alpha``."""
        return self.status == "flagged"


# --- distributions --------------------------------------------------------------------------


def histogram(values: Sequence[float], width: float = 1.0, upper: float = 100.0) -> pl.DataFrame:
    """Counts of ``values`` (percentages) in bins ``[k·width, (k+1)·width)``, 100 in the last."""
    if width <= 0:
        raise ValueError("bin width must be > 0")
    bins = max(1, math.ceil(upper / width))
    counts = [0] * bins
    for value in values:
        index = min(bins - 1, max(0, int(value // width)))
        counts[index] += 1
    return pl.DataFrame(
        {
            "bin_start": [i * width for i in range(bins)],
            "bin_end": [min(upper, (i + 1) * width) for i in range(bins)],
            "stations": counts,
        },
        schema={"bin_start": pl.Float64, "bin_end": pl.Float64, "stations": pl.Int64},
    )


def turnout_histogram(data: StationData, width: float = 1.0) -> pl.DataFrame:
    """Stations by turnout (ballots issued / voters on the list, %)."""
    return histogram(data.stations["turnout"].drop_nulls().to_list(), width)


def leader_share_histogram(data: StationData, width: float = 1.0) -> pl.DataFrame:
    """Stations by the okrug leader's share of valid votes (%)."""
    return histogram(data.stations["leader_share"].drop_nulls().to_list(), width)


def fingerprint(data: StationData, width: float = 2.0) -> pl.DataFrame:
    """The two-dimensional histogram turnout × leader's share (Klimek et al. 2012).

    One row per non-empty cell: ``turnout_bin`` and ``share_bin`` (lower edges, %) and
    ``stations``.
    """
    if width <= 0:
        raise ValueError("bin width must be > 0")
    bins = max(1, math.ceil(100.0 / width))
    frame = data.stations.drop_nulls(["turnout", "leader_share"])
    cells: dict[tuple[int, int], int] = {}
    for t, s in zip(frame["turnout"].to_list(), frame["leader_share"].to_list(), strict=True):
        key = (min(bins - 1, int(t // width)), min(bins - 1, int(s // width)))
        cells[key] = cells.get(key, 0) + 1
    return pl.DataFrame(
        {
            "turnout_bin": [k[0] * width for k in sorted(cells)],
            "share_bin": [k[1] * width for k in sorted(cells)],
            "stations": [cells[k] for k in sorted(cells)],
        },
        schema={"turnout_bin": pl.Float64, "share_bin": pl.Float64, "stations": pl.Int64},
    )


# --- integer percentages (Kobak et al. 2016) ------------------------------------------------


def nearest_percent(k: int, n: int) -> int:
    """The integer percentage nearest to ``100·k/n``."""
    return round_half_up(100 * k, n)


def is_integer_percent(k: int, n: int) -> bool:
    """Whether ``k`` of ``n`` is the count nearest to an integer percentage of ``n``.

    That is ``|100·k − m·n| <= 50`` for the nearest integer ``m``: the reported percentage
    ``100·k/n`` rounds to ``m`` at the resolution one count allows (``100/n`` points). This
    is the count a person aiming at "m per cent" would write down.
    """
    return abs(100 * k - nearest_percent(k, n) * n) <= 50


def integer_probability(n: int, p: float) -> float:
    """``P(K is an integer percentage of n)`` for K ~ Binomial(n, p)."""
    if p <= 0.0 or p >= 1.0:
        return 1.0  # 0 % and 100 % are integers
    sd = math.sqrt(n * p * (1.0 - p))
    low = max(0, math.floor(n * p - 9.0 * sd - 1.0))
    high = min(n, math.ceil(n * p + 9.0 * sd + 1.0))
    total = 0.0
    for m in range(nearest_percent(low, n), nearest_percent(high, n) + 1):
        # counts k with |100k − mn| <= 50
        first = max(low, math.ceil((m * n - 50) / 100))
        last = min(high, math.floor((m * n + 50) / 100))
        for k in range(first, last + 1):
            total += binomial_pmf(k, n, p)
    return min(1.0, total)


def _integer_values(data: StationData, min_denominator: int) -> list[tuple[int, int]]:
    """(count, denominator) pairs: turnout and leader's votes of every large enough station."""
    pairs: list[tuple[int, int]] = []
    frame = data.stations
    for issued, voters, leader, valid in zip(
        frame["issued"].to_list(),
        frame["voters"].to_list(),
        frame["leader_votes"].to_list(),
        frame["valid"].to_list(),
        strict=True,
    ):
        if voters >= min_denominator:
            pairs.append((issued, voters))
        if valid >= min_denominator:
            pairs.append((leader, valid))
    return pairs


def integer_percent_test(
    data: StationData,
    *,
    min_denominator: int = 100,
    alpha: float = DEFAULT_ALPHA,
    min_values: int = 20,
) -> TestResult:
    """Excess of integer turnout and leader's-share percentages (Kobak et al. 2016).

    The statistic is the number ``X`` of values (turnout and leader's share of each station
    with at least ``min_denominator`` voters, resp. valid votes) that are integer percentages
    (:func:`is_integer_percent`). Under the null each count is redrawn from
    ``Binomial(n, k/n)`` (the paper's resampling); the probability ``π_i`` that a redrawn
    count is an integer percentage is computed exactly, so the null distribution of ``X`` is
    the Poisson-binomial with these ``π_i`` — what infinitely many resamples would give — and
    the one-sided p-value is ``P(X_null >= X)``.
    """
    pairs = _integer_values(data, min_denominator)
    observed = sum(1 for k, n in pairs if is_integer_percent(k, n))
    probabilities = [integer_probability(n, k / n) for k, n in pairs]
    expected = math.fsum(probabilities)
    details: dict[str, float | int] = {
        "observed": observed,
        "expected": round(expected, 3),
        "excess": round(observed - expected, 3),
        "min_denominator": min_denominator,
    }
    if len(pairs) < min_values:
        return TestResult(Method.INTEGER_PERCENT, None, None, len(pairs), alpha, details=details)
    p_value = poisson_binomial_sf(probabilities, observed)
    return TestResult(
        Method.INTEGER_PERCENT, float(observed), p_value, len(pairs), alpha, details=details
    )


def integer_percent_resampled(
    data: StationData, *, resamples: int = 1000, seed: int = 0, min_denominator: int = 100
) -> list[int]:
    """The Monte Carlo version of the null: integer counts in ``resamples`` binomial redraws.

    Slow in pure Python; used to check :func:`integer_percent_test` against the paper's
    procedure (exact binomial draws by inversion of the cumulative distribution).
    """
    rng = random.Random(seed)
    pairs = _integer_values(data, min_denominator)
    tables: list[tuple[int, list[float]]] = []
    for k, n in pairs:
        p = k / n
        cumulative: list[float] = []
        total = 0.0
        for j in range(n + 1):
            total += binomial_pmf(j, n, p)
            cumulative.append(total)
        tables.append((n, cumulative))
    out: list[int] = []
    for _ in range(resamples):
        hits = 0
        for n, cumulative in tables:
            u = rng.random() * cumulative[-1]
            lo, hi = 0, n
            while lo < hi:
                mid = (lo + hi) // 2
                if cumulative[mid] < u:
                    lo = mid + 1
                else:
                    hi = mid
            hits += is_integer_percent(lo, n)
        out.append(hits)
    return out


# --- turnout × leader's share (Klimek et al. 2012) ------------------------------------------


def _centred_by_okrug(frame: pl.DataFrame) -> list[tuple[list[float], list[float]]]:
    groups: dict[str, tuple[list[float], list[float]]] = {}
    for okrug, t, s in zip(
        frame["okrug"].to_list(),
        frame["turnout"].to_list(),
        frame["leader_share"].to_list(),
        strict=True,
    ):
        xs, ys = groups.setdefault(okrug, ([], []))
        xs.append(t)
        ys.append(s)
    out = []
    for okrug in sorted(groups):
        xs, ys = groups[okrug]
        if len(xs) < 2:
            continue
        mx, my = math.fsum(xs) / len(xs), math.fsum(ys) / len(ys)
        out.append(([x - mx for x in xs], [y - my for y in ys]))
    return out


def association_test(
    data: StationData,
    *,
    permutations: int = 999,
    seed: int = 0,
    alpha: float = DEFAULT_ALPHA,
    min_stations: int = 20,
) -> TestResult:
    """Do turnout and the leader's share rise together within okrugs? (one-sided).

    Each station's turnout and leader's share are centred on their okrug means (stations of
    one okrug share candidates and circumstances), and the statistic is the correlation ``r``
    of the centred values over all okrugs with two or more stations. The null shuffles the
    leader's shares among the stations of each okrug ``permutations`` times (fixed ``seed``);
    ``p = (1 + #{r* >= r}) / (permutations + 1)``. Ballot stuffing for the leader, the
    pattern of Klimek et al. (2012), gives ``r > 0``.
    """
    frame = data.stations.drop_nulls(["turnout", "leader_share"])
    groups = _centred_by_okrug(frame)
    xs = [x for g in groups for x in g[0]]
    ys = [y for g in groups for y in g[1]]
    n = len(xs)
    details: dict[str, float | int] = {"okrugs": len(groups), "permutations": permutations}
    sxx = math.fsum(x * x for x in xs)
    syy = math.fsum(y * y for y in ys)
    if n < min_stations or n - len(groups) < 3 or sxx <= 0 or syy <= 0:
        return TestResult(Method.ASSOCIATION, None, None, n, alpha, details=details)
    scale = math.sqrt(sxx * syy)
    observed = math.fsum(x * y for x, y in zip(xs, ys, strict=True))
    rng = random.Random(seed)
    shuffled = [list(g[1]) for g in groups]
    xs_groups = [g[0] for g in groups]
    at_least = 0
    tolerance = 1e-12 * scale
    for _ in range(permutations):
        total = 0.0
        for gx, gy in zip(xs_groups, shuffled, strict=True):
            rng.shuffle(gy)
            total += sum(map(float.__mul__, gx, gy))
        if total >= observed - tolerance:
            at_least += 1
    r = observed / scale
    details["r"] = round(r, 4)
    return TestResult(
        Method.ASSOCIATION, r, (1 + at_least) / (permutations + 1), n, alpha, details=details
    )


# --- digits ---------------------------------------------------------------------------------


def _counts(data: StationData, min_count: int) -> list[int]:
    return [v for v in data.votes["votes"].to_list() if v >= min_count]


def last_digit_test(
    data: StationData,
    *,
    min_count: int = 10,
    alpha: float = DEFAULT_ALPHA,
    min_values: int = 50,
) -> TestResult:
    """Last digits of candidates' counts ``>= min_count`` against the uniform distribution."""
    values = _counts(data, min_count)
    observed = [0] * 10
    for v in values:
        observed[v % 10] += 1
    details: dict[str, float | int] = {f"d{d}": observed[d] for d in range(10)}
    details["min_count"] = min_count
    if len(values) < min_values:
        return TestResult(Method.LAST_DIGIT, None, None, len(values), alpha, details=details)
    statistic, df = chi_square_gof(observed, [0.1] * 10)
    return TestResult(
        Method.LAST_DIGIT, statistic, chi2_sf(statistic, df), len(values), alpha, df, details
    )


def second_digit(value: int) -> int:
    """The second significant digit of ``value`` (>= 10)."""
    text = str(value)
    return int(text[1])


def second_digit_test(
    data: StationData,
    *,
    min_count: int = 10,
    alpha: float = DEFAULT_ALPHA,
    min_values: int = 100,
) -> TestResult:
    """Second digits of candidates' counts ``>= min_count`` against Benford's law (2BL)."""
    values = _counts(data, max(10, min_count))
    observed = [0] * 10
    for v in values:
        observed[second_digit(v)] += 1
    details: dict[str, float | int] = {f"d{d}": observed[d] for d in range(10)}
    details["min_count"] = max(10, min_count)
    if values:
        details["mean"] = round(math.fsum(d * c for d, c in enumerate(observed)) / len(values), 4)
    details["benford_mean"] = round(BENFORD_SECOND_MEAN, 4)
    if len(values) < min_values:
        return TestResult(Method.SECOND_DIGIT, None, None, len(values), alpha, details=details)
    statistic, df = chi_square_gof(observed, BENFORD_SECOND)
    return TestResult(
        Method.SECOND_DIGIT, statistic, chi2_sf(statistic, df), len(values), alpha, df, details
    )


# --- all together ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ForensicsReport:
    """Every test and distribution of one election."""

    data: StationData
    results: tuple[TestResult, ...]
    turnout: pl.DataFrame
    leader_share: pl.DataFrame
    fingerprint: pl.DataFrame

    def result(self, method: Method | str) -> TestResult:
        """The result of ``method``."""
        return next(r for r in self.results if r.method == Method(method))


def run_all(
    data: StationData,
    *,
    alpha: float = DEFAULT_ALPHA,
    seed: int = 0,
    permutations: int = 999,
    min_denominator: int = 100,
    min_count: int = 10,
) -> ForensicsReport:
    """All four tests and the distributions, in report order."""
    results = (
        integer_percent_test(data, min_denominator=min_denominator, alpha=alpha),
        association_test(data, permutations=permutations, seed=seed, alpha=alpha),
        last_digit_test(data, min_count=min_count, alpha=alpha),
        second_digit_test(data, min_count=min_count, alpha=alpha),
    )
    return ForensicsReport(
        data=data,
        results=results,
        turnout=turnout_histogram(data),
        leader_share=leader_share_histogram(data),
        fingerprint=fingerprint(data),
    )
