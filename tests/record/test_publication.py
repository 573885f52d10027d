"""``saylau publish`` and the independent ``saylau verify``: an honest record verifies on both
databases, every tamper case of a publication is caught, bad folders get clear answers."""

from __future__ import annotations

import base64
import itertools
import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from saylau.administration import protocols
from saylau.administration.keys import add_commission_key
from saylau.cli import app
from saylau.domain.record import commission_protocol_body, signing_input
from saylau.publication.publish import PublishError, publish
from saylau.security.actor import SYSTEM
from saylau.service import Saylau
from saylau.store import keys
from saylau.verify import verify_publication

from .conftest import attacker

ELECTION = "demo-2025"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "demo-election"


def _codes(folder: Path, **kwargs: object) -> set[str]:
    return {p.code for p in verify_publication(folder, **kwargs).problems}  # type: ignore[arg-type]


@pytest.fixture
def published(demo: Saylau, tmp_path: Path) -> Path:
    folder = tmp_path / "record"
    publish(demo, folder, ELECTION)
    return folder


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def test_honest_publication_verifies(published: Path) -> None:
    report = verify_publication(published)
    assert report.problems == [], [p.message() for p in report.problems]
    assert report.election == ELECTION
    assert report.protocols == 5 and report.okrugs == 3 and report.certifications == 1
    names = {p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()}
    assert {"manifest.json", "keys.json", "checkpoint.json", "audit.jsonl", "stations.json",
            "okrugs.json", "candidates.json", "election.json", "results/levels.json",
            "results/demo-zhanaauyl.json", "protocols/demo-ps-101/v1.json"} <= names
    result = CliRunner().invoke(app, ["verify", str(published), "--lang", "kk"])
    assert result.exit_code == 0, result.output
    assert "Мәселе табылмады" in result.stdout


def test_publication_holds_no_personal_data(demo: Saylau, published: Path) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in published.rglob("*") if p.is_file())
    for secret in ("argon2", "password_hash", "unexpunged_criminal_record", "127.0.0.1"):
        assert secret not in text
    # Candidates' dates of birth (the refusal of an under-age candidate names the rule, not
    # the date).
    births = [line.split(",")[5] for line in (EXAMPLES / "candidates.csv").read_text(
        encoding="utf-8").splitlines()[1:]]
    assert births and not [b for b in births if b in text]
    for line in (published / "audit.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        assert set(entry) >= {"actor", "private"} and len(entry["private"]) == 64


def test_the_log_lines_are_the_hashed_bytes(published: Path) -> None:
    import hashlib

    lines = (published / "audit.jsonl").read_bytes().split(b"\n")[:-1]
    checkpoint = json.loads((published / "checkpoint.json").read_text())
    assert hashlib.sha256(lines[-1]).hexdigest() == checkpoint["head"]
    for before, after in itertools.pairwise(lines):
        assert json.loads(after)["prev"] == hashlib.sha256(before).hexdigest()


def test_edited_total_is_caught(published: Path) -> None:
    def change(data: dict) -> None:
        data["totals"]["votes"]["demo-c01"] += 5000

    _edit(published / "results" / "demo-zhanaauyl.json", change)
    report = verify_publication(published)
    assert {"P.004", "P.040"} <= {p.code for p in report.problems}
    problem = next(p for p in report.problems if p.code == "P.040")
    assert problem.params["field"] == "votes.demo-c01"
    assert problem.params["found"] == problem.params["expected"] + 5000


def test_edited_winner_in_results_is_caught(published: Path) -> None:
    def change(data: dict) -> None:
        data["outcome"]["winner"] = "demo-c02"

    _edit(published / "results" / "demo-zhanaauyl.json", change)
    assert "P.041" in _codes(published)


def test_deleted_protocol_file_is_caught(published: Path) -> None:
    (published / "protocols" / "demo-ps-102" / "v1.json").unlink()
    assert {"P.002", "P.021"} <= _codes(published)


def test_edited_manifest_is_caught(published: Path) -> None:
    def change(data: dict) -> None:
        data["files"] = [f for f in data["files"] if f["path"] != "stations.json"]

    _edit(published / "manifest.json", change)
    codes = _codes(published)
    assert "P.006" in codes and "P.005" in codes


def test_replaced_signature_is_caught(published: Path) -> None:
    other = json.loads((published / "protocols/demo-ps-104/v1.json").read_text())

    def change(data: dict) -> None:
        data["signature"] = other["signature"]

    _edit(published / "protocols" / "demo-ps-101" / "v1.json", change)
    assert {"P.004", "P.050"} <= _codes(published)


def test_edited_log_line_is_caught(published: Path) -> None:
    path = published / "audit.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace('"actor":"system"', '"actor":"someone"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert {"P.004", "P.012"} <= _codes(published)


def test_reordered_log_lines_are_caught(published: Path) -> None:
    path = published / "audit.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4], lines[5] = lines[5], lines[4]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert {"P.011", "P.012"} <= _codes(published)


def test_truncated_log_is_caught_by_the_checkpoint_and_a_kept_one(published: Path,
                                                                  tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    shutil.copy(published / "checkpoint.json", kept)
    path = published / "audit.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")
    assert "P.013" in _codes(published)
    since = json.loads(kept.read_text())
    assert "P.017" in _codes(published, since=since)
    result = CliRunner().invoke(app, ["verify", str(published), "--since", str(kept)])
    assert result.exit_code == 1 and "P.017" in result.stdout


def test_a_later_publication_extends_a_kept_checkpoint(demo: Saylau, published: Path,
                                                       tmp_path: Path) -> None:
    kept = json.loads((published / "checkpoint.json").read_text())
    with demo.transaction() as session:
        from saylau.administration import results

        results.certify(session, SYSTEM, ELECTION, "demo-kokterek")
    later = tmp_path / "later"
    publish(demo, later, ELECTION)
    assert verify_publication(later, since=kept).problems == []
    forged = {**kept, "head": "0" * 64}
    assert {"P.016", "P.018"} <= _codes(later, since=forged)


def test_protocol_signed_with_another_commissions_key_is_caught(demo: Saylau,
                                                                 published: Path) -> None:
    key = Ed25519PrivateKey.generate()
    with demo.transaction() as session:
        row = add_commission_key(session, SYSTEM, "demo-pec-104", keys.public_b64(key.public_key()))
    values = json.loads((published / "protocols/demo-ps-101/v1.json").read_text())["values"]
    body = commission_protocol_body(election=ELECTION, station="demo-ps-101", corrects=1,
                                    values=values, correction_reason="Recount")
    signature = base64.b64encode(key.sign(signing_input("commission-protocol", body))).decode()
    fake = {
        "election": ELECTION, "station": "demo-ps-101", "version": 2, "values": values,
        "correction_reason": "Recount", "entered_at": "2025-07-21T10:00:00.000000Z",
        "signature": None,
        "commission_signature": {"key": row.fingerprint, "value": signature},
    }
    (published / "protocols/demo-ps-101/v2.json").write_text(json.dumps(fake), encoding="utf-8")
    assert {"P.015", "P.022"} <= _codes(published)


def test_bad_folders_get_clear_answers(tmp_path: Path, published: Path) -> None:
    missing = tmp_path / "nothing-here"
    assert _codes(missing) == {"P.001"}
    result = CliRunner().invoke(app, ["verify", str(missing), "--lang", "ru"])
    assert result.exit_code == 1 and "папки не существует" in result.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    report = verify_publication(empty)
    assert {p.params.get("file") for p in report.problems if p.code == "P.002"} >= {
        "manifest.json", "audit.jsonl", "keys.json"}
    (published / "stations.json").write_text('[{"code": "x",\n "number": }]', encoding="utf-8")
    report = verify_publication(published)
    parse = next(p for p in report.problems if p.code == "P.003")
    assert parse.params["file"] == "stations.json" and parse.params["line"] == 2
    (published / "audit.jsonl").write_bytes(b'{"seq": 1, "seq": 2}\n\xff\n')
    report = verify_publication(published)
    assert [p.params["line"] for p in report.problems if p.code == "P.003"][:2] == [1, 2]
    result = CliRunner().invoke(app, ["verify", str(published), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["ok"] is False
    bad = CliRunner().invoke(app, ["verify", str(published), "--format", "xml"])
    assert bad.exit_code == 2 and "--format" in bad.stderr


def test_a_record_that_does_not_hold_is_not_published(demo: Saylau, tmp_path: Path) -> None:
    with attacker(demo) as connection:
        from sqlalchemy import text

        connection.execute(text("UPDATE protocol_vote SET votes = votes + 1"))
    with pytest.raises(PublishError) as caught:
        publish(demo, tmp_path / "no", ELECTION)
    assert caught.value.code == "P.102" and caught.value.problems
    assert not (tmp_path / "no").exists()
    url = demo.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["publish", str(tmp_path / "no"), "--db", url])
    assert result.exit_code == 1 and "P.102" not in result.stdout
    assert "saylau db verify" in result.stderr


test_a_record_that_does_not_hold_is_not_published = pytest.mark.tampers(
    test_a_record_that_does_not_hold_is_not_published
)


def test_publish_cli_every_election_and_unknown_election(demo: Saylau, tmp_path: Path) -> None:
    url = demo.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["publish", str(tmp_path / "all"), "--db", url])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "all" / ELECTION / "manifest.json").is_file()
    result = CliRunner().invoke(app, ["publish", str(tmp_path / "x"), "--election", "nope",
                                      "--db", url, "--lang", "kk"])
    assert result.exit_code in (1, 2) and "nope" in result.stderr


def test_a_correction_and_a_signed_protocol_verify(demo: Saylau, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    with demo.transaction() as session:
        row = add_commission_key(session, SYSTEM, "demo-pec-101",
                                 keys.public_b64(key.public_key()))
    payload = json.loads((Path(__file__).resolve().parents[2] / "examples" / "demo-election"
                          / "protocols.json").read_text())[0]
    payload = {**payload, "invalid": payload["invalid"] + 2, "ballots_in_boxes":
               payload["ballots_in_boxes"], "correction_reason": "Recount by decision 7",
               "corrects": 1}
    payload["votes"] = {**payload["votes"], "demo-c03": payload["votes"]["demo-c03"] - 2}
    protocol = protocols.parse(payload)
    body = commission_protocol_body(election=ELECTION, station="demo-ps-101", corrects=1,
                                    values=protocols.values_of(protocol),
                                    correction_reason="Recount by decision 7")
    signature = base64.b64encode(key.sign(signing_input("commission-protocol", body))).decode()
    with demo.transaction() as session:
        protocols.submit(session, SYSTEM, protocol,
                         signature=protocols.CommissionSignature(row.fingerprint, signature))
    folder = tmp_path / "record"
    publish(demo, folder, ELECTION)
    report = verify_publication(folder)
    # The okrug was certified before the correction: the verifier says the count moved.
    assert {p.code for p in report.problems} == {"P.046"}
    data = json.loads((folder / "protocols/demo-ps-101/v2.json").read_text())
    assert data["commission_signature"]["key"] == row.fingerprint


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every path to a scalar inside a JSON value."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, (*prefix, k))] or [prefix]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _paths(v, (*prefix, i))] or [prefix]
    return [prefix]


def _set(value: object, path: tuple, new: object) -> object:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)  # type: ignore[call-overload]
    copy[head] = _set(copy[head], rest, new)  # type: ignore[index]
    return copy


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One honest publication of the demo election (SQLite), copied by each example."""
    from web.demo import load_demo

    folder = tmp_path_factory.mktemp("pristine")
    service = Saylau.open(str(folder / "db.sqlite"))
    load_demo(service, certify=("demo-zhanaauyl",))
    publish(service, folder / "record", ELECTION)
    service.engine.dispose()
    return folder / "record"


def test_verify_answers_any_damage_with_problems_never_a_traceback(pristine: Path,
                                                                    tmp_path: Path) -> None:
    """Hypothesis changes one value anywhere in any published JSON file (or a byte of the log):
    the verifier always answers with a report, and it always finds the change."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    files = sorted(p.relative_to(pristine).as_posix() for p in pristine.rglob("*.json"))
    replacement = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.text(max_size=8),
                            st.lists(st.integers(), max_size=2), st.dictionaries(
                                st.text(max_size=3), st.integers(), max_size=2))

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sampled_from([*files, "audit.jsonl"]), st.integers(0, 10**6), replacement,
           st.integers(0, 10**6))
    def damage(name: str, pick: int, new: object, byte: int) -> None:
        target = tmp_path / f"case-{pick}-{byte}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(pristine, target)
        path = target / name
        if name == "audit.jsonl":
            data = bytearray(path.read_bytes())
            at = byte % len(data)
            changed = (data[at] + 1 + pick % 254) % 256
            if changed == data[at]:
                return
            data[at] = changed
            path.write_bytes(bytes(data))
        else:
            value = json.loads(path.read_text(encoding="utf-8"))
            options = _paths(value)
            where = options[pick % len(options)]
            damaged = _set(value, where, new)
            if damaged == value:
                return
            path.write_text(json.dumps(damaged, ensure_ascii=False), encoding="utf-8")
        report = verify_publication(target)
        assert report.problems, (name, pick)
        for problem in report.problems:
            problem.message("kk")
        shutil.rmtree(target)

    damage()
