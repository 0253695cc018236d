"""Doctests of the view need the optional ``dashboard`` extra; skip their modules without it.

Which modules need it is found by importing each one, not listed by hand: a list went stale
once already (``page.py``), and the test run without the extra then failed to collect.
"""

import importlib
from importlib.util import find_spec
from pathlib import Path

EXTRA = {"solara", "ipyvuetify", "ipyvue", "ipywidgets", "reacton"}


def _needs_extra(module: str) -> bool:
    try:
        importlib.import_module(f"socialsim.dashboard.{module}")
    except ModuleNotFoundError as missing:
        if (missing.name or "").partition(".")[0] in EXTRA:
            return True
        raise
    return False


collect_ignore = (
    []
    if find_spec("solara")
    else [
        path.name
        for path in sorted(Path(__file__).parent.glob("*.py"))
        if path.stem not in {"conftest", "__init__"} and _needs_extra(path.stem)
    ]
)
