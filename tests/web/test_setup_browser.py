"""End to end in headless Chromium, in Kazakh and Russian: a territorial commission calls an
election (a late call is refused next to its field), sees the calendar with the days left,
loads its okrugs, stations and commissions (a broken file lists its problems by line and
column), decides nominations from a file (a refusal names its rule and source), records a
withdrawal and the extension of nomination it makes necessary."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from saylau.security.actor import Role
from saylau.service import Saylau
from saylau.web.app import create_app

from . import setup_story as story
from .conftest import ARTIFACTS
from .demo import PASSWORD, add_account, load_demo
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
BASE = f"/workspace/{story.CODE}"


@pytest.fixture(scope="module")
def setup_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Saylau]:
    """The demo places (no election protocols) and a territorial commission's account."""
    instance = Saylau.open(str(tmp_path_factory.mktemp("setup") / "setup.db"))
    load_demo(instance, stations=())
    add_account(instance, "tec", Role.TERRITORIAL, "demo-district")
    yield instance
    instance.engine.dispose()


@pytest.fixture(scope="module")
def base_url(setup_service: Saylau) -> Iterator[str]:
    with serve(create_app(setup_service)) as url:
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


def test_setup_and_nominations_in_kazakh_and_russian(browser, base_url, tmp_path) -> None:
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "request",
        lambda r: None if r.url.startswith((base_url, "data:")) else problems.append(r.url),
    )

    # sign in, in Kazakh
    page.goto(base_url + "/workspace/sign-in?lang=kk")
    page.fill("#name", "tec")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Кіру").click()
    page.wait_for_url("**/workspace?done=signed_in")
    page.get_by_role("link", name="Сайлау тағайындау").click()
    page.wait_for_url("**/workspace/new")
    assert page.locator("html").get_attribute("lang") == "kk"

    # a late call: refused, the rule next to the day of the call
    page.fill("#code", story.CODE)
    page.fill("#date", story.days(10))
    page.check("input[name=ground][value=term_end]")
    page.fill("#ground_date", story.days(15))
    page.fill("#called_on", story.days(-20))
    for lang in ("kk", "ru", "en"):
        page.fill(f"#name_{lang}", f"Жұмыс кеңістігі сайлауы ({lang}, синтетикалық)")
    page.check("input[name=synthetic]")
    page.locator('form[action="/workspace/new"] button[type=submit]').click()
    page.wait_for_load_state()
    called_on = page.locator("#called_on")
    assert called_on.get_attribute("aria-invalid") == "true"
    described = called_on.get_attribute("aria-describedby") or ""
    message = page.locator(f"#{described.split()[0]}").inner_text()
    assert "K.001" in message and "113-1" in message
    assert page.locator("#code").input_value() == story.CODE  # what was typed is kept
    _shot(page, "workspace-call-refused-kk")

    # in time: the election is called, and the calendar shows the days left
    page.fill("#called_on", story.days(-30))
    page.locator('form[action="/workspace/new"] button[type=submit]').click()
    page.wait_for_url(f"**{BASE}/setup?done=created")
    calendar = page.locator("#calendar").inner_text()
    assert "10 күн қалды" in calendar and "өтті" in calendar and "K.002" in calendar
    _shot(page, "workspace-calendar-kk")

    # a broken okrugs file: every problem by line and column, nothing written
    folder = tmp_path / "broken"
    folder.mkdir()
    paths = [
        story.write(folder, name, story.broken_okrugs() if name == "okrugs.csv" else data)
        for name, data in story.setup_files()
    ]
    page.set_input_files("#files", [str(p) for p in paths])
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    listed = page.locator("#problems").inner_text()
    assert "okrugs.csv:3" in listed and "okrugs.csv:4" in listed
    assert "district" in listed and "kind" in listed
    _shot(page, "workspace-setup-problems-kk")
    good = tmp_path / "good"
    good.mkdir()
    page.set_input_files(
        "#files", [str(story.write(good, name, data)) for name, data in story.setup_files()]
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url(f"**{BASE}/setup?done=loaded")
    assert "Файлдар жүктелді" in page.locator("p.notice").inner_text()

    # nominations, in Russian: one refusal names its rule and its source
    page.goto(base_url + f"{BASE}/nominations?lang=ru")
    candidates = story.write(tmp_path, "candidates.csv", story.candidates_csv())
    page.set_input_files("#nominations-file", str(candidates))
    page.locator("#h-upload + form button[type=submit]").click()
    page.wait_for_url("**/nominations?done=nominated*")
    assert "зарегистрировано 4, отказано 1" in page.locator("p.notice").inner_text()
    refused = page.locator('tr[data-candidate="ws-c04"]').inner_text()
    assert "отказано" in refused and "E.002" in refused and "time.kz" in refused
    okrugs = page.locator("section.okrug")
    assert okrugs.filter(has_text="K.010").count() == 2  # birlik and kokterek: too few
    _shot(page, "workspace-nominations-ru")

    # ws-c02 withdraws; zhanaauyl is left with one candidate; nomination is extended there
    page.locator("summary", has_text="Сынақова Айгүл").click()
    withdraw = page.locator(f'form[action="{BASE}/candidate/ws-c02/withdraw"]')
    withdraw.locator("input[name=applied_at]").fill(f"{story.days(0)}T09:00")
    withdraw.locator("input[name=ballots_printed][value=no]").check()
    withdraw.locator("input[name=document]").fill("Заявление (синтетическое)")
    withdraw.locator("button[type=submit]").click()
    page.wait_for_url("**/nominations?done=withdrawn")
    assert "регистрация отменена" in page.locator("p.notice").inner_text()
    extend = page.locator(f'form[action="{BASE}/okrug/demo-zhanaauyl/extend"]')
    extend.locator("input[name=days]").fill("6")
    extend.locator("input[name=decided_at]").fill(f"{story.days(0)}T15:00")
    extend.locator("button[type=submit]").click()
    page.wait_for_load_state()
    days = page.locator("#ext-demo-zhanaauyl-days")
    assert days.get_attribute("aria-invalid") == "true"
    extend = page.locator(f'form[action="{BASE}/okrug/demo-zhanaauyl/extend"]')
    assert "K.010" in extend.inner_text()
    extend.locator("input[name=days]").fill("3")
    extend.locator("input[name=decided_at]").fill(f"{story.days(0)}T15:00")
    extend.locator("button[type=submit]").click()
    page.wait_for_url("**/nominations?done=extended")
    zhanaauyl = page.locator("section.okrug", has_text="demo-zhanaauyl").inner_text()
    assert "продлено на 3 дн." in zhanaauyl and "кандидатура снята" in zhanaauyl
    _shot(page, "workspace-extended-ru")

    # the okrug's calendar moved: the setup page still lists every date with its source
    page.goto(base_url + f"{BASE}/setup?lang=ru")
    assert "осталось дней: 10" in page.locator("#calendar").inner_text()
    assert problems == [], problems
    context.close()
