"""Signing keys: Ed25519 private keys in files outside the database, public keys in it.

The results server has one key that signs every checkpoint of the log; each election has a
key, created with the election, that signs its accepted protocol versions and certifications;
commissions may register their own public keys to sign the protocols they send. Private keys
live only in the key folder (setting ``SAYLAU_KEY_DIR``, default ``$SAYLAU_HOME/keys``), one
PKCS#8 PEM file per key, created readable by its owner only; they never enter the database or
the log. The database holds each public key (table ``signing_key``, part of the record).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from saylau.domain.record import key_fingerprint
from saylau.i18n import t
from saylau.store import db
from saylau.store.schema import SigningKeyRow

ENV_KEY_DIR = "SAYLAU_KEY_DIR"
SERVER = "server"
ELECTION = "election"
COMMISSION = "commission"
KINDS = (SERVER, ELECTION, COMMISSION)
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class KeyFileError(Exception):
    """A private key that should be in the key folder is missing, unreadable or wrong."""

    def __init__(self, code: str, /, **params: object) -> None:
        params.setdefault("setting", ENV_KEY_DIR)
        super().__init__(f"{code}: {t(f'record.key.{code}', 'en', **params)}")
        self.code = code
        self.params = params

    def message(self, lang: str = "en") -> str:
        """The problem in ``lang``."""
        return t(f"record.key.{self.code}", lang, **self.params)


def default_dir() -> Path:
    """The key folder: ``$SAYLAU_KEY_DIR`` or ``keys`` in the saylau home folder."""
    if value := os.environ.get(ENV_KEY_DIR):
        return Path(value).expanduser()
    return db.default_home() / "keys"


def public_b64(key: Ed25519PublicKey) -> str:
    """A public key as base64 of its 32 raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def fingerprint_of(public_key_b64: str) -> str:
    """The fingerprint of a base64 public key."""
    return key_fingerprint(base64.b64decode(public_key_b64))


def load_public_key(text: str) -> str:
    """A public key given as PEM, or as base64 or hex of its 32 raw bytes; returns base64."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return public_b64(key)
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raw = bytes.fromhex(text)
    else:
        raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return public_b64(Ed25519PublicKey.from_public_bytes(raw))


@dataclass
class Keyring:
    """The key folder of one installation, with the private keys read so far."""

    folder: Path
    _cache: dict[str, Ed25519PrivateKey] = field(default_factory=dict, repr=False)

    def _path(self, kind: str, owner: str, fingerprint: str) -> Path:
        return self.folder / f"{kind}-{_SAFE.sub('_', owner)}-{fingerprint[:16]}.pem"

    def generate(self, kind: str, owner: str) -> tuple[str, str, Path]:
        """A new key pair: write the private key file (0600); return fingerprint, public key
        (base64) and the file's path."""
        key = Ed25519PrivateKey.generate()
        public = public_b64(key.public_key())
        fingerprint = fingerprint_of(public)
        path = self.write(kind, owner, key)
        self._cache[fingerprint] = key
        return fingerprint, public, path

    def write(self, kind: str, owner: str, key: Ed25519PrivateKey) -> Path:
        """Store ``key`` in the folder, readable by its owner only."""
        fingerprint = fingerprint_of(public_b64(key.public_key()))
        return self.write_to(self._path(kind, owner, fingerprint), key)

    def write_to(self, path: Path, key: Ed25519PrivateKey) -> Path:
        """Write ``key`` as PKCS#8 PEM to ``path`` (created 0600, its folder 0700)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
        except OSError as exc:
            raise KeyFileError("K.003", path=str(path.parent), reason=str(exc)) from exc
        return path

    def private_key(self, fingerprint: str) -> Ed25519PrivateKey:
        """The private key with ``fingerprint``; :class:`KeyFileError` if it is not here."""
        if fingerprint in self._cache:
            return self._cache[fingerprint]
        matches = sorted(self.folder.glob(f"*-{fingerprint[:16]}.pem"))
        if not matches:
            raise KeyFileError("K.001", fingerprint=fingerprint, path=str(self.folder))
        try:
            key = serialization.load_pem_private_key(matches[0].read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as exc:
            raise KeyFileError("K.002", path=str(matches[0]), reason=str(exc)) from exc
        if not isinstance(key, Ed25519PrivateKey) or (
            fingerprint_of(public_b64(key.public_key())) != fingerprint
        ):
            raise KeyFileError("K.004", path=str(matches[0]), fingerprint=fingerprint)
        self._cache[fingerprint] = key
        return key

    def sign(self, fingerprint: str, data: bytes) -> str:
        """An Ed25519 signature of ``data`` (base64) by the key with ``fingerprint``."""
        return base64.b64encode(self.private_key(fingerprint).sign(data)).decode("ascii")


_BOUND: weakref.WeakKeyDictionary[Engine, Keyring] = weakref.WeakKeyDictionary()


def bind(engine: Engine, keyring: Keyring) -> None:
    """Use ``keyring`` for every session of ``engine``."""
    _BOUND[engine] = keyring


def keyring_for(session: Session) -> Keyring:
    """The keyring of the session's engine (the default folder unless one was bound)."""
    bind_ = session.get_bind()
    engine = bind_ if isinstance(bind_, Engine) else bind_.engine
    if engine not in _BOUND:
        _BOUND[engine] = Keyring(default_dir())
    return _BOUND[engine]


def key_rows(session: Session, kind: str | None = None) -> list[SigningKeyRow]:
    """Registered public keys, oldest first."""
    query = select(SigningKeyRow).order_by(SigningKeyRow.created_at, SigningKeyRow.fingerprint)
    if kind is not None:
        query = query.where(SigningKeyRow.kind == kind)
    return list(session.scalars(query))


def key_of(session: Session, kind: str, owner: str) -> SigningKeyRow | None:
    """The newest active key of ``owner`` (an election, a commission, or the server)."""
    return session.scalars(
        select(SigningKeyRow)
        .where(
            SigningKeyRow.kind == kind,
            SigningKeyRow.owner == owner,
            SigningKeyRow.revoked_at.is_(None),
        )
        .order_by(SigningKeyRow.created_at.desc())
        .limit(1)
    ).first()


def create_key(session: Session, kind: str, owner: str) -> SigningKeyRow:
    """Generate a key for ``owner``: the private key goes to the key folder, the public key
    to the database (recorded by the caller's audit entry)."""
    fingerprint, public, _ = keyring_for(session).generate(kind, owner)
    row = SigningKeyRow(
        fingerprint=fingerprint,
        kind=kind,
        owner=owner,
        public_key=public,
        created_at=dt.datetime.now(dt.UTC),
        revoked_at=None,
    )
    session.add(row)
    session.flush()
    return row


def register_public_key(session: Session, kind: str, owner: str, public: str) -> SigningKeyRow:
    """Register a public key whose private key stays with its owner (a commission's)."""
    fingerprint = fingerprint_of(public)
    row = SigningKeyRow(
        fingerprint=fingerprint,
        kind=kind,
        owner=owner,
        public_key=public,
        created_at=dt.datetime.now(dt.UTC),
        revoked_at=None,
    )
    session.add(row)
    session.flush()
    return row


def sign(session: Session, fingerprint: str, data: bytes) -> str:
    """Sign ``data`` with a key of this installation's key folder."""
    return keyring_for(session).sign(fingerprint, data)


def check_available(session: Session) -> list[KeyFileError]:
    """Every registered server or election key whose private key file is missing or wrong."""
    ring = keyring_for(session)
    problems: list[KeyFileError] = []
    for row in key_rows(session):
        if row.kind == COMMISSION or row.revoked_at is not None:
            continue
        try:
            ring.private_key(row.fingerprint)
        except KeyFileError as exc:
            problems.append(exc)
    return problems
