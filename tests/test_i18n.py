"""The message catalogues: the same keys in kk, ru and en, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import saylau
from saylau import consistency
from saylau.domain import Measure
from saylau.i18n import LANGS, UnknownLanguageError, fmt_decimal, fmt_int, has, keys, t
from saylau.reports import seed_tables

SRC = Path(saylau.__file__).parent
# t("key", ...) with a literal key; t(f"...") is not matched (the f precedes the quote).
LITERAL_CALL = re.compile(r"(?<![\w.])t\(\s*([\"'])([A-Za-z0-9_.\-]+)\1")
# Literal keys passed through a conditional, e.g. t("a.yes" if x else "a.no", lang).
CONDITIONAL_CALL = re.compile(
    r"(?<![\w.])t\(\s*([\"'])([A-Za-z0-9_.\-]+)\1\s+if\s+.+?\s+else\s+([\"'])([A-Za-z0-9_.\-]+)\3")
CYRILLIC = re.compile("[\u0400-\u04ff]")
KAZAKH_ONLY = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def test_catalogues_have_the_same_keys() -> None:
    en, kk, ru = keys("en"), keys("kk"), keys("ru")
    assert en, "the English catalogue is empty"
    assert sorted(en - kk) == [], "missing in kk"
    assert sorted(en - ru) == [], "missing in ru"
    assert sorted(kk - en) == [], "only in kk"
    assert sorted(ru - en) == [], "only in ru"


def test_no_message_is_empty() -> None:
    for lang in LANGS:
        for key in keys(lang):
            assert t(key, lang).strip(), (lang, key)


def test_placeholders_of_english_appear_in_the_other_languages() -> None:
    for key in keys("en"):
        wanted = placeholders(t(key, "en"))
        for lang in ("kk", "ru"):
            assert wanted <= placeholders(t(key, lang)), (lang, key)
            # ... and no language asks for a parameter the English message is not given.
            assert placeholders(t(key, lang)) <= wanted, (lang, key)


def test_every_message_formats_with_its_placeholders() -> None:
    for key in keys("en"):
        params = {name: f"<{name}>" for name in placeholders(t(key, "en"))}
        for lang in LANGS:
            text = t(key, lang, **params) if params else t(key, lang)
            for value in params.values():
                assert value in text, (lang, key)


def test_kazakh_messages_are_cyrillic() -> None:
    latin_only = [key for key in keys("kk")
                  if re.search("[A-Za-z]{3,}", t(key, "kk")) and not CYRILLIC.search(t(key, "kk"))]
    # A few messages may be names or codes (e.g. "Nur Otan"); they must still be rare.
    assert len(latin_only) <= max(3, len(keys("kk")) // 50), latin_only
    with_letters = [key for key in keys("kk") if re.search(r"[^\W\d_]", t(key, "kk"))]
    cyrillic = [key for key in with_letters if CYRILLIC.search(t(key, "kk"))]
    assert len(cyrillic) >= 0.95 * len(with_letters)
    # Kazakh, not Russian: the catalogue uses the letters Russian lacks.
    assert sum(1 for key in keys("kk") if KAZAKH_ONLY.search(t(key, "kk"))) >= 0.5 * len(
        with_letters)


def test_russian_messages_are_cyrillic() -> None:
    with_letters = [key for key in keys("ru") if re.search(r"[^\W\d_]", t(key, "ru"))]
    cyrillic = [key for key in with_letters if CYRILLIC.search(t(key, "ru"))]
    assert len(cyrillic) >= 0.95 * len(with_letters)


def test_languages_are_translated_not_copied() -> None:
    same = [key for key in keys("en") if t(key, "en") == t(key, "kk") == t(key, "ru")
            and re.search("[A-Za-z]{4,}", t(key, "en"))]
    assert len(same) <= max(3, len(keys("en")) // 50), same


# --- keys used by the code -------------------------------------------------------------------


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def literal_keys() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in _sources():
        source = path.read_text(encoding="utf-8")
        for match in LITERAL_CALL.finditer(source):
            found.setdefault(match.group(2), []).append(str(path.relative_to(SRC)))
        for match in CONDITIONAL_CALL.finditer(source):
            for key in (match.group(2), match.group(4)):
                found.setdefault(key, []).append(str(path.relative_to(SRC)))
    return found


def test_the_source_scan_finds_keys() -> None:
    used = literal_keys()
    # Guard against a regex that silently matches nothing.
    assert {"seed.t1.title", "import.column", "check.none", "record.cli.db_ok"} <= set(used)


def test_every_literal_key_used_exists() -> None:
    missing = {key: files for key, files in literal_keys().items() if not has(key, "en")}
    assert missing == {}


def _reader_rules() -> set[str]:
    source = (SRC / "datasets" / "reader.py").read_text(encoding="utf-8")
    return set(re.findall(r"[\"'](I\.\d{3})[\"']", source))


def dynamic_keys() -> set[str]:
    """Keys the code builds with f-strings, family by family."""
    out: set[str] = set()
    for code in consistency.RULES:
        out |= {f"check.{code}.title", f"check.{code}.explain"}
    out |= {f"check.severity.{s}" for s in ("error", "warning")}
    out |= {f"check.C.05.{r}" for r in ("okrugs_candidates", "okrugs_stations",
                                         "winners_candidates")}
    out |= {f"dimension.{d}" for d in ("nomination", "sex")}
    out |= {f"measure.{m.value}" for m in Measure}
    out |= {f"import.{rule}" for rule in _reader_rules()}
    for number in seed_tables.TABLES:
        out |= {f"seed.t{number}.title", f"seed.t{number}.source"}
    out |= {f"seed.t2.row.{key}" for key, *_ in seed_tables._T2_ROWS}
    return out


def test_reader_rules_are_found() -> None:
    rules = _reader_rules()
    assert {"I.001", "I.005", "I.009", "I.010", "I.013", "I.022"} <= rules


def test_every_dynamic_key_exists() -> None:
    missing = sorted(key for key in dynamic_keys() if not has(key, "en"))
    assert missing == []


def test_c05_relations_in_the_code_are_the_ones_checked() -> None:
    source = (SRC / "consistency.py").read_text(encoding="utf-8")
    relations = set(re.findall(r"\"((?:okrugs|winners)_[a-z]+)\"", source))
    assert relations == {"okrugs_candidates", "okrugs_stations", "winners_candidates"}


def test_consistency_params_are_translated_families() -> None:
    # Parameters explained through the catalogue: each prefix has a message for every value.
    assert consistency._TRANSLATED == {"measure": "measure.", "relation": "check.C.05.",
                                       "dimension": "dimension."}


# --- lookup and formatting -------------------------------------------------------------------


def test_t_rejects_unknown_languages_and_keys() -> None:
    with pytest.raises(UnknownLanguageError):
        t("check.none", "de")
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_t_fills_parameters() -> None:
    assert t("check.count", "en", count=3) == \
        "3 finding(s). The published numbers are shown unchanged."
    assert "3" in t("check.count", "kk", count=3)


@pytest.mark.parametrize(("lang", "expected"), [("en", "1,200,000"), ("ru", "1\u00a0200\u00a0000"),
                                                ("kk", "1\u00a0200\u00a0000")])
def test_number_formatting(lang: str, expected: str) -> None:
    assert fmt_int(1_200_000, lang).replace("\u202f", "\u00a0") == expected


@pytest.mark.parametrize(("lang", "expected"), [("en", "38.2"), ("ru", "38,2"), ("kk", "38,2")])
def test_decimal_formatting(lang: str, expected: str) -> None:
    assert fmt_decimal("38.2", lang, 1) == expected
