"""Where a run's time goes, phase by phase: a table of CPU time per run and per day.

    python benchmarks/phases.py                          # the default scenario, 5 runs
    python benchmarks/phases.py --set graph.n=100000 --runs 2
    python benchmarks/phases.py --pyinstrument           # and pyinstrument's call tree

Each phase of :data:`socialsim.model.PHASES` is timed around its call, and so are the model's
own steps: the KPI record (``_record``: the state KPIs), the DataCollector's row
(``collect``), set-up (building the model: graph, population) and ``kpis()`` (the frame).
What is left is Mesa's step, the loop and the timers themselves. Times are this thread's CPU time, which a
busy machine disturbs less than wall time; the first run (kernels loading) is not counted.
This script measures; it never asserts.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

spent: Counter[str] = Counter()


def timed(function: Callable, label: str) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - started

    wrapper.__dict__.update(function.__dict__)  # a phase's name and KPIs
    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pyinstrument", action="store_true", help="Also print a call tree.")
    args = parser.parse_args()

    import mesa

    from socialsim import EngagementModel, Scenario
    from socialsim import model as model_module

    changes = dict(item.split("=", 1) for item in args.set)
    scenario = Scenario().replace({k: _number(v) for k, v in changes.items()})
    collector = type(EngagementModel(scenario.replace({"graph.n": 50}), rng=0).datacollector)
    assert issubclass(collector, mesa.DataCollector)

    EngagementModel(scenario, rng=0).run()  # kernels loaded, caches warm
    bare = []  # without the timers, which cost about a microsecond each
    for seed in range(1, args.runs + 1):
        started = time.thread_time()
        EngagementModel(scenario, rng=seed).run()
        bare.append(time.thread_time() - started)
    model_module.PHASES = tuple(timed(p, p.name) for p in model_module.PHASES)
    model_class = model_module.EngagementModel
    model_class._record = timed(model_class._record, "(record: state KPIs)")
    collector.collect = timed(collector.collect, "(record: DataCollector row)")
    spent.clear()
    profiler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    total = 0.0
    for seed in range(1, args.runs + 1):
        started = time.thread_time()
        model = timed(EngagementModel, "(set-up: graph, population)")(scenario, rng=seed)
        model.run()
        timed(model.kpis, "(kpis() frame)")()
        total += time.thread_time() - started
    if profiler is not None:
        profiler.stop()
    spent["(the rest: Mesa's step, the loop, timers)"] = total - sum(spent.values())

    days, runs = scenario.run.days, args.runs
    print(
        f"{scenario.graph.n:,} people x {days} days: {1e3 * min(bare):.1f} ms CPU a run "
        f"(best of {runs}; {1e3 * total / runs:.1f} ms a run with the timers and kpis())"
    )
    print(f"{'phase':42}{'ms/run':>9}{'us/day':>9}{'share':>8}")
    for label, seconds in spent.most_common():
        print(
            f"{label:42}{1e3 * seconds / runs:9.1f}{1e6 * seconds / runs / days:9.1f}"
            f"{seconds / total:8.1%}"
        )
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False))


def _number(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


if __name__ == "__main__":
    main()
