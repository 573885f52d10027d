"""Forensic charts as SVG rendered on the server (Altair → vl-convert): no script, no network.

Every title and axis comes from the message catalogue; a synthetic election says so in the
title of every chart.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import altair as alt
import polars as pl
import vl_convert as vlc

from saylau.forensics.methods import BENFORD_SECOND, ForensicsReport, Method
from saylau.i18n import t

_LOCK = threading.Lock()
_VEGA_BASE = "https://vega.github.io/vega-datasets/"
_FONT = "DejaVu Sans, Verdana, sans-serif"
_BAR = "#1f5f99"
_EXPECTED = "#b8412c"
CHARTS = ("turnout", "leader_share", "fingerprint", "last_digit", "second_digit")


def _title(key: str, lang: str, synthetic: bool) -> str:
    title = t(key, lang)
    return t("forensics.chart.synthetic_title", lang, title=title) if synthetic else title


def _svg(chart: alt.TopLevelMixin, description: str) -> str:
    spec = chart.to_dict()
    with _LOCK:
        svg = vlc.vegalite_to_svg(spec)
    svg = svg.replace(_VEGA_BASE, "")
    safe = description.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{safe}" ', 1)
    return re.sub(r'<a xlink:href="[^"]*">(.*?)</a>', r"\1", svg, flags=re.S)


def _configure(chart: alt.Chart | alt.LayerChart) -> alt.TopLevelMixin:
    return chart.configure_view(stroke=None).configure(
        background="white", font=_FONT, padding={"left": 12, "right": 12, "top": 6, "bottom": 6}
    )


def histogram_svg(frame: pl.DataFrame, title: str, axis: str, lang: str) -> str:
    """A histogram (bins of ``bin_start``–``bin_end``, height ``stations``) as SVG."""
    values = frame.to_dicts()
    stations = t("forensics.chart.stations", lang)
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_rect(color=_BAR, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("bin_start:Q", title=axis, scale=alt.Scale(domain=[0, 100])),
            x2="bin_end:Q",
            y=alt.Y("stations:Q", title=stations, axis=alt.Axis(format="d", tickMinStep=1)),
            y2=alt.datum(0),
        )
        .properties(width=520, height=220, title=title)
    )
    return _svg(_configure(chart), title)


def fingerprint_svg(frame: pl.DataFrame, width: float, title: str, lang: str) -> str:
    """The turnout × leader's-share two-dimensional histogram as SVG."""
    values = [
        {**row, "turnout_end": row["turnout_bin"] + width, "share_end": row["share_bin"] + width}
        for row in frame.to_dicts()
    ]
    stations = t("forensics.chart.stations", lang)
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_rect()
        .encode(
            x=alt.X(
                "turnout_bin:Q",
                title=t("forensics.chart.turnout_axis", lang),
                scale=alt.Scale(domain=[0, 100]),
            ),
            x2="turnout_end:Q",
            y=alt.Y(
                "share_bin:Q",
                title=t("forensics.chart.share_axis", lang),
                scale=alt.Scale(domain=[0, 100]),
            ),
            y2="share_end:Q",
            color=alt.Color(
                "stations:Q",
                title=stations,
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(format="d", tickMinStep=1),
            ),
        )
        .properties(width=400, height=400, title=title)
    )
    return _svg(_configure(chart), title)


def digits_svg(observed: list[int], expected: list[float], title: str, axis: str, lang: str) -> str:
    """Observed digit frequencies (bars) against the expected ones (ticks) as SVG."""
    total = sum(observed) or 1
    share = t("forensics.chart.share_of_counts", lang)
    bars = [{"digit": d, "share": c / total} for d, c in enumerate(observed)]
    ticks = [{"digit": d, "share": p} for d, p in enumerate(expected)]
    base_x = alt.X("digit:O", title=axis, axis=alt.Axis(labelAngle=0))
    layer = alt.layer(
        alt.Chart(alt.Data(values=bars))
        .mark_bar(color=_BAR)
        .encode(x=base_x, y=alt.Y("share:Q", title=share, axis=alt.Axis(format="%"))),
        alt.Chart(alt.Data(values=ticks))
        .mark_tick(color=_EXPECTED, thickness=3, size=30)
        .encode(x=base_x, y="share:Q"),
    ).properties(width=360, height=220, title=title)
    return _svg(_configure(layer), title)


def render_all(report: ForensicsReport, lang: str) -> dict[str, str]:
    """Every chart of a report, by file stem (see :data:`CHARTS`)."""
    synthetic = report.data.synthetic
    out = {
        "turnout": histogram_svg(
            report.turnout,
            _title("forensics.chart.turnout_title", lang, synthetic),
            t("forensics.chart.turnout_axis", lang),
            lang,
        ),
        "leader_share": histogram_svg(
            report.leader_share,
            _title("forensics.chart.share_title", lang, synthetic),
            t("forensics.chart.share_axis", lang),
            lang,
        ),
        "fingerprint": fingerprint_svg(
            report.fingerprint,
            2.0,
            _title("forensics.chart.fingerprint_title", lang, synthetic),
            lang,
        ),
    }
    last = report.result(Method.LAST_DIGIT).details
    out["last_digit"] = digits_svg(
        [int(last[f"d{d}"]) for d in range(10)],
        [0.1] * 10,
        _title("forensics.chart.last_digit_title", lang, synthetic),
        t("forensics.chart.digit_axis", lang),
        lang,
    )
    second = report.result(Method.SECOND_DIGIT).details
    out["second_digit"] = digits_svg(
        [int(second[f"d{d}"]) for d in range(10)],
        list(BENFORD_SECOND),
        _title("forensics.chart.second_digit_title", lang, synthetic),
        t("forensics.chart.digit_axis", lang),
        lang,
    )
    return out


def write_all(report: ForensicsReport, folder: Path, lang: str) -> list[Path]:
    """Write every chart of ``report`` as ``<folder>/<name>.svg``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, svg in render_all(report, lang).items():
        path = folder / f"{name}.svg"
        path.write_text(svg, encoding="utf-8")
        paths.append(path)
    return paths
