"""Time of the open-data exports and imports of a synthetic election, against reading it.

Generates a SYNTHETIC election (``--okrugs`` okrugs of ``--stations`` stations, through the
service layer), then measures, each ``--repeat`` times: collecting the election's tables from
the database (the baseline), writing every format, reading every format back, and importing
every format into an empty database. Prints medians in ms and as ratios to the baseline.

    python benchmarks/exports.py [--okrugs 200] [--stations 4] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from saylau.datasets import synthetic
from saylau.exports import FORMATS, collect, import_election, read_export, write_export
from saylau.forensics import loader
from saylau.security.actor import Actor, Role
from saylau.service import Saylau
from saylau.store import db


def timed(action: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--okrugs", type=int, default=200)
    parser.add_argument("--stations", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="saylau-bench-exports-"))
    service = Saylau.open(f"sqlite:///{folder / 'source.db'}")
    election = synthetic.generate(7, args.okrugs, args.stations, code="bench-2025")
    loader.load(service, election)

    def read() -> object:
        with service.session() as session:
            return collect(session, "bench-2025")

    baseline = timed(read, args.repeat)
    data = read()
    print(f"synthetic election: {args.okrugs} okrugs, {args.okrugs * args.stations} stations")
    print(f"baseline (collect the tables): {baseline:.0f} ms")
    columns = ("write ms", 9), ("x", 6), ("read ms", 8), ("x", 6), ("import ms", 10), ("x", 6)
    print(f"{'format':12} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for fmt in FORMATS:
        path = folder / f"out.{fmt}" if fmt in ("cdf", "xlsx") else folder / f"out-{fmt}"
        write = timed(lambda fmt=fmt, path=path: write_export(data, fmt, path), args.repeat)
        back = timed(lambda fmt=fmt, path=path: read_export(path, fmt), 1)
        target_url = f"sqlite:///{folder / f'target-{fmt}.db'}"
        target = Saylau.open(target_url, prepare=False)
        db.upgrade(target.engine)
        started = time.perf_counter()
        import_election(target, path, fmt, actor=Actor("bench", Role.ADMIN))
        imported = (time.perf_counter() - started) * 1000
        target.engine.dispose()
        print(
            f"{fmt:12} {write:9.0f} {write / baseline:6.1f} {back:8.0f} {back / baseline:6.1f} "
            f"{imported:10.0f} {imported / baseline:6.1f}"
        )


if __name__ == "__main__":
    main()
