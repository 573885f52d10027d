"""The second pass of the law in the service layer, on SQLite and PostgreSQL: calling an
election by its ground, extensions of nomination, withdrawals and their consequences, home
voting, nomination by the higher akim and the cost of an election. Every refusal names its
rule and leaves the stored data exactly as it was."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from saylau.administration import finance, nominations, protocols, results, setup, steps
from saylau.administration.errors import AdminError
from saylau.domain import ElectionType, Names
from saylau.law.calendar import CalendarEventCode, Ground, GroundKind, event
from saylau.law.winner import Elected, RepeatElection
from saylau.service import Saylau
from saylau.store.schema import AuditRow, ElectionSetupRow
from saylau.tabulate.aggregate import Level, tabulate

from .builders import (
    ADMIN,
    ALMATY,
    Okrug,
    candidate_row,
    candidates_content,
    create,
    dump,
    protocol,
    setup_content,
    submit,
)

NAMES = Names(kk="Сынақ (синтетикалық)", ru="Тест (синтетические)", en="Test (synthetic)")
E = "t-steps-2025"
OKRUG_ONE = Okrug("t-o1", "t-d1", {"t-s1": 1000}, ["t-p1"], {"t-p1": "amanat"})
OKRUG_TWO = Okrug("t-o2", "t-d1", {"t-s2": 800, "t-s3": 400}, ["t-q1", "t-q2", "t-q3"])


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=ALMATY)  # type: ignore[misc]


def call(session, code: str, **changes: object) -> None:  # type: ignore[no-untyped-def]
    arguments: dict[str, object] = {
        "code": code,
        "type": ElectionType.RURAL_AKIM,
        "date": dt.date(2025, 7, 20),
        "law_version": "rural-akim-2023",
        "names": NAMES,
        "territory": "KZ-15",
        "synthetic": True,
        "ground": Ground(GroundKind.TERM_END, dt.date(2025, 7, 30)),
        "called_on": dt.date(2025, 6, 1),
    }
    arguments.update(changes)
    setup.create_election(session, ADMIN, **arguments)  # type: ignore[arg-type]


@pytest.fixture
def called(service: Saylau) -> Saylau:
    """Election t-steps-2025, called 1 Jun 2025 for 20 Jul (term ends 30 Jul): okrug t-o1
    with one candidate, t-o2 with three."""
    with service.transaction() as session:
        call(session, E)
        setup.load_setup(session, ADMIN, E, setup_content([OKRUG_ONE, OKRUG_TWO]))
        rows = [
            candidate_row("t-p1", "t-o1", party="amanat"),
            *(candidate_row(c, "t-o2") for c in ("t-q1", "t-q2", "t-q3")),
        ]
        nominations.nominate(session, ADMIN, E, candidates_content(rows))
    return service


def refused(service: Saylau, code: str, action) -> AdminError:  # type: ignore[no-untyped-def]
    before = dump(service)
    with pytest.raises(AdminError) as raised, service.transaction() as session:
        action(session)
    assert raised.value.code == code, raised.value
    assert dump(service) == before
    return raised.value


# --- the call -------------------------------------------------------------------------------


def test_the_real_2021_call_is_accepted_and_its_ground_stored(service: Saylau):
    with service.transaction() as session:
        call(
            session,
            "t-real-2021",
            date=dt.date(2021, 7, 25),
            law_version="rural-akim-2021",
            ground=Ground(GroundKind.TERM_END, dt.date(2021, 8, 4)),
            called_on=dt.date(2021, 6, 25),
        )
    with service.session() as session:
        row = session.get(ElectionSetupRow, "t-real-2021")
        assert row is not None
        assert (row.ground, row.ground_date, row.called_on) == (
            "term_end",
            dt.date(2021, 8, 4),
            dt.date(2021, 6, 25),
        )
        events, _ = steps.base_calendar(session, "t-real-2021")
        assert event(events, CalendarEventCode.CALL).deadline == dt.date(2021, 6, 25)
        audit = session.scalars(select(AuditRow).where(AuditRow.action == "election.create"))
        payload = json.loads(list(audit)[-1].payload)
        assert payload["ground"] == "term_end" and payload["called_on"] == "2021-06-25"


def test_a_late_call_is_refused_naming_the_window_and_its_source(service: Saylau):
    error = refused(
        service,
        "S.005",
        lambda s: call(s, "t-late", called_on=dt.date(2025, 6, 21)),
    )
    assert error.field == "called_on"
    (detail,) = error.details
    assert detail["code"] == "K.001"
    assert "20 Jun 2025" in str(detail["message"])
    assert "40 days before the term ends" in str(detail["message"])
    assert "7/411" in str(detail["source"])
    assert "113-1" in str(detail["reference"])


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"ground": Ground(GroundKind.TERM_END, dt.date(2025, 7, 10))}, "after the incumbent's"),
        (
            {"ground": Ground(GroundKind.EARLY_TERMINATION, dt.date(2025, 6, 5))},
            "after the election was called",
        ),
    ],
)
def test_dates_that_contradict_the_ground_are_refused(service: Saylau, changes, text):
    error = refused(service, "S.005", lambda s: call(s, "t-bad", **changes))
    assert "K.009" in [d["code"] for d in error.details]
    assert any(text in str(d["message"]) for d in error.details)
    assert error.message("kk") and error.message("ru")


def test_the_law_version_must_be_in_force_on_the_day_of_the_call(service: Saylau):
    error = refused(
        service,
        "S.005",
        lambda s: call(
            s,
            "t-old-law",
            date=dt.date(2023, 9, 17),
            law_version="rural-akim-2021",
            ground=Ground(GroundKind.TERM_END, dt.date(2023, 9, 18)),
            called_on=dt.date(2023, 8, 9),
        ),
    )
    assert [d["code"] for d in error.details] == ["K.012"]
    assert "rural-akim-2023" in str(error.details[0]["message"])
    assert setup.law_version_for(ElectionType.RURAL_AKIM, dt.date(2023, 8, 9)) == "rural-akim-2023"
    assert setup.law_version_for(ElectionType.RURAL_AKIM, dt.date(2021, 6, 25)) == "rural-akim-2021"


def test_an_election_without_a_ground_keeps_working(world: Saylau):
    with world.session() as session:
        events, _ = steps.base_calendar(session, "t-2025")
        assert event(events, CalendarEventCode.CALL).deadline is None


# --- too few candidates: the extension ----------------------------------------------------


def test_nomination_opens_the_day_after_the_call(called: Saylau):
    with called.transaction() as session:
        [decision] = nominations.nominate(
            session,
            ADMIN,
            E,
            candidates_content([candidate_row("t-early", "t-o1", nominated_at=at(2025, 6, 1, 9))]),
        )
    assert decision.decision == "refused"
    assert [f.code for f in decision.findings] == ["K.002"]


def test_an_extension_when_one_candidate_stands_and_the_nomination_checks_follow(called: Saylau):
    with called.session() as session:
        states = {s.okrug: s for s in steps.standings(session, E, at(2025, 6, 25, 9))}
    assert states["t-o1"].state is steps.OkrugState.TOO_FEW
    assert states["t-o2"].state is steps.OkrugState.ENOUGH
    assert (states["t-o1"].minimum, states["t-o1"].max_days) == (2, 5)

    def extend(days: int, okrug: str = "t-o1", when: dt.datetime | None = None):
        when = when or at(2025, 6, 25, 10)
        return lambda s: steps.extend_nomination(
            s, ADMIN, election=E, okrug=okrug, days=days, decided_at=when, document="TEC 4/1"
        )

    error = refused(called, "S.006", extend(6))
    assert "1 to 5" in str(error.details[0]["message"])
    assert "aktobe-khobda" in str(error.details[0]["source"])
    assert "3 candidate(s) stand" in str(refused(called, "S.006", extend(3, "t-o2")).details[0])
    refused(called, "S.006", extend(3, when=at(2025, 6, 24, 12)))  # nomination still open
    with called.transaction() as session:
        extend(3)(session)
    refused(called, "S.006", extend(1))  # already extended
    with called.session() as session:
        calendar = steps.okrug_calendar(session, E, "t-o1")
        assert event(calendar, CalendarEventCode.NOMINATION_EXTENDED).deadline == at(
            2025, 6, 27, 18
        )
        assert event(calendar, CalendarEventCode.REGISTRATION).deadline == at(2025, 7, 2, 18)
        states = {s.okrug: s for s in steps.standings(session, E)}
        assert states["t-o1"].state is steps.OkrugState.EXTENDED
        actions = [r.action for r in session.scalars(select(AuditRow))]
        assert "nomination.extend" in actions
    late = dict(nominated_at=at(2025, 6, 26, 11))
    with called.transaction() as session:
        decisions = nominations.nominate(
            session,
            ADMIN,
            E,
            candidates_content(
                [candidate_row("t-p2", "t-o1", **late), candidate_row("t-q4", "t-o2", **late)]
            ),
        )
    assert {d.candidate: d.decision for d in decisions} == {"t-p2": "registered", "t-q4": "refused"}
    refused_q4 = next(d for d in decisions if d.candidate == "t-q4")
    assert [f.code for f in refused_q4.findings] == ["K.002"]


# --- withdrawal ---------------------------------------------------------------------------


def withdraw(candidate: str, when: dt.datetime, printed: bool = False):  # type: ignore[no-untyped-def]
    return lambda s: steps.withdraw(
        s, ADMIN, candidate=candidate, applied_at=when, ballots_printed=printed,
        document="written application (synthetic)",
    )  # fmt: skip


def test_a_withdrawal_cancels_the_registration_and_reopens_the_extension(called: Saylau):
    with called.transaction() as session:
        withdraw("t-q3", at(2025, 6, 26, 9))(session)
        withdraw("t-q2", at(2025, 7, 1, 9))(session)
    with called.session() as session:
        assert nominations.registered_candidates(session, f"{E}:t-o2") == ["t-q1"]
        state = {s.okrug: s for s in steps.standings(session, E)}["t-o2"]
        assert state.state is steps.OkrugState.TOO_FEW
        assert state.withdrawn == ("t-q3", "t-q2")
    refused(called, "S.007", withdraw("t-q2", at(2025, 7, 2, 9)))  # already withdrawn
    error = refused(called, "S.007", withdraw("t-q1", at(2025, 7, 20, 9)))  # polling day
    assert "after the last day" in str(error.details[0]["message"])
    refused(
        called,
        "N.006",
        lambda s: nominations.redecide(s, ADMIN, "t-q2", reason="appeal", corrections={}),
    )
    # The withdrawal on 1 Jul came after nomination closed: the extension counts from it.
    with called.transaction() as session:
        steps.extend_nomination(
            session, ADMIN, election=E, okrug="t-o2", days=2, decided_at=at(2025, 7, 1, 15)
        )
    with called.session() as session:
        calendar = steps.okrug_calendar(session, E, "t-o2")
        assert event(calendar, CalendarEventCode.NOMINATION_EXTENDED).deadline == at(
            2025, 7, 3, 18
        )
    # The votes of a candidate withdrawn before the ballots were printed are no one's line.
    result = None
    try:
        submit(called, ADMIN, protocol(E, "t-s2", {"t-q1": 300, "t-q2": 5}, voters=800))
    except AdminError as exc:
        result = exc
    assert result is not None and "P.109" in [d["code"] for d in result.details]


def test_a_withdrawal_after_the_ballots_were_printed(called: Saylau):
    with called.transaction() as session:
        withdraw("t-q3", at(2025, 7, 15, 9), printed=True)(session)
    # Marks for t-q3 are invalid by default: a count on the line is refused (P.110) ...
    with pytest.raises(AdminError) as raised:
        counted = protocol(E, "t-s2", {"t-q1": 300, "t-q2": 200, "t-q3": 40}, voters=800)
        submit(called, ADMIN, counted)
    assert [d["code"] for d in raised.value.details] == ["P.110"]
    # ... zero or no count is accepted, the marks being among the invalid ballots.
    zero = protocol(E, "t-s2", {"t-q1": 300, "t-q2": 200, "t-q3": 0}, invalid=25, voters=800)
    assert submit(called, ADMIN, zero).status == "accepted"
    none = protocol(E, "t-s3", {"t-q1": 100, "t-q2": 120}, invalid=10, voters=400)
    assert submit(called, ADMIN, none).status == "accepted"
    with called.session() as session:
        result = results.okrug_result(session, E, "t-o2")
        assert result.candidates == ("t-q1", "t-q2") and result.withdrawn == ("t-q3",)
        assert isinstance(result.outcome, Elected) and result.outcome.candidate == "t-q1"
        assert result.outcome.trace[0].rule == "W.009"
        record = results.result_record(session, result)
        assert record["withdrawn"] == [
            {"code": "t-q3", "name": "Candidate t-q3 (synthetic)", "marks": 0}
        ]


# --- home voting ------------------------------------------------------------------------------


def test_home_voting_is_checked_and_tabulated_and_old_protocols_stay_valid(world: Saylau):
    split = protocol("t-2025", "t-sa1", {"t-ca1": 400, "t-ca2": 300}, extra_issued=2)
    in_boxes = split.ballots_in_boxes
    good = split.model_copy(
        update={
            "ballots_issued_in_station": split.ballots_issued - 45,
            "ballots_issued_outside": 45,
            "ballots_in_stationary_boxes": in_boxes - 44,
            "ballots_in_portable_boxes": 44,
        }
    )
    bad = good.model_copy(update={"ballots_in_portable_boxes": 50})
    with pytest.raises(AdminError) as raised:
        submit(world, ADMIN, bad)
    assert {d["code"] for d in raised.value.details} == {"P.112", "P.113"}
    assert submit(world, ADMIN, good).status == "accepted"
    plain = protocol("t-2025", "t-sa2", {"t-ca1": 200, "t-ca2": 250}, voters=800)
    assert submit(world, ADMIN, plain).status == "accepted"
    with world.session() as session:
        [okrug] = [t for t in tabulate(session, "t-2025", Level.OKRUG) if t.unit == "t-oa"]
        assert okrug.stations_with_split == 1
        assert (okrug.ballots_issued_outside, okrug.ballots_in_portable_boxes) == (45, 44)
        record = results.result_record(session, results.okrug_result(session, "t-2025", "t-oa"))
        assert record["home_voting"]["ballots_issued_outside"] == 45  # type: ignore[index]
        [other] = [t for t in tabulate(session, "t-2025", Level.OKRUG) if t.unit == "t-ob"]
        assert other.stations_with_split == 0 and other.ballots_issued_outside is None
        entry = protocols.entries(session, "t-2025", "accepted")[0]
        assert json.loads(entry.values)["ballots_issued_outside"] == 45


def test_a_result_without_home_voting_keeps_its_fingerprint_shape(world: Saylau):
    submit(world, ADMIN, protocol("t-2025", "t-sb1", {"t-cb1": 300, "t-cb2": 200}, voters=900))
    with world.session() as session:
        record = results.result_record(session, results.okrug_result(session, "t-2025", "t-ob"))
    assert "home_voting" not in record and "withdrawn" not in record


# --- the higher akim -------------------------------------------------------------------------


def test_the_higher_akim_nominates_one_or_two(world: Saylau):
    rows = [
        {**candidate_row(f"t-h{n}", "t-ob", signatures=0), "nominated_by": "higher_akim"}
        for n in (1, 2, 3)
    ]
    with world.transaction() as session:
        decisions = nominations.nominate(session, ADMIN, "t-2025", candidates_content(rows))
    assert [d.decision for d in decisions] == ["registered", "registered", "refused"]
    assert [f.code for f in decisions[2].findings] == ["E.013"]


# --- money ------------------------------------------------------------------------------------


def test_the_cost_per_election_candidate_and_voter(world: Saylau):
    with world.transaction() as session:
        finance.allocate_budget(
            session, ADMIN, election="t-2025", commission="t-da-tec", amount_tiyn=500_000_00,
            date=dt.date(2025, 6, 1), budget_line="district budget programme 001 (synthetic)",
        )  # fmt: skip
        finance.spend(
            session, ADMIN, election="t-2025", commission="t-da-tec", item=finance.Item.BALLOTS,
            amount_tiyn=100_000_00, date=dt.date(2025, 6, 10),
        )  # fmt: skip
        finance.set_allowance(
            session, ADMIN, election="t-2025", amount_tiyn=220_000_00, date=dt.date(2025, 6, 1),
            source="220,000 KZT per rural candidate as in 2021 (inbusiness.kz); synthetic use",
        )  # fmt: skip
    with world.session() as session:
        lines = {line.scope: line for line in finance.report(session, "t-2025")}
    assert lines["commission"].note == "district budget programme 001 (synthetic)"
    # four registered candidates, 2,700 voters on the rolls
    assert (lines["allowance"].spent_tiyn, lines["allowance"].count) == (880_000_00, 4)
    assert lines["cost"].spent_tiyn == 980_000_00
    assert lines["per_candidate"].spent_tiyn == 245_000_00
    assert (lines["per_voter"].spent_tiyn, lines["per_voter"].count) == (36_296, 2700)
    refused(
        world,
        "F.006",
        lambda s: finance.set_allowance(
            s, ADMIN, election="t-2025", amount_tiyn=1, date=dt.date(2025, 6, 1), source=" "
        ),
    )


def test_a_single_candidate_left_by_a_withdrawal_faces_the_threshold(called: Saylau):
    with called.transaction() as session:
        withdraw("t-q3", at(2025, 7, 16, 9), printed=True)(session)
        withdraw("t-q2", at(2025, 7, 16, 10), printed=True)(session)
    below = protocol(E, "t-s2", {"t-q1": 200}, against_all=250, invalid=10, voters=800)
    assert submit(called, ADMIN, below).status == "accepted"
    also = protocol(E, "t-s3", {"t-q1": 100}, against_all=120, invalid=5, voters=400)
    assert submit(called, ADMIN, also).status == "accepted"
    with called.session() as session:
        result = results.okrug_result(session, E, "t-o2")
    assert isinstance(result.outcome, RepeatElection)
    assert [s.rule for s in result.outcome.trace][:2] == ["W.009", "W.006"]


def test_nothing_is_created_for_an_unknown_okrug(called: Saylau):
    refused(
        called,
        "N.001",
        lambda s: steps.extend_nomination(
            s, ADMIN, election=E, okrug="t-nowhere", days=1, decided_at=at(2025, 6, 25, 10)
        ),
    )


def test_create_keeps_working_for_the_existing_builders(service: Saylau):
    with service.transaction() as session:
        create(session, "t-plain", [OKRUG_ONE])


def test_a_nominee_of_the_higher_akim_is_named_so_in_results(world: Saylau):
    row = {**candidate_row("t-h9", "t-ob", signatures=0), "nominated_by": "higher_akim"}
    with world.transaction() as session:
        nominations.nominate(session, ADMIN, "t-2025", candidates_content([row]))
    submit(world, ADMIN, protocol("t-2025", "t-sb1", {"t-cb1": 300, "t-cb2": 200, "t-h9": 100},
                                  voters=900))  # fmt: skip
    with world.session() as session:
        labels = results.candidate_labels(session, "t-2025", ["t-h9", "t-cb1"], "ru")
        record = results.result_record(session, results.okrug_result(session, "t-2025", "t-ob"))
    assert labels["t-h9"].endswith("(выдвинут вышестоящим акимом)")
    entries = {c["code"]: c for c in record["candidates"]}  # type: ignore[union-attr]
    assert entries["t-h9"]["nominated_by"] == "higher_akim"
    assert "nominated_by" not in entries["t-cb1"]  # other records keep their shape
