"""The election record's byte formats: canonical JSON, entry hashes, signature inputs.

Everything here is specified byte for byte in ``docs/record.md`` so that anyone can write a
verifier of their own. The producer (``saylau.store``) and the independent verifier
(``saylau.verify``) both use these functions, and nothing else decides what is hashed or
signed. Pure: no I/O, no keys.

* **Canonical JSON**: UTF-8; object keys sorted by code point; no insignificant whitespace
  (separators ``,`` and ``:``); strings as JSON strings with only ``"``, ``\\`` and control
  characters escaped (``\\n``, ``\\t``, ... or ``\\u00XX`` in lowercase hex); non-ASCII text kept
  as is; numbers are integers only (no floats, no exponents); ``true``/``false``/``null``.
* **Entry hash**: SHA-256 (lowercase hex) of the canonical JSON of the entry object, whose
  fields are :data:`ENTRY_FIELDS`. ``prev`` is the previous entry's hash (:data:`GENESIS` for the
  first), so every hash covers the whole history before it.
* **Signature input**: ``b"saylau/" + kind + b"/v1\\n" + canonical JSON of the body`` signed with
  Ed25519; a signature is published as standard base64 of its 64 bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

FORMAT = "saylau-record/1"
GENESIS = "0" * 64

#: The fields of an entry object, every one of them hashed.
ENTRY_FIELDS: tuple[str, ...] = (
    "action",
    "actor",
    "at",
    "election",
    "entity",
    "entity_id",
    "payload",
    "prev",
    "private",
    "seq",
    "state",
)

#: What each kind of signature covers (the body's fields, every one signed).
SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    "checkpoint": ("at", "head", "key", "seq"),
    "protocol": (
        "commission_key",
        "commission_signature",
        "correction_reason",
        "election",
        "station",
        "values",
        "version",
    ),
    "commission-protocol": ("correction_reason", "corrects", "election", "station", "values"),
    "certification": (
        "certified_at",
        "certified_by",
        "contest",
        "outcome",
        "sha256",
        "winner",
    ),
    "manifest": ("checkpoint", "election", "files", "format", "keys"),
}

#: Tables whose every row is personal or secret: their state is only in an entry's private part.
PRIVATE_TABLES: frozenset[str] = frozenset({"account", "api_token"})

#: Columns that name a person's account or hold personal data: only in the private part.
PRIVATE_COLUMNS: dict[str, frozenset[str]] = {
    "protocol_entry": frozenset({"operator", "decided_by"}),
    "nomination_decision": frozenset({"decided_by", "facts"}),
    "candidate": frozenset({"birth_date"}),
    "lot_draw": frozenset({"recorded_by"}),
    "recall_step": frozenset({"recorded_by"}),
    "election_setup": frozenset({"created_by"}),
    "election_step": frozenset({"recorded_by"}),
    "campaign_allowance": frozenset({"recorded_by"}),
}


#: Columns of a stored protocol version that describe it rather than count ballots; every other
#: column is a count and goes into ``values`` (with the votes by candidate).
PROTOCOL_META: frozenset[str] = frozenset(
    {
        "id",
        "station",
        "election",
        "version",
        "correction_reason",
        "entered_at",
        "signed_by",
        "signature",
        "commission_key",
        "commission_signature",
    }
)


class RecordFormatError(ValueError):
    """A value that has no canonical form (a float, a non-string key, ...)."""


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        return
    if isinstance(value, float):
        raise RecordFormatError(f"{path}: floats have no canonical form; use integers")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise RecordFormatError(f"{path}: object keys must be strings, not {key!r}")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    raise RecordFormatError(f"{path}: {type(value).__name__} has no canonical form")


def canonical_json(value: Any) -> str:
    """The canonical JSON text of ``value`` (see the module docstring)."""
    _check(value, "$")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_bytes(value: Any) -> bytes:
    """The canonical JSON of ``value`` as UTF-8 bytes."""
    return canonical_json(value).encode("utf-8")


def dumps_unchecked(value: Any) -> str:
    """Canonical JSON of a value already known to hold no float (parsed with
    :func:`loads_strict`, or built from database columns): the check is skipped."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _no_float(text: str) -> Any:
    raise RecordFormatError(f"{text}: floats have no canonical form; use integers")


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON, refusing floats, exponents, NaN and infinities (no canonical form)."""
    return json.loads(text, parse_float=_no_float, parse_constant=_no_float)


def entry_bytes(
    *,
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    election: str | None,
    payload_text: str,
    state_text: str,
    private_sha256: str,
    prev: str,
) -> bytes:
    """The canonical bytes of an entry, assembled from the canonical texts of its payload and
    state (as the database stores them) without parsing them again; equal to
    ``canonical_bytes(entry_object(...))`` when those texts are canonical."""

    def text(value: str | None) -> str:
        return json.dumps(value, ensure_ascii=False)

    return (
        f'{{"action":{text(action)},"actor":{text(actor)},"at":{text(at)},'
        f'"election":{text(election)},"entity":{text(entity)},"entity_id":{text(entity_id)},'
        f'"payload":{payload_text},"prev":{text(prev)},"private":{text(private_sha256)},'
        f'"seq":{int(seq)},"state":{state_text}}}'
    ).encode()


def sha256_hex(data: bytes | str) -> str:
    """SHA-256 in lowercase hex (text is hashed as UTF-8)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def entry_object(
    *,
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    election: str | None,
    payload: Mapping[str, Any],
    state: list[Mapping[str, Any]],
    private_sha256: str,
    prev: str,
) -> dict[str, Any]:
    """The object whose canonical bytes are hashed (and published as one line)."""
    return {
        "action": action,
        "actor": actor,
        "at": at,
        "election": election,
        "entity": entity,
        "entity_id": entity_id,
        "payload": dict(payload),
        "prev": prev,
        "private": private_sha256,
        "seq": seq,
        "state": list(state),
    }


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The hash of an entry object; refuses an object without exactly :data:`ENTRY_FIELDS`."""
    if tuple(sorted(entry)) != ENTRY_FIELDS:
        raise RecordFormatError(
            f"an entry has exactly the fields {', '.join(ENTRY_FIELDS)}; got {', '.join(entry)}"
        )
    return sha256_hex(canonical_bytes(entry))


def signing_input(kind: str, body: Mapping[str, Any]) -> bytes:
    """The bytes an Ed25519 signature of ``kind`` covers; ``body`` must have its fields."""
    fields = SIGNED_FIELDS.get(kind)
    if fields is None:
        raise RecordFormatError(f"unknown signature kind {kind!r}")
    if tuple(sorted(body)) != fields:
        raise RecordFormatError(
            f"a {kind} signature covers exactly {', '.join(fields)}; got {', '.join(body)}"
        )
    return b"saylau/" + kind.encode("ascii") + b"/v1\n" + canonical_bytes(body)


def key_fingerprint(raw_public_key: bytes) -> str:
    """A key's fingerprint: SHA-256 (hex) of its 32 raw Ed25519 public-key bytes."""
    return sha256_hex(raw_public_key)


def fingerprint_for_paper(fingerprint: str) -> str:
    """A fingerprint in groups of four upper-case hex digits, for printing and reading aloud."""
    upper = fingerprint.upper()
    return " ".join(upper[i : i + 4] for i in range(0, len(upper), 4))


def timestamp(value: dt.datetime) -> str:
    """A time as the record writes it: UTC, microseconds, ``Z`` (naive means UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_value(value: Any) -> Any:
    """A stored column value as the record holds it (dates ISO 8601, times :func:`timestamp`)."""
    if isinstance(value, dt.datetime):
        return timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def split_row(table: str, row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A row's public and private columns (a private table's row is all private)."""
    if table in PRIVATE_TABLES:
        return {}, dict(row)
    private = PRIVATE_COLUMNS.get(table, frozenset())
    return (
        {k: v for k, v in row.items() if k not in private},
        {k: v for k, v in row.items() if k in private},
    )


def protocol_body(
    *,
    election: str,
    station: str,
    version: int,
    values: Mapping[str, Any],
    correction_reason: str | None,
    commission_key: str | None,
    commission_signature: str | None,
) -> dict[str, Any]:
    """What the results server signs when it accepts a protocol version."""
    return {
        "commission_key": commission_key,
        "commission_signature": commission_signature,
        "correction_reason": correction_reason,
        "election": election,
        "station": station,
        "values": dict(values),
        "version": version,
    }


def commission_protocol_body(
    *,
    election: str,
    station: str,
    corrects: int,
    values: Mapping[str, Any],
    correction_reason: str | None,
) -> dict[str, Any]:
    """What a commission signs when it sends a protocol: ``corrects`` is the version it
    replaces (0 for the first), so a signed protocol cannot be replayed as another version."""
    return {
        "correction_reason": correction_reason,
        "corrects": corrects,
        "election": election,
        "station": station,
        "values": dict(values),
    }


def certification_body(
    *,
    contest: str,
    sha256: str,
    outcome: str,
    winner: str | None,
    certified_at: str,
    certified_by: str,
) -> dict[str, Any]:
    """What the results server signs when an okrug's result is certified."""
    return {
        "certified_at": certified_at,
        "certified_by": certified_by,
        "contest": contest,
        "outcome": outcome,
        "sha256": sha256,
        "winner": winner,
    }


def checkpoint_body(*, seq: int, head: str, at: str, key: str) -> dict[str, Any]:
    """What the results server signs after every change: the log's length and head."""
    return {"at": at, "head": head, "key": key, "seq": seq}


def verify_signature(public_key_b64: str, signature_b64: str, data: bytes) -> bool:
    """Whether ``signature_b64`` is a valid Ed25519 signature of ``data`` by the key."""
    import base64
    import binascii

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        key.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError, binascii.Error, TypeError):
        return False
    return True
