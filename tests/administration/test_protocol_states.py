"""States of protocol entries: held and acknowledged, double entry, corrections as versions."""

from __future__ import annotations

import json

import pytest

from saylau.administration import protocols
from saylau.administration.errors import AdminError
from saylau.security.actor import Actor, Role
from saylau.service import Saylau
from saylau.store.schema import ProtocolEntryRow
from saylau.tabulate.aggregate import Level, tabulate

from .builders import dump, protocol, submit
from .conftest import ELECTION

OP_1 = Actor("op-aigerim", Role.OPERATOR, "t-da")
OP_2 = Actor("op-bolat", Role.OPERATOR, "t-da")
OP_3 = Actor("op-chingiz", Role.OPERATOR, "t-da")
SUPERVISOR = Actor("sup-dana", Role.SUPERVISOR, "t-da")
VOTES = {"t-ca1": 300, "t-ca2": 200}
TYPO = {"t-ca1": 300, "t-ca2": 190}


def statuses(service: Saylau, station: str = "t-sa1") -> list[tuple[int, int, str, str]]:
    """(version, entry_no, operator, status) of a station's entries."""
    with service.session() as session:
        return [
            (e.version, e.entry_no, e.operator, e.status)
            for e in protocols.entries(session, ELECTION)
            if e.station == station
        ]


def okrug_votes(service: Saylau, okrug: str = "t-oa") -> dict[str, int]:
    with service.session() as session:
        [totals] = [t for t in tabulate(session, ELECTION, Level.OKRUG) if t.unit == okrug]
    return totals.votes


def refused(service: Saylau, code: str, actor: Actor, item: protocols.Protocol) -> AdminError:
    before = dump(service)
    with pytest.raises(AdminError) as caught:
        submit(service, actor, item)
    assert caught.value.code == code
    assert dump(service) == before
    return caught.value


# --- single entry ---------------------------------------------------------------------------


def test_warnings_hold_a_protocol_until_a_supervisor_acknowledges_them(world):
    held = submit(world, OP_1, protocol(ELECTION, "t-sa1", VOTES, invalid=60))
    assert (held.status, held.warnings) == ("held", ("P.201",))
    assert okrug_votes(world) == {}
    with pytest.raises(AdminError) as caught, world.transaction() as session:
        protocols.acknowledge(session, SUPERVISOR, held.entry_id, "  ")
    assert caught.value.code == "V.010"
    with world.transaction() as session:
        done = protocols.acknowledge(session, SUPERVISOR, held.entry_id, "paper checked")
    assert done.status == "accepted"
    assert okrug_votes(world) == VOTES
    with world.session() as session:
        entry = session.get(ProtocolEntryRow, held.entry_id)
        assert entry is not None
        assert (entry.decided_by, entry.decision_note) == ("sup-dana", "paper checked")
        assert [f["code"] for f in json.loads(entry.findings)] == ["P.201"]
    with pytest.raises(AdminError) as caught, world.transaction() as session:
        protocols.acknowledge(session, SUPERVISOR, held.entry_id, "again")
    assert caught.value.code == "V.009"


def test_a_new_entry_supersedes_one_still_held(world):
    held = submit(world, OP_1, protocol(ELECTION, "t-sa1", VOTES, invalid=60))
    fixed = submit(world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    assert (fixed.version, fixed.status) == (1, "accepted")
    assert statuses(world) == [
        (1, 1, "op-aigerim", "superseded"),
        (1, 2, "op-aigerim", "accepted"),
    ]
    with pytest.raises(AdminError) as caught, world.transaction() as session:
        protocols.acknowledge(session, SUPERVISOR, held.entry_id, "late")
    assert caught.value.code == "V.009"


def test_corrections_are_new_versions_and_keep_the_old_ones(world):
    submit(world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    submit(world, OP_1, protocol(ELECTION, "t-sa1", TYPO, invalid=20, reason="recount 1"))
    third = submit(world, OP_1, protocol(ELECTION, "t-sa1", VOTES, reason="recount 2"))
    assert third.version == 3
    with world.session() as session:
        kept = protocols.versions(session, ELECTION, "t-sa1")
        assert [(p.version, p.correction_reason, p.invalid) for p in kept] == [
            (1, None, 10),
            (2, "recount 1", 20),
            (3, "recount 2", 10),
        ]
    assert okrug_votes(world) == VOTES  # only the newest version counts
    with world.session() as session:
        [station] = [t for t in tabulate(session, ELECTION, Level.STATION) if t.unit == "t-sa1"]
    assert station.invalid == 10


def test_a_correction_with_warnings_waits_and_the_old_version_counts_meanwhile(world):
    submit(world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    held = submit(world, OP_1, protocol(ELECTION, "t-sa1", TYPO, invalid=70, reason="recount"))
    assert (held.version, held.status) == (2, "held")
    assert okrug_votes(world) == VOTES
    with world.transaction() as session:
        protocols.acknowledge(session, SUPERVISOR, held.entry_id, "recount confirmed")
    assert okrug_votes(world) == TYPO
    with world.session() as session:
        assert [p.correction_reason for p in protocols.versions(session, ELECTION, "t-sa1")] == [
            None,
            "recount",
        ]


# --- double entry ---------------------------------------------------------------------------


def test_two_matching_entries_are_accepted(double_world):
    first = submit(double_world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    assert first.status == "awaiting_second"
    assert okrug_votes(double_world) == {}
    refused(double_world, "V.006", OP_1, protocol(ELECTION, "t-sa1", VOTES))
    second = submit(double_world, OP_2, protocol(ELECTION, "t-sa1", VOTES))
    assert (second.status, second.differences) == ("accepted", ())
    assert statuses(double_world) == [
        (1, 1, "op-aigerim", "superseded"),
        (1, 2, "op-bolat", "accepted"),
    ]
    assert okrug_votes(double_world) == VOTES


def test_a_discrepancy_is_shown_field_by_field_and_resolved_by_a_supervisor(double_world):
    first = submit(double_world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    second = submit(double_world, OP_2, protocol(ELECTION, "t-sa1", TYPO, invalid=20))
    assert second.status == "discrepancy"
    assert second.differences == ("invalid", "votes.t-ca2")
    assert statuses(double_world) == [
        (1, 1, "op-aigerim", "discrepancy"),
        (1, 2, "op-bolat", "discrepancy"),
    ]
    assert okrug_votes(double_world) == {}
    refused(double_world, "V.007", OP_3, protocol(ELECTION, "t-sa1", VOTES))
    with pytest.raises(AdminError) as caught, double_world.transaction() as session:
        protocols.resolve(session, OP_3, first.entry_id, "mine")
    assert caught.value.code == "X.001"
    with pytest.raises(AdminError) as caught, double_world.transaction() as session:
        protocols.resolve(session, SUPERVISOR, first.entry_id, "")
    assert caught.value.code == "V.010"
    with double_world.transaction() as session:
        protocols.resolve(session, SUPERVISOR, first.entry_id, "paper checked: entry 1")
    assert statuses(double_world) == [
        (1, 1, "op-aigerim", "accepted"),
        (1, 2, "op-bolat", "superseded"),
    ]
    assert okrug_votes(double_world) == VOTES
    with pytest.raises(AdminError) as caught, double_world.transaction() as session:
        protocols.resolve(session, SUPERVISOR, second.entry_id, "changed my mind")
    assert caught.value.code == "V.009"


def test_every_differing_field_is_listed(double_world):
    submit(double_world, OP_1, protocol(ELECTION, "t-sa1", VOTES, cancelled=100))
    other = protocol(ELECTION, "t-sa1", {"t-ca1": 310, "t-ca2": 200}, against_all=10, cancelled=90)
    second = submit(double_world, OP_2, other)
    assert second.differences == (
        "ballots_received",
        "ballots_cancelled",
        "against_all",
        "votes.t-ca1",
    )


def test_matching_entries_with_warnings_are_held(double_world):
    submit(double_world, OP_1, protocol(ELECTION, "t-sa1", VOTES, invalid=60))
    second = submit(double_world, OP_2, protocol(ELECTION, "t-sa1", VOTES, invalid=60))
    assert (second.status, second.warnings) == ("held", ("P.201",))
    with double_world.transaction() as session:
        protocols.acknowledge(session, SUPERVISOR, second.entry_id, "checked")
    assert okrug_votes(double_world) == VOTES


def test_a_rejected_second_entry_leaves_the_first_waiting(double_world):
    submit(double_world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    broken = protocol(ELECTION, "t-sa1", VOTES).model_copy(update={"ballots_received": 1})
    error = refused(double_world, "V.005", OP_2, broken)
    assert [d["code"] for d in error.details] == ["P.101"]
    assert statuses(double_world) == [(1, 1, "op-aigerim", "awaiting_second")]


def test_a_double_entered_correction_keeps_the_reason_of_its_first_entry(double_world):
    submit(double_world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    submit(double_world, OP_2, protocol(ELECTION, "t-sa1", VOTES))
    refused(double_world, "V.004", OP_1, protocol(ELECTION, "t-sa1", TYPO, invalid=20))
    first = submit(
        double_world, OP_1, protocol(ELECTION, "t-sa1", TYPO, invalid=20, reason="recount")
    )
    assert (first.version, first.status) == (2, "awaiting_second")
    second = submit(double_world, OP_2, protocol(ELECTION, "t-sa1", TYPO, invalid=20))
    assert (second.version, second.status) == (2, "accepted")
    with double_world.session() as session:
        assert [
            (p.version, p.correction_reason) for p in protocols.versions(session, ELECTION, "t-sa1")
        ] == [(1, None), (2, "recount")]
    assert okrug_votes(double_world) == TYPO
