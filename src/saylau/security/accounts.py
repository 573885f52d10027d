"""Accounts of the commission workspace: who may sign in, with which role and territory.

Passwords are kept only as argon2id hashes (``argon2-cffi``, its default RFC 9106 profile);
a hash made with weaker parameters is upgraded at the next sign-in. Creating or disabling an
account is an administrator's act and goes to the audit log (never the hash). Sign-in
attempts are recorded in ``sign_in_attempt``; after :data:`MAX_FAILURES` failures of one
account name from one address within :data:`FAILURE_WINDOW` (counted since the last success),
or :data:`MAX_FAILURES_PER_IP` failures of any names from one address, further attempts are
refused until the window has passed, whatever the password.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from saylau.i18n import t
from saylau.security.actor import Actor, Role
from saylau.store import audit
from saylau.store.schema import (
    AccountRow,
    DistrictRow,
    OkrugRow,
    RegionRow,
    SignInAttemptRow,
    StationRow,
    WebSessionRow,
)

HASHER = PasswordHasher()
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
FAILURE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES = 5
MAX_FAILURES_PER_IP = 30
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
REPUBLIC = "KZ"
# Verified against when the account does not exist, so a wrong name costs as much time as a
# wrong password and the answer's timing does not tell which accounts exist (made once per
# hasher, on first use).
_DUMMY: dict[int, str] = {}


def _dummy_hash() -> str:
    key = id(HASHER)
    if key not in _DUMMY:
        _DUMMY[key] = HASHER.hash("saylau: no such account")
    return _DUMMY[key]


class AccountError(Exception):
    """A refused account operation: stable code, the field concerned, message parameters."""

    def __init__(self, code: str, field: str, /, **params: object) -> None:
        super().__init__(f"{code}: {t(f'web.account.{code}', 'en', **params)}")
        self.code = code
        self.field = field
        self.params = params

    def message(self, lang: str = "en") -> str:
        """The refusal in ``lang``."""
        return t(f"web.account.{self.code}", lang, **self.params)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """A stored time as UTC-aware (SQLite returns naive UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def territory_exists(session: Session, code: str) -> bool:
    """Whether ``code`` is the republic, a region, a district, an okrug or a station."""
    return code == REPUBLIC or any(
        session.get(table, code) is not None
        for table in (RegionRow, DistrictRow, OkrugRow, StationRow)
    )


def actor_of(row: AccountRow) -> Actor:
    """The account as the :class:`Actor` the service layer checks."""
    return Actor(row.name, Role(row.role), row.territory)


def _require_admin(actor: Actor) -> None:
    if actor.role is not Role.ADMIN:
        raise AccountError("A.005", "actor", actor=actor.name)


def check_password(password: str) -> None:
    """Refuse a password that is too short (or absurdly long)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("A.004", "password", minimum=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise AccountError("A.007", "password", maximum=MAX_PASSWORD)


def add_account(
    session: Session,
    actor: Actor,
    *,
    name: str,
    role: Role,
    territory: str | None,
    password: str,
) -> AccountRow:
    """Create an account; ``territory`` None or ``KZ`` is the whole republic."""
    _require_admin(actor)
    if not NAME.match(name):
        raise AccountError("A.001", "name", value=name)
    if session.get(AccountRow, name) is not None:
        raise AccountError("A.002", "name", value=name)
    if territory is not None and not territory_exists(session, territory):
        raise AccountError("A.003", "territory", value=territory)
    check_password(password)
    scope = None if territory in (None, REPUBLIC) else territory
    row = AccountRow(
        name=name,
        role=role.value,
        territory=scope,
        password_hash=HASHER.hash(password),
        active=True,
        created_by=actor.name,
        created_at=_now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account.create",
        entity="account",
        entity_id=f"{role.value}@{scope or REPUBLIC}",  # the name stays in the private part
        payload={"role": role.value, "territory": scope or REPUBLIC},
    )
    return row


def disable_account(session: Session, actor: Actor, name: str) -> None:
    """Disable an account and end its sessions."""
    _require_admin(actor)
    row = session.get(AccountRow, name)
    if row is None:
        raise AccountError("A.006", "name", value=name)
    row.active = False
    session.execute(delete(WebSessionRow).where(WebSessionRow.account == name))
    audit.record(
        session,
        actor=actor,
        action="account.disable",
        entity="account",
        entity_id=f"{row.role}@{row.territory or REPUBLIC}",
        payload={},
    )


def accounts(session: Session) -> list[AccountRow]:
    """Every account, by name."""
    return list(session.scalars(select(AccountRow).order_by(AccountRow.name)))


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in attempt: the actor, or why not (``wrong`` / ``limited``)."""

    actor: Actor | None
    refusal: str | None = None
    retry_at: dt.datetime | None = None


def _failures(
    session: Session, *, since: dt.datetime, ip: str, name: str | None
) -> tuple[int, dt.datetime | None]:
    query = select(func.count(SignInAttemptRow.id), func.min(SignInAttemptRow.at)).where(
        SignInAttemptRow.ip == ip,
        SignInAttemptRow.at >= since,
        SignInAttemptRow.succeeded.is_(False),
    )
    if name is not None:
        query = query.where(SignInAttemptRow.account == name)
    count, first = session.execute(query).one()
    return int(count or 0), aware(first) if first is not None else None


def _record(session: Session, name: str, ip: str, succeeded: bool, at: dt.datetime) -> None:
    session.add(SignInAttemptRow(account=name[:64], ip=ip[:64], at=at, succeeded=succeeded))
    session.flush()


def authenticate(
    session: Session, name: str, password: str, ip: str, *, now: dt.datetime | None = None
) -> SignIn:
    """Check a sign-in, within the rate limit (see the module docstring); records the attempt."""
    now = now or _now()
    name = name.strip().lower()[:64]
    window_start = now - FAILURE_WINDOW
    last_success = session.scalar(
        select(func.max(SignInAttemptRow.at)).where(
            SignInAttemptRow.account == name,
            SignInAttemptRow.ip == ip,
            SignInAttemptRow.succeeded.is_(True),
        )
    )
    since = max(window_start, aware(last_success)) if last_success else window_start
    for count, first, limit in (
        (*_failures(session, since=since, ip=ip, name=name), MAX_FAILURES),
        (*_failures(session, since=window_start, ip=ip, name=None), MAX_FAILURES_PER_IP),
    ):
        if count >= limit and first is not None:
            return SignIn(None, "limited", first + FAILURE_WINDOW)
    row = session.get(AccountRow, name) if name else None
    known = row is not None and row.active
    stored = row.password_hash if row is not None and known else _dummy_hash()
    try:
        HASHER.verify(stored, password[:MAX_PASSWORD])
        valid = known
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        valid = False
    _record(session, name, ip, valid, now)
    if not valid or row is None:
        return SignIn(None, "wrong")
    if HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = HASHER.hash(password)
        audit.record(
            session,
            actor=actor_of(row),
            action="account.rehash",
            entity="account",
            entity_id=f"{row.role}@{row.territory or REPUBLIC}",
            payload={},
        )
    return SignIn(actor_of(row))
