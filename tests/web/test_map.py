"""The shipped map file and the build step that makes it (shared borders stay shared)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from saylau.web import build_map, mapsvg
from saylau.web.snapshot import Snapshot

GEOKZ = Path("/work/shared/data/geokz/kaz_admbnda_adm1_2018.geojson")


def _points(path: str) -> list[list[tuple[int, int]]]:
    """Absolute points of each subpath of an 'M x y l dx dy ... z' path."""
    rings = []
    for sub in re.findall(r"M[^z]*z", path):
        numbers = [int(n) for n in re.findall(r"-?\d+", sub)]
        x, y = numbers[0], numbers[1]
        ring = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
    return rings


def test_shipped_map_joins_every_2021_region(module_service) -> None:
    shipped = mapsvg.load()
    assert len(shipped.shapes) == 17
    assert shipped.attribution == (
        "Boundaries: geokz (A. Rodionov), CC BY 4.0, based on stat.gov.kz and OCHA COD-AB"
    )
    snap = Snapshot.load(module_service)
    legacy = {r.iso_legacy for r in snap.regions.values() if r.valid_from is None}
    assert {s.iso_legacy for s in shipped.shapes} == legacy
    size = (Path(mapsvg.__file__).parent / "static" / "regions-2018.json").stat().st_size
    assert size < 40_000


def test_simplification_keeps_shared_borders_identical(tmp_path: Path) -> None:
    # Two squares sharing a long jagged border: after simplification, the points of the
    # border that both keep must be the same points.
    jag = [(10.0 + 0.004 * (i % 2), 40.0 + i * 0.05) for i in range(41)]
    left = [[8.0, 40.0], *[list(p) for p in jag], [8.0, 42.0], [8.0, 40.0]]
    right = [[12.0, 40.0], [12.0, 42.0], *[list(p) for p in reversed(jag)], [12.0, 40.0]]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ISO_3166_2": iso, "KATO": kato, "ADM1_EN": iso},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
            for iso, kato, ring in (("A", "1", left), ("B", "2", right))
        ],
    }
    source = tmp_path / "two.geojson"
    source.write_text(json.dumps(collection))
    built = build_map.build(source, min_area_px=30)
    a, b = (set(_points(r["d"])[0]) for r in built["regions"])
    shared = a & b
    assert len(shared) >= 2  # at least the two junctions
    # every point of A near the border is also a point of B: no slivers or gaps
    border_x = min(x for x, _ in a) + (max(x for x, _ in a) - min(x for x, _ in a))
    near_a = {p for p in a if abs(p[0] - border_x) < 5}
    near_b = {p for p in b if abs(p[0] - border_x) < 5}
    assert near_a == near_b
    assert len(near_a) < 41  # it was simplified


def test_visvalingam_keeps_ends_and_drops_small_wiggles() -> None:
    line = [(0, 0), (5, 1), (10, 0), (15, 1), (20, 0), (20, 50)]
    simple = build_map.visvalingam(line, min_area=10)
    assert simple[0] == (0, 0) and simple[-1] == (20, 50)
    assert len(simple) < len(line)


@pytest.mark.skipif(not GEOKZ.exists(), reason="the geokz source is not on this machine")
def test_build_is_reproducible() -> None:
    shipped = json.loads(
        (Path(mapsvg.__file__).parent / "static" / "regions-2018.json").read_text("utf-8")
    )
    assert build_map.build(GEOKZ)["regions"] == shipped["regions"]
