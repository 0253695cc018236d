"""The studies' process pools: each worker starts with the model and its compiled kernels loaded."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

from numba.core.registry import CPUDispatcher

from socialsim.studies.workers import pool_context, process_pool

KERNELS = {
    "socialsim.brand.compiled_front.early_warning_day",
    "socialsim.brand.compiled_front.listening_heard",
    "socialsim.brand.compiled_triage.triage_items",
    "socialsim.brand.compiled_triage.triage_listed",
    "socialsim.brand.compiled_triage.triage_queued",
    "socialsim.brand.compiled_back.replies_due",
    "socialsim.chance.arrivals_events",
    "socialsim.fans.depth.depth_day",
    "socialsim.brand.compiled_back.costs_labels",
    "socialsim.brand.compiled_back.onlookers_day",
    "socialsim.brand.compiled_back.replies_day",
    "socialsim.brand.compiled_work.work_day",
    "socialsim.fans.escalation.escalation_reached",
    "socialsim.fans.escalation.escalation_reshares",
    "socialsim.fans.advocacy.advocacy_drawn",
    "socialsim.fans.advocacy.defence_felt",
    "socialsim.fans.advocacy.help_given",
    "socialsim.fans.advocacy.praise_seen_felt",
    "socialsim.fans.churn.churn_fans",
    "socialsim.fans.churn.churn_leave",
    "socialsim.fans.experiences.experiences_outcomes",
    "socialsim.fans.experiences.experiences_uniforms",
    "socialsim.fans.loyalty._fade",
    "socialsim.fans.recruitment.recruitment_cascade",
    "socialsim.fans.recruitment.recruitment_drawn",
    "socialsim.fans.word_of_mouth.word_of_mouth_day",
    "socialsim.interactions.interactions_append",
    "socialsim.kpis.state._tally",
    "socialsim.network.csr.arcs_of",
    "socialsim.network.generators.barabasi_albert_far_ends",
    "socialsim.network.csr.csr_rows",
    "socialsim.network.csr.distinct_of",
    "socialsim.network.csr.sums_of",
}


def compiled() -> dict[str, int]:
    """How many compiled versions each of socialsim's kernels holds in this process."""
    return {
        f"{name}.{attribute}": len(value.signatures)
        for name, module in list(sys.modules.items())
        if name.startswith("socialsim")
        for attribute, value in vars(module).items()
        if isinstance(value, CPUDispatcher)
    }


def test_the_preload_loads_every_kernel_a_run_uses():
    # In a fresh interpreter: after the preload, a run of the default scenario (every process
    # on) loads no kernel, and no new version of one, that the preload did not.
    probe = (
        "import json, sys\nfrom numba.core.registry import CPUDispatcher\n"
        f"{inspect.getsource(compiled)}\n"
        "import socialsim.studies.preload\nfrom socialsim import EngagementModel, Scenario\n"
        "before = compiled()\n"
        "EngagementModel(Scenario().replace({'graph.n': 2000}), rng=3).run(days=30)\n"
        "print(json.dumps([before, compiled()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    before, after = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(before) >= KERNELS
    assert all(before[name] > 0 for name in KERNELS), before  # (helpers they call: inlined)
    assert after == before


def test_a_new_worker_has_the_kernels_loaded_before_its_first_task():
    with process_pool(1) as pool:
        loaded = pool.submit(compiled).result()
    assert set(loaded) >= KERNELS
    if pool_context().get_start_method() == "forkserver":
        assert all(loaded[name] > 0 for name in KERNELS), loaded
