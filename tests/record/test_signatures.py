"""Commissions' keys and signed protocols: registered, verified before anything is stored, kept
in the record; every refusal names the rule and writes nothing."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from typer.testing import CliRunner

from saylau.administration import protocols
from saylau.administration.errors import AdminError
from saylau.administration.keys import CommissionSignature, add_commission_key
from saylau.cli import app
from saylau.domain.record import commission_protocol_body, signing_input
from saylau.publication.publish import publish
from saylau.security.actor import SYSTEM, Actor, Role
from saylau.service import Saylau
from saylau.store import audit, keys
from saylau.store.schema import ProtocolRow
from saylau.verify import verify_publication
from web.demo import load_demo, protocol_payloads

ELECTION = "demo-2025"


@pytest.fixture
def open_station(service: Saylau) -> Saylau:
    """The demo election with every protocol in but demo-ps-101's."""
    load_demo(service, stations=("demo-ps-102", "demo-ps-103", "demo-ps-104", "demo-ps-105"))
    return service


def _payload() -> dict[str, object]:
    return next(p for p in protocol_payloads() if p["station"] == "demo-ps-101")


def _sign(key: Ed25519PrivateKey, payload: dict[str, object], corrects: int = 0) -> str:
    protocol = protocols.parse(payload)
    body = commission_protocol_body(
        election=protocol.election,
        station=protocol.station,
        corrects=corrects,
        values=protocols.values_of(protocol),
        correction_reason=(protocol.correction_reason or "").strip() or None,
    )
    return base64.b64encode(key.sign(signing_input("commission-protocol", body))).decode()


def _register(service: Saylau, commission: str) -> tuple[Ed25519PrivateKey, str]:
    key = Ed25519PrivateKey.generate()
    with service.transaction() as session:
        row = add_commission_key(session, SYSTEM, commission, keys.public_b64(key.public_key()))
    return key, row.fingerprint


def _head(service: Saylau) -> int:
    with service.session() as session:
        return audit.head_seq(session)


def test_a_signed_protocol_is_accepted_and_its_signature_kept(open_station: Saylau,
                                                             tmp_path: Path) -> None:
    key, fingerprint = _register(open_station, "demo-pec-101")
    payload = _payload()
    with open_station.transaction() as session:
        result = protocols.submit(
            session, SYSTEM, protocols.parse(payload),
            signature=CommissionSignature(fingerprint, _sign(key, payload)),
        )
    assert result.status == "accepted"
    with open_station.session() as session:
        [version] = session.scalars(
            select(ProtocolRow).where(ProtocolRow.station == "demo-ps-101")
        ).all()
    assert version.commission_key == fingerprint and version.commission_signature
    folder = tmp_path / "record"
    publish(open_station, folder, ELECTION)
    assert verify_publication(folder).problems == []


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("other_commission", "G.005"),
        ("changed_values", "G.006"),
        ("unknown_key", "G.004"),
        ("wrong_version", "G.006"),
        ("garbage", "G.006"),
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_written(open_station: Saylau, case: str,
                                                          code: str) -> None:
    key, fingerprint = _register(open_station, "demo-pec-101")
    other_key, other = _register(open_station, "demo-pec-104")
    payload = _payload()
    signature = CommissionSignature(fingerprint, _sign(key, payload))
    submitted = payload
    match case:
        case "other_commission":
            signature = CommissionSignature(other, _sign(other_key, payload))
        case "changed_values":
            submitted = {**payload, "invalid": int(payload["invalid"]) + 1,  # type: ignore[arg-type]
                         "ballots_in_boxes": payload["ballots_in_boxes"]}
            submitted["votes"] = {**payload["votes"]}  # type: ignore[dict-item]
            submitted["votes"]["demo-c03"] -= 1  # type: ignore[index]
        case "unknown_key":
            signature = CommissionSignature("0" * 64, signature.value)
        case "wrong_version":
            signature = CommissionSignature(fingerprint, _sign(key, payload, corrects=3))
        case "garbage":
            signature = CommissionSignature(fingerprint, "not base64 at all")
    before = _head(open_station)
    with pytest.raises(AdminError) as caught, open_station.transaction() as session:
        protocols.submit(session, SYSTEM, protocols.parse(submitted), signature=signature)
    assert caught.value.code == code
    assert caught.value.field == "signature"
    assert caught.value.message("ru") and caught.value.message("kk")
    assert _head(open_station) == before


def test_a_stale_correction_is_refused(open_station: Saylau) -> None:
    payload = _payload()
    with open_station.transaction() as session:
        protocols.submit(session, SYSTEM, protocols.parse(payload))
    stale = {**payload, "correction_reason": "Recount", "corrects": 0}
    with pytest.raises(AdminError) as caught, open_station.transaction() as session:
        protocols.submit(session, SYSTEM, protocols.parse(stale))
    assert caught.value.code == "G.008" and caught.value.params["current"] == 1
    for bad in (True, -1, 1.0):
        with pytest.raises(AdminError) as caught:
            protocols.parse({**payload, "corrects": bad})
        assert caught.value.code == "V.001"


def test_malformed_signature_field_is_refused() -> None:
    for bad in ("x", {"key": "a"}, {"key": 1, "value": "b"}, {"key": "a", "value": "b", "c": 1}):
        with pytest.raises(AdminError) as caught:
            protocols.parse_signed({**_payload(), "signature": bad})
        assert caught.value.code == "G.007"


def test_key_registration_refusals(open_station: Saylau) -> None:
    _, fingerprint = _register(open_station, "demo-pec-101")
    public = Ed25519PrivateKey.generate().public_key()
    cases = [
        (SYSTEM, "no-such-commission", keys.public_b64(public), "G.001"),
        (SYSTEM, "demo-pec-101", "not a key", "G.002"),
        (SYSTEM, "demo-pec-101", base64.b64encode(b"short").decode(), "G.002"),
        (Actor("tec-other", Role.TERRITORIAL, "KZ-75"), "demo-pec-101",
         keys.public_b64(public), "X.002"),
        (Actor("op", Role.OPERATOR, "demo-ps-101"), "demo-pec-101", keys.public_b64(public),
         "X.001"),
    ]
    with open_station.session() as session:
        existing = keys.key_of(session, keys.COMMISSION, "demo-pec-101")
        assert existing is not None
        cases.append((SYSTEM, "demo-pec-102", existing.public_key, "G.003"))
    before = _head(open_station)
    for actor, commission, public_key, code in cases:
        with pytest.raises(AdminError) as caught, open_station.transaction() as session:
            add_commission_key(session, actor, commission, public_key)
        assert caught.value.code == code, (commission, public_key)
    assert _head(open_station) == before
    assert fingerprint


def test_the_commission_client_workflow_on_the_command_line(open_station: Saylau,
                                                            tmp_path: Path) -> None:
    """Register a key pair for a commission, sign its protocol offline, submit it."""
    url = open_station.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    private = tmp_path / "pec-101.pem"
    added = runner.invoke(app, ["key", "add", "demo-pec-101", "--private-key-out", str(private),
                                "--db", url])
    assert added.exit_code == 0, added.output
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    again = runner.invoke(app, ["key", "add", "demo-pec-101", "--private-key-out", str(private),
                                "--db", url])
    assert again.exit_code == 2 and "never overwrites" in again.stderr
    both = runner.invoke(app, ["key", "add", "demo-pec-101", "--db", url])
    assert both.exit_code == 2
    listed = runner.invoke(app, ["key", "list", "--db", url, "--format", "json"])
    assert any(k["owner"] == "demo-pec-101" for k in json.loads(listed.stdout))
    source = tmp_path / "p.json"
    source.write_text(json.dumps([_payload()], ensure_ascii=False), encoding="utf-8")
    signed = tmp_path / "signed.json"
    result = runner.invoke(app, ["key", "sign", str(source), "--key", str(private),
                                 "--output", str(signed)])
    assert result.exit_code == 0, result.output
    submitted = runner.invoke(app, ["protocol", "submit", str(signed), "--db", url])
    assert submitted.exit_code == 0, submitted.output
    assert "accepted" in submitted.stdout
    tampered = json.loads(signed.read_text())
    tampered[0]["invalid"] += 1
    signed.write_text(json.dumps(tampered), encoding="utf-8")
    refused = runner.invoke(app, ["protocol", "submit", str(signed), "--db", url, "--lang", "ru"])
    assert refused.exit_code == 2 and "G.00" in refused.stderr


def test_the_final_protocol_prints_the_election_keys_fingerprint(service: Saylau) -> None:
    from saylau.domain.record import fingerprint_for_paper
    from saylau.reports import final_protocol

    load_demo(service, certify=("demo-zhanaauyl",))
    with service.session() as session:
        key = keys.key_of(session, keys.ELECTION, ELECTION)
        assert key is not None
        doc = final_protocol.document(session, ELECTION, "demo-zhanaauyl", "ru")
    assert doc.key_fingerprint == fingerprint_for_paper(key.fingerprint)
