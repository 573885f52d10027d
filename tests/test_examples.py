"""Both examples, run end to end through the command line on SQLite and PostgreSQL.

``examples/demo-election`` is the small working election of the README;
``examples/every-rule`` is the synthetic election whose files exercise every rule (its
``run.sh`` tells the same story in bash). Each step goes through ``saylau.cli.app`` with
``--db`` pointing at the test database; outcomes are then read back from the database, so
the assertions do not depend on the wording of messages.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Sequence
from pathlib import Path
from unittest.mock import patch

from sqlalchemy import select
from typer.testing import CliRunner

from saylau.administration import nominations, protocols, recall, results
from saylau.cli import app
from saylau.publication.publish import publish
from saylau.service import Saylau
from saylau.store.audit import verify_chain
from saylau.store.schema import CertificationRow, ElectionRow, LotDrawRow
from saylau.verify import verify_publication

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEMO = EXAMPLES / "demo-election"
EVERY = EXAMPLES / "every-rule"
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


class Cli:
    """The ``saylau`` command on one database."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.runner = CliRunner()

    def _invoke(self, args: Sequence[str], db: bool = True):
        argv = [*args, "--db", self.db_url] if db else list(args)
        opened: list[Saylau] = []
        original = Saylau.open.__func__  # type: ignore[attr-defined]

        def tracking(cls, *a, **k):
            opened.append(original(cls, *a, **k))
            return opened[-1]

        with patch.object(Saylau, "open", classmethod(tracking)):
            result = self.runner.invoke(app, argv)
        for service in opened:  # each command opens its own engine: close its connections
            service.engine.dispose()
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def ok(self, *args: str, db: bool = True) -> str:
        result = self._invoke(args, db)
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    def refused(self, codes: Sequence[str], *args: str) -> str:
        """The command must fail (exit 2) naming every code in ``codes``."""
        result = self._invoke(args, True)
        assert result.exit_code == 2, (args, result.output)
        for code in codes:
            assert code in result.stderr, (code, result.stderr)
        return result.stderr

    def certify(self, election: str, okrug: str, lang: str, out: Path) -> str:
        """Certify, and check the printed fingerprint is on the final protocol page."""
        page = out / f"{okrug}-{election}.html"
        text = self.ok("certify", election, okrug, "--lang", lang, "--output", str(page))
        [digest] = SHA256.findall(text)
        assert digest in page.read_text(encoding="utf-8")
        return digest


def create(cli: Cli, code: str, date: str, *ground: str) -> None:
    """Create an election with its ground (``--term-ends ...`` etc.) and day of the call."""
    cli.ok(
        "election", "create", code, "--type", "rural_akim", "--date", date,
        "--territory", "KZ-15", "--synthetic",
        "--name-kk", f"{code} (синтетикалық)", "--name-ru", f"{code} (синтетические)",
        "--name-en", f"{code} (synthetic)", *ground,
    )  # fmt: skip


TERM_2025 = ("--term-ends", "2025-07-30", "--called-on", "2025-06-01")
NAMES_X = ("--name-kk", "x", "--name-ru", "x", "--name-en", "x")


def csv_rows(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text)))[1:]


def check_certifications(service: Saylau, election: str, expected: dict[str, tuple]) -> None:
    """Each okrug's newest certification: (outcome, winner), a valid fingerprint."""
    with service.session() as session:
        for okrug, (outcome, winner) in expected.items():
            row = results.certification(session, election, okrug)
            assert row is not None, okrug
            assert (row.outcome, row.winner) == (outcome, winner), okrug
            assert SHA256.fullmatch(row.sha256)
            assert row.sha256 == hashlib.sha256(row.record.encode("utf-8")).hexdigest()


def check_audit(cli: Cli, service: Saylau) -> None:
    assert "every table exactly what the log says" in cli.ok("db", "verify")
    with service.session() as session:
        assert verify_chain(session) == []


# --- the demo election ------------------------------------------------------------------------


def test_demo_election(db_url, tmp_path):
    cli = Cli(db_url)
    cli.ok(
        "election", "create", "demo-2025", "--type", "rural_akim", "--date", "2025-07-20",
        "--term-ends", "2025-07-30", "--called-on", "2025-06-01", "--territory", "KZ-11",
        "--synthetic", "--name-kk", "Демо сайлау (синтетикалық)",
        "--name-ru", "Демо-выборы (синтетические)", "--name-en", "Demo election (synthetic)",
    )  # fmt: skip
    assert "contests: 3" in cli.ok("election", "load", "demo-2025", str(DEMO))
    calendar = cli.ok("election", "calendar", "demo-2025", "-f", "csv")
    assert "nomination,2025-06-02,2025-06-24T18:00:00+05:00" in calendar
    assert "call,2025-06-01,2025-06-20" in calendar and "called in time" in calendar
    decisions = csv_rows(
        cli.ok("candidate", "nominate", "demo-2025", str(DEMO / "candidates.csv"), "-f", "csv")
    )
    refused = {row[0]: row[2] for row in decisions if row[1] == "refused"}
    assert refused == {"demo-c07": "E.002"}
    entries = csv_rows(cli.ok("protocol", "submit", str(DEMO / "protocols.json"), "-f", "csv"))
    assert [row[3] for row in entries] == ["accepted"] * 5
    cli.ok("tabulate", "demo-2025")
    assert "W.001" in cli.ok("explain", "demo-zhanaauyl")
    assert "W.003" in cli.ok("explain", "demo-kokterek")
    for okrug, lang in (("demo-zhanaauyl", "ru"), ("demo-birlik", "kk"), ("demo-kokterek", "en")):
        cli.certify("demo-2025", okrug, lang, tmp_path)
    service = Saylau.open(db_url)
    try:
        check_certifications(
            service,
            "demo-2025",
            {
                "demo-zhanaauyl": ("elected", "demo-c01"),
                "demo-birlik": ("elected", "demo-c04"),
                "demo-kokterek": ("elected", "demo-c06"),
            },
        )
        with service.session() as session:
            assert session.get(ElectionRow, "demo-2025").synthetic
        check_audit(cli, service)
        folder = tmp_path / "record"
        cli.ok("publish", str(folder), "--election", "demo-2025")
        assert "No problem found" in cli.ok("verify", str(folder), db=False)
    finally:
        service.engine.dispose()


# --- the every-rule election ------------------------------------------------------------------


def load_what_if():
    spec = importlib.util.spec_from_file_location("what_if", EVERY / "what_if_against_all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def every_rule_main_election(cli: Cli, out: Path) -> None:
    e = "every-rule-2025"
    cli.refused(["S.005", "K.001"], "election", "create", e, "--type", "rural_akim",
                "--date", "2025-07-20", "--term-ends", "2025-07-30", "--called-on", "2025-06-21",
                "--territory", "KZ-15", *NAMES_X)  # fmt: skip
    create(cli, e, "2025-07-20", *TERM_2025)
    assert "contests: 6" in cli.ok("election", "load", e, str(EVERY), "--as", "tec")
    # nominations: four refusals, one appeal
    decisions = csv_rows(
        cli.ok("candidate", "nominate", e, str(EVERY / "candidates.csv"), "-f", "csv")
    )
    refusals = {row[0]: row[2] for row in decisions if row[1] == "refused"}
    assert refusals == {"er-c03": "K.002", "er-c05": "E.007", "er-c06": "E.002", "er-c07": "E.009"}
    every_rule_withdrawal_and_extension(cli, e)
    cli.refused(["N.005"], "candidate", "redecide", "er-c05", "--reason", "x",
                "--set", "voters_in_okrug=100")  # fmt: skip
    appeal = cli.ok("candidate", "redecide", "er-c05", "--reason", "Appeal upheld",
                    "--set", "signatures=41", "-f", "csv")  # fmt: skip
    assert csv_rows(appeal) == [["er-c05", "registered", "", "", "", ""]]
    # a protocol breaking five relations: rejected, every relation named, nothing stored
    stderr = cli.refused(
        ["V.005", "P.101", "P.102", "P.103", "P.108", "P.109"],
        "protocol", "submit", str(EVERY / "protocol-rejected.json"), "--as", "op-301",
    )  # fmt: skip
    assert "P.104" not in stderr and "P.105" not in stderr
    assert csv_rows(cli.ok("protocol", "list", e, "-f", "csv")) == []
    # home voting that does not add up; marks on the line of a candidate withdrawn after printing
    cli.refused(["V.005", "P.111", "P.113"], "protocol", "submit",
                str(EVERY / "protocol-home-voting-rejected.json"))  # fmt: skip
    cli.refused(["V.005", "P.110"], "protocol", "submit",
                str(EVERY / "protocol-withdrawn-counted.json"))  # fmt: skip
    entries = csv_rows(cli.ok("protocol", "submit", str(EVERY / "protocols.json"), "-f", "csv"))
    assert [row[3] for row in entries] == ["accepted"] * 8
    # warnings: held, then acknowledged
    [held] = csv_rows(
        cli.ok("protocol", "submit", str(EVERY / "protocol-warnings.json"), "-f", "csv")
    )
    assert held[1:5] == ["er-ps-302", "1", "held", "P.201"]
    cli.ok("protocol", "acknowledge", held[0], "--note", "paper checked", "--as", "sup-dana")
    # a correction: V.004 without a reason, version 2 with one
    cli.refused(["V.004"], "protocol", "submit", str(EVERY / "protocol-correction-no-reason.json"))
    [corrected] = csv_rows(
        cli.ok("protocol", "submit", str(EVERY / "protocol-correction.json"), "-f", "csv")
    )
    assert corrected[1:4] == ["er-ps-303", "2", "accepted"]
    # the tie: no certification before the draw; a wrong draw; the recorded draw
    cli.refused(["T.008"], "certify", e, "er-tie", "--output", str(out / "never.html"))
    assert not (out / "never.html").exists()
    draw = ["--drawn-by", "TEC chair (synthetic)", "--drawn-at", "2025-07-22T11:00+05:00",
            "--witness", "Observer A (synthetic)"]  # fmt: skip
    cli.refused(["T.004"], "lots", "record", e, "er-tie", "--winner", "er-c03", *draw)
    cli.ok("lots", "record", e, "er-tie", "--winner", "er-c02", *draw,
           "--witness", "Proxy B (synthetic)")  # fmt: skip
    assert "W.002" in cli.ok("explain", "er-tie", "--election", e)
    explained = cli.ok("explain", "er-against-all", "--election", e)
    assert "W.005" in explained and "W.001" in explained
    withdrawn = cli.ok("explain", "er-withdrawal", "--election", e)
    assert "W.009" in withdrawn and "W.003" in withdrawn
    assert "printed: Ұзартылған Ерлан Мерзімұлы (self-nominated)" in withdrawn
    for okrug, lang in (
        ("er-tie", "kk"),
        ("er-plurality", "ru"),
        ("er-single-above", "en"),
        ("er-single-below", "en"),
        ("er-against-all", "ru"),
        ("er-withdrawal", "kk"),
    ):
        cli.certify(e, okrug, lang, out)
    page = (out / "er-withdrawal-every-rule-2025.html").read_text(encoding="utf-8")
    assert "жылжымалы жәшіктерде" in page and "113-6" in page


def every_rule_withdrawal_and_extension(cli: Cli, e: str) -> None:
    """er-c17 withdraws, one candidate is left, nomination is extended by 3 days, er-c18 is
    nominated in the extension and withdraws after the ballots were printed."""
    cli.ok("candidate", "withdraw", "er-c17", "--applied-at", "2025-06-26T09:00+05:00",
           "--ballots-not-printed")  # fmt: skip
    cli.refused(["S.007", "K.011"], "candidate", "withdraw", "er-c17",
                "--applied-at", "2025-06-27T09:00+05:00", "--ballots-not-printed")  # fmt: skip
    okrugs = [r for r in csv_rows(cli.ok("election", "calendar", e, "-f", "csv"))
              if r and r[0] == "okrugs"]  # fmt: skip
    assert ["okrugs", "er-withdrawal", "1", "too_few"] == next(
        r for r in okrugs if r[1] == "er-withdrawal"
    )[:4]
    cli.refused(["S.006", "K.010"], "election", "extend", e, "er-withdrawal", "--days", "6",
                "--decided-at", "2025-06-26T15:00+05:00")  # fmt: skip
    cli.ok("election", "extend", e, "er-withdrawal", "--days", "3",
           "--decided-at", "2025-06-26T15:00+05:00")  # fmt: skip
    calendar = cli.ok("election", "calendar", e, "--okrug", "er-withdrawal", "-f", "csv")
    assert "nomination_extended,2025-06-26T18:00:00+05:00,2025-06-29T18:00:00+05:00" in calendar
    decisions = csv_rows(cli.ok("candidate", "nominate", e,
                                str(EVERY / "candidates-extension.csv"), "-f", "csv"))  # fmt: skip
    assert {row[0]: row[1] for row in decisions} == {"er-c18": "registered", "er-c19": "refused"}
    cli.ok("candidate", "withdraw", "er-c18", "--applied-at", "2025-07-15T10:00+05:00",
           "--ballots-printed")  # fmt: skip
    cli.refused(["S.006", "K.010"], "election", "extend", e, "er-withdrawal", "--days", "1",
                "--decided-at", "2025-07-15T15:00+05:00")  # fmt: skip


def every_rule_double_entry(cli: Cli, out: Path) -> None:
    de = "every-rule-de-2025"
    folder = EVERY / "double-entry"
    create(cli, de, "2025-07-20", *TERM_2025, "--double-entry")
    cli.ok("election", "load", de, str(folder))
    cli.ok("candidate", "nominate", de, str(folder / "candidates.csv"))
    first = csv_rows(cli.ok("protocol", "submit", str(folder / "operator-1.json"),
                            "--as", "op-aigerim", "-f", "csv"))  # fmt: skip
    assert [row[3] for row in first] == ["awaiting_second"] * 2
    cli.refused(["V.006"], "protocol", "submit", str(folder / "operator-1.json"),
                "--as", "op-aigerim")  # fmt: skip
    second = csv_rows(cli.ok("protocol", "submit", str(folder / "operator-2.json"),
                             "--as", "op-bolat", "-f", "csv"))  # fmt: skip
    assert [row[3] for row in second] == ["accepted", "discrepancy"]
    assert second[1][5] == "invalid, votes.er-c13"
    right = next(row[0] for row in first if row[1] == "er-ps-702")
    cli.ok("protocol", "resolve", right, "--note", "paper checked", "--as", "sup-dana")
    cli.certify(de, "er-double", "en", out)


def every_rule_recall_and_by_election(cli: Cli, out: Path) -> None:
    by = "every-rule-by-2026"
    step = ["recall", "record", "er-plurality", "--akim", "er-c04"]
    cli.ok(*step, "--step", "council_request", "--date", "2025-11-10", "--body", "council")
    cli.refused(["R.004"], *step, "--step", "early_termination", "--date", "2025-11-12",
                "--outcome", "removed", "--body", "TEC")  # fmt: skip
    cli.ok(*step, "--step", "maslikhat_decision", "--date", "2025-12-05", "--outcome", "removed",
           "--body", "maslikhat")  # fmt: skip
    cli.ok(*step, "--step", "early_termination", "--date", "2025-12-08", "--outcome", "removed",
           "--body", "maslikhat")  # fmt: skip
    called = ["recall", "record", "er-plurality", "--step", "by_election_called",
              "--date", "2026-01-05", "--by-election", by, "--body", "TEC"]  # fmt: skip
    cli.refused(["R.006"], *called)
    # called more than a month after the early termination of 8 Dec 2025: late (K.001)
    cli.refused(["S.005", "K.001"], "election", "create", by, "--type", "rural_akim",
                "--date", "2026-03-15", "--terminated", "2025-12-08", "--called-on", "2026-01-20",
                "--territory", "KZ-15", *NAMES_X)  # fmt: skip
    create(cli, by, "2026-03-15", "--terminated", "2025-12-08", "--called-on", "2026-01-05")
    cli.ok(*called)
    steps = json.loads(cli.ok("recall", "show", "er-plurality", "-f", "json"))
    assert [s["step"] for s in steps] == [
        "council_request", "maslikhat_decision", "early_termination", "by_election_called",
    ]  # fmt: skip
    assert steps[-1]["by_election"] == by
    cli.ok("election", "load", by, str(EVERY / "by-election"))
    cli.ok("candidate", "nominate", by, str(EVERY / "by-election" / "candidates.csv"))
    cli.ok("protocol", "submit", str(EVERY / "by-election" / "protocols.json"))
    assert by in cli.ok("explain", "er-plurality")  # the latest election of the okrug
    cli.certify(by, "er-plurality", "kk", out)


def every_rule_finance(cli: Cli) -> None:
    e = "every-rule-2025"
    base = ["finance", "spend", e, "--commission", "er-tec"]
    cli.ok("finance", "allocate", e, "--commission", "er-tec", "--amount", "4500000",
           "--date", "2025-06-01", "--budget-line", "District budget (synthetic)")  # fmt: skip
    cli.ok("finance", "allowance", e, "--amount", "220000", "--date", "2025-06-01",
           "--source", "220,000 KZT per rural candidate in 2021 (inbusiness.kz)")  # fmt: skip
    cli.refused(["F.002"], "finance", "allocate", e, "--commission", "er-pec-201",
                "--amount", "100000", "--date", "2025-06-01")  # fmt: skip
    cli.ok(*base, "--item", "ballots", "--amount", "650000", "--date", "2025-07-01")
    cli.ok(*base, "--item", "commission_pay", "--amount", "2100000.50", "--date", "2025-07-25")
    cli.ok(*base, "--item", "premises", "--amount", "300000", "--okrug", "er-tie",
           "--date", "2025-07-19")  # fmt: skip
    cli.ok(*base, "--item", "transport", "--amount", "180000", "--okrug", "er-single-below",
           "--date", "2025-07-20")  # fmt: skip
    cli.refused(["F.005"], *base, "--item", "publicity", "--amount", "2000000",
                "--date", "2025-07-26")  # fmt: skip
    report = {
        (r[0], r[1]): (r[2], r[3]) for r in csv_rows(cli.ok("finance", "report", e, "-f", "csv"))
    }
    assert report[("election", e)] == ("450000000", "323000050")
    assert report[("item", "commission_pay")] == ("", "210000050")
    assert report[("okrug", "er-tie")] == ("", "30000000")
    # eleven candidates were registered (withdrawn ones included), 9,600 voters on the rolls
    assert report[("allowance", e)] == ("22000000", "242000000")
    assert report[("cost", e)] == ("", "565000050")
    assert report[("per_candidate", e)] == ("", "51363641")
    assert report[("per_voter", e)] == ("", "58854")


def test_every_rule_example(db_url, tmp_path):
    cli = Cli(db_url)
    out = tmp_path / "out"
    out.mkdir()
    every_rule_main_election(cli, out)
    every_rule_double_entry(cli, out)
    every_rule_recall_and_by_election(cli, out)
    every_rule_finance(cli)

    service = Saylau.open(db_url)
    try:
        check_certifications(
            service,
            "every-rule-2025",
            {
                "er-tie": ("elected", "er-c02"),
                "er-plurality": ("elected", "er-c04"),
                "er-single-above": ("elected", "er-c08"),
                "er-single-below": ("repeat_election", None),
                "er-against-all": ("elected", "er-c10"),
                "er-withdrawal": ("elected", "er-c16"),
            },
        )
        check_certifications(service, "every-rule-de-2025", {"er-double": ("elected", "er-c12")})
        check_certifications(service, "every-rule-by-2026", {"er-plurality": ("elected", "er-c15")})
        # Every election of the story publishes, and the independent verifier finds its record
        # honest (the recall and by-election included).
        for code in ("every-rule-2025", "every-rule-de-2025", "every-rule-by-2026"):
            published = publish(service, tmp_path / "record" / code, code)
            report = verify_publication(published.folder)
            assert report.problems == [], [p.message() for p in report.problems]
        with service.session() as session:
            for code in ("every-rule-2025", "every-rule-de-2025", "every-rule-by-2026"):
                election = session.get(ElectionRow, code)
                assert election.synthetic and "synthetic" in election.name_en
            # the tie and its draw
            tie = json.loads(results.certification(session, "every-rule-2025", "er-tie").record)
            assert [c["votes"] for c in tie["candidates"]] == [600, 600]
            assert tie["lot_draw"]["tied"] == ["er-c01", "er-c02"]
            assert tie["lot_draw"]["drawn_at"] == "2025-07-22T11:00:00+05:00"
            assert tie["trace"][-1] == "W.002"
            [draw] = session.scalars(select(LotDrawRow)).all()
            assert draw.winner == "er-c02"
            # the repeat election and its reason; against all leading, informational
            below = json.loads(
                results.certification(session, "every-rule-2025", "er-single-below").record
            )
            assert below["repeat"]["reason"] == "single_candidate_below_threshold"
            against = json.loads(
                results.certification(session, "every-rule-2025", "er-against-all").record
            )
            assert against["against_all"] > max(c["votes"] for c in against["candidates"])
            assert "W.005" in against["trace"]
            # refusals with their rule codes; the appeal kept the first decision
            for candidate, code in (("er-c03", "K.002"), ("er-c06", "E.002"), ("er-c07", "E.009")):
                decision = nominations.latest_decision(session, candidate)
                assert decision.decision == "refused"
                assert [f["code"] for f in json.loads(decision.findings)] == [code]
            appeal = nominations.latest_decision(session, "er-c05")
            assert (appeal.decision, appeal.reason) == ("registered", "Appeal upheld")
            assert appeal.appeal_of is not None
            # the correction kept version 1
            versions = protocols.versions(session, "every-rule-2025", "er-ps-303")
            assert [(v.version, bool(v.correction_reason)) for v in versions] == [
                (1, False),
                (2, True),
            ]
            # double entry: the supervisor's choice counts
            statuses = sorted(
                (e.station, e.operator, e.status)
                for e in protocols.entries(session, "every-rule-de-2025")
            )
            assert statuses == [
                ("er-ps-701", "op-aigerim", "superseded"),
                ("er-ps-701", "op-bolat", "accepted"),
                ("er-ps-702", "op-aigerim", "accepted"),
                ("er-ps-702", "op-bolat", "superseded"),
            ]
            assert [s.step for s in recall.steps(session, "er-plurality")][-1] == (
                "by_election_called"
            )
            assert len(session.scalars(select(CertificationRow)).all()) == 8
            # home voting and the withdrawn candidate in the certified record
            record = json.loads(
                results.certification(session, "every-rule-2025", "er-withdrawal").record
            )
            assert record["home_voting"]["ballots_issued_outside"] == 60
            assert [w["code"] for w in record["withdrawn"]] == ["er-c18"]
            assert record["trace"][0] == "W.009"
        check_audit(cli, service)
    finally:
        service.engine.dispose()

    # what the law version's against_all_effect setting does (a what-if; nothing is written)
    what_if = load_what_if().what_if(db_url, "every-rule-2025", "er-against-all")
    [as_is, override] = what_if.values()
    assert "W.001" in as_is and "W.008" not in as_is
    assert "W.008" in override
