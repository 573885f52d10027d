"""Every bad input is refused with its code and leaves the database unchanged.

"Unchanged" is checked on a dump of every table (the audit log included) before and after.
The one deliberate exception is a nomination after the deadline: it is a decision, so the
refusal (K.002) is recorded for appeal, but nothing else changes and the nominee is not on
the ballot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration import finance, nominations, protocols, recall, results
from saylau.administration.errors import AdminError
from saylau.security.actor import Actor, Role
from saylau.service import Saylau
from saylau.store.schema import NominationDecisionRow
from saylau.tabulate.aggregate import Level, tabulate

from .builders import ADMIN, ALMATY, candidate_row, candidates_content, dump, protocol, submit
from .conftest import ELECTION, OTHER

VOTES_A = {"t-ca1": 300, "t-ca2": 200}
DAY = dt.date(2025, 6, 1)
GOOD = protocol(ELECTION, "t-sa1", VOTES_A).model_dump()


def refused(
    service: Saylau, code: str, action: Callable[[Session], object], lang: str = "en"
) -> AdminError:
    before = dump(service)
    with pytest.raises(AdminError) as caught, service.transaction() as session:
        action(session)
    assert caught.value.code == code, caught.value
    assert caught.value.message(lang)
    assert dump(service) == before
    return caught.value


def submitting(payload: dict[str, object]) -> Callable[[Session], object]:
    """Parse and submit a raw payload, as the command line and the API do."""
    return lambda s: protocols.submit(s, ADMIN, protocols.parse(payload))


# --- unknown things ---------------------------------------------------------------------------


def test_unknown_okrug(world):
    unknown = candidate_row("t-cx", "t-nowhere")
    refused(
        world,
        "N.001",
        lambda s: nominations.nominate(s, ADMIN, ELECTION, candidates_content([unknown])),
    )
    # an okrug that exists, but not in this election
    elsewhere = candidate_row("t-cx", "t-oc")
    refused(
        world,
        "N.001",
        lambda s: nominations.nominate(s, ADMIN, ELECTION, candidates_content([elsewhere])),
    )
    refused(
        world,
        "R.001",
        lambda s: recall.record_step(
            s, ADMIN, okrug="t-nowhere", step=recall.Step.COUNCIL_REQUEST, date=DAY, body="c"
        ),
    )
    refused(world, "T.001", lambda s: results.certify(s, ADMIN, ELECTION, "t-nowhere"))
    refused(world, "T.001", lambda s: results.certify(s, ADMIN, ELECTION, "t-oc"))
    with world.transaction() as session:
        finance.allocate_budget(
            session, ADMIN, election=ELECTION, commission="t-da-tec", amount_tiyn=100, date=DAY
        )
    refused(
        world,
        "F.004",
        lambda s: finance.spend(
            s,
            ADMIN,
            election=ELECTION,
            commission="t-da-tec",
            item=finance.Item.OTHER,
            amount_tiyn=1,
            date=DAY,
            okrug="t-nowhere",
        ),
    )


def test_unknown_station_and_election(world):
    refused(world, "V.002", submitting({**GOOD, "station": "t-nowhere"}))
    refused(world, "S.004", submitting({**GOOD, "election": "t-nowhere"}))


def test_unknown_candidate(world):
    refused(
        world,
        "N.003",
        lambda s: nominations.redecide(s, ADMIN, "t-nobody", reason="r", corrections={}),
    )
    error = refused(world, "V.005", submitting({**GOOD, "votes": {**VOTES_A, "t-nobody": 0}}))
    assert [d["code"] for d in error.details] == ["P.109"]
    # a candidate of another okrug is just as unknown on this ballot
    error = refused(world, "V.005", submitting({**GOOD, "votes": {"t-ca1": 300, "t-cb1": 200}}))
    assert [d["code"] for d in error.details] == ["P.108", "P.109"]
    refused(
        world,
        "R.002",
        lambda s: recall.record_step(
            s,
            ADMIN,
            okrug="t-oa",
            step=recall.Step.COUNCIL_REQUEST,
            date=DAY,
            body="c",
            akim="t-nobody",
        ),
    )


def test_a_station_of_another_election(world):
    error = refused(world, "V.003", submitting({**GOOD, "station": "t-sc1"}))
    assert error.params == {"value": "t-sc1", "election": ELECTION}
    # the other election's own station is fine there
    result = submit(
        world, ADMIN, protocol(OTHER, "t-sc1", {"t-cc1": 300, "t-cc2": 100}, voters=700)
    )
    assert result.status == "accepted"


# --- malformed counts -------------------------------------------------------------------------


MALFORMED = [
    ("invalid", -1),
    ("ballots_issued", -500),
    ("voters_on_list", 12.5),
    ("invalid", "12.5"),
    ("ballots_in_boxes", "many"),
    ("invalid", None),
    ("invalid", True),
    ("ballots_cancelled", False),
    ("votes", {"t-ca1": -3, "t-ca2": 200}),
    ("votes", {"t-ca1": 300.5, "t-ca2": 200}),
    ("votes", {"t-ca1": True, "t-ca2": 200}),
    ("votes", {"t-ca1": "300 votes", "t-ca2": 200}),
]


def test_negative_or_non_integer_counts(world):
    for field, value in MALFORMED:
        error = refused(world, "V.001", submitting({**GOOD, field: value}))
        assert error.details, (field, value)
        assert all(d["code"] == "V.001" for d in error.details), (field, value)
        named = {f for d in error.details for f in d["fields"]}  # type: ignore[attr-defined]
        assert any(f == field or f.startswith(f"{field}.") or f == "protocol" for f in named)


def test_every_malformed_field_is_named(world):
    payload = {**GOOD, "invalid": -1, "against_all": True, "votes": {"t-ca1": "x", "t-ca2": 1}}
    error = refused(world, "V.001", submitting(payload))
    fields = {f for d in error.details for f in d["fields"]}  # type: ignore[attr-defined]
    assert {"invalid", "against_all", "votes.t-ca1"} <= fields
    assert error.params["count"] == len(error.details)


def test_counts_exceeding_the_registered_voters(world):
    # t-sa1 has 1,000 registered voters, and the list on polling day says so too.
    too_many = protocol(ELECTION, "t-sa1", {"t-ca1": 700, "t-ca2": 400}, voters=1000)
    error = refused(world, "V.005", lambda s: protocols.submit(s, ADMIN, too_many))
    assert {d["code"] for d in error.details} == {"P.104", "P.105"}
    in_boxes = next(d for d in error.details if d["code"] == "P.105")
    assert "ballots_in_boxes" in in_boxes["fields"]  # type: ignore[operator]


def test_a_list_far_above_the_registered_voters_is_held_and_does_not_count(world):
    """A list inflated beyond the registered voters is no control relation (voters may be
    added on polling day) but a warning, P.206: the protocol is held, not counted."""
    inflated = protocol(ELECTION, "t-sa1", {"t-ca1": 700, "t-ca2": 400}, voters=1300)
    with world.session() as session:
        before = tabulate(session, ELECTION, Level.OKRUG)
    result = submit(world, ADMIN, inflated)
    assert (result.status, result.warnings) == ("held", ("P.206",))
    with world.session() as session:
        assert tabulate(session, ELECTION, Level.OKRUG) == before


# --- corrections, nominations, money ------------------------------------------------------------


def test_a_second_protocol_needs_a_correction_reason(world):
    submit(world, ADMIN, protocol(ELECTION, "t-sa1", VOTES_A))
    for reason in (None, "", "   "):
        again = protocol(ELECTION, "t-sa1", {"t-ca1": 290, "t-ca2": 210}, reason=reason)
        error = refused(world, "V.004", lambda s, p=again: protocols.submit(s, ADMIN, p))
        assert error.params == {"station": "t-sa1", "version": 1}


def test_a_held_correction_does_not_excuse_the_next_entry_from_a_reason(world):
    submit(world, ADMIN, protocol(ELECTION, "t-sa1", VOTES_A))
    held = submit(world, ADMIN, protocol(ELECTION, "t-sa1", VOTES_A, invalid=100, reason="recount"))
    assert (held.version, held.status) == (2, "held")
    again = protocol(ELECTION, "t-sa1", {"t-ca1": 290, "t-ca2": 210})
    refused(world, "V.004", lambda s: protocols.submit(s, ADMIN, again))


def test_a_nomination_after_its_deadline_is_refused_and_never_on_the_ballot(world):
    # rural-akim-2023, polling day 2025-07-20: nomination closes 2025-06-24 18:00 (+05:00)
    late = candidate_row(
        "t-late", "t-oa", nominated_at=dt.datetime(2025, 6, 24, 18, 0, tzinfo=ALMATY)
    )
    before = dump(world)
    with world.transaction() as session:
        [decision] = nominations.nominate(session, ADMIN, ELECTION, candidates_content([late]))
    assert decision.decision == "refused"
    assert [f.code for f in decision.findings] == ["K.002"]
    after = dump(world)
    recorded = {"candidate", "nomination_decision", "audit_log", "checkpoint"}
    assert {k: v for k, v in after.items() if k not in recorded} == {
        k: v for k, v in before.items() if k not in recorded
    }
    for table in recorded:
        assert len(after[table]) == len(before[table]) + 1, table
    with world.session() as session:
        assert nominations.registered_candidates(session, "t-2025:t-oa") == ["t-ca1", "t-ca2"]
    # the ballot does not have them: a protocol giving them votes is rejected
    error = refused(world, "V.005", submitting({**GOOD, "votes": {**VOTES_A, "t-late": 5}}))
    assert [d["code"] for d in error.details] == ["P.103", "P.109"]
    # one minute earlier is in time
    with world.transaction() as session:
        [ok] = nominations.nominate(
            session,
            ADMIN,
            ELECTION,
            candidates_content(
                [
                    candidate_row(
                        "t-early",
                        "t-oa",
                        nominated_at=dt.datetime(2025, 6, 24, 17, 59, tzinfo=ALMATY),
                    )
                ]
            ),
        )
    assert ok.decision == "registered"


def test_a_nomination_file_is_all_or_nothing(world):
    rows = [candidate_row("t-cx", "t-oa"), candidate_row("t-ca1", "t-oa")]  # t-ca1 exists
    refused(
        world, "N.002", lambda s: nominations.nominate(s, ADMIN, ELECTION, candidates_content(rows))
    )
    refused(
        world,
        "N.001",
        lambda s: nominations.nominate(s, ADMIN, "t-nowhere", candidates_content(rows[:1])),
    )


def test_bad_re_decisions(world):
    refused(
        world,
        "N.004",
        lambda s: nominations.redecide(s, ADMIN, "t-ca2", reason=" ", corrections={}),
    )
    error = refused(
        world,
        "N.005",
        lambda s: nominations.redecide(
            s, ADMIN, "t-ca2", reason="r", corrections={"voters_in_okrug": 1}
        ),
    )
    assert error.params["value"] == "voters_in_okrug"
    with world.session() as session:
        count = len(list(session.scalars(select(NominationDecisionRow))))
    assert count == 6


def test_spending_beyond_the_allocation(world):
    def spend(amount: int) -> Callable[[Session], object]:
        return lambda s: finance.spend(
            s,
            ADMIN,
            election=ELECTION,
            commission="t-da-tec",
            item=finance.Item.BALLOTS,
            amount_tiyn=amount,
            date=DAY,
        )

    refused(world, "F.005", spend(1))  # nothing allocated yet
    with world.transaction() as session:
        finance.allocate_budget(
            session, ADMIN, election=ELECTION, commission="t-da-tec", amount_tiyn=1_000, date=DAY
        )
    with world.transaction() as session:
        spend(600)(session)
    error = refused(world, "F.005", spend(401))
    assert error.params == {"value": "4.01", "allocated": "10.00", "spent": "6.00"}  # tenge
    with world.transaction() as session:
        spend(400)(session)  # exactly the rest is fine
    refused(world, "F.005", spend(1))
    refused(world, "F.003", spend(0))
    refused(world, "F.003", spend(-5))
    # another commission's allocation does not pay for this one
    with world.transaction() as session:
        finance.allocate_budget(
            session, ADMIN, election=ELECTION, commission="t-db-tec", amount_tiyn=9_999, date=DAY
        )
    refused(world, "F.005", spend(1))
    # only a territorial commission disposes of funds; unknown commissions are refused
    refused(
        world,
        "F.002",
        lambda s: finance.allocate_budget(
            s, ADMIN, election=ELECTION, commission="t-sa1-pec", amount_tiyn=1, date=DAY
        ),
    )
    refused(
        world,
        "F.001",
        lambda s: finance.allocate_budget(
            s, ADMIN, election=ELECTION, commission="t-none", amount_tiyn=1, date=DAY
        ),
    )
    refused(
        world,
        "S.004",
        lambda s: finance.allocate_budget(
            s, ADMIN, election="t-none", commission="t-da-tec", amount_tiyn=1, date=DAY
        ),
    )
    with world.session() as session:
        lines = {(line.scope, line.key): line for line in finance.report(session, ELECTION)}
    assert lines[("commission", "t-da-tec")].spent_tiyn == 1_000
    assert lines[("election", ELECTION)].allocated_tiyn == 10_999


# --- lots, certification and recall -------------------------------------------------------------


def test_bad_draws_and_certifications(world):
    tie = {"t-ca1": 250, "t-ca2": 250}
    at = dt.datetime(2025, 7, 22, 11, tzinfo=ALMATY)

    def draw(
        winner: str = "t-ca1", when: dt.datetime = at, witnesses: tuple[str, ...] = ("w",)
    ) -> Callable[[Session], object]:
        return lambda s: results.record_lot_draw(
            s,
            ADMIN,
            election=ELECTION,
            okrug="t-oa",
            winner=winner,
            drawn_by="chair",
            drawn_at=when,
            witnesses=list(witnesses),
        )

    submit(world, ADMIN, protocol(ELECTION, "t-sa1", tie))
    refused(world, "T.007", lambda s: results.certify(s, ADMIN, ELECTION, "t-oa"))
    refused(world, "T.003", draw())  # incomplete: no tie yet
    submit(world, ADMIN, protocol(ELECTION, "t-sa2", tie, voters=800))
    refused(world, "T.008", lambda s: results.certify(s, ADMIN, ELECTION, "t-oa"))
    refused(world, "T.004", draw("t-cb1"))
    refused(world, "T.005", draw(when=at.replace(tzinfo=None)))
    refused(world, "T.006", draw(witnesses=()))
    refused(
        world,
        "T.003",
        lambda s: results.record_lot_draw(
            s,
            ADMIN,
            election=ELECTION,
            okrug="t-ob",
            winner="t-cb1",
            drawn_by="c",
            drawn_at=at,
            witnesses=["w"],
        ),
    )


def test_recall_steps_out_of_order(world):
    step = recall.Step

    def record(
        kind: recall.Step,
        day: dt.date,
        outcome: recall.Outcome | None = None,
        by: str | None = None,
    ) -> Callable[[Session], object]:
        return lambda s: recall.record_step(
            s, ADMIN, okrug="t-oa", step=kind, date=day, body="b", outcome=outcome, by_election=by
        )

    refused(world, "R.004", record(step.MASLIKHAT_DECISION, DAY, recall.Outcome.REMOVED))
    refused(world, "R.004", record(step.BY_ELECTION_CALLED, DAY, by=OTHER))
    refused(world, "R.004", record(step.EARLY_TERMINATION, DAY, recall.Outcome.REMOVED))
    refused(world, "R.005", record(step.EARLY_TERMINATION, DAY))
    with world.transaction() as session:
        record(step.COUNCIL_REQUEST, DAY)(session)
    refused(
        world,
        "R.003",
        record(step.MASLIKHAT_DECISION, DAY - dt.timedelta(days=1), recall.Outcome.REMOVED),
    )
    refused(world, "R.005", record(step.MASLIKHAT_DECISION, DAY, recall.Outcome.RESIGNATION))
    with world.transaction() as session:
        record(step.MASLIKHAT_DECISION, DAY, recall.Outcome.REJECTED)(session)
    refused(world, "R.004", record(step.EARLY_TERMINATION, DAY, recall.Outcome.REMOVED))
    # a resignation needs no maslikhat decision
    with world.transaction() as session:
        record(step.EARLY_TERMINATION, DAY, recall.Outcome.RESIGNATION)(session)
    refused(world, "R.006", record(step.BY_ELECTION_CALLED, DAY, by="t-not-yet"))
    refused(world, "R.006", record(step.BY_ELECTION_CALLED, DAY))
    with world.transaction() as session:
        record(step.BY_ELECTION_CALLED, DAY, by=OTHER)(session)
    with world.session() as session:
        assert [s.step for s in recall.steps(session, "t-oa")] == [
            "council_request",
            "maslikhat_decision",
            "early_termination",
            "by_election_called",
        ]


def test_an_unknown_election_everywhere(world):
    refused(
        world,
        "N.001",
        lambda s: nominations.nominate(
            s, ADMIN, "t-none", candidates_content([candidate_row("t-cx", "t-oa")])
        ),
    )
    refused(world, "S.004", lambda s: results.certify(s, ADMIN, "t-none", "t-oa"))
    refused(
        world,
        "S.004",
        lambda s: finance.spend(
            s,
            ADMIN,
            election="t-none",
            commission="t-da-tec",
            item=finance.Item.OTHER,
            amount_tiyn=1,
            date=DAY,
        ),
    )


def test_a_refused_entry_by_one_operator_does_not_block_the_next(world):
    operator = Actor("op", Role.OPERATOR, "t-oa")
    bad = {**GOOD, "ballots_received": 1}
    refused(world, "V.005", submitting(bad))
    assert submit(world, operator, protocol(ELECTION, "t-sa1", VOTES_A)).status == "accepted"
