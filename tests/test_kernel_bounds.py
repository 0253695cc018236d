"""Every compiled read stays inside its array, the walks ahead's prefetches included.

A prefetch (:func:`socialsim.kernels.prefetch`) past an array's end changes no value and does
not fault, so no test of values sees a walk ahead that asks one row or one arc too far. Under
``NUMBA_BOUNDSCHECK=1`` every read of every kernel checks its index, and a prefetch checks its
own as a read does; the kernels' tests run so in a fresh process, with an empty kernel cache
(the cached code was compiled without the checks).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest

from socialsim.kernels import njit, prefetch

TESTS = Path(__file__).resolve().parent

# The tests of the kernels that ask ahead (the spread's walks, word of mouth's talkers,
# defence's watchers, churn, the onlookers' sums, Population.shift) and of the triage's draws,
# and two small whole runs (test_a_run_in_blocks_...), which call every kernel of a day; the
# rest of the two files would add a minute of compiling, for kernels that read in order.
BOUNDED = (
    "spread or blocks or walk_ahead or word_of_mouth or advocacy or churn or onlookers "
    "or shift or triage or checks_its_index"
)
# The tests, then every kernel that calls prefetch, each of which they must have compiled (run):
# a test renamed, or a new kernel that asks ahead, must not drop out of the checked run unseen.
INNER = """
import importlib, inspect, pathlib, sys
import numba, pytest
assert numba.config.BOUNDSCHECK == 1, numba.config.BOUNDSCHECK
code = pytest.main(sys.argv[1:])
source = pathlib.Path(importlib.import_module("socialsim").__file__).parent
asking = []
for path in sorted(source.rglob("*.py")):
    if "prefetch(" in path.read_text() and path.name != "kernels.py":
        name = ".".join(("socialsim", *path.relative_to(source).with_suffix("").parts))
        for kernel in vars(importlib.import_module(name)).values():
            if isinstance(kernel, numba.core.registry.CPUDispatcher) and kernel.__module__ == name:
                if "prefetch(" in inspect.getsource(kernel.py_func):
                    asking.append(kernel)
unrun = [kernel.__qualname__ for kernel in asking if not kernel.signatures]
print(f"kernels that ask ahead: {len(asking)}; not run: {unrun}")
sys.exit(code or bool(unrun) or not asking)
"""


@njit(cache=False, boundscheck=True)
def _checked_prefetch(values: np.ndarray, at: np.ndarray) -> float:
    for position in at:
        prefetch(values, position)
    return values[0]


@pytest.mark.parametrize("kind", [np.int32, np.int64])
def test_a_prefetch_checks_its_index_where_reads_are_checked(kind):
    values = np.arange(4.0)
    assert _checked_prefetch(values, np.array([0, 3], kind)) == 0.0  # both ends are in
    for outside in (4, -1):
        with pytest.raises(IndexError):
            _checked_prefetch(values, np.array([0, outside], kind))


def test_a_prefetch_takes_only_an_integer_index():
    with pytest.raises(numba.TypingError):
        _checked_prefetch(np.arange(4.0), np.array([1.5]))


@pytest.mark.slow
def test_the_kernels_tests_pass_with_every_read_bounds_checked(tmp_path):
    env = {
        **os.environ,
        "NUMBA_BOUNDSCHECK": "1",
        "NUMBA_CACHE_DIR": str(tmp_path),
        "MPLCONFIGDIR": str(tmp_path),
    }
    files = ["test_phase_kernels_fans.py", "test_phase_kernels_brand.py", Path(__file__).name]
    options = ["-q", "-p", "no:cacheprovider", "-k", BOUNDED]
    result = subprocess.run(
        [sys.executable, "-c", INNER, *options, *(str(TESTS / name) for name in files)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "; not run: []" in result.stdout
