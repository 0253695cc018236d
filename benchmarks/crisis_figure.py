"""The figure of a crisis with and without early warning, for ``docs/validation.md`` §9.

One root cause from day 30 multiplies the bad experiences of one segment (a quarter of the
people) fivefold and lasts until the brand fixes it, 21 hours after its detector's alarm
(the defaults). The same replicates (common random numbers) run with a deaf front end
(recall 0.3) and with early-warning listening (recall 0.9), and without the crisis for
reference. Left: public negative posts a day (complaints and re-shares), mean over
replicates. Middle: NPS. Right: when each replicate's alarm caught the episode. The numbers
printed are the paired difference-in-differences of the final NPS (the gain from good
listening with the crisis, minus without it), with a 95% interval, and the same with the fix
switched off (``reaction.fix = false``), which shows what the gain is made of.

Examples
--------
From the repository root::

    python benchmarks/crisis_figure.py                 # docs/figures/crisis.png, ~3 min
    python benchmarks/crisis_figure.py --replicates 8 --out /tmp
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from socialsim import EngagementModel, Scenario

BASE = {
    "graph.n": 5000,
    "run.days": 120,
    "policy.name": "negatives-first",
    "root_causes.segment": 0,
    "root_causes.multiplier": 5.0,
}
START = 30
RECALLS = {"deaf front end (recall 0.3)": 0.3, "early warning (recall 0.9)": 0.9}


def run(changes: dict, seed: np.random.SeedSequence) -> EngagementModel:
    model = EngagementModel(Scenario().replace({**BASE, **changes}), rng=seed)
    model.run()
    return model


def experiment(replicates: int, fix: bool) -> dict:
    """Daily negative posts and NPS, and detection days, per (crisis, recall), per replicate."""
    out: dict = {}
    for seed in np.random.SeedSequence(2026).spawn(replicates):
        for start in (0, START):
            for recall in RECALLS.values():
                model = run(
                    {"root_causes.start": start, "listening.recall": recall, "reaction.fix": fix},
                    seed,
                )
                kpis = model.kpis()
                detected = model.crisis.episodes.detected
                entry = out.setdefault((start, recall), {"neg": [], "nps": [], "caught": []})
                entry["neg"].append(kpis["negative_posts"].to_numpy())
                entry["nps"].append(kpis["nps"].to_numpy())
                entry["caught"].append(int(detected[0]) if detected.size else -1)
    return out


def did(out: dict) -> tuple[float, float, float]:
    """Mean paired difference-in-differences of the final NPS, with its 95% interval."""

    def final(key):
        return np.array([x[-1] for x in out[key]["nps"]])

    gains = (final((START, 0.9)) - final((START, 0.3))) - (final((0, 0.9)) - final((0, 0.3)))
    half = 1.96 * gains.std(ddof=1) / np.sqrt(gains.size)
    return float(gains.mean()), float(gains.mean() - half), float(gains.mean() + half)


def interval(values: tuple[float, float, float]) -> str:
    mean, low, high = values
    return f"{mean:+.2f} [{low:+.2f}, {high:+.2f}]"


def figure(out: dict, path: Path) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    days = np.arange(BASE["run.days"] + 1)
    colours = {0.3: "tab:red", 0.9: "tab:blue"}
    for label, recall in RECALLS.items():
        crisis, calm = out[(START, recall)], out[(0, recall)]
        axes[0].plot(days, np.mean(crisis["neg"], axis=0), color=colours[recall], label=label)
        axes[1].plot(days, np.mean(crisis["nps"], axis=0), color=colours[recall], label=label)
        axes[1].plot(
            days,
            np.mean(calm["nps"], axis=0),
            color=colours[recall],
            ls=":",
            lw=1,
            label=f"{label}, no crisis",
        )
        caught = np.array(crisis["caught"])
        delays = np.where(caught > 0, caught - START, BASE["run.days"] - START)
        axes[2].hist(
            delays,
            bins=np.arange(0, 92, 3),
            alpha=0.6,
            color=colours[recall],
            label=f"{label}: {np.mean(caught > 0):.0%} caught",
        )
    for ax in axes[:2]:
        ax.axvline(START, color="grey", lw=0.8, ls="--")
        ax.set_xlabel("day")
    axes[0].set_ylabel("public negative posts a day (mean)")
    axes[0].set_title("Complaints and re-shares")
    axes[1].set_ylabel("NPS (mean)")
    axes[1].set_title("NPS through the crisis")
    axes[2].set_xlabel("days from the root cause to the alarm (90: never)")
    axes[2].set_ylabel("replicates")
    axes[2].set_title("Detection delay")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=40)
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "docs/figures")
    args = parser.parse_args()
    with_fix = experiment(args.replicates, fix=True)
    figure(with_fix, args.out / "crisis.png")
    print("NPS gain from recall 0.3 -> 0.9, crisis minus none:", interval(did(with_fix)))
    for recall in RECALLS.values():
        caught = np.array(with_fix[(START, recall)]["caught"])
        hit = caught[caught > 0] - START
        print(
            f"  recall {recall}: caught {np.mean(caught > 0):.0%}, "
            f"mean delay {hit.mean() if hit.size else float('nan'):.1f} days"
        )
    no_fix = experiment(args.replicates, fix=False)
    print("the same without the fix (reaction.fix = false):", interval(did(no_fix)))


if __name__ == "__main__":
    main()
