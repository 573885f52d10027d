"""Election setup and nominations in the commission workspace, through the ASGI app: calling
an election with its ground, the calendar with the days left, the setup files (every problem
with its file, line and column, nothing written), nominations (refusals name each unmet rule
and its source), extensions and withdrawals. The same service functions as the command line
do the work, so the same rules refuse the same things."""

from __future__ import annotations

import re
import warnings

import pytest
from sqlalchemy import func, select

from saylau.security.actor import Role
from saylau.service import Saylau
from saylau.store.schema import (
    AuditRow,
    CandidateRow,
    ElectionRow,
    ElectionSetupRow,
    ElectionStepRow,
    StationRollRow,
)
from saylau.web.app import create_app

from . import setup_story as story
from .demo import add_account, load_demo
from .test_workspace import sign_in

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.usefixtures("fast_hashes")
BASE = f"/workspace/{story.CODE}"


def text(html: str) -> str:
    """The visible text of a page, one line."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def count(service: Saylau, table: type) -> int:
    with service.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def tec(service: Saylau) -> tuple[Saylau, TestClient, str]:
    """The demo places on each backend, a territorial commission account signed in."""
    load_demo(service, stations=())
    add_account(service, "tec", Role.TERRITORIAL, "demo-district")
    add_account(service, "op", Role.OPERATOR, "demo-ps-101")
    client = TestClient(create_app(service))
    return service, client, sign_in(client, "tec")


def called(tec: tuple[Saylau, TestClient, str]) -> None:
    _, client, csrf = tec
    answer = client.post("/workspace/new", data=story.call_form(csrf), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"{BASE}/setup?done=created"


def loaded(tec: tuple[Saylau, TestClient, str]) -> None:
    _, client, csrf = tec
    files = [("files", (name, data, "text/csv")) for name, data in story.setup_files()]
    answer = client.post(
        f"{BASE}/setup/load", data={"csrf": csrf}, files=files, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text


def nominated(tec: tuple[Saylau, TestClient, str]) -> str:
    _, client, csrf = tec
    answer = client.post(
        f"{BASE}/nominations/upload",
        data={"csrf": csrf},
        files=[("files", ("candidates.csv", story.candidates_csv(), "text/csv"))],
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def test_calling_an_election_with_its_ground(tec):
    service, client, csrf = tec
    elections = count(service, ElectionRow)
    home = client.get("/workspace?lang=kk")
    assert 'href="/workspace/new"' in home.text and "Сайлау тағайындау" in home.text
    form = client.get("/workspace/new?lang=ru")
    assert form.status_code == 200 and "Основание выборов" in form.text
    # 20 days before polling is after the latest day (40 days before the term ends): K.001
    late = client.post(
        "/workspace/new?lang=ru", data=story.call_form(csrf, called_on=story.days(-20))
    )
    assert late.status_code == 422
    assert re.search(r'id="called_on"[^>]*aria-invalid="true"', late.text)
    page = text(late.text)
    assert "K.001" in page and "113-1" in page and "7/411" in page  # rule, article, source
    assert "Выборы не назначены" in page
    # a term ending before polling day contradicts the ground: K.009 next to its date
    contradicting = client.post(
        "/workspace/new", data=story.call_form(csrf, ground_date=story.days(5))
    )
    assert contradicting.status_code == 422
    assert re.search(r'id="ground_date"[^>]*aria-invalid="true"', contradicting.text)
    assert "K.009" in contradicting.text
    # an early termination takes its date; a first election none
    assert (
        "needs its day"
        in client.post(
            "/workspace/new?lang=en",
            data=story.call_form(csrf, ground="early_termination", ground_date=""),
        ).text
    )
    assert count(service, ElectionRow) == elections  # nothing was stored
    called(tec)
    with service.session() as session:
        row = session.get(ElectionSetupRow, story.CODE)
        assert row is not None and row.ground == "term_end" and row.created_by == "tec"
        election = session.get(ElectionRow, story.CODE)
        assert election is not None and election.law_version == "rural-akim-2023"
        assert election.synthetic
    # the code is taken now
    again = client.post("/workspace/new", data=story.call_form(csrf))
    assert again.status_code == 422 and "S.001" in again.text


def test_the_calendar_shows_the_days_left_with_rules_and_sources(tec):
    called(tec)
    _, client, _ = tec
    page = client.get(f"{BASE}/setup?done=created&lang=kk")
    assert page.status_code == 200
    assert "Сайлау тағайындалды" in page.text  # the note after the call
    body = text(page.text)
    assert "10 күн қалды" in body  # polling day
    assert "15 күн қалды" in body  # the incumbent's term
    assert "өтті" in body  # nomination closed
    for code in ("K.001", "K.002", "K.003", "K.006", "K.007", "K.008", "K.011"):
        assert code in body, code
    assert "karaganda-aktogay" in page.text and "egemen.kz" in page.text
    ru = text(client.get(f"{BASE}/setup?lang=ru").text)
    assert "осталось дней: 10" in ru and "прошёл" in ru


def test_the_setup_file_lists_every_problem_and_writes_nothing(tec):
    service, client, csrf = tec
    called(tec)
    before = count(service, StationRollRow)
    broken = [
        ("files", (name, story.broken_okrugs() if name == "okrugs.csv" else data, "text/csv"))
        for name, data in story.setup_files()
    ]
    answer = client.post(f"{BASE}/setup/load?lang=ru", data={"csrf": csrf}, files=broken)
    assert answer.status_code == 422
    body = text(answer.text)
    assert "okrugs.csv:3" in body and "okrugs.csv:4" in body  # every problem, by line
    assert "столбец &#39;district&#39;" in body and "столбец &#39;kind&#39;" in body  # column
    assert "/tmp" not in body  # the file's own name, not where it was kept
    assert count(service, StationRollRow) == before
    wrong = client.post(
        f"{BASE}/setup/load",
        data={"csrf": csrf},
        files=[("files", ("figures.csv", b"x", "text/csv"))],
    )
    assert wrong.status_code == 422 and "figures.csv" in wrong.text
    loaded(tec)
    with service.session() as session:
        rolls = session.scalars(
            select(StationRollRow).where(StationRollRow.election == story.CODE)
        ).all()
    assert len(rolls) == 5
    assert "3" in text(client.get(f"{BASE}/setup").text)


def test_nominations_refusals_extension_and_withdrawal(tec):
    service, client, csrf = tec
    called(tec)
    loaded(tec)
    client.get("/workspace?lang=en")
    page = nominated(tec)
    assert "4 registered, 1 refused" in text(page)
    body = text(client.get(f"{BASE}/nominations?lang=en").text)
    # the refusal names the rule, its reference and its source
    assert "E.002" in body and "time.kz" in body and "article unconfirmed" in body
    # birlik and kokterek have one candidate each after the close of nomination: too few
    assert body.count("nomination may be extended by up to 5 days") == 2
    # withdraw ws-c02 in zhanaauyl (after nomination closed, ballots not printed)
    withdraw = f"{BASE}/candidate/ws-c02/withdraw"
    missing = client.post(withdraw, data={"csrf": csrf, "applied_at": ""})
    assert missing.status_code == 422
    assert re.search(r'id="wd-ws-c02-applied_at"[^>]*aria-invalid="true"', missing.text)
    moment = f"{story.days(0)}T09:00"
    done = client.post(
        withdraw,
        data={"csrf": csrf, "applied_at": moment, "ballots_printed": "no", "document": "app 1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    twice = client.post(
        withdraw, data={"csrf": csrf, "applied_at": moment, "ballots_printed": "no"}
    )
    assert twice.status_code == 422 and "K.011" in twice.text and "eri.kz" in twice.text
    # extend zhanaauyl: 6 days is beyond the law's 5 (K.010, with its source)
    extend = f"{BASE}/okrug/demo-zhanaauyl/extend"
    decided = f"{story.days(0)}T15:00"
    too_long = client.post(extend, data={"csrf": csrf, "days": "6", "decided_at": decided})
    assert too_long.status_code == 422
    assert re.search(r'id="ext-demo-zhanaauyl-days"[^>]*aria-invalid="true"', too_long.text)
    assert "1 to 5" in text(too_long.text) and "aktobe-khobda" in too_long.text
    ok = client.post(
        extend, data={"csrf": csrf, "days": "3", "decided_at": decided}, follow_redirects=False
    )
    assert ok.status_code == 303
    after = text(client.get(f"{BASE}/nominations").text)
    assert "extended by 3 day(s)" in after and "withdrew" in after
    with service.session() as session:
        kinds = sorted(r.kind for r in session.scalars(select(ElectionStepRow)))
        actions = {r.action for r in session.scalars(select(AuditRow))}
    assert kinds == ["extension", "withdrawal"]
    assert {"nomination.extend", "candidate.withdraw", "election.create"} <= actions
    # the calendar of the okrug follows: one nomination within the extension is registered
    form = {
        "csrf": csrf, "code": "ws-c06", "okrug": "demo-zhanaauyl",
        "name": "Ұзартылған Асқар (синтетикалық)", "nominated_by": "self", "party": "",
        "birth_date": "1985-05-05", "signatures": "40", "nominated_at": f"{story.days(1)}T10:00",
        "citizen": "on", "qualified": "on", "deposit_paid": "on", "declarations_filed": "on",
    }  # fmt: skip
    one = client.post(f"{BASE}/nominations/one", data=form, follow_redirects=False)
    assert one.status_code == 303 and "registered=1" in one.headers["location"]
    # ... and the same one in kokterek (no extension there) is refused by K.002
    late = {**form, "code": "ws-c07", "okrug": "demo-kokterek"}
    client.post(f"{BASE}/nominations/one", data=late)
    with service.session() as session:
        assert session.get(CandidateRow, "ws-c07") is not None
    assert "K.002" in text(client.get(f"{BASE}/nominations").text)


def test_one_nomination_with_a_bad_field_is_shown_next_to_it(tec):
    service, client, csrf = tec
    called(tec)
    loaded(tec)
    form = {"csrf": csrf, "code": "ws-c09", "okrug": "demo-birlik", "name": "X (синтетикалық)",
            "nominated_by": "party", "party": "", "birth_date": "not a date",
            "nominated_at": f"{story.days(-20)}T10:00"}  # fmt: skip
    answer = client.post(f"{BASE}/nominations/one?lang=kk", data=form)
    assert answer.status_code == 422
    assert re.search(r'id="one-birth_date"[^>]*aria-invalid="true"', answer.text)
    assert re.search(r'id="one-nominated_by"[^>]*aria-invalid="true"', answer.text)  # I.033
    assert count(service, CandidateRow) == 7  # the demo's seven only


def test_roles_territory_and_csrf(tec, service: Saylau):
    _, client, csrf = tec
    elections = count(service, ElectionRow)
    assert client.post("/workspace/new", data=story.call_form("forged")).status_code == 403
    operator = TestClient(create_app(service))
    token = sign_in(operator, "op")
    assert operator.get("/workspace/new").status_code == 403
    refused = operator.post("/workspace/new", data=story.call_form(token))
    assert refused.status_code == 403 and "X.001" in refused.text
    outside = client.post(
        "/workspace/new", data=story.call_form(csrf, territory="KZ-15")
    )  # another region
    assert outside.status_code == 403 and "X.002" in outside.text
    assert count(service, ElectionRow) == elections


def test_days_left_of_a_day_and_of_a_moment():
    import datetime as dt

    from saylau.web.workspace_setup import TZ, days_left

    now = dt.datetime(2025, 6, 24, 17, 0, tzinfo=TZ)
    assert days_left(dt.date(2025, 6, 24), now, "en") == ("today", "today")
    assert days_left(dt.date(2025, 6, 27), now, "en") == ("3 day(s) left", "soon")
    assert days_left(dt.date(2025, 7, 27), now, "kk") == ("33 күн қалды", "later")
    assert days_left(dt.date(2025, 6, 23), now, "ru") == ("прошёл", "past")
    closes = dt.datetime(2025, 6, 24, 18, 0, tzinfo=TZ)
    assert days_left(closes, now, "en") == ("today", "today")
    assert days_left(closes, closes, "en") == ("passed", "past")  # from that moment on
    assert days_left(None, now, "en") == ("–", "none")
