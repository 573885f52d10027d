"""Roles and territories: who may change what, checked in the service layer.

Every refusal is an AdminError X.001 (role) or X.002 (territory), and leaves every table of
the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from saylau.administration import finance, nominations, protocols, recall, results, setup
from saylau.administration.errors import AdminError
from saylau.domain import ElectionType, Names
from saylau.security.actor import Actor, Role
from saylau.service import Saylau

from .builders import (
    ADMIN,
    ALMATY,
    Okrug,
    candidate_row,
    candidates_content,
    dump,
    protocol,
    setup_content,
    submit,
)
from .conftest import ELECTION

OPERATOR_A1 = Actor("op-a1", Role.OPERATOR, "t-sa1")
OBSERVER = Actor("observer", Role.OBSERVER)
TERRITORIAL_A = Actor("tec-a", Role.TERRITORIAL, "t-da")
TERRITORIAL_B = Actor("tec-b", Role.TERRITORIAL, "t-db")
SUPERVISOR_A = Actor("sup-a", Role.SUPERVISOR, "t-da")

VOTES_A = {"t-ca1": 300, "t-ca2": 200}
VOTES_B = {"t-cb1": 300, "t-cb2": 200}


def refused(service: Saylau, code: str, action: Callable[[Session], object]) -> AdminError:
    """Run ``action`` in a transaction: it must fail with ``code`` and change nothing."""
    before = dump(service)
    with pytest.raises(AdminError) as caught, service.transaction() as session:
        action(session)
    assert caught.value.code == code, caught.value
    assert dump(service) == before
    return caught.value


def complete_okrug_a(service: Saylau) -> None:
    submit(service, ADMIN, protocol(ELECTION, "t-sa1", VOTES_A))
    submit(service, ADMIN, protocol(ELECTION, "t-sa2", VOTES_A, voters=800))


# --- operators ----------------------------------------------------------------------------


def test_an_operator_enters_the_protocol_of_their_own_station(world):
    result = submit(world, OPERATOR_A1, protocol(ELECTION, "t-sa1", VOTES_A))
    assert result.status == "accepted"


@pytest.mark.parametrize("station", ["t-sa2", "t-sb1"])
def test_an_operator_cannot_enter_another_stations_protocol(world, station):
    votes = VOTES_A if station.startswith("t-sa") else VOTES_B
    voters = 800 if station == "t-sa2" else 900
    error = refused(
        world,
        "X.002",
        lambda s: protocols.submit(
            s, OPERATOR_A1, protocol(ELECTION, station, votes, voters=voters)
        ),
    )
    assert error.params["unit"] == station
    assert error.params["territory"] == "t-sa1"


def test_an_operator_cannot_review_nominate_tabulate_or_certify(world):
    held = submit(world, ADMIN, protocol(ELECTION, "t-sa1", VOTES_A, invalid=100))
    assert held.status == "held"
    refused(world, "X.001", lambda s: protocols.acknowledge(s, OPERATOR_A1, held.entry_id, "ok"))
    refused(
        world,
        "X.001",
        lambda s: nominations.redecide(
            s, OPERATOR_A1, "t-ca1", reason="r", corrections={"signatures": 1}
        ),
    )
    refused(world, "X.001", lambda s: results.certify(s, OPERATOR_A1, ELECTION, "t-oa"))


# --- observers ----------------------------------------------------------------------------


def test_an_observer_cannot_change_anything(world):
    held = submit(world, ADMIN, protocol(ELECTION, "t-sa1", VOTES_A, invalid=100))
    day = dt.date(2025, 6, 1)
    attempts: dict[str, Callable[[Session], object]] = {
        "create": lambda s: setup.create_election(
            s,
            OBSERVER,
            code="t-x",
            type=ElectionType.RURAL_AKIM,
            date=day,
            law_version="rural-akim-2023",
            names=Names(kk="x", ru="x", en="x"),
            territory="KZ-15",
        ),
        "load": lambda s: setup.load_setup(
            s, OBSERVER, ELECTION, setup_content([Okrug("t-ox", "t-da", {"t-sx": 10}, [])])
        ),
        "nominate": lambda s: nominations.nominate(
            s, OBSERVER, ELECTION, candidates_content([candidate_row("t-cx", "t-oa")])
        ),
        "redecide": lambda s: nominations.redecide(
            s, OBSERVER, "t-ca1", reason="r", corrections={"signatures": 1}
        ),
        "submit": lambda s: protocols.submit(
            s, OBSERVER, protocol(ELECTION, "t-sa2", VOTES_A, voters=800)
        ),
        "acknowledge": lambda s: protocols.acknowledge(s, OBSERVER, held.entry_id, "ok"),
        "resolve": lambda s: protocols.resolve(s, OBSERVER, held.entry_id, "ok"),
        "lots": lambda s: results.record_lot_draw(
            s,
            OBSERVER,
            election=ELECTION,
            okrug="t-oa",
            winner="t-ca1",
            drawn_by="x",
            drawn_at=dt.datetime(2025, 7, 22, 11, tzinfo=ALMATY),
            witnesses=["w"],
        ),
        "certify": lambda s: results.certify(s, OBSERVER, ELECTION, "t-oa"),
        "recall": lambda s: recall.record_step(
            s, OBSERVER, okrug="t-oa", step=recall.Step.COUNCIL_REQUEST, date=day, body="council"
        ),
        "allocate": lambda s: finance.allocate_budget(
            s, OBSERVER, election=ELECTION, commission="t-da-tec", amount_tiyn=100, date=day
        ),
        "spend": lambda s: finance.spend(
            s,
            OBSERVER,
            election=ELECTION,
            commission="t-da-tec",
            item=finance.Item.BALLOTS,
            amount_tiyn=1,
            date=day,
        ),
    }
    for name, attempt in attempts.items():
        error = refused(world, "X.001", attempt)
        assert error.params["role"] == "observer", name


# --- territorial accounts -------------------------------------------------------------------


def test_a_territorial_account_works_in_its_own_district(world):
    complete_okrug_a(world)
    day = dt.date(2025, 6, 1)
    with world.transaction() as session:
        nominations.redecide(
            session, TERRITORIAL_A, "t-ca2", reason="appeal", corrections={"signatures": 500}
        )
        finance.allocate_budget(
            session,
            TERRITORIAL_A,
            election=ELECTION,
            commission="t-da-tec",
            amount_tiyn=10_000,
            date=day,
        )
        finance.spend(
            session,
            TERRITORIAL_A,
            election=ELECTION,
            commission="t-da-tec",
            item=finance.Item.PREMISES,
            amount_tiyn=5_000,
            date=day,
            okrug="t-oa",
        )
        row = results.certify(session, TERRITORIAL_A, ELECTION, "t-oa")
        recall.record_step(
            session,
            TERRITORIAL_A,
            okrug="t-oa",
            step=recall.Step.COUNCIL_REQUEST,
            date=dt.date(2025, 11, 1),
            body="village council",
            akim=row.winner,
        )
    assert row.winner == "t-ca1"


def test_a_territorial_account_cannot_touch_another_district(world):
    submit(world, ADMIN, protocol(ELECTION, "t-sb1", VOTES_B, voters=900))
    day = dt.date(2025, 6, 1)
    attempts: dict[str, Callable[[Session], object]] = {
        "nominate": lambda s: nominations.nominate(
            s, TERRITORIAL_A, ELECTION, candidates_content([candidate_row("t-cx", "t-ob")])
        ),
        "redecide": lambda s: nominations.redecide(
            s, TERRITORIAL_A, "t-cb1", reason="r", corrections={"signatures": 1}
        ),
        "submit": lambda s: protocols.submit(
            s, TERRITORIAL_A, protocol(ELECTION, "t-sb1", VOTES_B, voters=900, reason="r")
        ),
        "certify": lambda s: results.certify(s, TERRITORIAL_A, ELECTION, "t-ob"),
        "recall": lambda s: recall.record_step(
            s, TERRITORIAL_A, okrug="t-ob", step=recall.Step.COUNCIL_REQUEST, date=day, body="c"
        ),
        "allocate": lambda s: finance.allocate_budget(
            s, TERRITORIAL_A, election=ELECTION, commission="t-db-tec", amount_tiyn=1, date=day
        ),
        "spend for another okrug": lambda s: finance.spend(
            s,
            TERRITORIAL_A,
            election=ELECTION,
            commission="t-da-tec",
            item=finance.Item.BALLOTS,
            amount_tiyn=1,
            date=day,
            okrug="t-ob",
        ),
        "set up the region": lambda s: setup.create_election(
            s,
            TERRITORIAL_A,
            code="t-x",
            type=ElectionType.RURAL_AKIM,
            date=day,
            law_version="rural-akim-2023",
            names=Names(kk="x", ru="x", en="x"),
            territory="KZ-15",
        ),
    }
    for name, attempt in attempts.items():
        error = refused(world, "X.002", attempt)
        assert error.params["territory"] == "t-da", name
    # ... and the account of district B may do what A may not.
    with world.transaction() as session:
        assert results.certify(session, TERRITORIAL_B, ELECTION, "t-ob").winner == "t-cb1"


def test_a_supervisor_reviews_protocols_but_does_not_certify(world):
    held = submit(world, ADMIN, protocol(ELECTION, "t-sa1", VOTES_A, invalid=100))
    other = submit(world, ADMIN, protocol(ELECTION, "t-sb1", VOTES_B, voters=900, invalid=100))
    refused(world, "X.002", lambda s: protocols.acknowledge(s, SUPERVISOR_A, other.entry_id, "ok"))
    with world.transaction() as session:
        assert protocols.acknowledge(session, SUPERVISOR_A, held.entry_id, "ok").status == (
            "accepted"
        )
    submit(world, ADMIN, protocol(ELECTION, "t-sa2", VOTES_A, voters=800))
    refused(world, "X.001", lambda s: results.certify(s, SUPERVISOR_A, ELECTION, "t-oa"))
