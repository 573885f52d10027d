"""An independent reader of numbers in words (tests only): words → number."""

from __future__ import annotations

SMALL = {
    "kk": {
        "нөл": 0,
        "бір": 1,
        "екі": 2,
        "үш": 3,
        "төрт": 4,
        "бес": 5,
        "алты": 6,
        "жеті": 7,
        "сегіз": 8,
        "тоғыз": 9,
        "он": 10,
        "жиырма": 20,
        "отыз": 30,
        "қырық": 40,
        "елу": 50,
        "алпыс": 60,
        "жетпіс": 70,
        "сексен": 80,
        "тоқсан": 90,
    },
    "ru": {
        "ноль": 0,
        "один": 1,
        "одна": 1,
        "два": 2,
        "две": 2,
        "три": 3,
        "четыре": 4,
        "пять": 5,
        "шесть": 6,
        "семь": 7,
        "восемь": 8,
        "девять": 9,
        "десять": 10,
        "одиннадцать": 11,
        "двенадцать": 12,
        "тринадцать": 13,
        "четырнадцать": 14,
        "пятнадцать": 15,
        "шестнадцать": 16,
        "семнадцать": 17,
        "восемнадцать": 18,
        "девятнадцать": 19,
        "двадцать": 20,
        "тридцать": 30,
        "сорок": 40,
        "пятьдесят": 50,
        "шестьдесят": 60,
        "семьдесят": 70,
        "восемьдесят": 80,
        "девяносто": 90,
        "сто": 100,
        "двести": 200,
        "триста": 300,
        "четыреста": 400,
        "пятьсот": 500,
        "шестьсот": 600,
        "семьсот": 700,
        "восемьсот": 800,
        "девятьсот": 900,
    },
    "en": {
        "zero": 0,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
    },
}
HUNDRED = {"kk": "жүз", "en": "hundred"}
SCALES = {
    "kk": {"мың": 10**3, "миллион": 10**6, "миллиард": 10**9},
    "ru": {
        **dict.fromkeys(("тысяча", "тысячи", "тысяч"), 10**3),
        **dict.fromkeys(("миллион", "миллиона", "миллионов"), 10**6),
        **dict.fromkeys(("миллиард", "миллиарда", "миллиардов"), 10**9),
    },
    "en": {"thousand": 10**3, "million": 10**6, "billion": 10**9},
}


def parse_words(text: str, lang: str) -> int:
    total = group = 0
    for word in text.replace("-", " ").split():
        if word == "and":
            continue
        if word in SMALL[lang]:
            group += SMALL[lang][word]
        elif word == HUNDRED.get(lang):
            group = (group or 1) * 100
        elif word in SCALES[lang]:
            total += (group or 1) * SCALES[lang][word]
            group = 0
        else:
            raise ValueError(f"unknown word {word!r}")
    return total + group
