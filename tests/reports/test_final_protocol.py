"""The final protocol: rendered as PDF with Typst, read back with a PDF text extractor."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from saylau.administration import results
from saylau.reports import final_protocol, numwords
from saylau.service import Saylau
from web.demo import load_demo

from .words import parse_words

ELECTION = "demo-2025"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Saylau]:
    service = Saylau.open(str(tmp_path_factory.mktemp("fp") / "fp.db"))
    load_demo(service, certify=("demo-zhanaauyl",))
    yield service
    service.engine.dispose()


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_pdf_carries_every_line_the_words_and_the_fingerprint(demo: Saylau, lang: str) -> None:
    with demo.session() as session:
        doc = final_protocol.document(session, ELECTION, "demo-zhanaauyl", lang)
        cert = results.certification(session, ELECTION, "demo-zhanaauyl")
    pdf = final_protocol.render_pdf(doc)
    assert pdf.startswith(b"%PDF")
    pages = _pages(pdf)
    text = " ".join(pages)
    words = {
        "kk": ("Жарамды бюллетеньдер саны", "екі мың жетпіс", "тоғыз жүз сексен үш"),
        "ru": (
            "Число действительных бюллетеней",
            "две тысячи семьдесят",
            "девятьсот восемьдесят три",
        ),
        "en": ("Valid ballots", "two thousand and seventy", "nine hundred and eighty-three"),
    }[lang]
    for expected in words:
        assert expected in text, (expected, text)
    for line in doc.lines:
        assert line.label in text and line.words in text
    # ballots in the boxes 2 093 − invalid 23 = valid 2 070; candidates in ballot order
    assert text.index("Ахметов") < text.index("Жұмабаева") < text.index("Сейітов")
    for name in ("Ахметов Ерлан Серікұлы", "Жұмабаева Айгүл Қайратқызы"):
        assert name in text
    # every page: the record's SHA-256 and "page n of N"
    page_words = {
        "kk": "{total} беттің {n}-беті",
        "ru": "Страница {n} из {total}",
        "en": "Page {n} of {total}",
    }[lang]
    for number, page in enumerate(pages, 1):
        assert cert.sha256 in page.replace(" ", "") or cert.sha256 in page
        assert page_words.format(n=number, total=len(pages)) in page
    # signature rows: chair and secretary first, room to sign, the stamp place
    assert text.index(doc.members[0][0]) < text.index(doc.members[2][0])
    assert doc.stamp in text
    # no internal codes, traces, setting marks, account names or ISO stamps
    assert not re.search(r"\b[A-Z]\.\d{3}\b", text)
    for forbidden in ("unconfirmed", "rural-akim-2023", "system", "cli", "T00:", "+00:00"):
        assert forbidden not in text
    if lang == "ru":
        assert "Избран акимом: Ахметов Ерлан Серікұлы" in text  # the candidate is a man


def test_the_key_fingerprint_line_is_printed_when_given(demo: Saylau) -> None:
    key = "SHA256:" + "0f" * 32
    with demo.session() as session:
        doc = final_protocol.document(
            session, ELECTION, "demo-zhanaauyl", "ru", key_fingerprint=key
        )
    pages = _pages(final_protocol.render_pdf(doc))
    assert all(key in page.replace(" ", "") for page in pages)
    assert "Отпечаток ключа подписи выборов" in pages[0]


def test_members_are_printed_chair_and_secretary_first() -> None:
    members = final_protocol.read_members(
        "role,name\nmember,Д. Нұрланова\nsecretary,Б. Сейітова\nchair,А. Ахметов\n"
    )
    assert [m.role for m in final_protocol.ordered_members(members)] == [
        "chair",
        "secretary",
        "member",
    ]
    with pytest.raises(final_protocol.ProtocolError) as caught:
        final_protocol.read_members("role,name\nboss,X\n")
    assert caught.value.code == "T.052" and "2" in caught.value.message("ru")


def test_an_okrug_that_is_not_certified_is_refused_with_the_reason(demo: Saylau) -> None:
    with demo.session() as session, pytest.raises(final_protocol.ProtocolError) as caught:
        final_protocol.document(session, ELECTION, "demo-birlik", "kk")
    assert caught.value.code == "T.050"
    assert "demo-birlik" in caught.value.message("kk")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@given(st.integers(min_value=0, max_value=2**31 - 1))
def test_numbers_in_words_read_back_to_the_number(lang: str, n: int) -> None:
    assert parse_words(numwords.in_words(n, lang), lang) == n


@pytest.mark.parametrize(
    ("n", "kk", "ru"),
    [
        (0, "нөл", "ноль"),
        (21, "жиырма бір", "двадцать один"),
        (1200, "бір мың екі жүз", "одна тысяча двести"),
        (2297, "екі мың екі жүз тоқсан жеті", "две тысячи двести девяносто семь"),
        (22000, "жиырма екі мың", "двадцать две тысячи"),
        (1_000_000, "бір миллион", "один миллион"),
        (5_000_014, "бес миллион он төрт", "пять миллионов четырнадцать"),
    ],
)
def test_numbers_in_words_examples(n: int, kk: str, ru: str) -> None:
    assert numwords.in_words(n, "kk") == kk
    assert numwords.in_words(n, "ru") == ru


def test_numbers_in_words_refuse_what_is_not_a_count() -> None:
    for bad in (-1, 10**12, True, 1.5):
        with pytest.raises((ValueError, TypeError)):
            numwords.in_words(bad, "ru")  # type: ignore[arg-type]


def test_the_protocol_and_the_station_table_on_both_backends(service: Saylau) -> None:
    from saylau.web import portal

    load_demo(service, certify=("demo-birlik", "demo-zhanaauyl"))
    with service.session() as session:
        doc = final_protocol.document(session, ELECTION, "demo-zhanaauyl", "ru")
        cert = results.certification(session, ELECTION, "demo-zhanaauyl")
        rows = portal.station_rows(session, ELECTION, "ru")
    assert doc.number_text == "№ 2"  # the second certification of the election
    assert cert is not None and cert.sha256 in " ".join(_pages(final_protocol.render_pdf(doc)))
    assert sum(r["votes"] or 0 for r in rows if r["okrug"] == "demo-zhanaauyl") == 983 + 810 + 224
