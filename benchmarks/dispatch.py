"""What a day pays numba to call its kernels, and whether fusing them could keep numpy's numbers.

    python benchmarks/dispatch.py                 # the default scenario
    python benchmarks/dispatch.py --rounds 8      # more alternations of the A/B timing

Three tables, for the next step of issue 21 (docs/performance.md, thirteenth round):

1. **Census.** Every compiled kernel a phase calls from Python, over 50 days of the default
   scenario: calls a day, and per call the arrays it is given (inside tuples too), the tuples,
   and the arrays it returns. Each array given costs numba an unboxing, each array returned a
   boxing; the sums a day say how much of the day's overhead a fused call could save.
2. **Dispatch, with and without.** Whole runs alternate between the kernels as they are and
   the kernels called through their one compiled entry point (``overloads[sig].entry_point``),
   which skips numba's typing of the arguments. This is an upper bound of what any bypass of
   the dispatch saves, not a proposal: the entry point unboxes whatever it is given as the types
   it was compiled for, so an array of another dtype would be read as the wrong numbers.
3. **Exactness.** Whether numba's ``exp``, ``expm1``, ``log1p`` and ``tanh`` give numpy's
   bits on this machine, over two million values in each of four ranges. The phases call numpy's
   between kernels to keep every seeded number numpy's; where numba's equal them here, they may
   not on a machine whose numpy takes an AVX-512 path (numpy's SIMD ``exp``, ``log`` and its
   SVML-based ``expm1``, ``log1p``, ``tanh``).

This script measures; it never asserts.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit
from numba.core.registry import CPUDispatcher

CENSUS_DAYS = 50


def _kernels() -> dict[tuple[str, str], CPUDispatcher]:
    """Every compiled kernel bound to a name in a loaded socialsim module."""
    return {
        (module, name): value
        for module, loaded in list(sys.modules.items())
        if module.startswith("socialsim")
        for name, value in list(vars(loaded).items())
        if isinstance(value, CPUDispatcher)
    }


def _bind(kernels: dict[tuple[str, str], Any]) -> None:
    for (module, name), value in kernels.items():
        setattr(sys.modules[module], name, value)


def _arrays_and_tuples(value: Any) -> tuple[int, int]:
    if isinstance(value, np.ndarray):
        return 1, 0
    if isinstance(value, tuple):
        inner = [_arrays_and_tuples(v) for v in value]
        return sum(a for a, _ in inner), 1 + sum(t for _, t in inner)
    return 0, 0


def census(scenario: Any) -> list[tuple[str, float, float, float, float]]:
    """Per kernel: calls a day, arrays given, tuples given and arrays returned per call."""
    from socialsim import EngagementModel

    kernels = _kernels()
    seen: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0])

    def counted(kernel: CPUDispatcher, name: str) -> Any:
        def call(*args: Any) -> Any:
            result = kernel(*args)
            given, tuples = _arrays_and_tuples(args)
            row = seen[name]
            row[0] += 1
            row[1] += given
            row[2] += tuples
            row[3] += _arrays_and_tuples(result)[0]
            return result

        return call

    _bind({key: counted(kernel, key[1]) for key, kernel in kernels.items()})
    try:
        EngagementModel(scenario, rng=2).run(days=CENSUS_DAYS)
    finally:
        _bind(kernels)
    return sorted(
        (
            (name, calls / CENSUS_DAYS, given / calls, tuples / calls, returned / calls)
            for name, (calls, given, tuples, returned) in seen.items()
            if calls >= CENSUS_DAYS  # a day's kernels, not the set-up's
        ),
        key=lambda row: -row[1] * row[2],
    )


def dispatch_ab(scenario: Any, rounds: int, runs: int) -> tuple[list[float], list[float]]:
    """Best run time of each round, through numba's dispatch and through the entry points."""
    from socialsim import EngagementModel

    kernels = _kernels()
    direct = {
        key: next(iter(kernel.overloads.values())).entry_point
        for key, kernel in kernels.items()
        if len(kernel.overloads) == 1
    }

    def best() -> float:
        times = []
        for seed in range(runs):
            started = time.perf_counter()
            EngagementModel(scenario, rng=seed).run()
            times.append(time.perf_counter() - started)
        return min(times)

    dispatched, entered = [], []
    try:
        for _ in range(rounds):
            _bind(kernels)
            dispatched.append(best())
            _bind(direct)
            entered.append(best())
    finally:
        _bind(kernels)
    return dispatched, entered


@njit
def _compiled(x: np.ndarray) -> np.ndarray:  # pragma: no cover
    out = np.empty((4, x.size))
    for i in range(x.size):
        out[0, i] = math.exp(x[i])
        out[1, i] = math.expm1(x[i])
        out[2, i] = math.log1p(abs(x[i]))
        out[3, i] = math.tanh(x[i])
    return out


def exactness() -> list[tuple[str, str, int]]:
    """Per range and function: how many of 2,000,000 values numba rounds otherwise than numpy."""
    rng = np.random.default_rng(0)
    rows = []
    for low, high in ((-30.0, 5.0), (-5.0, 0.0), (-1.0, 1.0), (-0.01, 0.01)):
        x = rng.uniform(low, high, 2_000_000)
        compiled = _compiled(x)
        numpy = (np.exp(x), np.expm1(x), np.log1p(np.abs(x)), np.tanh(x))
        for name, ours, theirs in zip(
            ("exp", "expm1", "log1p (|x|)", "tanh"), compiled, numpy, strict=True
        ):
            rows.append((f"[{low:g}, {high:g})", name, int(np.count_nonzero(ours != theirs))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=6, help="A/B alternations (default 6).")
    parser.add_argument("--runs", type=int, default=6, help="Runs a round (default 6).")
    args = parser.parse_args()

    from socialsim import EngagementModel, Scenario

    scenario = Scenario()
    EngagementModel(scenario, rng=1).run()  # warm: kernels loaded, caches filled

    rows = census(scenario)
    print(f"## Census: compiled kernels called from Python, {CENSUS_DAYS} days, default scenario")
    print("| kernel | calls a day | arrays given a call | tuples given | arrays returned |")
    print("| --- | --- | --- | --- | --- |")
    for name, calls, given, tuples, returned in rows:
        print(f"| {name} | {calls:.2f} | {given:.1f} | {tuples:.1f} | {returned:.1f} |")
    total = [sum(row[1] * row[k] for row in rows) for k in (2, 3, 4)]
    print(
        f"| a day | {sum(row[1] for row in rows):.1f} | {total[0]:.0f} | {total[1]:.0f} | "
        f"{total[2]:.0f} |"
    )

    dispatched, entered = dispatch_ab(scenario, args.rounds, args.runs)
    print(f"\n## A run (build and {scenario.run.days} days), best of {args.runs} a round, s")
    print("| kernels called | each round | best | median of rounds |")
    print("| --- | --- | --- | --- |")
    for label, times in (("through numba's dispatch", dispatched), ("by entry point", entered)):
        each = " ".join(f"{t:.4f}" for t in times)
        print(f"| {label} | {each} | {min(times):.4f} | {statistics.median(times):.4f} |")

    print("\n## numba's rounding against numpy's, 2,000,000 values a range")
    print("| range | function | values that differ |")
    print("| --- | --- | --- |")
    for where, name, differ in exactness():
        print(f"| {where} | {name} | {differ:,} |")
    from numpy._core._multiarray_umath import __cpu_features__

    wide = [k for k in ("AVX2", "AVX512F", "AVX512_SKX") if __cpu_features__.get(k)]
    host = _peers().machine()
    print(
        f"\nmachine: {host['cpu']} ({host['llvm_cpu']}), numpy {np.__version__} "
        f"({', '.join(wide) or 'no AVX2'}), Python {host['python']}"
    )


def _peers() -> Any:
    """benchmarks/peers.py, for its description of the machine."""
    spec = importlib.util.spec_from_file_location("peers", Path(__file__).with_name("peers.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    main()
