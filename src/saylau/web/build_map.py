"""Build the small region map shipped with the site from the geokz boundaries (run at build time).

Rerun after changing the boundaries or the parameters::

    .venv/bin/python -m saylau.web.build_map \
        --source /work/shared/data/geokz/kaz_admbnda_adm1_2018.geojson \
        --out src/saylau/web/static/regions-2018.json

The method keeps shared borders identical on both sides (the idea of TopoJSON, written out
here in a page of Python so the project needs no extra dependency):

1. project every ring (Albers equal-area conic for Kazakhstan) and quantize it to an
   integer grid, so points closer than a grid step merge;
2. find the junctions, the points where more than two distinct neighbours meet (where a
   border between two regions starts or ends), and cut every ring there into arcs;
3. keep each arc once (an arc and its reverse are the same border);
4. simplify each arc on its own with Visvalingam-Whyatt, its two junctions fixed, so the
   border between two regions is simplified once and both regions use the same result;
5. rebuild the rings from the arcs and write one SVG path per region, with the join keys
   (legacy ISO 3166-2 code and KATO) and the attribution the licence asks for.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import math
from collections import defaultdict
from pathlib import Path

Point = tuple[int, int]
ATTRIBUTION = "Boundaries: geokz (A. Rodionov), CC BY 4.0, based on stat.gov.kz and OCHA COD-AB"
DEFAULT_OUT = Path(__file__).parent / "static" / "regions-2018.json"
WIDTH = 1000  # width of the SVG viewBox
GRID = 10_000  # quantization steps on the longer side, as TopoJSON's default
# Albers equal-area conic fitted to Kazakhstan (degrees).
LON0, LAT0, PHI1, PHI2 = 68.0, 48.0, 45.0, 51.0


def albers(lon: float, lat: float) -> tuple[float, float]:
    """Project WGS 84 degrees to Albers equal-area conic (unit sphere); y grows northwards."""
    p1, p2, p0 = math.radians(PHI1), math.radians(PHI2), math.radians(LAT0)
    n = (math.sin(p1) + math.sin(p2)) / 2
    c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
    rho0 = math.sqrt(c - 2 * n * math.sin(p0)) / n
    rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
    theta = n * math.radians(lon - LON0)
    return rho * math.sin(theta), rho0 - rho * math.cos(theta)


def _rings(geometry: dict[str, object]) -> list[list[list[list[float]]]]:
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        return [coordinates]  # type: ignore[list-item]
    return list(coordinates)  # type: ignore[arg-type]


def _ring_area(ring: list[Point]) -> float:
    return 0.5 * sum(
        ring[i][0] * ring[(i + 1) % len(ring)][1] - ring[(i + 1) % len(ring)][0] * ring[i][1]
        for i in range(len(ring))
    )


def _triangle(a: Point, b: Point, c: Point) -> float:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2


def visvalingam(points: list[Point], min_area: float, keep: int = 2) -> list[Point]:
    """Visvalingam-Whyatt: drop the point of smallest effective area until all exceed
    ``min_area``; the first and last points are never dropped, ``keep`` points at least stay.
    """
    n = len(points)
    if n <= max(keep, 2):
        return points
    prev = list(range(-1, n - 1))
    nxt = list(range(1, n + 1))
    removed = [False] * n
    heap = [(_triangle(points[i - 1], points[i], points[i + 1]), i) for i in range(1, n - 1)]
    heapq.heapify(heap)
    alive = n
    floor = 0.0
    while heap and alive > keep:
        area, i = heapq.heappop(heap)
        if removed[i]:
            continue
        p, q = prev[i], nxt[i]
        current = _triangle(points[p], points[i], points[q])
        if current != area:  # stale entry; push the fresh one
            heapq.heappush(heap, (current, i))
            continue
        # Effective area never decreases (keeps the removal order monotone).
        floor = max(floor, current)
        if floor >= min_area:
            break
        removed[i] = True
        alive -= 1
        nxt[p], prev[q] = q, p
        for j in (p, q):
            if 0 < j < n - 1 and not removed[j]:
                heapq.heappush(heap, (_triangle(points[prev[j]], points[j], points[nxt[j]]), j))
    return [pt for pt, gone in zip(points, removed, strict=True) if not gone]


def _canonical_closed(ring: list[Point]) -> list[Point]:
    """A closed ring without junctions, rotated and oriented the same way whoever owns it."""
    start = ring.index(min(ring))
    rotated = ring[start:] + ring[:start]
    if rotated[-1] < rotated[1]:
        rotated = [rotated[0], *reversed(rotated[1:])]
    return [*rotated, rotated[0]]


def build(source: Path, min_area_px: float = 1.2) -> dict[str, object]:
    """The simplified map as a JSON-ready dict (see the module docstring)."""
    collection = json.loads(source.read_text(encoding="utf-8"))
    projected: list[tuple[dict[str, str], list[list[list[tuple[float, float]]]]]] = []
    xs: list[float] = []
    ys: list[float] = []
    for feature in collection["features"]:
        polygons = []
        for polygon in _rings(feature["geometry"]):
            rings = []
            for ring in polygon:
                pts = [albers(lon, lat) for lon, lat in ring]
                xs.extend(p[0] for p in pts)
                ys.extend(p[1] for p in pts)
                rings.append(pts)
            polygons.append(rings)
        projected.append((feature["properties"], polygons))
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    step = max(x1 - x0, y1 - y0) / GRID

    def quantize(p: tuple[float, float]) -> Point:
        return round((p[0] - x0) / step), round((y1 - p[1]) / step)  # y down, as in SVG

    # 1. quantized rings, consecutive duplicates and the closing point removed
    features: list[tuple[dict[str, str], list[list[list[Point]]]]] = []
    for properties, polygons in projected:
        out_polygons = []
        for polygon in polygons:
            out_rings = []
            for ring in polygon:
                pts: list[Point] = []
                for p in map(quantize, ring):
                    if not pts or pts[-1] != p:
                        pts.append(p)
                if len(pts) > 1 and pts[0] == pts[-1]:
                    pts.pop()
                if len(pts) >= 3:
                    out_rings.append(pts)
            if out_rings:
                out_polygons.append(out_rings)
        features.append((properties, out_polygons))

    # 2. junctions: points with more than two distinct neighbours
    neighbours: dict[Point, set[Point]] = defaultdict(set)
    for _, polygons in features:
        for polygon in polygons:
            for ring in polygon:
                for i, p in enumerate(ring):
                    neighbours[p].add(ring[i - 1])
                    neighbours[p].add(ring[(i + 1) % len(ring)])
    junctions = {p for p, near in neighbours.items() if len(near) > 2}

    # 3. arcs, each kept once
    arcs: list[list[Point]] = []
    arc_index: dict[tuple[Point, ...], int] = {}

    def arc_id(points: list[Point]) -> int:
        key = tuple(points)
        if key in arc_index:
            return arc_index[key]
        reverse = tuple(reversed(points))
        if reverse in arc_index:
            return ~arc_index[reverse]
        arc_index[key] = len(arcs)
        arcs.append(points)
        return arc_index[key]

    topology: list[tuple[dict[str, str], list[list[list[int]]]]] = []
    for properties, polygons in features:
        topo_polygons = []
        for polygon in polygons:
            topo_rings = []
            for ring in polygon:
                cuts = [i for i, p in enumerate(ring) if p in junctions]
                if not cuts:
                    topo_rings.append([arc_id(_canonical_closed(ring))])
                    continue
                rotated = ring[cuts[0] :] + ring[: cuts[0]]
                positions = [i - cuts[0] for i in cuts] + [len(ring)]
                closed = [*rotated, rotated[0]]
                topo_rings.append(
                    [arc_id(closed[a : b + 1]) for a, b in itertools.pairwise(positions)]
                )
            topo_polygons.append(topo_rings)
        topology.append((properties, topo_polygons))

    # 4. simplify every arc once, endpoints fixed; areas in output pixels
    scale = WIDTH / GRID
    min_area = min_area_px / (scale * scale)
    simple = [visvalingam(arc, min_area, keep=4 if arc[0] == arc[-1] else 2) for arc in arcs]

    # 5. rings back from arcs, one path per region
    height = math.ceil((y1 - y0) / step * scale)
    regions = []
    for properties, topo_polygons in topology:
        parts: list[str] = []
        area_sum = 0.0
        cx = cy = 0.0
        for topo_rings in topo_polygons:
            for ring_number, topo_ring in enumerate(topo_rings):
                ring: list[Point] = []
                for index in topo_ring:
                    arc = simple[index] if index >= 0 else list(reversed(simple[~index]))
                    ring.extend(arc if not ring else arc[1:])
                scaled = [(round(x * scale), round(y * scale)) for x, y in ring[:-1]]
                deduped = [p for i, p in enumerate(scaled) if i == 0 or p != scaled[i - 1]]
                if len(deduped) < 3 or abs(_ring_area(deduped)) < min_area_px:
                    continue
                if ring_number == 0:
                    area = _ring_area(deduped)
                    if abs(area) > abs(area_sum):  # label point: centroid of the largest ring
                        area_sum = area
                        cx = sum(p[0] for p in deduped) / len(deduped)
                        cy = sum(p[1] for p in deduped) / len(deduped)
                parts.append(_path(deduped))
        regions.append(
            {
                "iso_legacy": properties["ISO_3166_2"],
                "kato": properties["KATO"],
                "name_en": properties["ADM1_EN"],
                "d": "".join(parts),
                "centre": [round(cx), round(cy)],
            }
        )
    return {
        "source": source.name,
        "attribution": ATTRIBUTION,
        "projection": f"Albers equal-area conic, lon0={LON0}, lat0={LAT0}, "
        f"parallels {PHI1} and {PHI2}",
        "method": "quantized to a 10^4 grid; shared arcs simplified once (Visvalingam-Whyatt, "
        f"min. area {min_area_px} px²)",
        "width": WIDTH,
        "height": height,
        "regions": regions,
    }


def _path(ring: list[Point]) -> str:
    """An SVG subpath with relative line segments (short text)."""
    steps = " ".join(f"{bx - ax} {by - ay}" for (ax, ay), (bx, by) in itertools.pairwise(ring))
    return f"M{ring[0][0]} {ring[0][1]}l{steps}z".replace(" -", "-")


def main(argv: list[str] | None = None) -> None:
    """Command line: build the map file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=Path("/work/shared/data/geokz/kaz_admbnda_adm1_2018.geojson"),
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-area", type=float, default=1.2, help="in px² of the viewBox")
    args = parser.parse_args(argv)
    result = build(args.source, args.min_area)
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode())} bytes, {len(result['regions'])} regions)")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
