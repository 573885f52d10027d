"""Signatures the results server puts on accepted protocol versions and certifications.

The bytes signed are :func:`saylau.domain.record.signing_input` of the bodies built here from
the stored rows, so that ``saylau db verify`` and the publication rebuild exactly the same
bodies from the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from saylau.domain.record import (
    PROTOCOL_META,
    certification_body,
    protocol_body,
    signing_input,
    timestamp,
)
from saylau.store import keys
from saylau.store.schema import CertificationRow, ProtocolRow


def protocol_values(row: ProtocolRow, votes: Mapping[str, int]) -> dict[str, Any]:
    """The counts of an accepted version (every count column, and votes by candidate)."""
    values: dict[str, Any] = {
        column.name: getattr(row, column.name)
        for column in ProtocolRow.__table__.columns
        if column.name not in PROTOCOL_META
    }
    values["votes"] = dict(sorted(votes.items()))
    return values


def protocol_signed_body(row: ProtocolRow, votes: Mapping[str, int]) -> dict[str, Any]:
    """What the server signs for an accepted version."""
    return protocol_body(
        election=row.election,
        station=row.station,
        version=row.version,
        values=protocol_values(row, votes),
        correction_reason=row.correction_reason,
        commission_key=row.commission_key,
        commission_signature=row.commission_signature,
    )


def election_key_row(session: Session, election: str) -> keys.SigningKeyRow | None:
    """The election's active signing key, if it has one."""
    return keys.key_of(session, keys.ELECTION, election)


def election_key(session: Session, election: str) -> keys.SigningKeyRow:
    """The election's signing key, created on first need for elections that predate keys."""
    row = keys.key_of(session, keys.ELECTION, election)
    if row is None:
        row = keys.create_key(session, keys.ELECTION, election)
    return row


def sign_protocol(session: Session, row: ProtocolRow, votes: Mapping[str, int]) -> None:
    """Sign an accepted version with its election's key (sets ``signed_by``/``signature``)."""
    key = election_key(session, row.election)
    row.signed_by = key.fingerprint
    row.signature = keys.sign(
        session, key.fingerprint, signing_input("protocol", protocol_signed_body(row, votes))
    )


def certification_signed_body(row: CertificationRow) -> dict[str, Any]:
    """What the server signs for a certification."""
    return certification_body(
        contest=row.contest,
        sha256=row.sha256,
        outcome=row.outcome,
        winner=row.winner,
        certified_at=timestamp(row.certified_at),
        certified_by=row.certified_by,
    )


def sign_certification(session: Session, row: CertificationRow, election: str) -> None:
    """Sign a certification with its election's key."""
    key = election_key(session, election)
    row.signed_by = key.fingerprint
    row.signature = keys.sign(
        session, key.fingerprint, signing_input("certification", certification_signed_body(row))
    )
