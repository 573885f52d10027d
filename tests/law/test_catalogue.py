"""The law catalogue: law versions and rules as data, validated, rendered, fully translated."""

from __future__ import annotations

import ast
import copy
import re
import string
import tomllib
from datetime import date
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from saylau.i18n import LANGS, keys, t
from saylau.law import catalogue as cat
from saylau.law.calendar import CalendarEventCode
from saylau.law.catalogue import (
    PROTOCOL_FIELDS,
    CatalogueError,
    Confidence,
    LawError,
    RepeatPool,
    RuleKind,
    Severity,
    catalogue,
    catalogue_markdown,
    catalogue_rows,
    law_version,
    law_versions,
    load_catalogue,
    message_keys,
    parse_catalogue,
    rule,
    rules_for,
    settings_markdown,
)
from saylau.law.eligibility import ELIGIBILITY_CHECKS, NominationFacts
from saylau.law.protocol import PROTOCOL_CHECKS
from saylau.law.winner import RepeatReason

ROOT = Path(__file__).resolve().parents[2]
LAW_MODULES = ("catalogue", "protocol", "winner", "calendar", "eligibility")
# Article numbers a source confirms for the akim chapter; every other rule must say
# "article unconfirmed" (no article) rather than guess one.
# 113-1 (the call) is cited by the CEC's model calendar, 113-6 (withdrawal) by eri.kz.
CONFIRMED_ARTICLES = {"113-1", "113-6"}


def _documents() -> tuple[dict[str, Any], dict[str, Any]]:
    data = resources.files("saylau.law") / "data"
    versions = tomllib.loads((data / "law_versions.toml").read_text(encoding="utf-8"))
    rules = tomllib.loads((data / "rules.toml").read_text(encoding="utf-8"))
    return versions, rules


# --- law versions -----------------------------------------------------------------------


def test_the_five_law_versions_are_defined():
    assert [v.code for v in law_versions()] == [
        "rural-akim-2021",
        "rural-akim-2023",
        "district-akim-2023",
        "majilis-list-2021",
        "majilis-list-2023",
    ]


def test_the_bundled_dataset_law_version_is_an_alias_of_rural_akim_2021():
    assert law_version("kz-2021-05-24-41-VII") is law_version("rural-akim-2021")


def test_an_unknown_law_version_is_an_error_with_a_code():
    with pytest.raises(LawError) as raised:
        law_version("rural-akim-1999")
    assert raised.value.code == "L.001"
    assert "rural-akim-1999" in raised.value.message("ru")


def test_rural_2021_in_force_from_5_june_2021_until_amendment_156_vii():
    law = law_version("rural-akim-2021")
    assert law.in_force_from == date(2021, 6, 5)
    assert law.in_force_to == date(2022, 12, 31)
    assert law.in_force_on(date(2021, 7, 25))
    assert not law.in_force_on(date(2023, 1, 1))
    assert law_version("rural-akim-2023").in_force_on(date(2023, 1, 1))


def test_law_156_vii_took_effect_in_stages_so_the_boundary_is_unconfirmed():
    for code in ("rural-akim-2021", "rural-akim-2023", "district-akim-2023", "majilis-list-2023"):
        version = law_version(code)
        assert version.in_force_confidence is Confidence.UNCONFIRMED, code
        assert version.note and "in stages" in version.note, code
    act = catalogue().act("amendment-156-vii")
    assert "in stages" in act.citation and act.url and "Z2200000156" in act.url


def test_rural_2021_settings_as_sourced():
    law = law_version("rural-akim-2021")
    assert law.integer("min_candidate_age") == 25
    assert law.setting("min_candidate_age").confidence is Confidence.CONFIRMED
    assert law.fraction("signature_share") == Fraction(1, 100)
    assert law.setting("signature_share").confidence is Confidence.CONFIRMED
    assert law.integer("nomination_closes_days_before") == 16
    assert law.integer("registration_closes_days_before") == 11
    assert law.setting("nomination_closes_days_before").confidence is Confidence.CONFIRMED


def test_the_july_2021_rural_ballots_had_the_against_all_line():
    setting = law_version("rural-akim-2021").setting("against_all_on_ballot")
    assert setting.value is True
    assert setting.confidence is Confidence.CONFIRMED
    assert "ktk.kz" in setting.source and "aqmola-selinograd" in setting.source


def test_after_2023_the_ballot_has_the_against_all_line():
    assert law_version("rural-akim-2023").against_all_on_ballot
    assert law_version("district-akim-2023").against_all_on_ballot


def test_winner_settings_with_their_marks():
    confirmed = {
        # The Akmola oblast commission chairman on the 2021 rural elections (apgazeta.kz).
        "rural-akim-2021": {"winner_rule", "turnout_quorum", "against_all_effect"},
        # A 2023 village race won with 701 of more than 2,000 votes (pavlodarnews.kz).
        "rural-akim-2023": {"winner_rule"},
        "district-akim-2023": set(),
    }
    for code, marks in confirmed.items():
        law = law_version(code)
        assert law.choice("winner_rule") == "plurality"
        assert law.fraction("single_candidate_threshold") == Fraction(1, 2)
        assert law.fraction("turnout_quorum") == 0
        assert law.choice("against_all_effect") == "informational"
        assert law.repeat_candidate_pool is RepeatPool.OPEN
        for name in (
            "winner_rule",
            "single_candidate_threshold",
            "turnout_quorum",
            "against_all_effect",
            "repeat_candidate_pool",
        ):
            expected = Confidence.CONFIRMED if name in marks else Confidence.UNCONFIRMED
            assert law.setting(name).confidence is expected, (code, name)


def test_uncertain_eligibility_settings_are_unconfirmed_for_rural_2021():
    law = law_version("rural-akim-2021")
    unconfirmed = {s.name for s in law.unconfirmed_settings()}
    assert {
        "party_nominee_signatures_required",
        "deposit_mzp",
        "residency_required",
        "call_days_before_polling",
        "age_reference_day",
        "withdrawn_votes",
        "withdrawal_closes_days_before",
        "registration_follows_extension",
        "higher_akim_nomination",
    } <= unconfirmed
    assert law.flag("party_nominee_signatures_required") is False
    assert law.flag("residency_required") is False
    assert law.integer("deposit_mzp") == 1


def test_district_2023_timing_and_deposit():
    law = law_version("district-akim-2023")
    assert law.integer("nomination_closes_days_before") == 30
    assert law.integer("registration_closes_days_before") == 25
    assert law.integer("deposit_mzp") == 5
    assert law.setting("deposit_mzp").confidence is Confidence.CONFIRMED


def test_rural_deadlines_after_2022_are_26_and_21_days_confirmed():
    law = law_version("rural-akim-2023")
    assert law.integer("nomination_closes_days_before") == 26
    assert law.integer("registration_closes_days_before") == 21
    assert law.integer("nomination_opens_days_after_call") == 1
    for name in (
        "nomination_closes_days_before",
        "registration_closes_days_before",
        "nomination_opens_days_after_call",
        "polls_open",
        "results_within_days",
        "winner_registration_within_days",
    ):
        assert law.setting(name).confidence is Confidence.CONFIRMED, name
    assert "karaganda-aktogay" in law.setting("nomination_closes_days_before").source


def test_the_call_is_counted_from_its_ground():
    for code in ("rural-akim-2021", "rural-akim-2023"):
        law = law_version(code)
        assert law.integer("call_days_before_term_end") == 40
        assert law.integer("call_months_after_termination") == 1
        assert law.setting("call_days_before_term_end").confidence is Confidence.CONFIRMED
        assert "7/411" in law.setting("call_days_before_term_end").source
        assert law.integer("call_days_before_polling") == 0  # none found for rural akims
    district = law_version("district-akim-2023")
    assert district.integer("call_days_before_polling") == 50
    assert district.setting("call_days_before_polling").confidence is Confidence.CONFIRMED
    assert rule("K.001").article == "113-1" and rule("K.001").confidence is Confidence.CONFIRMED


def test_too_few_candidates_withdrawal_and_the_higher_akim():
    rural, district = law_version("rural-akim-2021"), law_version("district-akim-2023")
    assert (
        rural.integer("min_candidates_at_close") == district.integer("min_candidates_at_close") == 2
    )
    assert rural.integer("nomination_extension_max_days") == 5
    assert district.integer("nomination_extension_max_days") == 3
    for law in (rural, district):
        assert law.setting("nomination_extension_max_days").confidence is Confidence.CONFIRMED
    later = law_version("rural-akim-2023").setting("nomination_extension_max_days")
    assert later.value == 5 and later.confidence is Confidence.UNCONFIRMED
    assert district.flag("higher_akim_nomination")
    assert district.setting("higher_akim_nomination").confidence is Confidence.CONFIRMED
    assert rural.flag("higher_akim_nomination")
    assert rural.setting("higher_akim_nomination").confidence is Confidence.UNCONFIRMED
    assert rural.withdrawn_votes.value == "invalid"
    assert rule("K.011").article == rule("W.009").article == "113-6"


def test_majilis_versions():
    old, new = law_version("majilis-list-2021"), law_version("majilis-list-2023")
    assert (old.integer("threshold_percent"), old.integer("list_seats")) == (7, 98)
    assert (new.integer("threshold_percent"), new.integer("list_seats")) == (5, 69)
    assert not old.flag("against_all_in_base")
    assert new.flag("against_all_in_base")
    assert not old.against_all_on_ballot and new.against_all_on_ballot


def test_every_setting_has_a_source_and_every_unconfirmed_one_a_note():
    for version in law_versions():
        for setting in version.settings:
            assert setting.source.strip()
            if setting.confidence is Confidence.UNCONFIRMED:
                assert setting.note, (version.code, setting.name)


def test_a_party_list_version_has_no_akim_settings():
    with pytest.raises(LawError) as raised:
        law_version("majilis-list-2023").setting("min_candidate_age")
    assert raised.value.code == "L.007"


def test_with_settings_overrides_are_marked_unconfirmed_and_validated():
    law = law_version("district-akim-2023").with_settings(deposit_mzp=0)
    assert law.integer("deposit_mzp") == 0
    assert law.setting("deposit_mzp").confidence is Confidence.UNCONFIRMED
    assert law.setting("deposit_mzp").source == "override"
    assert law_version("district-akim-2023").integer("deposit_mzp") == 5
    with pytest.raises(CatalogueError):
        law.with_settings(against_all_effect="abolish_akims")
    with pytest.raises(LawError) as raised:
        law.with_settings(list_seats=3)
    assert raised.value.code == "L.007"


# --- rules ------------------------------------------------------------------------------


def test_rule_codes_are_unique_and_fit_their_kind_and_severity():
    rules = catalogue().rules
    assert len({r.code for r in rules}) == len(rules)
    prefixes = {
        RuleKind.PROTOCOL: ("P.1", Severity.ERROR),
        RuleKind.PLAUSIBILITY: ("P.2", Severity.WARNING),
        RuleKind.ELIGIBILITY: ("E.", Severity.ERROR),
        RuleKind.WINNER: ("W.", Severity.INFO),
        RuleKind.CALENDAR: ("K.", Severity.ERROR),
    }
    for r in rules:
        prefix, severity = prefixes[r.kind]
        assert r.code.startswith(prefix) and r.severity is severity, r.code


def test_no_article_number_is_invented():
    for r in catalogue().rules:
        assert r.article is None or r.article in CONFIRMED_ARTICLES, r.code


def test_unconfirmed_rules_say_why():
    for r in catalogue().rules:
        if r.confidence is Confidence.UNCONFIRMED:
            assert r.note, r.code


def test_every_protocol_and_eligibility_rule_has_exactly_one_implementation():
    rules = catalogue().rules
    protocol_codes = {r.code for r in rules if r.kind in (RuleKind.PROTOCOL, RuleKind.PLAUSIBILITY)}
    assert protocol_codes == set(PROTOCOL_CHECKS)
    assert {r.code for r in rules if r.kind is RuleKind.ELIGIBILITY} == set(ELIGIBILITY_CHECKS)


def test_eligibility_fields_are_fields_of_the_nomination_facts():
    assert set(NominationFacts.__dataclass_fields__) >= cat.ELIGIBILITY_FIELDS


def test_rules_for_a_rural_version_has_every_kind_and_a_list_version_only_protocol_rules():
    rural = {r.kind for r in rules_for("rural-akim-2021")}
    assert rural == set(RuleKind)
    majilis = {r.kind for r in rules_for(law_version("majilis-list-2023"))}
    assert majilis == {RuleKind.PROTOCOL, RuleKind.PLAUSIBILITY}


def test_rules_for_filters_by_the_dates_in_force():
    before_the_law = {r.code for r in rules_for("rural-akim-2021", date(2021, 6, 4))}
    in_force = {r.code for r in rules_for("rural-akim-2021", date(2021, 7, 25))}
    assert "E.002" not in before_the_law and "E.002" in in_force
    assert "P.101" in before_the_law
    assert {r.code for r in rules_for("majilis-list-2021", date(2021, 1, 10))} >= {"P.101"}


def test_plausibility_thresholds_are_rule_parameters():
    assert cat.rule("P.201").param("max_invalid_pct") == 5
    assert cat.rule("P.203").param("max_turnout_pct") == 95
    assert cat.rule("P.204").param("min_turnout_pct") == 10
    with pytest.raises(KeyError):
        cat.rule("P.101").param("max_invalid_pct")


def test_an_unknown_rule_is_an_error_with_a_code():
    with pytest.raises(LawError) as raised:
        cat.rule("P.999")
    assert raised.value.code == "L.011"


def test_reference_says_article_unconfirmed_in_each_language():
    r = cat.rule("W.001")
    assert r.reference("en").endswith("article unconfirmed")
    assert r.reference("ru").endswith("статья не подтверждена")
    assert r.reference("kk").endswith("бабы расталмаған")
    assert "not law" in cat.rule("P.201").reference("en")


# --- malformed catalogues fail loudly -----------------------------------------------------


def _break_rule(index: int, **changes: object) -> Any:
    def mutate(versions: dict[str, Any], rules: dict[str, Any]) -> None:
        for key, value in changes.items():
            if value is None:
                rules["rules"][index].pop(key)
            else:
                rules["rules"][index][key] = value

    return mutate


def _break_setting(version: str, name: str, **changes: object) -> Any:
    def mutate(versions: dict[str, Any], rules: dict[str, Any]) -> None:
        entry = versions["versions"][version]["settings"][name]
        for key, value in changes.items():
            if value is None:
                entry.pop(key)
            else:
                entry[key] = value

    return mutate


def _drop_setting(versions: dict[str, Any], rules: dict[str, Any]) -> None:
    versions["versions"]["rural-akim-2021"]["settings"].pop("min_candidate_age")


def _extra_setting(versions: dict[str, Any], rules: dict[str, Any]) -> None:
    versions["versions"]["rural-akim-2021"]["settings"]["recall_allowed"] = {
        "value": True,
        "confidence": "confirmed",
        "source": "x",
    }


def _duplicate_code(versions: dict[str, Any], rules: dict[str, Any]) -> None:
    rules["rules"].append(copy.deepcopy(rules["rules"][0]))


def _alias_collision(versions: dict[str, Any], rules: dict[str, Any]) -> None:
    versions["versions"]["rural-akim-2023"]["aliases"] = ["rural-akim-2021"]


def _bad_schema(versions: dict[str, Any], rules: dict[str, Any]) -> None:
    rules["schema"] = 2


def _unknown_act(versions: dict[str, Any], rules: dict[str, Any]) -> None:
    versions["versions"]["rural-akim-2021"]["law"] = "election-code-2030"


def _no_rules(versions: dict[str, Any], rules: dict[str, Any]) -> None:
    rules["rules"] = []


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_break_rule(0, severity="fatal"), "severity"),
        (_break_rule(0, severity="warning"), "not allowed"),
        (_break_rule(0, code="P.301"), "does not fit"),
        (_break_rule(0, law_versions=["rural-akim-1999"]), "unknown law version"),
        (_break_rule(0, note=None), "needs a note"),
        (_break_rule(0, fields=["ballots_stolen"]), "unknown fields"),
        (_break_rule(0, article="113-x"), "is not like"),
        (_break_rule(0, act="nonexistent"), "unknown act"),
        (_break_rule(0, in_force_to=date(1990, 1, 1)), "before"),
        (_break_rule(0, source=None), "missing"),
        (_break_rule(0, colour="red"), "unknown keys"),
        (_break_rule(0, settings=["min_candidate_age"]), "has no setting"),
        (_break_rule(14, article="12"), "not law"),
        (
            _break_setting("rural-akim-2021", "single_candidate_threshold", note=None),
            "needs a note",
        ),
        (_break_setting("rural-akim-2021", "winner_rule", value="runoff"), "expected one of"),
        (_break_setting("rural-akim-2021", "signature_share", value="0.01"), "exact share"),
        (_break_setting("rural-akim-2021", "polls_open", value="25:00"), "local time"),
        (_break_setting("rural-akim-2021", "min_candidate_age", value=-1), "whole number"),
        (_break_setting("rural-akim-2021", "min_candidate_age", confidence="likely"), "confidence"),
        (_drop_setting, "missing"),
        (_extra_setting, "unknown settings"),
        (_duplicate_code, "used twice"),
        (_alias_collision, "used twice"),
        (_bad_schema, "schema"),
        (_unknown_act, "unknown act"),
        (_no_rules, "non-empty"),
    ],
)
def test_a_malformed_catalogue_fails_loudly_naming_the_fault(mutate: Any, expected: str):
    versions, rules = _documents()
    mutate(versions, rules)
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(versions, rules)
    assert raised.value.code == "L.000"
    assert expected in raised.value.problem


def test_a_catalogue_file_that_is_not_toml_fails_loudly(tmp_path: Path):
    broken = tmp_path / "rules.toml"
    broken.write_text("[[rules]\ncode = ", encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(rules_path=broken)
    assert "not valid TOML" in raised.value.problem


def test_the_packaged_catalogue_loads_from_explicit_paths_too():
    data = resources.files("saylau.law") / "data"
    loaded = load_catalogue(Path(str(data / "law_versions.toml")), Path(str(data / "rules.toml")))
    assert loaded == catalogue()


# --- messages: every rule and every key used in code, in kk, ru and en --------------------


def test_every_rule_has_a_title_and_both_messages_in_all_three_languages():
    for r in catalogue().rules:
        for lang in LANGS:
            for part in ("title", "operator", "supervisor"):
                assert r.key(part) in keys(lang), (r.code, part, lang)


def test_every_key_the_catalogue_needs_exists_in_all_three_languages():
    for lang in LANGS:
        assert message_keys() - keys(lang) == set(), lang


def _law_keys(lang: str) -> set[str]:
    return {key for key in keys(lang) if key.startswith("law.")}


def test_the_three_law_catalogues_hold_the_same_keys():
    assert _law_keys("kk") == _law_keys("ru") == _law_keys("en")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_placeholders_agree_across_languages():
    for key in _law_keys("en"):
        expected = _placeholders(t(key, "en"))
        for lang in ("kk", "ru"):
            assert _placeholders(t(key, lang)) == expected, (key, lang)


def test_rule_titles_have_no_placeholders():
    for r in catalogue().rules:
        assert _placeholders(t(r.key("title"), "en")) == set(), r.code


def _used_keys() -> set[str]:
    """Message keys written literally in the law engine's code."""
    found: set[str] = set()
    base = ROOT / "src" / "saylau" / "law"
    for name in LAW_MODULES:
        tree = ast.parse((base / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"law\.[A-Za-z0-9_.\-]*[A-Za-z0-9_]", node.value)
            ):
                found.add(node.value)
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            func = node.func
            if isinstance(func, ast.Name) and func.id == "LawError":
                assert isinstance(first, ast.Constant)
                found.add(f"law.error.{first.value}")
            if isinstance(func, ast.Attribute) and func.attr in ("finding", "of"):
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.update(f"law.rule.{first.value}.{p}" for p in ("operator", "supervisor"))
            if isinstance(func, ast.Attribute) and func.attr == "add":
                for arg in node.args[1:3]:
                    if isinstance(arg, ast.Constant):
                        found.add(f"law.trace.{arg.value}")
    return found


def test_every_message_key_used_in_code_exists_in_all_three_languages():
    used = _used_keys()
    assert len(used) > 40
    used |= {f"law.field.{name}" for name in PROTOCOL_FIELDS}
    used |= {f"law.repeat_reason.{reason.value}" for reason in RepeatReason}
    used |= {f"law.trace.repeat_pool.{pool.value}" for pool in RepeatPool}
    used |= {f"law.calendar.{code.value}" for code in CalendarEventCode}
    for lang in LANGS:
        assert used - keys(lang) == set(), lang


def test_every_error_code_documented_in_the_module_has_a_message():
    documented = set(re.findall(r"^(L\.\d{3})\s", cat.__doc__ or "", re.MULTILINE))
    assert len(documented) == 21
    for code in documented:
        for lang in LANGS:
            assert f"law.error.{code}" in keys(lang)


# --- rendering ---------------------------------------------------------------------------


def test_catalogue_rows_have_one_row_per_rule_with_translated_cells():
    rows = catalogue_rows("ru")
    assert [row.code for row in rows] == [r.code for r in catalogue().rules]
    first = rows[0]
    assert first.severity == "ошибка"
    assert first.confidence == "не подтверждено"
    assert "{received}" in first.operator_message
    assert first.in_force == "1995-09-28 –"


def test_catalogue_rows_for_one_version_and_day():
    rows = catalogue_rows("en", "majilis-list-2023", date(2023, 3, 19))
    assert {row.code[0] for row in rows} == {"P"}


def test_catalogue_markdown_is_a_table_in_each_language():
    for lang in LANGS:
        text = catalogue_markdown(lang)
        lines = text.strip().splitlines()
        assert len(lines) == len(catalogue().rules) + 2
        assert all(line.startswith("| ") or line.startswith("|") for line in lines)
    assert "Message to the operator" in catalogue_markdown("en")
    assert "Операторға хабар" in catalogue_markdown("kk")


def test_docs_law_md_contains_the_current_generated_tables():
    from saylau.law.docs import main, regenerate

    docs = (ROOT / "docs" / "law.md").read_text(encoding="utf-8")
    assert catalogue_markdown("en") in docs, "run: python -m saylau.law.docs docs/law.md"
    assert settings_markdown("en") in docs, "run: python -m saylau.law.docs docs/law.md"
    assert regenerate(docs) == docs
    assert main(["--check", str(ROOT / "docs" / "law.md")]) == 0


def test_the_docs_list_each_rule_and_setting_with_its_source_and_mark():
    docs = (ROOT / "docs" / "law.md").read_text(encoding="utf-8")
    for r in catalogue().rules:
        [line] = [x for x in docs.splitlines() if x.startswith(f"| {r.code} |")]
        assert r.source.replace("|", "\\|")[:60] in line, r.code
        assert f"| {r.confidence.value} |" in line, r.code
    for version in law_versions():
        for setting in version.settings:
            assert f"| {version.code} | `{setting.name}` " in docs, (version.code, setting.name)
    assert "## Marks changed in the second pass" in docs


def test_regenerate_fills_only_known_blocks(tmp_path: Path):
    from saylau.law.docs import main, regenerate

    page = "x\n<!-- generated: settings_markdown(\"en\") -->\nSTALE\n<!-- end generated -->\ny\n"
    fresh = regenerate(page)
    assert "STALE" not in fresh and settings_markdown("en") in fresh and fresh.endswith("y\n")
    target = tmp_path / "law.md"
    target.write_text(page, encoding="utf-8")
    assert main(["--check", str(target)]) == 1
    assert main([str(target)]) == 0 and main(["--check", str(target)]) == 0
    with pytest.raises(ValueError):
        regenerate("<!-- generated: nothing() -->\n<!-- end generated -->")


def test_settings_markdown_lists_only_unconfirmed_settings_when_asked():
    text = settings_markdown("en", unconfirmed_only=True)
    assert "`single_candidate_threshold`" in text
    assert "`min_candidate_age` — Minimum age of a candidate | 25 | confirmed" not in text
    full = settings_markdown("en")
    assert full.count("\n") > text.count("\n")
