"""An earlier election on the demo's okrugs (the same people under new candidate codes), for
the change against the previous election and the candidates' earlier runs."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from saylau.administration import nominations, protocols, results, setup
from saylau.datasets import reader
from saylau.domain import ElectionType, Names
from saylau.security.actor import SYSTEM
from saylau.service import Saylau
from saylau.store import datasets as store_datasets

from .demo import DEMO

EARLIER = "demo-2024"


def load_earlier(service: Saylau, folder: Path, *, certify: tuple[str, ...] = ()) -> None:
    """``demo-2024`` on 21 July 2024: the demo's okrugs and candidates (codes ``e24-…``) with
    other votes: Жұмабаева leads in Zhanaauyl, turnout is lower."""
    target = folder / "earlier"
    shutil.copytree(DEMO, target, dirs_exist_ok=True)
    lines = (target / "candidates.csv").read_text("utf-8").splitlines()
    (target / "candidates.csv").write_text(
        "\n".join(
            [
                lines[0],
                *[
                    line.replace("demo-c", "e24-c", 1).replace(",2025-06-", ",2024-06-")
                    for line in lines[1:]
                ],
            ]
        )
        + "\n",
        "utf-8",
    )
    with service.transaction() as session:
        setup.create_election(
            session,
            SYSTEM,
            code=EARLIER,
            type=ElectionType.RURAL_AKIM,
            date=dt.date(2024, 7, 21),
            law_version="rural-akim-2023",
            names=Names(kk="Демо сайлау 2024", ru="Демо-выборы 2024", en="Demo election 2024"),
            territory="KZ-11",
            synthetic=True,
        )
    with service.session() as session:
        known = store_datasets.known_keys(session)
    content = reader.read(
        [target / n for n in ("districts.csv", "okrugs.csv", "stations.csv", "commissions.csv")],
        known=known,
    )
    with service.transaction() as session:
        setup.load_setup(session, SYSTEM, EARLIER, content)
    with service.session() as session:
        known = store_datasets.known_keys(session)
    candidates = reader.read([target / "candidates.csv"], known=known, resource_name="candidates")
    with service.transaction() as session:
        nominations.nominate(session, SYSTEM, EARLIER, candidates)
    payloads = json.loads((DEMO / "protocols.json").read_text("utf-8"))
    for payload in payloads:
        votes = {k.replace("demo-c", "e24-c"): v for k, v in payload["votes"].items()}
        if "e24-c01" in votes:  # Zhanaauyl: the first two swap places
            votes["e24-c01"], votes["e24-c02"] = votes["e24-c02"], votes["e24-c01"]
        moved = {**payload, "election": EARLIER, "votes": votes}
        with service.transaction() as session:
            protocols.submit(session, SYSTEM, protocols.parse(moved))
    for okrug in certify:
        with service.transaction() as session:
            results.certify(session, SYSTEM, EARLIER, okrug)
