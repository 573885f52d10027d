"""Who is elected akim of an okrug: plurality, ties by a recorded lot, a single candidate,
against all, quorum and repeat elections, each outcome with its trace in three languages."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from saylau.domain import Protocol
from saylau.i18n import LANGS
from saylau.law.catalogue import Confidence, LawError, RepeatPool, law_version
from saylau.law.winner import (
    Elected,
    LotDraw,
    LotsRequired,
    NoCandidates,
    OkrugTotals,
    Outcome,
    RepeatElection,
    RepeatReason,
    determine_winner,
    explain,
    sum_protocols,
    summary,
)

# A ballot without the against-all line (the 2021 rural ballots had one: ktk.kz, gov.kz).
NO_LINE = law_version("rural-akim-2021").with_settings(against_all_on_ballot=False)
RURAL_2021 = NO_LINE
RURAL_2023 = law_version("rural-akim-2023")  # against-all line, informational
ALMATY = ZoneInfo("Asia/Almaty")
DRAWN_AT = datetime(2023, 8, 28, 11, 0, tzinfo=ALMATY)


def totals(
    votes: dict[str, int],
    against_all: int | None = None,
    voters: int = 1000,
    in_boxes: int | None = None,
) -> OkrugTotals:
    cast = sum(votes.values()) + (against_all or 0)
    return OkrugTotals(votes, against_all, voters, cast if in_boxes is None else in_boxes)


def rules_of(outcome: Outcome) -> list[str]:
    return [step.rule for step in outcome.trace]


def draw(tied: tuple[str, ...], winner: str) -> LotDraw:
    return LotDraw(
        tied=tied,
        winner=winner,
        drawn_by="Chair of the district TEC",
        drawn_at=DRAWN_AT,
        witnesses=("observer A", "agent B"),
        record="decision 12",
    )


# --- plurality ---------------------------------------------------------------------------


def test_the_candidate_with_most_votes_is_elected():
    outcome = determine_winner(totals({"a": 300, "b": 250, "c": 20}), RURAL_2021)
    assert isinstance(outcome, Elected)
    assert (outcome.candidate, outcome.votes, outcome.lot_draw) == ("a", 300, None)
    assert outcome.standings == (("a", 300), ("b", 250), ("c", 20))
    assert rules_of(outcome) == ["W.006", "W.004", "W.007", "W.005", "W.001"]


def test_a_plurality_is_enough_no_majority_needed():
    outcome = determine_winner(totals({"a": 40, "b": 35, "c": 25}), RURAL_2021)
    assert isinstance(outcome, Elected) and outcome.candidate == "a"


# --- ties and lots -----------------------------------------------------------------------


def test_a_tie_for_first_place_requires_lots_and_saylau_does_not_draw_them():
    outcome = determine_winner(totals({"b": 300, "a": 300, "c": 20}), RURAL_2021)
    assert isinstance(outcome, LotsRequired)
    assert outcome.tied == ("a", "b")
    assert outcome.votes == 300
    assert rules_of(outcome)[-2:] == ["W.001", "W.002"]
    assert "does not draw lots" in outcome.trace[-1].result("en")


def test_a_recorded_draw_elects_its_winner_and_is_cited():
    recorded = draw(("b", "a"), "b")
    outcome = determine_winner(totals({"a": 300, "b": 300, "c": 20}), RURAL_2021, lot_draw=recorded)
    assert isinstance(outcome, Elected)
    assert outcome.candidate == "b" and outcome.lot_draw == recorded
    last = outcome.trace[-1]
    assert last.rule == "W.002"
    assert "Chair of the district TEC" in last.check("en")
    assert "observer A, agent B" in last.check("en")
    assert "decision 12" in last.check("ru")
    assert "by lot" in summary(outcome, "en")


def test_a_tie_below_first_place_needs_no_lots():
    outcome = determine_winner(totals({"a": 300, "b": 20, "c": 20}), RURAL_2021)
    assert isinstance(outcome, Elected) and outcome.candidate == "a"


@pytest.mark.parametrize(
    ("recorded", "code"),
    [
        (draw(("a", "c"), "a"), "L.003"),
        (draw(("a",), "a"), "L.003"),
        (draw(("a", "b"), "c"), "L.004"),
        (LotDraw(("a", "b"), "a", "  ", DRAWN_AT), "L.015"),
        (LotDraw(("a", "b"), "a", "chair", datetime(2023, 8, 28, 11, 0)), "L.006"),
    ],
)
def test_a_draw_that_does_not_fit_the_tie_is_refused(recorded: LotDraw, code: str):
    with pytest.raises(LawError) as raised:
        determine_winner(totals({"a": 300, "b": 300, "c": 20}), RURAL_2021, lot_draw=recorded)
    assert raised.value.code == code


def test_a_draw_without_a_tie_is_refused():
    with pytest.raises(LawError) as raised:
        determine_winner(totals({"a": 300, "b": 200}), RURAL_2021, lot_draw=draw(("a", "b"), "a"))
    assert raised.value.code == "L.010"


# --- a single candidate -------------------------------------------------------------------


def test_a_single_candidate_needs_more_than_half_of_those_who_took_part():
    exactly_half = determine_winner(totals({"a": 50}, in_boxes=100), RURAL_2021)
    assert isinstance(exactly_half, RepeatElection)
    assert exactly_half.reason is RepeatReason.SINGLE_CANDIDATE_BELOW_THRESHOLD
    more = determine_winner(totals({"a": 51}, in_boxes=100), RURAL_2021)
    assert isinstance(more, Elected) and more.candidate == "a"
    assert rules_of(more)[-1] == "W.003"


def test_against_all_and_invalid_ballots_count_in_the_single_candidate_base():
    outcome = determine_winner(totals({"a": 60}, against_all=50, in_boxes=130), RURAL_2023)
    assert isinstance(outcome, RepeatElection)  # 60 of 130 is not more than half
    assert outcome.reason is RepeatReason.SINGLE_CANDIDATE_BELOW_THRESHOLD


def test_the_single_candidate_threshold_is_a_setting():
    law = RURAL_2021.with_settings(single_candidate_threshold=Fraction(1, 4))
    outcome = determine_winner(totals({"a": 26}, in_boxes=100), law)
    assert isinstance(outcome, Elected)


# --- against all -------------------------------------------------------------------------


def test_against_all_leading_is_informational_by_default():
    outcome = determine_winner(totals({"a": 100, "b": 80}, against_all=150), RURAL_2023)
    assert isinstance(outcome, Elected) and outcome.candidate == "a"
    step = next(s for s in outcome.trace if s.rule == "W.005")
    assert step.result_key == "law.trace.against_all.leads_informational"
    assert "no legal effect" in step.result("en")


def test_against_all_leading_calls_a_repeat_election_when_the_setting_says_so():
    law = RURAL_2023.with_settings(against_all_effect="repeat_if_leads")
    outcome = determine_winner(totals({"a": 100, "b": 80}, against_all=150), law)
    assert isinstance(outcome, RepeatElection)
    assert outcome.reason is RepeatReason.AGAINST_ALL_LEADS
    assert rules_of(outcome)[-2:] == ["W.005", "W.008"]


def test_against_all_equal_to_the_leader_does_not_lead():
    law = RURAL_2023.with_settings(against_all_effect="repeat_if_leads")
    outcome = determine_winner(totals({"a": 150, "b": 80}, against_all=150), law)
    assert isinstance(outcome, Elected)


def test_the_against_all_count_must_match_the_ballot():
    with pytest.raises(LawError) as missing:
        determine_winner(totals({"a": 1}), RURAL_2023)
    assert missing.value.code == "L.008"
    with pytest.raises(LawError) as unexpected:
        determine_winner(totals({"a": 1}, against_all=0), RURAL_2021)
    assert unexpected.value.code == "L.009"


# --- quorum, no votes, no candidates, repeat pool ------------------------------------------


def test_there_is_no_turnout_quorum_by_default():
    outcome = determine_winner(totals({"a": 3, "b": 1}, voters=1000), RURAL_2021)
    assert isinstance(outcome, Elected)
    assert outcome.trace[1].result_key == "law.trace.quorum.none"


def test_a_quorum_when_set_must_be_exceeded():
    law = RURAL_2021.with_settings(turnout_quorum=Fraction(1, 2))
    at_half = determine_winner(totals({"a": 300, "b": 200}, voters=1000), law)
    assert isinstance(at_half, RepeatElection)
    assert at_half.reason is RepeatReason.QUORUM_NOT_MET
    above = determine_winner(totals({"a": 300, "b": 201}, voters=1000), law)
    assert isinstance(above, Elected)


def test_no_votes_for_any_candidate_means_a_repeat_election_not_a_draw():
    outcome = determine_winner(totals({"a": 0, "b": 0}, in_boxes=12), RURAL_2021)
    assert isinstance(outcome, RepeatElection)
    assert outcome.reason is RepeatReason.NO_VOTES


def test_no_candidates():
    outcome = determine_winner(totals({}), RURAL_2021)
    assert isinstance(outcome, NoCandidates)
    assert rules_of(outcome) == ["W.006"]


def test_who_may_stand_again_follows_the_setting():
    opened = determine_winner(totals({"a": 0, "b": 0}), RURAL_2021)
    assert isinstance(opened, RepeatElection)
    assert (opened.pool, opened.excluded) == (RepeatPool.OPEN, ())
    law = RURAL_2021.with_settings(repeat_candidate_pool="exclude_previous")
    closed = determine_winner(totals({"b": 0, "a": 0}), law)
    assert isinstance(closed, RepeatElection)
    assert (closed.pool, closed.excluded) == (RepeatPool.EXCLUDE_PREVIOUS, ("a", "b"))
    assert "a, b" in closed.trace[-1].result("en")


def test_a_party_list_version_has_no_winner_rules():
    with pytest.raises(LawError) as raised:
        determine_winner(totals({"a": 1}), law_version("majilis-list-2021"))
    assert raised.value.code == "L.007"


def test_totals_must_be_counts():
    with pytest.raises(LawError) as raised:
        OkrugTotals({"a": -1}, None, 10, 0)
    assert raised.value.code == "L.005"


# --- trace and explanation ---------------------------------------------------------------


def _all_outcomes() -> list[Outcome]:
    tie = totals({"a": 300, "b": 300, "c": 20})
    return [
        determine_winner(totals({"a": 300, "b": 250}), RURAL_2021),
        determine_winner(tie, RURAL_2021),
        determine_winner(tie, RURAL_2021, lot_draw=draw(("a", "b"), "a")),
        determine_winner(totals({"a": 50}, in_boxes=100), RURAL_2021),
        determine_winner(totals({"a": 51}, in_boxes=100), RURAL_2021),
        determine_winner(totals({"a": 100, "b": 80}, against_all=150), RURAL_2023),
        determine_winner(
            totals({"a": 100, "b": 80}, against_all=150),
            RURAL_2023.with_settings(
                against_all_effect="repeat_if_leads", repeat_candidate_pool="exclude_previous"
            ),
        ),
        determine_winner(totals({"a": 300, "b": 200}, against_all=1), RURAL_2023),
        determine_winner(
            totals({"a": 3, "b": 2}), RURAL_2021.with_settings(turnout_quorum=Fraction(1, 2))
        ),
        determine_winner(
            totals({"a": 300, "b": 201}), RURAL_2021.with_settings(turnout_quorum=Fraction(1, 2))
        ),
        determine_winner(totals({"a": 0}), RURAL_2021),
        determine_winner(totals({}), RURAL_2021),
    ]


def test_every_outcome_explains_itself_in_all_three_languages():
    for outcome in _all_outcomes():
        for lang in LANGS:
            text = explain(outcome, lang)
            assert "{" not in text and "}" not in text, (lang, text)
            lines = text.splitlines()
            assert len(lines) == len(outcome.trace) + 1
            for step in outcome.trace:
                assert step.rule in text
                assert step.article(lang)


def test_the_trace_covers_every_winner_rule_across_outcomes():
    seen = {step.rule for outcome in _all_outcomes() for step in outcome.trace}
    assert seen == {f"W.00{n}" for n in range(1, 9)}  # W.009 only with a withdrawal


def test_trace_steps_carry_the_confidence_of_their_rule_and_settings():
    ballot_2021 = law_version("rural-akim-2021")  # the 2021 rural ballots had the line
    outcome = determine_winner(totals({"a": 300, "b": 250}, against_all=10), ballot_2021)
    marks = {step.rule: step.confidence for step in outcome.trace}
    # Plurality is stated by the Akmola oblast commission chairman (apgazeta.kz, 2021).
    assert marks["W.001"] is Confidence.CONFIRMED
    assert marks["W.006"] is Confidence.UNCONFIRMED  # what follows no candidates: not found
    assert "W.001 (" in explain(outcome, "en")
    assert "[unconfirmed]" in explain(outcome, "en")
    assert "[расталмаған]" in explain(outcome, "kk")
    # An override is never shown as law.
    overridden = determine_winner(totals({"a": 300, "b": 250}), NO_LINE)
    assert {s.rule: s.confidence for s in overridden.trace}["W.005"] is Confidence.UNCONFIRMED


# --- withdrawal after the ballots were printed (art. 113-6) ----------------------------------


def test_marks_for_a_withdrawn_candidate_count_for_no_one():
    law = law_version("rural-akim-2023")
    # b withdrew after printing; 90 ballots marked for b were counted as invalid.
    outcome = determine_winner(
        OkrugTotals({"a": 300, "c": 200}, 10, 1000, 600, withdrawn={"b": 0}), law
    )
    assert isinstance(outcome, Elected) and outcome.candidate == "a"
    assert rules_of(outcome)[0] == "W.009"
    text = explain(outcome, "en")
    assert "Withdrew after the ballots were printed: b" in text
    assert "counted among the invalid ballots" in text
    assert "[unconfirmed]" in text.splitlines()[1]  # withdrawn_votes is a setting [?]


def test_a_withdrawal_that_leaves_one_candidate_applies_the_single_candidate_rule():
    law = law_version("rural-akim-2023").with_settings(withdrawn_votes="separate")
    outcome = determine_winner(OkrugTotals({"a": 240}, 30, 1000, 500, withdrawn={"b": 180}), law)
    # 240 of the 500 who took part is not more than half: a repeat election.
    assert isinstance(outcome, RepeatElection)
    assert outcome.reason is RepeatReason.SINGLE_CANDIDATE_BELOW_THRESHOLD
    assert rules_of(outcome)[:2] == ["W.009", "W.006"]
    assert "on the candidate's line" in explain(outcome, "en")
    for lang in LANGS:
        assert explain(outcome, lang)


def test_everyone_withdrawn_means_no_candidates():
    law = law_version("rural-akim-2023")
    outcome = determine_winner(OkrugTotals({}, 0, 100, 50, withdrawn={"b": 0}), law)
    assert isinstance(outcome, NoCandidates)


def test_a_withdrawn_candidate_cannot_also_be_standing():
    with pytest.raises(LawError) as raised:
        OkrugTotals({"a": 1}, None, 10, 1, withdrawn={"a": 0})
    assert raised.value.code == "L.002"


def test_summing_protocols_keeps_the_withdrawn_line_apart():
    protocols = [
        Protocol(
            station=f"s{n}", election="e", voters_on_list=500, ballots_received=500,
            ballots_issued=300, ballots_cancelled=200, ballots_in_boxes=300, invalid=20,
            votes={"a": 150, "c": 100, "b": 30},
        )
        for n in (1, 2)
    ]  # fmt: skip
    total = sum_protocols(protocols, ["a", "c"], withdrawn=["b"])
    assert dict(total.votes) == {"a": 300, "c": 200}
    assert dict(total.withdrawn) == {"b": 60}
    with pytest.raises(LawError) as raised:
        sum_protocols(protocols, ["a", "c"])
    assert raised.value.code == "L.013"


# --- properties ---------------------------------------------------------------------------

names = st.lists(st.from_regex(r"c[0-9]{1,3}", fullmatch=True), min_size=1, max_size=7, unique=True)


@st.composite
def okrug(draw_: st.DrawFn) -> tuple[dict[str, int], int | None]:
    candidates = draw_(names)
    votes = {c: draw_(st.integers(0, 60)) for c in candidates}
    against_all = draw_(st.one_of(st.none(), st.integers(0, 80)))
    return votes, against_all


@given(okrug(), st.randoms(use_true_random=False))
@settings(max_examples=300)
def test_the_outcome_does_not_depend_on_candidate_order(
    case: tuple[dict[str, int], int | None], rng: random.Random
):
    votes, against_all = case
    items = list(votes.items())
    rng.shuffle(items)
    law = RURAL_2023 if against_all is not None else RURAL_2021
    first = determine_winner(totals(votes, against_all), law)
    second = determine_winner(totals(dict(items), against_all), law)
    assert first == second
    assert explain(first, "kk") == explain(second, "kk")


@given(okrug(), st.integers(1, 60))
@settings(max_examples=300)
def test_a_tie_for_first_place_always_requires_lots_until_a_draw_is_supplied(
    case: tuple[dict[str, int], int | None], top: int
):
    votes, against_all = case
    assume(len(votes) >= 2)
    leaders = sorted(votes)[:2]
    votes = {c: min(v, top - 1) for c, v in votes.items()} | dict.fromkeys(leaders, top)
    law = RURAL_2023 if against_all is not None else RURAL_2021
    pending = determine_winner(totals(votes, against_all), law)
    assert isinstance(pending, LotsRequired)
    assert set(leaders) <= set(pending.tied)
    chosen = pending.tied[-1]
    decided = determine_winner(
        totals(votes, against_all), law, lot_draw=draw(tuple(reversed(pending.tied)), chosen)
    )
    assert isinstance(decided, Elected)
    assert decided.candidate == chosen and decided.lot_draw is not None


def _protocols(
    votes_per_station: list[dict[str, int]], against: list[int | None]
) -> list[Protocol]:
    protocols = []
    for number, (votes, against_all) in enumerate(zip(votes_per_station, against, strict=True)):
        in_boxes = sum(votes.values()) + (against_all or 0) + 2
        protocols.append(
            Protocol(
                station=f"st-{number}",
                election="el",
                voters_on_list=in_boxes + 100,
                ballots_received=in_boxes + 10,
                ballots_issued=in_boxes,
                ballots_cancelled=10,
                ballots_in_boxes=in_boxes,
                invalid=2,
                against_all=against_all,
                votes=votes,
            )
        )
    return protocols


@given(names, st.data(), st.booleans(), st.randoms(use_true_random=False))
@settings(max_examples=200)
def test_summing_protocols_in_any_order_gives_the_same_winner(
    candidates: list[str], data: st.DataObject, line: bool, rng: random.Random
):
    stations = data.draw(st.integers(1, 6))
    per_station = [{c: data.draw(st.integers(0, 40)) for c in candidates} for _ in range(stations)]
    against = [data.draw(st.integers(0, 10)) if line else None for _ in range(stations)]
    protocols = _protocols(per_station, against)
    law = RURAL_2023 if line else RURAL_2021
    shuffled = protocols[:]
    rng.shuffle(shuffled)
    reordered_candidates = candidates[:]
    rng.shuffle(reordered_candidates)
    first = sum_protocols(protocols, candidates)
    second = sum_protocols(shuffled, reordered_candidates)
    assert first == second
    assert determine_winner(first, law) == determine_winner(second, law)
    assert first.ballots_in_boxes == sum(p.ballots_in_boxes for p in protocols)


def test_sum_protocols_refuses_protocols_that_do_not_fit():
    protocols = _protocols([{"a": 1, "b": 2}], [None])
    with pytest.raises(LawError) as missing:
        sum_protocols(protocols, ["a", "b", "c"])
    assert missing.value.code == "L.012"
    with pytest.raises(LawError) as unknown:
        sum_protocols(protocols, ["a"])
    assert unknown.value.code == "L.013"
    mixed = _protocols([{"a": 1}, {"a": 2}], [None, 3])
    with pytest.raises(LawError) as line:
        sum_protocols(mixed, ["a"])
    assert line.value.code == "L.014"
    with pytest.raises(LawError) as twice:
        sum_protocols(protocols, ["a", "a", "b"])
    assert twice.value.code == "L.002"


def test_a_draw_time_in_another_zone_is_accepted():
    outcome = determine_winner(
        totals({"a": 5, "b": 5}),
        RURAL_2021,
        lot_draw=LotDraw(("a", "b"), "a", "chair", datetime(2021, 7, 26, 5, 0, tzinfo=UTC)),
    )
    assert isinstance(outcome, Elected)
