"""Place-name search in Kazakh, Russian, English and Latin-script Kazakh.

Matching is case- and diacritic-insensitive, and forgiving about the several ways Kazakh is
written in Latin letters (Qaraghandy, Qarağandy, Karagandy): both the query and every name
are reduced to a *skeleton* (Cyrillic transliterated with the table below, accents dropped,
digraphs and doubled letters folded) and compared as substrings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Kazakh (and Russian) Cyrillic to Latin, close to the 2021 Kazakh Latin alphabet.
_CYRILLIC = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e",
    "ё": "io", "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip
# Applied in order after accents are dropped: spellings of one sound become one letter.
_FOLDS = (
    ("zh", "j"),
    ("sh", "s"),
    ("ch", "c"),
    ("gh", "g"),
    ("kh", "h"),
    ("ts", "c"),
    ("q", "k"),
    ("w", "u"),
    ("ı", "i"),
    ("y", "i"),
    ("x", "ks"),
)
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_DOUBLE = re.compile(r"(.)\1+")


def transliterate(text: str) -> str:
    """Kazakh or Russian Cyrillic to Latin letters (other characters unchanged)."""
    out = []
    for char in text:
        lower = char.lower()
        latin = _CYRILLIC.get(lower)
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char != lower else latin)
    return "".join(out)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain(text: str) -> str:
    """Case- and accent-free form of ``text`` in its own script (й → и, ё → е, ü → u)."""
    return " ".join(_NOT_WORD.sub(" ", _strip_marks(text)).split())


def skeleton(text: str) -> str:
    """The spelling-insensitive Latin skeleton of ``text`` (see the module docstring)."""
    latin = _strip_marks(transliterate(text))
    for spelling, letter in _FOLDS:
        latin = latin.replace(spelling, letter)
    latin = _DOUBLE.sub(r"\1", latin)
    return " ".join(_NOT_WORD.sub(" ", latin).split())


@dataclass(frozen=True)
class Entry:
    """A searchable place: its kind, code, the forms it is found by, and a payload."""

    kind: str
    code: str
    names: tuple[str, ...]
    plains: tuple[str, ...]
    skeletons: tuple[str, ...]


def entry(kind: str, code: str, names: Iterable[str]) -> Entry:
    """An index entry for a place known by ``names`` (any script)."""
    unique = tuple(dict.fromkeys(n for n in names if n))
    return Entry(
        kind,
        code,
        unique,
        tuple(dict.fromkeys(plain(n) for n in unique)),
        tuple(dict.fromkeys(skeleton(n) for n in unique)),
    )


def matches(query: str, entry_: Entry) -> int | None:
    """A rank (lower is better) when ``entry_`` matches ``query``, else None."""
    q_plain, q_skeleton = plain(query), skeleton(query)
    if not q_plain and not q_skeleton:
        return None
    best: int | None = None
    for forms, q, base in ((entry_.plains, q_plain, 0), (entry_.skeletons, q_skeleton, 3)):
        if not q or (base and len(q) < 3):
            continue  # a very short skeleton ("zzzz" → "z") would match nearly everything
        for form in forms:
            if form == q:
                rank = base
            elif form.startswith(q) or f" {q}" in f" {form}":
                rank = base + 1
            elif q in form:
                rank = base + 2
            else:
                continue
            best = rank if best is None else min(best, rank)
    if best is None and entry_.code.casefold() == query.strip().casefold():
        best = 0
    return best
