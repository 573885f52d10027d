"""Regenerate the tables of ``docs/law.md`` from the law catalogue (the one source of both).

The page marks each generated table::

    <!-- generated: catalogue_markdown("en") -->
    ...table...
    <!-- end generated -->

``python -m saylau.law.docs docs/law.md`` rewrites every marked block; ``--check`` only says
whether the page is current (exit 1 when it is not). A test keeps the page current.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from saylau.law.catalogue import catalogue_markdown, settings_markdown

GENERATORS: Mapping[str, Callable[[], str]] = {
    'catalogue_markdown("en")': lambda: catalogue_markdown("en"),
    'settings_markdown("en")': lambda: settings_markdown("en"),
    'settings_markdown("en", unconfirmed_only=True)': lambda: settings_markdown(
        "en", unconfirmed_only=True
    ),
}
_BLOCK = re.compile(
    r"(<!-- generated: (?P<name>.+?) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S
)


def regenerate(text: str) -> str:
    """``text`` with every generated block replaced by the generator's current output."""

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        generator = GENERATORS.get(name)
        if generator is None:
            raise ValueError(f"unknown generated block {name!r}")
        return f"{match.group(1)}\n{generator()}\n{match.group(4)}"

    return _BLOCK.sub(fill, text)


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or, with ``--check``, verify) the generated blocks of the given page."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [Path(a) for a in args if a != "--check"] or [Path("docs/law.md")]
    stale = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        fresh = regenerate(text)
        if fresh == text:
            continue
        stale += 1
        if check:
            print(f"{path}: generated tables are out of date", file=sys.stderr)
        else:
            path.write_text(fresh, encoding="utf-8")
    return 1 if check and stale else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
