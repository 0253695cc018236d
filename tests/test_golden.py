"""Golden numbers: the KPIs of three small seeded scenarios, pinned to files in tests/golden/.

Any change to the model's seeded numbers shows here, and must be deliberate: rewrite the files
with ::

    python -m pytest tests/test_golden.py --update-golden

and commit them together with the change, saying in the commit message why the numbers moved
(a new phase, a new random stream, a fixed bug). Each file records the per-run summary
(:func:`socialsim.kpis.per_run` of every KPI), a few daily columns, and the Python, numpy and
numba versions it was written with. Numbers are compared with a relative tolerance of 1e-9:
the same versions give the same numbers to the last bit, so a larger gap is a change of the
model or of the libraries' random streams, and the failure says which versions differ.
"""

from __future__ import annotations

import json
import math
import platform
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pytest

from socialsim import EngagementModel, Scenario
from socialsim.kpis import per_run

GOLDEN = Path(__file__).parent / "golden"
RELATIVE = 1e-9
DAILY = ("fans", "nps", "complaints", "backlog", "response_time_median", "new_fans_referred")

# Small, seeded, and together touching every process: three graph generators, the three
# recruitment rules, a crisis, a one-person team working in priority order, amplification, outreach
# and broadcasts.
SCENARIOS: dict[str, dict[str, Any]] = {
    "default-small": {"graph.n": 2000, "run.days": 60, "run.seed": 11},
    "crisis-blocks-threshold": {
        "graph.kind": "stochastic_block",
        "graph.n": 1500,
        "graph.mean_degree": 8.0,
        "graph.homophily": 0.9,
        "population.segments": 3,
        "recruitment.rule": "threshold",
        "root_causes.start": 10,
        "root_causes.fixed_after": 10,
        "policy.name": "negatives-first",
        "team.staff": 1,
        "team.reply_minutes": 30.0,
        "run.days": 60,
        "run.seed": 12,
    },
    "outreach-smallworld-bass": {
        "graph.kind": "watts_strogatz",
        "graph.n": 1500,
        "graph.k": 8,
        "recruitment.rule": "bass",
        "policy.amplify": True,
        "policy.broadcast_share": 0.2,
        "policy.unsolicited_per_day": 3,
        "run.days": 60,
        "run.seed": 13,
    },
}


def versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
    }


def numbers(changes: dict[str, Any]) -> dict[str, Any]:
    """The run's summary and daily columns, as plain JSON values."""
    model = EngagementModel(Scenario().replace(changes))
    model.run()
    kpis = model.kpis()
    return {
        "summary": {k: float(v) for k, v in per_run(kpis).items()},
        "daily": {c: [float(v) for v in kpis[c]] for c in DAILY},
    }


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where two nested JSON values differ beyond the tolerance (NaN equals NaN)."""
    if isinstance(expected, dict):
        keys = sorted(set(expected) | set(actual))
        return [
            d for k in keys for d in differences(expected.get(k), actual.get(k), f"{where}.{k}")
        ]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in differences(e, a, f"{where}[{i}]")
        ]
    if isinstance(expected, float) and isinstance(actual, float):
        if (math.isnan(expected) and math.isnan(actual)) or math.isclose(
            expected, actual, rel_tol=RELATIVE, abs_tol=RELATIVE
        ):
            return []
    elif expected == actual:
        return []
    return [f"{where}: golden {expected!r}, now {actual!r}"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_seeded_numbers_match_the_golden_files(name, update_golden):
    path = GOLDEN / f"{name}.json"
    actual = numbers(SCENARIOS[name])
    if update_golden:
        record = {"scenario": SCENARIOS[name], "versions": versions(), **actual}
        path.write_text(json.dumps(record, indent=1) + "\n")
        pytest.skip(f"rewrote {path.name}")
    golden = json.loads(path.read_text())
    assert golden["scenario"] == SCENARIOS[name], f"{path.name} pins another scenario: update it"
    found = differences({k: golden[k] for k in ("summary", "daily")}, actual)
    assert not found, (
        f"{len(found)} numbers differ from {path.name} (written with {golden['versions']}, "
        f"running with {versions()}); first ones:\n" + "\n".join(found[:10])
    )
