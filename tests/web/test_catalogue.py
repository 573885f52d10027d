"""The web catalogue: every key a template or module uses exists in kk, ru and en."""

from __future__ import annotations

import re
from pathlib import Path

import saylau.web
from saylau.administration import protocols, recall
from saylau.i18n import LANGS, has, keys
from saylau.security.actor import Role
from saylau.web import workspace
from saylau.web.public import ABOUT_SECTIONS, MapMeasure

NIGHT_STATUSES = (
    "no_data",
    "provisional",
    "certified",
    "lots_required",
    "repeat_election",
    "no_candidates",
)
NIGHT_COUNTS = (
    "voters_on_list",
    "ballots_issued",
    "ballots_in_boxes",
    "valid",
    "invalid",
    "against_all",
)

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
    # election night and the workspace
    generated += [f"web.night.status.{s}" for s in NIGHT_STATUSES]
    generated += [f"web.night.count.{c}" for c in NIGHT_COUNTS]
    generated += [f"web.error.no_{level}" for level in ("district", "okrug", "station")]
    generated += [f"web.role.{role.value}" for role in Role]
    generated += [f"web.recall.step.{step.value}" for step in recall.Step]
    generated += [f"web.recall.outcome.{outcome.value}" for outcome in recall.Outcome]
    generated += [f"web.ws.show.{key}" for key in workspace.SHOW]
    generated += [f"web.ws.state.{s}" for s in (*workspace.SHOW[1:], "accepted", "superseded")]
    generated += [f"web.ws.result.{s}" for s in protocols.Status.__args__]  # type: ignore[attr-defined]
    generated += [f"web.ws.done.{key}" for key in workspace.NOTES]
    generated += [f"web.ws.error.{status}" for status in (403, 404, 409, 422)]
    generated += [f"web.account.A.00{n}" for n in range(1, 8)]
    generated += [f"web.bool.{value}" for value in (True, False)]
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


def test_the_three_catalogues_hold_the_same_web_keys_with_the_same_parameters() -> None:
    def entries(lang: str) -> dict[str, set[str]]:
        text = (WEB.parent / "i18n" / "locales" / lang / "LC_MESSAGES" / "web.po").read_text(
            "utf-8"
        )
        pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, flags=re.M)
        return {key: set(re.findall(r"{(\w+)}", value)) for key, value in pairs}

    en, ru, kk = entries("en"), entries("ru"), entries("kk")
    assert set(en) == set(ru) == set(kk)
    assert [k for k in en if not (en[k] == ru[k] == kk[k])] == []


def test_kazakh_texts_of_the_workspace_are_in_cyrillic() -> None:
    from saylau.i18n import t

    for key in ("web.ws.signin.title", "web.ws.form.submit", "web.night.status.certified"):
        text = t(key, "kk")
        assert re.search(r"[ӘәҒғҚқҢңӨөҰұҮүІі]|[А-Яа-я]", text) and not re.search(
            r"[A-Za-z]{4}", text
        )
