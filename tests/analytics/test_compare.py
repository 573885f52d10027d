"""Akim seats beside Majilis list votes; Spearman's rho by hand; the chart without network."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.analytics.compare import (
    AnalysisError,
    average_ranks,
    chart_spec,
    chart_svg,
    compare,
    majilis_results,
    remote_urls,
    spearman,
)
from saylau.service import Saylau


def test_average_ranks_share_ties() -> None:
    assert average_ranks([10, 20, 20, 5]) == [3.0, 1.5, 1.5, 4.0]
    assert average_ranks([1, 1, 1]) == [2.0, 2.0, 2.0]


@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=12))
def test_average_ranks_agree_with_polars(values: list[int]) -> None:
    expected = pl.Series(values).rank("average", descending=True).to_list()
    assert average_ranks(values) == expected


def test_spearman_with_ties_by_hand() -> None:
    # x ranks (largest first) 4, 2.5, 2.5, 1; y ranks 4, 2, 3, 1; both means 2.5.
    # Σdx·dy = 1.5·1.5 + 0 + 0 + 1.5·1.5 = 4.5; Σdx² = 4.5; Σdy² = 5.
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(4.5 / math.sqrt(4.5 * 5))


def test_spearman_without_ties_is_the_textbook_formula() -> None:
    # Akims 2021 vs Majilis 2021 (amanat, auyl, adal, ak-zhol, qhp): ranks 1..5 vs 1,4,5,2,3.
    seats = [569, 49, 19, 14, 12]
    votes = [5148074, 383023, 258618, 792828, 659019]
    d2 = sum((a - b) ** 2 for a, b in zip([1, 2, 3, 4, 5], [1, 4, 5, 2, 3], strict=True))
    assert d2 == 16
    assert spearman(seats, votes) == pytest.approx(1 - 6 * d2 / (5 * (25 - 1)))  # 0.2


def test_spearman_refuses_undefined_cases() -> None:
    with pytest.raises(AnalysisError):
        spearman([1], [2])
    with pytest.raises(AnalysisError):
        spearman([1, 1, 1], [1, 2, 3])
    with pytest.raises(AnalysisError):
        spearman([1, 2], [1, 2, 3])


@pytest.fixture(scope="module")
def result(seed: Saylau) -> dict[str, pl.DataFrame]:
    return compare(seed)


def test_shares_beside_published_majilis_shares(result: dict[str, pl.DataFrame]) -> None:
    shares = result["shares"].filter(pl.col("variant") == "all")
    auyl = shares.filter(pl.col("party") == "auyl").row(0, named=True)
    assert auyl["akim_share_all"] == pytest.approx(100 * 49 / 836)
    assert auyl["akim_share_parties"] == pytest.approx(100 * 49 / 666)
    assert (auyl["majilis_2021_share"], auyl["majilis_2023_share"]) == (5.29, 10.90)
    assert (auyl["akim_rank"], auyl["majilis_2021_rank"], auyl["majilis_2023_rank"]) == (
        2.0,
        4.0,
        2.0,
    )
    nsdp = shares.filter(pl.col("party") == "nsdp").row(0, named=True)
    assert nsdp["majilis_2021_share"] is None, "NSDP boycotted the 2021 Majilis election"
    assert majilis_results("majilis_2023")["amanat"].votes == 3431510


def test_spearman_rows(result: dict[str, pl.DataFrame]) -> None:
    rows = {
        (r["variant"], r["pair"].split("~")[1], r["lineage"]): r
        for r in result["spearman"].iter_rows(named=True)
    }
    first = rows[("all", "majilis_2021", False)]
    assert first["rho"] == pytest.approx(0.2) and first["left_out"] == "nsdp"
    second = rows[("all", "majilis_2023", False)]
    assert second["rho"] == pytest.approx(1.0)
    assert second["parties"] == "ak-zhol, amanat, auyl, nsdp, qhp"
    assert second["left_out"] == "adal, baytaq, respublica"
    lineage = rows[("all", "majilis_2023", True)]
    assert lineage["left_out"] == "baytaq, respublica", "Adal's seats count for AMANAT"
    assert lineage["rho"] == pytest.approx(1.0)
    # Leaving Turkistan out changes the seats (522, 31, 14, 11, 10, 1) but no rank.
    assert rows[("without_flagged", "majilis_2021", False)]["rho"] == pytest.approx(0.2)


def test_pedersen_between_the_majilis_elections(result: dict[str, pl.DataFrame]) -> None:
    # Party-list votes, each election on its own total; Adal -> AMANAT.
    y21 = {"amanat": 5148074 + 258618, "ak-zhol": 792828, "qhp": 659019, "auyl": 383023}
    y23 = {
        "amanat": 3431510,
        "auyl": 693938,
        "respublica": 547154,
        "ak-zhol": 535139,
        "qhp": 432920,
        "nsdp": 331058,
        "baytaq": 146431,
    }
    t21, t23 = sum(y21.values()), sum(y23.values())
    parties = set(y21) | set(y23)
    expected = 50 * sum(abs(y23.get(p, 0) / t23 - y21.get(p, 0) / t21) for p in parties)
    rows = result["pedersen"]
    with_lineage = rows.filter(pl.col("lineage").is_not_null()).item(0, "pedersen")
    assert with_lineage == pytest.approx(expected)  # 22.80 pp
    # AMANAT lost more than Adal had, so the merger leaves the index unchanged here.
    assert rows.filter(pl.col("lineage").is_null()).item(0, "pedersen") == pytest.approx(expected)


def test_chart_is_offline_and_renders(result: dict[str, pl.DataFrame]) -> None:
    spec = chart_spec(result["shares"], "kk", {"amanat": "Nur Otan"})
    assert remote_urls(spec) == []
    assert "$schema" not in spec
    assert spec["data"]["values"], "the data are inline"
    svg = chart_svg(spec)
    assert svg.startswith("<svg") and "Nur Otan" in svg
    with pytest.raises(AnalysisError):
        chart_svg({**spec, "data": {"url": "https://example.org/data.json"}})
