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

from socialsim.brand.agent import work
from socialsim.brand.care_team import Queue
from socialsim.brand.compiled_front import (
    early_warning_day,
    listening_heard,
)
from socialsim.brand.compiled_triage import (
    triage_items,
    triage_listed,
    triage_queued,
)
from socialsim.brand.response import onlookers, replies
from socialsim.day import Day, Plan
from socialsim.fans.advocacy import defence, help_needs, praise_seen
from socialsim.fans.escalation import escalation, escalation_reached, reshare_cascade
from socialsim.interactions import Channel, Kind, log_posts
from socialsim.kernels import stream_handle
from socialsim.model import EngagementModel
from socialsim.network.graph import SocialGraph, distinct, sum_by
from socialsim.posts import COMPLAINT, NEED, PRAISE, Flagged, Posts
from socialsim.scenario import Scenario

# What the workers run: a calibration's Simulator, every other study's execute.
from socialsim.studies import fitting, workers  # noqa: F401

__all__: list[str] = []


def _load_kernels() -> None:
    """Run a model small enough to take milliseconds, once its kernels are loaded."""
    model = EngagementModel(Scenario().replace({"graph.n": 200, "run.days": 2}), rng=0)
    model.run()
    # Kernels of the days with complaints, replies or false positives, which the tiny run may
    # not have: called on arrays of the types a run passes them, and the brand's back end run
    # on a day with one complaint, answered.
    none = np.empty(0, np.int64)
    no = np.zeros(0, bool)
    sum_by(none, np.zeros(0), 1)  # content's reactions, on days with brand posts
    label, hours, counts = np.zeros(0, np.int8), np.zeros(0), np.zeros(1, np.int32)
    handle = stream_handle(np.random.default_rng(0))
    one_false = np.array([-1])  # a false positive, whose stand-in is drawn
    triage_listed(handle, one_false, np.zeros(1, np.int8), none, label, 1, counts, one_false.copy())
    three = np.zeros(3)
    early_warning_day(
        label, True, three, three, three, three, three, three > 0, True, *[0.5] * 2, True, 0.5
    )
    flagged = (none, label, label, hours, no, no)
    blocks = (np.empty((5, 0), np.int64), np.empty((7, 0), np.uint8))
    triage_queued(hours, no, np.zeros(0, np.uint8), label, True, flagged, none, blocks, blocks)
    items = (
        label,
        np.zeros((2, 0), bool),
        np.zeros((2, 0)),
        np.zeros((3, 0), np.int64),
        counts[:0],
    )
    triage_items(blocks, label, no, hours, none, (none, *[counts] * 4), items)
    listening_heard(handle, none, label, hours, 0, *[0.5] * 4, 1, *flagged, none, label, hours)
    # The audiences' phases on a day with a post of each kind, and an act logged as content
    # logs its likes.
    day = Day(3, model.scenario, model.graph, model.population, model.brand)
    day.posts = Posts(np.arange(3), np.array([COMPLAINT, PRAISE, NEED], np.int8), np.ones(3))
    for phase in (escalation, log_posts, defence, praise_seen, help_needs):
        phase(day, np.random.default_rng(0))
    model.population.record(np.zeros(1, np.int64), day=3, hour=np.ones(1), **_LIKE)
    day = Day(3, model.scenario, model.graph, model.population, model.brand)
    item = {name: np.zeros(1, column.dtype) for name, column in vars(Flagged.empty()).items()}
    item["arrival"] = np.array([48.0 + model.scenario.team.start_hour])
    day.queued = Queue.of(Flagged(**item), [0.0], [0])
    day.plan = Plan(reply_slots=model.brand.team.slots_per_day)
    for phase in (work, replies, onlookers):
        phase(day, np.random.default_rng(0))
    pair = SocialGraph.from_edges([0], [1], n_nodes=2, directed=False)
    pair.arcs_from(none)
    distinct(none, 2)  # escalation's media pick-up
    # Content's and the media's draws, which the other phases now make inside their kernels.
    model.population.anyone.draw(0.001, seed=np.random.default_rng(0))
    one = np.ones(1)
    reshare_cascade(
        pair, np.array([0]), one, one, np.zeros(2, np.int32), 1.0, 1.0, np.random.default_rng(0)
    )
    escalation_reached(pair.indptr, pair.indices, none, none, none, none)


_LIKE = {"kind": Kind.LIKE, "channel": Channel.BRAND_POST, "post": 0}


_load_kernels()
