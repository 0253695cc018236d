"""What a worker needs before its first run, loaded once: import this module to have it.

Importing it imports the code a worker runs (:mod:`socialsim.studies.workers`, the model, the
calibration's simulator) and runs a tiny model for two days, which loads every compiled kernel
from numba's cache (docs/performance.md). The fork server of the studies' process pools
imports it (:func:`~socialsim.studies.workers.pool_context`), so that each worker, a fork of
that server, starts with all of this in memory; a process that forks workers itself (pyABC's
samplers) imports it first for the same reason.
"""

from __future__ import annotations

from socialsim.model import EngagementModel
from socialsim.scenario import Scenario

# What the workers run: a calibration's Simulator, every other study's execute.
from socialsim.studies import fitting, workers  # noqa: F401

__all__: list[str] = []


def _load_kernels() -> None:
    """Run a model small enough to take milliseconds, once its kernels are loaded."""
    EngagementModel(Scenario().replace({"graph.n": 200, "run.days": 2}), rng=0).run()


_load_kernels()
