"""Server-side sessions of the commission workspace.

The browser holds a random token (256 bits) in an HttpOnly, SameSite=Strict cookie; the
database holds only its SHA-256, so a copy of the database does not let anyone sign in. Each
session has its own random CSRF token, which every form of the workspace carries and every
POST must return. A session ends at sign-out, after :data:`IDLE` without a request, after
:data:`LIFETIME` in any case, and when its account is disabled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from saylau.security.accounts import actor_of, aware
from saylau.security.actor import Actor
from saylau.store.schema import AccountRow, WebSessionRow

LIFETIME = dt.timedelta(hours=12)
IDLE = dt.timedelta(hours=2)
TOUCH_EVERY = dt.timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(32)


def same(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of two tokens (False when either is missing)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


@dataclass(frozen=True)
class SignedIn:
    """A live session: who acts, and the CSRF token its forms carry."""

    actor: Actor
    csrf: str
    expires_at: dt.datetime


def open_session(
    session: Session, account: str, ip: str | None, *, now: dt.datetime | None = None
) -> tuple[str, SignedIn]:
    """Start a session for ``account``; returns the cookie token and the session."""
    now = now or dt.datetime.now(dt.UTC)
    session.execute(
        delete(WebSessionRow).where(
            (WebSessionRow.expires_at < now) | (WebSessionRow.last_seen_at < now - IDLE)
        )
    )
    token = new_token()
    row = WebSessionRow(
        token_hash=_digest(token),
        account=account,
        csrf=new_token(),
        ip=(ip or "")[:64] or None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(row)
    session.flush()
    found = session.get(AccountRow, account)
    assert found is not None
    return token, SignedIn(actor_of(found), row.csrf, row.expires_at)


def find_session(
    session: Session, token: str | None, *, now: dt.datetime | None = None
) -> SignedIn | None:
    """The live session of a cookie token, or None (unknown, expired, idle, account disabled)."""
    if not token or len(token) > 128:
        return None
    now = now or dt.datetime.now(dt.UTC)
    found = session.execute(
        select(WebSessionRow, AccountRow)
        .join(AccountRow, AccountRow.name == WebSessionRow.account)
        .where(WebSessionRow.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    row, account = found
    if not account.active or aware(row.expires_at) <= now or aware(row.last_seen_at) + IDLE <= now:
        return None
    if now - aware(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
    return SignedIn(actor_of(account), row.csrf, aware(row.expires_at))


def close_session(session: Session, token: str | None) -> None:
    """End the session of a cookie token (sign-out)."""
    if token:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _digest(token)))
