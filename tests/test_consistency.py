"""The consistency check: each rule on crafted bad data, clean data, and the bundled paper."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau import consistency
from saylau.consistency import Finding, check
from saylau.datasets import bundled, convert, reader
from saylau.domain import Figure, Level, Measure, Nomination, Provenance, Sex
from saylau.i18n import LANGS, fmt_int, t
from saylau.service import Saylau

E = "test-election"
_ids = itertools.count(1)


def fig(
    measure: Measure,
    value: int | str,
    *,
    unit: str = "KZ",
    level: Level | None = None,
    party: str | None = None,
    nomination: Nomination | None = None,
    sex: Sex = Sex.ALL,
    election: str | None = E,
    approximate: bool = False,
    id: str | None = None,
) -> Figure:
    """A figure; level follows the unit (KZ is the republic) unless given."""
    number = next(_ids)
    return Figure(
        id=id or f"f{number}",
        election=election,
        level=level or (Level.REPUBLIC if unit == "KZ" else Level.REGION),
        unit=unit,
        measure=measure,
        party=party,
        nomination=nomination or (Nomination.PARTY if party else Nomination.ALL),
        sex=sex,
        value=Decimal(str(value)),
        approximate=approximate,
        provenance=Provenance(source="crafted", table="T", row=f"row {number}", position=number),
    )


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


M = Measure
N = Nomination


# --- C.01 breakdown sums ---------------------------------------------------------------------


def test_c01_nomination_split_must_add_up() -> None:
    total = fig(M.CANDIDATES_REGISTERED, 10)
    party = fig(M.CANDIDATES_REGISTERED, 4, nomination=N.PARTY)
    self_ = fig(M.CANDIDATES_REGISTERED, 5, nomination=N.SELF)
    findings = check([total, party, self_])
    assert rules(findings) == ["C.01"]
    finding = findings[0]
    assert finding.severity == "error"
    assert finding.params["dimension"] == "nomination"
    assert finding.params["total"] == "10" and finding.params["sum"] == "9"
    assert finding.params["difference"] == "-1"
    assert finding.computed == {"sum": Decimal(9)}
    assert set(finding.involved) == {total, party, self_}
    assert check([total, party, fig(M.CANDIDATES_REGISTERED, 6, nomination=N.SELF)]) == []


def test_c01_sex_split_must_add_up() -> None:
    total = fig(M.CANDIDATES_REGISTERED, 2297)
    male = fig(M.CANDIDATES_REGISTERED, 1839, sex=Sex.MALE)
    female = fig(M.CANDIDATES_REGISTERED, 459, sex=Sex.FEMALE)
    findings = check([total, male, female])
    assert rules(findings) == ["C.01"]
    assert findings[0].params["dimension"] == "sex"
    assert findings[0].params["sum"] == "2298"
    ok = fig(M.CANDIDATES_REGISTERED, 458, sex=Sex.FEMALE)
    assert check([total, male, ok]) == []


def test_c01_needs_both_parts() -> None:
    total = fig(M.CANDIDATES_REGISTERED, 10)
    assert check([total, fig(M.CANDIDATES_REGISTERED, 4, nomination=N.PARTY)]) == []
    assert check([total, fig(M.CANDIDATES_REGISTERED, 99, sex=Sex.MALE)]) == []


def test_c01_works_per_unit_and_names_it() -> None:
    figures = [
        fig(M.CANDIDATES_REGISTERED, 10, unit="KZ-11"),
        fig(M.CANDIDATES_REGISTERED, 3, unit="KZ-11", nomination=N.PARTY),
        fig(M.CANDIDATES_REGISTERED, 8, unit="KZ-11", nomination=N.SELF),
    ]
    [finding] = check(figures)
    assert (finding.rule, finding.level, finding.unit) == ("C.01", Level.REGION, "KZ-11")
    assert "KZ-11" in finding.explain("en")


# --- C.02 winners vs okrugs ------------------------------------------------------------------


def _region_winners(unit: str, okrugs: int, party: int, self_: int | None) -> list[Figure]:
    out = [fig(M.OKRUGS_CONTESTED, okrugs, unit=unit),
           fig(M.WINNERS, party, unit=unit, party="amanat")]
    if self_ is not None:
        out.append(fig(M.WINNERS, self_, unit=unit, nomination=N.SELF))
    return out


def test_c02_more_winners_than_okrugs_is_an_error() -> None:
    findings = check(_region_winners("KZ-61", 60, 77, 89))
    assert rules(findings) == ["C.02"]
    finding = findings[0]
    assert (finding.severity, finding.unit) == ("error", "KZ-61")
    assert finding.params["winners"] == "166" and finding.params["okrugs"] == "60"
    assert finding.params["difference"] == "106"
    assert finding.computed == {"winners": Decimal(166)}


def test_c02_fewer_winners_than_okrugs_is_a_warning() -> None:
    findings = check(_region_winners("KZ-11", 95, 70, 14))
    assert rules(findings) == ["C.02"]
    assert findings[0].severity == "warning"
    assert findings[0].params["difference"] == "-11"


def test_c02_equal_is_fine() -> None:
    assert check(_region_winners("KZ-11", 95, 81, 14)) == []


def test_c02_only_when_self_nominated_winners_are_present() -> None:
    # Without the self-nominated row the winners are known to be incomplete: no finding,
    # in either direction.
    assert check(_region_winners("KZ-11", 95, 40, None)) == []
    assert check(_region_winners("KZ-11", 10, 40, None)) == []


def test_c02_national_sum_of_regions_against_national_okrugs() -> None:
    figures = [
        *_region_winners("KZ-11", 10, 6, 4),
        *_region_winners("KZ-15", 5, 3, 2),
        fig(M.OKRUGS_CONTESTED, 14),
    ]
    findings = check(figures, ["C.02"])
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.severity, finding.level, finding.unit) == ("error", Level.REPUBLIC, "KZ")
    assert finding.params["unit"] == "KZ (Σ)"
    assert finding.params["winners"] == "15" and finding.params["okrugs"] == "14"
    figures[-1] = fig(M.OKRUGS_CONTESTED, 16)
    assert [f.severity for f in check(figures, ["C.02"])] == ["warning"]
    figures[-1] = fig(M.OKRUGS_CONTESTED, 15)
    assert check(figures, ["C.02"]) == []


# --- C.03 regional vs national ---------------------------------------------------------------


def test_c03_national_must_equal_sum_of_regions() -> None:
    regions = [fig(M.CANDIDATES_REGISTERED, v, unit=u)
               for u, v in (("KZ-11", 290), ("KZ-15", 105), ("KZ-19", 235))]
    national = fig(M.CANDIDATES_REGISTERED, 700)
    findings = check([national, *regions])
    assert rules(findings) == ["C.03"]
    finding = findings[0]
    assert finding.params["national"] == "700" and finding.params["regional"] == "630"
    assert finding.params["regions"] == 3 and finding.params["difference"] == "-70"
    assert finding.involved[0] == national and set(finding.involved[1:]) == set(regions)
    assert check([fig(M.CANDIDATES_REGISTERED, 630), *regions]) == []


def test_c03_compares_like_with_like() -> None:
    # A national total by sex is compared only with regional figures by the same sex.
    figures = [
        fig(M.CANDIDATES_REGISTERED, 5, sex=Sex.FEMALE),
        fig(M.CANDIDATES_REGISTERED, 3, unit="KZ-11", sex=Sex.FEMALE),
        fig(M.CANDIDATES_REGISTERED, 2, unit="KZ-15", sex=Sex.FEMALE),
        fig(M.CANDIDATES_REGISTERED, 999, unit="KZ-15"),
    ]
    assert check(figures, ["C.03"]) == []


# --- C.04 stated shares ----------------------------------------------------------------------


def _shares(stated: str, part: int = 878, whole: int = 2297) -> list[Figure]:
    return [
        fig(M.CANDIDATES_REGISTERED, whole),
        fig(M.CANDIDATES_REGISTERED, part, nomination=N.PARTY),
        fig(M.CANDIDATES_SHARE_PCT, stated, nomination=N.PARTY),
    ]


def test_c04_share_rounded_at_the_published_precision() -> None:
    assert check(_shares("38.2"), ["C.04"]) == []
    assert check(_shares("38"), ["C.04"]) == []
    assert check(_shares("38.22"), ["C.04"]) == []


@pytest.mark.parametrize("stated", ["38.3", "38.1", "39", "38.23", "61.8"])
def test_c04_wrong_share_is_flagged(stated: str) -> None:
    findings = check(_shares(stated), ["C.04"])
    assert rules(findings) == ["C.04"]
    assert findings[0].params["stated"] == stated
    assert findings[0].params["part"] == "878" and findings[0].params["whole"] == "2297"


def test_c04_reports_the_computed_share_at_the_same_precision() -> None:
    [finding] = check(_shares("38.3"), ["C.04"])
    assert finding.params["computed"] == "38.2"
    assert finding.computed == {"share": Decimal("38.2")}


def test_c04_rounds_half_up() -> None:
    # 1/8 = 12.5 %: published as 13 at whole-number precision, as 12.5 at one decimal.
    assert check(_shares("13", 1, 8), ["C.04"]) == []
    assert check(_shares("12.5", 1, 8), ["C.04"]) == []
    assert rules(check(_shares("12", 1, 8), ["C.04"])) == ["C.04"]


@given(whole=st.integers(1, 10**6), data=st.data())
def test_c04_accepts_exactly_the_correctly_rounded_share(whole: int, data: st.DataObject) -> None:
    part = data.draw(st.integers(0, whole))
    digits = data.draw(st.integers(0, 3))
    exact = Decimal(part) * 100 / Decimal(whole)
    right = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    assert check(_shares(str(right), part, whole), ["C.04"]) == []
    wrong = right + Decimal(1).scaleb(-digits) * data.draw(st.sampled_from([-1, 1]))
    assert rules(check(_shares(str(wrong), part, whole), ["C.04"])) == ["C.04"]


# --- C.05 bounds -----------------------------------------------------------------------------


def test_c05_okrugs_cannot_exceed_candidates_or_stations() -> None:
    figures = [fig(M.OKRUGS_CONTESTED, 50), fig(M.CANDIDATES_REGISTERED, 49),
               fig(M.POLLING_STATIONS, 40)]
    findings = check(figures, ["C.05"])
    relations = sorted(str(f.params["relation"]) for f in findings)
    assert relations == ["okrugs_candidates", "okrugs_stations"]
    assert all(f.severity == "error" for f in findings)
    fine = [fig(M.OKRUGS_CONTESTED, 50), fig(M.CANDIDATES_REGISTERED, 50),
            fig(M.POLLING_STATIONS, 50)]
    assert check(fine, ["C.05"]) == []


def test_c05_winners_cannot_exceed_candidates() -> None:
    figures = [fig(M.CANDIDATES_REGISTERED, 10, unit="KZ-11"),
               fig(M.WINNERS, 8, unit="KZ-11", party="amanat"),
               fig(M.WINNERS, 3, unit="KZ-11", nomination=N.SELF)]
    [finding] = check(figures, ["C.05"])
    assert finding.params["relation"] == "winners_candidates"
    assert (finding.params["small"], finding.params["large"]) == ("11", "10")
    assert finding.unit == "KZ-11"
    figures[-1] = fig(M.WINNERS, 2, unit="KZ-11", nomination=N.SELF)
    assert check(figures, ["C.05"]) == []


# --- C.06 conflicting duplicates -------------------------------------------------------------


def test_c06_same_quantity_with_different_values() -> None:
    a = fig(M.OKRUGS_CONTESTED, 730)
    b = fig(M.OKRUGS_CONTESTED, 775)
    [finding] = check([a, b], ["C.06"])
    assert finding.params["values"] == "730, 775"
    assert set(finding.involved) == {a, b}


def test_c06_agreeing_or_approximate_duplicates_are_fine() -> None:
    assert check([fig(M.VOTERS, 1200000), fig(M.VOTERS, 1200000)], ["C.06"]) == []
    assert check([fig(M.VOTERS, 1200000, approximate=True), fig(M.VOTERS, 1187345)],
                 ["C.06"]) == []


def test_c06_different_elections_are_different_quantities() -> None:
    assert check([fig(M.VOTERS, 1), fig(M.VOTERS, 2, election="other")], ["C.06"]) == []


# --- C.07 registry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "value", "detail"),
    [
        (M.PARTY_MEMBERS, 0, "members = 0"),
        (M.PARTY_MEMBERS, -5, "members = -5"),
        (M.PARTY_FOUNDED_YEAR, 1899, "founded = 1899"),
        (M.PARTY_FOUNDED_YEAR, 21999, "founded = 21999"),
    ],
)
def test_c07_implausible_registry(measure: Measure, value: int, detail: str) -> None:
    [finding] = check([fig(measure, value, party="auyl", election=None)])
    assert finding.rule == "C.07"
    assert finding.params == {"party": "auyl", "detail": detail}


def test_c07_plausible_registry() -> None:
    figures = [fig(M.PARTY_MEMBERS, 16000, party="nsdp", election=None),
               fig(M.PARTY_FOUNDED_YEAR, 2006, party="nsdp", election=None)]
    assert check(figures) == []


# --- clean data, and the rule registry -------------------------------------------------------


def clean_figures() -> list[Figure]:
    """A small, fully consistent national + regional set touching every rule."""
    return [
        fig(M.OKRUGS_CONTESTED, 15),
        fig(M.POLLING_STATIONS, 40),
        fig(M.CANDIDATES_REGISTERED, 40),
        fig(M.CANDIDATES_REGISTERED, 15, nomination=N.PARTY),
        fig(M.CANDIDATES_REGISTERED, 25, nomination=N.SELF),
        fig(M.CANDIDATES_SHARE_PCT, "37.5", nomination=N.PARTY),
        fig(M.CANDIDATES_SHARE_PCT, "62.5", nomination=N.SELF),
        fig(M.CANDIDATES_REGISTERED, 30, sex=Sex.MALE),
        fig(M.CANDIDATES_REGISTERED, 10, sex=Sex.FEMALE),
        *_region_winners("KZ-11", 10, 6, 4),
        fig(M.CANDIDATES_REGISTERED, 30, unit="KZ-11"),
        *_region_winners("KZ-15", 5, 3, 2),
        fig(M.CANDIDATES_REGISTERED, 10, unit="KZ-15"),
        fig(M.PARTY_MEMBERS, 850000, party="amanat", election=None),
        fig(M.PARTY_FOUNDED_YEAR, 1999, party="amanat", election=None),
    ]


def test_clean_data_gives_no_finding() -> None:
    assert check(clean_figures()) == []
    assert check([]) == []


def test_every_rule_is_registered_and_selectable() -> None:
    assert sorted(consistency.RULES) == [f"C.0{i}" for i in range(1, 8)]
    with pytest.raises(KeyError):
        check(clean_figures(), ["C.99"])


# --- the bundled paper -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_findings() -> list[Finding]:
    content = reader.read([bundled.folder()])
    return check(convert.figures(content))


def test_bundled_data_has_exactly_the_three_known_findings(bundled_findings: list[Finding]) -> None:
    summary = sorted(
        (f.rule, f.severity, f.unit, {k: str(v) for k, v in f.computed.items()}.__repr__())
        for f in bundled_findings
    )
    assert summary == [
        ("C.02", "error", "KZ", "{'winners': '836'}"),
        ("C.02", "error", "KZ-61", "{'winners': '166'}"),
        ("C.03", "error", "KZ", "{'regional_sum': '2172'}"),
    ]
    by_unit = {(f.rule, f.unit): f for f in bundled_findings}
    turkistan = by_unit[("C.02", "KZ-61")]
    assert (turkistan.params["winners"], turkistan.params["okrugs"]) == ("166", "60")
    national = by_unit[("C.02", "KZ")]
    assert (national.params["winners"], national.params["okrugs"]) == ("836", "730")
    candidates = by_unit[("C.03", "KZ")]
    assert (candidates.params["national"], candidates.params["regional"]) == ("2297", "2172")
    assert candidates.params["measure"] == "candidates_registered"
    assert candidates.params["regions"] == 14


def test_stored_figures_give_the_same_findings(service: Saylau,
                                                bundled_findings: list[Finding]) -> None:
    def summary(findings: list[Finding]) -> list[tuple[object, ...]]:
        return sorted((f.rule, f.severity, f.unit, tuple(sorted(f.params.items(), key=str)),
                       tuple(sorted(x.id for x in f.involved))) for f in findings)

    assert summary(check(service.figures())) == summary(bundled_findings)


def test_bundled_findings_report_the_sources_numbers_unchanged(
    bundled_findings: list[Finding],
) -> None:
    by_unit = {(f.rule, f.unit): f for f in bundled_findings}
    turkistan = {f.id: f.value for f in by_unit[("C.02", "KZ-61")].involved}
    # Table 4, Turkistan column, as printed in the paper.
    assert sorted(turkistan.values()) == sorted(
        Decimal(v) for v in (60, 47, 18, 3, 5, 2, 2, 89))
    assert [f.value for f in by_unit[("C.02", "KZ")].involved] == [Decimal(730)]
    involved = by_unit[("C.03", "KZ")].involved
    assert involved[0].value == Decimal(2297) and involved[0].provenance.table == "2"
    assert sorted(int(f.value) for f in involved[1:]) == sorted(
        [290, 105, 235, 52, 232, 111, 81, 257, 147, 122, 25, 135, 214, 166])
    assert all(f.provenance.source == "seed-serikbayev-sergazin" for f in involved)


@pytest.mark.parametrize("lang", LANGS)
def test_bundled_findings_explain_in_every_language(
    bundled_findings: list[Finding], lang: str
) -> None:
    for finding in bundled_findings:
        title = finding.title(lang)
        text = finding.explain(lang, {"KZ-61": "Turkistan"})
        assert title and text
        assert "{" not in text and "}" not in text
        for value in (finding.params.get("winners"), finding.params.get("national")):
            if value is not None:  # written as the language writes numbers: «2 297», "2,297"
                assert fmt_int(int(str(value)), lang) in text
    turkistan = next(f for f in bundled_findings if f.unit == "KZ-61")
    assert "Turkistan (KZ-61)" in turkistan.explain(lang, {"KZ-61": "Turkistan"})


# --- every crafted finding explains in kk, ru, en --------------------------------------------


def _one_of_each_rule() -> list[Finding]:
    figures = [
        fig(M.CANDIDATES_REGISTERED, 10, unit="KZ-11"),
        fig(M.CANDIDATES_REGISTERED, 4, unit="KZ-11", nomination=N.PARTY),
        fig(M.CANDIDATES_REGISTERED, 5, unit="KZ-11", nomination=N.SELF),
        fig(M.CANDIDATES_REGISTERED, 4, unit="KZ-11", sex=Sex.MALE),
        fig(M.CANDIDATES_REGISTERED, 5, unit="KZ-11", sex=Sex.FEMALE),
        fig(M.OKRUGS_CONTESTED, 12, unit="KZ-11"),
        fig(M.POLLING_STATIONS, 11, unit="KZ-11"),
        fig(M.WINNERS, 9, unit="KZ-11", party="adal"),
        fig(M.WINNERS, 4, unit="KZ-11", nomination=N.SELF),
        fig(M.CANDIDATES_SHARE_PCT, "41", unit="KZ-11", nomination=N.PARTY),
        fig(M.CANDIDATES_REGISTERED, 11),
        fig(M.VOTERS, 1, unit="KZ-11"),
        fig(M.VOTERS, 2, unit="KZ-11"),
        fig(M.PARTY_MEMBERS, 0, party="adal", election=None),
    ]
    return check(figures)


def test_crafted_data_trips_every_rule() -> None:
    findings = _one_of_each_rule()
    assert sorted(set(rules(findings))) == sorted(consistency.RULES)
    relations = {f.params["relation"] for f in findings if f.rule == "C.05"}
    assert relations == {"okrugs_candidates", "okrugs_stations", "winners_candidates"}
    assert {f.params["dimension"] for f in findings if f.rule == "C.01"} == {"nomination", "sex"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_finding_renders_in_every_language(lang: str) -> None:
    for finding in _one_of_each_rule():
        title = finding.title(lang)
        text = finding.explain(lang, {"KZ-11": "Akmola"})
        assert title == t(f"check.{finding.rule}.title", lang)
        assert text and "{" not in text, (finding.rule, text)
        if lang == "kk":
            assert any("\u0400" <= ch <= "\u04ff" for ch in text), text
        # Codes are shown by their translated names.
        for code_param, prefix in (("measure", "measure."), ("relation", "check.C.05."),
                                   ("dimension", "dimension.")):
            raw = finding.params.get(code_param)
            if raw is not None:
                assert t(f"{prefix}{raw}", lang) in text, (finding.rule, raw)


def test_explanations_differ_between_languages() -> None:
    for finding in _one_of_each_rule():
        texts = {finding.explain(lang) for lang in LANGS}
        assert len(texts) == 3, finding.rule


# --- Hypothesis: consistent tables give nothing; one perturbed part is caught --------------


REGION_CODES = ["KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-35"]
PARTY_CODES = ["amanat", "auyl", "ak-zhol"]


@st.composite
def consistent_tables(draw: st.DrawFn) -> list[Figure]:
    """Regional results whose parts add up, with national figures equal to the regional sums."""
    codes = draw(st.lists(st.sampled_from(REGION_CODES), min_size=1, max_size=5, unique=True))
    figures: list[Figure] = []
    totals: dict[tuple[Measure, Nomination, Sex, str | None], int] = {}

    def add(measure: Measure, value: int, unit: str, nomination: Nomination = N.ALL,
            sex: Sex = Sex.ALL, party: str | None = None) -> None:
        figures.append(Figure(
            id=f"{unit}-{measure.value}-{party or nomination.value}-{sex.value}",
            election=E, level=Level.REGION, unit=unit, measure=measure, party=party,
            nomination=nomination, sex=sex, value=Decimal(value),
            provenance=Provenance(source="generated", table="R", row=measure.value)))
        key = (measure, nomination, sex, party)
        totals[key] = totals.get(key, 0) + value

    for code in codes:
        party_winners = [draw(st.integers(0, 60)) for _ in PARTY_CODES]
        self_winners = draw(st.integers(0, 60))
        okrugs = sum(party_winners) + self_winners
        party_candidates = draw(st.integers(sum(party_winners), sum(party_winners) + 100))
        self_candidates = draw(st.integers(self_winners, self_winners + 100))
        candidates = party_candidates + self_candidates
        male = draw(st.integers(0, candidates))
        add(M.OKRUGS_CONTESTED, okrugs, code)
        add(M.CANDIDATES_REGISTERED, candidates, code)
        add(M.CANDIDATES_REGISTERED, party_candidates, code, N.PARTY)
        add(M.CANDIDATES_REGISTERED, self_candidates, code, N.SELF)
        add(M.CANDIDATES_REGISTERED, male, code, sex=Sex.MALE)
        add(M.CANDIDATES_REGISTERED, candidates - male, code, sex=Sex.FEMALE)
        for party, winners in zip(PARTY_CODES, party_winners, strict=True):
            add(M.WINNERS, winners, code, N.PARTY, party=party)
        add(M.WINNERS, self_winners, code, N.SELF)

    national_winners = draw(st.booleans())  # the paper gives none; other sources may
    for (measure, nomination, sex, party), value in totals.items():
        if measure is M.WINNERS and not national_winners:
            continue
        figures.append(Figure(
            id=f"KZ-{measure.value}-{party or nomination.value}-{sex.value}", election=E,
            level=Level.REPUBLIC, unit="KZ", measure=measure, party=party,
            nomination=nomination, sex=sex, value=Decimal(value),
            provenance=Provenance(source="generated", table="N", row=measure.value)))
    return figures


@settings(max_examples=150, deadline=None)
@given(consistent_tables())
def test_consistent_tables_give_no_findings(figures: list[Figure]) -> None:
    assert check(figures) == []


@settings(max_examples=150, deadline=None)
@given(consistent_tables(), st.data())
def test_perturbing_one_part_is_caught_and_names_the_unit(
    figures: list[Figure], data: st.DataObject
) -> None:
    regional = [i for i, f in enumerate(figures) if f.level is Level.REGION]
    index = data.draw(st.sampled_from(regional))
    target = figures[index]
    delta = data.draw(st.integers(-int(target.value), 50).filter(lambda d: d != 0))
    figures[index] = target.model_copy(update={"value": target.value + delta})
    findings = check(figures)
    assert findings, (target.id, delta)
    named = {f.unit for f in findings} | {str(f.params.get("unit", "")) for f in findings}
    assert target.unit in named, (target.id, delta, [(f.rule, f.unit) for f in findings])
    assert any(target.id in {x.id for x in f.involved} for f in findings)
