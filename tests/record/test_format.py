"""The record's byte formats: canonical JSON, entry hashes, signature inputs, pinned fields, and
the test vectors of docs/record.md."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from saylau.domain import record
from saylau.domain.record import (
    ENTRY_FIELDS,
    GENESIS,
    SIGNED_FIELDS,
    RecordFormatError,
    canonical_json,
    entry_hash,
    signing_input,
    verify_signature,
)
from saylau.service import Saylau
from saylau.store import audit
from saylau.store.schema import AuditRow

DOC = Path(__file__).resolve().parents[2] / "docs" / "record.md"
SEED = bytes(range(32))  # the test key of docs/record.md


def vector_entry() -> dict[str, object]:
    private = canonical_json({"account": "operator-1", "state": []})
    return record.entry_object(
        seq=1,
        at="2025-07-20T15:00:00.000000Z",
        actor="demo-tec",
        action="protocol.accept",
        entity="protocol",
        entity_id="demo-2025/demo-ps-101/v1",
        election="demo-2025",
        payload={"entry": 1},
        state=[
            {
                "table": "protocol_vote",
                "key": {"protocol": 1, "candidate": "demo-c01"},
                "row": {"protocol": 1, "candidate": "demo-c01", "votes": 602},
            }
        ],
        private_sha256=record.sha256_hex(private),
        prev=GENESIS,
    )


VECTOR_HASH = "c8988ee91c8b4988097902694e2b44bb69565e73d2ffcdb151385065067ca942"
VECTOR_PUBLIC = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="
VECTOR_FINGERPRINT = "56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c"
VECTOR_SIGNATURE = (
    "VQgud2BzcFLjHmmF14eeSwdslOqKCzBk5cKqIJ1Q1WzKo5fWUVN65KWxjxI5OtzycNuUtXAEa10uzxilFUX/CQ=="
)


def test_canonical_json_sorts_keys_keeps_text_and_has_no_spaces() -> None:
    assert canonical_json({"b": 1, "a": "ә", "c": [True, None]}) == (
        '{"a":"ә","b":1,"c":[true,null]}'
    )
    assert canonical_json({"t": "a\nb\"c\\"}) == '{"t":"a\\nb\\"c\\\\"}'
    assert canonical_json({"t": "\x01"}) == '{"t":"\\u0001"}'


@pytest.mark.parametrize(
    "value", [1.5, {"x": 0.0}, [float("nan")], {1: "a"}, {"d": dt.date.today()}]
)
def test_canonical_json_refuses_what_has_no_canonical_form(value: object) -> None:
    with pytest.raises(RecordFormatError):
        canonical_json(value)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_canonical_json_round_trips(value: object) -> None:
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text


def test_the_vectors_of_docs_record_md() -> None:
    entry = vector_entry()
    assert entry_hash(entry) == VECTOR_HASH
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert base64.b64encode(raw).decode() == VECTOR_PUBLIC
    assert record.key_fingerprint(raw) == VECTOR_FINGERPRINT
    body = record.checkpoint_body(
        seq=1, head=VECTOR_HASH, at="2025-07-20T15:00:00.100000Z", key=VECTOR_FINGERPRINT
    )
    data = signing_input("checkpoint", body)
    assert data.startswith(b"saylau/checkpoint/v1\n{")
    signature = base64.b64encode(key.sign(data)).decode()
    assert signature == VECTOR_SIGNATURE  # Ed25519 is deterministic
    assert verify_signature(VECTOR_PUBLIC, signature, data)
    doc = DOC.read_text(encoding="utf-8")
    for value in (VECTOR_HASH, VECTOR_PUBLIC, VECTOR_FINGERPRINT, VECTOR_SIGNATURE,
                  canonical_json(entry)):
        assert value in doc, f"docs/record.md must show {value}"


@pytest.mark.parametrize("field", ENTRY_FIELDS)
def test_every_field_of_an_entry_is_hashed(field: str) -> None:
    entry = vector_entry()
    changed = dict(entry)
    original = changed[field]
    if isinstance(original, int):
        changed[field] = original + 1
    elif isinstance(original, str):
        changed[field] = original + "x"
    elif isinstance(original, dict):
        changed[field] = {**original, "x": 1}
    elif isinstance(original, list):
        changed[field] = [*original, {"x": 1}]
    else:
        changed[field] = "x"
    assert entry_hash(changed) != entry_hash(entry)
    missing = {k: v for k, v in entry.items() if k != field}
    with pytest.raises(RecordFormatError):
        entry_hash(missing)
    with pytest.raises(RecordFormatError):
        entry_hash({**entry, "extra": 1})


def _body(kind: str) -> dict[str, object]:
    return {name: f"{kind}-{name}" for name in SIGNED_FIELDS[kind]}


@pytest.mark.parametrize(
    ("kind", "field"), [(k, f) for k, fields in SIGNED_FIELDS.items() for f in fields]
)
def test_every_field_of_a_signature_input_is_signed(kind: str, field: str) -> None:
    body = _body(kind)
    data = signing_input(kind, body)
    assert signing_input(kind, {**body, field: "other"}) != data
    with pytest.raises(RecordFormatError):
        signing_input(kind, {k: v for k, v in body.items() if k != field})
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    signature = base64.b64encode(key.sign(data)).decode()
    assert verify_signature(VECTOR_PUBLIC, signature, data)
    assert not verify_signature(VECTOR_PUBLIC, signature, signing_input(kind, {**body, field: 1}))


def test_signature_kinds_are_separated() -> None:
    body = {name: "x" for name in SIGNED_FIELDS["checkpoint"]}
    assert signing_input("checkpoint", body).startswith(b"saylau/checkpoint/v1\n")
    with pytest.raises(RecordFormatError):
        signing_input("protocol", body)


def test_signature_checks_refuse_garbage() -> None:
    assert not verify_signature("not base64!", "AAAA", b"x")
    assert not verify_signature(VECTOR_PUBLIC, "%%%", b"x")
    assert not verify_signature(VECTOR_PUBLIC, base64.b64encode(b"1" * 64).decode(), b"x")


@pytest.mark.parametrize(
    "column", ["seq", "at", "actor", "action", "entity", "entity_id", "election", "payload",
               "state", "private", "prev_hash"]
)
def test_every_column_of_a_stored_entry_is_in_its_hash(sqlite_service: Saylau,
                                                       column: str) -> None:
    """The stored row's hash must change with any column (catches a column left out)."""
    with sqlite_service.session() as session:
        row = session.get(AuditRow, 1)
        assert row is not None
        digest = entry_hash(audit.entry_of(row))
        assert digest == row.hash
        values = {c.name: getattr(row, c.name) for c in AuditRow.__table__.columns}
    changed = dict(values)
    value = changed[column]
    if column == "at":
        changed[column] = value + dt.timedelta(microseconds=1)
    elif column in ("payload", "state", "private"):
        loaded = json.loads(value)
        changed[column] = canonical_json(
            {**loaded, "x": 1} if isinstance(loaded, dict) else [*loaded, {"x": 1}]
        )
    elif isinstance(value, int):
        changed[column] = value + 1
    else:
        changed[column] = (value or "") + "x"
    assert entry_hash(audit.entry_of(AuditRow(**changed))) != digest


def test_paper_fingerprint_groups() -> None:
    assert record.fingerprint_for_paper("ab12cd34ef") == "AB12 CD34 EF"


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(
    st.integers(1, 10**9), st.text(), st.text(), st.text(), st.text(), st.none() | st.text(),
    st.dictionaries(st.text(), JSONISH, max_size=3), st.lists(JSONISH, max_size=3),
)
def test_entry_bytes_from_stored_texts_are_the_canonical_entry(
    seq, actor, action, entity, entity_id, election, payload, state
) -> None:
    """The store hashes entries assembled from their stored canonical texts; the result must
    be byte for byte the canonical JSON of the entry object that docs/record.md specifies."""
    fields = {"seq": seq, "at": "2025-07-20T15:00:00.000000Z", "actor": actor,
              "action": action, "entity": entity, "entity_id": entity_id,
              "election": election, "private_sha256": "a" * 64, "prev": GENESIS}
    assembled = record.entry_bytes(
        **fields, payload_text=canonical_json(payload), state_text=canonical_json(state)
    )
    expected = record.canonical_bytes(record.entry_object(**fields, payload=payload, state=state))
    assert assembled == expected
    assert record.loads_strict(assembled) == json.loads(expected)


def test_strict_parsing_refuses_floats() -> None:
    for text in ('{"a": 1.0}', '[1e5]', '[NaN]', '[Infinity]'):
        with pytest.raises(RecordFormatError):
            record.loads_strict(text)
    assert record.loads_strict('{"a": [1, -2, "x"]}') == {"a": [1, -2, "x"]}
