"""Every page, its JSON twin and its CSV download, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from saylau.service import Saylau
from saylau.store import audit
from saylau.store.schema import ElectionRow, FigureRow, SourceRow
from saylau.web.pages import PageCache

PAGES = [
    "/",
    "/region/KZ-61",
    "/region/KZ-71",
    "/parties",
    "/party/amanat",
    "/party/adal",
    "/tables",
    "/tables/1",
    "/tables/2",
    "/tables/3",
    "/tables/4",
    "/tables/totals",
    "/check",
    "/sources",
    "/figure/t4-KZ-61-self",
    "/figure/sum:@winners.KZ.amanat",
    "/search?q=Qaraghandy",
    "/about",
]
NO_CSV = {"/tables", "/about", "/region/KZ-71"}


def _twin(path: str, suffix: str) -> str:
    base, _, query = path.partition("?")
    base = "/index" if base == "/" else base
    return base + suffix + (("?" + query) if query else "")


def test_every_page_and_its_twins(both_client) -> None:
    for path in PAGES:
        html = both_client.get(path)
        assert html.status_code == 200, path
        assert html.headers["content-type"].startswith("text/html"), path
        assert "<main" in html.text and 'lang="en"' in html.text, path

        as_json = both_client.get(_twin(path, ".json"))
        assert as_json.status_code == 200, path
        body = as_json.json()
        assert body["lang"] == "en" and body["title"], path
        negotiated = both_client.get(path, headers={"Accept": "application/json"})
        assert negotiated.json() == body, path

        download = both_client.get(_twin(path, ".csv"))
        if path in NO_CSV:
            assert download.status_code == 404, path
            continue
        assert download.status_code == 200, path
        assert download.headers["content-type"].startswith("text/csv"), path
        assert "attachment" in download.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(download.text)))
        assert len(rows) >= 2, path
        by_format = both_client.get(path + ("&" if "?" in path else "?") + "format=csv")
        assert by_format.text == download.text, path


def test_republic_numbers_match_the_paper(both_client) -> None:
    body = both_client.get("/index.json").json()
    seats = {r["party"]: r["seats"]["value"] for r in body["results"]}
    assert seats["amanat"] == 569
    assert seats[None] == 170
    assert body["total_winners"]["value"] == 836
    assert body["total_winners"]["caveats"], "836 akims for 730 okrugs must carry a caveat"
    assert body["competition"]["enp_single_bin"]["value"] == pytest.approx(1.96, abs=0.01)
    assert {c["rule"] for c in body["caveats"]} >= {"C.02", "C.03"}
    turkistan = next(r for r in body["map"]["regions"] if r["code"] == "KZ-61")
    assert turkistan["value"]["text"] == "53.6%"
    astana = next(r for r in body["map"]["regions"] if r["code"] == "KZ-71")
    assert astana["value"] is None


def _insert_synthetic(service: Saylau) -> None:
    with service.transaction() as session:
        session.add(
            SourceRow(
                code="synthetic-test",
                kind="synthetic",
                title="Generated for a test",
                citation="saylau test suite",
                url=None,
                licence=None,
                note=None,
                synthetic=True,
            )
        )
        session.flush()
        session.add(
            ElectionRow(
                code="synthetic-2099",
                type="rural_akim",
                date=dt.date(2099, 1, 1),
                law_version="kz-2021-05-24-41-VII",
                name_kk="Синтетикалық сайлау",
                name_ru="Синтетические выборы",
                name_en="Synthetic election",
                synthetic=True,
                source="synthetic-test",
                note=None,
            )
        )
        session.flush()
        session.add(
            FigureRow(
                id="syn-KZ-61-voters",
                dataset="test",
                election="synthetic-2099",
                level="region",
                unit="KZ-61",
                measure="voters",
                party=None,
                nomination="all",
                sex="all",
                value=12345,
                scale=0,
                approximate=False,
                source="synthetic-test",
                source_table=None,
                source_row=None,
                source_column=None,
                source_page=None,
                position=None,
                note=None,
            )
        )
        audit.record(session, actor="system", action="test.insert", entity="dataset",
                     entity_id="test", payload={})


def test_synthetic_data_carry_a_banner(both_client, service: Saylau) -> None:
    banner = 'class="banner synthetic"'
    assert banner not in both_client.get("/figure/t4-KZ-61-self").text
    assert banner not in both_client.get("/sources").text
    _insert_synthetic(service)
    # written behind the app's back (no audit entry, no dataset load): forget rendered pages
    both_client.app.state.page_cache = PageCache()
    page = both_client.get("/figure/syn-KZ-61-voters")
    assert page.status_code == 200 and banner in page.text
    assert both_client.get("/figure/syn-KZ-61-voters.json").json()["synthetic"] is True
    assert banner in both_client.get("/sources").text
    kk = both_client.get("/figure/syn-KZ-61-voters?lang=kk").text
    assert "Синтетикалық деректер" in kk
    # Real pages stay unmarked.
    assert banner not in both_client.get("/").text
    assert both_client.get("/index.json").json()["synthetic"] is False
