"""How well a sweep uses its workers: wall time and parallel efficiency at 1, 2, ... workers.

A Latin hypercube over two parameters of the default scenario (10,000 people, 180 days), one
run per point, is run into a fresh store once per worker count: serially in this process for
1 worker, on the process pool ``socialsim sweep`` uses otherwise (or a Dask LocalCluster with
``--dask``). Parallel efficiency is the serial time over (workers x the parallel time). The
stores are compared too: every worker count must give the same numbers. Timings are reported,
never asserted: this is a measurement, not a test, and one taken on an otherwise idle machine
(the table shows the load average, so a busy one is plain to see).

    python benchmarks/sweep_efficiency.py                         # 1,000 runs, 1 and 2 workers
    python benchmarks/sweep_efficiency.py --runs 200 --json sweep_efficiency.json
    python benchmarks/sweep_efficiency.py --runs 40 --people 2000 --days 60 --dask
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import pandas as pd


def build(runs: int, people: int, days: int):
    from socialsim import Scenario
    from socialsim.studies.sweeps import Sweep

    scenario = Scenario().replace({"graph.n": people, "run.days": days})
    parameters = {
        "wom.negativity": {"low": 0.5, "high": 3.0},
        "experiences.bad_rate": {"low": 0.002, "high": 0.01},
    }
    return Sweep(parameters, scenario=scenario, design="lhs", samples=runs, seed=2026)


def measure(spec, workers: int, out: Path, dask: bool) -> tuple[float, pd.DataFrame]:
    """Wall time of the whole sweep on ``workers`` workers, pool start-up included."""
    from socialsim.studies.runner import sweep
    from socialsim.studies.store import load_results

    started = time.perf_counter()
    if dask and workers > 1:
        from dask.distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            sweep(spec, out, executor=client, progress=False)
    else:
        sweep(spec, out, jobs=workers, progress=False)
    elapsed = time.perf_counter() - started
    return elapsed, load_results(out).drop(columns=["elapsed_s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs in the sweep (default 1000)")
    parser.add_argument("--people", type=int, default=10_000, help="graph.n (default 10000)")
    parser.add_argument("--days", type=int, default=180, help="run.days (default 180)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dask", action="store_true", help="a Dask LocalCluster, not a pool")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    spec = build(args.runs, args.people, args.days)
    rows, frames = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for workers in args.workers:
            load_before = os.getloadavg()[0]
            elapsed, frame = measure(spec, workers, Path(scratch) / f"w{workers}", args.dask)
            frames.append(frame)
            # Other processes on the machine slow the parallel runs most: say how busy it was.
            load = max(load_before, os.getloadavg()[0])
            rows.append({"workers": workers, "runs": spec.n_runs, "wall_s": elapsed, "load": load})
            print(f"  {workers} worker(s): {elapsed:.1f} s", flush=True)
    serial = next((r["wall_s"] for r in rows if r["workers"] == 1), None)
    for row in rows:
        row["runs_per_s"] = row["runs"] / row["wall_s"]
        row["efficiency"] = serial / (row["workers"] * row["wall_s"]) if serial else None
    identical = all(frame.equals(frames[0]) for frame in frames)

    executor = "Dask LocalCluster" if args.dask else "process pool"
    print(
        f"\n{spec.n_runs:,} runs of {args.people:,} people x {args.days} days, "
        f"{executor} (1 worker: in this process), Python {platform.python_version()}"
    )
    print(f"{'workers':>8}{'runs':>8}{'wall time':>12}{'runs/s':>10}{'efficiency':>12}{'load':>8}")
    for row in rows:
        efficiency = f"{row['efficiency']:.0%}" if row["efficiency"] is not None else "-"
        print(
            f"{row['workers']:>8}{row['runs']:>8,}{row['wall_s']:>11.1f}s"
            f"{row['runs_per_s']:>10.2f}{efficiency:>12}{row['load']:>8.1f}"
        )
    print(
        f"load: the machine's 1-minute load average, at most; above {os.cpu_count()} other work competed"
    )
    print(f"identical results on every worker count: {'yes' if identical else 'NO'}")
    if args.json:
        record = {
            "runs": spec.n_runs,
            "people": args.people,
            "days": args.days,
            "executor": executor,
            "machine": platform.machine(),
            "python": platform.python_version(),
            "identical": identical,
            "results": rows,
        }
        args.json.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":  # the process pool's workers import this file without running it
    main()
