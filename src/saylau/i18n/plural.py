"""Messages whose wording depends on a number, chosen by Babel's plural rules.

A plural message is a family of keys ``<key>.one``, ``<key>.few``, ``<key>.many`` and
``<key>.other`` (every language defines all four, so the catalogue stays the same in kk, ru
and en); :func:`tp` picks the form CLDR gives for the number in the language («1 участка»,
«2 участков», «21 участка» after «из»; "1 station", "2 stations").
"""

from __future__ import annotations

from saylau.i18n import babel_locale, has, t

FORMS = ("one", "few", "many", "other")


def form(lang: str, count: int) -> str:
    """The CLDR plural category of ``count`` in ``lang`` (one, few, many or other)."""
    found = babel_locale(lang).plural_form(abs(count))
    return found if found in FORMS else "other"


def tp(key: str, lang: str, count: int, /, **params: object) -> str:
    """The plural message ``key`` for ``count`` in ``lang`` (``{count}`` is filled unless
    ``params`` gives it already, e.g. formatted)."""
    chosen = f"{key}.{form(lang, count)}"
    if not has(chosen, lang):  # type: ignore[arg-type]
        chosen = f"{key}.other"
    params.setdefault("count", count)
    return t(chosen, lang, **params)
