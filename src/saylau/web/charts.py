"""Charts rendered on the server as SVG (Altair → vl-convert): no script, no network."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import altair as alt
import vl_convert as vlc

_LOCK = threading.Lock()  # one conversion at a time through the embedded engine
_COLOURS = {"party": "#1f5f99", "self": "#8a5a00"}


@lru_cache(maxsize=64)
def seats_bar_chart(
    bars: tuple[tuple[str, int, str, str], ...], title: str, axis: str, description: str
) -> str:
    """A horizontal bar chart of akims elected: bars are (label, seats, kind, href).

    ``kind`` is ``party`` or ``self``; a bar with an ``href`` links to that page.
    """
    values = [
        {"label": label, "seats": seats, "kind": kind, "href": href}
        for label, seats, kind, href in bars
    ]
    order = [label for label, *_ in sorted(bars, key=lambda b: -b[1])]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y(
            "label:N",
            sort=order,
            title=None,
            axis=alt.Axis(labelLimit=240, labelFontSize=13, labelPadding=6),
        ),
        x=alt.X("seats:Q", title=axis, axis=alt.Axis(format="d", tickMinStep=1)),
    )
    bars_layer = base.mark_bar().encode(
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=list(_COLOURS), range=list(_COLOURS.values())),
            legend=None,
        ),
        href="href:N",
        tooltip=[alt.Tooltip("label:N", title=None), alt.Tooltip("seats:Q", title=axis)],
    )
    text_layer = base.mark_text(align="left", dx=3, fontSize=12, color="#1a1a1a").encode(
        text=alt.Text("seats:Q", format="d")
    )
    chart = (
        (bars_layer + text_layer)
        .properties(width=440, height=alt.Step(28), title=title, description=description)
        .configure_view(stroke=None)
        .configure(
            background="transparent",
            font="DejaVu Sans, Verdana, sans-serif",
            padding={"left": 24, "right": 12, "top": 4, "bottom": 4},
        )
    )
    with _LOCK:
        svg = vlc.vegalite_to_svg(chart.to_dict())
    # Describe the chart to screen readers (the same numbers are in the table beside it).
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(description)}" ', 1)
    # Vega resolves links against its default data URL; the site's links are local paths.
    svg = svg.replace(f'xlink:href="{_VEGA_BASE}/', 'xlink:href="/').replace(_VEGA_BASE, "")
    return re.sub(r'<a xlink:href="null">(.*?)</a>', r"\1", svg)


_VEGA_BASE = "https://vega.github.io/vega-datasets/"


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
