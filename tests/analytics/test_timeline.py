"""The bundled ``kz-rural-akim-timeline``: transcription, descriptor, loading, series."""

from __future__ import annotations

import csv
import re
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from saylau import consistency
from saylau.analytics import timeline
from saylau.analytics.timeline import DATASET, LEFT_OUT, coverage, ensure_loaded, over_time
from saylau.datasets import bundled, reader
from saylau.i18n import LANGS, has
from saylau.service import Saylau
from saylau.store import datasets
from saylau.store.schema import AuditRow

FOLDER = bundled.folder(DATASET)
NOTES = Path(__file__).resolve().parents[3] / "shared" / "research" / "kz_elections_facts.md"

# Every figure of the dataset: its value, and the words of the research notes (section 2) it
# is transcribed from. The test below checks both against figures.csv, and the words against
# the notes themselves when they are at hand.
OBLASTS_2017 = {
    "KZ-11": ("Akmola", 136),
    "KZ-15": ("Aktobe", 77),
    "KZ-19": ("Almaty", 129),
    "KZ-23": ("Atyrau", 48),
    "KZ-63": ("East Kazakhstan", 134),
    "KZ-31": ("Zhambyl", 89),
    "KZ-27": ("West Kazakhstan", 95),
    "KZ-39": ("Kostanay", 137),
    "KZ-35": ("Karaganda", 129),
    "KZ-43": ("Kyzylorda", 72),
    "KZ-47": ("Mangystau", 26),
    "KZ-55": ("Pavlodar", 98),
    "KZ-59": ("North Kazakhstan", 138),
    "KZ-61": ("South Kazakhstan", 108),
}
SKO = "Winners: AMANAT 24, Ak Zhol 2, Auyl 2, self-nominated 5"
EXPECTED: dict[str, tuple[int, str]] = {
    "tl-2013-akim-posts": (
        2457,
        "2,457 posts: 47 cities, 119 towns/settlements, 190 villages, 2,101 rural okrugs",
    ),
    "tl-2013-candidates": (6738, "6,738 candidates"),
    "tl-2017-candidates-nominated": (4059, "4,059 nominated"),
    "tl-2017-candidates-registered": (3951, "3,951 registered"),
    "tl-2017-winners": (1416, "1,416 elected"),
    **{
        f"tl-2017-{code}-winners": (value, f"| {name} | {value} |")
        for code, (name, value) in OBLASTS_2017.items()
    },
    "tl-2021-nur-otan-winners-party": (670, "670 party nominees plus 87 self-nominated members"),
    "tl-2022-07-winners": (1093, "1,093 rural akims elected since July 2021"),
    "tl-2022-07-winners-self": (215, "215 self-nominated"),
    "tl-2022-07-winners-female": (116, "116 women"),
    "tl-2022-07-to-be-elected": (214, "Planned: 214 more by end-2022"),
    "tl-2023-08-winners": (1668, "1,668 elected in two years"),
    "tl-2023-08-to-be-elected": (199, "199 more planned by end-2023"),
    "tl-2023-08-27-KZ-59-okrugs": (33, "33 seats"),
    "tl-2023-08-27-KZ-59-candidates": (97, "97 candidates"),
    "tl-2023-08-27-KZ-59-voters": (50409, "turnout 39,719 of 50,409"),
    "tl-2023-08-27-KZ-59-amanat": (24, SKO),
    "tl-2023-08-27-KZ-59-ak-zhol": (2, SKO),
    "tl-2023-08-27-KZ-59-auyl": (2, SKO),
    "tl-2023-08-27-KZ-59-self": (5, SKO),
    "tl-2023-11-05-winners": (45, "41 of the 45 winners were already akims or deputy akims"),
    "tl-2023-11-05-candidates": (125, "125 candidates, from all seven parties plus self-nominees"),
    "tl-2023-11-05-stations": (1497, "1,497 polling stations"),
    "tl-2026-01-KZ-43-winners": (
        206,
        "206 akim elections since 2021; 103 winners were incumbent akims and 103 first-time",
    ),
    "tl-2026-01-KZ-43-to-be-elected": (29, "29 are due in 2026"),
}
SOURCE_URLS = {
    "pbn-2013-local-elections": "http://pbn-hkstrategies.com/en/Insights/Kazakhstan-Inaugurates-Local-Elections",
    "echo-2017-rural-akims": "http://www.echo.kz/35-zavershilis-vybory-selskikh-akimov.html",
    "kt-2021-12-nur-otan": "https://kt.kz/rus/politics/-_1377926517.html",
    "caravan-2022-07-karin": "https://www.caravan.kz/news/za-god-korpus-selskikh-akimov-v-kazakhstane-obnovilsya-na-556-865433",
    "cabar-2023-11-pilot": "https://cabar.asia/en/kazakhstan-akims-win-akim-elections",
    "inform-2026-01-kyzylorda": "https://www.inform.kz/ru/zhiteli-kizilordinskoy-oblasti-za-pyat-let-izbrali-bolee-200-akimov-bcee7b",
}


def read(name: str) -> list[dict[str, str]]:
    with (FOLDER / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# Figures whose measures came later (shares, turnout, incumbents, akims in office): value as
# published (text) and the words of the research notes that give it.
EXPECTED_MORE: dict[str, tuple[str, str]] = {
    "tl-2023-08-winners-party-pct": ("75", "75% party-nominated, 25% self-nominated"),
    "tl-2023-08-winners-self-pct": ("25", "75% party-nominated, 25% self-nominated"),
    "tl-2023-08-27-KZ-59-participated": ("39719", "turnout 39,719 of 50,409 (about 79%)"),
    "tl-2023-11-05-turnout": ("62.79", "Turnout 62.79%."),
    "tl-2023-11-05-winners-incumbent": (
        "41",
        "41 of the 45 winners were already akims or deputy akims.",
    ),
    "tl-2026-01-KZ-43-winners-incumbent": (
        "103",
        "206 akim elections since 2021; 103 winners were incumbent akims and 103 first-time.",
    ),
    "tl-2026-01-KZ-43-in-office": (
        "146",
        "146 current akims: 69 party-nominated, 77 self-nominated; 3 women.",
    ),
    "tl-2026-01-KZ-43-in-office-party": (
        "69",
        "146 current akims: 69 party-nominated, 77 self-nominated; 3 women.",
    ),
    "tl-2026-01-KZ-43-in-office-self": (
        "77",
        "146 current akims: 69 party-nominated, 77 self-nominated; 3 women.",
    ),
    "tl-2026-01-KZ-43-in-office-female": (
        "3",
        "146 current akims: 69 party-nominated, 77 self-nominated; 3 women.",
    ),
}


def test_later_measures_are_transcribed_as_in_the_research_notes() -> None:
    figures = {row["id"]: row for row in read("figures")}
    for figure_id, (value, words) in EXPECTED_MORE.items():
        assert figures[figure_id]["value"] == value, figure_id
        assert words == figures[figure_id]["row"], figure_id
    if NOTES.exists():
        text = plain(NOTES.read_text(encoding="utf-8"))
        for figure_id, (_, words) in EXPECTED_MORE.items():
            assert plain(words) in text, figure_id


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", ""))


def test_every_figure_is_transcribed_as_in_the_research_notes() -> None:
    figures = {row["id"]: row for row in read("figures")}
    assert set(figures) == set(EXPECTED) | set(EXPECTED_MORE)
    for figure_id, (value, words) in EXPECTED.items():
        row = figures[figure_id]
        assert row["value"] == str(value), figure_id
        assert f"{value:,}" in words or str(value) in words, figure_id
        if not words.startswith("|"):
            assert words in row["row"], figure_id


def test_the_words_are_those_of_the_research_notes() -> None:
    if not NOTES.exists():
        pytest.skip(f"research notes not found at {NOTES}")
    text = plain(NOTES.read_text(encoding="utf-8"))
    for figure_id, (_, words) in EXPECTED.items():
        assert plain(words) in text, figure_id
    # The 2017 table sums to the national figure, as the notes give it.
    assert sum(v for _, v in OBLASTS_2017.values()) == 1416


def test_every_row_cites_a_source_with_a_confidence_mark() -> None:
    sources = {row["code"]: row for row in read("sources")}
    for code, url in SOURCE_URLS.items():
        assert sources[code]["url"] == url
    for code, source in sources.items():
        assert source["url"] or "no URL" in source["note"], code
    for row in read("figures"):
        assert row["source"] in sources
        assert re.match(r"^\[(S|S-deriv)\] ", row["note"]), row["id"]
    for row in read("elections"):
        assert row["source"] in sources and row["note"], row["code"]
    claim = next(r for r in read("figures") if r["id"] == "tl-2021-nur-otan-winners-party")
    assert "PARTY CLAIM" in claim["note"]


def test_election_rows_and_their_coverage() -> None:
    rows = {row["code"]: row for row in read("elections")}
    assert {r["type"] for r in rows.values()} == set(timeline.TYPES)
    kinds = {code: coverage(code) for code in rows}
    assert kinds == {
        "kz-2013-rural-akim-indirect": "event",
        "kz-2017-rural-akim-indirect": "event",
        "kz-2021-rural-akim-nur-otan-claim": "claim",
        "kz-rural-akim-2021-07-to-2022-07": "cumulative",
        "kz-rural-akim-2021-07-to-2023-08": "cumulative",
        "kz-rural-akim-2023-08-27-KZ-59": "event",
        "kz-district-akim-2023-11-05": "event",
        "kz-rural-akim-2021-07-to-2026-01-KZ-43": "cumulative",
    }
    assert rows["kz-district-akim-2023-11-05"]["type"] == "district_akim"
    assert rows["kz-rural-akim-2023-08-27-KZ-59"]["date"] == "2023-08-27"
    assert rows["kz-district-akim-2023-11-05"]["date"] == "2023-11-05"
    assert coverage("kz-2021-rural-akim") == "event"


def test_datapackage_is_generated_and_current() -> None:
    stored = (FOLDER / "datapackage.json").read_text(encoding="utf-8")
    assert stored == timeline.render_descriptor()
    descriptor = timeline.descriptor()
    assert descriptor["name"] == DATASET and descriptor["title"] == timeline.TITLE
    assert {r["name"] for r in descriptor["resources"]} == {"sources", "elections", "figures"}


def test_datapackage_is_valid_frictionless() -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(FOLDER / "datapackage.json"))
    # Foreign keys to regions and parties point into the seed dataset, not this package.
    errors = [e for e in report.flatten(["type", "note"]) if e[0] != "foreign-key"]
    assert errors == []


def test_dataset_validates_against_the_database(seed: Saylau) -> None:
    with seed.session() as session:
        known = datasets.known_keys(session)
    content = reader.read([FOLDER], known=known)
    assert len(content.rows["figures"]) == len(EXPECTED) + len(EXPECTED_MORE)


def test_loading_is_idempotent_and_audited(tmp_path: Path) -> None:
    service = Saylau.open(str(tmp_path / "load.db"), prepare=False)
    service.ensure_ready()  # opening loads every bundled dataset, the timeline included
    assert ensure_loaded(service) is False
    with service.session() as session:
        loads = session.scalars(
            select(AuditRow).where(AuditRow.action == "dataset.load", AuditRow.entity_id == DATASET)
        ).all()
        assert len(loads) == 1
    ids = {f.id for f in service.figures() if f.id.startswith("tl-")}
    assert ids == set(EXPECTED) | set(EXPECTED_MORE)
    # The later figures add no inconsistency: `saylau check` still finds the seed's three.
    found = sorted((f.rule, f.unit) for f in consistency.check(service.figures()))
    assert found == [("C.02", "KZ"), ("C.02", "KZ-61"), ("C.03", "KZ")]
    service.engine.dispose()


def test_left_out_figures_are_explained_in_every_language() -> None:
    for item in LEFT_OUT:
        for lang in LANGS:
            assert has(f"analytics.leftout.{item.key}", lang)  # type: ignore[arg-type]
        assert item.measure_needed


# --- over time ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frames(timeline_db: Saylau) -> dict[str, pl.DataFrame]:
    return over_time(timeline_db)


def test_series_never_mix_unlike_figures(frames: dict[str, pl.DataFrame]) -> None:
    series = frames["series"]
    for key, group in series.group_by("series"):
        assert group["measure"].n_unique() == 1
        assert group["type"].n_unique() == 1, "rural and district akims never in one series"
        assert group["coverage"].n_unique() == 1, "cumulative counts never beside one day"
        assert group["scope"].n_unique() == 1
        assert group["election"].n_unique() == group.height, key
    winners = series.filter(
        (pl.col("measure") == "winners")
        & (pl.col("coverage") == "cumulative")
        & (pl.col("scope") == "KZ")
        & (pl.col("nomination") == "all")
        & (pl.col("sex") == "all")
    )
    assert winners["value"].to_list() == [1093.0, 1668.0]
    assert series.filter(pl.col("figures").is_null()).height == 0
    assert series.filter(pl.col("sources").is_null() | (pl.col("sources") == "")).height == 0


def test_ratios_stay_within_one_election(
    frames: dict[str, pl.DataFrame], timeline_db: Saylau
) -> None:
    election_of = {f.id: f.election for f in timeline_db.figures()}
    for row in frames["ratios"].iter_rows(named=True):
        ids = [i.strip() for i in (row["figures"] or "").split(",") if i.strip()]
        assert ids and {election_of[i] for i in ids} == {row["election"]}, row
    ratios = {
        (r["election"], r["scope"], r["metric"], r["variant"], r["grouping"]): r["value"]
        for r in frames["ratios"].iter_rows(named=True)
    }
    assert ratios[
        ("kz-2013-rural-akim-indirect", "KZ", "candidates_per_post", "published", None)
    ] == pytest.approx(6738 / 2457)
    assert ratios[
        ("kz-2017-rural-akim-indirect", "KZ", "candidates_per_winner", "published", None)
    ] == pytest.approx(3951 / 1416)
    key = ("kz-rural-akim-2021-07-to-2022-07", "KZ", "self_winners_share", "published", None)
    assert ratios[key] == pytest.approx(100 * 215 / 1093)
    key = ("kz-rural-akim-2023-08-27-KZ-59", "KZ-59", "self_winners_share", "published", None)
    assert ratios[key] == pytest.approx(100 * 5 / 33)
    key = ("kz-2021-rural-akim", "KZ-59", "self_winners_share", "published", None)
    assert ratios[key] == pytest.approx(100 * 7 / 71)
    key = ("kz-district-akim-2023-11-05", "KZ", "candidates_per_winner", "published", None)
    assert ratios[key] == pytest.approx(125 / 45)


def pedersen_by_hand(before: dict[str, int], after: dict[str, int]) -> Fraction:
    tb, ta = sum(before.values()), sum(after.values())
    keys = set(before) | set(after)
    return 50 * sum(
        abs(Fraction(after.get(k, 0), ta) - Fraction(before.get(k, 0), tb)) for k in keys
    )


def test_volatility_in_north_kazakhstan_with_lineage(frames: dict[str, pl.DataFrame]) -> None:
    rows = {r["grouping"]: r for r in frames["volatility"].iter_rows(named=True)}
    assert set(rows) == {"single_bin", "exclude"}
    # 2021 (Table 4, KZ-59): Nur Otan 55 + Adal 1 (merged into AMANAT), Auyl 3, Ak Zhol 2,
    # People's Party 3, NSDP 0, self-nominated 7. 27 Aug 2023: 24, 2, 2, self 5.
    before = {"amanat": 56, "auyl": 3, "ak-zhol": 2, "qhp": 3, "self": 7}
    after = {"amanat": 24, "ak-zhol": 2, "auyl": 2, "self": 5}
    assert rows["single_bin"]["pedersen"] == pytest.approx(float(pedersen_by_hand(before, after)))
    no_self = {k: v for k, v in before.items() if k != "self"}
    after_no_self = {k: v for k, v in after.items() if k != "self"}
    assert rows["exclude"]["pedersen"] == pytest.approx(
        float(pedersen_by_hand(no_self, after_no_self))
    )
    assert round(rows["single_bin"]["pedersen"], 4) == 10.3713
    assert round(rows["exclude"]["pedersen"], 4) == 6.4732
    assert rows["single_bin"]["lineage"] == "adal -> amanat"


def test_docs_show_the_computed_numbers() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "analytics" / "analyze.md").read_text(
        encoding="utf-8"
    )
    for shown in (
        "1.9644",
        "1.3570",
        "2.1370",
        "20.33",
        "12.09",
        "10.3713",
        "6.4732",
        "**0.2**",
        "**1.0**",
        "22.80",
        "15.63",
        "1.11",
        "53.61",
        "22.58",
    ):
        assert shown in docs, shown
