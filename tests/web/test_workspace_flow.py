"""The workspace without dead ends: a confirmation after every action, refusals on the same
page with what was typed kept, entries sent back with a reason the operator reads, focus on
the first field or on the error summary (linked to the fields), and a question before a new
entry replaces a held one. Through the ASGI app; every change through the service layer."""

from __future__ import annotations

import json
import re
import warnings

import pytest
from sqlalchemy import select

from saylau.i18n import t
from saylau.service import Saylau
from saylau.store.schema import AuditRow, ProtocolEntryRow
from saylau.web.app import create_app

from .demo import ELECTION
from .test_workspace import STATION, accepted, entries, payload, sign_in

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.usefixtures("fast_hashes")
HELD = {"invalid": 114, "votes.demo-c01": 502}  # P.201: many invalid ballots, held


@pytest.fixture
def flow(sqlite_service: Saylau) -> Saylau:
    from saylau.security.actor import Role

    from .demo import add_account, load_demo

    load_demo(sqlite_service, stations=("demo-ps-102", "demo-ps-103", "demo-ps-104", "demo-ps-105"))
    add_account(sqlite_service, "op101", Role.OPERATOR, "demo-ps-101")
    add_account(sqlite_service, "sup", Role.SUPERVISOR, "demo-district")
    return sqlite_service


def _status_note(text: str) -> str:
    found = re.search(r'<p class="notice" role="status">([^<]*)</p>', text)
    return found.group(1) if found else ""


def test_sign_in_and_out_are_confirmed(flow: Saylau) -> None:
    client = TestClient(create_app(flow))
    page = client.get("/workspace/sign-in")
    assert re.search(r'<input id="name"[^>]* autofocus', page.text)
    csrf = sign_in(client, "op101")
    home = client.get("/workspace?done=signed_in")
    assert _status_note(home.text)
    out = client.post("/workspace/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert out.headers["location"] == "/workspace/sign-in?done=signed_out"
    assert _status_note(client.get(out.headers["location"]).text) == "You are signed out."


def test_acknowledging_is_confirmed_and_a_blank_note_is_refused_on_the_same_page(
    flow: Saylau,
) -> None:
    operator = TestClient(create_app(flow))
    csrf = sign_in(operator, "op101")
    operator.post(STATION, data=payload(csrf=csrf, **HELD))
    [entry] = entries(flow)
    supervisor = TestClient(create_app(flow))
    token = sign_in(supervisor, "sup")
    review = f"/workspace/{ELECTION}/entry/{entry.id}"
    blank = supervisor.post(review + "/acknowledge?lang=ru", data={"csrf": token, "note": "   "})
    assert blank.status_code == 422
    # the same entry page, the message under the note field, the note kept, the summary first
    assert 'action="/workspace/demo-2025/entry/' in blank.text
    assert re.search(
        r'<textarea id="note-acknowledged"[^>]*aria-invalid="true"[^>]*>   </textarea>', blank.text
    )
    assert 'id="err-note"' in blank.text and "V.010" in blank.text
    assert re.search(r'class="error-summary"[^>]*autofocus', blank.text)
    assert 'href="#note-acknowledged"' in blank.text
    assert entries(flow)[0].status == "held"
    done = supervisor.post(
        review + "/acknowledge",
        data={"csrf": token, "note": "The record explains the spoiled ballots."},
        follow_redirects=False,
    )
    page = supervisor.get(done.headers["location"])
    assert _status_note(page.text) == t("web.ws.done.acknowledged", "ru")  # remembered
    assert accepted(flow) == [1]


def test_a_supervisor_sends_an_entry_back_and_the_operator_reads_why(flow: Saylau) -> None:
    operator = TestClient(create_app(flow))
    csrf = sign_in(operator, "op101")
    operator.post(STATION, data=payload(csrf=csrf, **HELD))
    [entry] = entries(flow)
    supervisor = TestClient(create_app(flow))
    token = sign_in(supervisor, "sup")
    review = f"/workspace/{ELECTION}/entry/{entry.id}"
    assert f'action="{review}/return"' in supervisor.get(review).text
    empty = supervisor.post(review + "/return", data={"csrf": token, "reason": " "})
    assert empty.status_code == 422 and "V.050" in empty.text and 'id="err-reason"' in empty.text
    assert entries(flow)[0].status == "held"
    reason = "Invalid ballots look mistyped: 114 against 14 on the paper copy."
    sent = supervisor.post(
        review + "/return", data={"csrf": token, "reason": reason}, follow_redirects=False
    )
    assert sent.status_code == 303
    assert _status_note(supervisor.get(sent.headers["location"]).text).startswith(
        "The entry was sent back"
    )
    [back] = entries(flow)
    assert back.status == "returned" and back.decision_note == reason and accepted(flow) == []
    with flow.session() as session:
        last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).one()
    # published as the commission the supervisor acts for; the account stays private
    assert last.action == "protocol.return" and last.actor == "demo-tec"
    assert json.loads(last.private)["account"] == "sup"
    # the operator sees why, and enters the protocol again, now right
    form = operator.get(STATION)
    assert reason in form.text and "sent back" in form.text
    again = operator.post(STATION, data=payload(csrf=csrf), follow_redirects=False)
    assert again.status_code == 303 and accepted(flow) == [1]
    assert reason not in operator.get(STATION).text
    # nothing left to send back
    gone = supervisor.post(review + "/return", data={"csrf": token, "reason": "again"})
    assert gone.status_code == 422 and "V.051" in gone.text


def test_focus_starts_on_the_first_field_and_the_summary_links_each_field(flow: Saylau) -> None:
    operator = TestClient(create_app(flow))
    csrf = sign_in(operator, "op101")
    form = operator.get(STATION)
    [first] = re.findall(r'<input id="f-[^"]*"[^>]* autofocus', form.text)
    assert first.startswith('<input id="f-voters_on_list"')
    wrong = operator.post(STATION, data=payload(csrf=csrf, ballots_cancelled=500))
    assert wrong.status_code == 422
    summary = re.search(r'<div id="problems"[^>]*>.*?</div>', wrong.text, re.S).group(0)
    assert "autofocus" in summary.split(">", 1)[0]
    links = re.findall(r'<a href="#(f-[^"]+)">', summary)
    assert "f-ballots_received" in links
    for target in links:
        assert f'id="{target}"' in wrong.text
    assert " autofocus" not in re.sub(r'<div id="problems".*?>', "", wrong.text.split("<form")[1])


def test_resubmitting_a_held_protocol_asks_before_replacing_it(flow: Saylau) -> None:
    operator = TestClient(create_app(flow))
    csrf = sign_in(operator, "op101")
    operator.post(STATION, data=payload(csrf=csrf, **HELD))
    [held] = entries(flow)
    fixed = payload(csrf=csrf)
    asked = operator.post(STATION, data=fixed)
    assert asked.status_code == 409
    assert "held" in asked.text and f'name="replace" value="{held.id}"' in asked.text
    for name, value in fixed.items():
        if name != "csrf":
            assert f'name="{name}" value="{value}"' in asked.text, name  # the values are kept
    assert [e.status for e in entries(flow)] == ["held"]  # nothing replaced yet
    confirmed = operator.post(
        STATION, data={**fixed, "replace": str(held.id)}, follow_redirects=False
    )
    assert confirmed.status_code == 303
    with flow.session() as session:
        statuses = [
            e.status
            for e in session.scalars(select(ProtocolEntryRow).order_by(ProtocolEntryRow.id))
            if e.station == "demo-ps-101"
        ]
    assert statuses == ["superseded", "accepted"] and accepted(flow) == [1]
