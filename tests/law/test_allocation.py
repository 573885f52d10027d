"""Party-list seat allocation, read as a specification.

Hand-computed examples first, then the published Majilis results of 2021 and 2023
reproduced from the bundled CSVs, then ties, errors, properties (Hypothesis) and the
``saylau allocate`` command.
"""

from __future__ import annotations

import csv
import io
import json
import re
from fractions import Fraction
from importlib import resources
from pathlib import Path

import pytest
import typer
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from saylau.i18n import LANGS, keys, t
from saylau.law import allocation_cli
from saylau.law.allocation import (
    METHODS,
    Allocation,
    AllocationError,
    AllocationInputError,
    AllocationMethod,
    TieRule,
    allocate,
    allocation_rows_for_output,
    method_citation,
    percent_text,
    read_votes_csv,
    round_half_up,
)

HARE, DHONDT, SAINTE_LAGUE = (
    AllocationMethod.HARE,
    AllocationMethod.DHONDT,
    AllocationMethod.SAINTE_LAGUE,
)
NO_THRESHOLD = Fraction(0)

# A textbook-sized example: 100,000 votes, 10 seats, Hare quota 10,000.
TEXTBOOK = {"A": 47_000, "B": 16_000, "C": 15_800, "D": 12_000, "E": 6_100, "F": 3_100}


# --- hand-computed examples ------------------------------------------------------------


def test_hare_integer_parts_then_largest_remainders() -> None:
    # Quotients 4.70, 1.60, 1.58, 1.20, 0.61, 0.31: integer parts give 7 seats; the 3 left
    # go to the largest remainders .70 (A), .61 (E), .60 (B).
    result = allocate(TEXTBOOK, 10, NO_THRESHOLD)
    assert result.seats_by_party() == {"A": 5, "B": 2, "C": 1, "D": 1, "E": 1, "F": 0}
    assert result.quota == 10_000
    remainders = {row.party: row.remainder for row in result.rows}
    assert remainders["A"] == Fraction(7, 10)
    assert remainders["E"] == Fraction(61, 100)
    assert result.ties == ()


def test_dhondt_highest_averages() -> None:
    # The ten largest of votes/1, votes/2, ...: A 47000 23500 15667 11750 9400,
    # B 16000 8000, C 15800 7900, D 12000. E (6100) and F miss out.
    result = allocate(TEXTBOOK, 10, NO_THRESHOLD, method=DHONDT)
    assert result.seats_by_party() == {"A": 5, "B": 2, "C": 2, "D": 1, "E": 0, "F": 0}
    assert result.quota is None
    assert all(row.remainder is None for row in result.rows)


def test_sainte_lague_highest_averages_with_odd_divisors() -> None:
    # Divisors 1, 3, 5, 7: A 47000 15667 9400 6714, B 16000 5333, C 15800 5267, D 12000,
    # E 6100; the next average would be A's 47000/9 = 5222.
    result = allocate(TEXTBOOK, 10, NO_THRESHOLD, method=SAINTE_LAGUE)
    assert result.seats_by_party() == {"A": 4, "B": 2, "C": 2, "D": 1, "E": 1, "F": 0}


def test_threshold_is_a_share_of_the_base_and_parties_below_get_nothing() -> None:
    votes = {"A": 51, "B": 44, "C": 5}
    # C has exactly 5 %: "five and more percent" passes (quotients 5.1, 4.4, 0.5).
    at_threshold = allocate(votes, 10, Fraction(5, 100))
    assert [row.passed_threshold for row in at_threshold.rows] == [True, True, True]
    assert at_threshold.seats_by_party() == {"A": 5, "B": 4, "C": 1}
    # 10 against-all votes in the base: C has 5/110 < 5 % and gets nothing.
    with_against_all = allocate(votes, 10, Fraction(5, 100), against_all=10)
    assert with_against_all.base == 110
    assert with_against_all.rows[2].passed_threshold is False
    assert with_against_all.rows[2].seats == 0
    assert with_against_all.rows[2].share == Fraction(5, 110)
    # The quota uses only the votes of passing parties: 95 / 10 (quotients 5.37, 4.63).
    assert with_against_all.quota == Fraction(95, 10)
    assert with_against_all.seats_by_party() == {"A": 5, "B": 5, "C": 0}
    # Outside the base, against-all votes change nothing.
    outside = allocate(votes, 10, Fraction(5, 100), against_all=10, against_all_in_base=False)
    assert outside.base == 100
    assert outside.rows[2].passed_threshold is True


def test_rows_keep_input_order_and_exact_shares() -> None:
    result = allocate({"Z": 1, "A": 2}, 3, NO_THRESHOLD)
    assert [row.party for row in result.rows] == ["Z", "A"]
    assert [row.share for row in result.rows] == [Fraction(1, 3), Fraction(2, 3)]
    assert isinstance(result, Allocation)


def test_rows_for_output_are_json_ready() -> None:
    rows = allocation_rows_for_output(allocate({"A": 2, "B": 1}, 3, NO_THRESHOLD))
    assert rows == [
        {"party": "A", "votes": 2, "share": 0.666667, "passed_threshold": True, "seats": 2},
        {"party": "B", "votes": 1, "share": 0.333333, "passed_threshold": True, "seats": 1},
    ]
    json.dumps(rows)


def test_hare_is_not_house_monotone_alabama_paradox() -> None:
    # Documented, not a bug: one more seat in the house takes a seat away from C.
    votes = {"A": 6, "B": 6, "C": 2}
    assert allocate(votes, 10, NO_THRESHOLD).seats_by_party() == {"A": 4, "B": 4, "C": 2}
    assert allocate(votes, 11, NO_THRESHOLD).seats_by_party() == {"A": 5, "B": 5, "C": 1}


def test_hare_with_threshold_is_not_monotone_in_own_votes() -> None:
    # D gains one vote, which pushes B (exactly 10 %) below the threshold; the quota is
    # recomputed over C and D only, C's remainder overtakes D's, and D loses its seat.
    before = allocate({"B": 100, "C": 690, "D": 210}, 2, Fraction(10, 100))
    after = allocate({"B": 100, "C": 690, "D": 211}, 2, Fraction(10, 100))
    assert before.seats_by_party() == {"B": 0, "C": 1, "D": 1}
    assert after.seats_by_party() == {"B": 0, "C": 2, "D": 0}


def test_method_parsing_accepts_both_spellings() -> None:
    assert AllocationMethod("sainte-lague") is SAINTE_LAGUE
    assert AllocationMethod("sainte_lague") is SAINTE_LAGUE
    assert AllocationMethod("Hare") is HARE
    with pytest.raises(ValueError):
        AllocationMethod("webster")


def test_every_method_is_registered_with_a_citation() -> None:
    assert set(METHODS) == set(AllocationMethod)
    for method in AllocationMethod:
        assert METHODS[method].method is method
        assert method_citation(method)
    assert "97-1" in method_citation(HARE)
    assert "2464" in method_citation(HARE)
    assert allocate({"A": 1}, 1, NO_THRESHOLD).citation == method_citation(HARE)


def test_percent_text_is_exact() -> None:
    assert percent_text(Fraction(7, 100)) == "7"
    assert percent_text(Fraction(11, 200)) == "5.5"
    assert percent_text(Fraction(1, 3)) == "100/3"
    assert percent_text(Fraction(1, 2**10)) == "0.09765625"


def test_round_half_up() -> None:
    assert str(round_half_up(Fraction(71_0905, 10_000), 2)) == "71.09"
    assert str(round_half_up(Fraction(1, 8), 2)) == "0.13"  # 0.125 rounds up, as published
    assert str(round_half_up(Fraction(0), 2)) == "0.00"


# --- published Majilis results from the bundled data -----------------------------------


def _dataset_rows(name: str) -> list[dict[str, str]]:
    path = resources.files("saylau.datasets") / "kz-majilis" / name
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _election(code: str) -> dict[str, str]:
    return next(row for row in _dataset_rows("elections.csv") if row["code"] == code)


def _published_allocation(code: str, method: AllocationMethod = HARE) -> Allocation:
    election = _election(code)
    parties = _dataset_rows(f"{code}.csv")
    ordered = sorted(parties, key=lambda row: int(row["registration_order"]))
    return allocate(
        {row["party_code"]: int(row["votes"]) for row in parties},
        int(election["seats"]),
        Fraction(election["threshold_pct"]) / 100,
        method=method,
        against_all=int(election["against_all_votes"] or 0),
        against_all_in_base=True,
        registration_order=[row["party_code"] for row in ordered],
    )


@pytest.mark.parametrize("code", ["majilis_2021", "majilis_2023"])
def test_hare_reproduces_published_seats_shares_and_base(code: str) -> None:
    result = _published_allocation(code)
    published = {row["party_code"]: row for row in _dataset_rows(f"{code}.csv")}
    assert result.base == int(_election(code)["base_total_published"])
    assert result.ties == ()
    for row in result.rows:
        assert row.seats == int(published[row.party]["seats_published"])
        assert str(round_half_up(row.share * 100, 2)) == published[row.party]["share_pct_published"]
        assert row.passed_threshold == (row.seats > 0)


def test_majilis_2021_numbers() -> None:
    result = _published_allocation("majilis_2021")
    assert result.seats_by_party() == {"amanat": 76, "ak-zhol": 12, "qhp": 10, "auyl": 0, "adal": 0}
    assert result.base == 7_241_562
    assert result.quota == Fraction(5_148_074 + 792_828 + 659_019, 98)


def test_majilis_2023_numbers() -> None:
    result = _published_allocation("majilis_2023")
    assert result.seats_by_party() == {
        "amanat": 40,
        "auyl": 8,
        "respublica": 6,
        "ak-zhol": 6,
        "qhp": 5,
        "nsdp": 4,
        "baytaq": 0,
    }
    assert result.base == 6_366_441  # party votes + 248,291 against all
    assert result.quota == Fraction(6_366_441 - 248_291 - 146_431, 69)


def test_dhondt_would_not_match_the_published_results() -> None:
    seats_2021 = _published_allocation("majilis_2021", DHONDT).seats_by_party()
    assert [seats_2021[p] for p in ("amanat", "ak-zhol", "qhp")] == [77, 12, 9]
    seats_2023 = _published_allocation("majilis_2023", DHONDT).seats_by_party()
    order = ("amanat", "auyl", "respublica", "ak-zhol", "qhp", "nsdp")
    assert [seats_2023[p] for p in order] == [41, 8, 6, 6, 5, 3]


def test_sainte_lague_happens_to_match_hare_in_both_years() -> None:
    for code in ("majilis_2021", "majilis_2023"):
        assert (
            _published_allocation(code, SAINTE_LAGUE).seats_by_party()
            == _published_allocation(code).seats_by_party()
        )


def test_bundled_rows_carry_sources_and_assumed_registration_order() -> None:
    for code in ("majilis_2021", "majilis_2023"):
        for row in _dataset_rows(f"{code}.csv"):
            assert row["source"].startswith("https://")
            assert row["registration_order_confidence"] == "assumed"
    for row in _dataset_rows("elections.csv"):
        assert row["source"].startswith("https://")


# --- ties ------------------------------------------------------------------------------


def test_equal_remainders_raise_without_registration_order() -> None:
    # Quota 20: A 3, B 1.5, C 0.5; one seat left and B, C both have remainder 1/2.
    with pytest.raises(AllocationError) as caught:
        allocate({"A": 60, "B": 30, "C": 10}, 5, NO_THRESHOLD)
    error = caught.value
    assert error.code == "A.012"
    assert error.field == "registration_order"
    assert "tie requires registration order" in str(error)
    assert "B, C" in str(error)


def test_equal_remainders_go_to_the_list_registered_earlier() -> None:
    result = allocate(
        {"A": 60, "B": 30, "C": 10}, 5, NO_THRESHOLD, registration_order=["C", "A", "B"]
    )
    assert result.seats_by_party() == {"A": 3, "B": 1, "C": 1}
    (tie,) = result.ties
    assert tie.parties == ("B", "C")
    assert tie.winners == ("C",)
    assert tie.seats_contested == 1
    assert tie.value == Fraction(1, 2)
    assert tie.stage == "largest_remainder"
    assert tie.rule is TieRule.EARLIER_REGISTRATION
    for lang in LANGS:
        assert "earlier_registration" in tie.message(lang)


def test_registration_order_must_cover_every_tied_party() -> None:
    with pytest.raises(AllocationError, match="tie requires registration order") as caught:
        allocate({"A": 60, "B": 30, "C": 10}, 5, NO_THRESHOLD, registration_order=["A", "B"])
    assert caught.value.params["missing"] == "C"


def test_a_tie_that_fits_in_the_seats_left_is_not_a_tie() -> None:
    # Order among equals does not matter when all of them get a seat.
    for method in AllocationMethod:
        result = allocate({"A": 1, "B": 1}, 2, NO_THRESHOLD, method=method)
        assert result.seats_by_party() == {"A": 1, "B": 1}
        assert result.ties == ()


def test_dhondt_tie_for_the_last_seat() -> None:
    # Averages A 6 3 2, B 4 2: seats go 6, 4, 3, then A's 2 and B's 2 tie for the 4th seat.
    with pytest.raises(AllocationError, match=r"A, B"):
        allocate({"A": 6, "B": 4}, 4, NO_THRESHOLD, method=DHONDT)
    result = allocate(
        {"A": 6, "B": 4}, 4, NO_THRESHOLD, method=DHONDT, registration_order=["B", "A"]
    )
    assert result.seats_by_party() == {"A": 2, "B": 2}
    assert result.ties[0].stage == "highest_average"
    assert result.ties[0].value == 2


def test_sainte_lague_tie_for_the_last_seat() -> None:
    # Averages A 3 1, B 1: A's second average ties with B's first.
    with pytest.raises(AllocationError):
        allocate({"A": 3, "B": 1}, 2, NO_THRESHOLD, method=SAINTE_LAGUE)
    result = allocate(
        {"A": 3, "B": 1}, 2, NO_THRESHOLD, method=SAINTE_LAGUE, registration_order=["A", "B"]
    )
    assert result.seats_by_party() == {"A": 2, "B": 0}


def test_tie_among_three_for_two_seats() -> None:
    # Quota 3 for 3 seats (A 2, B 2, C 2, D 3 votes): D gets 1; A, B, C each have
    # remainder 2/3 for the 2 seats left.
    votes = {"A": 2, "B": 2, "C": 2, "D": 3}
    result = allocate(votes, 3, NO_THRESHOLD, registration_order=["D", "C", "A", "B"])
    assert result.seats_by_party() == {"A": 1, "B": 0, "C": 1, "D": 1}
    assert result.ties[0].winners == ("C", "A")
    assert result.ties[0].seats_contested == 2


# --- errors ----------------------------------------------------------------------------

ERROR_CASES = [
    ("A.001", "seats", {"votes": {"A": 1}, "seats": 0, "threshold": NO_THRESHOLD}),
    ("A.001", "seats", {"votes": {"A": 1}, "seats": True, "threshold": NO_THRESHOLD}),
    ("A.002", "threshold", {"votes": {"A": 1}, "seats": 1, "threshold": Fraction(1)}),
    ("A.002", "threshold", {"votes": {"A": 1}, "seats": 1, "threshold": Fraction(-1, 100)}),
    ("A.003", "threshold", {"votes": {"A": 1}, "seats": 1, "threshold": 0.05}),
    ("A.004", "votes", {"votes": {"A": 1, "B": -1}, "seats": 1, "threshold": NO_THRESHOLD}),
    ("A.005", "votes", {"votes": {"A": 1.0}, "seats": 1, "threshold": NO_THRESHOLD}),
    ("A.006", "votes", {"votes": {" ": 1}, "seats": 1, "threshold": NO_THRESHOLD}),
    ("A.007", "votes", {"votes": {"A": 1, "A ": 2}, "seats": 1, "threshold": NO_THRESHOLD}),
    (
        "A.008",
        "against_all",
        {"votes": {"A": 1}, "seats": 1, "threshold": NO_THRESHOLD, "against_all": -1},
    ),
    ("A.009", "votes", {"votes": {}, "seats": 1, "threshold": NO_THRESHOLD}),
    ("A.010", "votes", {"votes": {"A": 0}, "seats": 1, "threshold": NO_THRESHOLD}),
    ("A.011", "threshold", {"votes": {"A": 1, "B": 1}, "seats": 5, "threshold": Fraction(3, 5)}),
    (
        "A.011",
        "threshold",
        {"votes": {"A": 0}, "seats": 1, "threshold": NO_THRESHOLD, "against_all": 4},
    ),
    (
        "A.006",
        "registration_order",
        {"votes": {"A": 1}, "seats": 1, "threshold": NO_THRESHOLD, "registration_order": [""]},
    ),
    (
        "A.007",
        "registration_order",
        {
            "votes": {"A": 1},
            "seats": 1,
            "threshold": NO_THRESHOLD,
            "registration_order": ["A", "A"],
        },
    ),
    (
        "A.013",
        "registration_order",
        {
            "votes": {"A": 1},
            "seats": 1,
            "threshold": NO_THRESHOLD,
            "registration_order": ["A", "B"],
        },
    ),
]


@pytest.mark.parametrize(("code", "field", "arguments"), ERROR_CASES)
def test_invalid_input_raises_a_coded_error_in_three_languages(
    code: str, field: str, arguments: dict[str, object]
) -> None:
    with pytest.raises(AllocationError) as caught:
        allocate(**arguments)  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.code, error.field) == (code, field)
    assert error.key.startswith("allocation.error.")
    messages = {lang: error.message(lang) for lang in LANGS}
    assert all(messages.values())
    assert len(set(messages.values())) == 3
    assert str(error) == messages["en"]


def test_nobody_passing_names_the_threshold_and_seats() -> None:
    with pytest.raises(AllocationError) as caught:
        allocate({"A": 1, "B": 1}, 5, Fraction(3, 5))
    assert "60%" in str(caught.value)
    assert "5 seats" in str(caught.value)


# --- reading a votes CSV ---------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "votes.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_votes_csv(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffParty , Votes,note\n A ,10,x\n\nB, 0 ,\n")
    assert read_votes_csv(path) == {"A": 10, "B": 0}


def test_read_votes_csv_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "party,votes\nA,x\n,5\nB,-3\nA,4\nC,1 000\nD\n")
    with pytest.raises(AllocationInputError) as caught:
        read_votes_csv(path)
    found = [(p.line, p.column, p.rule) for p in caught.value.problems]
    assert found == [
        (2, "votes", "votes_not_integer"),
        (3, "party", "empty_party"),
        (4, "votes", "votes_negative"),
        (5, "party", "duplicate_party"),
        (6, "votes", "votes_not_integer"),
        (7, "votes", "votes_not_integer"),
    ]
    error = caught.value
    assert isinstance(error, AllocationError)
    assert (error.code, error.field) == ("A.100", "votes_csv")
    assert all(p.file == str(path) for p in error.problems)
    for lang in LANGS:
        assert len(error.message(lang).splitlines()) == 1 + len(found)


def test_read_votes_csv_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(AllocationInputError) as caught:
        read_votes_csv(_write(tmp_path, "name,count\nA,1\n"))
    assert [(p.column, p.rule) for p in caught.value.problems] == [
        ("party", "missing_column"),
        ("votes", "missing_column"),
    ]


@pytest.mark.parametrize(
    ("content", "rule"),
    [(b"", "missing_column"), (b"party,votes\n\n", "no_rows"), (b"party,votes\n\xff,1\n", None)],
)
def test_read_votes_csv_empty_or_undecodable(tmp_path: Path, content: bytes, rule: str) -> None:
    path = tmp_path / "votes.csv"
    path.write_bytes(content)
    with pytest.raises(AllocationInputError) as caught:
        read_votes_csv(path)
    assert caught.value.problems[0].rule == (rule or "file_unreadable")


def test_read_votes_csv_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AllocationInputError) as caught:
        read_votes_csv(tmp_path / "absent.csv")
    assert caught.value.problems[0].code == "A.101"


# --- properties ------------------------------------------------------------------------

PARTY_NAMES = st.sampled_from(["A", "B", "C", "D", "E", "F", "G"])
# Small vote counts make exact ties frequent; large ones cover realistic sizes.
VOTE_COUNTS = st.one_of(st.integers(0, 12), st.integers(0, 2_000_000))
VOTES = st.dictionaries(PARTY_NAMES, VOTE_COUNTS, min_size=1, max_size=7)
THRESHOLDS = st.builds(Fraction, st.integers(0, 15), st.just(100))
METHODS_ST = st.sampled_from(list(AllocationMethod))


def _anyone_passes(votes: dict[str, int], threshold: Fraction, against_all: int = 0) -> bool:
    base = sum(votes.values()) + against_all
    return base > 0 and any(v > 0 and Fraction(v, base) >= threshold for v in votes.values())


@settings(max_examples=300)
@given(VOTES, st.integers(1, 120), THRESHOLDS, METHODS_ST, st.integers(0, 100), st.booleans())
def test_all_seats_are_filled_and_only_by_passing_parties(
    votes: dict[str, int],
    seats: int,
    threshold: Fraction,
    method: AllocationMethod,
    against_all: int,
    in_base: bool,
) -> None:
    assume(_anyone_passes(votes, threshold, against_all if in_base else 0))
    result = allocate(
        votes,
        seats,
        threshold,
        method=method,
        against_all=against_all,
        against_all_in_base=in_base,
        registration_order=sorted(votes),
    )
    assert sum(row.seats for row in result.rows) == seats
    for row in result.rows:
        assert row.share == Fraction(row.votes, result.base)
        assert row.passed_threshold == (row.share >= threshold)
        if not row.passed_threshold:
            assert row.seats == 0


@settings(max_examples=200)
@given(VOTES, st.integers(1, 120), THRESHOLDS)
def test_hare_gives_every_party_its_quota_rounded_down_or_up(
    votes: dict[str, int], seats: int, threshold: Fraction
) -> None:
    assume(_anyone_passes(votes, threshold))
    result = allocate(votes, seats, threshold, registration_order=sorted(votes))
    assert result.quota is not None
    for row in result.rows:
        if row.passed_threshold:
            exact = row.votes / result.quota
            assert exact - 1 < row.seats < exact + 1
            assert row.remainder == exact - int(exact)


@settings(max_examples=200)
@given(VOTES, st.integers(1, 80), THRESHOLDS, st.sampled_from([DHONDT, SAINTE_LAGUE]))
def test_divisor_methods_are_house_monotone(
    votes: dict[str, int], seats: int, threshold: Fraction, method: AllocationMethod
) -> None:
    assume(_anyone_passes(votes, threshold))
    order = sorted(votes)
    smaller = allocate(votes, seats, threshold, method=method, registration_order=order)
    larger = allocate(votes, seats + 1, threshold, method=method, registration_order=order)
    for before, after in zip(smaller.rows, larger.rows, strict=True):
        assert after.seats >= before.seats


@settings(max_examples=300)
@given(VOTES, st.integers(1, 80), THRESHOLDS, METHODS_ST, st.data())
def test_more_votes_never_cost_a_party_seats(
    votes: dict[str, int],
    seats: int,
    threshold: Fraction,
    method: AllocationMethod,
    data: st.DataObject,
) -> None:
    # True for divisor methods even with a threshold; for Hare only without one (see
    # test_hare_with_threshold_is_not_monotone_in_own_votes for why).
    if method is HARE:
        threshold = NO_THRESHOLD
    assume(_anyone_passes(votes, threshold))
    party = data.draw(st.sampled_from(sorted(votes)))
    gain = data.draw(st.integers(1, 1_000))
    order = sorted(votes)
    before = allocate(votes, seats, threshold, method=method, registration_order=order)
    after = allocate(
        {**votes, party: votes[party] + gain},
        seats,
        threshold,
        method=method,
        registration_order=order,
    )
    assert after.seats_by_party()[party] >= before.seats_by_party()[party]


@settings(max_examples=200)
@given(VOTES, st.integers(1, 80), THRESHOLDS, METHODS_ST, st.randoms(use_true_random=False))
def test_input_order_does_not_change_the_result(
    votes: dict[str, int], seats: int, threshold: Fraction, method: AllocationMethod, rng: object
) -> None:
    assume(_anyone_passes(votes, threshold))
    items = list(votes.items())
    rng.shuffle(items)  # type: ignore[attr-defined]
    shuffled = dict(items)
    try:
        plain = allocate(votes, seats, threshold, method=method)
    except AllocationError as error:
        # Only a real tie may stop an allocation here, and the registration order settles it.
        event("exact tie")
        assert error.code == "A.012"
        ordered = allocate(votes, seats, threshold, method=method, registration_order=sorted(votes))
        assert ordered.ties
        again = allocate(
            shuffled, seats, threshold, method=method, registration_order=sorted(votes)
        )
        assert again.seats_by_party() == ordered.seats_by_party()
        return
    assert plain.ties == ()
    permuted = allocate(shuffled, seats, threshold, method=method)
    assert permuted.seats_by_party() == plain.seats_by_party()
    assert [row.party for row in permuted.rows] == list(shuffled)


# --- the catalogue ---------------------------------------------------------------------


def test_allocation_messages_exist_in_all_languages_with_the_same_parameters() -> None:
    by_lang = {lang: {k for k in keys(lang) if k.startswith("allocation.")} for lang in LANGS}
    assert by_lang["kk"] == by_lang["ru"] == by_lang["en"]
    assert len(by_lang["en"]) > 30
    for key in by_lang["en"]:
        placeholders = {lang: set(re.findall(r"\{(\w+)\}", t(key, lang))) for lang in LANGS}
        assert placeholders["kk"] == placeholders["ru"] == placeholders["en"], key
        assert re.search(r"[а-яәғқңөұүһі]", t(key, "kk"), re.IGNORECASE), key


# --- the command -----------------------------------------------------------------------

VOTES_2021 = "party,votes\nNur Otan,5148074\nAk Zhol,792828\nQHP,659019\nAuyl,383023\nAdal,258618\n"


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Throwaway app for testing the command."""

    allocation_cli.register(application)
    return application


def _run(app: typer.Typer, *arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["allocate", *arguments])
    return result.exit_code, result.stdout, result.stderr


def test_cli_json_shape(app: typer.Typer, tmp_path: Path) -> None:
    path = _write(tmp_path, VOTES_2021)
    code, out, _ = _run(app, "--seats", "98", "--threshold", "7", "--format", "json", str(path))
    assert code == 0
    rows = json.loads(out)
    assert [set(row) for row in rows] == [
        {"party", "votes", "share", "passed_threshold", "seats"}
    ] * 5
    assert [row["seats"] for row in rows] == [76, 12, 10, 0, 0]
    assert rows[0] == {
        "party": "Nur Otan",
        "votes": 5148074,
        "share": 0.710907,
        "passed_threshold": True,
        "seats": 76,
    }
    assert isinstance(rows[3]["share"], float)
    assert rows[3]["passed_threshold"] is False


@pytest.mark.parametrize(
    ("lang", "header"),
    [("en", "Passed threshold"), ("ru", "Преодолела барьер"), ("kk", "Шектен өтті")],
)
def test_cli_text_has_translated_headers(
    app: typer.Typer, tmp_path: Path, lang: str, header: str
) -> None:
    path = _write(tmp_path, VOTES_2021)
    code, out, _ = _run(app, "--seats", "98", "--threshold", "7", "--lang", lang, str(path))
    assert code == 0
    assert header in out
    assert "76" in out
    assert t("allocation.table.title", lang) in out


def test_cli_csv_and_markdown_print_the_same_table(app: typer.Typer, tmp_path: Path) -> None:
    path = _write(tmp_path, VOTES_2021)
    common = ["--seats", "98", "--threshold", "7", "--method", "dhondt", "--lang", "ru"]
    code, out, _ = _run(app, *common, "--format", "csv", str(path))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["Партия", "Голоса", "Доля, %", "Преодолела барьер", "Мандаты"]
    assert rows[1] == ["Nur Otan", "5148074", "71.09", "да", "77"]
    code, out, _ = _run(app, *common, "--format", "md", str(path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "| Партия | Голоса | Доля, % | Преодолела барьер | Мандаты |"
    assert lines[2].startswith("| Nur Otan |") and lines[2].endswith("| да | 77 |")
    assert len(lines) == 2 + 5


def test_cli_against_all_in_and_outside_the_base(app: typer.Typer, tmp_path: Path) -> None:
    path = _write(tmp_path, "party,votes\nA,51\nB,44\nC,5\n")
    base = ["--seats", "10", "--threshold", "5", "--against-all", "10", "--format", "json"]
    _, out, _ = _run(app, *base, str(path))
    assert [row["passed_threshold"] for row in json.loads(out)] == [True, True, False]
    _, out, _ = _run(app, *base, "--against-all-outside-base", str(path))
    assert [row["passed_threshold"] for row in json.loads(out)] == [True, True, True]


def test_cli_decimal_threshold_is_exact(app: typer.Typer, tmp_path: Path) -> None:
    # C has exactly 5.5 %: it passes at "5.5" and "5,5" and fails at "5.51".
    path = _write(tmp_path, "party,votes\nA,500\nB,445\nC,55\n")
    for text, passes in [("5.5", True), ("5,5", True), ("5.51", False)]:
        code, out, _ = _run(app, "--seats", "3", "--threshold", text, "--format", "json", str(path))
        assert code == 0
        assert json.loads(out)[2]["passed_threshold"] is passes


def test_cli_tie_needs_registration_order(app: typer.Typer, tmp_path: Path) -> None:
    path = _write(tmp_path, "party,votes\nA,60\nB,30\nC,10\n")
    code, out, err = _run(app, "--seats", "5", "--threshold", "0", str(path))
    assert code == 2
    assert out == ""
    assert "A.012" in err and "--registration-order" in err
    assert "tie requires registration order" in err and "B, C" in err
    decided = ["--registration-order", "C, A, B", "--format", "json"]
    code, out, err = _run(app, "--seats", "5", "--threshold", "0", *decided, str(path))
    assert code == 0
    assert [row["seats"] for row in json.loads(out)] == [3, 1, 1]
    assert "earlier_registration" in err


def test_cli_malformed_csv_reports_all_errors_and_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    path = _write(tmp_path, "party,votes\nA,x\n,5\nB,-3\nA,4\n")
    code, out, err = _run(app, "--seats", "3", "--threshold", "5", "--lang", "kk", str(path))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert "A.100" in lines[0] and "VOTES.csv" in lines[0]
    assert len(lines) == 1 + 4
    assert "2-жол" in lines[1] and "votes" in lines[1]
    assert "3-жол" in lines[2] and "party" in lines[2]


@pytest.mark.parametrize(
    ("arguments", "code", "option", "prefix"),
    [
        (["--seats", "x", "--threshold", "5"], "A.001", "--seats", "Ошибка"),
        (["--seats", "0", "--threshold", "5"], "A.001", "--seats", "Ошибка"),
        (["--seats", "3", "--threshold", "five"], "A.020", "--threshold", "Ошибка"),
        (["--seats", "3", "--threshold", "100"], "A.002", "--threshold", "Ошибка"),
        (["--seats", "3", "--threshold", "95"], "A.011", "--threshold", "Ошибка"),
        (
            ["--seats", "3", "--threshold", "5", "--method", "webster"],
            "A.021",
            "--method",
            "Ошибка",
        ),
        (["--seats", "3", "--threshold", "5", "--format", "xml"], "A.022", "--format", "Ошибка"),
        (
            ["--seats", "3", "--threshold", "5", "--against-all", "-1"],
            "A.008",
            "--against-all",
            "Ошибка",
        ),
        (
            ["--seats", "3", "--threshold", "5", "--registration-order", "A,Z"],
            "A.013",
            "--registration-order",
            "Ошибка",
        ),
        # An unknown language cannot be used for its own message: it is reported in English.
        (["--seats", "3", "--threshold", "5", "--lang", "de"], "A.023", "--lang", "Error"),
    ],
)
def test_cli_option_errors_name_the_option_and_exit_2(
    app: typer.Typer, tmp_path: Path, arguments: list[str], code: str, option: str, prefix: str
) -> None:
    path = _write(tmp_path, "party,votes\nA,50\nB,45\nC,5\n")
    language = [] if "--lang" in arguments else ["--lang", "ru"]
    exit_code, out, err = _run(app, *arguments, *language, str(path))
    assert exit_code == 2
    assert out == ""
    assert err.startswith(f"{prefix} {code}")
    assert option in err


def test_cli_missing_file(app: typer.Typer, tmp_path: Path) -> None:
    code, _, err = _run(app, "--seats", "3", "--threshold", "5", str(tmp_path / "absent.csv"))
    assert code == 2
    assert "A.100" in err and "A.101" in err
    assert "absent.csv" in err
