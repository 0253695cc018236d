"""Start-up: importing socialsim and asking the command line for help load no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import socialsim

HEAVY = ("matplotlib", "dask", "distributed", "scipy.stats", "numba", "pandas", "mesa", "pyarrow")


def loaded_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_socialsim_loads_no_heavy_library():
    assert loaded_after("import socialsim") == []


def test_a_public_name_loads_what_it_needs_and_no_more():
    assert "matplotlib" not in loaded_after("import socialsim; socialsim.Scenario()")
    assert "scipy.stats" not in loaded_after("from socialsim import Scenario")


def test_every_public_name_resolves():
    for name in socialsim.__all__:
        assert getattr(socialsim, name) is not None
    assert set(socialsim.__all__) <= set(dir(socialsim))
    assert socialsim.compare.__module__ == "socialsim.studies.compare"
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        socialsim.nothing  # noqa: B018


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["compare", "--help"]])
def test_the_command_line_answers_help_without_heavy_libraries(args):
    code = (
        f"import sys\nsys.argv = ['socialsim', *{args!r}]\nfrom socialsim.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(code) == []
