"""Where a run's time goes, phase by phase: a table of CPU time per run and per day.

    python benchmarks/phases.py                          # the default scenario, 5 runs
    python benchmarks/phases.py --set graph.n=100000 --runs 2
    python benchmarks/phases.py --pyinstrument           # and pyinstrument's call tree
    python benchmarks/phases.py --kernels                # and each phase's compiled share

Each phase of :data:`socialsim.model.PHASES` is timed around its call, and so are the model's
own steps: the KPI record (``_record``: the state KPIs), the DataCollector's row
(``collect``), set-up (building the model: graph, population) and ``kpis()`` (the frame).
What is left is Mesa's step, the loop and the timers themselves. Times are this thread's CPU time, which a
busy machine disturbs less than wall time; the first run (kernels loading) is not counted.
This script measures; it never asserts.

``--kernels`` also times every call of a compiled kernel (numba) from a phase, and splits
each phase's time into its kernels' and the Python around them (numpy's calls included). A
kernel's time holds numba's dispatch: typing its arguments and boxing what it returns. The
dispatch alone is measured apart, by calling a compiled function that does nothing with the
arguments the kernel got on one day of the run (best of five rounds of 2,000 calls). With
``--kernels`` every timer takes wall time (``time.perf_counter``): the thread's CPU clock
costs some microseconds a call on this machine's VM, as much as a small kernel. The timers
around kernel calls cost about a microsecond each, counted in their phase's Python.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

spent: Counter[str] = Counter()
in_kernels: Counter[str] = Counter()  # seconds in compiled kernels, by phase
dispatch: Counter[tuple[str, str]] = Counter()  # kernel calls by phase and kernel
running = ["(outside the phases)"]  # the phase now running
# This thread's CPU time, which a busy machine disturbs less than wall time; --kernels takes
# wall time, whose clock costs a tenth as much a call here (a kernel call is a few us).
clock = time.thread_time


def timed(function: Callable, label: str) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        running.append(label)
        started = clock()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += clock() - started
            running.pop()

    wrapper.__dict__.update(function.__dict__)  # a phase's name and KPIs
    return wrapper


def timed_kernels(arguments: dict[str, tuple]) -> None:
    """Time every compiled kernel a phase calls, by phase, and keep each kernel's arguments
    of its first call: the kernels are module globals of socialsim, and a compiled kernel
    calls another without them, so only the calls from Python are timed."""
    import sys

    from numba.core.registry import CPUDispatcher

    def kernel(name: str, compiled: Callable) -> Callable:
        def call(*args: Any) -> Any:
            started = clock()
            try:
                return compiled(*args)
            finally:
                in_kernels[running[-1]] += clock() - started
                dispatch[running[-1], name] += 1
                arguments.setdefault(name, args)

        return call

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("socialsim"):
            for attribute, value in list(vars(module).items()):
                if isinstance(value, CPUDispatcher):
                    setattr(module, attribute, kernel(value.__name__, value))


def dispatch_cost(arguments: tuple) -> float:
    """Seconds a call of a compiled function that does nothing takes with ``arguments``:
    numba's dispatch of them, without a kernel's work or what it returns."""
    from numba import njit

    names = ", ".join(f"a{i}" for i in range(len(arguments)))
    scope: dict[str, Any] = {}
    exec(f"def nothing({names}):\n    return 0\n", scope)
    nothing = njit(scope["nothing"])
    nothing(*arguments)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(2_000):
            nothing(*arguments)
        best = min(best, (time.perf_counter() - started) / 2_000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pyinstrument", action="store_true", help="Also print a call tree.")
    parser.add_argument(
        "--kernels", action="store_true", help="Also split each phase into kernels and Python."
    )
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
    arguments: dict[str, tuple] = {}
    if args.kernels:
        global clock
        clock = time.perf_counter
        timed_kernels(arguments)
    spent.clear()
    profiler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    total = 0.0
    for seed in range(1, args.runs + 1):
        started = clock()
        model = timed(EngagementModel, "(set-up: graph, population)")(scenario, rng=seed)
        model.run()
        timed(model.kpis, "(kpis() frame)")()
        total += clock() - started
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
    if args.kernels:
        _print_kernels(spent, arguments, runs * days)
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False))


def _print_kernels(spent: Counter[str], arguments: dict[str, tuple], days: int) -> None:
    """Each phase's time a day: in its kernels, their dispatch alone, and the Python around."""
    cost = {name: dispatch_cost(given) for name, given in arguments.items()}
    dispatched: Counter[str] = Counter()
    for (label, name), calls in dispatch.items():
        dispatched[label] += calls * cost[name]
    print(f"\n{'us/day':42}{'phase':>9}{'kernels':>9}{'dispatch':>9}{'Python':>9}{'calls':>7}")
    for label, seconds in spent.most_common():
        calls = sum(n for (where, _), n in dispatch.items() if where == label)
        if not label.startswith("("):
            parts = (seconds, in_kernels[label], dispatched[label], seconds - in_kernels[label])
            print(f"{label:42}" + "".join(f"{1e6 * x / days:9.1f}" for x in parts), end="")
            print(f"{calls / days:7.1f}")
    phases = [label for label in spent if not label.startswith("(")]
    total = [sum(spent[x] for x in phases), sum(in_kernels[x] for x in phases)]
    total += [sum(dispatched[x] for x in phases), total[0] - total[1]]
    calls = sum(n for (where, _), n in dispatch.items() if where in phases)
    print(f"{'all phases':42}" + "".join(f"{1e6 * x / days:9.1f}" for x in total), end="")
    print(f"{calls / days:7.1f}")


def _number(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


if __name__ == "__main__":
    main()
