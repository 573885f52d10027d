"""Public pages of elections run with saylau: every page and its twins on SQLite and
PostgreSQL, the numbers against the service layer, status, certification, corrections,
recall, search links, the synthetic banner, and ETag / 304 while nothing changes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import statistics
import time
import warnings

import pytest

from saylau.administration import protocols, recall, results
from saylau.security.actor import SYSTEM
from saylau.service import Saylau
from saylau.tabulate.aggregate import Level, tabulate
from saylau.web.app import create_app

from .demo import ELECTION, load_demo, protocol_payloads

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PAGES = [
    "/elections",
    f"/election/{ELECTION}",
    f"/election/{ELECTION}/region/KZ-11",
    f"/election/{ELECTION}/district/demo-district",
    f"/election/{ELECTION}/okrug/demo-zhanaauyl",
    f"/election/{ELECTION}/okrug/demo-birlik",
    f"/election/{ELECTION}/station/demo-ps-101",
    f"/election/{ELECTION}/station/demo-ps-104",
]
BANNER = 'class="banner synthetic"'


@pytest.fixture
def night(service: Saylau) -> TestClient:
    """The demo election on each backend: four stations in, demo-birlik certified."""
    load_demo(
        service,
        stations=("demo-ps-102", "demo-ps-103", "demo-ps-104", "demo-ps-105"),
        certify=("demo-birlik",),
    )
    return TestClient(create_app(service))


def test_every_page_with_twins_on_both_backends(night: TestClient, service: Saylau) -> None:
    for path in PAGES:
        page = night.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        data = night.get(path + ".json")
        assert data.status_code == 200, path
        body = data.json()
        assert body["title"] and body["lang"] == "en"
        if path != "/elections":
            assert BANNER in page.text, path  # the demo is synthetic
            assert body["synthetic"] is True
            assert '<script src="/static/live.js" defer></script>' in page.text
            assert body["live"], path
            marked = set(re.findall(r'data-live="([^"]+)"', page.text))
            assert marked == set(body["live"]), path  # else live.js would swap <main>
            assert page.headers["etag"] and page.headers["cache-control"] == "no-cache"
        download = night.get(path + ".csv")
        if path.endswith("demo-ps-101"):
            assert download.status_code == 404  # no protocol yet: no table
            continue
        assert download.status_code == 200, path
        assert len(list(csv.reader(io.StringIO(download.text)))) >= 2

    # the numbers are those of the service layer
    summary = night.get(f"/election/{ELECTION}.json").json()
    with service.session() as session:
        republic = tabulate(session, ELECTION, Level.REPUBLIC)[0]
    assert summary["progress"]["reported"] == republic.stations_reported == 4
    assert summary["progress"]["expected"] == 5
    assert summary["totals"]["ballots_in_boxes"] == republic.ballots_in_boxes
    assert summary["totals"]["valid"] == republic.valid
    status = {o["code"]: o["status"] for o in summary["okrugs"]}
    assert status == {
        "demo-birlik": "certified",
        "demo-kokterek": "provisional",
        "demo-zhanaauyl": "provisional",
    }
    assert summary["progress"]["last_update_text"].endswith("(Almaty time, UTC+05:00)")


def test_okrug_page_candidates_outcome_trace_certification(client) -> None:
    data = client.get(f"/election/{ELECTION}/okrug/demo-zhanaauyl.json").json()
    votes = {c["code"]: c["votes"] for c in data["candidates"]}
    assert votes == {"demo-c01": 983, "demo-c02": 810, "demo-c03": 224}
    assert data["candidates"][0]["name"] == "Ахметов Ерлан Серікұлы"
    assert data["candidates"][0]["party_name"] == "AMANAT" and data["candidates"][0]["elected"]
    assert data["candidates"][0]["share_text"] == "47.0%"  # 983 of 2,093 in the boxes
    assert data["against_all"]["votes"] == 53
    assert data["outcome"]["status"] == "certified" and data["outcome"]["winner"] == "demo-c01"
    rules = [step["rule"] for step in data["outcome"]["trace"]]
    assert rules == ["W.006", "W.004", "W.007", "W.005", "W.001"]
    assert all("article unconfirmed" in step["article"] for step in data["outcome"]["trace"])
    # standings name the candidates, not their codes
    assert (
        "Жұмабаева Айгүл Қайратқызы (self-nominated): 810" in data["outcome"]["trace"][-1]["check"]
    )
    certification = data["certification"]
    assert len(certification["sha256"]) == 64 and certification["current"] is True
    page = client.get(f"/election/{ELECTION}/okrug/demo-zhanaauyl").text
    assert certification["sha256"] in page
    kk = client.get(f"/election/{ELECTION}/okrug/demo-zhanaauyl?lang=kk").text
    assert "Бекітілді" in kk and "Дауыстар" in kk
    ru = client.get(f"/election/{ELECTION}/okrug/demo-zhanaauyl.json?lang=ru").json()
    assert ru["outcome"]["status_text"] == "Утверждено"


def test_elections_list_home_and_search(client) -> None:
    items = {e["code"]: e for e in client.get("/elections.json").json()["elections"]}
    assert items["kz-2021-rural-akim"]["href"] == "/" and not items["kz-2021-rural-akim"]["run"]
    assert items[ELECTION]["run"] and items[ELECTION]["synthetic"]
    assert items[ELECTION]["href"] == f"/election/{ELECTION}"
    home = client.get("/")
    assert f'href="/election/{ELECTION}"' in home.text and 'class="tag"' in home.text
    assert BANNER not in home.text  # the real 2021 page is not synthetic
    assert {e["code"] for e in client.get("/index.json").json()["elections"]} >= set(items)
    found = {
        r["code"]: r["href"]
        for r in client.get("/search.json", params={"q": "Жаңаауыл"}).json()["results"]
    }
    assert found["demo-zhanaauyl"] == f"/election/{ELECTION}/okrug/demo-zhanaauyl"
    stations = client.get("/search.json", params={"q": "demo-ps-103"}).json()["results"]
    assert stations[0]["href"] == f"/election/{ELECTION}/station/demo-ps-103"
    district = client.get("/search.json", params={"q": "Demo District"}).json()["results"]
    assert district[0]["href"] == f"/election/{ELECTION}/district/demo-district"


def test_unknown_places_are_404_in_the_language(client) -> None:
    assert client.get("/election/nope").status_code == 404
    assert client.get("/election/kz-2021-rural-akim").status_code == 404  # figures only
    missing = client.get(f"/election/{ELECTION}/okrug/nowhere.json?lang=ru")
    assert missing.status_code == 404 and "nowhere" in missing.json()["detail"]
    assert client.get(f"/election/{ELECTION}/station/demo-ps-999").status_code == 404
    assert client.get(f"/election/{ELECTION}/district/KZ-11").status_code == 404
    assert client.post(f"/election/{ELECTION}").status_code == 405


def test_etag_and_304_while_nothing_changes(service: Saylau) -> None:
    load_demo(service, stations=("demo-ps-102",))
    app = create_app(service)
    client = TestClient(app)
    path = f"/election/{ELECTION}/okrug/demo-zhanaauyl.json"
    first = client.get(path)
    tag = first.headers["etag"]
    # weak: the same page is sent gzip-, brotli- or zstd-encoded
    assert first.status_code == 200 and tag.startswith('W/"')
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert client.get(path, headers={"If-None-Match": tag[2:]}).status_code == 304
    # other languages and formats have their own tags
    assert client.get(path + "?lang=kk").headers["etag"] != tag
    client.cookies.clear()  # forget the language the query set
    html = client.get(path.removesuffix(".json"))
    assert html.headers["etag"] != tag
    assert client.get(path.removesuffix(".json"), headers={"If-None-Match": tag}).status_code == 200
    # a page rendered for a state is served from the cache to the next visitor
    hits = app.state.page_cache.hits
    assert client.get(path).content == first.content
    assert app.state.page_cache.hits == hits + 1
    # a protocol arrives: the tag changes and the numbers with it
    payload = next(p for p in protocol_payloads() if p["station"] == "demo-ps-101")
    with service.transaction() as session:
        protocols.submit(session, SYSTEM, protocols.parse(payload))
    changed = client.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    live = changed.json()["live"]
    assert live["cand.demo-c01.votes"] == "983" and live["progress"].startswith("2 of 2")


def test_station_versions_and_correction_reasons(service: Saylau) -> None:
    load_demo(service)
    payload = next(p for p in protocol_payloads() if p["station"] == "demo-ps-104")
    corrected = {
        **payload,
        "invalid": 5,
        "votes": {**payload["votes"], "demo-c04": 302},  # type: ignore[dict-item]
        "correction_reason": "Recount of the invalid ballots",
    }
    with service.transaction() as session:
        protocols.submit(session, SYSTEM, protocols.parse(corrected))
    client = TestClient(create_app(service))
    data = client.get(f"/election/{ELECTION}/station/demo-ps-104.json").json()
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert data["protocol"]["version"] == 2
    assert data["protocol"]["correction_reason"] == "Recount of the invalid ballots"
    assert data["versions"][1]["changed"] == ["invalid", "votes.demo-c04"]
    page = client.get(f"/election/{ELECTION}/station/demo-ps-104").text
    assert "Recount of the invalid ballots" in page and "Version 2" in page
    table = client.get(f"/election/{ELECTION}/station/demo-ps-104.csv").text.splitlines()
    assert len(table) == 3


def test_recall_steps_and_lots_on_the_okrug_page(service: Saylau) -> None:
    load_demo(service, stations=("demo-ps-103", "demo-ps-104"))
    with service.transaction() as session:
        recall.record_step(
            session,
            SYSTEM,
            okrug="demo-birlik",
            step=recall.Step.COUNCIL_REQUEST,
            date=dt.date(2026, 3, 1),
            body="Birlik village council",
            document="No. 7",
        )
    client = TestClient(create_app(service))
    data = client.get(f"/election/{ELECTION}/okrug/demo-birlik.json").json()
    assert data["recall"][0]["step"] == "council_request"
    assert data["recall"][0]["step_text"] == "Village council's request"
    assert "unconfirmed" in data["recall"][0]["legal_basis"]
    assert data["outcome"]["status"] == "provisional" and data["outcome"]["winner"] == "demo-c04"
    with service.session() as session:
        result = results.okrug_result(session, ELECTION, "demo-birlik")
    assert data["totals"]["valid"] == result.totals.valid


def test_live_pages_are_light_and_quick(client) -> None:
    from .test_site import page_weight

    for path in PAGES:
        weight = page_weight(client, path)  # the HTML, the stylesheet and live.js
        assert weight < 100_000, (path, weight)
    for path in PAGES[1:6]:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert client.get(path).status_code == 200
            times.append(time.perf_counter() - start)
        assert statistics.median(times) < 1.0, path
