"""docs/glossary.md against the catalogue: one word per role in each language."""

from __future__ import annotations

import re
from pathlib import Path

from saylau.i18n import _catalogue, t

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"


def _tables() -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current = ""
    for line in GLOSSARY.read_text("utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:]
            sections[current] = []
        elif line.startswith("|") and not line.startswith("| ---") and current:
            sections[current].append([c.strip() for c in line.strip("|").split("|")])
    return sections


def test_every_role_has_the_glossary_word_in_each_language() -> None:
    tables = _tables()
    prefixes = {"Accounts": "web.role.", "Members": "people.fp.role."}
    checked = 0
    for title, rows in tables.items():
        prefix = next((p for k, p in prefixes.items() if title.startswith(k)), None)
        if prefix is None:
            continue
        header, *body = rows
        assert header == ["code", "en", "kk", "ru"]
        for code, *words in body:
            for lang, word in zip(("en", "kk", "ru"), words, strict=True):
                assert t(prefix + code, lang) == word, (code, lang)
                checked += 1
    assert checked == 27


def test_no_other_word_stands_for_a_role() -> None:
    rows = next(r for title, r in _tables().items() if title.startswith("Words not used"))
    for lang, avoided, _ in rows[1:]:
        text = " ".join(_catalogue(lang).values()).lower()
        for word in (w.strip() for w in avoided.split(",")):
            assert not re.search(rf"(?<!\w){re.escape(word)}", text), (lang, word)
