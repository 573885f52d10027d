"""Every message the analytics commands build from codes exists in kk, ru and en."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from saylau.analytics import tables
from saylau.analytics.competition import analyze
from saylau.analytics.findings import FINDINGS
from saylau.analytics.timeline import LEFT_OUT
from saylau.i18n import LANGS, has, keys
from saylau.service import Saylau

SOURCE = Path(tables.__file__).read_text(encoding="utf-8")


def dynamic_keys() -> set[str]:
    out = {f"analytics.metric.{m}" for m in tables.METRICS}
    out |= {f"analytics.col.{c}" for c in re.findall(r'_col\("([a-z0-9_]+)"', SOURCE)}
    for prefix, values in (
        ("variant", tables.VARIANTS),
        ("grouping", tables.GROUPINGS),
        ("level", tables.LEVELS),
        ("coverage", tables.COVERAGES),
        ("type", tables.TYPES),
        ("sex", tables.SEXES),
        ("nomination", tables.NOMINATIONS),
        ("compare_variant", ("all", "without_flagged")),
        ("basis_kind", ("seats", "votes")),
        ("outcome", ("elected", "lots_required", "repeat_election", "no_candidates", "incomplete")),
        ("majilis", ("majilis_2021", "majilis_2023")),
        ("pair", ("majilis_2021", "majilis_2023")),
    ):
        out |= {f"analytics.{prefix}.{v}" for v in values}
    for finding in FINDINGS:
        out |= {f"analytics.finding.{finding}.{part}" for part in ("title", "claim", "result")}
    out |= {f"analytics.leftout.{item.key}" for item in LEFT_OUT}
    return out


def test_every_dynamic_key_exists_in_every_language() -> None:
    for lang in LANGS:
        missing = sorted(k for k in dynamic_keys() if not has(k, lang))
        assert missing == [], lang


def test_analytics_keys_live_in_the_analytics_domain() -> None:
    path = Path(tables.__file__).parents[1] / "i18n" / "locales" / "en" / "LC_MESSAGES"
    text = (path / "analytics.po").read_text(encoding="utf-8")
    ours = set(re.findall(r'^msgid "(analytics\.[^"]+)"', text, flags=re.M))
    assert ours == {k for k in keys("en") if k.startswith("analytics.")}


@pytest.mark.parametrize("election", ["kz-2021-rural-akim", "demo-2025"])
def test_every_metric_produced_has_a_label(election: str, seed: Saylau, demo: Saylau) -> None:
    service = seed if election.startswith("kz") else demo
    for option in ("both", "each_own_unit"):
        frames = analyze(service, election, self_nominated=option)
        produced = set(frames["metrics"]["metric"])
        assert produced <= set(tables.METRICS), produced - set(tables.METRICS)
        assert set(frames["metrics"]["variant"]) <= set(tables.VARIANTS)
        groupings = set(frames["metrics"].get_column("grouping").drop_nulls())
        assert groupings <= set(tables.GROUPINGS)
        assert isinstance(frames["metrics"], pl.DataFrame)
