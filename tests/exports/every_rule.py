"""examples/every-rule loaded through the service layer (the story of its run.sh, without the
refusals), for the open-data tests: calls by their ground, corrections, held protocols, home
voting, a draw of lots, a repeat election, refusals and an appeal, withdrawals and an
extension of nomination, double entry, a recall and its by-election, financing (budget line,
campaign allowance, spending)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from saylau.administration import finance, nominations, protocols, recall, results, setup, steps
from saylau.datasets import reader
from saylau.domain import ElectionType, Names
from saylau.law.calendar import Ground, GroundKind
from saylau.security.actor import Actor, Role
from saylau.service import Saylau
from saylau.store import datasets as store_datasets

EVERY = Path(__file__).resolve().parents[2] / "examples" / "every-rule"
MAIN, DOUBLE, BY = "every-rule-2025", "every-rule-de-2025", "every-rule-by-2026"
ELECTIONS = (MAIN, DOUBLE, BY)
TEC = Actor("tec", Role.ADMIN)


# The calls of run.sh: the incumbents' terms end on 30 Jul 2025 (called on 1 Jun); the
# by-election after the early termination of 8 Dec 2025 (called on 5 Jan 2026).
TERM_END = Ground(GroundKind.TERM_END, dt.date(2025, 7, 30))
TERMINATED = Ground(GroundKind.EARLY_TERMINATION, dt.date(2025, 12, 8))


def _create(
    service: Saylau,
    code: str,
    day: dt.date,
    *,
    ground: Ground,
    called_on: dt.date,
    double_entry: bool = False,
) -> None:
    with service.transaction() as session:
        setup.create_election(
            session,
            TEC,
            code=code,
            type=ElectionType.RURAL_AKIM,
            date=day,
            law_version="rural-akim-2023",
            names=Names(
                kk=f"{code} (синтетикалық)", ru=f"{code} (синтетические)", en=f"{code} (synthetic)"
            ),
            territory="KZ-15",
            double_entry=double_entry,
            synthetic=True,
            ground=ground,
            called_on=called_on,
        )


def _load(service: Saylau, code: str, folder: Path) -> None:
    with service.session() as session:
        known = store_datasets.known_keys(session)
    content = reader.read([folder], known=known)
    with service.transaction() as session:
        setup.load_setup(session, TEC, code, content)
    with service.session() as session:
        known = store_datasets.known_keys(session)
    candidates = reader.read([folder / "candidates.csv"], known=known, resource_name="candidates")
    with service.transaction() as session:
        nominations.nominate(session, TEC, code, candidates)


def _submit(service: Saylau, path: Path, actor: Actor = TEC) -> list[protocols.EntryResult]:
    data = json.loads(path.read_text("utf-8"))
    out = []
    with service.transaction() as session:
        for payload in data if isinstance(data, list) else [data]:
            out.append(protocols.submit(session, actor, protocols.parse(payload)))
    return out


def load_every_rule(service: Saylau) -> None:
    """The three elections of examples/every-rule, as far as run.sh takes them."""
    _create(service, MAIN, dt.date(2025, 7, 20), ground=TERM_END, called_on=dt.date(2025, 6, 1))
    # The setup files are the folder's CSVs; its candidates come separately.
    with service.session() as session:
        known = store_datasets.known_keys(session)
    content = reader.read(
        [EVERY / n for n in ("districts.csv", "okrugs.csv", "stations.csv", "commissions.csv")],
        known=known,
    )
    with service.transaction() as session:
        setup.load_setup(session, TEC, MAIN, content)
    with service.session() as session:
        known = store_datasets.known_keys(session)
    candidates = reader.read([EVERY / "candidates.csv"], known=known, resource_name="candidates")
    with service.transaction() as session:
        nominations.nominate(session, TEC, MAIN, candidates)
        nominations.redecide(
            session, TEC, "er-c05", reason="Appeal upheld", corrections={"signatures": 41}
        )
    # the withdrawal, the extension of nomination it calls for, and a withdrawal after printing
    almaty = dt.timezone(dt.timedelta(hours=5))
    with service.transaction() as session:
        steps.withdraw(session, TEC, candidate="er-c17",
                       applied_at=dt.datetime(2025, 6, 26, 9, 0, tzinfo=almaty),
                       ballots_printed=False,
                       document="Written application of 26 Jun (synthetic)")  # fmt: skip
        steps.extend_nomination(
            session, TEC, election=MAIN, okrug="er-withdrawal", days=3,
            decided_at=dt.datetime(2025, 6, 26, 15, 0, tzinfo=almaty),
            document="TEC decision 5/2 (synthetic)",
        )  # fmt: skip
    with service.session() as session:
        known = store_datasets.known_keys(session)
    extension = reader.read(
        [EVERY / "candidates-extension.csv"], known=known, resource_name="candidates"
    )
    with service.transaction() as session:
        nominations.nominate(session, TEC, MAIN, extension)
        steps.withdraw(session, TEC, candidate="er-c18",
                       applied_at=dt.datetime(2025, 7, 15, 10, 0, tzinfo=almaty),
                       ballots_printed=True,
                       document="Written application of 15 Jul (synthetic)")  # fmt: skip
    _submit(service, EVERY / "protocols.json")
    [held] = _submit(service, EVERY / "protocol-warnings.json")
    with service.transaction() as session:
        protocols.acknowledge(session, TEC, held.entry_id, "paper checked")
    _submit(service, EVERY / "protocol-correction.json")
    with service.transaction() as session:
        results.record_lot_draw(
            session,
            TEC,
            election=MAIN,
            okrug="er-tie",
            winner="er-c02",
            drawn_by="TEC chair (synthetic)",
            drawn_at=dt.datetime(2025, 7, 22, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=5))),
            witnesses=["Observer A (synthetic)", "Proxy B (synthetic)"],
        )
    for okrug in (
        "er-tie", "er-plurality", "er-single-above", "er-single-below", "er-against-all",
        "er-withdrawal",
    ):  # fmt: skip
        with service.transaction() as session:
            results.certify(session, TEC, MAIN, okrug)
    with service.transaction() as session:  # step 13 of run.sh
        finance.allocate_budget(
            session, TEC, election=MAIN, commission="er-tec", amount_tiyn=450_000_000,
            date=dt.date(2025, 6, 1), document="District akimat budget programme (synthetic)",
            budget_line="District budget: elections of rural akims (synthetic)",
        )  # fmt: skip
        finance.set_allowance(
            session, TEC, election=MAIN, amount_tiyn=22_000_000, date=dt.date(2025, 6, 1),
            source="220,000 KZT per rural candidate in 2021 (inbusiness.kz); applied to this "
            "synthetic election",
        )  # fmt: skip
        for item, amount, day, okrug, document in (
            (finance.Item.BALLOTS, 65_000_000, dt.date(2025, 7, 1), None,
             "Printing house invoice 17 (synthetic)"),
            (finance.Item.COMMISSION_PAY, 210_000_050, dt.date(2025, 7, 25), None, None),
            (finance.Item.PREMISES, 30_000_000, dt.date(2025, 7, 19), "er-tie", None),
            (finance.Item.TRANSPORT, 18_000_000, dt.date(2025, 7, 20), "er-single-below", None),
        ):  # fmt: skip
            finance.spend(
                session, TEC, election=MAIN, commission="er-tec", item=item,
                amount_tiyn=amount, date=day, okrug=okrug, document=document,
            )  # fmt: skip
    # double entry
    _create(
        service,
        DOUBLE,
        dt.date(2025, 7, 20),
        ground=TERM_END,
        called_on=dt.date(2025, 6, 1),
        double_entry=True,
    )
    _load(service, DOUBLE, EVERY / "double-entry")
    first = _submit(
        service, EVERY / "double-entry" / "operator-1.json", Actor("op-aigerim", Role.ADMIN)
    )
    _submit(service, EVERY / "double-entry" / "operator-2.json", Actor("op-bolat", Role.ADMIN))
    right = next(r.entry_id for r in first if r.station == "er-ps-702")
    with service.transaction() as session:
        protocols.resolve(session, Actor("sup-dana", Role.ADMIN), right, "paper checked")
        results.certify(session, TEC, DOUBLE, "er-double")
    # recall and the by-election
    with service.transaction() as session:
        for step, day in (
            (recall.Step.COUNCIL_REQUEST, dt.date(2025, 11, 10)),
            (recall.Step.MASLIKHAT_DECISION, dt.date(2025, 12, 5)),
            (recall.Step.EARLY_TERMINATION, dt.date(2025, 12, 8)),
        ):
            recall.record_step(
                session, TEC, okrug="er-plurality", step=step, date=day, body="council",
                akim="er-c04",
                outcome=None if step is recall.Step.COUNCIL_REQUEST else recall.Outcome.REMOVED,
            )  # fmt: skip
    _create(service, BY, dt.date(2026, 3, 15), ground=TERMINATED, called_on=dt.date(2026, 1, 5))
    with service.transaction() as session:
        recall.record_step(
            session, TEC, okrug="er-plurality", step=recall.Step.BY_ELECTION_CALLED,
            date=dt.date(2026, 1, 20), body="TEC", by_election=BY,
        )  # fmt: skip
    _load(service, BY, EVERY / "by-election")
    _submit(service, EVERY / "by-election" / "protocols.json")
    with service.transaction() as session:
        results.certify(session, TEC, BY, "er-plurality")
