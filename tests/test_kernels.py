"""The compiled kernels' disk cache: used across processes, never a reason to fail.

A read-only install folder and an unwritable home (a container, a service account) are
simulated, root or not: numba is allowed only its user-provided and user-wide cache locators
(the in-tree one writes next to the installed sources), and both point below /dev/null.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from socialsim.kernels import _private_folder

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
