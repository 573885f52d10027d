"""Kazakh and Russian without English, keys, loose rule codes or backticks: every public and
workspace page and every CLI report, rendered in kk and ru (see tests/clean_text.py for what
counts as a problem: English of the catalogue, a message key, a rule code outside its
``<code>`` element, a backtick, a place name in a case the code cannot know, optional endings
such as «избран(а)», double full stops, numbers without the language's grouping)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clean_text import problems
from saylau.cli import app
from saylau.security.actor import Role
from saylau.service import Saylau
from saylau.web.app import create_app
from web.demo import ELECTION, PASSWORD, add_account, load_demo, protocol_payloads

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

LANGS = ("kk", "ru")
PUBLIC = (
    "/",
    "/?measure=okrugs",
    "/elections",
    "/region/KZ-61",
    "/region/KZ-11",
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
    "/figure/pct:@winners.KZ-61.self~@winners.KZ-61",
    "/search?q=Қарағанды",
    "/about",
    "/nowhere",
    f"/election/{ELECTION}",
    f"/election/{ELECTION}?colour=leader",
    f"/election/{ELECTION}/region/KZ-11",
    f"/election/{ELECTION}/district/demo-district",
    f"/election/{ELECTION}/okrug/demo-zhanaauyl",
    f"/election/{ELECTION}/okrug/demo-birlik",
    f"/election/{ELECTION}/okrug/demo-kokterek",
    f"/election/{ELECTION}/station/demo-ps-101",
    f"/election/{ELECTION}/station/demo-ps-105",
    f"/election/{ELECTION}/candidate/demo-c02",
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Saylau, Path]]:
    """The demo without station 101 (left for the operator), Zhanaauyl's neighbour
    certified, and the workspace's accounts."""
    folder = tmp_path_factory.mktemp("clean")
    service = Saylau.open(str(folder / "clean.db"))
    load_demo(
        service,
        stations=("demo-ps-102", "demo-ps-103", "demo-ps-104", "demo-ps-105"),
        certify=("demo-birlik",),
    )
    from argon2 import PasswordHasher

    from saylau.security import accounts

    accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    add_account(service, "op101", Role.OPERATOR, "demo-ps-101")
    add_account(service, "tec", Role.TERRITORIAL, "demo-district")
    yield service, folder / "clean.db"
    service.engine.dispose()


@pytest.mark.parametrize("lang", LANGS)
def test_public_pages(demo, lang: str) -> None:
    service, _ = demo
    client = TestClient(create_app(service))
    found = []
    for path in PUBLIC:
        page = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
        found += [(path, problem) for problem in problems(page.text, lang)]
    assert found == [], "\n".join(map(str, found))


def _sign_in(client: TestClient, name: str, lang: str) -> str:
    form = client.get(f"/workspace/sign-in?lang={lang}")
    token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
    client.post(
        "/workspace/sign-in",
        data={"csrf": token, "name": name, "password": PASSWORD, "next": "/workspace"},
    )
    return CSRF.search(client.get("/workspace").text).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", LANGS)
def test_workspace_pages(demo, lang: str) -> None:
    service, _ = demo
    found = []

    def look(where: str, html: str) -> None:
        found.extend((where, problem) for problem in problems(html, lang))

    operator = TestClient(create_app(service))
    look("sign-in", operator.get(f"/workspace/sign-in?lang={lang}").text)
    csrf = _sign_in(operator, "op101", lang)
    station = f"/workspace/{ELECTION}/station/demo-ps-101"
    look("home", operator.get("/workspace?done=signed_in").text)
    look("form", operator.get(station).text)
    good = next(p for p in protocol_payloads() if p["station"] == "demo-ps-101")
    data = {k: str(v) for k, v in good.items() if k not in ("election", "station", "votes")}
    data.update({f"votes.{c}": str(v) for c, v in good["votes"].items()})  # type: ignore[union-attr]
    look(
        "refused",
        operator.post(station, data={**data, "csrf": csrf, "ballots_cancelled": "500"}).text,
    )
    look("malformed", operator.post(station, data={**data, "csrf": csrf, "invalid": "x"}).text)
    held = operator.post(
        station, data={**data, "csrf": csrf, "invalid": "114", "votes.demo-c01": "502"}
    )
    look("held", held.text)
    look("ask", operator.post(station, data={**data, "csrf": csrf}).text)
    desk = TestClient(create_app(service))
    _sign_in(desk, "tec", lang)
    look("board", desk.get(f"/workspace/{ELECTION}").text)
    entry = re.search(
        rf"/workspace/{ELECTION}/entry/(\d+)", desk.get(f"/workspace/{ELECTION}?show=held").text
    )
    assert entry is not None
    look("entry", desk.get(entry.group(0)).text)
    look("okrug", desk.get(f"/workspace/{ELECTION}/okrug/demo-zhanaauyl").text)
    look("certified", desk.get(f"/workspace/{ELECTION}/okrug/demo-birlik").text)
    look("audit", desk.get(f"/workspace/{ELECTION}/audit").text)
    look("uncertified", desk.get(f"/workspace/{ELECTION}/okrug/demo-zhanaauyl/final-protocol").text)
    assert found == [], "\n".join(map(str, found))


COMMANDS = (
    ("report",),
    ("report", "--table", "3"),
    ("check",),
    ("analyze",),
    ("analyze", "--over-time"),
    ("findings",),
    ("compare",),
    ("election", "calendar", ELECTION),
    ("tabulate", ELECTION),
    ("explain", "demo-birlik"),
    ("protocol", "list", ELECTION),
    ("forensics", ELECTION),
    ("recall", "show", "demo-birlik"),
    ("user", "list"),
)


@pytest.mark.parametrize("lang", LANGS)
def test_cli_reports(demo, lang: str) -> None:
    _, database = demo
    runner = CliRunner()
    found = []
    for command in COMMANDS:
        for fmt in ("text", "md"):
            result = runner.invoke(
                app, [*command, "--lang", lang, "--db", str(database), "--format", fmt]
            )
            if result.exit_code == 2 and "--format" in result.stderr:
                result = runner.invoke(app, [*command, "--lang", lang, "--db", str(database)])
            assert result.exit_code == 0, (command, result.stderr)
            text = result.stdout + result.stderr
            # the terminal table wraps long cells; numbers are checked in the Markdown
            found += [
                (command, fmt, p) for p in problems(text, lang, html=False, numbers=fmt == "md")
            ]
    rules = runner.invoke(app, ["rules", "--lang", lang])
    assert rules.exit_code == 0
    found += [
        (("rules",), "text", p) for p in problems(rules.stdout, lang, html=False, numbers=False)
    ]
    assert found == [], "\n".join(map(str, found))


def test_the_detector_catches_what_it_should() -> None:
    from saylau.i18n import t

    english = t("web.night.share.note", "en")
    page = (
        '<html lang="ru"><p>' + english + "</p><p>web.night.status.certified</p>"
        "<p>W.006 и <code>W.007</code></p><p>см. `saylau check`</p>"
        "<p>В Туркестанская область</p><p>избран(а)</p><p>25 июл. 2021 г.. Далее</p>"
        "<p>кандидатов 2297 из 1 200</p>"
        '<p lang="en">Quoted from a source in English, as written.</p></html>'
    )
    found = " | ".join(problems(page, "ru"))
    for expected in (
        "English",
        "key: web.night.status.certified",
        "W.006",
        "backtick",
        "case: В Туркестанская область",
        "optional ending",
        "double full stop",
        "ungrouped number",
    ):
        assert expected in found, expected
    assert "outside <code>: W.007" not in found and "«Quoted" not in found
    assert "2297 из 1 200" in found and found.count("ungrouped") == 1
    assert problems('<html lang="ru"><p>2021 год, № 2464</p></html>', "ru") == []
