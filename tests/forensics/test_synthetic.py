"""The synthetic generator: valid protocols, determinism, labels, and each anomaly's effect."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau.datasets.synthetic import (
    DEFAULT_FRACTION,
    Anomaly,
    AnomalyKind,
    SyntheticElection,
    generate,
    parse_anomalies,
)
from saylau.forensics.methods import is_integer_percent
from saylau.law.catalogue import law_version
from saylau.law.protocol import check_protocol

anomaly_lists = st.lists(
    st.builds(
        Anomaly,
        st.sampled_from(list(AnomalyKind)),
        st.floats(min_value=0.0, max_value=1.0),
        st.floats(min_value=0.1, max_value=1.25),
    ),
    max_size=3,
)


def blocking_findings(election: SyntheticElection) -> list[tuple[str, str]]:
    law = law_version(election.law_version)
    if election.against_all_on_ballot is not None:
        law = law.with_settings(against_all_on_ballot=election.against_all_on_ballot)
    candidates = election.candidates_of
    okrug_of = election.okrug_of
    registered = {str(s["code"]): int(s["registered_voters"]) for s in election.stations}
    out = []
    for protocol in election.protocols:
        findings = check_protocol(
            protocol,
            candidates=candidates[okrug_of[protocol.station]],
            law=law,
            registered_voters=registered[protocol.station],
        )
        out += [(protocol.station, f.code) for f in findings if f.blocks]
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    okrugs=st.integers(min_value=1, max_value=12),
    stations=st.integers(min_value=1, max_value=5),
    anomalies=anomaly_lists,
    against_all=st.booleans(),
    turnout=st.floats(min_value=0.1, max_value=0.94),
)
def test_every_generated_protocol_passes_the_control_relations(
    seed: int,
    okrugs: int,
    stations: int,
    anomalies: list[Anomaly],
    against_all: bool,
    turnout: float,
) -> None:
    election = generate(
        seed,
        okrugs,
        stations,
        anomalies=anomalies,
        against_all=against_all,
        mean_turnout=turnout,
    )
    assert len(election.protocols) == okrugs * stations
    assert blocking_findings(election) == []
    for protocol in election.protocols:
        assert (protocol.against_all is not None) == against_all
        assert protocol.ballots_issued <= protocol.voters_on_list


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), anomalies=anomaly_lists)
def test_generation_is_deterministic_by_seed(seed: int, anomalies: list[Anomaly]) -> None:
    first = generate(seed, 5, 3, anomalies=anomalies)
    second = generate(seed, 5, 3, anomalies=anomalies)
    assert first == second


def test_different_seeds_differ() -> None:
    assert generate(1, 5, 3).protocols != generate(2, 5, 3).protocols


def test_anomalies_leave_the_other_stations_as_in_the_clean_election() -> None:
    clean = generate(11)
    dirty = generate(11, anomalies=[Anomaly(AnomalyKind.STUFFING), Anomaly(AnomalyKind.ROUNDING)])
    touched = set(dirty.truth)
    assert touched
    changed = 0
    for a, b in zip(clean.protocols, dirty.protocols, strict=True):
        if a.station not in touched:
            assert a == b
        else:
            changed += a != b
    # a rounded station may already have sat on integer percentages
    assert changed >= 0.95 * len(touched)
    assert clean.stations == dirty.stations and clean.candidates == dirty.candidates


def test_everything_is_labelled_synthetic() -> None:
    election = generate(4, 3, 2, anomalies=parse_anomalies("digits"))
    assert election.source["kind"] == "synthetic" and election.source["synthetic"] is True
    assert "seed 4" in str(election.source["citation"])
    assert "digits" in str(election.source["citation"])
    assert "synthetic" in election.names.en.lower()
    assert "синтетические" in election.names.ru.lower()
    assert "синтетикалық" in election.names.kk.lower()
    for rows in (election.districts, election.okrugs, election.stations, election.commissions):
        for row in rows:
            assert "Synthetic" in str(row["name_en"])
            assert "Синтетикалық" in str(row["name_kk"])
            assert "Синтетический" in str(row["name_ru"])
    assert all("Synthetic" in str(c["name"]) for c in election.candidates)


def test_default_size_and_turnout() -> None:
    election = generate(0)
    assert len(election.okrugs) == 60 and len(election.stations) == 240
    turnouts = [p.ballots_issued / p.voters_on_list for p in election.protocols]
    assert 0.62 < sum(turnouts) / len(turnouts) < 0.78


def test_stuffing_raises_turnout_and_the_leaders_votes() -> None:
    clean = {p.station: p for p in generate(21).protocols}
    dirty = generate(21, anomalies=[Anomaly(AnomalyKind.STUFFING)])
    stuffed = dirty.affected(AnomalyKind.STUFFING)
    assert len(stuffed) == round(DEFAULT_FRACTION[AnomalyKind.STUFFING] * 240)
    for protocol in dirty.protocols:
        if protocol.station in stuffed:
            before = clean[protocol.station]
            assert protocol.ballots_issued > before.ballots_issued
            assert max(protocol.votes.values()) > max(before.votes.values())


def test_rounding_puts_turnout_and_leader_share_on_integer_percentages() -> None:
    election = generate(8, anomalies=[Anomaly(AnomalyKind.ROUNDING, 0.5)])
    rounded = set(election.affected(AnomalyKind.ROUNDING))
    assert len(rounded) > 100
    leaders: dict[str, str] = {}
    totals: dict[str, dict[str, int]] = {}
    for p in election.protocols:
        okrug = totals.setdefault(election.okrug_of[p.station], {})
        for c, v in p.votes.items():
            okrug[c] = okrug.get(c, 0) + v
    for okrug, votes in totals.items():
        leaders[okrug] = max(votes, key=lambda c: votes[c])
    on_integer = 0
    for p in election.protocols:
        if p.station in rounded:
            assert is_integer_percent(p.ballots_issued, p.voters_on_list)
            valid = sum(p.votes.values()) + (p.against_all or 0)
            on_integer += is_integer_percent(p.votes[leaders[election.okrug_of[p.station]]], valid)
    # The rounded line is the intended leader; it is the okrug's leader almost always.
    assert on_integer >= 0.9 * len(rounded)


def test_digits_anomaly_changes_last_digits() -> None:
    clean = {p.station: p for p in generate(5).protocols}
    dirty = generate(5, anomalies=[Anomaly(AnomalyKind.DIGITS, 1.0)])
    changed = sum(
        1
        for p in dirty.protocols
        for c, v in p.votes.items()
        if v % 10 != clean[p.station].votes[c] % 10
    )
    assert changed > 400


def test_parse_anomalies() -> None:
    assert parse_anomalies(None) == []
    assert parse_anomalies("stuffing, rounding:0.3") == [
        Anomaly(AnomalyKind.STUFFING),
        Anomaly(AnomalyKind.ROUNDING, 0.3),
    ]
    with pytest.raises(ValueError):
        parse_anomalies("ballot-eating")
    with pytest.raises(ValueError):
        parse_anomalies("digits:1.5")


def test_generate_rejects_impossible_sizes() -> None:
    with pytest.raises(ValueError):
        generate(1, 0, 4)
    with pytest.raises(ValueError):
        generate(1, 4, 4, mean_turnout=0.99)
