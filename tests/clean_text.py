"""What a Kazakh or Russian reader must never meet: English from the catalogue, a message key,
a rule code outside its code element, a backtick (tests only)."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from saylau.i18n import _catalogue

# a message key: two or more dotted lowercase parts after a known prefix
KEY = re.compile(
    r"\b(?:web|fp|law|check|seed|measure|admin|analytics|forensics|allocation|policy|people|"
    r"import|core|dataset|budget)\.[a-z0-9_]+(?:\.[a-z0-9_-]+)+\b"
)
RULE = re.compile(r"(?<![\w.])[A-Z]{1,2}\.\d{2,3}(?![\w])")
PARAM = re.compile(r"\{[a-z_0-9]+\}")
# a place name put into a case the code cannot know: «В Туркестанская область»
CASE = re.compile(r"(?<!\w)[ВвНн]а? (?:Республика Казахстан|[А-ЯЁ][а-яё-]+ская область)")
OPTIONAL_ENDING = re.compile(r"\w\((?:а|ы|ов|s|es)\)")
DOUBLE_STOP = re.compile(r"(?<![.…])\.\.(?![.…])")
# a count of four or more digits without the language's grouping (years are fine)
# numbers of documents, and addresses (with or without their scheme)
DOCUMENT_NUMBER = re.compile(r"(?:№|No\.)\s*\d+|https?://\S+|[\w-]+(?:\.[\w-]+)+/\S*")
UNGROUPED = re.compile(r"(?<![\w.,:/#№-])(?!(?:19|20)\d\d(?!\d))\d{4,}(?![\w.,:/-])")
# English that is the same in every language: names, formats, units
SAME_EVERYWHERE = frozenset(
    {
        *("saylau", "JSON", "CSV", "OpenAPI", "Parquet", "SHA-256", "KATO"),
        *("NIST", "CDF", "ZIP", "Excel"),
    }
)


class _Text(HTMLParser):
    """Visible text and the texts of accessible names, with ``<code>`` content apart."""

    VOID = frozenset(
        {
            "br",
            "img",
            "input",
            "link",
            "meta",
            "hr",
            "source",
            "wbr",
            "rect",
            "path",
            "circle",
            "line",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.code: list[str] = []
        self.page_lang: str | None = None
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self._skip = 0
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.page_lang = found.get("lang")
        # script and style; a quotation marked in another language (a source's own words)
        skipped = tag in ("script", "style") or (
            tag != "html" and found.get("lang") not in (None, self.page_lang)
        )
        if tag in self.VOID:
            skipped = False
        else:
            self._stack.append((tag, skipped))
        if skipped:
            self._skip += 1
        if tag == "code":
            self._in_code += 1
        if self._skip:
            return
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self._stack:
            open_tag, skipped = self._stack.pop()
            if skipped:
                self._skip = max(0, self._skip - 1)
            if open_tag == tag:
                break
        if tag == "code":
            self._in_code = max(0, self._in_code - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        (self.code if self._in_code else self.parts).append(data)


def visible(html: str) -> str:
    """The text a reader (or a screen reader) meets, without ``<code>`` elements."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@cache
def english_fragments(lang: str) -> tuple[str, ...]:
    """Pieces of English messages (between parameters) that the ``lang`` catalogue does not
    use: each is English a reader of ``lang`` must not see."""
    english = _catalogue("en")
    other = _catalogue(lang)
    del other
    out: set[str] = set()
    for text in english.values():
        for piece in PARAM.split(text):
            piece = " ".join(piece.split()).strip(" .,:;()–—-·/|«»“”\"'")
            if re.fullmatch(r"[a-z0-9_]+", piece):
                continue  # an identifier (a field name), the same in every language
            words = re.findall(r"[A-Za-z]{2,}", piece)
            if len(words) < 2 or len(piece) < 12:
                continue
            if all(w in SAME_EVERYWHERE for w in words):
                continue
            out.add(piece)
    return tuple(sorted(out, key=len, reverse=True))


def problems(text: str, lang: str, *, html: bool = True, numbers: bool = True) -> list[str]:
    """Everything wrong with ``text`` (a page or a command's output) for a ``lang`` reader."""
    shown = visible(text) if html else text
    found: list[str] = []
    for piece in english_fragments(lang):
        if piece in shown:
            at = shown.index(piece)
            found.append(f"English: «{piece}» in …{shown[max(0, at - 40) : at + 60]}…")
    found += [f"key: {m.group(0)}" for m in KEY.finditer(shown)]
    if html:
        found += [f"rule code outside <code>: {m.group(0)}" for m in RULE.finditer(shown)]
    found += [f"case: {m.group(0)}" for m in CASE.finditer(shown)] if lang == "ru" else []
    found += [f"optional ending: {m.group(0)}" for m in OPTIONAL_ENDING.finditer(shown)]
    for m in DOUBLE_STOP.finditer(shown):
        found.append(f"double full stop: …{shown[max(0, m.start() - 30) : m.end() + 10]}…")
    cleaned = DOCUMENT_NUMBER.sub("№", shown) if numbers else ""
    for m in UNGROUPED.finditer(cleaned):
        found.append(f"ungrouped number: …{cleaned[max(0, m.start() - 30) : m.end() + 10]}…")
    if "`" in shown:
        at = shown.index("`")
        found.append(f"backtick: …{shown[max(0, at - 40) : at + 40]}…")
    return found
