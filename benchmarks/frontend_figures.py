"""The measured figures of ``docs/model.md`` §7.10 (the front end and the care team).

Each figure is printed with what it measured; comparisons are paired (the same spawned seeds
for both arms) with 95% t intervals. Run one part or all:

    python benchmarks/frontend_figures.py conveyor OUT   # a `socialsim compare front-end` store
    python benchmarks/frontend_figures.py speed OUT      # a `socialsim compare speed-matters` store
    python benchmarks/frontend_figures.py routing        # experts against the frontline alone
    python benchmarks/frontend_figures.py erlang         # the care team against Erlang C, M/D/c

The compare runs come first, e.g. ``socialsim compare front-end --out /tmp/front-end -j 2``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

# The exact queueing results, the round-the-clock team and the routing runs live with the tests
# that check them.
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from test_care_team import (
    batch_interval,
    deterministic_c,
    erlang_c,
    round_the_clock,
    routed,
    served_waits,
)


def interval(values: pd.Series | list[float], digits: int = 2) -> str:
    """Mean and 95% t interval of paired differences, as text."""
    x = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return f"{x.mean():+.{digits}f} [{x.mean() - half:+.{digits}f}, {x.mean() + half:+.{digits}f}]"


def by_replicate(out: str, kpi: str) -> pd.DataFrame:
    """One column per strategy, one row per replicate, of a stored comparison's per-run KPI."""
    runs = pd.read_csv(Path(out) / "runs.csv")
    return runs.pivot(index="replicate", columns="strategy", values=kpi)


def conveyor(out: str) -> None:
    """The poor tool's gap over the good one at each volume, and how it grows from ×1."""
    past = by_replicate(out, "complaints_past_share")
    gap = {v: past[f"poor, x{v}"] - past[f"good, x{v}"] for v in (1, 3, 6)}
    for v in (1, 3, 6):
        print(
            f"x{v}: complaints past, good {past[f'good, x{v}'].mean():.2f}%, "
            f"poor {past[f'poor, x{v}'].mean():.2f}%, gap {interval(gap[v])}"
        )
    for v in (3, 6):
        print(f"interaction, gap at x{v} minus gap at x1: {interval(gap[v] - gap[1])}")


def speed(out: str) -> None:
    """Round the clock against office hours, on NPS."""
    nps = by_replicate(out, "nps")
    hours = by_replicate(out, "response_time_mean").mean()
    clock = "four people, round the clock"
    for other in ("one person, office hours", "four people, office hours"):
        print(f"NPS, {clock} - {other}: {interval(nps[clock] - nps[other])}")
    print("mean response time (h): " + ", ".join(f"{k} {v:.2f}" for k, v in hours.items()))


def routing() -> None:
    """tagged_to_experts against frontline_only: fix rates and expert time."""
    kpis = ["complex_fix_rate", "fix_rate"]
    experts, alone = (
        pd.DataFrame(routed("tagged_to_experts")),
        pd.DataFrame(routed("frontline_only")),
    )
    for kpi in kpis:
        print(
            f"{kpi}: experts {experts[kpi].mean():.1f}, frontline only {alone[kpi].mean():.1f}, "
            f"difference {interval(experts[kpi] - alone[kpi])}"
        )
    print(
        f"expert hours in 60 days {experts['expert_hours'].mean():.1f} (frontline only "
        f"{alone['expert_hours'].mean():.1f}); staff cost "
        f"{interval(experts['staff_cost'] - alone['staff_cost'], 0)}"
    )


def erlang() -> None:
    """Waits of the care team and of its servers against Erlang C and the M/D/c queue."""
    p_wait, mean_wait = erlang_c(30, 10, 4)
    mean, half = batch_interval(round_the_clock(cv=1.0) - 0.1)
    print(
        f"care team, M/M/4 (30 an hour, 6 min): mean wait {60 * mean:.2f} ± {60 * half:.2f} min"
        f" against Erlang C's {60 * mean_wait:.2f}"
    )
    for staff in (4, 5):
        wait = served_waits(staff)
        p_wait, mean_wait = erlang_c(30, 10, staff)
        p, p_half = batch_interval((wait > 0).astype(float))
        mean, half = batch_interval(wait)
        print(
            f"servers, M/M/{staff}: P(wait) {p:.3f} ± {p_half:.3f} against {p_wait:.3f}; "
            f"mean wait {60 * mean:.2f} ± {60 * half:.2f} min against {60 * mean_wait:.2f}"
        )
    wait = round_the_clock(cv=0.0) - 0.1
    p_wait, mean_wait = deterministic_c(30, 0.1, 4)
    p, p_half = batch_interval((wait > 1e-9).astype(float))
    mean, half = batch_interval(wait)
    print(
        f"care team, M/D/4: P(wait) {p:.3f} ± {p_half:.3f} against {p_wait:.3f}; "
        f"mean wait {60 * mean:.2f} ± {60 * half:.2f} min against {60 * mean_wait:.2f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["conveyor", "speed", "routing", "erlang"])
    parser.add_argument("out", nargs="?", help="the comparison's --out (conveyor, speed)")
    args = parser.parse_args()
    if args.part in ("conveyor", "speed"):
        if args.out is None:
            parser.error(f"{args.part} needs the --out directory of its comparison")
        {"conveyor": conveyor, "speed": speed}[args.part](args.out)
    else:
        {"routing": routing, "erlang": erlang}[args.part]()
