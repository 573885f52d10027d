"""Property tests on random consistent synthetic elections (SQLite only, to stay fast).

Elections are generated from the bottom up: for every station the ballots in the boxes are
split among the candidates, against all and the invalid ballots, then ballots issued,
cancelled and received are added on top, so every generated protocol satisfies every control
relation. The properties:

* tabulating after submitting the protocols in any order gives the same totals at every
  level and the same outcome in every okrug, equal to the law layer's own sums and outcome;
* a protocol that satisfies every relation is never rejected, and is stored as entered;
* changing one count so that a relation breaks is rejected naming that relation, and nothing
  is stored.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau.administration import protocols, results
from saylau.administration.errors import AdminError
from saylau.domain import Protocol
from saylau.law.catalogue import law_version
from saylau.law.winner import (
    Elected,
    LotsRequired,
    NoCandidates,
    Outcome,
    RepeatElection,
    determine_winner,
    sum_protocols,
)
from saylau.service import Saylau
from saylau.store import db
from saylau.tabulate.aggregate import Level, tabulate

from .builders import ADMIN, Okrug, create, dump

LAW = law_version("rural-akim-2023")
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with the bundled data, copied for every example."""
    path = tmp_path_factory.mktemp("properties") / "template.db"
    Saylau.open(str(path)).engine.dispose()
    return path


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("examples")


_counter = iter(range(1_000_000))


@dataclass(frozen=True)
class Copy:
    service: Saylau

    def close(self) -> None:
        self.service.engine.dispose()


def fresh(template: Path, workdir: Path) -> Copy:
    target = workdir / f"db-{next(_counter)}.db"
    shutil.copyfile(template, target)
    return Copy(Saylau(db.make_engine(f"sqlite:///{target}")))


# --- generated elections -------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    okrugs: tuple[Okrug, ...]
    protocols: tuple[Protocol, ...]

    def okrug_of(self, station: str) -> Okrug:
        return next(o for o in self.okrugs if station in o.stations)


def protocol_for(
    draw: st.DrawFn, election: str, station: str, voters: int, candidates: list[str]
) -> Protocol:
    """A protocol satisfying every control relation, built from the votes upward."""
    in_boxes = draw(st.integers(0, voters))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(0, in_boxes), min_size=len(candidates) + 1, max_size=len(candidates) + 1
            )
        )
    )
    bounds = [0, *cuts, in_boxes]
    parts = [b - a for a, b in itertools.pairwise(bounds)]
    votes = dict(zip(candidates, parts, strict=False))
    against_all, invalid = parts[len(candidates)], parts[len(candidates) + 1]
    issued = in_boxes + draw(st.integers(0, voters - in_boxes))
    cancelled = draw(st.integers(0, 300))
    return Protocol(
        election=election,
        station=station,
        voters_on_list=voters,
        ballots_received=issued + cancelled,
        ballots_issued=issued,
        ballots_cancelled=cancelled,
        ballots_in_boxes=in_boxes,
        invalid=invalid,
        against_all=against_all,
        votes=votes,
    )


@st.composite
def worlds(draw: st.DrawFn, election: str = "h-2025") -> World:
    okrugs: list[Okrug] = []
    items: list[Protocol] = []
    for i in range(draw(st.integers(1, 3))):
        candidates = [f"h-c{i}{j}" for j in range(draw(st.integers(1, 3)))]
        stations = {
            f"h-s{i}{k}": draw(st.integers(0, 2500)) for k in range(draw(st.integers(1, 3)))
        }
        okrugs.append(Okrug(f"h-o{i}", f"h-d{i % 2}", stations, candidates))
        items += [
            protocol_for(draw, election, code, voters, candidates)
            for code, voters in stations.items()
        ]
    return World(tuple(okrugs), tuple(items))


def run_election(copy: Copy, world: World, order: list[Protocol]) -> tuple[object, ...]:
    """Create the election, submit the protocols in ``order``, acknowledge what is held."""
    service = copy.service
    with service.transaction() as session:
        create(session, "h-2025", world.okrugs)
    for item in order:
        with service.transaction() as session:
            result = protocols.submit(session, ADMIN, item)
        assert result.status in ("accepted", "held")
        assert all(code.startswith("P.2") for code in result.warnings)
    with service.transaction() as session:
        for entry in protocols.entries(session, "h-2025", "held"):
            protocols.acknowledge(session, ADMIN, entry.id, "checked")
    with service.session() as session:
        totals = tuple(tuple(tabulate(session, "h-2025", level)) for level in Level)
        outcomes = tuple(
            (r.okrug, describe(r.outcome)) for r in results.okrug_results(session, "h-2025")
        )
    return totals, outcomes


def describe(outcome: Outcome | None) -> tuple[object, ...]:
    match outcome:
        case Elected():
            return ("elected", outcome.candidate, outcome.votes, outcome.standings)
        case LotsRequired():
            return ("lots", outcome.tied, outcome.votes)
        case RepeatElection():
            return ("repeat", outcome.reason.value, outcome.standings)
        case NoCandidates():
            return ("none",)
        case None:
            return ("incomplete",)


@PROPERTY
@given(data=st.data())
def test_tabulation_does_not_depend_on_the_order_of_protocols(template, workdir, data):
    world = data.draw(worlds())
    shuffled = data.draw(st.permutations(world.protocols))
    first, second = fresh(template, workdir), fresh(template, workdir)
    try:
        totals_a, outcomes_a = run_election(first, world, list(world.protocols))
        totals_b, outcomes_b = run_election(second, world, list(reversed(shuffled)))
    finally:
        first.close()
        second.close()
    assert totals_a == totals_b
    assert outcomes_a == outcomes_b
    # ... and both agree with the law layer summing the same protocols itself.
    okrug_totals = {t.unit: t for t in totals_a[list(Level).index(Level.OKRUG)]}
    expected = []
    for okrug in world.okrugs:
        mine = [p for p in world.protocols if p.station in okrug.stations]
        summed = sum_protocols(mine, okrug.candidates)
        assert okrug_totals[okrug.code].votes == dict(sorted(summed.votes.items()))
        assert okrug_totals[okrug.code].against_all == summed.against_all
        assert okrug_totals[okrug.code].ballots_in_boxes == summed.ballots_in_boxes
        assert okrug_totals[okrug.code].complete
        expected.append((okrug.code, describe(determine_winner(summed, LAW))))
    assert sorted(outcomes_a) == sorted(expected)
    republic = totals_a[-1][0]
    assert republic.ballots_in_boxes == sum(p.ballots_in_boxes for p in world.protocols)
    assert republic.stations_reported == len(world.protocols)


# --- one station ----------------------------------------------------------------------------

STATION_WORLD = Okrug("h-op", "h-dp", {"h-sp": 2000}, ["h-p1", "h-p2", "h-p3"])


@pytest.fixture(scope="module")
def station_template(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template with election ``h-one`` (one okrug, one station of 2,000 voters)."""
    path = tmp_path_factory.mktemp("station") / "station.db"
    shutil.copyfile(template, path)
    service = Saylau(db.make_engine(f"sqlite:///{path}"))
    with service.transaction() as session:
        create(session, "h-one", [STATION_WORLD])
    service.engine.dispose()
    return path


@st.composite
def station_protocols(draw: st.DrawFn) -> Protocol:
    return protocol_for(draw, "h-one", "h-sp", 2000, STATION_WORLD.candidates)


@PROPERTY
@given(item=station_protocols())
def test_a_protocol_satisfying_every_relation_is_accepted(station_template, workdir, item):
    copy = fresh(station_template, workdir)
    try:
        with copy.service.transaction() as session:
            result = protocols.submit(session, ADMIN, item)
        assert result.status in ("accepted", "held")
        assert all(code.startswith("P.2") for code in result.warnings)
        if result.status == "held":
            with copy.service.transaction() as session:
                result = protocols.acknowledge(session, ADMIN, result.entry_id, "checked")
        assert result.status == "accepted"
        with copy.service.session() as session:
            [stored] = protocols.versions(session, "h-one", "h-sp")
            for name in protocols.COUNT_FIELDS:
                assert getattr(stored, name) == getattr(item, name)
    finally:
        copy.close()


@pytest.fixture(scope="module")
def station_service(station_template: Path, workdir: Path) -> Iterator[Saylau]:
    copy = fresh(station_template, workdir)
    yield copy.service
    copy.close()


COUNTS = (
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid",
    "against_all",
    "votes",
)


@st.composite
def broken(draw: st.DrawFn) -> tuple[Protocol, str, str]:
    """A consistent protocol, one change, and the relation that change must break."""
    item = draw(station_protocols())
    kind = draw(
        st.sampled_from(
            ["count", "drop_candidate", "unknown_candidate", "no_against_all", "short_list"]
        )
    )
    data = item.model_dump()
    if kind == "drop_candidate":
        dropped = draw(st.sampled_from(STATION_WORLD.candidates))
        del data["votes"][dropped]
        return Protocol(**data), "P.108", f"drop {dropped}"
    if kind == "unknown_candidate":
        data["votes"]["h-stranger"] = draw(st.integers(0, 5))
        return Protocol(**data), "P.109", "add h-stranger"
    if kind == "no_against_all":
        data["against_all"] = None
        return Protocol(**data), "P.106", "no against-all count"
    if kind == "short_list":
        if item.ballots_issued == 0:
            data["ballots_issued"] = data["ballots_received"] = 1
            data["ballots_cancelled"] = 0
            data["voters_on_list"] = 0
            return Protocol(**data), "P.104", "issued 1 with an empty list"
        data["voters_on_list"] = draw(st.integers(0, item.ballots_issued - 1))
        return Protocol(**data), "P.104", "list below the ballots issued"
    field = draw(st.sampled_from(COUNTS))
    delta = draw(st.integers(1, 50)) * draw(st.sampled_from((1, -1)))
    if field == "votes":
        candidate = draw(st.sampled_from(STATION_WORLD.candidates))
        value = data["votes"][candidate] + delta
        if value < 0:
            value = data["votes"][candidate] - delta
        data["votes"][candidate] = value
        return Protocol(**data), "P.103", f"votes.{candidate} {delta:+}"
    value = data[field] + delta
    if value < 0:
        value = data[field] - delta
    data[field] = value
    expected = {
        "ballots_received": "P.101",
        "ballots_issued": "P.101",
        "ballots_cancelled": "P.101",
        "ballots_in_boxes": "P.103",
        "invalid": "P.103",
        "against_all": "P.103",
    }[field]
    return Protocol(**data), expected, f"{field} {delta:+}"


@PROPERTY
@given(case=broken())
def test_breaking_one_relation_is_rejected_naming_it(station_service, case):
    item, relation, change = case
    before = dump(station_service)
    with pytest.raises(AdminError) as caught, station_service.transaction() as session:
        protocols.submit(session, ADMIN, item)
    assert caught.value.code == "V.005", change
    codes = [d["code"] for d in caught.value.details]
    assert relation in codes, (change, codes)
    assert all(code.startswith("P.1") for code in codes)
    assert dump(station_service) == before
