"""The paper's findings, with and without the rows `saylau check` flags (Turkistan Region)."""

from __future__ import annotations

import pytest

from saylau.analytics.findings import FINDINGS, PaperFinding, findings, findings_frame
from saylau.service import Saylau


@pytest.fixture(scope="module")
def items(seed: Saylau) -> dict[str, PaperFinding]:
    return {item.key: item for item in findings(seed)}


def test_every_finding_is_computed_twice(items: dict[str, PaperFinding]) -> None:
    assert list(items) == list(FINDINGS)
    for item in items.values():
        assert item.excluded_units == ("KZ-61",)
        assert item.all_rows.variant == "all"
        assert item.without_flagged.variant == "without_flagged"
    frame = findings_frame(list(items.values()))
    assert frame.height == 2 * len(FINDINGS)
    assert frame.filter(frame["figures"].is_null()).height == 0


def test_candidates_by_nomination(items: dict[str, PaperFinding]) -> None:
    item = items["candidates_nomination"]
    p = item.all_rows.params
    assert (p["party"], p["self"], p["total"]) == (878, 1419, 2297)
    assert p["party_pct"] == pytest.approx(100 * 878 / 2297)  # 38.22 -> published 38.2
    assert p["self_pct"] == pytest.approx(100 * 1419 / 2297)  # 61.78 -> published 61.8
    assert item.all_rows.holds is True
    # Table 2 is national only: the Turkistan column cannot enter it.
    assert item.all_rows.uses_flagged is False and item.changed is False
    assert item.without_flagged.params == p


def test_self_nominated_among_winners_changes(items: dict[str, PaperFinding]) -> None:
    item = items["winners_nomination"]
    a, w = item.all_rows.params, item.without_flagged.params
    assert (a["self"], a["winners"]) == (170, 836)
    assert a["self_pct"] == pytest.approx(100 * 170 / 836)  # 20.33
    assert (w["self"], w["winners"]) == (170 - 89, 836 - 166)
    assert w["self_pct"] == pytest.approx(100 * 81 / 670)  # 12.09
    assert a["self_candidates_pct"] == pytest.approx(100 * 1419 / 2297)
    assert item.all_rows.uses_flagged and item.changed is True


def test_every_registered_party_won(items: dict[str, PaperFinding]) -> None:
    item = items["every_party_won"]
    a, w = item.all_rows.params, item.without_flagged.params
    assert (a["registered"], a["winning"]) == (6, 6)
    assert (a["weakest"], a["weakest_seats"], a["weakest_regions"]) == ("nsdp", 3, 2)
    assert (w["weakest"], w["weakest_seats"], w["weakest_regions"]) == ("nsdp", 1, 1)
    assert item.all_rows.holds is True and item.without_flagged.holds is True
    assert item.changed is False


def test_auyl_and_adal_second_and_third(items: dict[str, PaperFinding]) -> None:
    item = items["second_third"]
    assert item.all_rows.params["ranking"][:3] == [["amanat", 569], ["auyl", 49], ["adal", 19]]
    assert item.without_flagged.params["ranking"][:3] == [
        ["amanat", 522],
        ["auyl", 31],
        ["adal", 14],
    ]
    assert item.all_rows.holds is True and item.without_flagged.holds is True
    assert item.changed is False


def test_regions_where_self_nominated_won_most_change(items: dict[str, PaperFinding]) -> None:
    item = items["self_regions"]
    a, w = item.all_rows.params, item.without_flagged.params
    assert a["by_share"][0][0] == "KZ-61"
    assert a["by_share"][0][1] == pytest.approx(100 * 89 / 166)
    assert a["top_share_of_okrugs"] == pytest.approx(100 * 89 / 60), "more than all okrugs"
    assert [u for u, _ in w["by_share"]] == ["KZ-27", "KZ-35", "KZ-19"]
    assert w["by_share"][0][1] == pytest.approx(100 * 7 / 31)
    assert [u for u, _ in w["by_count"]] == ["KZ-11", "KZ-35", "KZ-19"]
    assert item.changed is True


def test_next_majilis_election(items: dict[str, PaperFinding]) -> None:
    p = items["majilis_prediction"].all_rows.params
    assert p["majilis"] == "majilis_2023" and p["lists"] == 7
    assert (p["auyl_rank"], p["auyl_pct"], p["auyl_seats"]) == (2.0, 10.9, 8)
    assert p["adal_on_ballot"] is False and p["adal_successor"] == "amanat"
    assert items["majilis_prediction"].changed is False
