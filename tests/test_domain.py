"""The domain records: immutable, strict, and refusing what can never be a count or a code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from saylau.domain import (
    AdminUnitKind,
    Candidate,
    Figure,
    Level,
    Measure,
    Names,
    Nomination,
    Protocol,
    Provenance,
    Region,
    Sex,
)

NAMES = Names(kk="Ақмола облысы", ru="Акмолинская область", en="Akmola Region")
PROV = Provenance(source="seed-serikbayev-sergazin", table="3", row="r", column="c", position=1)


def _figure(**overrides: object) -> Figure:
    data: dict[str, object] = {
        "id": "f-1", "election": "e", "level": Level.REGION, "unit": "KZ-11",
        "measure": Measure.WINNERS, "value": Decimal(3), "provenance": PROV,
    }
    data.update(overrides)
    return Figure(**data)  # type: ignore[arg-type]


def _protocol(**overrides: object) -> Protocol:
    data: dict[str, object] = {
        "station": "s1", "election": "e", "voters_on_list": 100, "ballots_received": 100,
        "ballots_issued": 80, "ballots_cancelled": 20, "ballots_in_boxes": 80, "invalid": 1,
        "votes": {"c1": 50, "c2": 29},
    }
    data.update(overrides)
    return Protocol(**data)  # type: ignore[arg-type]


# --- immutability and unknown fields ---------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "attribute", "value"),
    [
        (NAMES, "kk", "x"),
        (PROV, "source", "other"),
        (_figure(), "value", Decimal(4)),
        (_protocol(), "invalid", 2),
        (Candidate(code="c1", contest="k1", name="A"), "party", "amanat"),
    ],
)
def test_records_are_immutable(record: object, attribute: str, value: object) -> None:
    with pytest.raises(ValidationError):
        setattr(record, attribute, value)
    assert getattr(record, attribute) != value


@pytest.mark.parametrize(
    "factory",
    [
        lambda: Names(kk="а", ru="б", en="c", de="d"),
        lambda: _figure(colour="red"),
        lambda: _protocol(turnout=5),
        lambda: Region(code="KZ-11", kind=AdminUnitKind.OBLAST, names=NAMES, population=1),
        lambda: Candidate(code="c1", contest="k1", name="A", votes=3),
    ],
)
def test_unknown_fields_are_rejected(factory: object) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        factory()  # type: ignore[operator]


# --- counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["voters_on_list", "ballots_received", "ballots_issued", "ballots_cancelled",
     "ballots_in_boxes", "invalid", "against_all", "version"],
)
def test_protocol_rejects_negative_counts(field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        _protocol(**{field: -1})


def test_protocol_rejects_negative_votes_and_accepts_zero() -> None:
    with pytest.raises(ValidationError, match="votes for c2 must be >= 0"):
        _protocol(votes={"c1": 5, "c2": -1})
    assert _protocol(votes={"c1": 0}).votes == {"c1": 0}


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_protocol_counts_accept_exactly_the_non_negative_integers(value: int) -> None:
    if value >= 0:
        assert _protocol(invalid=value).invalid == value
    else:
        with pytest.raises(ValidationError):
            _protocol(invalid=value)


# --- codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["KZ-11", "KZ-61", "KZ-79", "KZ-10"])
def test_region_accepts_iso_codes(code: str) -> None:
    assert Region(code=code, kind=AdminUnitKind.OBLAST, names=NAMES).code == code


@pytest.mark.parametrize("code", ["KZ-AKM", "KZ-1", "KZ-111", "kz-11", "11", "", "KZ 11", "RU-11"])
def test_region_rejects_bad_codes(code: str) -> None:
    with pytest.raises(ValidationError, match="code"):
        Region(code=code, kind=AdminUnitKind.OBLAST, names=NAMES)


def test_region_rejects_a_district_kind_and_a_bad_kato() -> None:
    with pytest.raises(ValidationError):
        Region(code="KZ-11", kind=AdminUnitKind.DISTRICT, names=NAMES)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="kato"):
        Region(code="KZ-11", kind=AdminUnitKind.OBLAST, names=NAMES, kato="11000")


@pytest.mark.parametrize("code", ["-x", "a b", "ü", "", "a/b"])
def test_figure_and_source_codes_follow_the_code_pattern(code: str) -> None:
    with pytest.raises(ValidationError):
        _figure(id=code)
    with pytest.raises(ValidationError):
        Provenance(source=code)


# --- names -----------------------------------------------------------------------------------


def test_names_get_each_language() -> None:
    assert NAMES.get("kk") == "Ақмола облысы"
    assert NAMES.get("ru") == "Акмолинская область"
    assert NAMES.get("en") == "Akmola Region"


@pytest.mark.parametrize("lang", ["de", "", "KK", "kz"])
def test_names_get_rejects_other_languages(lang: str) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        NAMES.get(lang)


def test_names_require_all_three_non_empty() -> None:
    with pytest.raises(ValidationError):
        Names(kk="", ru="а", en="a")
    with pytest.raises(ValidationError):
        Names(kk="а", ru="а")  # type: ignore[call-arg]


# --- candidates and figures ------------------------------------------------------------------


def test_candidate_nomination_follows_the_party() -> None:
    assert Candidate(code="c1", contest="k", name="A", party="auyl").nomination is Nomination.PARTY
    assert Candidate(code="c2", contest="k", name="B").nomination is Nomination.SELF
    assert Candidate(code="c3", contest="k", name="C", party="").nomination is Nomination.SELF


def test_candidate_sex_cannot_be_all() -> None:
    assert Candidate(code="c1", contest="k", name="A", sex=Sex.FEMALE).sex is Sex.FEMALE
    with pytest.raises(ValidationError):
        Candidate(code="c1", contest="k", name="A", sex=Sex.ALL)  # type: ignore[arg-type]


@pytest.mark.parametrize("nomination", [Nomination.ALL, Nomination.SELF])
def test_figure_for_a_party_must_be_party_nominated(nomination: Nomination) -> None:
    with pytest.raises(ValidationError, match="nomination 'party'"):
        _figure(party="amanat", nomination=nomination)


def test_figure_party_with_party_nomination_and_no_party_are_fine() -> None:
    assert _figure(party="amanat", nomination=Nomination.PARTY).party == "amanat"
    assert _figure(nomination=Nomination.SELF).party is None
    assert _figure().nomination is Nomination.ALL and _figure().sex is Sex.ALL


def test_figure_keeps_the_exact_decimal() -> None:
    figure = _figure(measure=Measure.CANDIDATES_SHARE_PCT, value="38.2")
    assert figure.value == Decimal("38.2")
    assert str(figure.value) == "38.2"


def test_figure_rejects_unknown_measure_and_level() -> None:
    with pytest.raises(ValidationError):
        _figure(measure="votes_cast_for_everyone")
    with pytest.raises(ValidationError):
        _figure(level="village")


def test_provenance_position_is_positive() -> None:
    with pytest.raises(ValidationError):
        Provenance(source="s", position=0)
    assert Provenance(source="s", position=1).position == 1


def test_records_compare_and_hash_by_value() -> None:
    a = _figure()
    b = _figure()
    assert a == b
    assert len({a, b}) == 1
    assert Candidate(code="c", contest="k", name="A", birth_date=dt.date(1980, 1, 1)).birth_date \
        == dt.date(1980, 1, 1)
