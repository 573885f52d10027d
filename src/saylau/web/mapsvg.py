"""The region map, drawn on the server as inline SVG from the shipped simplified boundaries.

``static/regions-2018.json`` is made at build time by :mod:`saylau.web.build_map`; here each
region's path is filled by the class of its value, wrapped in a link to its page, and titled
with its name and value, so the map works without script, by keyboard and with a screen
reader (the same values are also in the table beside the map).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from html import escape

from saylau.web.pages import STATIC

# Five blues from light to dark, each with a contrast of at least 3:1 against the white page
# (WCAG 1.4.11, checked in tests/web/test_portal.py): the lightest region stays visible.
PALETTE = ("#4f8fc5", "#3a78b3", "#2b629c", "#1d4b82", "#0f3366")
NO_DATA = "#8f8f8f"


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
    """Upper bounds of up to five quantile classes over ``values`` (each class holds about
    the same number of regions, so one outlier does not leave the rest in one colour);
    equal values never straddle two classes."""
    ordered = sorted(values)
    count = len(ordered)
    bounds: list[float] = []
    for index in range(len(PALETTE)):
        bound = ordered[max(0, math.ceil(count * (index + 1) / len(PALETTE)) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def class_colours(bounds: list[float]) -> list[str]:
    """The palette colour of each class, spread over the palette when there are fewer than
    five classes."""
    if len(bounds) <= 1:
        return [PALETTE[len(PALETTE) // 2]] * len(bounds)
    last = len(PALETTE) - 1
    return [PALETTE[round(i * last / (len(bounds) - 1))] for i in range(len(bounds))]


def colour(value: float | None, bounds: list[float]) -> str:
    """The fill of ``value``."""
    if value is None:
        return NO_DATA
    fills = class_colours(bounds)
    for index, bound in enumerate(bounds):
        if value <= bound + 1e-9:
            return fills[index]
    return fills[-1] if fills else NO_DATA


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
            labels.append(
                f'<text x="{shape.centre[0]}" y="{shape.centre[1]}" class="on-dark">'
                f"{escape(item.text)}</text>"
            )
    parts.append('<g aria-hidden="true">' + "".join(labels) + "</g>")
    parts.append("</svg>")
    return "".join(parts), bounds
