"""False-positive rate and power of the forensic tests on synthetic elections.

For N seeds, generates clean elections of the default size (60 okrugs x 4 stations) and
elections with each anomaly injected at its documented fraction, runs each test at alpha =
0.05, and prints the share of elections flagged. The baseline is the nominal rate alpha: the
clean rows should read about 1.0 x alpha, the anomaly rows as many times alpha as the test's
power allows (at most 1 / alpha = 20).

    python benchmarks/forensics_power.py [--seeds 50]
"""

from __future__ import annotations

import argparse
import time

from saylau.datasets.synthetic import Anomaly, AnomalyKind, generate
from saylau.forensics import data as forensic_data
from saylau.forensics import methods
from saylau.forensics.methods import Method

ALPHA = 0.05
CASES = [
    (None, 0.0),
    (AnomalyKind.STUFFING, 0.10),
    (AnomalyKind.ROUNDING, 0.20),
    (AnomalyKind.DIGITS, 0.75),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    args = parser.parse_args()
    start = time.perf_counter()
    print(f"alpha = {ALPHA}; {args.seeds} synthetic elections per row (60 okrugs x 4 stations)")
    header = " ".join(f"{m.value:>18}" for m in Method)
    print(f"{'election':24} {header}")
    for kind, fraction in CASES:
        flagged = dict.fromkeys(Method, 0)
        for seed in range(1000, 1000 + args.seeds):
            anomalies = [Anomaly(kind, fraction)] if kind else None
            election = generate(seed, 60, 4, anomalies=anomalies)
            data = forensic_data.from_protocols(election.code, election.protocols,
                                                election.okrug_of)
            report = methods.run_all(data, alpha=ALPHA)
            for method in Method:
                flagged[method] += report.result(method).flagged
        label = "clean" if kind is None else f"{kind.value} {fraction:.0%}"
        cells = " ".join(
            f"{flagged[m] / args.seeds:>8.2f} ({flagged[m] / args.seeds / ALPHA:>5.1f}xa)"
            for m in Method
        )
        print(f"{label:24} {cells}")
    print(f"({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
