"""saylau.analytics.competition on the seed (figures) and the demo election (protocols).

Every expected number is worked out by hand from the published figures (the seed's Tables
3-4) or from ``examples/demo-election``, independently of saylau.analytics.indices.
"""

from __future__ import annotations

import math
from fractions import Fraction

import polars as pl
import pytest

from saylau.analytics.competition import FRAMES, SELF, AnalysisError, analyze
from saylau.service import Saylau

# Tables 3-4, summed over the 14 regions (docs/analytics/indices.md gives the same sums).
SEATS_2021 = {"amanat": 569, "auyl": 49, "ak-zhol": 14, "adal": 19, "qhp": 12, "nsdp": 3}
SELF_2021 = 170
# Turkistan Region (Table 4), the column `saylau check` flags.
TURKISTAN = {"amanat": 47, "auyl": 18, "ak-zhol": 3, "adal": 5, "qhp": 2, "nsdp": 2}
TURKISTAN_SELF = 89
# Akmola Region (Table 3).
AKMOLA = {"amanat": 74, "auyl": 1, "ak-zhol": 2, "adal": 1, "qhp": 3, "nsdp": 0, SELF: 14}


def hand_enp(counts: list[int]) -> Fraction:
    total = sum(counts)
    return Fraction(total * total, sum(c * c for c in counts))


def metric(frame: pl.DataFrame, **where: object) -> float:
    rows = frame.filter(pl.all_horizontal([pl.col(k).eq(v) for k, v in where.items()]))
    assert rows.height == 1, (where, rows)
    return float(rows.item(0, "value"))


@pytest.fixture(scope="module")
def seed_both(seed: Saylau) -> dict[str, pl.DataFrame]:
    return analyze(seed)


# --- the seed: region and republic, from figures ------------------------------------------


def test_levels_of_the_seed_are_region_and_republic(seed_both: dict[str, pl.DataFrame]) -> None:
    assert set(seed_both["seats"]["level"]) == {"region", "republic"}
    assert set(seed_both) == set(FRAMES)
    assert seed_both["votes"].height == 0 and seed_both["races"].height == 0


def test_republic_seats_are_the_sums_of_tables_3_and_4(seed_both: dict[str, pl.DataFrame]) -> None:
    seats = seed_both["seats"].filter(pl.col("level") == "republic")
    assert set(seats["variant"]) == {"regional_sum"}
    got = dict(zip(seats["contestant"], seats["seats"], strict=True))
    assert got == {**{p: float(v) for p, v in SEATS_2021.items()}, SELF: 170.0}
    amanat = seats.filter(pl.col("contestant") == "amanat").row(0, named=True)
    assert amanat["share_all"] == pytest.approx(100 * 569 / 836)  # 68.06 %
    assert amanat["share_parties"] == pytest.approx(100 * 569 / 666)  # 85.44 %
    self_row = seats.filter(pl.col("contestant") == SELF).row(0, named=True)
    assert self_row["share_all"] == pytest.approx(100 * 170 / 836)  # 20.33 %
    assert self_row["share_parties"] is None
    # 7 rows x 14 regions = 98 figures named by every republic row.
    assert all(len(row.split(", ")) == 98 for row in seats["figures"])


def test_enp_by_seats_self_single_bin_and_excluded(seed_both: dict[str, pl.DataFrame]) -> None:
    m = seed_both["metrics"]
    single = metric(m, unit="KZ", metric="enp_seats", grouping="single_bin")
    excluded = metric(m, unit="KZ", metric="enp_seats", grouping="exclude")
    assert Fraction(698896, 355772) == hand_enp([*SEATS_2021.values(), SELF_2021])
    assert single == pytest.approx(698896 / 355772) and round(single, 4) == 1.9644
    assert excluded == pytest.approx(443556 / 326872) and round(excluded, 4) == 1.3570
    assert metric(m, unit="KZ", metric="hhi_seats", grouping="single_bin") == pytest.approx(
        355772 / 698896
    )
    assert metric(m, unit="KZ", metric="rae_seats", grouping="exclude") == pytest.approx(
        1 - 326872 / 443556
    )


def test_each_self_nominated_winner_as_own_unit(seed: Saylau) -> None:
    result = analyze(seed, level="republic", self_nominated="each_own_unit")
    m = result["metrics"]
    value = metric(m, unit="KZ", metric="enp_seats", grouping="each_own_unit")
    assert value == pytest.approx(698896 / (326872 + 170)) and round(value, 4) == 2.1370
    assert set(m["grouping"].drop_nulls()) == {"each_own_unit"}


def test_golosov_by_seats_by_hand(seed_both: dict[str, pl.DataFrame]) -> None:
    shares = [v / 836 for v in [*SEATS_2021.values(), SELF_2021]]
    top = max(shares) ** 2
    expected = sum(p / (p + top - p * p) for p in shares)
    got = metric(seed_both["metrics"], unit="KZ", metric="golosov_seats", grouping="single_bin")
    assert got == pytest.approx(expected)


def test_a_region_by_hand(seed_both: dict[str, pl.DataFrame]) -> None:
    m = seed_both["metrics"].filter(pl.col("unit") == "KZ-11")
    assert metric(m, metric="enp_seats", grouping="single_bin") == pytest.approx(
        float(hand_enp(list(AKMOLA.values())))  # 95² / 5,687
    )
    assert metric(m, metric="candidates_per_okrug") == pytest.approx(290 / 95)
    assert metric(m, metric="self_winners_share") == pytest.approx(100 * 14 / 95)
    seats = seed_both["seats"].filter(pl.col("unit") == "KZ-11")
    assert not any(seats["flagged"]), "Akmola's figures are in no finding"


def test_candidates_and_shares_at_the_republic(seed_both: dict[str, pl.DataFrame]) -> None:
    m = seed_both["metrics"].filter(pl.col("unit") == "KZ")
    assert metric(m, metric="party_candidates_share", variant="published") == pytest.approx(
        100 * 878 / 2297
    )
    assert metric(m, metric="female_candidates_share", variant="published") == pytest.approx(
        100 * 458 / 2297
    )
    # Both bases, labelled: Table 2 (2,297) and the sum of Tables 3-4 (2,172), 730 okrugs.
    assert metric(m, metric="candidates_per_okrug", variant="published") == pytest.approx(
        2297 / 730
    )
    assert metric(m, metric="candidates_per_okrug", variant="regional_sum") == pytest.approx(
        2172 / 730
    )
    # Contested races need candidates per okrug, which the seed does not give.
    assert "contested_share" not in set(seed_both["metrics"]["metric"])


def test_every_row_names_its_figures_or_query(seed_both: dict[str, pl.DataFrame]) -> None:
    for name, frame in seed_both.items():
        if frame.height == 0 or "figures" not in frame.columns:
            continue
        missing = frame.filter(pl.col("figures").is_null() & pl.col("query").is_null())
        assert missing.height == 0, name


def test_flagged_rows_are_those_of_the_findings(seed_both: dict[str, pl.DataFrame]) -> None:
    seats = seed_both["seats"]
    turkistan = seats.filter(pl.col("unit") == "KZ-61")
    assert turkistan.height == 7 and all(turkistan["flagged"])
    assert all(seats.filter(pl.col("level") == "republic")["flagged"])


def test_without_the_flagged_rows(seed: Saylau) -> None:
    result = analyze(seed, level="republic", without_flagged=True)
    seats = result["seats"]
    got = dict(zip(seats["contestant"], seats["seats"], strict=True))
    expected = {p: v - TURKISTAN[p] for p, v in SEATS_2021.items()}
    assert got == {**{p: float(v) for p, v in expected.items()}, SELF: 81.0}
    value = metric(result["metrics"], unit="KZ", metric="enp_seats", grouping="single_bin")
    assert value == pytest.approx(float(hand_enp([*expected.values(), 81])))


def test_regions_with_seats_and_pns(seed_both: dict[str, pl.DataFrame]) -> None:
    nat = seed_both["nationalization"]
    single = nat.filter(pl.col("grouping") == "single_bin")
    regions = dict(zip(single["contestant"], single["units_with"], strict=True))
    assert regions == {
        "amanat": 14,
        "auyl": 12,
        "adal": 12,
        "ak-zhol": 9,
        "qhp": 7,
        "nsdp": 2,
        SELF: 14,
    }
    # NSDP's PNS by hand: shares 1/31 (West Kazakhstan) and 2/166 (Turkistan), 0 elsewhere.
    shares = [1 / 31, 2 / 166] + [0.0] * 12
    n, mean = len(shares), sum(shares) / len(shares)
    gini = sum(abs(a - b) for a in shares for b in shares) / (2 * n * n * mean)
    pns = single.filter(pl.col("contestant") == "nsdp").item(0, "pns")
    assert pns == pytest.approx(1 - gini)


def test_inflation_by_seats_against_the_regions(seed: Saylau) -> None:
    result = analyze(seed, level="region")
    per_region = (
        result["metrics"]
        .filter((pl.col("metric") == "enp_seats") & (pl.col("grouping") == "single_bin"))
        .get_column("value")
        .to_list()
    )
    assert len(per_region) == 14
    republic = analyze(seed, level="republic")["metrics"]
    national = 698896 / 355772
    local = sum(per_region) / 14
    got = metric(republic, unit="KZ", metric="inflation_seats_pct", grouping="single_bin")
    assert got == pytest.approx(100 * (national - local) / national)


def test_levels_the_seed_does_not_give_are_refused(seed: Saylau) -> None:
    with pytest.raises(AnalysisError) as info:
        analyze(seed, level="okrug")
    assert info.value.key == "analytics.error.level_unavailable"
    assert "region, republic" in info.value.message("en")
    with pytest.raises(AnalysisError):
        analyze(seed, "no-such-election")
    with pytest.raises(AnalysisError):
        analyze(seed, self_nominated="sometimes")


# --- the demo election: okrug -> republic, from protocols -----------------------------------

# examples/demo-election/protocols.json summed by okrug (c07 was refused: under 25).
DEMO_VOTES = {
    "demo-zhanaauyl": {"demo-c01": 983, "demo-c02": 810, "demo-c03": 224},
    "demo-birlik": {"demo-c04": 813, "demo-c05": 502},
    "demo-kokterek": {"demo-c06": 509},
}
DEMO_AGAINST = {"demo-zhanaauyl": 53, "demo-birlik": 25, "demo-kokterek": 52}
PARTY = {"demo-c01": "amanat", "demo-c03": "auyl", "demo-c05": "ak-zhol", "demo-c06": "amanat"}


@pytest.fixture(scope="module")
def demo_result(demo: Saylau) -> dict[str, pl.DataFrame]:
    return analyze(demo, "demo-2025")


def test_demo_has_every_level(demo_result: dict[str, pl.DataFrame]) -> None:
    assert set(demo_result["metrics"]["level"]) == {"okrug", "district", "region", "republic"}
    assert demo_result["metrics"]["query"].null_count() == 0
    assert demo_result["volatility"].height == 0, "a synthetic election is never compared"


def test_demo_races_by_hand(demo_result: dict[str, pl.DataFrame]) -> None:
    races = {r["okrug"]: r for r in demo_result["races"].iter_rows(named=True)}
    z = races["demo-zhanaauyl"]
    assert (z["winner"], z["margin_votes"]) == ("demo-c01", 983 - 810)
    assert z["margin_pct"] == pytest.approx(100 * 173 / (983 + 810 + 224 + 53))
    assert z["turnout_pct"] == pytest.approx(100 * (1190 + 905) / (1650 + 1210))
    b = races["demo-birlik"]
    assert (b["winner"], b["winner_party"]) == ("demo-c04", SELF)
    assert b["margin_pct"] == pytest.approx(100 * 311 / (813 + 502 + 25))
    k = races["demo-kokterek"]
    assert k["contested"] is False and k["margin_pct"] is None


def test_demo_republic_by_hand(demo_result: dict[str, pl.DataFrame]) -> None:
    m = demo_result["metrics"].filter(pl.col("level") == "republic")
    assert metric(m, metric="contested_share") == pytest.approx(100 * 2 / 3)
    assert metric(m, metric="turnout_pct") == pytest.approx(100 * 4019 / 5450)
    assert metric(m, metric="margin_mean_pct") == pytest.approx(
        (100 * 173 / 2070 + 100 * 311 / 1340) / 2
    )
    assert metric(m, metric="incumbents_reelected_share") == pytest.approx(100 * 2 / 3)
    assert metric(m, metric="female_candidates_share") == pytest.approx(100 * 2 / 6)
    party_votes = {"amanat": 983 + 509, "auyl": 224, "ak-zhol": 502}
    self_votes = [810, 813]
    single = hand_enp([*party_votes.values(), sum(self_votes)])
    own = hand_enp([*party_votes.values(), *self_votes])
    assert metric(m, metric="enp_votes", grouping="single_bin") == pytest.approx(float(single))
    assert metric(m, metric="enp_votes", grouping="exclude") == pytest.approx(
        float(hand_enp(list(party_votes.values())))
    )
    seats = demo_result["seats"].filter(pl.col("level") == "republic")
    assert dict(zip(seats["contestant"], seats["seats"], strict=True)) == {
        "amanat": 2.0,
        "self:demo-c04": 1.0,
    }
    # Loosemore-Hanby, self-nominated as one bloc: votes % vs seats % over the union.
    total = sum(party_votes.values()) + sum(self_votes)
    v = {**{p: 100 * x / total for p, x in party_votes.items()}, SELF: 100 * 1623 / total}
    s = {"amanat": 200 / 3, SELF: 100 / 3}
    lh = 0.5 * sum(abs(v.get(k, 0) - s.get(k, 0)) for k in set(v) | set(s))
    lsq = math.sqrt(0.5 * sum((v.get(k, 0) - s.get(k, 0)) ** 2 for k in set(v) | set(s)))
    assert metric(m, metric="loosemore_hanby", grouping="single_bin") == pytest.approx(lh)
    assert metric(m, metric="gallagher", grouping="single_bin") == pytest.approx(lsq)
    assert analyze_each(demo_result) is None, "each_own_unit only when asked for"
    assert float(own) > float(single)


def analyze_each(result: dict[str, pl.DataFrame]) -> float | None:
    rows = result["metrics"].filter(
        (pl.col("level") == "republic")
        & (pl.col("metric") == "enp_votes")
        & (pl.col("grouping") == "each_own_unit")
    )
    return rows.item(0, "value") if rows.height else None


def test_demo_each_own_unit_by_votes(demo: Saylau) -> None:
    result = analyze(demo, "demo-2025", "republic", self_nominated="each_own_unit")
    value = analyze_each(result)
    assert value == pytest.approx(float(hand_enp([983 + 509, 224, 502, 810, 813])))


def test_demo_inflation_against_its_okrugs(demo: Saylau) -> None:
    result = analyze(demo, "demo-2025", "republic", self_nominated="single_bin")
    local = []
    for okrug, votes in DEMO_VOTES.items():
        by = {}
        for code, count in votes.items():
            key = PARTY.get(code, SELF)
            by[key] = by.get(key, 0) + count
        local.append(float(hand_enp(list(by.values()))))
        assert okrug
    national = float(hand_enp([983 + 509, 224, 502, 810 + 813]))
    expected = 100 * (national - sum(local) / 3) / national
    got = metric(result["metrics"], metric="inflation_votes_pct", grouping="single_bin")
    assert got == pytest.approx(expected)


def test_analyze_finds_the_matched_later_election(timeline_db: Saylau) -> None:
    result = analyze(timeline_db, level="republic")
    rows = {r["grouping"]: r for r in result["volatility"].iter_rows(named=True)}
    assert set(rows) == {"single_bin", "exclude"}
    single = rows["single_bin"]
    assert (single["unit"], single["matched_units"]) == ("pooled", 1)
    assert single["current"] == "kz-rural-akim-2023-08-27-KZ-59"
    assert round(single["pedersen"], 4) == 10.3713
    assert single["figures"] and "tl-2023-08-27-KZ-59-amanat" in single["figures"]
