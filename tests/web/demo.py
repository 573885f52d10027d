"""The demo election of examples/demo-election, loaded through the service layer (as the
README's commands do), for the election-night and workspace tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from saylau.administration import nominations, protocols, results, setup
from saylau.datasets import reader
from saylau.domain import ElectionType, Names
from saylau.security import accounts
from saylau.security.actor import SYSTEM, Actor, Role
from saylau.service import Saylau
from saylau.store import datasets as store_datasets

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-election"
ELECTION = "demo-2025"
PASSWORD = "correct horse battery staple"


def protocol_payloads() -> list[dict[str, object]]:
    """The five protocols of the demo, as submitted by ``saylau protocol submit``."""
    return json.loads((DEMO / "protocols.json").read_text("utf-8"))


def load_demo(
    service: Saylau,
    *,
    code: str = ELECTION,
    stations: tuple[str, ...] | None = None,
    double_entry: bool = False,
    certify: tuple[str, ...] = (),
) -> None:
    """Create, set up and nominate the demo election; submit the protocols of ``stations``
    (all five by default); certify the okrugs in ``certify``."""
    with service.transaction() as session:
        setup.create_election(
            session,
            SYSTEM,
            code=code,
            type=ElectionType.RURAL_AKIM,
            date=dt.date(2025, 7, 20),
            law_version="rural-akim-2023",
            names=Names(kk="Демо сайлау", ru="Демо-выборы", en="Demo election"),
            territory="KZ-11",
            double_entry=double_entry,
            synthetic=True,
        )
    with service.session() as session:
        known = store_datasets.known_keys(session)
    content = reader.read([DEMO], known=known)
    with service.transaction() as session:
        setup.load_setup(session, SYSTEM, code, content)
    with service.session() as session:
        known = store_datasets.known_keys(session)
    candidates = reader.read([DEMO / "candidates.csv"], known=known, resource_name="candidates")
    with service.transaction() as session:
        nominations.nominate(session, SYSTEM, code, candidates)
    for payload in protocol_payloads():
        if stations is not None and payload["station"] not in stations:
            continue
        with service.transaction() as session:
            protocols.submit(session, SYSTEM, protocols.parse(payload))
    for okrug in certify:
        with service.transaction() as session:
            results.certify(session, SYSTEM, code, okrug)


def add_account(
    service: Saylau, name: str, role: Role, territory: str | None, password: str = PASSWORD
) -> Actor:
    """An account of the workspace."""
    with service.transaction() as session:
        row = accounts.add_account(
            session, SYSTEM, name=name, role=role, territory=territory, password=password
        )
        return accounts.actor_of(row)
