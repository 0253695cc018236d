"""The figure of a day in ``docs/model.md`` §3 and the README: the phases, their streams, their KPIs.

The phases are read from :data:`socialsim.model.PHASES`, so after a phase is added, running
this script again redraws the day with it. Each phase is a box, coloured by the side it models
(the fans' world or the brand), with its random stream and the KPIs it declares; a bracket marks
the brand's pipeline, listen → triage → work → respond; the labels between boxes say what a
phase leaves in the day's context (:class:`socialsim.day.Day`) for the phases after it.

Examples
--------
From the repository root::

    python benchmarks/day_figure.py                      # docs/figures/day.png
    python benchmarks/day_figure.py --out /tmp/day.svg
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

from socialsim.model import PHASES

# The brand's pipeline: which stage each of its phases belongs to.
STAGES = {
    "listening": "listen",
    "triage": "triage",
    "work": "work",
    "replies": "respond",
    "outreach": "respond",
    "onlookers": "respond",
}
# What a phase leaves in the day's context for later phases (the fields of socialsim.day.Day).
HANDOFFS = {
    "experiences": "posts",
    "content": "posts (+ comments), published",
    "listening": "flagged",
    "triage": "plan (content hours), queued",
    "work": "answered, missed, response_time",
    "replies": "seen, amplified, compensations",
    "word_of_mouth": "talkers",
}
COLOURS = {"fans": "#d6e6f5", "brand": "#fbe0c4"}
EDGES = {"fans": "#3b6ea5", "brand": "#c7711d"}

ROW = 0.62  # vertical distance between two phases
BOX_W, BOX_H = 2.6, 0.40


def side(phase) -> str:
    """'brand' or 'fans', from the module that defines the phase."""
    return "brand" if phase.__module__.startswith("socialsim.brand") else "fans"


def draw(out: Path) -> None:
    """Draw the day and save it to ``out`` (the format follows the suffix)."""
    n = len(PHASES)
    fig, ax = plt.subplots(figsize=(9.5, 0.4 + ROW * (n + 1.3)))
    ax.set_xlim(-1.9, 9.2)
    ax.set_ylim(-ROW * (n + 0.1), ROW * 1.2)
    ax.axis("off")
    ax.text(0, ROW * 0.9, "day t", ha="center", fontsize=10, weight="bold")
    ax.text(1.6, ROW * 0.9, "stream", fontsize=8, color="0.35")
    ax.text(3.55, ROW * 0.9, "KPIs it returns (declared by name)", fontsize=8, color="0.35")
    ax.text(-1.85, ROW * 0.9, "the brand's pipeline", fontsize=8, color=EDGES["brand"])
    ax.annotate("", (0, BOX_H / 2), (0, ROW * 0.75), arrowprops={"arrowstyle": "->"})
    for i, phase in enumerate(PHASES):
        y = -ROW * i
        where = side(phase)
        ax.add_patch(
            FancyBboxPatch(
                (-BOX_W / 2, y - BOX_H / 2),
                BOX_W,
                BOX_H,
                boxstyle="round,pad=0.02,rounding_size=0.08",
                facecolor=COLOURS[where],
                edgecolor=EDGES[where],
            )
        )
        module = phase.__module__.removeprefix("socialsim.")
        ax.text(
            -1.2, y + 0.05, f"{i + 1}. {phase.__name__}", fontsize=9, weight="bold", va="center"
        )
        ax.text(-1.2, y - 0.12, module, fontsize=7, color="0.3", va="center")
        ax.text(1.6, y, phase.name, fontsize=8, family="monospace", va="center")
        kpis = ", ".join(phase.kpis) if phase.kpis else "—"
        ax.text(3.55, y, "\n".join(textwrap.wrap(kpis, 78)), fontsize=7, va="center")
        if i + 1 <= n:
            ax.annotate(
                "",
                (0, y - ROW + BOX_H / 2),
                (0, y - BOX_H / 2),
                arrowprops={"arrowstyle": "->", "color": "0.4"},
            )
            if phase.name in HANDOFFS and i + 1 < n:
                ax.text(
                    0.08,
                    y - ROW / 2,
                    HANDOFFS[phase.name],
                    fontsize=6.5,
                    style="italic",
                    va="center",
                    color="0.25",
                )
    _brackets(ax)
    ax.text(
        0,
        -ROW * (n - 0.1),
        "record the KPIs (mesa DataCollector)",
        ha="center",
        fontsize=8,
        color="0.3",
    )
    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=COLOURS[s], edgecolor=EDGES[s]) for s in COLOURS
    ]
    ax.legend(
        handles, ["the fans' world", "the brand"], loc="upper right", fontsize=8, frameon=False
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


def _brackets(ax) -> None:
    """The brand's pipeline: one bracket per stage, to the left of its phases."""
    rows: dict[str, list[int]] = {}
    for i, phase in enumerate(PHASES):
        if phase.name in STAGES:
            rows.setdefault(STAGES[phase.name], []).append(i)
    x = -BOX_W / 2 - 0.12
    for stage, members in rows.items():
        top, bottom = -ROW * members[0] + BOX_H / 2, -ROW * members[-1] - BOX_H / 2
        ax.plot([x, x - 0.1, x - 0.1, x], [top, top, bottom, bottom], color=EDGES["brand"], lw=1.2)
        ax.text(
            x - 0.18,
            (top + bottom) / 2,
            stage,
            ha="right",
            va="center",
            fontsize=9,
            color=EDGES["brand"],
            weight="bold",
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path("docs/figures/day.png"))
    draw(parser.parse_args().out)


if __name__ == "__main__":
    main()
