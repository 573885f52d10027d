"""Statistics of the forensic tests: distribution tails from SciPy, plus sampling helpers.

* :func:`chi2_sf`, :func:`normal_sf`, :func:`binomial_logpmf` and the regularized incomplete
  gamma functions are thin, validated wrappers over ``scipy.stats`` / ``scipy.special``.
* :func:`poisson_binomial_sf` is the exact tail of a sum of independent Bernoulli variables
  with different probabilities, by dynamic programming (SciPy has no Poisson-binomial).
* :func:`binomial` and :func:`multinomial` draw from a :class:`random.Random`, so that a
  synthetic election is reproducible from its seed alone: exact inversion when
  ``n·min(p, 1−p) < 30``, otherwise the normal approximation with continuity (rounded to the
  nearest count), which is what a generator of plausible counts needs; none of the tests'
  p-values is computed from these draws.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from scipy import special, stats


class StatsInputError(ValueError):
    """Raised when a distribution function gets an argument outside its domain."""


def gamma_q(a: float, x: float) -> float:
    """Regularized upper incomplete gamma function ``Q(a, x) = Γ(a, x) / Γ(a)``, a > 0."""
    if not a > 0 or math.isnan(x):
        raise StatsInputError(f"gamma_q needs a > 0 and a number x (got a={a}, x={x})")
    return 1.0 if x <= 0 else float(special.gammaincc(a, x))


def gamma_p(a: float, x: float) -> float:
    """Regularized lower incomplete gamma function ``P(a, x) = 1 − Q(a, x)``."""
    if not a > 0 or math.isnan(x):
        raise StatsInputError(f"gamma_p needs a > 0 and a number x (got a={a}, x={x})")
    return 0.0 if x <= 0 else float(special.gammainc(a, x))


def chi2_sf(statistic: float, df: int | float) -> float:
    """``P(X >= statistic)`` for X chi-square with ``df`` degrees of freedom."""
    if not df > 0:
        raise StatsInputError(f"degrees of freedom must be > 0 (got {df})")
    if statistic < 0:
        raise StatsInputError(f"a chi-square statistic is >= 0 (got {statistic})")
    return float(stats.chi2.sf(statistic, df))


def normal_sf(z: float) -> float:
    """``P(Z >= z)`` for a standard normal Z."""
    return float(stats.norm.sf(z))


def chi_square_gof(observed: Sequence[int], probabilities: Sequence[float]) -> tuple[float, int]:
    """Pearson's goodness-of-fit statistic and its degrees of freedom (cells − 1)."""
    if len(observed) != len(probabilities) or len(observed) < 2:
        raise StatsInputError("observed counts and probabilities must match, 2 cells or more")
    total = sum(observed)
    if total <= 0:
        raise StatsInputError("no observations")
    weight = math.fsum(probabilities)
    statistic = math.fsum(
        (count - total * p / weight) ** 2 / (total * p / weight)
        for count, p in zip(observed, probabilities, strict=True)
    )
    return statistic, len(observed) - 1


def binomial_logpmf(k: int, n: int, p: float) -> float:
    """``log P(K = k)`` for K ~ Binomial(n, p)."""
    return float(stats.binom.logpmf(k, n, p))


def binomial_pmf(k: int, n: int, p: float) -> float:
    """``P(K = k)`` for K ~ Binomial(n, p)."""
    value = binomial_logpmf(k, n, p)
    return 0.0 if value == -math.inf else math.exp(value)


def poisson_binomial_sf(probabilities: Sequence[float], k: int) -> float:
    """``P(S >= k)`` for S the number of successes of independent Bernoulli(p_i) trials."""
    if k <= 0:
        return 1.0
    if k > len(probabilities):
        return 0.0
    # dist[j] = P(S = j) over the trials seen so far; only j < k is kept, the rest is the tail.
    dist = [1.0] + [0.0] * (k - 1)
    tail = 0.0
    for p in probabilities:
        tail += dist[k - 1] * p
        for j in range(k - 1, 0, -1):
            dist[j] = dist[j] * (1.0 - p) + dist[j - 1] * p
        dist[0] *= 1.0 - p
    return min(1.0, max(0.0, tail))


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to the nearest integer, halves up (integers only)."""
    if denominator <= 0:
        raise StatsInputError("denominator must be > 0")
    return (2 * numerator + denominator) // (2 * denominator)


def binomial(rng: random.Random, n: int, p: float) -> int:
    """A draw from Binomial(n, p) (see the module docstring for the method)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    q = min(p, 1.0 - p)
    if n * q < 30.0:
        ratio = q / (1.0 - q)
        f = (1.0 - q) ** n
        u = rng.random()
        k = 0
        while u > f and k < n:
            u -= f
            f *= (n - k) / (k + 1) * ratio
            k += 1
    else:
        k = round(n * q + math.sqrt(n * q * (1.0 - q)) * rng.gauss(0.0, 1.0))
        k = min(n, max(0, k))
    return k if p <= 0.5 else n - k


def multinomial(rng: random.Random, n: int, probabilities: Sequence[float]) -> list[int]:
    """A draw from Multinomial(n, probabilities) by successive binomials."""
    out: list[int] = []
    remaining = n
    left = math.fsum(probabilities)
    for index, p in enumerate(probabilities):
        if index == len(probabilities) - 1:
            out.append(remaining)
            break
        share = p / left if left > 0 else 0.0
        drawn = binomial(rng, remaining, min(1.0, share))
        out.append(drawn)
        remaining -= drawn
        left -= p
    return out


def dirichlet(rng: random.Random, alphas: Sequence[float]) -> list[float]:
    """A draw from Dirichlet(alphas)."""
    draws = [rng.gammavariate(a, 1.0) for a in alphas]
    total = math.fsum(draws)
    if total <= 0:
        return [1.0 / len(alphas)] * len(alphas)
    return [d / total for d in draws]


def beta_mean(rng: random.Random, mean: float, concentration: float) -> float:
    """A draw from the Beta distribution with the given mean and ``α + β = concentration``."""
    return rng.betavariate(mean * concentration, (1.0 - mean) * concentration)
