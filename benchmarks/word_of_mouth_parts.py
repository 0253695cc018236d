"""Word of mouth's parts on one day of a large run, replayed: ms a call, from a cold cache.

    python benchmarks/word_of_mouth_parts.py                      # 1M people, day 200
    python benchmarks/word_of_mouth_parts.py --n 10000000 --day 60 --repeats 7

A run of ``--n`` people (Barabási–Albert, m = 10) goes to ``--day``; then each part of that
day's word of mouth is called again and again on the day's state, with a 128 MB array
touched between calls so that each starts from a cold cache, as it does in a run:

- the candidates' draw (``arrivals_events``), and its exponential gaps alone;
- the talkers among them (``word_of_mouth_talkers``, the draw included);
- the talkers' arcs sorted by block of listeners (``_arcs_by_block``);
- every block's sums (``_block_sums``).

The talkers and their arcs stay those of the first call (the draws use a seed of their own),
and nobody's loyalty moves. This script measures; it never asserts.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from socialsim import EngagementModel, Scenario
from socialsim.chance import arrivals_events
from socialsim.fans import word_of_mouth
from socialsim.fans.identification import (
    _arcs_by_block,
    _block_buffers,
    _block_sums,
    arcs,
    listener_blocks,
)
from socialsim.kernels import generator_of, njit, stream_handle


@njit(cache=False)
def _every_block(arcs_by_block, bits, said, segment, cross, buffers):  # pragma: no cover
    found = 0
    for block in range(arcs_by_block[2].size - 1):
        found += _block_sums(arcs_by_block, block, bits, said, segment, cross, *buffers)
    return found


@njit(cache=False)
def _gaps(handle, size):  # pragma: no cover
    return generator_of(handle).standard_exponential(size).sum()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="people (default 1M)")
    parser.add_argument("--day", type=int, default=200, help="the day replayed (default 200)")
    parser.add_argument("--repeats", type=int, default=15, help="calls of each part (median)")
    options = parser.parse_args()

    scenario = Scenario().replace(
        {"graph.n": options.n, "graph.m": 10, "run.days": max(options.day, 1)}
    )
    model = EngagementModel(scenario, rng=1)
    model.run(options.day)
    pop, wom, churn = model.population, scenario.wom, scenario.churn
    rates = (wom.promoter_rate, wom.passive_rate, wom.detractor_rate, churn.bitter_rate)
    hazards, valence, top, promoter = word_of_mouth._roles(
        *rates, wom.passive_valence, wom.negativity
    )
    boost = float(scenario.relationship.boost)
    fastest = max(top, promoter * (1.0 + boost * pop.max_depth))
    people = (pop.loyalty, pop.status, pop.churn_day, pop.depth, pop.segment)
    bits = listener_blocks(options.n) or 16  # blocks as from a million people
    cross = scenario.identification.cross_segment

    def events():
        return pop.by_activity.events(fastest, seed=np.random.default_rng(5))

    def talk():
        bitter_since = options.day - churn.bitter_days
        return word_of_mouth.word_of_mouth_talkers(
            events(), people, hazards, valence, boost, bitter_since
        )

    talkers, said, _, _ = talk()
    sparse, _, rate, length, *_ = events()
    expected = int(rate * length) if sparse else 0

    def by_block():
        return _arcs_by_block(*arcs(model.graph), talkers, pop.segment, bits)

    sorted_arcs = by_block()
    buffers = _block_buffers(sorted_arcs, options.n, bits)
    gaps_stream = np.random.default_rng(3)
    parts: dict[str, Callable[[], object]] = {
        "the candidates' draw": lambda: arrivals_events(events()),
        "  its exponential gaps alone": lambda: _gaps(stream_handle(gaps_stream), expected),
        "the talkers, the draw included": talk,
        "arcs by block": by_block,
        "every block's sums": lambda: _every_block(
            sorted_arcs, bits, said, pop.segment, cross, buffers
        ),
    }
    candidates = arrivals_events(events())[0].size
    print(
        f"{options.n:,} people, day {options.day}: {expected:,} points expected, "
        f"{candidates:,} candidates, {talkers.size:,} talkers, {sorted_arcs[0].size:,} arcs"
    )
    evict = np.ones(16_000_000)  # 128 MB, more than any cache
    for name, part in parts.items():
        part()  # compiled, and its memory allocated once
        times = []
        for _ in range(options.repeats):
            evict += 1.0
            started = time.perf_counter()
            part()
            times.append(time.perf_counter() - started)
        print(f"{name:<34} {1e3 * np.median(times):8.2f} ms (median of {options.repeats})")


if __name__ == "__main__":
    main()
