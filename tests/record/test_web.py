"""The record on the site: the checkpoint in every footer and JSON twin, the integrity warning
while the database is not what its log says, and the workspace that refuses writes until an
administrator records that the problems were looked into."""

from __future__ import annotations

import json
import re
import warnings

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from saylau.cli import app
from saylau.security.actor import Role
from saylau.service import Saylau
from saylau.store.schema import AuditRow
from saylau.web.app import create_app
from web.demo import add_account, load_demo
from web.test_workspace import payload, sign_in

from .conftest import attacker

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.tampers
WARNING = 'class="banner integrity"'
TEXT = {
    "kk": "Тұтастық туралы ескерту",
    "ru": "Предупреждение о целостности",
    "en": "Integrity warning",
}


@pytest.fixture
def site(service: Saylau) -> tuple[Saylau, TestClient]:
    load_demo(service, stations=("demo-ps-102", "demo-ps-103", "demo-ps-104", "demo-ps-105"))
    add_account(service, "admin1", Role.ADMIN, None)
    add_account(service, "op101", Role.OPERATOR, "demo-ps-101")
    return service, TestClient(create_app(service))


def _tamper(service: Saylau) -> None:
    with attacker(service) as connection:
        connection.execute(text("UPDATE protocol_vote SET votes = votes + 7"
                                " WHERE candidate = 'demo-c05'"))


def test_every_page_carries_the_signed_checkpoint(site) -> None:
    service, client = site
    twin = client.get("/election/demo-2025.json").json()
    record = twin["record"]
    assert set(record) == {"seq", "head", "at", "key", "signature", "integrity"}
    assert record["integrity"] == "unchecked"
    client.app.state.integrity.check()
    assert client.get("/index.json").json()["record"]["integrity"] == "ok"
    for lang, words in (("kk", "Қол қойылған жазба"), ("ru", "Подписанная запись"),
                        ("en", "Signed record")):
        page = client.get(f"/?lang={lang}").text
        assert words in page and record["head"][:12] in page
        assert WARNING not in page
    with service.session() as session:
        last = session.scalar(select(AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1))
    assert record["head"] == last
    page = client.get("/record.json").json()
    assert page["integrity"]["state"] == "ok"
    assert {k["kind"] for k in page["keys"]} >= {"server", "election"}


def test_a_tampered_database_puts_a_warning_on_every_public_page(site) -> None:
    service, client = site
    monitor = client.app.state.integrity
    monitor.check()
    before = client.get("/election/demo-2025").headers["etag"]
    _tamper(service)
    status = monitor.check()
    assert not status.ok and not status.writes_allowed
    for lang in ("kk", "ru", "en"):
        for path in ("/", "/election/demo-2025", "/election/demo-2025/okrug/demo-birlik",
                     "/parties", "/record", "/no-such-page"):
            page = client.get(f"{path}?lang={lang}")
            assert WARNING in page.text and TEXT[lang] in page.text, (path, lang)
    assert client.get("/election/demo-2025").headers["etag"] != before
    record = client.get("/record.json").json()
    assert record["integrity"]["state"] == "failed"
    assert "I.020" in record["integrity"]["codes"]
    assert client.get("/index.json").json()["record"]["integrity"] == "failed"


def test_the_workspace_refuses_writes_until_an_administrator_looked_into_it(site) -> None:
    service, client = site
    _tamper(service)
    client.app.state.integrity.check()
    operator = TestClient(client.app)
    csrf = sign_in(operator, "op101")
    refused = operator.post(
        "/workspace/demo-2025/station/demo-ps-101?lang=ru",
        data={"csrf": csrf, **payload()},
        follow_redirects=False,
    )
    assert refused.status_code == 503
    assert "Изменения приостановлены" in refused.text
    with service.session() as session:
        assert session.scalar(text("SELECT count(*) FROM protocol_entry"
                                   " WHERE station = 'demo-ps-101'")) == 0
    # an operator may not acknowledge
    denied = operator.post("/workspace/integrity/acknowledge",
                           data={"csrf": csrf, "note": "fine"}, follow_redirects=False)
    assert denied.status_code == 403
    admin = TestClient(client.app)
    admin_csrf = sign_in(admin, "admin1")
    page = admin.get("/workspace/integrity?lang=kk")
    assert "I.020" in page.text and "ack-note" in page.text
    empty = admin.post("/workspace/integrity/acknowledge", data={"csrf": admin_csrf, "note": " "},
                       follow_redirects=False)
    assert empty.status_code == 422
    done = admin.post("/workspace/integrity/acknowledge",
                      data={"csrf": admin_csrf, "note": "Backup compared; police informed"},
                      follow_redirects=False)
    assert done.status_code == 303
    with service.session() as session:
        entry = session.scalars(select(AuditRow).where(
            AuditRow.action == "integrity.acknowledge")).one()
    assert json.loads(entry.payload)["note"] == "Backup compared; police informed"
    # writes again; the public warning stays while the record does not hold
    accepted = operator.post(
        "/workspace/demo-2025/station/demo-ps-101",
        data={"csrf": csrf, **payload()},
        follow_redirects=False,
    )
    assert accepted.status_code == 303, accepted.text
    public = client.get("/").text
    assert WARNING in public and "An administrator has recorded" in public


def test_a_new_problem_suspends_writes_again(site) -> None:
    service, client = site
    _tamper(service)
    monitor = client.app.state.integrity
    status = monitor.check()
    url = service.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["db", "acknowledge", "--note", "seen", "--db", url])
    assert result.exit_code == 0, result.output
    assert monitor.check().writes_allowed
    with attacker(service) as connection:
        connection.execute(text("DELETE FROM protocol_vote WHERE candidate = 'demo-c06'"))
    again = monitor.check()
    assert again.digest != status.digest and not again.writes_allowed


def test_serve_checks_at_start(site) -> None:
    service, _ = site
    _tamper(service)
    with TestClient(create_app(service, integrity_every=3600)) as client:
        assert WARNING in client.get("/").text


def test_a_shrinking_log_is_noticed_while_serving(site) -> None:
    service, client = site
    monitor = client.app.state.integrity
    assert monitor.check().ok
    with service.session() as session:
        last = session.scalar(select(AuditRow.seq).order_by(AuditRow.seq.desc()).limit(1))
        last_action = session.scalar(select(AuditRow.action).where(AuditRow.seq == last))
    assert last_action == "account.create"
    with attacker(service) as connection:
        connection.execute(text("DELETE FROM account WHERE name = 'op101'"))
        connection.execute(text("DELETE FROM checkpoint WHERE seq = :s"), {"s": last})
        connection.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": last})
    status = monitor.check()
    assert [p.code for p in status.problems] == ["I.040"]
    assert re.search("I.040", client.get("/record").text)
