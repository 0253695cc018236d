"""The measured figures of ``docs/model.md`` §7.12 (brand content) and §7.13 (relationship depth).

Each figure is printed with what it measured; all comparisons are paired (common random
numbers: the same spawned seeds for both arms). Run one part or all:

    python benchmarks/relationship_figures.py joining      # new fans against long-standing ones
    python benchmarks/relationship_figures.py swings       # complainers, promoters 30 days on
    python benchmarks/relationship_figures.py broadcast    # one-person broadcast against ignore
    python benchmarks/relationship_figures.py praise       # positives-only against ignore
    python benchmarks/relationship_figures.py cascade      # shares against the branching process
    python benchmarks/relationship_figures.py onoff        # the paired on/off table
    python benchmarks/relationship_figures.py              # everything (about 20 minutes)

The dialogue-or-broadcast answer and its sensitivity are ``socialsim compare`` runs (§7.12).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator

import networkx as nx
import numpy as np

from socialsim import EngagementModel, Scenario
from socialsim import model as model_module
from socialsim.canonical import SHARES_ONLY, cascade_factor
from socialsim.day import Day, phase
from socialsim.fans import advocacy
from socialsim.fans.content import content
from socialsim.network.graph import SocialGraph
from socialsim.population import DETRACTOR, PROMOTER, Status

DEFAULT = Scenario()


def seeds(n: int, root: int = 16) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(root).spawn(n)


def interval(values: list[float]) -> str:
    """Mean and normal 95% interval of paired differences, as text."""
    x = np.asarray(values, dtype=float)
    half = 1.96 * x.std(ddof=1) / np.sqrt(x.size)
    return f"{x.mean():+.2f} [{x.mean() - half:+.2f}, {x.mean() + half:+.2f}]"


def final(scenario: Scenario, rng: np.random.SeedSequence, kpi: str = "nps") -> float:
    model = EngagementModel(scenario, rng=rng)
    model.run()
    return float(model.kpis()[kpi].iloc[-1])


def joining(replicates: int = 3) -> None:
    """Loyalty, promoters and depth of new fans on the day they join, and of the fans of day 0."""
    new_l, new_d, old_l, old_d = [], [], [], []
    for s in seeds(replicates):
        model = EngagementModel(DEFAULT, rng=s)
        pop = model.population
        day0 = pop.fans.copy()
        for _ in range(DEFAULT.run.days):
            model.step()
            joined = pop.join_day == model.day
            new_l.append(pop.loyalty[joined])
            new_d.append(pop.depth[joined])
            staying = day0 & pop.fans
            old_l.append(pop.loyalty[staying].mean())
            old_d.append(pop.depth[staying].mean())
    loyalty, depth = np.concatenate(new_l), np.concatenate(new_d)
    print(
        f"joining ({replicates} replicates, {DEFAULT.graph.n} people, {DEFAULT.run.days} days): "
        f"{loyalty.size} new fans at mean loyalty {loyalty.mean():.2f} "
        f"({100 * (loyalty >= PROMOTER).mean():.1f}% promoters), mean depth {depth.mean():.3f}; "
        f"day-0 fans on the same days: loyalty {np.mean(old_l):.2f}, depth {np.mean(old_d):.3f}"
    )


def swings(replicates: int = 3) -> None:
    """Complainers who are detractors at the end of the day (ignore), and promoters who are
    detractors 30 days later (default policy)."""
    ignored, complainers = 0, 0
    for s in seeds(2):
        model = EngagementModel(DEFAULT.replace({"policy.name": "ignore", "run.days": 60}), rng=s)
        for _ in range(60):
            model.step()
            who = np.unique(model.posts.author[model.posts.kind == 0])
            who = who[model.population.status[who] == Status.FAN]
            complainers += who.size
            ignored += int((model.population.loyalty[who] < DETRACTOR).sum())
    turned, promoters = 0, 0
    for s in seeds(replicates):
        model = EngagementModel(DEFAULT, rng=s)
        pop, was = model.population, []
        for _ in range(DEFAULT.run.days):
            model.step()
            was.append(np.flatnonzero(pop.fans & (pop.loyalty >= PROMOTER)))
            if len(was) > 30:
                then = was.pop(0)
                promoters += then.size
                turned += int(((pop.status[then] == Status.FAN) & (pop.loyalty[then] < 7)).sum())
    print(
        f"swings: {100 * ignored / complainers:.1f}% of complaining fans are detractors at the "
        f"end of the day under ignore (60 days, 2 replicates); {100 * turned / promoters:.2f}% "
        f"of the fans who are promoters on a day are detractors 30 days later ({replicates} "
        "replicates, default policy)"
    )


def broadcast(replicates: int = 10) -> None:
    """A one-person broadcast against ignore with the same team; its worth per exposure."""
    base = DEFAULT.replace({"graph.n": 5000, "team.staff": 1})
    by_day: dict[int, list[float]] = {d: [] for d in (3, 4, 10, 30, 180)}
    for s in seeds(replicates):
        runs = {}
        for name in ("broadcast", "ignore"):
            model = EngagementModel(base.replace({"policy.name": name}), rng=s)
            model.run()
            runs[name] = model.kpis().set_index("day")
        for d in by_day:
            by_day[d].append(runs["broadcast"].loc[d, "nps"] - runs["ignore"].loc[d, "nps"])
        k = runs["broadcast"]
    per_reach = (k["loyalty_change_broadcast"] / k["content_reach"]).loc[2:]
    fresh = base.content.exposure_gain * base.content.relevance
    print(f"broadcast, one person, against ignore ({replicates} paired replicates, 5,000 people):")
    for d, diffs in by_day.items():
        print(f"  NPS difference on day {d}: {interval(diffs)}")
    print(
        f"  loyalty per person reached, over a fresh post's: day 2 {per_reach.loc[2] / fresh:.2f},"
        f" days 4-10 {per_reach.loc[4:10].mean() / fresh:.2f}, days 41-180 "
        f"{per_reach.loc[41:].mean() / fresh:.2f} (lowest after day 3: "
        f"{per_reach.loc[4:].min() / fresh:.2f})"
    )


def praise(replicates: int = 10) -> None:
    """positives-only against ignore: NPS, and fans engaged or deep."""
    base = DEFAULT.replace({"graph.n": 3000})
    nps, deeper = [], []
    for s in seeds(replicates, root=61):
        k = {}
        for name in ("positives-only", "ignore"):
            model = EngagementModel(base.replace({"policy.name": name}), rng=s)
            model.run()
            k[name] = model.kpis().iloc[-1]
        nps.append(k["positives-only"]["nps"] - k["ignore"]["nps"])
        deep = ("depth_engaged", "depth_deep")
        deeper.append(k["positives-only"][list(deep)].sum() - k["ignore"][list(deep)].sum())
    print(
        f"positives-only - ignore ({replicates} paired replicates, 3,000 people, 180 days): "
        f"NPS {interval(nps)}; fans engaged or deep {interval(deeper)}"
    )


def cascade(replicates: int = 30) -> None:
    """Shares of 5 posts on an Erdős–Rényi graph against S0 (1 + T<k> / (1 - T kappa))."""
    n, p, posts = 20_000, 0.15, 5
    graph = SocialGraph.from_networkx(nx.fast_gnp_random_graph(n, 10.0 / (n - 1), seed=5))
    alike = DEFAULT.replace(SHARES_ONLY | {"content.reach": 0.01, "content.share_rate": p})
    t = alike.response.visibility * p
    factor = cascade_factor(graph, t)
    first, total = [], []
    for s in seeds(replicates, root=6):
        model = EngagementModel(alike, rng=s, graph=graph)
        model.brand.drafts = posts
        day = Day(1, model.scenario, model.graph, model.population, model.brand)
        total.append(content(day, model.streams["content"])["shares"])
        log = model.interactions()
        first.append(int(((log["kind"] == "share") & (log["channel"] == "brand_post")).sum()))
    expected = factor * np.array(first)
    print(
        f"share cascade ({replicates} replicates, 5 posts, ER graph n={n}, <k>=10, T={t:.3f}): "
        f"mean shares {np.mean(total):.1f}, expected {np.mean(expected):.1f} from "
        f"{np.mean(first):.1f} first sharers (factor {factor:.3f}); difference "
        f"{interval(list(np.array(total) - expected))}"
    )


@phase("praise_seen", kpis=("loyalty_change_praise",))
def _praise_unseen(day: Day, rng: np.random.Generator) -> dict[str, float]:
    return {"loyalty_change_praise": 0.0}


@contextlib.contextmanager
def praise_unseen() -> Iterator[None]:
    """Praise seen by no one: the day with a ``praise_seen`` phase that moves no one."""
    original = model_module.PHASES
    model_module.PHASES = tuple(
        _praise_unseen if p is advocacy.praise_seen else p for p in original
    )
    try:
        yield
    finally:
        model_module.PHASES = original


def onoff(replicates: int = 10) -> None:
    """Paired on/off differences in final NPS (default scenario at 5,000 people, 180 days)."""
    base = DEFAULT.replace({"graph.n": 5000})
    one = base.replace({"team.staff": 1, "policy.name": "broadcast"})
    rows: list[tuple[str, Scenario, Scenario, Callable | None]] = [
        (
            "prospects' own attitude law",
            base,
            base.replace({"relationship.prospect_loyalty_mean": 8.3}),
            None,
        ),
        (
            "depth acts",
            base,
            base.replace(
                {
                    "relationship.damping": 0.0,
                    "relationship.boost": 0.0,
                    "relationship.churn_protection": 0.0,
                }
            ),
            None,
        ),
        ("praise is public", base, base, praise_unseen),
        (
            "a content calendar",
            base.replace({"policy.posts_per_day": 1.0}),
            base,
            None,
        ),
        (
            "broadcast, one-person team",
            one,
            base.replace({"team.staff": 1, "policy.name": "ignore"}),
            None,
        ),
        (
            "wear-out, under that broadcast",
            one,
            one.replace({"content.wearout_exposures": 1e12}),
            None,
        ),
        ("shares, under that broadcast", one, one.replace({"content.share_rate": 0.0}), None),
        (
            "thanking praise",
            base.replace({"policy.name": "positives-only"}),
            base.replace({"policy.name": "ignore"}),
            None,
        ),
    ]
    print(f"paired on/off, final NPS ({replicates} replicates, 5,000 people, 180 days):")
    for label, on, off, off_context in rows:
        diffs = []
        for s in seeds(replicates):
            a = final(on, s)
            with off_context() if off_context else contextlib.nullcontext():
                b = final(off, s)
            diffs.append(a - b)
        print(f"  {label}: {interval(diffs)}")


PARTS = {
    "joining": joining,
    "swings": swings,
    "broadcast": broadcast,
    "praise": praise,
    "cascade": cascade,
    "onoff": onoff,
}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", help=f"some of {', '.join(PARTS)} (default: all)")
    chosen = parser.parse_args().parts or list(PARTS)
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts {unknown}; choose from {', '.join(PARTS)}")
    for part in chosen:
        PARTS[part]()
