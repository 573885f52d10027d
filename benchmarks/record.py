"""Time of ``saylau publish``, ``saylau verify`` and ``saylau db verify`` on the demo election and
on a synthetic one, each beside a baseline measured in the same run on the same data.

Baselines:
- publish and db verify: reading every row of every table of the record with plain SELECTs
  and writing it as JSON lines (the least any export of the same data does);
- verify: reading every file of the publication, hashing its bytes and parsing its JSON (the
  least any verifier of the same files does).

    python benchmarks/record.py                      # demo + 2,500 okrugs x 4 stations (10,000)
    python benchmarks/record.py --okrugs 250         # 1,000 stations
    python benchmarks/record.py --format json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from saylau.datasets.synthetic import generate
from saylau.forensics.loader import load
from saylau.publication.publish import publish
from saylau.service import Saylau
from saylau.store import audit
from saylau.store.integrity import verify_database
from saylau.verify import verify_publication


def timed(work: Callable[[], object], repeat: int = 3) -> float:
    """The best of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def dump_rows(service: Saylau, out: Path) -> None:
    with service.session() as session, out.open("w", encoding="utf-8") as handle:
        for table in audit.recorded_tables().values():
            for row in session.execute(select(table)).mappings():
                handle.write(json.dumps(dict(row), default=str, ensure_ascii=False) + "\n")
        for row in session.execute(select(audit.AuditRow)).scalars():
            handle.write(row.state + row.private + "\n")


def read_hash_parse(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hashlib.sha256(data).hexdigest()
            if path.suffix == ".jsonl":
                for line in data.splitlines():
                    json.loads(line)
            else:
                json.loads(data)


def measure(service: Saylau, election: str, label: str, work: Path, repeat: int) -> list[dict]:
    folder = work / f"pub-{election}"
    with service.session() as session:
        entries = audit.head_seq(session)
    baseline_db = timed(lambda: dump_rows(service, work / "dump.jsonl"), repeat)
    db_verify = timed(lambda: _db_verify(service), repeat)
    publish_time = timed(lambda: publish(service, folder, election), repeat)
    baseline_files = timed(lambda: read_hash_parse(folder), repeat)
    verify_time = timed(lambda: _verify(folder), repeat)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    common = {"data": label, "entries": entries, "publication_bytes": size}
    return [
        {"name": "db verify", "value": db_verify, "baseline": "SELECT every recorded row",
         "baseline_value": baseline_db, **common},
        {"name": "publish", "value": publish_time, "baseline": "SELECT every recorded row",
         "baseline_value": baseline_db, **common},
        {"name": "verify", "value": verify_time, "baseline": "read, hash and parse the files",
         "baseline_value": baseline_files, **common},
    ]


def _db_verify(service: Saylau) -> None:
    with service.session() as session:
        problems = verify_database(session)
    assert problems == [], problems[:3]


def _verify(folder: Path) -> None:
    report = verify_publication(folder)
    assert report.ok, [p.message() for p in report.problems[:3]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--okrugs", type=int, default=2500)
    parser.add_argument("--stations", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args()
    from web.demo import load_demo

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        import os

        os.environ["SAYLAU_KEY_DIR"] = str(work / "keys")
        demo = Saylau.open(str(work / "demo.db"))
        load_demo(demo, certify=("demo-zhanaauyl", "demo-birlik", "demo-kokterek"))
        rows += measure(demo, "demo-2025", "demo election (5 stations)", work, args.repeat)
        big = Saylau.open(str(work / "synthetic.db"))
        election = generate(11, args.okrugs, args.stations)
        started = time.perf_counter()
        load(big, election)
        loaded = time.perf_counter() - started
        label = f"synthetic, {args.okrugs * args.stations:,} stations (loaded in {loaded:.0f} s)"
        rows += measure(big, election.code, label, work, 1)
    for row in rows:
        row["unit"] = "s"
        row["ratio"] = row["value"] / row["baseline_value"] if row["baseline_value"] else None
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        print(f"{row['data']:<48} {row['name']:<10} {row['value']:8.3f} s   "
              f"baseline ({row['baseline']}) {row['baseline_value']:7.3f} s   "
              f"ratio {row['ratio']:6.1f}x   entries {row['entries']:,}   "
              f"publication {row['publication_bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
