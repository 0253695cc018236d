"""Every speed target of issue 21 in one table: the target, what this machine measured, the
command that measures it, and whether it is met.

    python benchmarks/targets.py                            # all but 10M (~25 min idle, ABC most)
    python benchmarks/targets.py --only default engine worker
    python benchmarks/targets.py --quick                    # compare, ABC, 1M and 10M scaled down
    python benchmarks/targets.py --ten-million --json targets.json

Measurements, by name (``--only``):

default      the default scenario (10,000 fans, 180 days) in this process, warm: the model
             built and run, best of ``--repeats``; also a study's whole run (``execute``: the
             model, its KPI frame, value and per-run summary).
engine       the engine against the per-agent Mesa model at 10,000 and 100,000 fans
             (``peers.py``'s engine section, best of 3 blocks).
worker       a process pool as studies start it: time from creating the pool to the result of
             a first tiny run (200 people, one day), three pools in a row. The first pool of a
             process may pay more (a fork server starting); later pools show what a new
             worker costs once it has. A fresh interpreter importing the model is shown too.
compare      ``socialsim compare stay-out-or-answer --robust 16 --replicates 2 --jobs 2``, wall
             time of the command (the plain comparison, the 96 robust runs and the report).
abc          ``socialsim calibrate`` on the calibration example (3 parameters, 3,000 people,
             90 days), 1,000 particles, 5 generations, 2 jobs.
million      1M fans x 365 days (``scale.py`` in a fresh process): run time and peak memory.
ten-million  10M fans x 365 days; only with ``--ten-million`` or ``--only ten-million``.

``--quick`` scales compare (4 worlds), abc (100 particles) and the 1M/10M runs (30 days)
down, extrapolates linearly to the target's size and marks the row "extrapolated"; fixed
costs are scaled too, so the estimate errs on the slow side. Every row shows the machine's
1-minute load average: on a shared machine, timings are only comparable at a similar load.
This script measures; it never asserts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAMES = ("default", "engine", "worker", "compare", "abc", "million", "ten-million")
CLI = [sys.executable, "-c", "from socialsim.cli import main; main()"]


@dataclass
class Row:
    target: str
    measured: str
    command: str
    met: bool | None  # None: a reference figure, no target of its own
    extrapolated: bool = False
    load: float = field(default_factory=lambda: os.getloadavg()[0])  # when measured
    value: float | None = None  # the number compared with the target, for the JSON record

    def verdict(self) -> str:
        if self.met is None:
            return "—"
        return ("yes" if self.met else "no") + (" (extrapolated)" if self.extrapolated else "")


def _load() -> float:
    return os.getloadavg()[0]


def _module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _this(name: str) -> str:
    return f"python benchmarks/targets.py --only {name}"


# ----------------------------------------------------------------------------- default
def default(args: argparse.Namespace) -> list[Row]:
    from socialsim import EngagementModel, Scenario
    from socialsim.studies.sweeps import Run
    from socialsim.studies.workers import Task, execute

    scenario = Scenario()
    fan_days = scenario.graph.n * scenario.run.days
    EngagementModel(scenario, rng=1).run()  # warm: kernels loaded, caches filled
    walls, cpus = [], []
    for seed in range(args.repeats):
        started, cpu = time.perf_counter(), time.process_time()
        EngagementModel(scenario, rng=seed).run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    best = min(walls)
    rows = [
        Row(
            "default scenario, warm, in-process: ≤ 0.1 s a run (≥ 18 M fan-days/s)",
            f"{best:.3f} s, {fan_days / best / 1e6:.1f} M fan-days/s (best of {args.repeats}; "
            f"median {statistics.median(walls):.3f} s, CPU {min(cpus):.3f} s)",
            _this("default"),
            best <= 0.1,
            value=best,
        )
    ]
    runs = [Run(f"r{i}", 0, i, {}, seed=i, spawn_key=()) for i in range(3)]
    tasks = [Task(run, scenario, {}, ("nps", "fans"), False, "bench") for run in runs]
    elapsed = [execute(task)[0]["elapsed_s"] for task in tasks]
    rows.append(
        Row(
            "(reference) one run of a study: model, KPI frame, value, summary",
            f"{min(elapsed):.3f} s (best of {len(tasks)})",
            _this("default"),
            None,
            value=min(elapsed),
        )
    )
    return rows


# ----------------------------------------------------------------------------- engine
def engine(args: argparse.Namespace) -> list[Row]:
    rows = []
    for row in _module("peers").bench_engine([10_000, 100_000], 30, {10_000: 10, 100_000: 3}):
        rows.append(
            Row(
                f"engine ≥ 100× the per-agent Mesa model at {row['fans']:,} fans",
                f"{row['speed_up']:.0f}× ({row['engine_ms_per_day']:.2f} against "
                f"{row['mesa_ms_per_day']:.1f} ms a day)",
                _this("engine"),
                row["speed_up"] >= 100,
                value=row["speed_up"],
            )
        )
    return rows


# ----------------------------------------------------------------------------- worker
_FRESH = (
    "import time; t = time.perf_counter(); "
    "from socialsim import EngagementModel, Scenario; import socialsim.studies.workers; "
    "EngagementModel(Scenario().replace({'graph.n': 200, 'run.days': 1}), rng=1).run(); "
    "print(time.perf_counter() - t)"
)


def worker(args: argparse.Namespace) -> list[Row]:
    from socialsim import Scenario
    from socialsim.studies.sweeps import Run
    from socialsim.studies.workers import Task, execute, process_pool

    tiny = Scenario().replace({"graph.n": 200, "run.days": 1})
    task = Task(Run("r0", 0, 0, {}, 1, ()), tiny, {}, ("fans",), False, "bench")
    times = []
    for _ in range(3):
        started = time.perf_counter()
        with process_pool(1) as pool:
            pool.submit(execute, task).result()
            times.append(time.perf_counter() - started)
    later = statistics.median(times[1:])
    rows = [
        Row(
            "a new worker process ready to run: ≤ 0.5 s",
            f"{later:.2f} s (pool created to a first one-day run's result; median of pools "
            f"2–3; the process's first pool: {times[0]:.2f} s)",
            _this("worker"),
            later <= 0.5,
            value=later,
        )
    ]
    started = time.perf_counter()
    inside = float(
        subprocess.run(
            [sys.executable, "-c", _FRESH], check=True, capture_output=True, text=True
        ).stdout
    )
    rows.append(
        Row(
            "(reference) a fresh interpreter: import the model, run one tiny day",
            f"{time.perf_counter() - started:.2f} s wall ({inside:.2f} s after start-up)",
            _this("worker"),
            None,
            value=inside,
        )
    )
    return rows


# ----------------------------------------------------------------------------- compare
def compare(args: argparse.Namespace) -> list[Row]:
    worlds = 4 if args.quick else 16
    shown = f"socialsim compare stay-out-or-answer --robust {worlds} --replicates 2 --jobs 2"
    with tempfile.TemporaryDirectory() as out:
        command = ["compare", "stay-out-or-answer", "--robust", str(worlds), "--replicates", "2"]
        elapsed = _wall([*CLI, *command, "--jobs", "2", "--out", out, "--quiet"])
    runs, full = 3 * 2 * (1 + worlds), 3 * 2 * (1 + 16)  # the plain comparison, then worlds
    estimate = elapsed * full / runs
    measured = f"{estimate:.0f} s"
    if args.quick:
        measured += f" ({elapsed:.0f} s for {runs} runs, scaled to {full})"
    return [
        Row(
            "compare stay-out-or-answer --robust 16 --replicates 2 on 2 cores: ≤ 2 min",
            measured,
            shown,
            estimate <= 120,
            extrapolated=args.quick,
            value=estimate,
        )
    ]


# ----------------------------------------------------------------------------- abc
def abc(args: argparse.Namespace) -> list[Row]:
    particles = 100 if args.quick else 1000
    example = "experiments/calibration"
    fit = [
        "calibrate",
        f"{example}/observed.csv",
        "--scenario",
        f"{example}/scenario.toml",
        "--params",
        "experiences.bad_rate,experiences.complaint_rate,population.loyalty_mean",
        "--bounds",
        "experiences.bad_rate=0.001:0.02",
        "--bounds",
        "experiences.complaint_rate=0.05:0.95",
        "--bounds",
        "population.loyalty_mean=6.5:9",
        "--population",
        str(particles),
        "--generations",
        "5",
        "--jobs",
        "2",
        "--seed",
        "1",
    ]
    with tempfile.TemporaryDirectory() as out:
        elapsed = _wall([*CLI, *fit, "--out", out, "--quiet"])
    estimate = elapsed * 1000 / particles
    measured = f"{estimate / 60:.1f} min"
    if args.quick:
        measured += f" ({elapsed:.0f} s for {particles} particles, scaled to 1,000)"
    return [
        Row(
            "ABC, 3 parameters, 1,000 particles, 5 generations, 2 cores: ≤ 15 min",
            measured,
            "socialsim " + " ".join(fit).replace(f"--population {particles}", "--population 1000"),
            estimate <= 15 * 60,
            extrapolated=args.quick,
            value=estimate,
        )
    ]


# ----------------------------------------------------------------------------- big runs
def _big(args: argparse.Namespace, n: int, seconds: float, gigabytes: float) -> list[Row]:
    days = 30 if args.quick else 365
    command = [sys.executable, str(HERE / "scale.py"), "--one", str(n), "--days", str(days)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    result = json.loads(output.strip().splitlines()[-1])
    run_s = result["run_s"] * 365 / days
    peak_gb = result["peak_mb"] / 1024
    measured = f"run {run_s:.1f} s (+ {result['setup_s']:.1f} s set-up), peak {peak_gb:.2f} GB"
    if args.quick:
        measured += f" ({result['run_s']:.1f} s for {days} days, scaled to 365)"
    label = f"{n // 1_000_000}M"
    return [
        Row(
            f"{label} fans × 365 days: ≤ {seconds:.0f} s run, ≤ {gigabytes:.0f} GB",
            measured,
            f"python benchmarks/scale.py --sizes {n} --days 365",
            run_s <= seconds and peak_gb <= gigabytes,
            extrapolated=args.quick,
            value=run_s,
        )
    ]


def million(args: argparse.Namespace) -> list[Row]:
    return _big(args, 1_000_000, 10, 2)


def ten_million(args: argparse.Namespace) -> list[Row]:
    return _big(args, 10_000_000, 120, 10)


MEASUREMENTS: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "default": default,
    "engine": engine,
    "worker": worker,
    "compare": compare,
    "abc": abc,
    "million": million,
    "ten-million": ten_million,
}


def table(rows: list[Row]) -> str:
    lines = ["| target | measured | load | command | met? |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        lines.append(
            f"| {row.target} | {row.measured} | {row.load:.1f} | `{row.command}` | {row.verdict()} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="+", choices=NAMES, help="Measure these only.")
    parser.add_argument("--quick", action="store_true", help="Scale down and extrapolate.")
    parser.add_argument("--ten-million", action="store_true", help="Add the 10M-fan run.")
    parser.add_argument("--repeats", type=int, default=5, help="Runs of the default scenario.")
    parser.add_argument("--json", type=Path, help="Also write the rows to this JSON file.")
    args = parser.parse_args()

    wanted = args.only or [n for n in NAMES if n != "ten-million" or args.ten_million]
    rows: list[Row] = []
    for name in wanted:
        print(f"# {name} (load {_load():.1f})", file=sys.stderr, flush=True)
        rows += MEASUREMENTS[name](args)
    print(table(rows))
    host = _module("peers").machine()
    print(f"\nload: 1-minute load average after each measurement, on {host['cores']} cores")
    print(f"machine: {host['cpu']} ({host['llvm_cpu']}), Python {host['python']}")
    if args.json:
        record = {"command": " ".join(sys.argv), "rows": [asdict(r) for r in rows]}
        record["machine"] = host
        args.json.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":  # pool workers may import this file without running it
    main()
