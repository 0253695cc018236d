"""The compiled kernels' helpers: their disk cache, used across processes, never a reason to
fail and never stale; and their stable sort, which must give numpy's order entry for entry.

A read-only install folder and an unwritable home (a container, a service account) are
simulated, root or not: numba is allowed only its user-provided and user-wide cache locators
(the in-tree one writes next to the installed sources), and both point below /dev/null.
"""

from __future__ import annotations

import ast
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialsim.kernels import _FEW, _FRONT_END, _private_folder, model_stamp, stably_sorted

# Every kernel of a run is defined through socialsim.kernels.njit on importing the model (where
# numba, left alone, would refuse to define one); one small kernel is then compiled and run.
# A whole run would compile some sixty kernels, about two minutes of CI, to show the same.
SMALL_RUN = (
    "import numpy as np\n"
    "import socialsim.model\n"
    "from socialsim.fans.identification import spread\n"
    "from socialsim.network.graph import SocialGraph\n"
    "graph = SocialGraph.from_edges([0, 1], [2, 2], n_nodes=3, directed=True)\n"
    "print(spread(graph, np.array([0, 1]), 1.0, np.array([0, 1, 0]), 0.5)[1])\n"
)
HELP = "import sys\nfrom socialsim.cli import main\nsys.argv = ['socialsim', '--help']\nmain()\n"


def unwritable(tmp_path: Path, locators: str) -> dict[str, str]:
    """An environment where numba finds no writable cache folder of its own."""
    source = Path(__file__).resolve().parents[1] / "src"
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(source), os.environ.get("PYTHONPATH", "")]),
        "HOME": "/dev/null",
        "XDG_CACHE_HOME": "/dev/null/cache",
        "NUMBA_CACHE_DIR": "/dev/null/numba",
        "NUMBA_CACHE_LOCATOR_CLASSES": locators,
        "TMPDIR": str(tmp_path),
        "MPLCONFIGDIR": str(tmp_path),  # matplotlib's own complaint is not under test
    }


def python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_without_a_writable_cache_folder_the_cache_moves_to_a_private_temporary_one(tmp_path):
    env = unwritable(tmp_path, "UserProvidedCacheLocator,UserWideCacheLocator")
    for code in (HELP, SMALL_RUN):
        done = python(code, env)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    folder = tmp_path / f"socialsim-numba-{os.getuid()}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert list(folder.rglob("*.nbi")), "the kernels were cached"
    # A new process (a sweep's worker) loads them instead of compiling again.
    again = python(SMALL_RUN, {**env, "NUMBA_DEBUG_CACHE": "1"})
    assert again.returncode == 0, again.stderr
    assert "data loaded from" in again.stdout and "data saved to" not in again.stdout
    assert again.stdout.splitlines()[-1] == "[1.5]"


@pytest.mark.slow
def test_without_any_cache_folder_the_kernels_compile_uncached(tmp_path):
    # Only the user-wide locator, below /dev/null: not even a temporary folder can be used.
    env = unwritable(tmp_path, "UserWideCacheLocator")
    done = python(SMALL_RUN, env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout == "[1.5]\n"
    assert not list(tmp_path.rglob("*.nbi"))


def test_a_temporary_folder_someone_else_could_write_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / f"socialsim-numba-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)
    folder = Path(_private_folder())
    assert folder != shared and folder.parent == tmp_path
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    shared.chmod(0o700)
    assert Path(_private_folder()) == shared


# A kernel of one file (servers.py) calling a kernel of another (kernels.py's sort).
SERVE = (
    "import numpy as np\n"
    "from socialsim.brand.servers import serve\n"
    "begin, _ = serve(np.zeros(3), np.array([2.0, 0.0, 1.0]), np.zeros(3), np.ones(3), "
    "(0.0, 8.0), 1, [])\n"
    "print(begin.tolist())\n"
)


def copy_of_the_package(tmp_path: Path) -> Path:
    package = Path(__file__).resolve().parents[1] / "src" / "socialsim"
    copy = tmp_path / "src" / "socialsim"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.slow
def test_a_cached_kernel_compiles_again_when_a_kernel_it_calls_changes(tmp_path):
    copy = copy_of_the_package(tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": str(copy.parent),
        "NUMBA_CACHE_DIR": str(tmp_path / "cache"),
        "NUMBA_DEBUG_CACHE": "1",
    }
    first = python(SERVE, env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == "[2.0, 0.0, 1.0]"  # the lowest key first
    # A change to the front end leaves the cached kernels valid.
    cli = copy / "cli" / "__init__.py"
    cli.write_text(cli.read_text() + "\n# changed\n")
    again = python(SERVE, env)
    assert "data loaded from" in again.stdout and "data saved to" not in again.stdout
    # The sort turned around in kernels.py; servers.py, whose kernel calls it, unchanged.
    kernels = copy / "kernels.py"
    text = kernels.read_text()
    merged = 'np.argsort(values[positions], kind="mergesort")]'
    assert text.count(merged) == 1
    kernels.write_text(text.replace(merged, merged[:-1] + "[::-1]]"))
    changed = python(SERVE, env)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.splitlines()[-1] == "[0.0, 2.0, 1.0]"  # the highest key first


NOTICED = "socialsim: compiling kernels for this machine"
TWO_KERNELS = """
import numpy as np
from socialsim.kernels import njit

@njit(cache={cache})
def total(x):
    return x.sum()

@njit(cache={cache})
def twice(x):
    return 2 * total(x)

print(twice(np.arange(3.0)))
"""


@pytest.mark.parametrize("cache", [True, False])
def test_compiling_cached_kernels_is_said_once_and_loading_them_never(tmp_path, cache):
    script = tmp_path / "kernels_script.py"
    script.write_text(TWO_KERNELS.format(cache=cache))
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    runs = [run_script(script, env) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == "6.0"
    # Compiled, two kernels said once; loaded from the cache, nothing. A kernel without a
    # cache compiles in every process, a moment for the few tests and scripts that use one.
    assert runs[0].stderr.count(NOTICED) == (1 if cache else 0)
    assert NOTICED not in runs[1].stderr


# A listener registered after socialsim's marks when numba starts compiling.
MARKED = """
import sys
from numba.core import event
import socialsim.kernels

class Mark(event.Listener):
    def on_start(self, e):
        print("compile starts", file=sys.stderr, flush=True)
    def on_end(self, e):
        pass

event.register("numba:compile", Mark())
"""


def test_the_compile_notice_comes_as_compiling_starts(tmp_path):
    script = tmp_path / "kernels_script.py"
    script.write_text(MARKED + TWO_KERNELS.format(cache=True))
    run = run_script(script, {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")})
    assert run.returncode == 0, run.stderr
    assert NOTICED in run.stderr  # before the minutes of compiling, not after them
    assert run.stderr.index(NOTICED) < run.stderr.index("compile starts")


FAILING_STDERR = """
import sys

class Failing:
    def write(self, text):
        raise OSError("the terminal is gone")
    def flush(self):  # Python flushes stderr as it exits: a failure there is no compile's
        pass

sys.stderr = {stderr}
"""


@pytest.mark.parametrize("stderr", ["Failing()", "None"])
def test_a_stderr_that_fails_or_is_none_never_fails_a_compile(tmp_path, stderr):
    script = tmp_path / "kernels_script.py"
    script.write_text(FAILING_STDERR.format(stderr=stderr) + TWO_KERNELS.format(cache=True))
    run = run_script(script, {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "6.0"  # the notice went nowhere, stdout least of all


def run_script(script: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300
    )


def test_the_model_stamp_covers_the_model_and_not_the_front_end(tmp_path):
    copy = copy_of_the_package(tmp_path)
    stamp = model_stamp(str(copy))
    assert stamp == model_stamp.__wrapped__(str(copy))  # the same walk gives the same digest
    for front in _FRONT_END:
        first = sorted((copy / front).rglob("*.py"))[0]
        first.write_text(first.read_text() + "\n# changed\n")
    assert model_stamp.__wrapped__(str(copy)) == stamp
    for model in ("population.py", "fans/depth.py", "network/csr.py"):
        source = copy / model
        kept = source.read_text()
        source.write_text(kept + "\n# changed\n")
        assert model_stamp.__wrapped__(str(copy)) != stamp, model
        source.write_text(kept)
    assert stably_sorted._cache._cache_file._source_stamp[1] == model_stamp()


def test_no_module_with_compiled_code_imports_the_front_end():
    # What a kernel can read (the modules its own imports, however indirectly), outside the
    # front end: otherwise a change there would leave cached kernels stale.
    package = Path(__file__).resolve().parents[1] / "src" / "socialsim"
    modules = {
        ".".join(("socialsim", *path.relative_to(package).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): path
        for path in package.rglob("*.py")
    }

    def imported(path: Path) -> set[str]:
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
        return {name for name in names if name in modules}

    compiled = [m for m, path in modules.items() if "njit(" in path.read_text(encoding="utf-8")]
    assert "socialsim.brand.servers" in compiled
    reached, todo = set(compiled), list(compiled)
    while todo:
        for name in imported(modules[todo.pop()]) - reached:
            reached.add(name)
            todo.append(name)
    front = {m for m in reached if m.split(".")[1] in _FRONT_END}
    assert not front, f"modules with compiled code reach the front end: {sorted(front)}"


# ----------------------------------------------------------------------------- stably_sorted
# Values from a small pool tie often; the pool holds both zeros, both infinities, NaNs of both
# signs and payloads, and subnormals: the values a sort by bits could put out of numpy's order.
PAYLOAD_NAN = float(np.array(0x7FF8_0000_0000_0001, np.uint64).view(np.float64))
POOL = [0.0, -0.0, 1.0, -1.0, 2.5, np.inf, -np.inf, np.nan, -np.nan, PAYLOAD_NAN]
POOL += [5e-324, -5e-324, 1e300]


def numpy_order(positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    return positions[np.argsort(values[positions], kind="stable")]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.sampled_from(POOL), st.floats(allow_nan=True)), min_size=1, max_size=300
    ),
    data=st.data(),
)
def test_stably_sorted_gives_numpys_stable_order(values, data):
    values = np.array(values)
    n = data.draw(st.integers(0, 2 * values.size))
    positions = np.array(
        data.draw(st.lists(st.integers(0, values.size - 1), min_size=n, max_size=n)), np.int64
    )
    if n and data.draw(st.booleans()):  # repeated past _FEW for the radix sort, else merged
        positions = np.tile(positions, _FEW // n + 1)
    got = stably_sorted(positions, values)
    np.testing.assert_array_equal(got, numpy_order(positions, values))
    assert got is not positions


@pytest.mark.parametrize("n", [_FEW - 1, _FEW, 5_000])
def test_stably_sorted_keeps_the_order_of_ties_and_puts_nan_last(n):
    rng = np.random.default_rng(n)
    values = rng.choice(POOL, size=n)
    positions = rng.permutation(n).astype(np.int64)
    got = stably_sorted(positions, values)
    np.testing.assert_array_equal(got, numpy_order(positions, values))
    # The zeros in the order they came, whichever their sign; the NaNs last, likewise.
    zeros = positions[values[positions] == 0.0]
    np.testing.assert_array_equal(got[np.isin(got, zeros)], zeros)
    nans = positions[np.isnan(values[positions])]
    np.testing.assert_array_equal(got[n - nans.size :], nans)


def test_two_stable_sorts_give_the_care_teams_priority_order():
    # Keys and arrivals with many ties: by key, then by arrival, then by position (lexsort).
    rng = np.random.default_rng(3)
    key = rng.integers(0, 3, 2_000).astype(float)
    arrival = rng.integers(0, 50, 2_000) / 4.0
    positions = np.flatnonzero(rng.random(2_000) < 0.7)
    got = stably_sorted(stably_sorted(positions, arrival), key)
    np.testing.assert_array_equal(got, positions[np.lexsort((arrival[positions], key[positions]))])


@pytest.mark.parametrize("odd", [0, 1, _FEW + 3])
def test_stably_sorted_moves_the_one_value_that_differs(odd):
    # A byte shared by all but one value still needs its pass (a radix sort may skip a byte
    # only when every value shares it).
    values = np.ones(_FEW + 10)
    values[odd] = 0.5
    got = stably_sorted(np.arange(values.size), values)
    assert got[0] == odd
    np.testing.assert_array_equal(got, numpy_order(np.arange(values.size), values))


def test_the_model_stamp_survives_an_editors_lock_file(tmp_path):
    # Emacs marks an unsaved buffer with a symbolic link to nowhere named .#model.py.
    copy = copy_of_the_package(tmp_path)
    stamp = model_stamp.__wrapped__(str(copy))
    (copy / ".#model.py").symlink_to("root@host.1:1")
    assert model_stamp.__wrapped__(str(copy)) != stamp  # a stamp, not an error
