"""Every number of the seed paper, typed here from the paper, against the bundled figures.

The expectations below are copied by hand from Serikbayev & Sergazin (shared/seed), Tables 1-4
and the paragraph before Table 4. They are deliberately not read from the bundled CSV: a
transcription error in the CSV must make these tests fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

import saylau
from saylau.datasets.format import PERCENT_MEASURES
from saylau.domain import Figure
from saylau.service import Saylau

SEED = "seed-serikbayev-sergazin"
ELECTION = "kz-2021-rural-akim"
PAPER = Path("/work/shared/seed/000_d19626850bff1800.txt")

# --- Table 1: party, row label (№ and name), founded, members --------------------------------
TABLE1 = [
    ("amanat", "1 «Nur Otan» партиясы", 1999, 850_000),
    ("auyl", "2 «Ауыл» халықтық-демократиялық патриоттық партиясы", 2000, 298_564),
    ("ak-zhol", "3 Қазақстанның «Ақ жол» демократиялық партиясы", 2002, 255_800),
    ("adal", "4 «Адал» саяси партиясы", 2013, 111_875),
    ("qhp", "5 Қазақстан Халық партиясы", 2004, 105_000),
    ("nsdp", "6 Жалпыұлттық социал-демократиялық партия", 2006, 16_000),
]

# --- Table 2: measure, nomination, sex, value, approximate, row label --------------------------
TABLE2 = [
    ("voters", "all", "all", "1200000", True, "Дауыс берушілер саны"),
    ("polling_stations", "all", "all", "1847", False, "Республика бойынша сайлау учаскелері саны"),
    ("candidates_registered", "all", "all", "2297", False, "Сайлауға түскен кандидаттар саны"),
    ("candidates_registered", "party", "all", "878", False,
     "Саяси партиялардан түскен кандидаттар саны"),
    ("candidates_share_pct", "party", "all", "38.2", False,
     "Саяси партиялардан түскен кандидаттар саны"),
    ("candidates_registered", "self", "all", "1419", False, "Өзін-өзі ұсынушы кандидаттар саны"),
    ("candidates_share_pct", "self", "all", "61.8", False, "Өзін-өзі ұсынушы кандидаттар саны"),
    ("candidates_registered", "all", "male", "1839", False, "Кандидаттар ішіндегі ер азаматтар"),
    ("candidates_registered", "all", "female", "458", False,
     "Кандидаттар ішіндегі әйел азаматтар"),
]

# --- Tables 3 and 4: columns (region code, the paper's column label) in the paper's order ------
T3_REGIONS = [
    ("KZ-11", "Ақмола облысы"),
    ("KZ-15", "Ақтөбе облысы"),
    ("KZ-19", "Алматы облысы"),
    ("KZ-23", "Атырау облысы"),
    ("KZ-63", "Шығыс Қазақстан облысы"),
    ("KZ-31", "Жамбыл облысы"),
    ("KZ-27", "Батыс Қазақстан облысы"),
    ("KZ-35", "Қарағанды облысы"),
]
T4_REGIONS = [
    ("KZ-39", "Қостанай облысы"),
    ("KZ-43", "Қызылорда облысы"),
    ("KZ-47", "Маңғыстау облысы"),
    ("KZ-55", "Павлодар облысы"),
    ("KZ-59", "Солтүстік Қазақстан облысы"),
    ("KZ-61", "Түркістан облысы"),
]
# Rows in the paper's order: (row key, values left to right).
T3_ROWS = [
    ("okrugs", [95, 35, 71, 18, 77, 38, 31, 75]),
    ("candidates", [290, 105, 235, 52, 232, 111, 81, 257]),
    ("amanat", [74, 28, 57, 15, 60, 31, 22, 56]),
    ("auyl", [1, 2, 3, 0, 11, 1, 1, 3]),
    ("ak-zhol", [2, 1, 0, 0, 1, 1, 0, 1]),
    ("adal", [1, 1, 0, 1, 2, 1, 0, 1]),
    ("qhp", [3, 1, 0, 0, 1, 1, 0, 0]),
    ("nsdp", [0, 0, 0, 0, 0, 0, 1, 0]),
    ("self", [14, 2, 11, 2, 2, 3, 7, 14]),
]
T4_ROWS = [
    ("okrugs", [65, 40, 10, 44, 71, 60]),
    ("candidates", [147, 122, 25, 135, 214, 166]),
    ("amanat", [52, 30, 8, 34, 55, 47]),
    ("auyl", [2, 2, 0, 2, 3, 18]),
    ("ak-zhol", [2, 0, 0, 1, 2, 3]),
    ("adal", [2, 2, 1, 1, 1, 5]),
    ("qhp", [0, 1, 0, 0, 3, 2]),
    ("nsdp", [0, 0, 0, 0, 0, 2]),
    ("self", [7, 5, 1, 6, 7, 89]),
]
PARTIES = ("amanat", "auyl", "ak-zhol", "adal", "qhp", "nsdp")

# --- Text: "about 2,346" akim posts; 775 akims by the end of 2021; 730 in the third quarter -----
TEXT = [
    ("akim_posts", "2346", True),
    ("akims_to_be_elected", "775", False),
    ("okrugs_contested", "730", False),
]


@dataclass(frozen=True)
class Row:
    """One figure as the tests see it, whether it came from the CSV frames or the database."""

    id: str
    election: str | None
    level: str
    unit: str
    measure: str
    party: str | None
    nomination: str
    sex: str
    value: str
    approximate: bool
    source: str
    table: str | None
    row: str | None
    column: str | None
    position: int | None


def _key(r: Row) -> tuple[object, ...]:
    return (r.table, r.level, r.unit, r.measure, r.party, r.nomination, r.sex)


def _expected() -> dict[tuple[object, ...], tuple[str, bool]]:
    """(table, level, unit, measure, party, nomination, sex) -> (value, approximate)."""
    out: dict[tuple[object, ...], tuple[str, bool]] = {}
    for party, _label, founded, members in TABLE1:
        out[("1", "republic", "KZ", "party_founded_year", party, "party", "all")] = (
            str(founded), False)
        out[("1", "republic", "KZ", "party_members", party, "party", "all")] = (str(members), False)
    for measure, nomination, sex, value, approximate, _label in TABLE2:
        out[("2", "republic", "KZ", measure, None, nomination, sex)] = (value, approximate)
    for table, regions, rows in (("3", T3_REGIONS, T3_ROWS), ("4", T4_REGIONS, T4_ROWS)):
        assert all(len(values) == len(regions) for _, values in rows)
        for key, values in rows:
            for (code, _label), value in zip(regions, values, strict=True):
                if key == "okrugs":
                    k = (table, "region", code, "okrugs_contested", None, "all", "all")
                elif key == "candidates":
                    k = (table, "region", code, "candidates_registered", None, "all", "all")
                elif key == "self":
                    k = (table, "region", code, "winners", None, "self", "all")
                else:
                    k = (table, "region", code, "winners", key, "party", "all")
                out[k] = (str(value), False)
    for measure, value, approximate in TEXT:
        out[("text", "republic", "KZ", measure, None, "all", "all")] = (value, approximate)
    return out


EXPECTED = _expected()


def _bundled_rows() -> list[Row]:
    frame = saylau.load_bundled()["figures"]
    return [
        Row(d["id"], d["election"], d["level"], d["unit"], d["measure"], d["party"],
            d["nomination"], d["sex"], d["value"], d["approximate"], d["source"], d["table"],
            d["row"], d["column"], d["position"])
        for d in frame.iter_rows(named=True)
    ]


def _db_rows(figures: list[Figure]) -> list[Row]:
    return [
        Row(f.id, f.election, f.level.value, f.unit, f.measure.value, f.party, f.nomination.value,
            f.sex.value, str(f.value), f.approximate, f.provenance.source, f.provenance.table,
            f.provenance.row, f.provenance.column, f.provenance.position)
        for f in figures
    ]


def _assert_matches_paper(rows: list[Row]) -> None:
    seed = [r for r in rows if r.source == SEED]
    found: dict[tuple[object, ...], tuple[str, bool]] = {}
    for r in seed:
        key = _key(r)
        assert key not in found, f"figure given twice: {key}"
        found[key] = (r.value, r.approximate)
    missing = sorted(map(str, EXPECTED.keys() - found.keys()))
    extra = sorted(map(str, found.keys() - EXPECTED.keys()))
    assert not missing, f"numbers of the paper not in the data: {missing}"
    assert not extra, f"numbers in the data that the paper does not give: {extra}"
    wrong = {k: (found[k], v) for k, v in EXPECTED.items() if found[k] != v}
    assert not wrong, f"(found, paper) differ: {wrong}"
    assert len(seed) == 12 + 9 + 9 * 8 + 9 * 6 + 3 == 150


def test_expectation_is_the_whole_paper() -> None:
    # Tables 3 and 4 hold 14 regions and 730 okrugs between them; 6 parties in Table 1.
    assert len(T3_REGIONS) + len(T4_REGIONS) == 14
    assert sum(T3_ROWS[0][1]) + sum(T4_ROWS[0][1]) == 730
    assert len(EXPECTED) == 150


def test_bundled_figures_are_the_papers_numbers() -> None:
    _assert_matches_paper(_bundled_rows())


def test_stored_figures_are_the_papers_numbers(service: Saylau) -> None:
    _assert_matches_paper(_db_rows(service.figures()))
    # The election filter keeps the election-less registry and text figures.
    _assert_matches_paper(_db_rows(service.figures(ELECTION)))


def test_stored_values_are_exact_decimals(service: Saylau) -> None:
    by_id = {f.id: f for f in service.figures()}
    share = next(f for f in by_id.values()
                 if f.measure.value == "candidates_share_pct" and f.nomination.value == "party")
    assert share.value == Decimal("38.2")
    assert share.value.as_tuple() == Decimal("38.2").as_tuple()
    assert all(f.value == f.value.to_integral_value() for f in by_id.values()
               if f.measure.value not in PERCENT_MEASURES)


# --- provenance ------------------------------------------------------------------------------


def _normal(text: str) -> str:
    text = re.sub(r"-\s+", "-", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


@pytest.fixture(scope="module")
def paper_text() -> str:
    if not PAPER.exists():
        pytest.skip(f"the seed paper is not at {PAPER}")
    return _normal(PAPER.read_text(encoding="utf-8"))


def test_every_figure_has_source_table_and_row_label() -> None:
    rows = _bundled_rows()
    assert rows
    for r in rows:
        assert r.source == SEED, r.id
        assert r.table in {"1", "2", "3", "4", "text"}, r.id
        assert r.row and r.row.strip(), r.id
        assert r.position is not None, r.id
    assert sorted(r.position for r in rows) == list(range(1, len(rows) + 1))


def test_row_and_column_labels_are_the_papers_words(paper_text: str) -> None:
    for r in _bundled_rows():
        if r.table == "text":
            continue
        assert _normal(r.row or "") in paper_text, (r.id, r.row)
        if r.column:
            assert _normal(r.column) in paper_text, (r.id, r.column)


def test_table1_and_table2_row_labels() -> None:
    rows = {_key(r): r for r in _bundled_rows()}
    for party, label, _founded, _members in TABLE1:
        for measure, column in (("party_founded_year", "Құрылған уақыты"),
                                ("party_members", "Партия мүшелерінің саны")):
            r = rows[("1", "republic", "KZ", measure, party, "party", "all")]
            assert (r.row, r.column) == (label, column)
    for measure, nomination, sex, _value, _approx, label in TABLE2:
        assert rows[("2", "republic", "KZ", measure, None, nomination, sex)].row == label


@pytest.mark.parametrize(("table", "regions"), [("3", T3_REGIONS), ("4", T4_REGIONS)])
def test_region_columns_in_the_papers_order(table: str, regions: list[tuple[str, str]]) -> None:
    rows = sorted((r for r in _bundled_rows() if r.table == table), key=lambda r: r.position or 0)
    order: list[str] = []
    for r in rows:
        if r.unit not in order:
            order.append(r.unit)
    assert order == [code for code, _ in regions]
    labels = {r.unit: r.column for r in rows}
    assert labels == dict(regions)
    # Reading order is rows, then columns: the first row of the table is the okrugs.
    assert [r.unit for r in rows[: len(regions)]] == [code for code, _ in regions]
    assert {r.measure for r in rows[: len(regions)]} == {"okrugs_contested"}


@pytest.mark.parametrize(("number", "regions"), [(3, T3_REGIONS), (4, T4_REGIONS)])
def test_report_columns_in_the_papers_order(number: int, regions: list[tuple[str, str]]) -> None:
    frame = saylau.seed_table(number, "kk")
    assert frame.columns == ["indicator", *[c for c, _ in regions], "computed_total"]


def test_stored_region_order_and_provenance(service: Saylau) -> None:
    figures = [f for f in service.figures() if f.provenance.table == "4"]
    order: list[str] = []
    for f in figures:  # stored figures come back in reading order
        if f.unit not in order:
            order.append(f.unit)
    assert order == [code for code, _ in T4_REGIONS]
    seed_figures = [f for f in service.figures() if f.provenance.source == SEED]
    assert len(seed_figures) == len(EXPECTED)
    assert all(f.provenance.row for f in seed_figures)


def test_approximate_figures_are_the_rounded_ones() -> None:
    approx = {(r.measure, r.value) for r in _bundled_rows() if r.approximate}
    assert approx == {("voters", "1200000"), ("akim_posts", "2346")}


def test_text_figures_belong_where_the_paper_puts_them() -> None:
    rows = {r.measure: r for r in _bundled_rows() if r.table == "text"}
    assert rows["okrugs_contested"].election == ELECTION
    assert rows["akims_to_be_elected"].election == ELECTION
    # "about 2,346 rural akims" describes the country, not the 2021 election.
    assert rows["akim_posts"].election is None
    table1 = [r for r in _bundled_rows() if r.table == "1"]
    assert all(r.election is None for r in table1)
