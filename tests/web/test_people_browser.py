"""In headless Chromium, as a citizen on a phone, a journalist printing a table and a
commission member would see the site: numbers on screen at 360 and 390 px in every language,
a header of at most a fifth of the screen, tables that keep their first column, print
stylesheets, touch targets, axe-core without serious or critical violations, and the
screenshots of ``artifacts/screenshots``. One browser for the module."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from saylau.reports import final_protocol
from saylau.service import Saylau
from saylau.web.app import create_app

from .conftest import ARTIFACTS
from .demo import ELECTION, load_demo
from .portal_data import load_earlier
from .server import serve

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="Debian's Chromium (/usr/bin/chromium) is not installed and CI is not set",
    ),
]
SHOTS = ARTIFACTS / "screenshots"
LANGS = ("kk", "ru", "en")
PHONES = ((360, 740), (390, 844))
OKRUG = f"/election/{ELECTION}/okrug/demo-zhanaauyl"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Saylau]]:
    folder = tmp_path_factory.mktemp("people")
    service = Saylau.open(str(folder / "people.db"))
    load_demo(service, certify=("demo-zhanaauyl",))
    load_earlier(service, folder, certify=("demo-zhanaauyl",))
    with serve(create_app(service)) as url:
        yield url, service
    service.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield instance
        instance.close()


def _shot(page, name: str, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


INSIDE = """(selector) => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const node of document.querySelectorAll(selector)) {
    const box = node.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) { out.push('hidden: ' + node.textContent); continue; }
    if (box.left < -0.5 || box.right > width + 0.5) {
      const where = Math.round(box.left) + '..' + Math.round(box.right);
      out.push(node.textContent.trim() + ' at ' + where);
    }
  }
  return [document.querySelectorAll(selector).length, out];
}"""

# What must stay on screen on each page: the votes and shares, the status, the numbers.
CHECKS = {
    OKRUG: (
        "#candidates tbody tr > :nth-child(3)",
        "#candidates tbody tr > :nth-child(4)",
        "#candidates tbody tr > :nth-child(5)",
        "#candidates tbody th",
    ),
    f"/election/{ELECTION}": (
        "#okrugs tbody tr > :nth-child(4)",
        "#okrugs tbody th",
        "#parties tbody tr > :nth-child(2)",
        "#parties tbody tr > :nth-child(3)",
    ),
    f"/election/{ELECTION}/region/KZ-11": ("#okrugs tbody tr > :nth-child(4)",),
    "/region/KZ-61": ("dl.stats a.num",),
    "/parties": ("#parties tbody th", "#parties tbody tr > td:not(.fold)"),
}


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_numbers_stay_on_a_phone_screen_in_every_language(
    browser, site, width: int, height: int
) -> None:
    url, _ = site
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True)
    page = context.new_page()
    for lang in LANGS:
        for path, selectors in CHECKS.items():
            page.goto(f"{url}{path}?lang={lang}")
            where = (width, lang, path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, where
            header = page.evaluate("document.querySelector('header.site').offsetHeight")
            assert header <= height / 5, (where, header)
            for selector in selectors:
                count, outside = page.evaluate(INSIDE, selector)
                assert count > 0 and outside == [], (where, selector, outside)
        # a wide table keeps its row labels when scrolled sideways
        page.goto(f"{url}/tables/3?lang={lang}")
        wrap = page.locator(".table-wrap").first
        wrap.evaluate("node => { node.scrollLeft = node.scrollWidth; }")
        count, outside = page.evaluate(INSIDE, "#table3 tbody th")
        assert count > 5 and outside == [], (width, lang, outside)
        last = page.evaluate(
            "(() => { const c = document.querySelector('#table3 tbody tr td:last-child');"
            " const b = c.getBoundingClientRect(); return b.right <= "
            "document.documentElement.clientWidth + 1; })()"
        )
        assert last, (width, lang)
        if width == 360:
            page.goto(f"{url}{OKRUG}?lang={lang}")
            _shot(page, f"okrug-phone-360-{lang}")
            page.goto(f"{url}/election/{ELECTION}?lang={lang}")
            _shot(page, f"election-phone-360-{lang}")
    page.goto(f"{url}/tables/3?lang=kk")
    _shot(page, f"table-3-phone-{width}-kk", full=False)
    context.close()


def test_touch_targets_and_the_map_on_a_phone(browser, site) -> None:
    url, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{url}/?lang=ru")
    sizes = page.evaluate(
        "[...document.querySelectorAll('a.caveat')].map(a => {"
        " const b = a.getBoundingClientRect(); return [b.width, b.height]; })"
    )
    assert sizes and all(w >= 24 and h >= 24 for w, h in sizes), sizes
    # the region labels would be 5 px on a phone: hidden, and a list of the values instead
    assert page.locator("svg.map text").first.is_hidden()
    assert page.locator("ul.map-values li").count() == page.locator("svg.map a").count() >= 14
    assert page.locator("ul.map-values").is_visible()
    _shot(page, "republic-phone-390-ru")
    context.close()


def _pdf_text(page) -> str:
    pdf = page.pdf(format="A4", print_background=True)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_printing_gives_whole_tables_without_navigation(browser, site) -> None:
    url, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/tables/3?lang=ru")
    text = _pdf_text(page)
    headers = page.evaluate(
        "[...document.querySelectorAll('#table3 thead th')].map(t => t.innerText)"
    )
    squeezed = "".join(text.split())
    for header in headers[1:]:  # every region's column is on paper (names may wrap)
        assert "".join(header.split()) in squeezed, header
    assert len(headers) >= 9 and "Найти" not in text and "Разделы сайта" not in text
    page.goto(f"{url}{OKRUG}?lang=kk")
    text = _pdf_text(page)
    assert "Ахметов Ерлан Серікұлы" in text and "Іздеу" not in text
    page.goto(f"{url}/sources?lang=en")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # as printing does
    printed = "".join(_pdf_text(page).split())
    assert "t4-KZ-61-okrugs" in printed  # closed groups open when printed
    context.close()


AXE_PAGES = (
    "/",
    "/region/KZ-61",
    "/parties",
    "/tables/3",
    "/check",
    "/sources",
    f"/election/{ELECTION}",
    OKRUG,
    f"/election/{ELECTION}/candidate/demo-c02",
    f"/election/{ELECTION}/station/demo-ps-101",
    "/workspace/sign-in",
)


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_serious_or_critical_violation(browser, site, lang: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    url, _ = site
    axe = Axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith((url, "data:")) else outside.append(r.url)
    )
    problems = []
    for path in AXE_PAGES:
        page.goto(f"{url}{path}?lang={lang}")
        found = axe.run(page).response["violations"]
        problems += [
            (path, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in found
            if v["impact"] in ("serious", "critical")
        ]
    assert problems == [], problems
    assert outside == [], outside  # axe-core runs from the package, nothing is fetched
    context.close()


def test_screenshots_of_the_final_protocol_pages(site) -> None:
    _, service = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    with service.session() as session:
        for lang in LANGS:
            doc = final_protocol.document(session, ELECTION, "demo-zhanaauyl", lang)
            pages = final_protocol.render_png(doc, ppi=80)
            assert len(pages) >= 1
            for number, png in enumerate(pages, 1):
                assert png.startswith(b"\x89PNG")
                (SHOTS / f"final-protocol-demo-zhanaauyl-{lang}-page{number}.png").write_bytes(png)


@pytest.mark.parametrize("lang", LANGS)
def test_the_offline_report_opens_without_network(browser, site, tmp_path, lang: str) -> None:
    from saylau.reports import offline

    _, service = site
    path = tmp_path / f"report-{lang}.html"
    path.write_text(offline.report_html(service, lang=lang), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    asked: list[str] = []

    def only_the_file(route) -> None:
        asked.append(route.request.url)
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.goto(path.as_uri())
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("main section").count() >= 5
    assert page.locator("figure svg").count() >= 4
    assert all(url.startswith("file:") for url in asked), asked
    _shot(page, f"offline-report-{lang}", full=False)
    page.locator("#charts figure").nth(2).scroll_into_view_if_needed()
    _shot(page, f"offline-report-map-{lang}", full=False)
    context.close()


def test_share_bars_and_party_bars_follow_the_count_live(browser, tmp_path) -> None:
    from saylau.administration import protocols
    from saylau.security.actor import SYSTEM

    from .demo import protocol_payloads

    service = Saylau.open(str(tmp_path / "live.db"))
    load_demo(service, stations=("demo-ps-102", "demo-ps-103", "demo-ps-104", "demo-ps-105"))
    with serve(create_app(service, live_seconds=1)) as url:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = context.new_page()
        with page.expect_response(lambda r: ".json" in r.url, timeout=10_000) as first:
            page.goto(f"{url}{OKRUG}?lang=ru")
        # the page named its twin's ETag: the very first poll is a 304, not the whole JSON
        assert first.value.status == 304
        bar = page.locator('rect[data-live="cand.demo-c01.bar"]')
        before = bar.get_attribute("width")
        election = context.new_page()
        election.goto(f"{url}/election/{ELECTION}?lang=ru")
        party = election.locator('rect[data-live="party.amanat.bar"]')
        party_before = party.get_attribute("width")
        payload = next(p for p in protocol_payloads() if p["station"] == "demo-ps-101")
        with service.transaction() as session:
            protocols.submit(session, SYSTEM, protocols.parse(payload))
        page.wait_for_function(
            "(b) => document.querySelector('rect[data-live=\"cand.demo-c01.bar\"]')"
            ".getAttribute('width') !== b",
            arg=before,
            timeout=10_000,
        )
        after = float(bar.get_attribute("width") or 0)
        assert after == pytest.approx(100 * 983 / 2093, abs=0.06)  # 47.0 % of the ballots
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
        election.wait_for_function(
            "(b) => document.querySelector('rect[data-live=\"party.amanat.bar\"]')"
            ".getAttribute('width') !== b",
            arg=party_before,
            timeout=10_000,
        )
        _shot(page, "okrug-live-bars-phone-ru", full=False)
        context.close()
    service.engine.dispose()
