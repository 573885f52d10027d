"""Tests for saylau.analytics.indices.

Expected values are worked out by hand (exact fractions where possible) and repeated in
docs/analytics/indices.md; ``test_docs_show_the_tested_numbers`` keeps the two in step.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from saylau.analytics.indices import (
    INDICES,
    IndexInputError,
    IndexSpec,
    InflationResult,
    aggregation_gap,
    apply_lineage,
    by_group,
    effective_number_of_parties,
    gallagher,
    gini,
    golosov,
    group_self_nominated,
    herfindahl_hirschman,
    inflation_score,
    loosemore_hanby,
    party_nationalization,
    party_nationalization_scores,
    party_system_inflation,
    party_system_nationalization,
    pedersen,
    rae_fractionalization,
    regions_with_seats,
)

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "analytics" / "indices.md"

# ---------------------------------------------------------------------------------------
# Shared worked examples (the same numbers appear in the docs)
# ---------------------------------------------------------------------------------------

VOTES_ABC = {"A": 50, "B": 30, "C": 20}
# HHI = .5² + .3² + .2² = .25 + .09 + .04 = .38 ; ENP = 1/.38 = 50/19
# Golosov: 1 + .3/(.3+.25-.09) + .2/(.2+.25-.04) = 1 + 15/23 + 20/41 = 2018/943

DISPROP_VOTES = {"A": 45, "B": 35, "C": 20}
DISPROP_SEATS = {"A": 6, "B": 4, "C": 0}
# seat % = 60, 40, 0 ; differences 15, 5, -20
# LH = (15 + 5 + 20)/2 = 20 ; LSq = sqrt((225 + 25 + 400)/2) = sqrt(325)

PREVIOUS = {"nur-otan": 600, "adal": 100, "auyl": 200, "others": 100}  # hypothetical
CURRENT = {"amanat": 360, "auyl": 90, "new-party": 50}  # hypothetical, 72 / 18 / 10 %
LINEAGE = {"nur-otan": "amanat", "adal": "amanat"}
# with lineage: before amanat 70, auyl 20, others 10 ; after amanat 72, auyl 18, new 10
#   V = (2 + 2 + 10 + 10)/2 = 12
# without: nur-otan 60, adal 10, auyl 2, others 10, amanat 72, new 10 -> V = 164/2 = 82

INFLATION_UNITS = {"u1": {"A": 60, "B": 40}, "u2": {"A": 60, "C": 40}}
# local ENP = 1/(.36+.16) = 25/13 each ; national A 120, B 40, C 40 -> 1/.44 = 25/11
# difference = 25/11 - 25/13 = 50/143 ; I = 100 * (1 - 11/13) = 200/13

PNS_UNITS = {
    "R1": {"A": 60, "B": 40},
    "R2": {"A": 60, "B": 40},
    "R3": {"A": 60, "B": 20, "C": 20},
    "R4": {"A": 60, "C": 40},
}
# A shares .6 .6 .6 .6 -> Gini 0 -> PNS 1
# B shares 0 .2 .4 .4 (sorted) -> (-3*0 - 1*.2 + 1*.4 + 3*.4)/(4*1.0) = 1.4/4 = .35 -> .65
# C shares 0 0 .2 .4 -> (1*.2 + 3*.4)/(4*.6) = 1.4/2.4 = 7/12 -> 5/12
# national weights A 240/400 = .6, B 100/400 = .25, C 60/400 = .15
# PSNS = .6*1 + .25*.65 + .15*5/12 = .6 + .1625 + .0625 = .825

# Seed paper, 2021 rural akim elections: seats by party, republic totals (sum of the
# 14 regions).
SEATS_2021 = {
    "nur-otan": 569,
    "auyl": 49,
    "ak-zhol": 14,
    "adal": 19,
    "peoples-party": 12,
    "nsdp": 3,
    "self-nominated": 170,
}
# total 836 ; squares 323761 + 2401 + 196 + 361 + 144 + 9 = 326872 for the parties,
# + 28900 for the self-nominated bin = 355772.
#   single bin : ENP = 836² / 355772 = 698896 / 355772 = 174724 / 88943 ≈ 1.9644
#   excluded   : ENP = 666² / 326872 = 443556 / 326872 = 110889 / 81718 ≈ 1.3570
#   each own   : 170 one-seat "parties": ENP = 698896 / (326872 + 170) ≈ 2.1370
ENP_2021_SINGLE_BIN = Fraction(698896, 355772)
ENP_2021_EXCLUDED = Fraction(443556, 326872)
ENP_2021_EACH_OWN = Fraction(698896, 327042)

# Numbers that must appear verbatim in the docs, as formatted there.
DOC_NUMBERS = {
    "enp_abc": (effective_number_of_parties(VOTES_ABC), "2.6316"),
    "golosov_abc": (golosov(VOTES_ABC), "2.1400"),
    "golosov_7525": (golosov([75, 25]), "1.3333"),
    "golosov_dominant_pair": (golosov([52, 45, 2, 1]), "1.9735"),
    "golosov_multi": (golosov([40, 25, 20, 15]), "2.8662"),
    "lt_dominant_pair": (effective_number_of_parties([52, 45, 2, 1]), "2.1124"),
    "lt_multi": (effective_number_of_parties([40, 25, 20, 15]), "3.5088"),
    "lsq": (gallagher(DISPROP_VOTES, DISPROP_SEATS), "18.0278"),
    "inflation_nat": (party_system_inflation(INFLATION_UNITS).enp_national, "2.2727"),
    "inflation_loc": (party_system_inflation(INFLATION_UNITS).enp_local_mean, "1.9231"),
    "inflation_diff": (aggregation_gap(INFLATION_UNITS), "0.3497"),
    "inflation_pct": (inflation_score(INFLATION_UNITS), "15.3846"),
    "pns_c": (party_nationalization_scores(PNS_UNITS)["C"], "0.4167"),
    "enp_2021_bin": (float(ENP_2021_SINGLE_BIN), "1.9644"),
    "enp_2021_excl": (float(ENP_2021_EXCLUDED), "1.3570"),
    "enp_2021_each": (float(ENP_2021_EACH_OWN), "2.1370"),
}


# ---------------------------------------------------------------------------------------
# Hand-computed examples
# ---------------------------------------------------------------------------------------


def test_fragmentation_worked_example():
    assert herfindahl_hirschman(VOTES_ABC) == pytest.approx(0.38)
    assert rae_fractionalization(VOTES_ABC) == pytest.approx(0.62)
    assert effective_number_of_parties(VOTES_ABC) == pytest.approx(50 / 19)
    assert golosov(VOTES_ABC) == pytest.approx(2018 / 943)


def test_counts_shares_and_percentages_agree():
    for counts in ([50, 30, 20], [0.5, 0.3, 0.2], (5, 3, 2), VOTES_ABC):
        assert effective_number_of_parties(counts) == pytest.approx(50 / 19)
        assert golosov(counts) == pytest.approx(2018 / 943)


def test_golosov_two_party_example():
    # .75/.75 + .25/(.25 + .5625 - .0625) = 1 + 1/3
    assert golosov([0.75, 0.25]) == pytest.approx(4 / 3)
    assert effective_number_of_parties([0.75, 0.25]) == pytest.approx(1.6)


def test_golosov_paper_opening_constellations():
    """The two constellations Golosov (2010: 171) opens with.

    He calls (.52, .45, .02, .01) 'effectively' a two-party system and
    (.40, .25, .20, .15) a case of multipartism. The index values were computed here by
    hand (exact fractions), not copied from the paper.
    """
    dominant_pair = [0.52, 0.45, 0.02, 0.01]
    multi = [0.40, 0.25, 0.20, 0.15]
    assert golosov(dominant_pair) == pytest.approx(830829447 / 420985373)
    assert golosov(multi) == pytest.approx(73305 / 25576)
    assert effective_number_of_parties(dominant_pair) == pytest.approx(5000 / 2367)
    assert effective_number_of_parties(multi) == pytest.approx(200 / 57)
    assert golosov(dominant_pair) < 2 < golosov(multi)


def test_golosov_matches_exact_rational_computation():
    def exact(counts: list[int]) -> Fraction:
        total = sum(counts)
        shares = [Fraction(c, total) for c in counts]
        top = max(shares) ** 2
        return sum((p / (p + top - p * p) for p in shares), Fraction(0))

    for counts in ([52, 45, 2, 1], [40, 25, 20, 15], [569, 49, 14, 19, 12, 3, 170]):
        assert golosov(counts) == pytest.approx(float(exact(counts)))


def test_single_party():
    assert effective_number_of_parties({"only": 7}) == 1.0
    assert golosov([3]) == 1.0
    assert herfindahl_hirschman([3, 0, 0]) == 1.0
    assert rae_fractionalization([3]) == 0.0


def test_zero_entries_do_not_count():
    assert effective_number_of_parties([50, 30, 20, 0, 0]) == pytest.approx(50 / 19)
    assert golosov([50, 30, 20, 0]) == pytest.approx(2018 / 943)


def test_disproportionality_worked_example():
    assert loosemore_hanby(DISPROP_VOTES, DISPROP_SEATS) == pytest.approx(20.0)
    assert gallagher(DISPROP_VOTES, DISPROP_SEATS) == pytest.approx(math.sqrt(325))


def test_disproportionality_simple_two_party_case():
    # 60/40 votes, winner takes all: LH = (40 + 40)/2 = 40, LSq = sqrt((1600+1600)/2) = 40
    assert loosemore_hanby([60, 40], [1, 0]) == pytest.approx(40.0)
    assert gallagher([60, 40], [1, 0]) == pytest.approx(40.0)


def test_disproportionality_aligns_mappings_by_party():
    # C is missing from seats and counts as 0 seats there; key order is irrelevant.
    seats_without_c = {"B": 4, "A": 6}
    assert loosemore_hanby(DISPROP_VOTES, seats_without_c) == pytest.approx(20.0)
    assert gallagher(DISPROP_VOTES, seats_without_c) == pytest.approx(math.sqrt(325))
    # A party with seats but no votes counts too.
    assert loosemore_hanby({"A": 1}, {"A": 1, "B": 1}) == pytest.approx(50.0)


def test_pedersen_with_and_without_lineage():
    assert pedersen(PREVIOUS, CURRENT, LINEAGE) == pytest.approx(12.0)
    assert pedersen(PREVIOUS, CURRENT) == pytest.approx(82.0)


def test_pedersen_extremes():
    assert pedersen({"a": 1, "b": 1}, {"b": 5, "a": 5}) == 0.0
    assert pedersen({"a": 1}, {"b": 1}) == pytest.approx(100.0)


def test_apply_lineage_merges_and_follows_chains():
    assert apply_lineage({"nur-otan": 6, "adal": 1, "auyl": 2}, LINEAGE) == {
        "amanat": 7.0,
        "auyl": 2.0,
    }
    assert apply_lineage({"a": 1, "c": 2}, {"a": "b", "b": "c"}) == {"c": 3.0}
    assert apply_lineage({"a": 1}, None) == {"a": 1.0}
    with pytest.raises(IndexInputError, match="cycle"):
        apply_lineage({"a": 1}, {"a": "b", "b": "a"})


def test_inflation_worked_example():
    result = party_system_inflation(INFLATION_UNITS)
    assert isinstance(result, InflationResult)
    assert result.enp_national == pytest.approx(25 / 11)
    assert result.enp_local_mean == pytest.approx(25 / 13)
    assert result.difference == pytest.approx(50 / 143)
    assert result.inflation_pct == pytest.approx(200 / 13)
    assert inflation_score(INFLATION_UNITS) == pytest.approx(200 / 13)
    assert aggregation_gap(INFLATION_UNITS) == pytest.approx(50 / 143)


def test_inflation_zero_when_units_are_identical():
    units = {"u1": {"A": 6, "B": 4}, "u2": {"A": 60, "B": 40}}
    assert inflation_score(units) == pytest.approx(0.0, abs=1e-12)


def test_inflation_with_explicit_national_distribution():
    result = party_system_inflation(INFLATION_UNITS, national={"A": 1, "B": 1})
    assert result.enp_national == pytest.approx(2.0)
    assert result.difference == pytest.approx(2 - 25 / 13)


def test_gini_worked_example():
    # (-3*1 - 1*2 + 1*3 + 3*4) / (4 * 10) = 10/40
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert gini([4, 1, 3, 2]) == pytest.approx(0.25)
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)  # the maximum 1 - 1/n
    assert gini([5]) == 0.0


def test_party_nationalization_worked_example():
    assert party_nationalization([0.1, 0.2, 0.3, 0.4]) == pytest.approx(0.75)
    scores = party_nationalization_scores(PNS_UNITS)
    assert scores == pytest.approx({"A": 1.0, "B": 0.65, "C": 5 / 12})
    assert party_system_nationalization(PNS_UNITS) == pytest.approx(0.825)


def test_party_nationalization_skips_parties_with_no_votes():
    units = {"r1": {"A": 5, "Z": 0}, "r2": {"A": 5}}
    assert party_nationalization_scores(units) == {"A": 1.0}
    assert party_system_nationalization(units) == pytest.approx(1.0)


def test_regions_with_seats():
    seats = {
        "akmola": {"amanat": 3, "auyl": 1, "adal": 0},
        "abai": {"amanat": 2, "auyl": 0},
        "ulytau": {"amanat": 1, "ak-zhol": 1},
        "empty": {},
    }
    assert regions_with_seats(seats) == {"amanat": 3, "auyl": 1, "adal": 0, "ak-zhol": 1}


def test_group_self_nominated_modes():
    counts = {"amanat": 10, "self:ivanov": 3, "self:akhmetov": 2}
    keys = {"self:ivanov", "self:akhmetov", "self:absent"}
    assert group_self_nominated(counts, keys, "each_own_unit") == counts
    assert group_self_nominated(counts, keys, "single_bin") == {"amanat": 10, "self-nominated": 5}
    assert group_self_nominated(counts, keys, "single_bin", bin_key="ind") == {
        "amanat": 10,
        "ind": 5,
    }
    assert group_self_nominated(counts, keys, "exclude") == {"amanat": 10}
    assert counts == {"amanat": 10, "self:ivanov": 3, "self:akhmetov": 2}  # not mutated
    # total 15: each own unit 15²/(10²+3²+2²) = 225/113 ; single bin 225/(10²+5²) ; exclude 1
    assert effective_number_of_parties(
        group_self_nominated(counts, keys, "each_own_unit")
    ) == pytest.approx(225 / 113)
    assert effective_number_of_parties(
        group_self_nominated(counts, keys, "single_bin")
    ) == pytest.approx(225 / 125)
    assert effective_number_of_parties(group_self_nominated(counts, keys, "exclude")) == 1.0


def test_group_self_nominated_rejects_bad_mode_and_clashing_bin():
    with pytest.raises(IndexInputError, match="mode: must be one of"):
        group_self_nominated({"a": 1}, set(), "merge")  # type: ignore[arg-type]
    with pytest.raises(IndexInputError, match="bin_key"):
        group_self_nominated({"self-nominated": 1, "x": 1}, {"x"}, "single_bin")


# ---------------------------------------------------------------------------------------
# Seed paper: 2021 seats, republic totals
# ---------------------------------------------------------------------------------------


def test_seat_totals_2021():
    assert sum(SEATS_2021.values()) == 836
    assert sum(v for k, v in SEATS_2021.items() if k != "self-nominated") == 666


def test_enp_by_seats_2021_self_nominated_single_bin():
    counts = group_self_nominated(SEATS_2021, {"self-nominated"}, "single_bin")
    assert counts == SEATS_2021
    assert effective_number_of_parties(counts) == pytest.approx(float(ENP_2021_SINGLE_BIN))
    assert effective_number_of_parties(counts) == pytest.approx(1.9644, abs=5e-5)


def test_enp_by_seats_2021_self_nominated_excluded():
    counts = group_self_nominated(SEATS_2021, {"self-nominated"}, "exclude")
    assert sum(counts.values()) == 666
    assert effective_number_of_parties(counts) == pytest.approx(float(ENP_2021_EXCLUDED))
    assert effective_number_of_parties(counts) == pytest.approx(1.3570, abs=5e-5)


def test_enp_by_seats_2021_each_self_nominated_own_unit():
    individual = {k: v for k, v in SEATS_2021.items() if k != "self-nominated"}
    individual.update({f"self:{i}": 1 for i in range(170)})
    counts = group_self_nominated(individual, {f"self:{i}" for i in range(170)}, "each_own_unit")
    assert effective_number_of_parties(counts) == pytest.approx(float(ENP_2021_EACH_OWN))
    assert effective_number_of_parties(counts) == pytest.approx(2.1370, abs=5e-5)


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([], "counts: must contain at least one party"),
        ({}, "counts: must contain at least one party"),
        ([0, 0], "counts: total must be positive"),
        ([1, -1], "counts: values must be non-negative"),
        ({"a": float("nan")}, "counts: values must be finite"),
        ([float("inf")], "counts: values must be finite"),
        ([True, 1], "counts: values must be real numbers"),
        (["1"], "counts: values must be real numbers"),
        ("12", "counts: must be a mapping or a sequence"),
        (None, "counts: must be a mapping or a sequence"),
    ],
)
@pytest.mark.parametrize(
    "function",
    [effective_number_of_parties, golosov, herfindahl_hirschman, rae_fractionalization],
)
def test_distribution_indices_reject_invalid_input(function, bad, message):
    with pytest.raises(IndexInputError) as info:
        function(bad)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, ValueError)


def test_extreme_magnitudes_do_not_overflow():
    assert effective_number_of_parties([1e308, 1e308]) == pytest.approx(2.0)
    assert gini([1e308, 1e308, 1e308]) == 0
    assert loosemore_hanby([1e308, 1e308], [1, 1]) == 0
    assert effective_number_of_parties([5e-324, 5e-324]) == pytest.approx(2.0)
    with pytest.raises(IndexInputError, match="values must be finite"):
        golosov([10**400])


def test_error_names_input_and_rule():
    with pytest.raises(IndexInputError) as info:
        loosemore_hanby([1, 2], [0, 0])
    assert info.value.input_name == "seats"
    assert info.value.rule == "total must be positive"


@pytest.mark.parametrize("function", [loosemore_hanby, gallagher])
def test_paired_indices_reject_invalid_input(function):
    with pytest.raises(IndexInputError, match="votes: total must be positive"):
        function([0, 0], [1, 1])
    with pytest.raises(IndexInputError, match="seats: must have as many entries"):
        function([1, 2, 3], [1, 2])
    with pytest.raises(IndexInputError, match="seats: must be the same kind"):
        function({"a": 1}, [1])
    with pytest.raises(IndexInputError, match="votes: must contain at least one party"):
        function([], [])


def test_pedersen_rejects_invalid_input():
    with pytest.raises(IndexInputError, match="previous: must contain at least one party"):
        pedersen({}, {"a": 1})
    with pytest.raises(IndexInputError, match="current: total must be positive"):
        pedersen({"a": 1}, {"a": 0})
    with pytest.raises(IndexInputError, match="previous: must be a mapping"):
        pedersen([1, 2], {"a": 1})  # type: ignore[arg-type]
    with pytest.raises(IndexInputError, match="current: values must be non-negative"):
        pedersen({"a": 1}, {"a": -1})


def test_unit_indices_reject_invalid_input():
    with pytest.raises(IndexInputError, match="units: must contain at least one unit"):
        inflation_score({})
    with pytest.raises(IndexInputError, match=r"units\['u2'\]: total must be positive"):
        inflation_score({"u1": {"a": 1}, "u2": {"a": 0}})
    with pytest.raises(IndexInputError, match=r"units\['u1'\]: must be a mapping"):
        party_system_nationalization({"u1": [1, 2]})  # type: ignore[dict-item]
    with pytest.raises(IndexInputError, match=r"units\['r'\]: total must be positive"):
        party_nationalization_scores({"r": {}})
    with pytest.raises(IndexInputError, match="values must be non-negative"):
        regions_with_seats({"r": {"a": -1}})
    with pytest.raises(IndexInputError, match="national: total must be positive"):
        party_system_inflation(INFLATION_UNITS, national={"a": 0})


def test_gini_rejects_invalid_input():
    with pytest.raises(IndexInputError, match="values: must contain at least one party"):
        gini([])
    with pytest.raises(IndexInputError, match="values: total must be positive"):
        gini([0, 0, 0])
    with pytest.raises(IndexInputError, match="values: values must be non-negative"):
        gini([1, -2])


# ---------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------

EXPECTED_NAMES = {
    "enp_laakso_taagepera",
    "enp_golosov",
    "herfindahl_hirschman",
    "rae_fractionalization",
    "loosemore_hanby",
    "gallagher_lsq",
    "pedersen_volatility",
    "inflation_cox",
    "aggregation_chhibber_kollman",
    "gini",
    "party_nationalization",
    "party_nationalization_scores",
    "party_system_nationalization",
    "regions_with_seats",
}

SAMPLE_CALLS = {
    "distribution": ((VOTES_ABC,), ([],)),
    "paired": ((DISPROP_VOTES, DISPROP_SEATS), ({"A": 1}, {"A": 0})),
    "two_elections": ((PREVIOUS, CURRENT, LINEAGE), ({}, CURRENT)),
    "values": (([0.1, 0.2, 0.3, 0.4],), ([0, 0],)),
    "units": ((PNS_UNITS,), ({},)),
    "per_party": ((PNS_UNITS,), ({},)),
}


def test_registry_lists_every_index():
    assert set(INDICES) == EXPECTED_NAMES
    for name, spec in INDICES.items():
        assert isinstance(spec, IndexSpec)
        assert spec.name == name
        assert spec.input_kind in SAMPLE_CALLS


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_registry_entry_is_documented(name):
    spec = INDICES[name]
    assert spec.citation and spec.formula and spec.scale
    doc = spec.function.__doc__ or ""
    assert len(doc) > 40
    if name != "regions_with_seats":
        first_author = spec.citation.split(",")[0]
        year = spec.citation.split("(")[1][:4]
        assert first_author in doc
        assert year in doc


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_registry_entry_runs_and_rejects_empty_input(name):
    spec = INDICES[name]
    good, bad = SAMPLE_CALLS[spec.input_kind]
    result = spec.function(*good)
    if spec.input_kind == "per_party":
        assert result and all(math.isfinite(v) for v in result.values())
    else:
        assert isinstance(result, float)
        assert math.isfinite(result)
    with pytest.raises(IndexInputError):
        spec.function(*bad)


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_docs_have_a_section_per_index(name):
    assert f"`{name}`" in DOC_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(DOC_NUMBERS))
def test_docs_show_the_tested_numbers(key):
    value, shown = DOC_NUMBERS[key]
    assert f"{value:.4f}" == shown
    assert shown in DOC_PATH.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------
# by_group (Polars)
# ---------------------------------------------------------------------------------------


@pytest.fixture
def long_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "region": ["y", "y", "y", "x", "x", "x"],
            "district": ["d1", "d1", "d2", "d3", "d3", "d3"],
            "party": ["A", "B", "A", "A", "B", "B"],
            "votes": [60, 40, 100, 50, 30, 20],
            "seats": [1, 0, 1, 1, 0, 0],
        }
    )


def test_by_group_distribution(long_frame):
    out = by_group(long_frame, ["region"], "party", "votes", "enp_laakso_taagepera")
    assert out.columns == ["region", "enp_laakso_taagepera"]
    assert out["region"].to_list() == ["x", "y"]
    assert out.schema["enp_laakso_taagepera"] == pl.Float64
    # x: A 50, B 50 (30 + 20 summed) -> 2 ; y: A 160, B 40 -> 1/(.64 + .04) = 25/17
    assert out["enp_laakso_taagepera"].to_list() == pytest.approx([2.0, 25 / 17])


def test_by_group_accepts_single_column_name_and_no_groups(long_frame):
    single = by_group(long_frame, "region", "party", "votes", "herfindahl_hirschman")
    assert single["herfindahl_hirschman"].to_list() == pytest.approx([0.5, 0.68])
    whole = by_group(long_frame, [], "party", "votes", "herfindahl_hirschman")
    assert whole.columns == ["herfindahl_hirschman"]
    # A 210, B 90 of 300 -> .49 + .09
    assert whole["herfindahl_hirschman"].to_list() == pytest.approx([0.58])


def test_by_group_paired(long_frame):
    out = by_group(long_frame, "region", "party", "votes", "loosemore_hanby", second_col="seats")
    # x: votes 50/50, seats 100/0 -> 50 ; y: votes 80/20, seats 100/0 -> 20
    assert out["loosemore_hanby"].to_list() == pytest.approx([50.0, 20.0])


def test_by_group_units(long_frame):
    out = by_group(long_frame, "region", "party", "votes", "inflation_cox", unit_col="district")
    # x has one district -> 0 ; y: d1 ENP 1/.52 = 25/13, d2 ENP 1, national 25/17
    expected_y = 100 * (25 / 17 - (25 / 13 + 1) / 2) / (25 / 17)
    assert out["inflation_cox"].to_list() == pytest.approx([0.0, expected_y], abs=1e-12)


def test_by_group_empty_frame(long_frame):
    out = by_group(long_frame.clear(), "region", "party", "votes", "enp_golosov")
    assert out.height == 0
    assert out.columns == ["region", "enp_golosov"]


def test_by_group_errors(long_frame):
    with pytest.raises(IndexInputError, match="index_name: unknown index 'nope'"):
        by_group(long_frame, "region", "party", "votes", "nope")
    with pytest.raises(IndexInputError, match="which by_group does not support"):
        by_group(long_frame, "region", "party", "votes", "pedersen_volatility")
    with pytest.raises(IndexInputError, match="second_col: is required"):
        by_group(long_frame, "region", "party", "votes", "gallagher_lsq")
    with pytest.raises(IndexInputError, match="unit_col: is required"):
        by_group(long_frame, "region", "party", "votes", "party_system_nationalization")
    with pytest.raises(IndexInputError, match="missing column"):
        by_group(long_frame, "oblast", "party", "votes", "enp_golosov")
    with pytest.raises(IndexInputError, match="contains nulls"):
        by_group(
            long_frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("votes")),
            "region",
            "party",
            "votes",
            "enp_golosov",
        )
    with pytest.raises(IndexInputError, match="must be numeric"):
        by_group(long_frame, "region", "party", "district", "enp_golosov")
    zero = long_frame.with_columns(
        pl.when(pl.col("region") == "x").then(0).otherwise(pl.col("votes")).alias("votes")
    )
    with pytest.raises(IndexInputError, match=r"group \{'region': 'x'\} counts: total must be"):
        by_group(zero, "region", "party", "votes", "enp_golosov")


# ---------------------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------------------

counts_lists = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=25).filter(
    lambda xs: sum(xs) > 0
)
float_counts = st.lists(
    st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=25,
).filter(lambda xs: sum(xs) > 1e-6)
party_names = st.sampled_from(["amanat", "auyl", "ak-zhol", "adal", "respublica", "nsdp", "self"])
party_counts = st.dictionaries(party_names, st.integers(min_value=0, max_value=10**5), min_size=1)


def _close_or_less(a: float, b: float) -> bool:
    return a <= b * (1 + 1e-9) + 1e-12


@given(float_counts)
def test_enp_and_golosov_between_one_and_n(counts):
    n = sum(1 for c in counts if c > 0)
    for index in (effective_number_of_parties, golosov):
        value = index(counts)
        assert _close_or_less(1.0, value)
        assert _close_or_less(value, n)


@given(float_counts)
def test_hhi_in_unit_interval_and_rae_complement(counts):
    hhi = herfindahl_hirschman(counts)
    assert 0 < hhi <= 1 + 1e-12
    assert rae_fractionalization(counts) == pytest.approx(1 - hhi, abs=1e-12)
    assert effective_number_of_parties(counts) == pytest.approx(1 / hhi)


@given(counts_lists)
def test_equal_parties_give_n(counts):
    n = len(counts)
    assert effective_number_of_parties([7] * n) == pytest.approx(n)
    assert golosov([7] * n) == pytest.approx(n)


@given(counts_lists, st.integers(min_value=1, max_value=10**4))
def test_scale_invariance_counts_vs_shares(counts, factor):
    total = sum(counts)
    shares = [c / total for c in counts]
    scaled = [c * factor for c in counts]
    for index in (effective_number_of_parties, golosov, herfindahl_hirschman, gini):
        assert index(shares) == pytest.approx(index(counts), rel=1e-9, abs=1e-12)
        assert index(scaled) == pytest.approx(index(counts), rel=1e-9, abs=1e-12)


@st.composite
def paired_counts(draw):
    votes = draw(counts_lists)
    seats = draw(
        st.lists(
            st.integers(min_value=0, max_value=1000), min_size=len(votes), max_size=len(votes)
        ).filter(lambda xs: sum(xs) > 0)
    )
    return votes, seats


@given(paired_counts())
def test_disproportionality_zero_iff_shares_equal(pair):
    votes, seats = pair
    same = all(
        Fraction(v, sum(votes)) == Fraction(s, sum(seats))
        for v, s in zip(votes, seats, strict=True)
    )
    for index in (loosemore_hanby, gallagher):
        value = index(votes, seats)
        assert 0 <= value <= 100 + 1e-9
        assert (value == 0) == same
    assert loosemore_hanby(votes, votes) == 0
    assert gallagher(votes, votes) == 0


@given(paired_counts())
def test_gallagher_not_above_loosemore_hanby(pair):
    votes, seats = pair
    assert _close_or_less(gallagher(votes, seats), loosemore_hanby(votes, seats))


@given(party_counts, party_counts)
def test_pedersen_symmetric_and_bounded(before, after):
    assume(sum(before.values()) > 0 and sum(after.values()) > 0)
    forward = pedersen(before, after)
    assert forward == pytest.approx(pedersen(after, before), abs=1e-9)
    assert -1e-9 <= forward <= 100 + 1e-9
    assert pedersen(before, before) == 0


@given(party_counts, party_counts)
def test_pedersen_lineage_never_increases_volatility(before, after):
    assume(sum(before.values()) > 0 and sum(after.values()) > 0)
    lineage = {"adal": "amanat", "nsdp": "amanat", "self": "auyl"}
    assert _close_or_less(pedersen(before, after, lineage), pedersen(before, after))


@given(st.floats(min_value=1e-6, max_value=1e9), st.integers(min_value=1, max_value=200))
def test_gini_of_equal_values_is_zero(value, n):
    assert gini([value] * n) == 0


@given(float_counts)
def test_gini_bounds(values):
    n = len(values)
    g = gini(values)
    assert -1e-12 <= g <= 1 - 1 / n + 1e-9
    assert party_nationalization(values) == pytest.approx(1 - g)


@given(
    st.dictionaries(
        st.sampled_from(["akmola", "abai", "almaty", "atyrau", "ulytau"]),
        party_counts.filter(lambda d: sum(d.values()) > 0),
        min_size=1,
    )
)
def test_nationalization_bounded(units):
    psns = party_system_nationalization(units)
    assert -1e-12 <= psns <= 1 + 1e-12
    for score in party_nationalization_scores(units).values():
        assert 0 < score <= 1 + 1e-12


@given(
    st.lists(
        st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
        | st.integers(min_value=-(10**400), max_value=10**400),
        max_size=6,
    )
)
def test_invalid_input_only_ever_raises_index_input_error(values):
    for index in (effective_number_of_parties, golosov, herfindahl_hirschman, gini):
        try:
            result = index(values)
        except IndexInputError:
            continue
        assert math.isfinite(result)
