"""End to end in headless Chromium: an operator signs in and enters a protocol with a
mistake, sees the error next to the field, fixes it and submits; meanwhile a visitor's public
okrug page updates its numbers by itself, without reloading."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from saylau.security.actor import Role
from saylau.service import Saylau
from saylau.web.app import create_app

from .conftest import ARTIFACTS
from .demo import ELECTION, PASSWORD, add_account, load_demo
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
OKRUG = f"/election/{ELECTION}/okrug/demo-zhanaauyl"
VALUES = {
    "voters_on_list": "1650",
    "ballots_received": "1700",
    "ballots_issued": "1190",
    "ballots_cancelled": "500",  # the mistake: 1700 ≠ 1190 + 500
    "ballots_in_boxes": "1188",
    "invalid": "14",
    "against_all": "31",
    "votes.demo-c01": "602",
    "votes.demo-c02": "408",
    "votes.demo-c03": "133",
}


@pytest.fixture(scope="module")
def night_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Saylau]:
    """Election night: four of five stations in; an operator for the fifth."""
    instance = Saylau.open(str(tmp_path_factory.mktemp("live") / "night.db"))
    load_demo(instance, stations=("demo-ps-102", "demo-ps-103", "demo-ps-104", "demo-ps-105"))
    add_account(instance, "op101", Role.OPERATOR, "demo-ps-101")
    add_account(instance, "tec", Role.TERRITORIAL, "demo-district")
    yield instance
    instance.engine.dispose()


@pytest.fixture(scope="module")
def base_url(night_service: Saylau) -> Iterator[str]:
    with serve(create_app(night_service, live_seconds=1)) as url:
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


def _watch(page, base_url: str, problems: list[str]) -> None:
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "status of 422" not in message.text  # the refusal
            else None
        ),
    )
    page.on(
        "request",
        lambda r: None if r.url.startswith((base_url, "data:")) else problems.append(r.url),
    )


def test_operator_enters_a_protocol_and_the_public_page_updates_live(browser, base_url) -> None:
    problems: list[str] = []
    public = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    visitor = public.new_page()
    _watch(visitor, base_url, problems)
    statuses: list[int] = []
    visitor.on("response", lambda r: statuses.append(r.status) if ".json" in r.url else None)
    visitor.goto(base_url + OKRUG)
    votes = visitor.locator('[data-live="cand.demo-c01.votes"]')
    assert votes.inner_text() == "381"
    assert visitor.locator('[data-live="progress"]').inner_text().startswith("1 of 2")
    visitor.evaluate("window.__stillTheSamePage = 42")
    _shot(visitor, "live-okrug-before-en")

    desk = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    operator = desk.new_page()
    _watch(operator, base_url, problems)
    operator.goto(base_url + "/workspace")
    operator.wait_for_url("**/workspace/sign-in?next=/workspace")
    operator.get_by_label("Account name").fill("op101")
    operator.get_by_label("Password").fill(PASSWORD)
    _shot(operator, "workspace-sign-in-en")
    operator.get_by_role("button", name="Sign in").click()
    operator.wait_for_url("**/workspace?done=signed_in")
    operator.get_by_role("link", name="Demo election").click()
    operator.get_by_role("link", name="Enter protocol").click()
    operator.wait_for_url(f"**/workspace/{ELECTION}/station/demo-ps-101")

    # Type the protocol with the keyboard only: each value, then Tab to the next field.
    operator.get_by_label("Voters on the list").focus()
    for name, value in VALUES.items():
        assert operator.evaluate("document.activeElement.name") == name
        operator.keyboard.type(value)
        operator.keyboard.press("Tab")
    received = operator.locator("#f-ballots_received")
    message = operator.locator("#msgs-f-ballots_received .msg.error")
    assert "P.101" in message.inner_text() and "10" in message.inner_text()
    assert received.get_attribute("aria-invalid") == "true"
    assert message.get_attribute("id") in (received.get_attribute("aria-describedby") or "")
    _shot(operator, "workspace-protocol-error-as-typed-en")

    # Submitted anyway: the server refuses it, the message stays by the field, values kept.
    operator.get_by_role("button", name="Submit the protocol").click()
    operator.wait_for_load_state()
    assert operator.locator("#problems").is_visible()
    server_message = operator.locator("#msgs-f-ballots_received .msg.error")
    assert "P.101" in server_message.inner_text()
    assert server_message.get_attribute("data-origin") == "server"
    assert operator.locator("#f-votes-demo-c02").input_value() == "408"
    _shot(operator, "workspace-protocol-refused-en")

    # Fix the one field: the message goes away as the operator types.
    cancelled = operator.get_by_label("Ballots cancelled")
    cancelled.fill("")
    cancelled.type("510")
    assert operator.locator("#msgs-f-ballots_received .msg").count() == 0
    assert received.get_attribute("aria-invalid") is None
    operator.get_by_role("button", name="Submit the protocol").click()
    operator.wait_for_url("**/station/demo-ps-101?entry=*")
    assert "accepted: version 1 of the protocol counts now" in operator.content()
    _shot(operator, "workspace-protocol-accepted-en")

    # The visitor's page catches up by itself.
    from playwright.sync_api import expect

    expect(votes).to_have_text("983", timeout=15_000)  # page CSP forbids eval: no wait_for_function
    assert visitor.evaluate("window.__stillTheSamePage") == 42  # no reload
    assert visitor.locator('[data-live="progress"]').inner_text().startswith("2 of 2")
    assert "updated" in visitor.locator("[data-live-status]").inner_text().lower()
    assert 304 in statuses and 200 in statuses
    _shot(visitor, "live-okrug-after-en")
    assert problems == [], problems
    desk.close()
    public.close()


def test_workspace_and_live_pages_on_a_phone(browser, base_url) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    page.goto(base_url + "/workspace/sign-in?lang=kk")
    page.get_by_label("Тіркелгі атауы").fill("op101")
    page.get_by_label("Құпиясөз").fill(PASSWORD)
    page.get_by_role("button", name="Кіру").click()
    page.wait_for_url("**/workspace?done=signed_in")
    page.goto(base_url + f"/workspace/{ELECTION}/station/demo-ps-101")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    _shot(page, "workspace-protocol-phone-kk")
    for name, path in {
        "live-election-phone-ru": f"/election/{ELECTION}?lang=ru",
        "live-okrug-phone-kk": OKRUG + "?lang=kk",
        "live-station-phone-en": f"/election/{ELECTION}/station/demo-ps-102?lang=en",
    }.items():
        page.goto(base_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 392, path
        _shot(page, name)
    phone.close()


def test_territorial_commission_certifies_in_russian(browser, base_url) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.goto(base_url + "/workspace/sign-in")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.get_by_label("Имя учётной записи").fill("tec")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/workspace?done=signed_in")
    page.goto(base_url + f"/workspace/{ELECTION}")
    _shot(page, "workspace-board-ru")
    page.goto(base_url + f"/workspace/{ELECTION}/okrug/demo-birlik")
    page.get_by_role("button", name="Утвердить итоги").click()
    page.wait_for_url("**/okrug/demo-birlik?done=certified")
    fingerprint = page.locator("#fingerprint").inner_text()
    assert len(fingerprint) == 64
    _shot(page, "workspace-okrug-certified-ru")
    link = page.locator('a[href$="final-protocol?doc=kk"]').get_attribute("href")
    answer = context.request.get(base_url + link)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(answer.body())).pages
    assert all(fingerprint in p.extract_text().replace("\n", "") for p in pages)
    page.goto(base_url + f"/workspace/{ELECTION}/audit")
    assert "result.certify" in page.content()
    _shot(page, "workspace-audit-ru")
    context.close()
