"""The web catalogue: every key a template or module uses exists in kk, ru and en."""

from __future__ import annotations

import re
from pathlib import Path

import saylau.web
from saylau.i18n import LANGS, has, keys
from saylau.web.public import ABOUT_SECTIONS, MapMeasure

WEB = Path(saylau.web.__file__).parent
LITERAL = re.compile(r"""_\(\s*['"](web\.[A-Za-z0-9_.-]+)['"]""")
CALLS = re.compile(r"""(?:ctx\.t|t)\(\s*['"](web\.[A-Za-z0-9_.-]+)['"]""")


def test_literal_keys_of_templates_and_code_exist() -> None:
    used: set[str] = set()
    for template in (WEB / "templates").glob("*.html"):
        used |= set(LITERAL.findall(template.read_text("utf-8")))
    for module in WEB.glob("*.py"):
        used |= set(CALLS.findall(module.read_text("utf-8")))
    assert len(used) > 80
    for lang in LANGS:
        missing = sorted(k for k in used if not k.endswith(".") and not has(k, lang))
        assert missing == [], (lang, missing)


def test_generated_keys_exist() -> None:
    generated = [f"web.measure.{m.value}" for m in MapMeasure]
    generated += [
        f"web.about.{key}.{part}"
        for key, count in ABOUT_SECTIONS
        for part in ["heading", *map(str, range(1, count + 1))]
    ]
    generated += [f"web.lang.{lang}" for lang in LANGS]
    generated += [f"web.derive.{op}" for op in ("sum", "ratio", "pct", "enp-bin", "enp-excl")]
    generated += [f"web.kind.{k}" for k in ("region", "district", "okrug", "station")]
    generated += [f"web.error.{s}.{p}" for s in (404, 405, 422) for p in ("title", "detail")]
    for lang in LANGS:
        assert [k for k in generated if not has(k, lang)] == [], lang


def test_templates_hold_no_bare_words() -> None:
    # Text between tags must come from the catalogue (or be data): strip expressions and tags.
    allowed = {
        "kk",
        "ru",
        "en",
        "JSON",
        "CSV",
        "OpenAPI",
        "KATO",
        "saylau",
        "·",
        "›",
        "–",
        "—",
        "←",
        "⚠",
        "=",
        "(",
        ")",
        ":",
    }
    for template in (WEB / "templates").glob("*.html"):
        text = template.read_text("utf-8")
        text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        words = [w for w in text.split() if w not in allowed and re.search(r"[A-Za-zА-я]", w)]
        assert words == [], (template.name, words)


def test_web_keys_are_prefixed() -> None:
    catalogue = (WEB.parent / "i18n" / "locales" / "en" / "LC_MESSAGES" / "web.po").read_text(
        "utf-8"
    )
    ids = re.findall(r'^msgid "(.+)"$', catalogue, flags=re.M)
    assert ids and all(i.startswith("web.") for i in ids)
    assert set(ids) <= keys("en")
