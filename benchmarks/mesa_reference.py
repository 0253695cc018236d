"""The core fan dynamics written the plain Mesa way: one agent per fan, one draw at a time.

This is the per-agent reference that socialsim's array engine is docked against
(``tests/test_docking.py``) and timed against (``benchmarks/peers.py``). It implements the
daily word of mouth, cascade recruitment, memory and churn of ``docs/model.md`` (§7.5–7.8)
with a :class:`mesa.Agent` per person, plain adjacency lists and scalar draws from the
model's :class:`numpy.random.Generator`, in the same phase order and with the same
synchronous updates as :class:`socialsim.EngagementModel`. Experiences, needs, advocacy and
the brand are left out: :data:`ENGINE_SCENARIO` switches them off in socialsim too, so the two
compute the same model.

    python benchmarks/mesa_reference.py --n 2000 --days 30   # a quick side-by-side run
"""

from __future__ import annotations

import argparse
import math
import time

import mesa
import numpy as np

from socialsim import EngagementModel, Scenario, Status

ENGINE_SCENARIO = Scenario().replace(
    {
        "experiences.good_rate": 0.0,
        "experiences.bad_rate": 0.0,
        "experiences.need_rate": 0.0,
        "listening.chatter_rate": 0.0,
        "listening.talk_mentions": 0.0,
        # Everyone shallow: with no posts nothing deepens, so depth changes no rule here.
        "relationship.initial_depth": 0.0,
    }
)
"""The default scenario without experiences, needs and chatter (so the brand has nothing to hear):
word of mouth, recruitment, memory, churn."""

PROMOTER, DETRACTOR = 9.0, 7.0


class Fan(mesa.Agent):
    """One person: the same state as a row of :class:`socialsim.population.Population`."""

    def __init__(
        self,
        model: MesaFanModel,
        *,
        status: int,
        loyalty: float,
        baseline: float,
        segment: int,
        activity: float,
        churn_day: int,
        audience: list[int],
    ) -> None:
        super().__init__(model)
        self.status = status
        self.loyalty = loyalty
        self.baseline = baseline
        self.segment = segment
        self.activity = activity
        self.churn_day = churn_day
        self.audience = audience
        self.heard = 0.0

    def role(self, day: int) -> int:
        """0 silent, 1 promoter, 2 passive, 3 detractor, 4 bitter (recently churned)."""
        if self.status == Status.FAN:
            return 1 if self.loyalty >= PROMOTER else 2 if self.loyalty >= DETRACTOR else 3
        if self.status == Status.CHURNED and day - self.churn_day <= self.model.bitter_days:
            return 4
        return 0

    def is_advocate(self) -> bool:
        return self.status == Status.FAN and self.loyalty >= PROMOTER

    def feel(self, shift: float) -> None:
        if self.status != Status.CHURNED:
            self.loyalty = min(10.0, max(0.0, self.loyalty + shift))

    def fade(self, keep: float, learning: float) -> None:
        if self.status != Status.CHURNED:
            gap = self.loyalty - self.baseline
            self.loyalty -= (1.0 - keep) * gap
            self.baseline += learning * keep * gap


class MesaFanModel(mesa.Model):
    """Word of mouth, recruitment, memory and churn with one Mesa agent per person.

    Parameters
    ----------
    start : EngagementModel
        The model whose graph, initial population and scenario are copied; only its state
        at construction is read.
    rng : int
        Seed of this model's own draws.
    """

    def __init__(self, start: EngagementModel, rng: int) -> None:
        super().__init__(rng=rng)
        s = start.scenario
        self.wom, self.recruitment, self.loyalty, self.churn = (
            s.wom,
            s.recruitment,
            s.loyalty,
            s.churn,
        )
        self.cross = s.identification.cross_segment
        self.bitter_days = s.churn.bitter_days
        pop, graph = start.population, start.graph
        self.fans: list[Fan] = [
            Fan(
                self,
                status=int(pop.status[i]),
                loyalty=float(pop.loyalty[i]),
                baseline=float(pop.baseline[i]),
                segment=int(pop.segment[i]),
                activity=float(pop.activity[i]),
                churn_day=int(pop.churn_day[i]),
                audience=graph.audience(i).tolist(),
            )
            for i in range(graph.n_nodes)
        ]
        w = self.wom
        self.rates = [0.0, w.promoter_rate, w.passive_rate, w.detractor_rate, s.churn.bitter_rate]
        self.valence = [0.0, 1.0, w.passive_valence, -w.negativity, -w.negativity]

    def step(self) -> None:
        day, rng = self.steps, self.rng
        # Word of mouth: roles from the state at the start of the phase, then everyone hears.
        talkers = []
        for fan in self.fans:
            role = fan.role(day)
            if role and rng.random() < 1.0 - (1.0 - self.rates[role]) ** fan.activity:
                talkers.append((fan, self.valence[role]))
        for fan, valence in talkers:
            for v in fan.audience:
                other = self.fans[v]
                other.heard += valence * (1.0 if other.segment == fan.segment else self.cross)
        cap, effect = self.wom.max_daily_shift, self.wom.effect
        for fan in self.fans:
            if fan.heard:
                fan.feel(cap * math.tanh(effect * fan.heard / cap))
                fan.heard = 0.0
        # Recruitment: the external route, then the advocates among today's talkers pitch.
        p, q = self.recruitment.spontaneous_rate, self.recruitment.q
        external = [f for f in self.fans if f.status == Status.PROSPECT and rng.random() < p]
        social = set()
        for fan, _ in talkers:
            if fan.is_advocate():
                for v in fan.audience:
                    if self.fans[v].status == Status.PROSPECT and rng.random() < q:
                        social.add(v)
        for fan in external:
            fan.status = Status.FAN
        for v in social:
            self.fans[v].status = Status.FAN
        # Memory, then churn.
        keep = math.exp(-1.0 / self.loyalty.memory_days)
        for fan in self.fans:
            fan.fade(keep, self.loyalty.baseline_learning)
        c = self.churn
        for fan in self.fans:
            if fan.status == Status.FAN:
                chance = c.base_rate * math.exp(c.sensitivity * (c.reference_loyalty - fan.loyalty))
                if rng.random() < chance:
                    fan.status, fan.churn_day = Status.CHURNED, day

    def summary(self) -> dict[str, float]:
        """Fans, churned and the fans' mean loyalty now."""
        fans = [f.loyalty for f in self.fans if f.status == Status.FAN]
        return {
            "fans": len(fans),
            "churned": sum(f.status == Status.CHURNED for f in self.fans),
            "mean_loyalty": float(np.mean(fans)) if fans else float("nan"),
        }


def engine_summary(model: EngagementModel) -> dict[str, float]:
    """The same summary for socialsim's model."""
    row = model.kpis().iloc[-1]
    return {k: float(row[k]) for k in ("fans", "churned", "mean_loyalty")}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = ENGINE_SCENARIO.replace({"graph.n": args.n})
    engine = EngagementModel(scenario, rng=args.seed)
    reference = MesaFanModel(engine, rng=args.seed + 1)
    started = time.perf_counter()
    engine.run(days=args.days)
    middle = time.perf_counter()
    for _ in range(args.days):
        reference.step()
    finished = time.perf_counter()
    print(f"socialsim {middle - started:.3f} s  {engine_summary(engine)}")
    print(f"mesa      {finished - middle:.3f} s  {reference.summary()}")


if __name__ == "__main__":
    main()
