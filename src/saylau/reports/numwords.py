"""Whole numbers in words, as official protocols write them beside the figures.

Kazakh and Russian (nominative case, as on a protocol form: «1 200 (одна тысяча двести)»),
and English for observers. Counts on a protocol are 0 … 2 147 483 647 (32-bit columns);
the functions accept any number below one trillion.
"""

from __future__ import annotations

from saylau.i18n import check_lang

LIMIT = 10**12

# --- Russian -------------------------------------------------------------------------------

_RU_UNITS_M = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_RU_UNITS_F = ("", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_RU_TEENS = (
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
)
_RU_TENS = (
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
)
_RU_HUNDREDS = (
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
)
# (one, few, many) forms of each power of a thousand, and whether it is feminine.
_RU_SCALES = (
    (("", "", ""), False),
    (("тысяча", "тысячи", "тысяч"), True),
    (("миллион", "миллиона", "миллионов"), False),
    (("миллиард", "миллиарда", "миллиардов"), False),
)


def _ru_plural(n: int, forms: tuple[str, str, str]) -> str:
    if n % 100 in range(11, 15):
        return forms[2]
    if n % 10 == 1:
        return forms[0]
    if n % 10 in (2, 3, 4):
        return forms[1]
    return forms[2]


def _ru_triple(n: int, feminine: bool) -> list[str]:
    words = [_RU_HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest < 20:
        words.append(_RU_TEENS[rest - 10])
    else:
        words.append(_RU_TENS[rest // 10])
        words.append((_RU_UNITS_F if feminine else _RU_UNITS_M)[rest % 10])
    return [w for w in words if w]


def _ru(n: int) -> str:
    if n == 0:
        return "ноль"
    words: list[str] = []
    for power in range(len(_RU_SCALES) - 1, -1, -1):
        group = (n // 1000**power) % 1000
        if not group:
            continue
        forms, feminine = _RU_SCALES[power]
        words += _ru_triple(group, feminine)
        if power:
            words.append(_ru_plural(group, forms))
    return " ".join(words)


# --- Kazakh --------------------------------------------------------------------------------

_KK_UNITS = ("", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")
_KK_TENS = ("", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан")
_KK_SCALES = ("", "мың", "миллион", "миллиард")


def _kk_triple(n: int) -> list[str]:
    words: list[str] = []
    hundreds = n // 100
    if hundreds:
        # «жүз» alone for one hundred, «екі жүз» … for the others (as in written protocols)
        words += ([_KK_UNITS[hundreds]] if hundreds > 1 else []) + ["жүз"]
    words += [_KK_TENS[(n % 100) // 10], _KK_UNITS[n % 10]]
    return [w for w in words if w]


def _kk(n: int) -> str:
    if n == 0:
        return "нөл"
    words: list[str] = []
    for power in range(len(_KK_SCALES) - 1, -1, -1):
        group = (n // 1000**power) % 1000
        if not group:
            continue
        words += _kk_triple(group)
        if power:
            words.append(_KK_SCALES[power])
    return " ".join(words)


# --- English -------------------------------------------------------------------------------

_EN_UNITS = (
    "",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_SCALES = ("", "thousand", "million", "billion")


def _en_triple(n: int) -> str:
    parts: list[str] = []
    if n // 100:
        parts.append(f"{_EN_UNITS[n // 100]} hundred")
    rest = n % 100
    if rest:
        if rest < 20:
            tail = _EN_UNITS[rest]
        else:
            tail = _EN_TENS[rest // 10] + (f"-{_EN_UNITS[rest % 10]}" if rest % 10 else "")
        parts.append(("and " if parts else "") + tail)
    return " ".join(parts)


def _en(n: int) -> str:
    if n == 0:
        return "zero"
    words: list[str] = []
    for power in range(len(_EN_SCALES) - 1, -1, -1):
        group = (n // 1000**power) % 1000
        if group:
            # British usage: "two thousand and seventy", as in "one hundred and seventy"
            joiner = "and " if power == 0 and group < 100 and words else ""
            words.append(joiner + _en_triple(group) + (f" {_EN_SCALES[power]}" if power else ""))
    return " ".join(words)


def in_words(n: int, lang: str) -> str:
    """``n`` (0 ≤ n < 10¹²) in words in ``lang``: ``1200`` → «бір мың екі жүз» (kk),
    «одна тысяча двести» (ru), "one thousand two hundred" (en)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a whole number is needed, not {n!r}")
    if not 0 <= n < LIMIT:
        raise ValueError(f"{n} is outside 0 … {LIMIT - 1}")
    match check_lang(lang):
        case "kk":
            return _kk(n)
        case "ru":
            return _ru(n)
        case "en":
            return _en(n)
