"""Results-portal features: candidate pages, the change against an earlier election, the okrug
map and party bars, every station's results as CSV and Parquet, CSVs for Excel, compression,
caching headers, link previews, robots.txt and the sitemap."""

from __future__ import annotations

import csv
import gzip
import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from saylau.service import Saylau
from saylau.web import mapsvg, portal
from saylau.web.app import create_app

from .demo import ELECTION, load_demo
from .portal_data import EARLIER, load_earlier

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The demo (2025) and an earlier election on the same okrugs (2024)."""
    folder: Path = tmp_path_factory.mktemp("portal")
    service = Saylau.open(str(folder / "portal.db"))
    load_demo(service, certify=("demo-zhanaauyl",))
    load_earlier(service, folder, certify=("demo-zhanaauyl",))
    with TestClient(create_app(service)) as client:
        yield client
    service.engine.dispose()


def _lum(colour: str) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(colour: str, page: str = "#ffffff") -> float:
    high, low = sorted((_lum(colour), _lum(page)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_map_class_keeps_three_to_one_against_the_page() -> None:
    colours = [
        *mapsvg.PALETTE,
        mapsvg.NO_DATA,
        *portal.STATUS_COLOURS.values(),
        *portal.PARTY_COLOURS,
        portal.SELF_COLOUR,
        portal.NO_LEADER,
    ]
    for colour in colours:
        assert contrast(colour) >= 3, (colour, contrast(colour))


def test_map_classes_are_quantiles_not_equal_intervals() -> None:
    # one outlier (Turkistan's 166) must not leave every other region in the lightest class
    values = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 166]
    bounds = mapsvg.classes(values)
    used = {mapsvg.colour(v, bounds) for v in values}
    assert len(used) == 5
    assert mapsvg.classes([3, 3, 3]) == [3]  # equal values: one class
    assert mapsvg.colour(None, bounds) == mapsvg.NO_DATA


def test_the_candidate_page_with_party_okrug_votes_and_earlier_runs(two: TestClient) -> None:
    page = two.get(f"/election/{ELECTION}/candidate/demo-c02?lang=ru")
    assert page.status_code == 200
    assert "Жұмабаева Айгүл Қайратқызы" in page.text and "самовыдвижение" in page.text
    data = two.get(f"/election/{ELECTION}/candidate/demo-c02.json").json()
    assert data["candidate"]["votes"] == 810 and data["okrug"]["code"] == "demo-zhanaauyl"
    [earlier] = data["earlier"]
    assert earlier["election"] == EARLIER and earlier["votes"] == 983
    assert earlier["href"] == f"/election/{EARLIER}/candidate/e24-c02"
    # she won in 2024 (certified), as a woman: «избрана»
    ru = two.get(f"/election/{ELECTION}/candidate/demo-c02.json?lang=ru").json()
    assert ru["earlier"][0]["result"] == "избрана"
    # the okrug page links every candidate to their page
    okrug = two.get(f"/election/{ELECTION}/okrug/demo-zhanaauyl").text
    assert f'href="/election/{ELECTION}/candidate/demo-c01"' in okrug
    missing = two.get(f"/election/{ELECTION}/candidate/nobody?lang=ru")
    assert missing.status_code == 404 and "nobody" in missing.text


def test_the_okrug_shows_the_change_against_the_previous_election(two: TestClient) -> None:
    data = two.get(f"/election/{ELECTION}/okrug/demo-zhanaauyl.json").json()
    change = data["change"]
    assert change["election"] == EARLIER
    assert change["winner_before"] == "Жұмабаева Айгүл Қайратқызы"
    by_party = {p["party"]: p for p in change["parties"]}
    # AMANAT's candidate had the self-nominee's votes in 2024 and the other way round now
    # 2024: AMANAT's candidate had 408 + 402 of 2 093 ballots; 2025: 983
    assert by_party["amanat"]["before"] == pytest.approx(100 * 810 / 2093, abs=0.01)
    assert by_party["amanat"]["now"] == pytest.approx(100 * 983 / 2093, abs=0.01)
    assert by_party["amanat"]["change"] == pytest.approx(-by_party[None]["change"])
    assert by_party["amanat"]["text"].startswith("+")
    page = two.get(f"/election/{ELECTION}/okrug/demo-zhanaauyl?lang=kk").text
    assert 'id="h-change"' in page and "п.т." in page
    # an okrug of the earlier election has nothing before it
    assert two.get(f"/election/{EARLIER}/okrug/demo-zhanaauyl.json").json()["change"] is None


def test_the_election_page_has_the_okrug_map_and_the_party_bars(two: TestClient) -> None:
    page = two.get(f"/election/{ELECTION}?lang=ru").text
    svg = re.search(r'<svg class="tiles".*?</svg>', page, re.S)
    assert svg is not None
    for okrug in ("demo-zhanaauyl", "demo-birlik", "demo-kokterek"):
        assert f'href="/election/{ELECTION}/okrug/{okrug}"' in svg.group(0)
    assert 'class="legend"' in page and 'href="#okrugs"' in page  # legend, table fallback
    leader = two.get(f"/election/{ELECTION}?colour=leader&lang=ru").text
    assert "AMANAT" in re.search(r'<ul class="legend">.*?</ul>', leader, re.S).group(0)
    data = two.get(f"/election/{ELECTION}.json").json()
    bars = {p["party"]: p["votes"] for p in data["parties"]}
    rows = list(csv.DictReader(io.StringIO(two.get(f"/election/{ELECTION}/stations.csv").text)))
    for party in ("amanat", "ak-zhol", None):
        expected = sum(int(r["votes"] or 0) for r in rows if (r["party"] or None) == party)
        assert bars[party] == expected > 0, party
    whole = data["totals"]["ballots_in_boxes"]
    assert data["live"]["party.amanat.bar"] == f"{round(100 * bars['amanat'] / whole, 2):.1f}"
    assert two.get(f"/election/{ELECTION}?colour=rainbow").status_code == 422


def test_every_station_in_one_csv_and_parquet(two: TestClient) -> None:
    answer = two.get(f"/election/{ELECTION}/stations.csv")
    assert answer.status_code == 200 and not answer.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(rows[0]) == list(portal.STATION_COLUMNS)
    ps101 = {r["candidate"]: r for r in rows if r["station"] == "demo-ps-101"}
    assert ps101["demo-c01"]["votes"] == "602" and ps101["demo-c01"]["voters_on_list"] == "1650"
    assert all(re.fullmatch(r"\d*", r["votes"]) for r in rows)  # numbers, never "1 650"
    excel = two.get(f"/election/{ELECTION}/stations.csv?bom=true")
    assert excel.content.startswith("\ufeff".encode())
    frame = pl.read_parquet(io.BytesIO(two.get(f"/election/{ELECTION}/stations.parquet").content))
    assert frame.height == len(rows) and frame.schema["votes"] == pl.Int64
    assert frame.filter(pl.col("station") == "demo-ps-101")["votes"].sum() == 602 + 408 + 133
    assert two.get("/election/nowhere/stations.csv").status_code == 404


def test_a_csv_holds_one_table_on_request_and_numbers_as_numbers(two: TestClient) -> None:
    whole = two.get(f"/election/{ELECTION}.csv").text
    assert whole.startswith("table,")
    one = two.get(f"/election/{ELECTION}.csv?table=districts&bom=1")
    assert one.content.startswith("\ufeff".encode())
    header, *body = list(csv.reader(io.StringIO(one.text.lstrip("\ufeff"))))
    assert header == ["name", "code", "reported", "expected", "turnout_pct"]
    assert re.fullmatch(r"\d+\.\d+", body[0][4])  # 73.74, not "73,7%"
    wrong = two.get(f"/election/{ELECTION}.csv?table=nope&lang=ru")
    assert wrong.status_code == 404 and "okrugs" in wrong.json()["detail"]
    page = two.get("/?lang=en").text
    assert 'href="/index.csv?table=regions"' in page and "table=regions&amp;bom=1" in page


def test_pages_are_compressed_and_cacheable(two: TestClient) -> None:
    plain = two.get("/", headers={"Accept-Encoding": "identity"})
    packed = two.get("/", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert len(gzip.compress(plain.content)) < len(plain.content) / 3
    for path in ("/", "/region/KZ-61", "/parties", "/tables/3", "/sources", "/about"):
        answer = two.get(path)
        assert answer.headers["etag"].startswith('W/"'), path
        assert answer.headers["cache-control"] == "public, max-age=300", path
        again = two.get(path, headers={"If-None-Match": answer.headers["etag"]})
        assert again.status_code == 304 and again.content == b"", path
    live = two.get(f"/election/{ELECTION}")
    assert live.headers["cache-control"] == "no-cache"
    # the live script's first poll is already conditional: the page names its twin's ETag
    tag = re.search(r'data-live-etag="([^"]+)"', live.text).group(1).replace("&#34;", '"')
    twin = two.get(f"/election/{ELECTION}.json?lang=en", headers={"If-None-Match": tag})
    assert twin.status_code == 304
    brotli = two.get(f"/election/{ELECTION}.json", headers={"Accept-Encoding": "br"})
    assert brotli.headers["content-encoding"] == "br"


def test_link_previews_canonical_robots_and_sitemap(two: TestClient) -> None:
    page = two.get("/region/KZ-61?lang=ru").text
    assert '<link rel="canonical" href="http://testserver/region/KZ-61?lang=ru">' in page
    assert '<meta property="og:title" content="Туркестанская область' in page
    assert '<meta property="og:locale" content="ru_RU">' in page
    assert 'hreflang="kk" href="http://testserver/region/KZ-61?lang=kk"' in page
    robots = two.get("/robots.txt").text
    assert "Disallow: /workspace" in robots and "Sitemap: http://testserver/sitemap.xml" in robots
    sitemap = two.get("/sitemap.xml")
    assert sitemap.headers["content-type"].startswith("application/xml")
    for path in (
        "/",
        "/region/KZ-61",
        "/tables/3",
        f"/election/{ELECTION}/okrug/demo-birlik",
        f"/election/{ELECTION}/candidate/demo-c05",
        "/party/amanat",
    ):
        assert f"<loc>http://testserver{path}</loc>" in sitemap.text, path
    assert "/workspace" not in sitemap.text
    assert 'hreflang="kk" href="http://testserver/parties?lang=kk"' in sitemap.text


@pytest.mark.parametrize(
    "path",
    [
        f"/election/{ELECTION}",
        f"/election/{ELECTION}?colour=leader",
        f"/election/{ELECTION}/region/KZ-11",
        f"/election/{ELECTION}/district/demo-district",
        f"/election/{ELECTION}/okrug/demo-zhanaauyl",
        f"/election/{ELECTION}/station/demo-ps-101",
        f"/election/{ELECTION}/candidate/demo-c01",
    ],
)
def test_a_live_page_marks_exactly_the_keys_of_its_twin(two: TestClient, path: str) -> None:
    """Else live.js would fetch and swap the whole page at every poll."""
    html = two.get(path).text
    marked = set(re.findall(r'data-live="([^"]+)"', html))
    base, _, query = path.partition("?")
    twin = two.get(base + ".json" + ("?" + query if query else "")).json()["live"]
    assert marked == set(twin), (marked ^ set(twin))
