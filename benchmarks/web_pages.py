"""Server time and weight of the main public pages, against a static file in the same run.

Starts ``saylau serve`` on a fresh SQLite database (bundled data + the demo election of
``examples/demo-election``), requests each page N times over loopback, and prints per page the
median and p95 time, both in ms and as a ratio to the median time of serving the static CSS
file (the baseline: the server's fixed cost per request), and the page's bytes. A second
table gives each page's bytes on the wire uncompressed (what every page weighed before
compression) and as gzip, brotli and zstd, with the compressed size as a share of the
uncompressed one.

    python benchmarks/web_pages.py [--requests 30]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-election"
PAGES = [
    "/",
    "/?lang=kk",
    "/election/demo-2025/candidate/demo-c01",
    "/election/demo-2025/stations.csv",
    "/region/KZ-61",
    "/tables/3",
    "/parties",
    "/check",
    "/sources",
    "/index.json",
    "/election/demo-2025",
    "/election/demo-2025/okrug/demo-zhanaauyl",
    "/election/demo-2025.json",
]
BASELINE = "/static/site.css"


def saylau(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "saylau.cli", *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def prepare(env: dict[str, str]) -> None:
    saylau("election", "create", "demo-2025", "--type", "rural_akim", "--date", "2025-07-20",
           "--term-ends", "2025-07-30", "--called-on", "2025-06-01", "--territory", "KZ-11",
           "--synthetic",
           "--name-kk", "Демо", "--name-ru", "Демо", "--name-en", "Demo", env=env)
    saylau("election", "load", "demo-2025", str(DEMO), env=env)
    saylau("candidate", "nominate", "demo-2025", str(DEMO / "candidates.csv"), env=env)
    saylau("protocol", "submit", str(DEMO / "protocols.json"), env=env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure(client: httpx.Client, path: str, n: int) -> tuple[list[float], int, int]:
    times: list[float] = []
    size = status = 0
    for _ in range(n):
        client.cookies.clear()  # a first visit: no remembered language
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        size, status = len(response.content), response.status_code
    return times, size, status


def wire_bytes(client: httpx.Client, path: str, encoding: str) -> int:
    """Bytes of the body as sent, for ``Accept-Encoding: encoding``."""
    with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as response:
        return sum(len(chunk) for chunk in response.iter_raw())


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "SAYLAU_HOME": home}
        env.pop("SAYLAU_DATABASE_URL", None)
        prepare(env)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "saylau.cli", "serve", "--port", str(port)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=30) as client:
                for _ in range(100):
                    try:
                        client.get(BASELINE)
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                for path in PAGES:  # warm caches (charts, templates) once
                    client.get(path)
                baseline, _, _ = measure(client, BASELINE, args.requests)
                ref = statistics.median(baseline)
                print(f"baseline {BASELINE}: median {ref:.2f} ms over {args.requests} requests")
                print(f"{'page':45} {'status':>6} {'bytes':>8} {'median ms':>10} {'p95 ms':>8}"
                      f" {'median/base':>12} {'p95/base':>9}")
                for path in PAGES:
                    times, size, status = measure(client, path, args.requests)
                    median = statistics.median(times)
                    print(f"{path:45} {status:>6} {size:>8} {median:>10.2f} {p95(times):>8.2f}"
                          f" {median / ref:>12.1f} {p95(times) / ref:>9.1f}")
                print()
                print(f"{'page (bytes on the wire)':45} {'identity':>9} {'gzip':>8} {'br':>8}"
                      f" {'zstd':>8} {'br/identity':>12}")
                for path in [*PAGES, BASELINE, "/static/live.js"]:
                    sizes = [wire_bytes(client, path, e) for e in ("identity", "gzip", "br",
                                                                    "zstd")]
                    print(f"{path:45} {sizes[0]:>9} {sizes[1]:>8} {sizes[2]:>8} {sizes[3]:>8}"
                          f" {sizes[2] / sizes[0]:>12.2f}")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
