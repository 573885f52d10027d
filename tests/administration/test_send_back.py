"""A supervisor sends an entry back to the operator with a reason (``protocols.send_back``),
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saylau.administration import protocols
from saylau.administration.errors import AdminError
from saylau.security.actor import Actor, Role
from saylau.store.audit import verify_chain
from saylau.store.schema import AuditRow

from .builders import dump, protocol, submit
from .conftest import ELECTION
from .test_protocol_states import OP_1, OP_2, SUPERVISOR, TYPO, VOTES, okrug_votes, statuses

OUTSIDER = Actor("sup-far", Role.SUPERVISOR, "t-db")


def _refused(service, code: str, actor: Actor, entry: int, reason: str) -> None:
    before = dump(service)
    with pytest.raises(AdminError) as caught, service.transaction() as session:
        protocols.send_back(session, actor, entry, reason)
    assert caught.value.code == code
    assert dump(service) == before  # a refusal leaves everything as it was


def test_a_held_entry_goes_back_with_the_reason_and_counts_for_nothing(world) -> None:
    held = submit(world, OP_1, protocol(ELECTION, "t-sa1", VOTES, invalid=60))
    _refused(world, "V.050", SUPERVISOR, held.entry_id, "   ")
    _refused(world, "X.002", OUTSIDER, held.entry_id, "wrong station")
    _refused(world, "X.001", OP_2, held.entry_id, "operators cannot")
    with world.transaction() as session:
        sent = protocols.send_back(session, SUPERVISOR, held.entry_id, "  invalid is 6, not 60 ")
    assert sent == [held.entry_id]
    assert statuses(world) == [(1, 1, "op-aigerim", "returned")]
    assert okrug_votes(world) == {}
    with world.session() as session:
        back = protocols.returned(session, ELECTION, "t-sa1")
        assert back is not None and back.decision_note == "invalid is 6, not 60"
        assert back.decided_by == "sup-dana"
        last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).one()
        assert last.action == "protocol.return" and last.entity_id == f"{ELECTION}/t-sa1/v1"
        assert verify_chain(session) == []
    _refused(world, "V.051", SUPERVISOR, held.entry_id, "again")
    # the operator enters it again; the sent-back entry is no longer what they must see
    again = submit(world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    assert again.status == "accepted" and okrug_votes(world) == VOTES
    with world.session() as session:
        assert protocols.returned(session, ELECTION, "t-sa1") is None


def test_a_discrepancy_goes_back_whole(double_world) -> None:
    submit(double_world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    second = submit(double_world, OP_2, protocol(ELECTION, "t-sa1", TYPO))
    assert second.status == "discrepancy"
    with double_world.transaction() as session:
        sent = protocols.send_back(session, SUPERVISOR, second.entry_id, "both disagree")
    assert len(sent) == 2
    assert [s for *_, s in statuses(double_world)] == ["returned", "returned"]
    # a first entry of the version can be made again
    first = submit(double_world, OP_1, protocol(ELECTION, "t-sa1", VOTES))
    assert first.status == "awaiting_second"
