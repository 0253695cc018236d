"""What a worker needs before its first run, loaded once: import this module to have it.

Importing it imports the code a worker runs (:mod:`socialsim.studies.workers`, the model, the
calibration's simulator) and runs a tiny model for two days, which loads every compiled kernel
from numba's cache (docs/performance.md). The fork server of the studies' process pools
imports it (:func:`~socialsim.studies.workers.pool_context`), so that each worker, a fork of
that server, starts with all of this in memory; a process that forks workers itself (pyABC's
samplers) imports it first for the same reason.
"""

from __future__ import annotations

import numpy as np

from socialsim.brand.care_team import CareTeam, Queue
from socialsim.brand.compiled import replies_change, replies_unheard, work_response
from socialsim.fans.escalation import reshare_cascade
from socialsim.model import EngagementModel
from socialsim.network.graph import SocialGraph
from socialsim.posts import Flagged
from socialsim.scenario import Scenario, TeamParams

# What the workers run: a calibration's Simulator, every other study's execute.
from socialsim.studies import fitting, workers  # noqa: F401

__all__: list[str] = []


def _load_kernels() -> None:
    """Run a model small enough to take milliseconds, once its kernels are loaded."""
    EngagementModel(Scenario().replace({"graph.n": 200, "run.days": 2}), rng=0).run()
    # Kernels of the days with complaints, replies or false positives, which the tiny run may
    # not have: called on arrays of the types a run passes them.
    none = np.empty(0, np.int64)
    team, one = CareTeam(TeamParams()), Flagged.empty()
    one = Queue.of(Flagged(**{k: np.zeros(1, v.dtype) for k, v in vars(one).items()}), [0.0], [0])
    handled, _ = team.work(one, 1, rng=np.random.default_rng(0))
    work_response(handled.author, handled.outcome, team.last_response_time)
    replies_unheard(none, none)
    no = np.zeros(0, bool)
    replies_change(np.zeros(0, np.int8), no, no, no, no, np.zeros(0), np.zeros(7))
    pair = SocialGraph.from_edges([0], [1], n_nodes=2, directed=False)
    one = np.ones(1)
    reshare_cascade(
        pair, np.array([0]), one, one, np.zeros(2, np.int64), 1.0, 1.0, np.random.default_rng(0)
    )


_load_kernels()
