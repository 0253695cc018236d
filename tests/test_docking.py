"""Docking: socialsim's array engine and a plain per-agent Mesa model agree (Axtell et al. 1996).

``benchmarks/mesa_reference.py`` writes the daily word of mouth, recruitment, memory and churn
one agent and one draw at a time. Both start from the same graph and population in every
replicate and draw independently; the final KPIs must agree in distribution (paired t-tests),
and a reference with one rule changed must not.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from scipy import stats

from socialsim import EngagementModel


def _load_reference() -> ModuleType:
    path = Path(__file__).parents[1] / "benchmarks" / "mesa_reference.py"
    spec = importlib.util.spec_from_file_location("mesa_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = _load_reference()

# Rates raised from the defaults so that 500 people move visibly in 30 days: every rule then
# leaves a mark on the KPIs that a changed rule would shift.
DOCKING = reference.ENGINE_SCENARIO.replace(
    {
        "graph.n": 500,
        "wom.promoter_rate": 0.2,
        "wom.passive_rate": 0.05,
        "wom.detractor_rate": 0.2,
        "wom.effect": 0.3,
        "recruitment.q": 0.05,
        "recruitment.spontaneous_rate": 0.002,
        "churn.base_rate": 0.002,
    }
)
DAYS, REPLICATES, ALPHA = 30, 30, 0.001
KPIS = ("fans", "churned", "mean_loyalty")


def paired_p_values(changes: dict[str, float] | None = None) -> dict[str, float]:
    """p-values of paired t-tests, engine against reference, one per KPI."""
    differences = {k: [] for k in KPIS}
    for i, seeds in enumerate(np.random.SeedSequence(2024).spawn(REPLICATES)):
        engine = EngagementModel(DOCKING, rng=seeds)
        mesa_model = reference.MesaFanModel(engine, rng=10_000 + i)
        if changes:
            mesa_model.recruitment = dataclasses.replace(mesa_model.recruitment, **changes)
        engine.run(days=DAYS)
        for _ in range(DAYS):
            mesa_model.step()
        ours, theirs = reference.engine_summary(engine), mesa_model.summary()
        for k in KPIS:
            differences[k].append(ours[k] - theirs[k])
    return {k: float(stats.ttest_1samp(d, 0.0).pvalue) for k, d in differences.items()}


@pytest.mark.slow
def test_engine_and_per_agent_mesa_model_agree():
    p_values = paired_p_values()
    assert min(p_values.values()) > ALPHA, p_values


@pytest.mark.parametrize("changes", [{"q": 0.1}], ids=["recruitment-q-doubled"])
@pytest.mark.slow
def test_docking_detects_a_changed_rule(changes):
    p_values = paired_p_values(changes)
    assert min(p_values.values()) < ALPHA, p_values
