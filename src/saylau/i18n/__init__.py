"""One message catalogue for everything a user reads, in Kazakh, Russian and English.

Messages live in gettext ``.po`` files under ``i18n/locales/<lang>/LC_MESSAGES/<domain>.po``,
read with Babel. Each layer owns one domain file (``core``, ``law``, ``analytics``, ``web``),
so the catalogue is one mechanism with one lookup, split only to keep files small. Message ids
are stable dotted keys (``check.R01.title``); the English file holds the English text.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Literal, get_args

from babel import Locale
from babel.dates import format_date as _format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

Lang = Literal["kk", "ru", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "en"

_BABEL_LOCALE: Mapping[str, str] = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB"}


class UnknownLanguageError(ValueError):
    """Raised when a language code is not one of kk, ru, en."""


def check_lang(lang: str) -> Lang:
    """Return ``lang`` as a :data:`Lang`, or raise naming the allowed values."""
    if lang not in LANGS:
        raise UnknownLanguageError(
            f"language {lang!r} is not supported; use one of: {', '.join(LANGS)}"
        )
    return lang  # type: ignore[return-value]


@cache
def _catalogue(lang: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    base = resources.files("saylau.i18n") / "locales" / lang / "LC_MESSAGES"
    for entry in sorted(base.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for message in catalog:
            if message.id and isinstance(message.id, str) and message.string:
                if message.id in messages:
                    raise RuntimeError(f"message id {message.id!r} defined twice ({lang})")
                messages[message.id] = str(message.string)
    return messages


def keys(lang: Lang) -> frozenset[str]:
    """All message ids that have a translation in ``lang``."""
    return frozenset(_catalogue(lang))


def has(key: str, lang: Lang = DEFAULT_LANG) -> bool:
    """Whether ``key`` is translated in ``lang``."""
    return key in _catalogue(lang)


def t(key: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``{named}`` parameters.

    A missing key raises ``KeyError``: a message that is not in the catalogue is a bug,
    and tests check that all three languages hold the same keys.
    """
    text = _catalogue(check_lang(lang))[key]
    return text.format(**params) if params else text


def babel_locale(lang: str) -> Locale:
    """The Babel locale used to format numbers and dates for ``lang``."""
    return Locale.parse(_BABEL_LOCALE[check_lang(lang)])


def fmt_int(value: int, lang: str) -> str:
    """An integer with the language's digit grouping."""
    return format_decimal(value, locale=babel_locale(lang))


def fmt_decimal(value: object, lang: str, digits: int = 1) -> str:
    """A decimal number with exactly ``digits`` fraction digits in the language's format."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=babel_locale(lang))  # type: ignore[arg-type]


def fmt_percent(value: float, lang: str, digits: int = 1) -> str:
    """A share (0..1) as a percentage with ``digits`` fraction digits."""
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(value, format=pattern, locale=babel_locale(lang))


def fmt_date(value: object, lang: str) -> str:
    """A date in the language's medium format."""
    return _format_date(value, format="medium", locale=babel_locale(lang))  # type: ignore[arg-type]
