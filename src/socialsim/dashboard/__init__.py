"""A live dashboard for workshops: move a lever, watch fans react, compare two strategies.

``socialsim dashboard`` serves it (:func:`socialsim.dashboard.server.serve`); in a notebook,
:func:`socialsim.dashboard.app.Dashboard` shows the same components. The state and its
stepping (:class:`~socialsim.dashboard.state.Workshop`) are plain Python; only the Solara
modules (:mod:`~socialsim.dashboard.app`, :mod:`~socialsim.dashboard.page`, ...) need the
optional ``dashboard`` extra (``pip install 'socialsim[dashboard]'``).

The names below load their module on first use (PEP 562), so the page the server imports
first (:mod:`~socialsim.dashboard.page`) does not pay for the simulation.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialsim.dashboard.state import Side, Workshop

__all__ = ["Side", "Workshop"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("socialsim.dashboard.state"), name)
    raise AttributeError(f"module 'socialsim.dashboard' has no attribute {name!r}")
