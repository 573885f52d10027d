"""Run the synthetic demo election of ``examples/demo-election`` through the service layer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from saylau.administration import nominations, protocols, setup
from saylau.datasets import reader
from saylau.domain import ElectionType, Names
from saylau.security.actor import Actor, Role
from saylau.service import Saylau
from saylau.store import datasets

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-election"
ELECTION = "demo-2025"
ACTOR = Actor("tester", Role.ADMIN)


def run_demo(service: Saylau, code: str = ELECTION) -> str:
    """Create, set up, nominate and enter every protocol of the demo election."""
    with service.transaction() as session:
        setup.create_election(
            session,
            ACTOR,
            code=code,
            type=ElectionType.RURAL_AKIM,
            date=dt.date(2025, 7, 20),
            law_version="rural-akim-2023",
            names=Names(kk="Демо сайлау", ru="Демо-выборы", en="Demo election"),
            territory="KZ-11",
            synthetic=True,
        )
    files = [DEMO / f"{name}.csv" for name in ("districts", "okrugs", "stations", "commissions")]
    with service.session() as session:
        known = datasets.known_keys(session)
    content = reader.read(files, known=known)
    with service.transaction() as session:
        setup.load_setup(session, ACTOR, code, content)
    with service.session() as session:
        known = datasets.known_keys(session)
    candidates = reader.read([DEMO / "candidates.csv"], known=known, resource_name="candidates")
    with service.transaction() as session:
        nominations.nominate(session, ACTOR, code, candidates)
    payloads = json.loads((DEMO / "protocols.json").read_text(encoding="utf-8"))
    with service.transaction() as session:
        for payload in payloads:
            payload = {**payload, "election": code}
            protocols.submit(session, ACTOR, protocols.parse(payload))
    return code
