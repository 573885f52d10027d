"""Outcomes through the service layer: lots, the against-all setting, certification, appeals."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from saylau.administration import lawctx, nominations, results
from saylau.administration.errors import AdminError
from saylau.law.catalogue import LawVersion
from saylau.law.winner import Elected, LotsRequired, RepeatElection, RepeatReason
from saylau.service import Saylau
from saylau.store.audit import canonical_json, verify_chain
from saylau.store.schema import NominationDecisionRow

from .builders import (
    ADMIN,
    ALMATY,
    Okrug,
    candidate_row,
    candidates_content,
    create,
    protocol,
    submit,
)
from .conftest import ELECTION

TIE = {"t-ca1": 250, "t-ca2": 250}
DRAWN_AT = dt.datetime(2025, 7, 22, 11, 0, tzinfo=ALMATY)


def tie_in_okrug_a(service: Saylau) -> None:
    submit(service, ADMIN, protocol(ELECTION, "t-sa1", TIE))
    submit(service, ADMIN, protocol(ELECTION, "t-sa2", TIE, voters=800))


def test_a_tie_waits_for_the_recorded_draw(world):
    tie_in_okrug_a(world)
    with world.session() as session:
        outcome = results.okrug_result(session, ELECTION, "t-oa").outcome
    assert isinstance(outcome, LotsRequired)
    assert outcome.tied == ("t-ca1", "t-ca2")
    with world.transaction() as session:
        results.record_lot_draw(
            session,
            ADMIN,
            election=ELECTION,
            okrug="t-oa",
            winner="t-ca2",
            drawn_by="TEC chair",
            drawn_at=DRAWN_AT,
            witnesses=["observer 1", "observer 2"],
        )
    with world.session() as session:
        result = results.okrug_result(session, ELECTION, "t-oa")
        record = results.result_record(session, result)
    assert isinstance(result.outcome, Elected)
    assert result.outcome.candidate == "t-ca2"
    assert result.outcome.trace[-1].rule == "W.002"
    draw = result.outcome.lot_draw
    assert draw is not None
    # The moment survives the database (SQLite stores no offset) and reads back the same,
    # in the commissions' zone, on every backend: the fingerprinted record does not depend on it.
    assert draw.drawn_at == DRAWN_AT
    assert draw.drawn_at.utcoffset() == dt.timedelta(hours=5)
    assert record["lot_draw"] == {
        "tied": ["t-ca1", "t-ca2"],
        "winner": "t-ca2",
        "drawn_by": "TEC chair",
        "drawn_at": "2025-07-22T11:00:00+05:00",
        "witnesses": ["observer 1", "observer 2"],
    }
    with pytest.raises(AdminError) as caught, world.transaction() as session:
        results.record_lot_draw(
            session,
            ADMIN,
            election=ELECTION,
            okrug="t-oa",
            winner="t-ca1",
            drawn_by="again",
            drawn_at=DRAWN_AT,
            witnesses=["w"],
        )
    assert caught.value.code == "T.003"


def test_certification_fingerprints_the_canonical_record(world):
    tie_in_okrug_a(world)
    with world.transaction() as session:
        results.record_lot_draw(
            session,
            ADMIN,
            election=ELECTION,
            okrug="t-oa",
            winner="t-ca1",
            drawn_by="TEC chair",
            drawn_at=DRAWN_AT,
            witnesses=["w"],
        )
        row = results.certify(session, ADMIN, ELECTION, "t-oa")
    assert len(row.sha256) == 64 and int(row.sha256, 16) >= 0
    record = json.loads(row.record)
    assert row.record == canonical_json(record)
    assert row.sha256 == hashlib.sha256(row.record.encode("utf-8")).hexdigest()
    assert (row.outcome, row.winner) == ("elected", "t-ca1")
    assert record["lot_draw"]["winner"] == "t-ca1"
    assert record["trace"][-1] == "W.002"
    with world.transaction() as session:
        again = results.certify(session, ADMIN, ELECTION, "t-oa")
    assert again.sha256 == row.sha256  # the same data give the same fingerprint
    with world.session() as session:
        assert results.certification(session, ELECTION, "t-oa").id == again.id
        assert verify_chain(session) == []


def test_a_repeat_election_is_certified_as_such(service):
    with service.transaction() as session:
        create(session, "t-single", [Okrug("t-os", "t-ds", {"t-ss1": 1000}, ["t-cs1"])])
    # exactly half of those who took part is not more than half
    submit(
        service, ADMIN, protocol("t-single", "t-ss1", {"t-cs1": 300}, against_all=290, invalid=10)
    )
    with service.transaction() as session:
        row = results.certify(session, ADMIN, "t-single", "t-os")
    record = json.loads(row.record)
    assert (row.outcome, row.winner) == ("repeat_election", None)
    assert record["repeat"] == {
        "reason": "single_candidate_below_threshold",
        "pool": "open",
        "excluded": [],
    }


@pytest.mark.parametrize(
    ("effect", "expected"),
    [("informational", "elected"), ("repeat_if_leads", "repeat_election")],
)
def test_against_all_leading_under_each_setting(world, monkeypatch, effect, expected):
    """The law version decides (default informational); saylau stores no per-election
    override of ``against_all_effect``, so the what-if is made on the law version itself."""
    original = lawctx.law_for

    def law_with_effect(session, election) -> LawVersion:
        law = original(session, election)
        if law.against_all_effect.value == effect:
            return law
        return law.with_settings(against_all_effect=effect)

    monkeypatch.setattr(results, "law_for", law_with_effect)
    votes = {"t-cb1": 250, "t-cb2": 150}
    submit(
        world, ADMIN, protocol(ELECTION, "t-sb1", votes, voters=900, against_all=400, invalid=20)
    )
    with world.transaction() as session:
        result = results.okrug_result(session, ELECTION, "t-ob")
        row = results.certify(session, ADMIN, ELECTION, "t-ob")
    assert row.outcome == expected
    steps = [s.rule for s in result.outcome.trace]
    assert "W.005" in steps
    if expected == "elected":
        assert isinstance(result.outcome, Elected) and result.outcome.candidate == "t-cb1"
    else:
        assert isinstance(result.outcome, RepeatElection)
        assert result.outcome.reason is RepeatReason.AGAINST_ALL_LEADS
        assert result.outcome.trace[-2].confidence.value == "unconfirmed"


def test_an_appeal_is_decided_again_and_the_first_decision_stays(service):
    with service.transaction() as session:
        create(session, "t-appeal", [Okrug("t-op", "t-dp", {"t-sp1": 3600}, [])])
        [first] = nominations.nominate(
            session,
            ADMIN,
            "t-appeal",
            candidates_content([candidate_row("t-cp1", "t-op", signatures=20)]),
        )
    assert (first.decision, [f.code for f in first.findings]) == ("refused", ["E.007"])
    assert first.findings[0].params["required"] == 36
    with service.transaction() as session:
        second = nominations.redecide(
            session, ADMIN, "t-cp1", reason="appeal upheld", corrections={"signatures": 41}
        )
    assert (second.decision, second.findings) == ("registered", ())
    with service.session() as session:
        rows = session.query(NominationDecisionRow).order_by(NominationDecisionRow.id).all()
        assert [(r.decision, r.appeal_of, r.reason) for r in rows] == [
            ("refused", None, None),
            ("registered", first.decision_id, "appeal upheld"),
        ]
        assert json.loads(rows[1].facts)["signatures"] == 41
        assert nominations.registered_candidates(session, "t-appeal:t-op") == ["t-cp1"]
