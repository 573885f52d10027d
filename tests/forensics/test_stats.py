"""The pure-Python distributions behind the p-values, against closed forms and table values."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from saylau.forensics.stats import (
    StatsInputError,
    binomial,
    binomial_pmf,
    chi2_sf,
    chi_square_gof,
    gamma_p,
    gamma_q,
    multinomial,
    normal_sf,
    poisson_binomial_sf,
    round_half_up,
)


def chi2_sf_even(x: float, df: int) -> float:
    """Closed form for even df: exp(-x/2) Σ_{j<df/2} (x/2)^j / j!."""
    half = x / 2
    return math.exp(-half) * math.fsum(half**j / math.factorial(j) for j in range(df // 2))


def chi2_sf_odd(x: float, df: int) -> float:
    """Closed form for odd df.

    erfc(√(x/2)) + √(2x/π) e^{-x/2} Σ_{j=1}^{(df-1)/2} x^{j-1} / (1·3…(2j-1)).
    """
    total = math.erfc(math.sqrt(x / 2))
    term_sum = 0.0
    for j in range(1, (df - 1) // 2 + 1):
        denominator = math.prod(range(1, 2 * j, 2))
        term_sum += x ** (j - 1) / denominator
    return total + math.sqrt(2 * x / math.pi) * math.exp(-x / 2) * term_sum


@pytest.mark.parametrize("df", [2, 4, 6, 10, 20, 40])
@pytest.mark.parametrize("x", [0.01, 0.5, 1.0, 3.0, 7.5, 16.9, 30.0, 80.0])
def test_chi2_sf_even_df_matches_closed_form(x: float, df: int) -> None:
    assert chi2_sf(x, df) == pytest.approx(chi2_sf_even(x, df), abs=1e-12, rel=1e-9)


@pytest.mark.parametrize("df", [1, 3, 5, 9, 15])
@pytest.mark.parametrize("x", [0.01, 0.5, 1.0, 3.0, 7.5, 16.9, 30.0, 60.0])
def test_chi2_sf_odd_df_matches_closed_form(x: float, df: int) -> None:
    assert chi2_sf(x, df) == pytest.approx(chi2_sf_odd(x, df), abs=1e-12, rel=1e-9)


# Upper critical values of the chi-square distribution to full double precision (as given by
# scipy.stats.chi2.isf; rounded to three decimals they are the standard tables, e.g. the
# NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.4): chi2_sf(value, df) == p.
CRITICAL = [
    (1, 3.841458820694124, 0.05),
    (1, 6.634896601021214, 0.01),
    (2, 5.991464547107979, 0.05),
    (5, 11.070497693516351, 0.05),
    (9, 16.918977604620448, 0.05),
    (9, 21.665994333461924, 0.01),
    (9, 27.877164871256568, 0.001),
    (10, 18.307038053275146, 0.05),
    (30, 43.77297182574219, 0.05),
    (100, 124.34211340400407, 0.05),
]


@pytest.mark.parametrize(("df", "value", "p"), CRITICAL)
def test_chi2_sf_known_critical_values(df: int, value: float, p: float) -> None:
    assert abs(chi2_sf(value, df) - p) < 1e-6


def test_chi2_sf_edges_and_domain() -> None:
    assert chi2_sf(0.0, 9) == 1.0
    assert chi2_sf(1e6, 9) == 0.0
    assert chi2_sf(math.inf, 3) == 0.0
    assert 0.0 < chi2_sf(200.0, 9) < 1e-30  # tiny tails keep relative precision
    assert chi2_sf(200.0, 2) == pytest.approx(math.exp(-100.0), rel=1e-9)
    with pytest.raises(StatsInputError):
        chi2_sf(-1.0, 3)
    with pytest.raises(StatsInputError):
        chi2_sf(1.0, 0)


@pytest.mark.parametrize(("a", "x"), [(0.5, 0.2), (1.0, 1.0), (4.5, 3.0), (4.5, 9.0), (50.0, 45.0)])
def test_gamma_p_and_q_are_complementary(a: float, x: float) -> None:
    assert gamma_p(a, x) + gamma_q(a, x) == pytest.approx(1.0, abs=1e-14)


def test_gamma_q_of_one_is_the_exponential_tail() -> None:
    for x in (0.1, 1.0, 2.5, 10.0):
        assert gamma_q(1.0, x) == pytest.approx(math.exp(-x), rel=1e-12)


def test_normal_sf() -> None:
    assert normal_sf(0.0) == 0.5
    assert normal_sf(1.959963984540054) == pytest.approx(0.025, abs=1e-12)


def test_chi_square_gof_statistic() -> None:
    statistic, df = chi_square_gof([10, 20, 30], [1, 1, 1])
    assert df == 2
    assert statistic == pytest.approx((100 + 0 + 100) / 20)


def brute_force_tail(probabilities: list[float], k: int) -> float:
    total = 0.0
    for outcome in itertools.product((0, 1), repeat=len(probabilities)):
        if sum(outcome) >= k:
            total += math.prod(
                p if o else 1 - p for p, o in zip(probabilities, outcome, strict=True)
            )
    return total


@pytest.mark.parametrize("k", range(0, 9))
def test_poisson_binomial_tail_matches_enumeration(k: int) -> None:
    probabilities = [0.1, 0.5, 0.9, 0.33, 0.02, 0.75, 0.6]
    assert poisson_binomial_sf(probabilities, k) == pytest.approx(
        brute_force_tail(probabilities, k), abs=1e-14
    )


def test_poisson_binomial_with_equal_probabilities_is_binomial() -> None:
    n, p = 40, 0.3
    for k in (0, 5, 12, 20, 41):
        expected = math.fsum(binomial_pmf(j, n, p) for j in range(k, n + 1))
        assert poisson_binomial_sf([p] * n, k) == pytest.approx(expected, abs=1e-13)


def test_round_half_up() -> None:
    assert round_half_up(5, 10) == 1
    assert round_half_up(4, 10) == 0
    assert round_half_up(15, 10) == 2
    assert round_half_up(100 * 2, 3) == 67


@pytest.mark.parametrize(("n", "p"), [(20, 0.3), (200, 0.01), (1000, 0.7), (3000, 0.5)])
def test_binomial_sampler_moments(n: int, p: float) -> None:
    rng = random.Random(1)
    draws = [binomial(rng, n, p) for _ in range(4000)]
    mean = sum(draws) / len(draws)
    variance = sum((d - mean) ** 2 for d in draws) / (len(draws) - 1)
    assert all(0 <= d <= n for d in draws)
    assert abs(mean - n * p) < 5 * math.sqrt(n * p * (1 - p) / len(draws)) + 0.05
    assert variance == pytest.approx(n * p * (1 - p), rel=0.15, abs=0.1)


def test_multinomial_adds_up() -> None:
    rng = random.Random(3)
    for n in (0, 1, 57, 1234):
        counts = multinomial(rng, n, [0.5, 0.3, 0.2])
        assert sum(counts) == n and all(c >= 0 for c in counts)
