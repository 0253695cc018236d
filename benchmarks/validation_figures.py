"""Figures for ``docs/validation.md``: the validation checks, re-run at picture size.

Each canonical-model check of ``tests/test_validation.py`` is repeated with more replicates
(and, for the cascade, a range of transmission probabilities) and drawn to one PNG:
``bass.png``, ``cascade_exact.png``, ``cascade_subcritical.png`` and ``threshold.png``, with
the tests' scenario: every process but recruitment off, loyalty 10, ``wom.promoter_rate = 1``.
``memory.png`` checks loyalty memory against exponential decay (``tests/test_model.py``), and
``brand_capacity.png`` shows two brand-side patterns: the queue's capacity threshold (the
default office-hours team on 100,000 people; its capacity marker the frontline's hours of work
a day, KPI ``frontline_hours``, over the working day) and the value of speed (what a reply is
worth against an immediate one under the current rules: ``f(0) = 1``, fix chance
``policy.fix_rate``). Seeds are fixed, so the figures and the numbers printed are reproducible.

Examples
--------
From the repository root::

    python benchmarks/validation_figures.py                  # docs/figures/*.png, ~2 min
    python benchmarks/validation_figures.py --quick          # fewer replicates, seconds
    python benchmarks/validation_figures.py --only bass memory --out /tmp/figs
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd

from socialsim import EngagementModel, Scenario, Status
from socialsim.canonical import canonical_scenario, seeded_model
from socialsim.network.graph import SocialGraph

CASCADE = canonical_scenario("independent_cascade")
THRESHOLD = canonical_scenario("threshold", {"recruitment.threshold": 0.5})


def run_until_quiet(model: EngagementModel, max_days: int = 500) -> np.ndarray:
    """Step until a day recruits no one (nothing can follow); return the fans mask."""
    for _ in range(max_days):
        model.step()
        if model.today["new_fans_referred"] == 0:
            break
    return model.population.status == Status.FAN


def save(fig, out: Path, name: str) -> None:
    fig.tight_layout()
    fig.savefig(out / name, dpi=100)
    plt.close(fig)
    print(f"  wrote {out / name} ({(out / name).stat().st_size / 1024:.0f} KB)")


# --------------------------------------------------------------------- Bass
def bass_figure(out: Path, replicates: int) -> None:
    n, p, q, days = 1000, 0.03, 0.38, 30
    complete = SocialGraph.from_networkx(nx.complete_graph(n))
    scenario = canonical_scenario("bass", {"recruitment.spontaneous_rate": p, "recruitment.q": q})
    runs = []
    for rng in np.random.SeedSequence(6).spawn(replicates):
        model = EngagementModel(scenario, rng=rng, graph=complete)
        model.run(days=days)
        runs.append(model.kpis()["fans"].to_numpy() / n)
    runs = np.array(runs)
    t = np.arange(days + 1)
    discrete = np.zeros(days + 1)
    for day in range(days):
        discrete[day + 1] = discrete[day] + (p + q * discrete[day]) * (1 - discrete[day])
    decay = np.exp(-(p + q) * t)
    continuous = (1 - decay) / (1 + q / p * decay)
    mean, low, high = runs.mean(0), runs.min(0), runs.max(0)
    gap, worst = continuous - discrete, np.argmax(np.abs(continuous - discrete))
    print(f"  max |simulated mean - discrete| = {np.max(np.abs(mean - discrete)):.4f}")
    print(f"  max |continuous - discrete| = {abs(gap[worst]):.4f} on day {worst}")

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True, height_ratios=[2, 1])
    top.fill_between(
        t, low, high, color="C0", alpha=0.25, label=f"simulated, min–max of {replicates}"
    )
    top.plot(t, mean, "o", color="C0", ms=4, label="simulated, mean")
    top.plot(t, discrete, "-", color="k", label=r"discrete Bass $F_{t+1}=F_t+(p+qF_t)(1-F_t)$")
    top.plot(t, continuous, "--", color="C3", label="continuous Bass $F(t)$")
    top.set(ylabel="fans share", title=f"Bass on a complete graph, n = {n}, p = {p}, q = {q}")
    top.legend(loc="lower right")
    bottom.axhline(0, color="k", lw=0.8)
    bottom.fill_between(t, low - discrete, high - discrete, color="C0", alpha=0.25)
    bottom.plot(t, mean - discrete, "o", color="C0", ms=4, label="simulated mean − discrete")
    bottom.plot(t, gap, "--", color="C3", label="continuous − discrete")
    bottom.set(xlabel="day", ylabel="difference in share")
    bottom.legend(loc="lower right")
    save(fig, out, "bass.png")


# --------------------------------------------------------------------- independent cascade
def exact_activation(graph: nx.Graph, seed: int, p: float) -> np.ndarray:
    """P(node active): sum over live-edge subsets (IC is bond percolation)."""
    edges, probability = list(graph.edges), np.zeros(graph.number_of_nodes())
    for live in itertools.product((False, True), repeat=len(edges)):
        weight = np.prod([p if keep else 1 - p for keep in live])
        sub = nx.Graph([e for e, keep in zip(edges, live, strict=True) if keep])
        sub.add_nodes_from(graph)
        probability[list(nx.node_connected_component(sub, seed))] += weight
    return probability


def cascade_exact_figure(out: Path, replicates: int) -> None:
    p = 0.5
    graphs = {
        "bowtie": nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3)]),
        "ring with chords": nx.Graph([(0, 1), (0, 2), (0, 3), (1, 2), (3, 4), (4, 5), (1, 5)]),
    }
    scenario = CASCADE.replace({"recruitment.q": p})
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    for ax, (name, graph) in zip(axes, graphs.items(), strict=True):
        exact, social = exact_activation(graph, 0, p), SocialGraph.from_networkx(graph)
        hits = sum(
            run_until_quiet(seeded_model(scenario, social, [0], rng)).astype(int)
            for rng in np.random.SeedSequence(1).spawn(replicates)
        )
        observed = hits / replicates
        se = np.sqrt(observed * (1 - observed) / replicates)
        z = (observed - exact) / np.sqrt(exact * (1 - exact) / replicates + 1e-24)
        print(f"  {name}: max |z| = {np.max(np.abs(z[1:])):.2f} (node 0 is the seed)")
        nodes = np.arange(len(exact))
        ax.bar(nodes, exact, color="0.8", edgecolor="k", label="exact (enumeration)")
        ax.errorbar(
            nodes,
            observed,
            1.96 * se,
            fmt="o",
            color="C0",
            capsize=4,
            label=f"simulated, {replicates} runs, 95% CI",
        )
        ax.set(xlabel="node", title=f"{name}, seed node 0, p = {p}", xticks=nodes, ylim=(0, 1.15))
        inset = ax.inset_axes([0.58, 0.5, 0.4, 0.36])
        nx.draw(
            graph,
            nx.spring_layout(graph, seed=1),
            ax=inset,
            with_labels=True,
            node_size=160,
            font_size=7,
            node_color=["C1"] + ["w"] * 5,
            edgecolors="k",
        )
    axes[0].set_ylabel("P(node becomes a fan)")
    axes[0].legend(loc="upper left", fontsize=8)
    save(fig, out, "cascade_exact.png")


def cascade_subcritical_figure(out: Path, replicates: int) -> None:
    n, mean_degree, n0 = 20_000, 10.0, 40
    graph = SocialGraph.from_networkx(nx.fast_gnp_random_graph(n, mean_degree / (n - 1), seed=3))
    k = graph.out_degree.astype(float)
    kappa = (np.mean(k**2) - np.mean(k)) / np.mean(k)
    p_c = 1 / kappa

    def formula(p):
        return n0 * (1 + p * np.mean(k) / (1 - p * kappa))

    ps = np.array([0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.095])
    seeds_rng, means, ses = np.random.default_rng(4), [], []
    for i, p in enumerate(ps):
        scenario = CASCADE.replace({"recruitment.q": float(p)})
        sizes = [
            run_until_quiet(
                seeded_model(scenario, graph, seeds_rng.choice(n, n0, replace=False), r)
            ).sum()
            for r in np.random.SeedSequence([5, i]).spawn(replicates)
        ]
        means.append(np.mean(sizes))
        ses.append(np.std(sizes, ddof=1) / np.sqrt(replicates))
        print(
            f"  p = {p:.3f}: mean {means[-1]:7.1f} ± {ses[-1]:5.1f} (SE), "
            f"formula {formula(p):7.1f}, ratio {means[-1] / formula(p):.3f}"
        )
    means, ses = np.array(means), np.array(ses)
    print(f"  <k> = {np.mean(k):.3f}, kappa = {kappa:.3f}, p_c = {p_c:.4f}")

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True, height_ratios=[2, 1])
    grid = np.linspace(0.005, 0.985 * p_c, 300)
    for ax in (top, bottom):
        ax.axvspan(0.02, 0.05, color="C2", alpha=0.12, label="range the test asserts")
        ax.axvline(
            p_c,
            color="C3",
            ls=":",
            label=rf"$p_c=\langle k\rangle/(\langle k^2\rangle-\langle k\rangle)$ = {p_c:.4f}",
        )
    top.plot(grid, formula(grid), "k-", label=r"$n_0(1+p\langle k\rangle/(1-p\kappa))$")
    top.errorbar(
        ps,
        means,
        1.96 * ses,
        fmt="o",
        color="C0",
        capsize=3,
        label=f"simulated mean, {replicates} runs, 95% CI",
    )
    top.set(
        yscale="log",
        ylabel="final fans (cascade size)",
        title=f"Subcritical cascade, Erdős–Rényi n = {n}, <k> = {mean_degree:g}, $n_0$ = {n0}",
    )
    top.legend(loc="upper left", fontsize=8)
    bottom.axhspan(0.97, 1.03, color="0.85", label="±3%")
    bottom.errorbar(
        ps, means / formula(ps), 1.96 * ses / formula(ps), fmt="o", color="C0", capsize=3
    )
    bottom.set(xlabel="transmission probability p (recruitment.q)", ylabel="simulated / formula")
    bottom.legend(loc="lower left", fontsize=8)
    save(fig, out, "cascade_subcritical.png")


# --------------------------------------------------------------------- threshold
def threshold_reference(graph: nx.Graph, seeds, phi: float) -> list[int]:
    """Plain synchronous fractional-threshold dynamics (Watts 2002): adopters after each round."""
    active, counts = set(seeds), [len(seeds)]
    while True:
        new = {
            v
            for v in graph
            if v not in active and sum(u in active for u in graph[v]) >= phi * graph.degree(v)
        }
        if not new:
            return counts
        active |= new
        counts.append(len(active))


def threshold_figure(out: Path, graphs: int) -> None:
    n, days = 200, 120
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.3))
    ring = nx.watts_strogatz_graph(n, 4, 0.0)
    cases = [("ring lattice", ring, [0, 1], "C0")]
    for s in range(graphs):
        regular = nx.random_regular_graph(4, n, seed=8 + s)
        cases.append(("random 4-regular", regular, [0, next(iter(regular[0]))], "C3"))
    finals, same = [], []
    labels = {0: "ring lattice: socialsim", 1: f"random 4-regular ({graphs} graphs): socialsim"}
    for i, (_, graph, seeds, colour) in enumerate(cases):
        model = seeded_model(THRESHOLD, SocialGraph.from_networkx(graph), seeds, 1)
        model.run(days=days)
        # The day-0 row is recorded when the model is built, before the seeds are set: the
        # model's trajectory is the seeds on day 0, then its own KPIs from day 1 on.
        fans = np.concatenate([[len(seeds)], model.kpis()["fans"].to_numpy()[1:]])
        reference = threshold_reference(graph, seeds, 0.5)
        padded = np.concatenate([reference, np.full(days + 1 - len(reference), reference[-1])])
        same.append(np.array_equal(fans, padded))
        finals.append(int(fans[-1]))
        left.plot(
            fans,
            color=colour,
            lw=2 if i == 0 else 1,
            alpha=1 if i == 0 else 0.6,
            label=labels.get(i),
        )
        left.plot(reference, "x", color="k", ms=3, label="plain reference" if i == 0 else None)
        if i == 0:
            print(f"  ring: {finals[0]} of {n} fans, complete on day {len(reference) - 1}")
    print(f"  random 4-regular: final fans {finals[1:]}; trajectories = reference: {all(same)}")
    left.annotate(
        f"random 4-regular: stops at {min(finals[1:])}–{max(finals[1:])} fans",
        (days, 2),
        (40, 30),
        arrowprops={"arrowstyle": "->", "color": "C3"},
        color="C3",
        fontsize=8,
    )
    left.set(
        xlabel="day",
        ylabel="fans (adopters)",
        ylim=(0, n * 1.05),
        title=f"Two adjacent seeds, threshold φ = 0.5, n = {n}",
    )
    left.legend(loc="upper left", fontsize=8)

    clustered = nx.powerlaw_cluster_graph(300, 3, 0.5, seed=2)
    phis = np.round(np.arange(0.05, 0.55, 0.05), 2)
    model_final, reference_final = [], []
    for phi in phis:
        scenario = THRESHOLD.replace({"recruitment.threshold": float(phi)})
        model = seeded_model(scenario, SocialGraph.from_networkx(clustered), list(range(10)), 1)
        model_final.append(int(run_until_quiet(model, 300).sum()))
        reference_final.append(threshold_reference(clustered, range(10), phi)[-1])
    right.plot(phis, model_final, "o", color="C0", ms=9, mfc="none", label="socialsim")
    right.plot(phis, reference_final, "x", color="k", label="plain reference")
    right.set(
        xlabel="threshold φ",
        ylabel="final fans",
        ylim=(0, 320),
        title="Powerlaw-cluster graph, n = 300, 10 seeds",
    )
    right.legend(loc="center left")
    print(f"  powerlaw-cluster: identical final sizes: {model_final == reference_final}")
    save(fig, out, "threshold.png")


# --------------------------------------------------------------------- memory
def memory_figure(out: Path, _: int) -> None:
    """A one-off shock of -5 to everyone, then nothing but memory: exact exponential decay."""
    days, shock, start = 120, 5.0, 8.0
    quiet = Scenario().replace(
        {
            "graph.n": 500,
            "population.loyalty_mean": start,
            "population.loyalty_sd": 0.0,
            "experiences.good_rate": 0.0,
            "experiences.bad_rate": 0.0,
            "experiences.need_rate": 0.0,
            "wom.effect": 0.0,
            "churn.base_rate": 0.0,
        }
    )
    tau = quiet.loyalty.memory_days
    t = np.arange(days + 1)
    fig, ax = plt.subplots(figsize=(7, 4.3))
    for learning, colour in ((0.0, "C0"), (0.01, "C1")):
        model = EngagementModel(quiet.replace({"loyalty.baseline_learning": learning}), rng=1)
        pop = model.population
        pop.loyalty -= shock  # after the day-0 row: follow the population, not the KPIs
        gap = [start - pop.loyalty.mean()]
        for _ in range(days):
            model.step()
            gap.append(start - pop.loyalty[pop.listening].mean())
        gap = np.array(gap)
        # L - B decays by kappa (1 - lambda) a day; B absorbs lambda kappa of the gap a day
        kappa = np.exp(-1 / tau)
        rate = kappa * (1 - learning)
        below_baseline = shock * rate**t
        baseline_drop = shock * learning * kappa * (1 - rate**t) / (1 - rate)
        exact = below_baseline + baseline_drop
        print(
            f"  baseline_learning = {learning}: max |simulated - exact| = "
            f"{np.max(np.abs(gap - exact)):.1e}; lasting drop {baseline_drop[-1]:.2f}"
        )
        ax.plot(
            t[::3],
            gap[::3],
            "o",
            color=colour,
            ms=4,
            label=f"socialsim, baseline_learning = {learning:g}",
        )
        ax.plot(
            t,
            exact,
            "-",
            color=colour,
            lw=1,
            label="exact recursion" if learning else rf"$5\,e^{{-t/\tau}}$, $\tau$ = {tau:g} days",
        )
    ax.axvline(
        tau * np.log(2),
        color="0.5",
        ls=":",
        label=rf"half-life $\tau \ln 2$ = {tau * np.log(2):.1f} days",
    )
    ax.set(
        xlabel="days after the shock",
        ylabel="loyalty below its start (mean)",
        title="Memory: a shock of −5 fades toward the baseline",
        ylim=(0, 5.3),
    )
    ax.legend(fontsize=8)
    save(fig, out, "memory.png")


# --------------------------------------------------------------------- brand side
REPLIES = ["responses_complaint", "responses_praise", "responses_need"]


def brand_runs(scenario: Scenario, replicates: int, skip: int = 20) -> dict[str, float]:
    """Daily means of replicate runs' KPIs, each day after the first ``skip`` counted once."""
    frames = []
    for rng in np.random.SeedSequence(11).spawn(replicates):
        model = EngagementModel(scenario, rng=rng)
        model.run()
        frames.append(model.kpis().iloc[skip + 1 :])
    k = pd.concat(frames)
    counts = k[REPLIES].sum().to_numpy()
    return {
        "median": k["response_time_median"].mean(),
        "p90": k["response_time_p90"].mean(),
        "missed": k["missed"].mean(),
        "flagged": (k["posts_caught"] + k["false_positives"]).mean(),
        "work": k["frontline_hours"].mean(),
        "botched": k["botched"].mean(),
        "dismissed": k["complaints_dismissed"].mean(),
        "gain": k["loyalty_change_authors"].sum() / counts.sum(),
        "counts": counts,
    }


def capacity_panel(ax, replicates: int) -> None:
    """Response times of the default office-hours team, by frontline staff, on 100,000 people.

    The capacity marker is the frontline's work (KPI ``frontline_hours``: replies at their
    kind's minutes, a triage minute for each item dismissed or passed on) of the largest team,
    which keeps up and errs at the base rate, over ``team.hours_per_day``.
    """
    scenario = Scenario().replace({"graph.n": 100_000, "run.days": 80})
    team = scenario.team
    staff = np.array([1, 2, 3, 4, 6])
    runs = [brand_runs(scenario.replace({"team.staff": int(s)}), replicates) for s in staff]
    flagged, work = runs[-1]["flagged"], runs[-1]["work"]
    capacity = work / team.hours_per_day
    ax.plot(staff, [r["median"] for r in runs], "o-", color="C0", label="median response time")
    ax.plot(staff, [r["p90"] for r in runs], "s--", color="C0", mfc="none", label="90th percentile")
    ax.axvline(
        capacity,
        color="C3",
        ls=":",
        label=f"capacity: {work:.1f} h of work a day / {team.hours_per_day:g} h",
    )
    ax.set(
        yscale="log",
        xlabel=(
            f"frontline staff, {team.start_hour:g}:00–{team.start_hour + team.hours_per_day:g}:00"
            f" ({team.reply_minutes:g} min a reply, {team.thanks_minutes:g} a thanks,"
            f" {team.triage_minutes:g} to dismiss)"
        ),
        ylabel="hours from post to reply",
        title=f"The queue: {flagged:.0f} flagged items a day, {scenario.graph.n:,} people",
    )
    ax.annotate(
        f"{runs[0]['missed']:.0f} items a day\nmissed (> {team.max_wait_hours:g} h)",
        (staff[0], runs[0]["p90"]),
        (1.6, 60),
        fontsize=8,
        arrowprops={"arrowstyle": "->"},
    )
    ax.annotate(
        f"{staff[1]} people skim: a day,\n{runs[1]['botched']:.0f} botched replies,\n"
        f"{runs[1]['dismissed']:.0f} complaints dismissed,\n{runs[1]['missed']:.0f} items missed",
        (staff[1], runs[1]["median"]),
        (3.0, 25),
        fontsize=8,
        arrowprops={"arrowstyle": "->"},
    )
    ax.set_yticks([2, 5, 10, 20, 50, 100], ["2", "5", "10", "20", "50", "100"])
    ax.set_ylim(2, 150)
    ax.legend(loc="lower left", fontsize=8)
    print(
        f"  flagged {flagged:.1f} a day, frontline work {work:.1f} h a day, capacity at "
        f"{capacity:.2f} people; staff {staff.tolist()}: median "
        f"{[round(float(r['median']), 1) for r in runs]} h, p90 "
        f"{[round(float(r['p90']), 1) for r in runs]} h, missed "
        f"{[round(float(r['missed']), 1) for r in runs]}, botched "
        f"{[round(float(r['botched']), 1) for r in runs]}, complaints dismissed "
        f"{[round(float(r['dismissed']), 1) for r in runs]} a day"
    )


def speed_panel(ax, replicates: int) -> None:
    """What a reply is worth to its author, for office-hours and round-the-clock teams.

    Clean listening (every label right, so every complaint that needs an expert is tagged and
    goes to one) and no penalty for silence. An immediate reply has ``f(0) = 1`` and, whoever
    handles the complaint, a fix chance of ``policy.fix_rate`` (an expert's falls with the
    wait, ``exp(-d / team.fix_patience_hours)``, 1 at ``d = 0``): its value is each kind's gain
    weighted by the replies of the fastest team.
    """
    base = Scenario().replace({"graph.n": 10_000, "run.days": 80})
    staff = np.array([1, 2, 3, 4, 6])
    clean = base.replace({"listening.label_accuracy": 1.0, "response.ignored_penalty": 0.0})
    p, fix = clean.response, clean.policy.fix_rate
    immediate = np.array(
        [
            fix * p.complaint_fixed_gain + (1 - fix) * p.complaint_reply_gain,
            p.thanks_gain,
            p.need_gain,
        ]
    )
    for label, start, hours, colour in (
        ("office hours, 9:00–17:00", 9.0, 8.0, "C0"),
        ("round the clock", 0.0, 24.0, "C2"),
    ):
        team = clean.replace({"team.start_hour": start, "team.hours_per_day": hours})
        runs = [brand_runs(team.replace({"team.staff": int(s)}), replicates) for s in staff]
        gain = np.array([r["gain"] for r in runs])
        ax.plot(staff, gain, "o-", color=colour, label=label)
        if start == 0.0:
            counts = runs[-1]["counts"]
            ceiling = counts @ immediate / counts.sum()
        print(
            f"  {label}: gain per reply {np.round(gain, 3).tolist()}, median response "
            f"{[round(float(r['median']), 2) for r in runs]} h"
        )
    print(f"  immediate reply {ceiling:.3f}, late reply {p.speed_floor * ceiling:.3f}")
    ax.axhline(ceiling, color="k", ls="--", lw=1, label="immediate reply, f(0) = 1")
    ax.axhline(
        p.speed_floor * ceiling,
        color="k",
        ls=":",
        lw=1,
        label=f"late reply, f = speed_floor = {p.speed_floor:g}",
    )
    ax.set(
        xlabel=f"frontline staff ({clean.team.reply_minutes:g} min a reply, 10,000 people)",
        ylim=(0, ceiling * 1.15),
        ylabel="loyalty an author gains per reply",
        title="Speed: what a reply is worth",
    )
    ax.legend(loc="center right", bbox_to_anchor=(1, 0.42), fontsize=8)


def brand_figure(out: Path, replicates: int) -> None:
    """Capacity sets response times; speed sets what a reply is worth."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    capacity_panel(left, replicates)
    speed_panel(right, replicates)
    save(fig, out, "brand_capacity.png")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path("docs/figures"))
    parser.add_argument("--quick", action="store_true", help="Fewer replicates (a smoke run).")
    figures = {
        "bass": (bass_figure, 5, 20),
        "cascade_exact": (cascade_exact_figure, 300, 3000),
        "cascade_subcritical": (cascade_subcritical_figure, 20, 200),
        "threshold": (threshold_figure, 3, 10),
        "memory": (memory_figure, 1, 1),
        "brand": (brand_figure, 2, 6),
    }
    parser.add_argument("--only", nargs="+", choices=figures, help="Draw only these figures.")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only or figures:
        draw, quick_size, size = figures[name]
        started = time.perf_counter()
        print(f"{name}:")
        draw(args.out, quick_size if args.quick else size)
        print(f"  {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
