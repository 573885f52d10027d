"""Behaviour of the public site on SQLite: languages, errors, links, search, weight."""

from __future__ import annotations

import re
import statistics
import time
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from saylau.reports import seed_tables
from saylau.web import derive
from saylau.web.pages import lang_from_header
from saylau.web.snapshot import Snapshot

MAIN_PAGES = [
    "/",
    "/region/KZ-61",
    "/parties",
    "/party/amanat",
    "/tables/3",
    "/check",
    "/sources",
    "/figure/t4-KZ-61-self",
    "/search?q=almaty",
    "/about",
]
ATTRIBUTION = "Boundaries: geokz (A. Rodionov), CC BY 4.0, based on stat.gov.kz and OCHA COD-AB"


class Links(HTMLParser):
    """Collects hrefs and the resources a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[str, str]] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.anchors.append((values.get("class") or "", values["href"] or ""))
        if tag == "link" and values.get("rel") in ("stylesheet", "icon"):
            self.resources.append(values.get("href") or "")
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.resources.append(values["src"] or "")


def parse(text: str) -> Links:
    links = Links()
    links.feed(text)
    return links


# --- languages ---------------------------------------------------------------------------


def test_language_from_accept_language_cookie_and_query(fresh_client) -> None:
    kk = fresh_client.get("/", headers={"Accept-Language": "kk-KZ,ru;q=0.8"})
    assert '<html lang="kk">' in kk.text and "Республика" in kk.text
    assert "Партиялар бойынша сайланған әкімдер" in kk.text
    ru = fresh_client.get("/?lang=ru")
    assert '<html lang="ru">' in ru.text and ru.cookies.get("saylau_lang") == "ru"
    # remembered: no parameter, no header
    again = fresh_client.get("/parties")
    assert '<html lang="ru">' in again.text and "Реестр партий" in again.text
    # the query overrides the cookie
    assert '<html lang="en">' in fresh_client.get("/parties?lang=en").text


def test_accept_language_parsing() -> None:
    assert lang_from_header("fr, ru;q=0.5, en;q=0.4") == "ru"
    assert lang_from_header("en;q=0.1, kk") == "kk"
    assert lang_from_header("kz") == "kk"
    assert lang_from_header("de, fr") is None
    assert lang_from_header("ru;q=x") is None


def test_numbers_and_dates_follow_the_language(client) -> None:
    en = client.get("/tables/2?lang=en").text
    ru = client.get("/tables/2?lang=ru").text
    assert "1,200,000" in en and "25 Jul 2021" in client.get("/?lang=en").text
    assert "1\xa0200\xa0000" in ru
    assert "2021" in client.get("/?lang=kk").text
    assert "38,2\xa0%" in ru or "38,2 %" in ru


def test_switch_links_keep_the_query(client) -> None:
    page = client.get("/?measure=okrugs&lang=en")
    assert 'href="/?measure=okrugs&amp;lang=kk"' in page.text
    assert client.get("/index.json?measure=okrugs").json()["alternates"]["ru"] == (
        "/?measure=okrugs&lang=ru"
    )


# --- errors and methods -------------------------------------------------------------------


def test_unknown_urls_are_404_in_the_users_language(client) -> None:
    page = client.get("/no/such/page", headers={"Accept-Language": "kk"})
    assert page.status_code == 404 and "Бет табылмады" in page.text
    assert page.headers["content-type"].startswith("text/html")
    data = client.get("/region/KZ-99.json?lang=ru")
    assert data.status_code == 404
    assert data.json()["title"] == "Страница не найдена"
    assert "KZ-99" in data.json()["detail"]
    assert client.get("/party/nope").status_code == 404
    assert client.get("/tables/7").status_code == 404
    assert client.get("/figure/sum:nope").status_code == 404
    assert client.get("/figure/nope.csv").headers["content-type"].startswith("application/json")


def test_malformed_parameters_are_422_naming_the_parameter(client) -> None:
    page = client.get("/?measure=turnout")
    assert page.status_code == 422 and "measure" in page.text
    problem = client.get("/index.json?lang=fr").json()["problems"][0]
    assert problem["parameter"] == "lang" and "kk" in problem["rule"] and "en" in problem["rule"]
    long = client.get("/search.json?q=" + "x" * 101)
    assert long.status_code == 422
    assert long.json()["problems"] == [
        {"parameter": "q", "location": "query", "rule": "at most 100 characters"}
    ]
    assert client.get("/region/KZ-61?format=pdf").status_code == 422


def test_only_get_and_head(client) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        response = client.request(method, "/parties")
        assert response.status_code == 405, method
        assert response.headers["allow"] == "GET, HEAD"
    head = client.head("/parties")
    assert head.status_code == 200 and head.content == b""
    assert client.head("/static/site.css").status_code == 200


def test_no_cdn_docs_and_openapi_served(client) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/api/docs").status_code == 404
    assert client.get("/openapi.json").json()["openapi"].startswith("3.")


# --- content -------------------------------------------------------------------------------


def test_region_page_shows_turkistan_finding_in_each_language(client) -> None:
    expected = {
        "en": "Turkistan Region (KZ-61) they add up to 166, but 60 okrugs",
        "ru": "166",
        "kk": "166",
    }
    for lang, text in expected.items():
        data = client.get(f"/region/KZ-61.json?lang={lang}").json()
        finding = next(f for f in data["findings"] if f["rule"] == "C.02")
        assert text in finding["explanation"] and "60" in finding["explanation"]
        page = client.get(f"/region/KZ-61?lang={lang}").text
        assert finding["explanation"].split(".")[0][:40] in page.replace("&#39;", "'")
    keys = {f["key"]: f["number"] for f in data["figures"]}
    assert keys["okrugs"]["value"] == 60 and keys["winners_self"]["value"] == 89
    assert keys["winners_total"]["value"] == 166 and keys["winners_total"]["caveats"]
    assert keys["candidates_per_okrug"]["value"] == pytest.approx(2.77)
    assert data["table"] == 4


def test_party_registry_names_over_time(client) -> None:
    data = client.get("/party/amanat.json").json()["party"]
    assert [n["short"] for n in data["names"]] == ["Nur Otan", "AMANAT"]
    assert data["name_2021"] == "Nur Otan party" and data["name"] == "AMANAT party"
    assert data["founded"]["figure"] == "t1-amanat-founded"
    adal = client.get("/party/adal.json").json()["party"]
    assert adal["dissolved"] == "2022-03-16"
    assert adal["lineage"][0]["kind"] == "merged_into"
    assert adal["lineage"][0]["href"] == "/party/amanat"
    assert "merged into AMANAT" in adal["lineage"][0]["text"]
    parties = client.get("/parties?lang=kk").text
    assert "«Nur Otan» партиясы" in parties


def test_every_number_links_to_its_figure(client) -> None:
    checked: set[str] = set()
    for path in [
        "/",
        "/region/KZ-61",
        "/party/amanat",
        "/tables/2",
        "/tables/3",
        "/tables/totals",
        "/parties",
    ]:
        page = client.get(path)
        numbers = [href for cls, href in parse(page.text).anchors if "num" in cls.split()]
        assert numbers, path
        for href in numbers:
            assert href.startswith("/figure/"), href
            if href not in checked:
                checked.add(href)
                assert client.get(href).status_code == 200, href
        # no table cell holds a bare number: every digit-only cell is inside a link
        for cell in re.findall(r'<td class="right[^"]*">([^<]+)</td>', page.text):
            assert not re.search(r"\d", cell), (path, cell)


def test_computed_cells_of_the_seed_tables_recompute_to_the_same_value(client) -> None:
    for key in ("2", "3", "4", "totals"):
        table = client.get(f"/tables/{key}.json").json()["tables"][0]
        for row, refs in zip(table["rows"], table["refs"], strict=True):
            for column, ref in refs.items():
                if not derive.is_derived(ref):
                    continue
                value = client.get(f"/figure/{ref}.json").json()["derivation"]["value"]["value"]
                assert value == pytest.approx(row[column]), (key, column, ref)


def test_derivation_page_lists_inputs(client) -> None:
    data = client.get("/figure/pct:@winners.KZ-61.self~@winners.KZ-61.json").json()
    assert data["derivation"]["value"]["value"] == pytest.approx(53.6)
    assert len(data["derivation"]["numerator"]) == 1
    assert len(data["derivation"]["denominator"]) == 7
    assert {f["rule"] for f in data["findings"]} >= {"C.02"}


def test_derive_functions_directly(module_service) -> None:
    snap = Snapshot.load(module_service)
    result = derive.derive("sum:t3-KZ-11-amanat,t3-KZ-15-amanat", snap.by_id)
    assert result.value == Decimal(102)
    assert derive.derive("ratio:t4-KZ-61-candidates~t4-KZ-61-okrugs", snap.by_id).value == (
        Decimal("2.77")
    )
    with pytest.raises(derive.DerivationError):
        derive.derive("sum:t4-KZ-61-self~t4-KZ-61-okrugs", snap.by_id)
    with pytest.raises(derive.DerivationError):
        derive.derive("ratio:t4-KZ-61-self~t2-voters,@okrugs.KZ-99", snap.by_id)
    total = seed_tables.table_results(snap.seed_inputs(), 4, "en").rows[-1][-1].raw
    assert (
        derive.derive(
            "sum:@winners.KZ-39,@winners.KZ-43,@winners.KZ-47,@winners.KZ-55,"
            "@winners.KZ-59,@winners.KZ-61",
            snap.by_id,
        ).value
        == total
    )


def test_map_is_shown_with_attribution_and_region_links(client) -> None:
    page = client.get("/?measure=candidates_per_okrug").text
    assert '<svg class="map"' in page and ATTRIBUTION in page
    links = {href for _, href in parse(page).anchors}
    assert {"/region/KZ-61", "/region/KZ-11", "/region/KZ-71"} <= links
    assert client.get("/index.json?measure=okrugs").json()["map"]["measure"] == "okrugs"
    # the chart is server-rendered SVG whose bars link to the parties
    assert "/party/amanat" in page and 'role="img"' in page


def test_no_external_resources(client) -> None:
    for path in MAIN_PAGES:
        page = client.get(path)
        for url in parse(page.text).resources:
            assert url.startswith(("/", "data:")), (path, url)
        # no inline script; only the site's own small scripts (print.js opens <details>)
        scripts = re.findall(r"<script([^>]*)>", page.text)
        assert all('src="/static/' in attrs for attrs in scripts), (path, scripts)
        assert "vega.github.io" not in page.text, path


def test_search_in_every_language_and_script(client) -> None:
    def codes(query: str) -> list[str]:
        return [
            r["code"] for r in client.get("/search.json", params={"q": query}).json()["results"]
        ]

    for query in (
        "Qaraghandy",
        "qarağandy",
        "KARAGANDA",
        "Қарағанды",
        "караганд",
        "Карагандинская",
    ):
        assert codes(query)[:1] == ["KZ-35"], query
    for query in ("Türkistan", "turkistan", "Туркестан", "Түркістан"):
        assert codes(query)[:1] == ["KZ-61"], query
    assert "KZ-47" in codes("mangystau")
    assert "KZ-47" in codes("Мангистау")
    assert set(codes("almaty")) >= {"KZ-19", "KZ-75"}
    assert codes("zzzz") == []
    assert client.get("/search.json").json()["results"] == []


# --- weight and speed ----------------------------------------------------------------------


def page_weight(client, path: str) -> int:
    page = client.get(path)
    total = len(page.content)
    for url in parse(page.text).resources:
        if url.startswith("/"):
            total += len(client.get(url).content)
    return total


def test_every_main_page_is_under_100_kb(client) -> None:
    weights = {path: page_weight(client, path) for path in MAIN_PAGES}
    for path, weight in weights.items():
        assert weight < 100_000, (path, weight)


def test_main_pages_answer_quickly(client) -> None:
    for path in ("/", "/region/KZ-61", "/tables/3"):
        client.get(path)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            assert client.get(path).status_code == 200
            times.append(time.perf_counter() - start)
        assert statistics.median(times) < 1.5, path
