"""End to end in real headless Chromium: a visitor's path through the site."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from saylau.web.app import create_app

from .conftest import ARTIFACTS
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


@pytest.fixture(scope="module")
def base_url(module_service) -> Iterator[str]:
    with serve(create_app(module_service)) as url:
        yield url


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


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_visitor_path_republic_region_source_language_csv(browser, base_url, tmp_path) -> None:
    context = browser.new_context(
        accept_downloads=True, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((base_url, "data:")) else outside.append(r.url),
    )

    page.goto(base_url + "/")
    assert page.locator("h1").inner_text() == "First elections of rural akims (2021)"
    _shot(page, "republic-en")

    # republic → region: the Turkistan region on the map
    page.locator('svg.map a[href="/region/KZ-61"]').click()
    page.wait_for_url("**/region/KZ-61")
    assert page.locator("h1").inner_text() == "Turkistan Region"
    assert "166" in page.locator("#h-findings + article").inner_text()
    _shot(page, "region-KZ-61-en")

    # region → the source of a number (one click)
    page.locator("dl.stats a.num").first.click()
    page.wait_for_url("**/figure/t4-KZ-61-okrugs")
    assert "Table" in page.locator("dl.meta").inner_text()
    _shot(page, "figure-t4-KZ-61-okrugs-en")
    page.locator('dl.meta a[href="/tables/4"]').click()
    page.wait_for_url("**/tables/4")
    assert page.locator("table#table4").is_visible()
    _shot(page, "table-4-en")

    # switch the language with the control and see Kazakh; it is remembered
    page.locator('nav.langs a[hreflang="kk"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "kk"
    assert "Түркістан облысы" in page.content()
    page.locator('nav.main-nav a[href="/"]').click()
    page.wait_for_load_state()
    assert "Партиялар бойынша сайланған әкімдер" in page.content()
    _shot(page, "republic-kk")

    # download the CSV of the page
    with page.expect_download() as info:
        page.locator("p.twins a[type='text/csv']").click()
    target = tmp_path / "republic.csv"
    info.value.save_as(target)
    text = target.read_text("utf-8")
    assert text.startswith("table,party,party_code,seats,share_pct")
    assert "amanat,569" in text

    # keyboard: the skip link is the first stop and leads to the main content
    page.goto(base_url + "/region/KZ-61")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert outside == [], outside
    context.close()


def test_screenshots_of_the_main_pages(browser, base_url) -> None:
    pages = {
        "parties-ru": "/parties?lang=ru",
        "party-amanat-en": "/party/amanat?lang=en",
        "check-kk": "/check?lang=kk",
        "sources-en": "/sources?lang=en",
        "search-en": "/search?q=Qaraghandy&lang=en",
        "about-ru": "/about?lang=ru",
        "not-found-kk": "/nowhere?lang=kk",
    }
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for name, path in pages.items():
        page.goto(base_url + path)
        assert page.locator("h1").count() == 1, path
        _shot(page, name)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    small = phone.new_page()
    for name, path in {
        "republic-phone-kk": "/?lang=kk",
        "region-phone-ru": "/region/KZ-35?lang=ru",
    }.items():
        small.goto(base_url + path)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, (path, width)
        _shot(small, name)
    phone.close()
    context.close()
