"""The forensic tests on synthetic elections: nominal false-positive rate and power.

Sizes and rates are documented in docs/forensics.md. Every election here is generated with a
fixed seed, so these tests are deterministic; the tolerances are those a binomial count of
flags would meet with high probability if the tests hold their nominal level.
"""

from __future__ import annotations

import math

import pytest

from saylau.datasets.synthetic import Anomaly, AnomalyKind, generate
from saylau.forensics import data as forensic_data
from saylau.forensics import methods
from saylau.forensics.methods import Method
from saylau.forensics.stats import binomial_pmf

ALPHA = 0.05
SEEDS = range(100, 120)  # 20 clean elections of the default size (60 okrugs x 4 stations)


def station_data(
    seed: int, anomalies: list[Anomaly] | None = None, okrugs: int = 60, stations: int = 4
):
    election = generate(seed, okrugs, stations, anomalies=anomalies)
    return forensic_data.from_protocols(election.code, election.protocols, election.okrug_of)


def binomial_upper(n: int, p: float, tail: float) -> int:
    """The smallest k with P(Bin(n, p) >= k) <= tail: more flags than this are implausible."""
    for k in range(n + 1):
        if math.fsum(binomial_pmf(j, n, p) for j in range(k, n + 1)) <= tail:
            return k
    return n + 1


@pytest.fixture(scope="module")
def clean_reports() -> list[methods.ForensicsReport]:
    return [methods.run_all(station_data(seed), alpha=ALPHA) for seed in SEEDS]


@pytest.mark.parametrize("method", list(Method))
def test_clean_elections_are_flagged_at_about_the_nominal_rate(
    clean_reports: list[methods.ForensicsReport], method: Method
) -> None:
    flags = sum(r.result(method).flagged for r in clean_reports)
    assert all(r.result(method).status != "insufficient" for r in clean_reports)
    # P(Bin(20, 0.05) >= 5) = 0.0026: five or more flags would mean the test is miscalibrated.
    assert flags < binomial_upper(len(SEEDS), ALPHA, 0.005), flags


def test_clean_elections_overall_flag_count(clean_reports: list[methods.ForensicsReport]) -> None:
    flags = sum(r.flagged for report in clean_reports for r in report.results)
    assert flags < binomial_upper(len(SEEDS) * len(Method), ALPHA, 0.005), flags


def test_clean_p_values_are_not_piled_up_near_zero(
    clean_reports: list[methods.ForensicsReport],
) -> None:
    values = [r.p_value for report in clean_reports for r in report.results]
    assert all(v is not None and 0.0 < v <= 1.0 for v in values)
    assert sum(v < 0.5 for v in values if v is not None) <= 0.7 * len(values)


# The documented sizes: each anomaly at its default fraction of the default 240 stations.
POWER = [
    (AnomalyKind.STUFFING, 0.10, Method.ASSOCIATION),
    (AnomalyKind.ROUNDING, 0.20, Method.INTEGER_PERCENT),
    (AnomalyKind.DIGITS, 0.75, Method.LAST_DIGIT),
]


@pytest.mark.parametrize(("kind", "fraction", "method"), POWER)
def test_each_anomaly_is_detected_by_its_test(
    kind: AnomalyKind, fraction: float, method: Method
) -> None:
    seeds = range(300, 320)
    hits = 0
    for seed in seeds:
        data = station_data(seed, [Anomaly(kind, fraction)])
        result = {
            Method.ASSOCIATION: methods.association_test,
            Method.INTEGER_PERCENT: methods.integer_percent_test,
            Method.LAST_DIGIT: methods.last_digit_test,
        }[method](data)
        hits += result.flagged
    assert hits >= 18, f"power {hits}/20"


def test_stuffing_does_not_trip_the_digit_tests_more_than_nominal() -> None:
    flags = 0
    for seed in range(400, 410):
        report = methods.run_all(station_data(seed, [Anomaly(AnomalyKind.STUFFING)]))
        flags += report.result(Method.LAST_DIGIT).flagged
    assert flags <= 3


def test_integer_null_matches_binomial_resampling() -> None:
    data = station_data(7, okrugs=12, stations=3)
    result = methods.integer_percent_test(data)
    resampled = methods.integer_percent_resampled(data, resamples=400, seed=1)
    pairs = methods._integer_values(data, 100)
    probabilities = [methods.integer_probability(n, k / n) for k, n in pairs]
    sd = math.sqrt(sum(p * (1 - p) for p in probabilities))
    mean = sum(resampled) / len(resampled)
    assert abs(mean - result.details["expected"]) < 4 * sd / math.sqrt(len(resampled)) + 0.01
    empirical = sum(x >= result.details["observed"] for x in resampled) / len(resampled)
    assert result.p_value is not None
    assert abs(empirical - result.p_value) < 0.08


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        (350, 1000, True),
        (351, 1000, False),
        (1, 3, True),
        (67, 100, True),
        (233, 333, True),
        (234, 333, False),
        (0, 500, True),
        (500, 500, True),
        (505, 1001, False),
    ],
)
def test_is_integer_percent(k: int, n: int, expected: bool) -> None:
    assert methods.is_integer_percent(k, n) is expected


def test_integer_probability_is_about_100_over_n() -> None:
    for n in (400, 1000, 2500):
        assert methods.integer_probability(n, 0.63) == pytest.approx(100 / n, rel=0.1)
    assert methods.integer_probability(500, 0.0) == 1.0


def test_benford_second_digit_constants() -> None:
    assert sum(methods.BENFORD_SECOND) == pytest.approx(1.0, abs=1e-12)
    assert methods.BENFORD_SECOND[0] == pytest.approx(0.11968, abs=1e-5)
    assert methods.BENFORD_SECOND[9] == pytest.approx(0.08500, abs=1e-5)
    assert methods.BENFORD_SECOND_MEAN == pytest.approx(4.187, abs=1e-3)
    assert methods.second_digit(10) == 0 and methods.second_digit(4567) == 5


def test_distributions_cover_every_station() -> None:
    data = station_data(3)
    report = methods.run_all(data)
    assert report.turnout["stations"].sum() == data.stations.height == 240
    assert report.leader_share["stations"].sum() == 240
    assert report.fingerprint["stations"].sum() == 240
    assert report.turnout.height == 100
    assert report.turnout["bin_start"][0] == 0.0 and report.turnout["bin_end"][-1] == 100.0
    assert methods.histogram([100.0, 0.0, 99.99], 5.0)["stations"].to_list()[-1] == 2


def test_small_elections_are_insufficient_not_flagged() -> None:
    report = methods.run_all(station_data(9, okrugs=3, stations=2))
    assert all(r.status == "insufficient" for r in report.results)
    assert all(r.p_value is None and not r.flagged for r in report.results)


def test_association_is_reproducible_by_seed() -> None:
    data = station_data(12, [Anomaly(AnomalyKind.STUFFING, 0.05)])
    first = methods.association_test(data, seed=3)
    assert methods.association_test(data, seed=3) == first
    assert first.statistic is not None and first.statistic > 0
