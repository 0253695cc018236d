"""How the full model's cost grows with the number of fans: a table, and JSON for the record.

Each size runs in a fresh process so that its peak memory is its own. Timings are reported,
never asserted: this is a measurement, not a test.

    python benchmarks/scale.py                       # 10k, 100k, 1M people, 365 days
    python benchmarks/scale.py --sizes 10000 100000 --days 180 --json out.json
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time

import numpy as np


def measure(n: int, days: int, m: int, seed: int) -> dict[str, float]:
    """Build and run one model of ``n`` people in this process."""
    from socialsim import EngagementModel, Scenario

    scenario = Scenario().replace({"graph.n": n, "graph.m": m, "run.days": days})
    started = time.perf_counter()
    model = EngagementModel(scenario, rng=seed)
    built = time.perf_counter()
    cpu = time.process_time()
    model.run()
    finished = time.perf_counter()
    return {
        "people": n,
        "edges": model.graph.n_edges,
        "days": days,
        "setup_s": built - started,
        "run_s": finished - built,
        "run_cpu_s": time.process_time() - cpu,  # less sensitive than wall time to a busy host
        "fan_days_per_s": n * days / (finished - built),
        "peak_mb": peak_mb(),
    }


def peak_mb() -> float:
    """This process's peak resident memory in MB.

    Linux's ``VmHWM`` starts afresh with the program; ``ru_maxrss`` survives ``exec`` and so
    would report the (larger) parent that started this child.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--m", type=int, default=10, help="Barabási–Albert edges per new node (default 10)."
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="Write the results to this JSON file.")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one is not None:
        print(json.dumps(measure(args.one, args.days, args.m, args.seed)))
        return

    rows = []
    for n in args.sizes:
        command = [
            sys.executable,
            __file__,
            "--one",
            str(n),
            "--days",
            str(args.days),
            "--m",
            str(args.m),
            "--seed",
            str(args.seed),
        ]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(output.strip().splitlines()[-1]))
        row = rows[-1]
        print(
            f"{row['people']:>10,} people {row['edges']:>12,} edges  setup {row['setup_s']:6.1f} s  "
            f"run {row['run_s']:6.1f} s  {row['fan_days_per_s'] / 1e6:6.1f} M fan-days/s  "
            f"peak {row['peak_mb']:7.0f} MB",
            flush=True,
        )
    if len(rows) > 1:
        sizes = np.log([r["people"] for r in rows])
        costs = np.log([r["run_s"] for r in rows])
        exponent = float(np.polyfit(sizes, costs, 1)[0])
        print(f"fitted exponent of run time against size: {exponent:.2f}")
    else:
        exponent = None
    if args.json:
        record = {
            "machine": platform.platform(),
            "cpus": platform.processor(),
            "python": platform.python_version(),
            "rows": rows,
            "exponent": exponent,
        }
        with open(args.json, "w") as handle:
            json.dump(record, handle, indent=2)


if __name__ == "__main__":
    main()
