"""The record in the database: every tamper case caught by ``saylau db verify``, nothing flagged
on honest data, history refused by the database itself, and the record of every write path."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InternalError, ProgrammingError
from typer.testing import CliRunner

from saylau.cli import app
from saylau.domain.record import GENESIS, canonical_json, entry_hash, sha256_hex
from saylau.service import Saylau
from saylau.store import audit, db, keys
from saylau.store.grants import APPEND_ONLY
from saylau.store.schema import AuditRow, CheckpointRow

from .conftest import attacker, codes, problems

pytestmark = pytest.mark.tampers


def _url(service: Saylau) -> str:
    return service.engine.url.render_as_string(hide_password=False)


def test_honest_demo_election_verifies(demo: Saylau) -> None:
    assert problems(demo) == []
    result = CliRunner().invoke(app, ["db", "verify", "--db", _url(demo)])
    assert result.exit_code == 0, result.output
    legacy = CliRunner().invoke(app, ["db", "verify-audit", "--db", _url(demo)])
    assert legacy.exit_code == 0


def test_every_entry_holds_the_state_it_made(demo: Saylau) -> None:
    with demo.session() as session:
        accept = session.scalars(
            select(AuditRow).where(AuditRow.action == "protocol.accept").limit(1)
        ).one()
    tables = {op["table"] for op in json.loads(accept.state)}
    assert {"protocol", "protocol_vote", "protocol_entry"} <= tables
    private = json.loads(accept.private)
    assert private["account"] == "system"
    # The operator's account is in the private part, never in the public state.
    public_entry = [op for op in json.loads(accept.state) if op["table"] == "protocol_entry"]
    assert all("operator" not in (op["row"] or {}) for op in public_entry)


def test_changed_vote_count_is_caught(demo: Saylau) -> None:
    with attacker(demo) as connection:
        connection.execute(text(
            "UPDATE protocol_vote SET votes = votes + 5000 WHERE candidate = 'demo-c02'"))
    found = problems(demo)
    changed = [p for p in found if p.code == "I.020"]
    assert changed and all(p.params["table"] == "protocol_vote" for p in changed)
    assert changed[0].params["column"] == "votes"
    assert changed[0].params["stored"] == changed[0].params["logged"] + 5000
    assert "I.030" in codes(found)  # the signed versions no longer match their values
    result = CliRunner().invoke(app, ["db", "verify", "--db", _url(demo), "--lang", "ru"])
    assert result.exit_code == 1
    assert "Таблица protocol_vote" in result.stderr and "по журналу" in result.stderr


def test_changed_certified_winner_is_caught(demo: Saylau) -> None:
    with attacker(demo) as connection:
        connection.execute(text("UPDATE certification SET winner = 'demo-c02'"))
    found = problems(demo)
    assert any(
        p.code == "I.020" and p.params["table"] == "certification"
        and p.params["column"] == "winner" and p.params["stored"] == "demo-c02"
        for p in found
    )
    assert "I.031" in codes(found)


def test_deleted_protocol_is_caught(demo: Saylau) -> None:
    with attacker(demo) as connection:
        pid = connection.execute(text(
            "SELECT id FROM protocol WHERE station = 'demo-ps-102'")).scalar_one()
        connection.execute(text("DELETE FROM protocol_vote WHERE protocol = :p"), {"p": pid})
        connection.execute(text("DELETE FROM protocol WHERE id = :p"), {"p": pid})
    found = problems(demo)
    assert {(p.params["table"], p.params["key"]) for p in found if p.code == "I.021"} >= {
        ("protocol", f"id={pid}")
    }


def test_inserted_fake_version_is_caught(demo: Saylau) -> None:
    with attacker(demo) as connection:
        connection.execute(text(
            "INSERT INTO protocol (station, election, version, voters_on_list, ballots_received,"
            " ballots_issued, ballots_cancelled, ballots_in_boxes, invalid, against_all,"
            " correction_reason, entered_at) SELECT station, election, 2, voters_on_list,"
            " ballots_received, ballots_issued, ballots_cancelled, ballots_in_boxes, invalid,"
            " against_all, 'Recount', entered_at FROM protocol WHERE station = 'demo-ps-101'"))
    found = problems(demo)
    assert any(p.code == "I.022" and p.params["table"] == "protocol" for p in found)
    assert "I.030" in codes(found)


def test_deleted_last_entries_are_caught(demo: Saylau) -> None:
    with demo.session() as session:
        last = audit.head_seq(session)
    with attacker(demo) as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq > :s"), {"s": last - 2})
    found = problems(demo)
    assert any(p.code == "I.012" and p.params["checkpoint"] == last for p in found)


def test_consistent_truncation_is_caught_by_a_kept_checkpoint(demo: Saylau) -> None:
    """Whoever removes the last entries, their rows and their checkpoints leaves a database
    that agrees with itself: only a checkpoint an observer kept proves the loss."""
    with demo.session() as session:
        kept = audit.latest_checkpoint(session)
        certify = session.scalars(
            select(AuditRow).where(AuditRow.action == "result.certify")).one()
    assert kept is not None and certify.seq == kept["seq"]
    with attacker(demo) as connection:
        connection.execute(text("DELETE FROM certification"))
        connection.execute(text("DELETE FROM checkpoint WHERE seq >= :s"), {"s": certify.seq})
        connection.execute(text("DELETE FROM audit_log WHERE seq >= :s"), {"s": certify.seq})
    assert problems(demo) == []  # consistent with itself ...
    found = problems(demo, since=kept)  # ... but not with what an observer saw
    assert codes(found) == {"I.040"}
    path = os.path.join(os.environ[keys.ENV_KEY_DIR], f"kept-{uuid.uuid4().hex}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(kept, handle)
    result = CliRunner().invoke(app, ["db", "verify", "--db", _url(demo), "--since", path])
    assert result.exit_code == 1 and "I.040" in result.stderr


def test_edited_entry_with_recomputed_chain_is_caught(demo: Saylau) -> None:
    """Plain SHA-256 can be recomputed by anyone; the signed checkpoints cannot."""
    with demo.session() as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.seq)))
    target = next(r for r in rows if r.action == "result.certify")
    payload = json.loads(target.payload)
    payload["winner"] = "demo-c02"
    with attacker(demo) as connection:
        prev = GENESIS
        for row in rows:
            values = {c.name: getattr(row, c.name) for c in AuditRow.__table__.columns}
            if row.seq == target.seq:
                values["payload"] = canonical_json(payload)
            values["prev_hash"] = prev
            values["hash"] = entry_hash(audit.entry_of(AuditRow(**values)))
            connection.execute(
                text("UPDATE audit_log SET payload = :payload, prev_hash = :prev_hash,"
                     " hash = :hash WHERE seq = :seq"),
                {k: values[k] for k in ("payload", "prev_hash", "hash", "seq")},
            )
            prev = values["hash"]
    found = problems(demo)
    assert "I.011" in codes(found)
    assert {"I.001", "I.002", "I.003"}.isdisjoint(codes(found))  # the chain itself is whole


def test_forged_checkpoint_is_caught(demo: Saylau) -> None:
    with attacker(demo) as connection:
        connection.execute(text(
            "UPDATE checkpoint SET signature = :s WHERE seq = (SELECT max(seq) FROM checkpoint)"),
            {"s": "A" * 86 + "=="})
    assert "I.010" in codes(problems(demo))


def test_reordered_entries_are_caught(demo: Saylau) -> None:
    with attacker(demo) as connection:
        connection.execute(text("UPDATE audit_log SET seq = -1 WHERE seq = 5"))
        connection.execute(text("UPDATE audit_log SET seq = 5 WHERE seq = 6"))
        connection.execute(text("UPDATE audit_log SET seq = 6 WHERE seq = -1"))
    found = codes(problems(demo))
    assert {"I.002", "I.003"} <= found


def test_replaced_signature_is_caught(demo: Saylau) -> None:
    with demo.session() as session:
        signature = session.scalars(text(
            "SELECT signature FROM protocol WHERE station = 'demo-ps-104'")).one()
    with attacker(demo) as connection:
        connection.execute(text(
            "UPDATE protocol SET signature = :s WHERE station = 'demo-ps-101'"), {"s": signature})
    found = problems(demo)
    assert any(p.code == "I.030" and "demo-ps-101" in p.params["protocol"] for p in found)


def test_edited_private_part_is_caught(demo: Saylau) -> None:
    with attacker(demo) as connection:
        connection.execute(text(
            "UPDATE audit_log SET private = :p WHERE action = 'result.certify'"),
            {"p": canonical_json({"account": "someone-else", "state": []})})
    assert "I.003" in codes(problems(demo))


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_database_refuses_rewriting_history(demo: Saylau, table: str) -> None:
    filled = {
        # The demo has no draw of lots and no pre-record log: give those tables one row.
        "lot_draw": "INSERT INTO lot_draw (contest, winner, tied, drawn_by, drawn_at, witnesses,"
        " recorded_by) VALUES ('demo-2025:demo-birlik', 'demo-c04', '[]', 'x',"
        " '2025-07-21 10:00:00', '[]', 'x')",
        "audit_log_v1": "INSERT INTO audit_log_v1 (seq, at, actor, action, entity, entity_id,"
        " payload, prev_hash, hash) VALUES (1, '2025-01-01 00:00:00', 'a', 'b', 'c', 'd', '{}',"
        " 'p', 'h')",
    }
    if table in filled:
        with demo.engine.begin() as connection:
            connection.execute(text(filled[table]))
    refused = (IntegrityError, InternalError, ProgrammingError, DBAPIError)
    with pytest.raises(refused, match="append-only"), demo.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM {table}"))
    first = next(iter(demo.engine.dialect.get_pk_constraint(demo.engine.connect(), table)[
        "constrained_columns"]))
    with pytest.raises(refused, match="append-only"), demo.engine.begin() as connection:
        connection.execute(text(f"UPDATE {table} SET {first} = {first}"))
    if demo.engine.dialect.name == "postgresql":
        with pytest.raises(refused, match="append-only"), demo.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {table} CASCADE"))
    if table not in filled:
        assert problems(demo) == []


def test_a_change_without_an_entry_is_refused(service: Saylau) -> None:
    from saylau.store.schema import SourceRow

    with pytest.raises(audit.UnrecordedChangeError), service.transaction() as session:
        source = session.scalars(select(SourceRow).limit(1)).one()
        source.note = "changed quietly"
    with pytest.raises(audit.UnrecordedChangeError), service.transaction() as session:
        session.execute(text("SELECT 1"))
        from sqlalchemy import update

        session.execute(update(SourceRow).values(note="bulk"))
    assert problems(service) == []


def test_a_missing_key_file_stops_writes_and_writes_nothing(demo: Saylau, tmp_path) -> None:
    empty = Saylau(demo.engine, key_dir=tmp_path / "no-keys")
    with demo.session() as session:
        before = audit.head_seq(session)
    with pytest.raises(keys.KeyFileError) as caught, empty.transaction() as session:
        audit.record(session, actor="system", action="test.note", entity="note",
                     entity_id="1", payload={})
    assert caught.value.code == "K.001"
    assert "SAYLAU_KEY_DIR" in caught.value.message("en")
    assert "SAYLAU_KEY_DIR" in caught.value.message("kk")
    with demo.session() as session:
        assert audit.head_seq(session) == before
    keys.bind(demo.engine, demo.keyring)


def test_key_files_are_readable_by_their_owner_only(demo: Saylau) -> None:
    files = list(demo.keyring.folder.glob("*.pem"))
    assert files
    assert all(oct(f.stat().st_mode & 0o777) == "0o600" for f in files)
    with demo.session() as session:
        for row in keys.key_rows(session):
            # The database holds public keys only.
            assert "PRIVATE" not in row.public_key and len(row.public_key) == 44


def test_serve_refuses_to_start_without_its_key_file(demo: Saylau, tmp_path) -> None:
    result = CliRunner(env={keys.ENV_KEY_DIR: str(tmp_path / "elsewhere")}).invoke(
        app, ["serve", "--db", _url(demo), "--lang", "ru"])
    assert result.exit_code == 2
    assert "K.001" in result.stderr and "SAYLAU_KEY_DIR" in result.stderr


def test_upgrade_from_schema_0003_starts_the_record_with_a_baseline(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine, "0003")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO source (code, kind, title, citation, synthetic) VALUES"
            " ('old', 'document', 'Old', 'Old source', 0)"))
        body = '{"n":1}'
        digest = sha256_hex("\n".join([GENESIS, "1", "t", "a", "x", "e", "1", body]))
        connection.execute(text(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, payload,"
            " prev_hash, hash) VALUES (1, '2025-01-01 00:00:00', 'a', 'x', 'e', '1', :b, :g, :h)"),
            {"b": body, "g": GENESIS, "h": digest})
    engine.dispose()
    service = Saylau.open(url)
    with service.session() as session:
        first = session.get(AuditRow, 1)
        assert first is not None and first.action == "record.baseline"
        assert json.loads(first.payload) == {"v1_entries": 1, "v1_head": digest}
        assert session.scalar(select(CheckpointRow.seq).limit(1)) is not None
    assert problems(service) == []
    service.engine.dispose()


@pytest.mark.postgres
def test_the_application_works_under_a_role_that_cannot_rewrite_history(
    empty_pg_url: str,
) -> None:
    """saylau db grant: INSERT and SELECT only on the append-only tables; the whole demo
    election runs under that role, and neither UPDATE, DELETE, TRUNCATE nor dropping a
    trigger is possible for it."""
    from web.demo import load_demo

    pg_database = empty_pg_url
    owner = Saylau.open(pg_database)
    role = f"saylau_app_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    try:
        result = CliRunner().invoke(app, ["db", "grant", role, "--db", pg_database])
        assert result.exit_code == 0, result.output
        as_role = make_url(pg_database).set(username=role).render_as_string(hide_password=False)
        service = Saylau.open(as_role)
        load_demo(service, certify=("demo-zhanaauyl",))
        assert problems(service) == []
        for statement in (
            "UPDATE audit_log SET actor = 'x'",
            "DELETE FROM protocol_vote",
            "TRUNCATE checkpoint",
            "DROP TRIGGER audit_log_no_change ON audit_log",
            "ALTER TABLE protocol DISABLE TRIGGER USER",
        ):
            with pytest.raises(DBAPIError), service.engine.begin() as connection:
                connection.execute(text(statement))
        service.engine.dispose()
    finally:
        owner.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def test_grant_refuses_a_strange_role_name_and_sqlite(sqlite_service: Saylau) -> None:
    url = _url(sqlite_service)
    result = CliRunner().invoke(app, ["db", "grant", "app", "--db", url])
    assert result.exit_code == 2 and "PostgreSQL" in result.stderr
    result = CliRunner().invoke(app, ["db", "grant", 'x"; drop table y; --', "--print"])
    assert result.exit_code == 2 and "ROLE" in result.stderr
    printed = CliRunner().invoke(app, ["db", "grant", "app_role", "--print", "--db", url])
    assert printed.exit_code == 0
    assert 'GRANT SELECT, INSERT ON audit_log' in printed.stdout
    assert "UPDATE" not in printed.stdout.split("GRANT SELECT, INSERT ON")[1].split(";")[0]


def test_tabulate_warns_and_certify_refuses_while_the_record_does_not_hold(demo: Saylau) -> None:
    url = _url(demo)
    with attacker(demo) as connection:
        connection.execute(text("UPDATE protocol_vote SET votes = votes + 1"))
    tabulated = CliRunner().invoke(app, ["tabulate", "demo-2025", "--db", url, "--lang", "ru"])
    assert tabulated.exit_code == 0 and "Запись нарушена" in tabulated.stderr
    certified = CliRunner().invoke(app, ["certify", "demo-2025", "demo-birlik", "--db", url])
    assert certified.exit_code == 1 and "I.020" in certified.stderr
    quiet = CliRunner().invoke(app, ["tabulate", "demo-2025", "--db", url, "--no-verify"])
    assert quiet.exit_code == 0 and "I.020" not in quiet.stderr
