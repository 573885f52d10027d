"""Commissions' own signing keys: registered by the territorial commission, used to check the
signatures on protocols that a commission's data-entry client sends (Ed25519)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from sqlalchemy.orm import Session

from saylau.administration.access import Permission, ancestry, require
from saylau.administration.errors import AdminError
from saylau.domain.record import commission_protocol_body, signing_input, verify_signature
from saylau.security.actor import Actor
from saylau.store import audit, keys
from saylau.store.schema import CommissionRow, SigningKeyRow


@dataclass(frozen=True)
class CommissionSignature:
    """A commission's signature on a protocol it sends: its key's fingerprint and the
    signature (base64) of :func:`saylau.domain.record.commission_protocol_body`."""

    key: str
    value: str


def add_commission_key(
    session: Session, actor: Actor, commission: str, public_key: str
) -> SigningKeyRow:
    """Register ``public_key`` (PEM, base64 or hex of 32 bytes) as a key of ``commission``."""
    row = session.get(CommissionRow, commission)
    if row is None:
        raise AdminError("G.001", "commission", value=commission)
    require(session, actor, Permission.SETUP, row.territory)
    try:
        public = keys.load_public_key(public_key)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise AdminError("G.002", "public_key", reason=str(exc)) from exc
    fingerprint = keys.fingerprint_of(public)
    if session.get(SigningKeyRow, fingerprint) is not None:
        raise AdminError("G.003", "public_key", fingerprint=fingerprint)
    key = keys.register_public_key(session, keys.COMMISSION, commission, public)
    audit.record(
        session,
        actor=actor,
        action="key.add",
        entity="commission",
        entity_id=commission,
        payload={"fingerprint": fingerprint, "public_key": public},
    )
    return key


def check_commission_signature(
    session: Session,
    signature: CommissionSignature,
    *,
    election: str,
    station: str,
    corrects: int,
    values: dict[str, object],
    correction_reason: str | None,
) -> None:
    """Refuse (G.004-G.006) unless ``signature`` is a valid signature of the protocol by a
    registered key of a commission whose territory covers ``station``."""
    key = session.get(SigningKeyRow, signature.key)
    if key is None or key.kind != keys.COMMISSION or key.revoked_at is not None:
        raise AdminError("G.004", "signature", key=signature.key)
    commission = session.get(CommissionRow, key.owner)
    if commission is None or commission.territory not in ancestry(session, station):
        raise AdminError("G.005", "signature", key=signature.key, station=station,
                         commission=key.owner)
    body = commission_protocol_body(
        election=election,
        station=station,
        corrects=corrects,
        values=values,
        correction_reason=correction_reason,
    )
    try:
        base64.b64decode(signature.value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AdminError("G.006", "signature", station=station, corrects=corrects) from exc
    if not verify_signature(key.public_key, signature.value,
                            signing_input("commission-protocol", body)):
        raise AdminError("G.006", "signature", station=station, corrects=corrects)
