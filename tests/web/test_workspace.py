"""The commission workspace through the ASGI app: sign-in, rate limit, CSRF, territory,
protocol entry with errors next to the fields, corrections, supervisor decisions, lots,
certification, recall and the audit trail. Every change goes through the service layer."""

from __future__ import annotations

import io
import json
import re
import warnings

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from saylau.administration import results
from saylau.security.actor import Role
from saylau.service import Saylau
from saylau.store.schema import (
    CertificationRow,
    LotDrawRow,
    ProtocolEntryRow,
    ProtocolRow,
    RecallStepRow,
    SignInAttemptRow,
    WebSessionRow,
)
from saylau.web.app import create_app

from .demo import ELECTION, PASSWORD, add_account, load_demo, protocol_payloads

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.usefixtures("fast_hashes")
STATION = f"/workspace/{ELECTION}/station/demo-ps-101"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def payload(station: str = "demo-ps-101", **changes: object) -> dict[str, str]:
    """The demo protocol of ``station`` as the form posts it."""
    found = next(p for p in protocol_payloads() if p["station"] == station)
    data = {k: str(v) for k, v in found.items() if k not in ("election", "station", "votes")}
    data.update({f"votes.{c}": str(v) for c, v in found["votes"].items()})  # type: ignore[union-attr]
    data.update({k: str(v) for k, v in changes.items()})
    return data


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in; the session's CSRF token (from the sign-out form)."""
    page = client.get("/workspace/sign-in")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/workspace/sign-in",
        data={"csrf": token, "name": name, "password": password, "next": "/workspace"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return CSRF.search(client.get("/workspace").text).group(1)  # type: ignore[union-attr]


def entries(service: Saylau, station: str = "demo-ps-101") -> list[ProtocolEntryRow]:
    with service.session() as session:
        return list(
            session.scalars(
                select(ProtocolEntryRow)
                .where(ProtocolEntryRow.station == station)
                .order_by(ProtocolEntryRow.id)
            )
        )


def accepted(service: Saylau, station: str = "demo-ps-101") -> list[int]:
    with service.session() as session:
        return list(
            session.scalars(
                select(ProtocolRow.version)
                .where(ProtocolRow.station == station)
                .order_by(ProtocolRow.version)
            )
        )


@pytest.fixture
def desk(service: Saylau) -> Saylau:
    """The demo election on each backend without station 101, and four accounts."""
    load_demo(service, stations=("demo-ps-102", "demo-ps-103", "demo-ps-104", "demo-ps-105"))
    add_account(service, "op101", Role.OPERATOR, "demo-ps-101")
    add_account(service, "op101b", Role.OPERATOR, "demo-ps-101")
    add_account(service, "sup", Role.SUPERVISOR, "demo-district")
    add_account(service, "tec", Role.TERRITORIAL, "demo-district")
    return service


@pytest.fixture
def sqlite_desk(sqlite_service: Saylau) -> Saylau:
    """The same on SQLite only (behaviour that does not depend on the database)."""
    load_demo(sqlite_service, stations=("demo-ps-102", "demo-ps-103", "demo-ps-104", "demo-ps-105"))
    add_account(sqlite_service, "op101", Role.OPERATOR, "demo-ps-101")
    add_account(sqlite_service, "sup", Role.SUPERVISOR, "demo-district")
    add_account(sqlite_service, "tec", Role.TERRITORIAL, "demo-district")
    add_account(sqlite_service, "watch", Role.OBSERVER, "demo-district")
    return sqlite_service


# --- sign-in -----------------------------------------------------------------------------------


def test_sign_in_wrong_password_rate_limit_cookies_and_sign_out(desk: Saylau) -> None:
    app = create_app(desk)
    client = TestClient(app)
    gate = client.get("/workspace/demo-2025", follow_redirects=False)
    assert gate.status_code == 303
    assert gate.headers["location"] == "/workspace/sign-in?next=/workspace/demo-2025"
    form = client.get("/workspace/sign-in")
    cookie = form.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/workspace" in cookie
    token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]

    def attempt(name: str, password: str, on: TestClient = client) -> object:
        page = on.get("/workspace/sign-in")
        csrf = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        return on.post(
            "/workspace/sign-in",
            data={"csrf": csrf, "name": name, "password": password, "next": "/workspace"},
            follow_redirects=False,
        )

    wrong = attempt("op101", "not the password")
    assert wrong.status_code == 401  # type: ignore[attr-defined]
    assert "The account name or the password is wrong." in wrong.text  # type: ignore[attr-defined]
    assert 'value="op101"' in wrong.text  # type: ignore[attr-defined]  # the name is kept
    assert 'aria-describedby="signin-error"' in wrong.text  # type: ignore[attr-defined]
    unknown = attempt("nobody", "whatever it is")
    assert unknown.status_code == 401  # type: ignore[attr-defined]
    for _ in range(4):
        assert attempt("op101", "still wrong").status_code == 401  # type: ignore[attr-defined]
    limited = attempt("op101", PASSWORD)  # the right password, but too late
    assert limited.status_code == 429  # type: ignore[attr-defined]
    assert "Try again after" in limited.text  # type: ignore[attr-defined]
    kk = client.post(
        "/workspace/sign-in?lang=kk",
        data={"csrf": token, "name": "op101", "password": PASSWORD},
        follow_redirects=False,
    )
    assert kk.status_code == 429 and "кейін қайталаңыз" in kk.text
    client.cookies.clear()
    # the limit is per account and address: another address, or another account, may go on
    elsewhere = TestClient(app, client=("203.0.113.9", 50000))
    assert attempt("op101", PASSWORD, elsewhere).status_code == 303  # type: ignore[attr-defined]
    ok = attempt("sup", PASSWORD)
    assert ok.status_code == 303  # type: ignore[attr-defined]
    session_cookie = ok.headers["set-cookie"]  # type: ignore[attr-defined]
    assert "saylau_session=" in session_cookie and "HttpOnly" in session_cookie
    assert "SameSite=strict" in session_cookie and "Path=/workspace" in session_cookie
    assert "Secure" not in session_cookie  # plain http in the test
    with desk.session() as session:
        failures = session.scalar(
            select(func.count(SignInAttemptRow.id)).where(SignInAttemptRow.succeeded.is_(False))
        )
        stored = session.scalars(select(WebSessionRow.token_hash)).all()
    assert failures == 6
    token_value = client.cookies.get("saylau_session")
    assert token_value and token_value not in stored  # only its hash is kept
    home = client.get("/workspace")
    assert "Signed in as sup" in home.text and "Demo election" in home.text
    assert home.headers["cache-control"] == "no-store"
    csrf = CSRF.search(home.text).group(1)  # type: ignore[union-attr]
    out = client.post("/workspace/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/workspace", follow_redirects=False).status_code == 303


def test_session_cookie_is_secure_over_https(sqlite_desk: Saylau) -> None:
    client = TestClient(create_app(sqlite_desk), base_url="https://results.example")
    page = client.get("/workspace/sign-in")
    assert "Secure" in page.headers["set-cookie"]
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/workspace/sign-in",
        data={"csrf": token, "name": "sup", "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]


def test_real_argon2_hashes(sqlite_service: Saylau, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from saylau.security import accounts

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher())
    add_account(sqlite_service, "real", Role.OBSERVER, None)
    with sqlite_service.session() as session:
        row = accounts.accounts(session)[0]
        assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    client = TestClient(create_app(sqlite_service))
    sign_in(client, "real")
    assert "Signed in as real (observer, territory KZ)" in client.get("/workspace").text


# --- CSRF and territory --------------------------------------------------------------------------


def test_csrf_and_origin_are_required_on_every_post(sqlite_desk: Saylau) -> None:
    client = TestClient(create_app(sqlite_desk))
    # the sign-in form itself: without its cookie the token does not count
    page = client.get("/workspace/sign-in")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    client.cookies.clear()
    refused = client.post(
        "/workspace/sign-in", data={"csrf": token, "name": "op101", "password": PASSWORD}
    )
    assert refused.status_code == 403
    csrf = sign_in(client, "op101")
    for data in (payload(), payload(csrf="forged")):
        answer = client.post(STATION, data=data)
        assert answer.status_code == 403 and "did not come from this site" in answer.text
    foreign = client.post(
        STATION, data=payload(csrf=csrf), headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert entries(sqlite_desk) == []
    assert client.post("/workspace/sign-out", data={}).status_code == 403
    assert "Signed in as op101" in client.get("/workspace").text
    # with the token (and this site's origin) it goes through
    good = client.post(
        STATION,
        data=payload(csrf=csrf),
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert good.status_code == 303 and accepted(sqlite_desk) == [1]


def test_operator_is_limited_to_its_station(sqlite_desk: Saylau) -> None:
    client = TestClient(create_app(sqlite_desk))
    csrf = sign_in(client, "op101")
    board = client.get(f"/workspace/{ELECTION}")
    assert "demo-ps-101" in board.text and "demo-ps-102" not in board.text
    other = client.get(f"/workspace/{ELECTION}/station/demo-ps-102")
    assert other.status_code == 403
    assert "demo-ps-102 is outside the territory of op101" in other.text
    posted = client.post(
        f"/workspace/{ELECTION}/station/demo-ps-102", data=payload("demo-ps-102", csrf=csrf)
    )
    assert posted.status_code == 403 and len(entries(sqlite_desk, "demo-ps-102")) == 1
    assert client.get(f"/workspace/{ELECTION}/okrug/demo-zhanaauyl").status_code == 403
    certify = client.post(f"/workspace/{ELECTION}/okrug/demo-birlik/certify", data={"csrf": csrf})
    assert certify.status_code == 403 and "X.00" in certify.text
    with sqlite_desk.session() as session:
        assert session.scalar(select(func.count(CertificationRow.id))) == 0
    # the public site is read-only whatever the session
    assert client.post(f"/election/{ELECTION}", data={"csrf": csrf}).status_code == 405
    assert client.put(STATION).status_code == 405


# --- protocol entry ---------------------------------------------------------------------


def test_mistake_rejected_next_to_the_field_values_kept_then_accepted(desk: Saylau) -> None:
    client = TestClient(create_app(desk))
    csrf = sign_in(client, "op101")
    form = client.get(STATION)
    assert form.status_code == 200 and 'id="protocol-rules"' in form.text
    assert '<label for="f-ballots_received">Ballots received</label>' in form.text
    rules = json.loads(re.search(r'id="protocol-rules">(.*?)</script>', form.text).group(1))  # type: ignore[union-attr]
    assert set(rules["rules"]) >= {"P.101", "P.103", "P.201"} and rules["against_all"] is True
    assert "{received}" in rules["rules"]["P.101"]["text"]

    wrong = client.post(STATION, data=payload(csrf=csrf, ballots_cancelled=500))
    assert wrong.status_code == 422
    text = wrong.text
    field = re.search(r'<input id="f-ballots_received"[^>]*>', text).group(0)  # type: ignore[union-attr]
    assert 'aria-invalid="true"' in field and 'value="1700"' in field
    described = re.search(r'aria-describedby="([^"]+)"', field).group(1)  # type: ignore[union-attr]
    message = re.search(rf'<p class="msg error" id="{described}"[^>]*>(.*?)</p>', text, re.S)
    assert message and "P.101" in message.group(1)
    assert "the difference is 10" in message.group(1)
    # the message sits in the field's own container, and the others it names point to it
    assert text.index('id="msgs-f-ballots_received"') < text.index(f'id="{described}"')
    issued = re.search(r'<input id="f-ballots_issued"[^>]*>', text).group(0)  # type: ignore[union-attr]
    assert described in issued and 'value="1190"' in issued
    for name, value in payload(ballots_cancelled=500).items():
        assert f'name="{name}" value="{value}"' in text, name  # nothing the operator typed is lost
    assert entries(desk) == [] and accepted(desk) == []

    kk = client.post(STATION + "?lang=kk", data=payload(csrf=csrf, ballots_cancelled=500))
    assert "Алынған бюллетеньдер" in kk.text or "P.101" in kk.text
    assert re.search(r"P\.101</code> [^<]*[А-Яа-яӘәҒғҚқҢңӨөҰұҮүІі]", kk.text)
    client.cookies.set("saylau_lang", "en", path="/")

    malformed = client.post(STATION, data=payload(csrf=csrf, invalid="1 4a"))
    assert malformed.status_code == 422
    assert "Enter a whole number of 0 or more, digits only." in malformed.text
    assert 'value="1 4a"' in malformed.text

    fixed = client.post(STATION, data=payload(csrf=csrf), follow_redirects=False)
    assert fixed.status_code == 303
    done = client.get(fixed.headers["location"])
    assert "accepted: version 1 of the protocol counts now" in done.text
    assert accepted(desk) == [1]
    public = client.get(f"/election/{ELECTION}/okrug/demo-zhanaauyl.json").json()
    assert public["progress"]["reported"] == 2 and public["candidates"][0]["votes"] == 983


def test_a_correction_needs_a_reason(sqlite_desk: Saylau) -> None:
    client = TestClient(create_app(sqlite_desk))
    csrf = sign_in(client, "op101")
    assert client.post(STATION, data=payload(csrf=csrf), follow_redirects=False).status_code == 303
    form = client.get(STATION)
    assert 'name="correction_reason"' in form.text and 'value="1650"' in form.text  # prefilled
    changed = payload(csrf=csrf, invalid=13, against_all=32)
    refused = client.post(STATION, data=changed)
    assert refused.status_code == 422
    reason = re.search(r'<textarea id="f-correction_reason"[^>]*>', refused.text).group(0)  # type: ignore[union-attr]
    assert 'aria-invalid="true"' in reason and "V.004" in refused.text
    assert 'name="invalid" value="13"' in refused.text and accepted(sqlite_desk) == [1]
    changed["correction_reason"] = "Re-count: one invalid ballot was for against all"
    assert client.post(STATION, data=changed, follow_redirects=False).status_code == 303
    assert accepted(sqlite_desk) == [1, 2]
    page = client.get(f"/election/{ELECTION}/station/demo-ps-101.json").json()
    assert page["protocol"]["correction_reason"].startswith("Re-count")


def test_supervisor_acknowledges_a_held_protocol(sqlite_desk: Saylau) -> None:
    operator = TestClient(create_app(sqlite_desk))
    csrf = sign_in(operator, "op101")
    held = operator.post(
        STATION,
        data=payload(csrf=csrf, invalid=114, **{"votes.demo-c01": 502}),
        follow_redirects=False,
    )
    assert held.status_code == 303
    page = operator.get(held.headers["location"])
    assert "is held" in page.text and "P.201" in page.text
    [entry] = entries(sqlite_desk)
    assert entry.status == "held" and accepted(sqlite_desk) == []
    assert operator.get(f"/workspace/{ELECTION}/entry/{entry.id}").status_code == 200
    refused = operator.post(
        f"/workspace/{ELECTION}/entry/{entry.id}/acknowledge", data={"csrf": csrf, "note": "ok"}
    )
    assert refused.status_code == 403 and "X.001" in refused.text

    supervisor = TestClient(create_app(sqlite_desk))
    token = sign_in(supervisor, "sup")
    board = supervisor.get(f"/workspace/{ELECTION}?show=held")
    assert f"/workspace/{ELECTION}/entry/{entry.id}" in board.text
    review = supervisor.get(f"/workspace/{ELECTION}/entry/{entry.id}")
    assert "P.201" in review.text and "saylau asks for review above 5%" in review.text
    empty = supervisor.post(
        f"/workspace/{ELECTION}/entry/{entry.id}/acknowledge", data={"csrf": token, "note": " "}
    )
    assert empty.status_code == 422 and "V.010" in empty.text
    done = supervisor.post(
        f"/workspace/{ELECTION}/entry/{entry.id}/acknowledge",
        data={"csrf": token, "note": "The commission's record explains 114 spoiled ballots."},
        follow_redirects=False,
    )
    assert done.status_code == 303 and accepted(sqlite_desk) == [1]


def test_double_entry_discrepancy_is_resolved_field_by_field(sqlite_service: Saylau) -> None:
    load_demo(sqlite_service, stations=(), double_entry=True)
    add_account(sqlite_service, "op101", Role.OPERATOR, "demo-ps-101")
    add_account(sqlite_service, "op101b", Role.OPERATOR, "demo-ps-101")
    add_account(sqlite_service, "sup", Role.SUPERVISOR, "demo-district")
    first, second = TestClient(create_app(sqlite_service)), TestClient(create_app(sqlite_service))
    one, two = sign_in(first, "op101"), sign_in(second, "op101b")
    assert "Entry 1 of 2" in first.get(STATION).text
    answer = first.post(STATION, data=payload(csrf=one), follow_redirects=False)
    assert (
        "the protocol counts once a second operator" in first.get(answer.headers["location"]).text
    )
    again = first.post(STATION, data=payload(csrf=one))
    assert again.status_code == 422 and "V.006" in again.text  # not the same operator twice
    assert "Entry 2 of 2" in second.get(STATION).text
    typo = payload(csrf=two, **{"votes.demo-c02": 480, "votes.demo-c03": 61})
    assert second.post(STATION, data=typo, follow_redirects=False).status_code == 303
    pending = entries(sqlite_service)
    assert [e.status for e in pending] == ["discrepancy", "discrepancy"]
    assert accepted(sqlite_service) == []

    supervisor = TestClient(create_app(sqlite_service))
    token = sign_in(supervisor, "sup")
    review = supervisor.get(f"/workspace/{ELECTION}/entry/{pending[1].id}")
    rows = re.findall(r'<tr class="differs">\s*<th scope="row">([^<]+)</th>', review.text)
    assert len(rows) == 2 and all("(" in r for r in rows)  # the two candidates, by name
    assert review.text.count('name="chosen"') == 2
    resolved = supervisor.post(
        f"/workspace/{ELECTION}/entry/{pending[1].id}/resolve",
        data={"csrf": token, "chosen": str(pending[0].id), "note": "Checked on paper"},
        follow_redirects=False,
    )
    assert resolved.status_code == 303 and accepted(sqlite_service) == [1]
    with sqlite_service.session() as session:
        votes = results.okrug_result(session, ELECTION, "demo-zhanaauyl", provisional=True)
    assert votes.totals.votes["demo-c02"] == 408


# --- okrug: certification, lots, recall; audit ------------------------------------------


def test_certify_with_fingerprint_and_final_protocols(desk: Saylau) -> None:
    client = TestClient(create_app(desk))
    csrf = sign_in(client, "tec")
    incomplete = client.post(
        f"/workspace/{ELECTION}/okrug/demo-zhanaauyl/certify", data={"csrf": csrf}
    )
    assert incomplete.status_code == 422 and "T.007" in incomplete.text
    certified = client.post(
        f"/workspace/{ELECTION}/okrug/demo-birlik/certify",
        data={"csrf": csrf},
        follow_redirects=False,
    )
    assert certified.status_code == 303
    page = client.get(certified.headers["location"])
    with desk.session() as session:
        row = results.certification(session, ELECTION, "demo-birlik")
    assert row is not None and f'id="fingerprint">{row.sha256}</code>' in page.text
    for lang, title in (("kk", "қорытынды хаттама"), ("ru", "Итоговый протокол")):
        document = client.get(f"/workspace/{ELECTION}/okrug/demo-birlik/final-protocol?doc={lang}")
        assert document.status_code == 200
        assert document.headers["content-type"] == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(document.content)).pages)
        assert row.sha256 in text.replace("\n", "") and title in " ".join(text.split())
    uncertified = client.get(f"/workspace/{ELECTION}/okrug/demo-zhanaauyl/final-protocol")
    assert uncertified.status_code == 404 and "T.050" in uncertified.text
    public = client.get(f"/election/{ELECTION}/okrug/demo-birlik.json").json()
    assert public["certification"]["sha256"] == row.sha256 and public["outcome"]["status"] == (
        "certified"
    )
    supervisor = TestClient(create_app(desk))
    token = sign_in(supervisor, "sup")
    again = supervisor.post(
        f"/workspace/{ELECTION}/okrug/demo-kokterek/certify", data={"csrf": token}
    )
    assert again.status_code == 403 and "X.001" in again.text


def test_lots_recall_and_the_audit_trail(sqlite_service: Saylau) -> None:
    load_demo(sqlite_service, stations=("demo-ps-101", "demo-ps-102", "demo-ps-105"))
    add_account(sqlite_service, "tec", Role.TERRITORIAL, "demo-district")
    add_account(sqlite_service, "op103", Role.OPERATOR, "demo-ps-103")
    operator = TestClient(create_app(sqlite_service))
    token = sign_in(operator, "op103")
    tie_103 = payload("demo-ps-103", csrf=token, **{"votes.demo-c04": 420, "votes.demo-c05": 420})
    assert (
        operator.post(
            f"/workspace/{ELECTION}/station/demo-ps-103", data=tie_103, follow_redirects=False
        ).status_code
        == 303
    )
    client = TestClient(create_app(sqlite_service))
    csrf = sign_in(client, "tec")
    tie_104 = payload(
        "demo-ps-104", csrf=csrf, against_all=8, **{"votes.demo-c04": 237, "votes.demo-c05": 237}
    )
    assert (
        client.post(
            f"/workspace/{ELECTION}/station/demo-ps-104", data=tie_104, follow_redirects=False
        ).status_code
        == 303
    )
    okrug = f"/workspace/{ELECTION}/okrug/demo-birlik"
    page = client.get(okrug)
    assert 'action="' + okrug + '/lots"' in page.text and "/certify" not in page.text
    bad_time = client.post(
        okrug + "/lots",
        data={"csrf": csrf, "winner": "demo-c05", "drawn_by": "Chair", "drawn_at": "yesterday"},
    )
    assert bad_time.status_code == 422
    assert 'aria-describedby="err-drawn_at"' in bad_time.text and 'value="Chair"' in bad_time.text
    drawn = client.post(
        okrug + "/lots",
        data={
            "csrf": csrf,
            "winner": "demo-c05",
            "drawn_by": "Chair of the okrug commission",
            "drawn_at": "2025-07-21T10:00",
            "witnesses": "A. Observer\nB. Agent",
        },
        follow_redirects=False,
    )
    assert drawn.status_code == 303
    with sqlite_service.session() as session:
        draw = session.scalars(select(LotDrawRow)).one()
        assert draw.winner == "demo-c05" and json.loads(draw.witnesses) == [
            "A. Observer",
            "B. Agent",
        ]
    assert (
        client.post(okrug + "/certify", data={"csrf": csrf}, follow_redirects=False).status_code
        == 303
    )
    public = client.get(f"/election/{ELECTION}/okrug/demo-birlik.json").json()
    assert public["outcome"]["winner"] == "demo-c05" and "W.002" in [
        s["rule"] for s in public["outcome"]["trace"]
    ]

    out_of_order = client.post(
        okrug + "/recall",
        data={
            "csrf": csrf,
            "step": "maslikhat_decision",
            "date": "2026-02-01",
            "body": "Maslikhat",
        },
    )
    assert out_of_order.status_code == 422 and "R.004" in out_of_order.text
    recorded = client.post(
        okrug + "/recall",
        data={
            "csrf": csrf,
            "step": "council_request",
            "date": "2026-01-15",
            "body": "Birlik village council",
            "akim": "demo-c05",
            "document": "Minutes No. 3",
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303
    with sqlite_service.session() as session:
        assert session.scalar(select(func.count(RecallStepRow.id))) == 1
    steps = client.get(f"/election/{ELECTION}/okrug/demo-birlik.json").json()["recall"]
    assert [s["step_text"] for s in steps] == ["Village council's request"]
    assert "Minutes No. 3" in client.get(f"/election/{ELECTION}/okrug/demo-birlik").text

    trail = client.get(f"/workspace/{ELECTION}/audit").text
    for action in ("protocol.accept", "lots.record", "result.certify", "recall.council_request"):
        assert action in trail, action
    mine = operator.get(f"/workspace/{ELECTION}/audit").text
    assert "demo-2025/demo-ps-103/v1" in mine and "demo-ps-104" not in mine
    assert "result.certify" not in mine  # the okrug is above the operator's station
