"""The region map, drawn on the server as inline SVG from the shipped simplified boundaries.

``static/regions-2018.json`` is made at build time by :mod:`saylau.web.build_map`; here each
region's path is filled by the class of its value, wrapped in a link to its page, and titled
with its name and value, so the map works without script, by keyboard and with a screen
reader (the same values are also in the table beside the map).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from html import escape

from saylau.web.pages import STATIC

# ColorBrewer "Blues" (5 classes): sequential, colour-blind safe, prints in grey.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#d9d9d9"


@dataclass(frozen=True)
class Shape:
    """A region of the map file."""

    iso_legacy: str
    kato: str
    d: str
    centre: tuple[int, int]


@dataclass(frozen=True)
class MapFile:
    """The shipped map: size, attribution and shapes."""

    width: int
    height: int
    attribution: str
    shapes: tuple[Shape, ...]


@cache
def load() -> MapFile:
    """The shipped simplified boundaries of the 2018–2022 regions."""
    data = json.loads((STATIC / "regions-2018.json").read_text(encoding="utf-8"))
    return MapFile(
        data["width"],
        data["height"],
        data["attribution"],
        tuple(
            Shape(r["iso_legacy"], r["kato"], r["d"], (r["centre"][0], r["centre"][1]))
            for r in data["regions"]
        ),
    )


@dataclass(frozen=True)
class MapItem:
    """What to draw for one region: its link, label, value and the text of the value."""

    code: str
    iso_legacy: str | None
    kato: str | None
    href: str
    name: str
    value: float | None
    text: str


def classes(values: list[float]) -> list[float]:
    """Upper bounds of five equal-interval classes over ``values``."""
    low, high = min(values), max(values)
    if high == low:
        return [high] * len(PALETTE)
    step = (high - low) / len(PALETTE)
    return [low + step * (i + 1) for i in range(len(PALETTE))]


def colour(value: float | None, bounds: list[float]) -> str:
    """The fill of ``value``."""
    if value is None:
        return NO_DATA
    for index, bound in enumerate(bounds):
        if value <= bound + 1e-9:
            return PALETTE[index]
    return PALETTE[-1]


def render(items: list[MapItem], title: str, no_data: str) -> tuple[str, list[float]]:
    """The map SVG and the class bounds used (for the legend)."""
    shipped = load()
    by_iso = {s.iso_legacy: s for s in shipped.shapes}
    by_kato = {s.kato: s for s in shipped.shapes}
    values = [i.value for i in items if i.value is not None]
    bounds = classes(values) if values else []
    parts = [
        f'<svg class="map" viewBox="0 0 {shipped.width} {shipped.height}" '
        f'role="group" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    labels = []
    for item in items:
        shape = by_iso.get(item.iso_legacy or "") or by_kato.get(item.kato or "")
        if shape is None:
            continue
        fill = colour(item.value, bounds)
        text = item.text if item.value is not None else no_data
        label = f"{item.name}: {text}"
        parts.append(
            f'<a href="{escape(item.href)}" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>"
            f'<path d="{shape.d}" fill="{fill}" fill-rule="evenodd"/></a>'
        )
        if item.value is not None:
            dark = PALETTE.index(fill) >= 3 if fill in PALETTE else False
            labels.append(
                f'<text x="{shape.centre[0]}" y="{shape.centre[1]}" '
                f'class="{"on-dark" if dark else "on-light"}">{escape(item.text)}</text>'
            )
    parts.append('<g aria-hidden="true">' + "".join(labels) + "</g>")
    parts.append("</svg>")
    return "".join(parts), bounds
