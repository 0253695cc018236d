"""The care team's stable sort against numba's merge sort, by size: µs a call, best of five.

    python benchmarks/sorts.py
    python benchmarks/sorts.py --sizes 48 1000 11400

``kernels.stably_sorted`` takes numba's merge sort below ``kernels._FEW`` entries and its radix
sort from there; the table shows the radix sort alone too (called on as many entries repeated
past the threshold would change what is sorted, so a copy compiled here with ``_FEW`` set to 0
is timed). Keys are queue times in hundredths of an hour, as ``shift_starts`` sorts,
with many ties. Every call's order is checked against numpy's stable argsort first. This
script measures; it never asserts beyond that check.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from numba import njit

from socialsim import kernels


@njit(cache=False)
def merge_sorted(positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    return positions[np.argsort(values[positions], kind="mergesort")]


def radix_only() -> Callable:
    """``stably_sorted`` compiled with a threshold of 0: its radix sort at every size."""
    few = kernels._FEW
    kernels._FEW = 0
    try:  # numba reads the global when it compiles, at the first call
        sort = njit(cache=False)(kernels.stably_sorted.py_func)
        sort(np.zeros(1, np.int64), np.zeros(1))
        return sort
    finally:
        kernels._FEW = few


def best_of_five(sort: Callable, positions: np.ndarray, values: np.ndarray) -> float:
    repeats = max(20, 200_000 // max(positions.size, 1))
    best = np.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            sort(positions, values)
        best = min(best, (time.perf_counter() - start) / repeats)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[48, 100, 400, 1000, 1500, 5000, 11400]
    )
    args = parser.parse_args()
    radix = radix_only()
    rng = np.random.default_rng(0)
    sorts = {
        "radix sort": radix,
        "merge sort": merge_sorted,
        "stably_sorted": kernels.stably_sorted,
    }
    rows = {name: [] for name in sorts}
    for n in args.sizes:
        values = np.round(rng.exponential(10.0, 2 * n), 2)
        positions = rng.choice(2 * n, n, replace=False).astype(np.int64)
        expected = positions[np.argsort(values[positions], kind="stable")]
        for name, sort in sorts.items():
            if not np.array_equal(sort(positions, values), expected):
                raise SystemExit(f"{name} at {n} entries is not numpy's stable order")
            rows[name].append(best_of_five(sort, positions, values))
    print(f"_FEW = {kernels._FEW}; µs a call, best of five")
    print("| entries | " + " | ".join(f"{n:,}" for n in args.sizes) + " |")
    print("| --- " * (len(args.sizes) + 1) + "|")
    for name, times in rows.items():
        print(f"| {name} | " + " | ".join(f"{t:.3g}" for t in times) + " |")


if __name__ == "__main__":
    main()
