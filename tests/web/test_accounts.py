"""Workspace accounts: ``saylau user add/list/disable``, the sign-in rate limit over time, and
the life of a session (security.accounts, security.sessions)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli import app
from saylau.security import accounts, sessions
from saylau.security.actor import Actor, Role
from saylau.service import Saylau
from saylau.store.schema import AuditRow

from .demo import PASSWORD, add_account, load_demo

pytestmark = pytest.mark.usefixtures("fast_hashes")
T0 = dt.datetime(2025, 7, 20, 18, 0, tzinfo=dt.UTC)


def test_user_add_list_disable_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    load_demo(Saylau.open(db), stations=())
    added = runner.invoke(
        app,
        [
            "user",
            "add",
            "op101",
            "--role",
            "operator",
            "--territory",
            "demo-ps-101",
            "--password-stdin",
            "--db",
            db,
        ],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert "Account op101 added: operator, territory demo-ps-101." in added.output
    prompted = runner.invoke(
        app,
        [
            "user",
            "add",
            "tec",
            "--role",
            "territorial",
            "--territory",
            "demo-district",
            "--db",
            db,
            "--lang",
            "kk",
        ],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert prompted.exit_code == 0, prompted.output
    assert "тіркелгісі құрылды" in prompted.output and PASSWORD not in prompted.output
    short = runner.invoke(
        app,
        [
            "user",
            "add",
            "x1",
            "--role",
            "operator",
            "--territory",
            "KZ",
            "--password-stdin",
            "--db",
            db,
        ],
        input="short\n",
    )
    assert short.exit_code == 2 and "A.004" in short.output
    for args, code in (
        (["op101", "--role", "operator", "--territory", "demo-ps-101"], "A.002"),
        (["op102", "--role", "operator", "--territory", "nowhere"], "A.003"),
        (["Bad Name", "--role", "operator", "--territory", "KZ"], "A.001"),
    ):
        failed = runner.invoke(
            app, ["user", "add", *args, "--password-stdin", "--db", db], input=PASSWORD + "\n"
        )
        assert failed.exit_code == 2 and code in failed.output, (args, failed.output)
    wrong_role = runner.invoke(
        app, ["user", "add", "r", "--role", "king", "--territory", "KZ", "--db", db]
    )
    assert wrong_role.exit_code == 2 and "--role" in wrong_role.output
    listed = runner.invoke(app, ["user", "list", "--format", "csv", "--db", db])
    assert listed.exit_code == 0
    lines = listed.output.strip().splitlines()
    assert lines[0] == "name,role,territory,active,created_at"
    assert lines[1].startswith("op101,operator,demo-ps-101,true,")
    assert "argon2" not in listed.output
    disabled = runner.invoke(app, ["user", "disable", "op101", "--db", db])
    assert disabled.exit_code == 0 and "disabled" in disabled.output
    service = Saylau.open(db)
    with service.session() as session:
        actions = [row.action for row in session.query(AuditRow).order_by(AuditRow.seq)]
        payloads = " ".join(row.payload for row in session.query(AuditRow))
        answer = accounts.authenticate(session, "op101", PASSWORD, "10.0.0.1")
    assert actions[-3:] == ["account.create", "account.create", "account.disable"]
    assert "argon2" not in payloads and PASSWORD not in payloads
    assert answer.actor is None  # a disabled account cannot sign in


def test_only_an_administrator_manages_accounts(sqlite_service: Saylau) -> None:
    with sqlite_service.transaction() as session, pytest.raises(accounts.AccountError) as error:
        accounts.add_account(
            session,
            Actor("tec", Role.TERRITORIAL, "KZ-11"),
            name="someone",
            role=Role.OPERATOR,
            territory=None,
            password=PASSWORD,
        )
    assert error.value.code == "A.005"
    assert "әкімші" in error.value.message("kk")


def test_rate_limit_window_and_reset_by_success(sqlite_service: Saylau) -> None:
    add_account(sqlite_service, "sup", Role.SUPERVISOR, "KZ-11")

    def sign(password: str, at: dt.datetime, ip: str = "10.0.0.1") -> accounts.SignIn:
        with sqlite_service.transaction() as session:
            return accounts.authenticate(session, "sup", password, ip, now=at)

    assert sign("wrong", T0).refusal == "wrong"
    assert sign(PASSWORD, T0 + dt.timedelta(seconds=1)).actor is not None
    for i in range(5):  # counted since the last success
        assert sign("wrong", T0 + dt.timedelta(minutes=1, seconds=i)).refusal == "wrong"
    limited = sign(PASSWORD, T0 + dt.timedelta(minutes=2))
    assert limited.refusal == "limited"
    assert limited.retry_at == T0 + dt.timedelta(minutes=16)
    assert sign(PASSWORD, T0 + dt.timedelta(minutes=2), ip="10.0.0.2").actor is not None
    assert sign(PASSWORD, T0 + dt.timedelta(minutes=16, seconds=5)).actor is not None


def test_rate_limit_per_address_across_accounts(sqlite_service: Saylau) -> None:
    add_account(sqlite_service, "sup", Role.SUPERVISOR, "KZ-11")
    with sqlite_service.transaction() as session:
        for i in range(accounts.MAX_FAILURES_PER_IP):
            accounts.authenticate(session, f"guess{i}", "x", "10.9.9.9", now=T0)
        answer = accounts.authenticate(session, "sup", PASSWORD, "10.9.9.9", now=T0)
    assert answer.refusal == "limited"


def test_sessions_expire_when_idle_or_old_and_end_at_sign_out(sqlite_service: Saylau) -> None:
    add_account(sqlite_service, "sup", Role.SUPERVISOR, "KZ-11")
    with sqlite_service.transaction() as session:
        token, signed = sessions.open_session(session, "sup", "10.0.0.1", now=T0)
    assert signed.actor == Actor("sup", Role.SUPERVISOR, "KZ-11") and len(signed.csrf) == 43
    with sqlite_service.transaction() as session:
        assert sessions.find_session(session, token, now=T0 + dt.timedelta(hours=1)) is not None
        assert sessions.find_session(session, token + "x", now=T0) is None
        assert sessions.find_session(session, None, now=T0) is None
        # last seen at T0+1h: idle from T0+3h
        assert (
            sessions.find_session(session, token, now=T0 + dt.timedelta(hours=3, seconds=1)) is None
        )
    with sqlite_service.transaction() as session:
        token, _ = sessions.open_session(session, "sup", None, now=T0)
    with sqlite_service.transaction() as session:
        for hours in range(1, 12):
            assert sessions.find_session(session, token, now=T0 + dt.timedelta(hours=hours))
        assert sessions.find_session(session, token, now=T0 + dt.timedelta(hours=12)) is None
    with sqlite_service.transaction() as session:
        token, _ = sessions.open_session(session, "sup", None)
        sessions.close_session(session, token)
        assert sessions.find_session(session, token) is None
    assert sessions.same("abc", "abc") and not sessions.same("abc", "abd")
    assert not sessions.same("", "") and not sessions.same(None, "x")
