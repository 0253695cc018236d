"""The robustness section of a comparison's report, and its headline sentence.

:func:`robustness_section` renders the section, under the report's own "Robustness" heading
and with subheadings of the level below, as Markdown and as an HTML fragment (through
Jinja2 with autoescaping, so strategy names reach the page as text); the report puts both
where it assembles its parts, and the headline sentence beside its own answer. Without a
robust analysis the section says that the intervals cover simulation noise only and gives
the one command that runs the analysis.
"""

from __future__ import annotations

import base64
import io
import shlex
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from socialsim.studies.answer import counted

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from socialsim.studies.compare import Comparison
    from socialsim.studies.experiment import Experiment
    from socialsim.studies.robust import RobustComparison

__all__ = ["RobustnessSection", "robust_command", "robustness_section"]

SMALL = {"worlds": 16, "replicates": 2}
"""A first robust analysis: a few minutes for a canned experiment on two cores."""

# The report's own "Robustness" heading is the section's: a heading here would leave that one
# empty, directly above it.
_HTML = """{% for paragraph in intro %}<p>{{ paragraph }}</p>
{% endfor -%}
{% if command %}<pre><code>{{ command }}</code></pre>
{% endif -%}
{% if tables %}
<h3>Who beats whom</h3>
{{ tables.wins | safe }}
<h3>Regret and a ranking that holds across worlds</h3>
{{ tables.regret | safe }}
<h3>What flips the answer</h3>
<ul>{% for sentence in flips %}<li>{{ sentence }}</li>{% endfor %}</ul>
{{ tables.limits | safe }}
<h3>Which assumptions move the answer</h3>
<p>{{ sensitivity }}</p>
{% for name, data in figures.items() -%}
<p><img alt="{{ name }}" src="data:image/png;base64,{{ data }}" style="max-width:100%"></p>
{% endfor -%}
{% endif %}"""


@dataclass(frozen=True)
class RobustnessSection:
    """The section's parts: ``headline`` (one sentence, empty without an analysis), and the
    section as ``markdown`` and as an ``html`` fragment."""

    headline: str
    markdown: str
    html: str


def robust_command(
    experiment: Experiment, ran: str | None = None, out: str | Path | None = None
) -> str:
    """The command that runs a small robust analysis of an experiment, as a user would type it.

    Parameters
    ----------
    experiment : Experiment
        The experiment compared (the runs the command adds are counted from its strategies).
    ran : str, optional
        The experiment and options the user ran it with (``crisis.toml --set graph.n=2000``):
        repeated as given. By default the canned experiment's name when it is that experiment
        (its replicates aside), else ``EXPERIMENT.toml``: a canned name for a changed
        experiment would analyse another comparison under this one's name.
    out : str or Path, optional
        Where the comparison went, as typed; the analysis goes beside it (``OUT-robust``),
        since a folder holds one comparison and the analysis runs it again at fewer
        replicates. ``.`` or ``..`` is named after the folder it is, from this process's
        working directory.

    Examples
    --------
    The runs it takes follow as a shell comment, so that the whole line can be pasted: the
    plausible worlds' and the comparison's again, at the small analysis' replicates.

    >>> from socialsim.studies.experiment import load_experiment
    >>> robust_command(load_experiment("stay-out-or-answer"))
    'socialsim compare stay-out-or-answer --robust 16 --replicates 2 --out socialsim-compare/stay-out-or-answer-robust  # 102 runs'
    >>> robust_command(load_experiment("crisis"), ran="my.toml --days 60", out="out/c")
    'socialsim compare my.toml --days 60 --robust 16 --replicates 2 --out out/c-robust  # 136 runs'
    """
    from socialsim.studies.experiment import canned_experiments, load_experiment

    name = experiment.name
    if ran is None:
        canned = name in canned_experiments() and replace(
            load_experiment(name), replicates=experiment.replicates
        )
        ran = name if canned == experiment else "EXPERIMENT.toml"
    out = Path("socialsim-compare") / name if out is None else Path(out)
    if out.name in ("", ".."):  # '.', '..', '/': the folder beside it is named after it
        out = out / ".." / (out.resolve().name or name)
    runs = (SMALL["worlds"] + 1) * len(experiment.strategies) * SMALL["replicates"]
    return (
        f"socialsim compare {ran} --robust {SMALL['worlds']} --replicates "
        f"{SMALL['replicates']} --out {shlex.quote(f'{out.as_posix()}-robust')}  # {runs} runs"
    )


def robustness_section(comparison: Comparison, path: str | Path) -> RobustnessSection:
    """The robustness section of a comparison's report, its figures written beside ``path``.

    Parameters
    ----------
    comparison : Comparison
        The comparison; its ``robust`` attribute holds the analysis, or None.
    path : str or Path
        The report's path without suffix: figures go to ``path_robust_*.png``.

    Returns
    -------
    RobustnessSection
    """
    import jinja2

    robust = comparison.robust
    template = jinja2.Environment(autoescape=True).from_string(_HTML)
    if robust is None:
        said = (
            "Not analysed: the intervals above cover simulation noise only, for one setting of "
            "the assumptions. To see whether the answer holds across plausible values of them, "
            "run:"
        )
        command = comparison.robust_command()
        markdown = f"{said}\n\n```sh\n{command}\n```\n"
        html = template.render(intro=[said], command=command, tables=None)
        return RobustnessSection("", markdown, html)
    path = Path(path)
    headline = robust.headline()
    intro = [_design(robust), headline]
    wins, regret, flips = _wins(robust), _regret(robust), robust.flips()
    limits = _limits(flips)
    sentences = list(dict.fromkeys(flips["description"]))
    if len(limits):
        sentences.append(
            f"A box found in {counted(robust.n_worlds, 'worlds')} is a hint, not a finding: a limit whose "
            "quasi-p-value is above 0.05 may be chance, and more worlds sharpen every boundary."
        )
    figures = _figures(robust, flips, path)
    sensitivity = (
        "Spearman's rank correlation of each headline advantage (the strategy's edge over the "
        "baseline in a world, positive when it is better) with each assumption, over the "
        "worlds (Helton & Davis 2003); the second figure shows, for the comparison the most "
        "worlds reverse, the advantage along the three assumptions that move it most."
    )
    markdown = [
        *[f"{p}\n" for p in intro],
        "### Who beats whom",
        "",
        wins.to_markdown(index=False),
        "",
        "### Regret and a ranking that holds across worlds",
        "",
        regret.to_markdown(index=False),
        "",
        "### What flips the answer",
        "",
        *[f"- {s}" for s in sentences],
        "",
        limits.to_markdown(index=False) if len(limits) else "",
        "",
        "### Which assumptions move the answer",
        "",
        sensitivity,
        "",
        *[f"![{name}]({path.name}_robust_{name}.png)\n" for name in figures],
    ]
    html = template.render(
        intro=intro,
        tables={
            "wins": wins.to_html(index=False, escape=True),
            "regret": regret.to_html(index=False, escape=True),
            "limits": limits.to_html(index=False, escape=True) if len(limits) else "",
        },
        flips=sentences,
        sensitivity=sensitivity,
        figures=figures,
    )
    return RobustnessSection(headline, "\n".join(markdown), html)


def _design(robust: RobustComparison) -> str:
    drawn, e = robust.drawn, robust.experiment
    source = f"{counted(len(drawn['priors']), 'assumptions')} drawn from their priors"
    if drawn["posterior"]:
        source += f" and {len(drawn['posterior'])} from posterior draws"
    held = f"; held: {', '.join(drawn['held'])}" if drawn["held"] else ""
    return (
        f"The intervals above cover simulation noise only. Here every strategy ran in "
        f"{counted(robust.n_worlds, 'plausible worlds')} (a Latin hypercube over {source}, "
        f"seed {drawn['seed']}{held}), "
        + (
            f"each on the same {e.replicates} replicates (common random numbers). "
            if e.replicates > 1
            else "each on the same replicate (common random numbers). "
        )
        + "A world's winner is the strategy with the better mean over its replicates; "
        "shares of worlds come with 95% Wilson intervals, and regret is how far a strategy "
        "falls short of each world's best, in the KPI's unit. See docs/robustness.md."
    )


def _wins(robust: RobustComparison) -> pd.DataFrame:
    """Per KPI, a matrix: the share of worlds the row's strategy beats the column's."""
    table = robust.wins()
    table["cell"] = [
        f"{row.share:.0%} [{row.low:.0%}, {row.high:.0%}]"
        + (f", {row.ties} tied" if row.ties else "")
        for row in table.itertuples()
    ]
    names = list(robust.experiment.strategies)
    wide = table.pivot(index=["kpi", "strategy"], columns="versus", values="cell")
    order = [(k, n) for k in dict.fromkeys(table["kpi"]) for n in names]
    wide = wide.reindex(index=order, columns=names).fillna("–")
    wide.index.names, wide.columns.name = ["KPI", "strategy beats"], None
    return wide.reset_index()


def _regret(robust: RobustComparison) -> pd.DataFrame:
    table = robust.regret()
    return pd.DataFrame(
        {
            "KPI": table["kpi"],
            "rank": table["rank"],
            "strategy": table["strategy"],
            "best in (95% CI)": [
                f"{s:.0%} [{lo:.0%}, {hi:.0%}]"
                for s, lo, hi in table[["best_share", "best_low", "best_high"]].to_numpy()
            ],
            "mean regret": table["mean_regret"].map("{:.3g}".format),
            "worst regret": table["worst_regret"].map("{:.3g}".format),
            "ranking holds in": table["ranking_holds"].map("{:.0%}".format),
        }
    )


def _limits(flips: pd.DataFrame) -> pd.DataFrame:
    rows = flips.dropna(subset=["parameter"])

    def gap(out: float, kept: float) -> str:
        return "" if pd.isna(out) else f"between {min(out, kept):.3g} and {max(out, kept):.3g}"

    return pd.DataFrame(
        {
            "comparison": rows["strategy"] + " vs " + rows["versus"] + " on " + rows["kpi"],
            "assumption": rows["parameter"],
            "low": rows["low"].map(lambda v: "" if pd.isna(v) else f"{v:.3g}"),
            "high": rows["high"].map(lambda v: "" if pd.isna(v) else f"{v:.3g}"),
            "low end lies": [gap(o, k) for o, k in rows[["low_gap_out", "low_gap_in"]].to_numpy()],
            "high end lies": [
                gap(o, k) for o, k in rows[["high_gap_out", "high_gap_in"]].to_numpy()
            ],
            "quasi-p": rows["qp"].map("{:.2g}".format),
        }
    )


def _figures(robust: RobustComparison, flips: pd.DataFrame, path: Path) -> dict[str, str]:
    """The sensitivity figures, written beside the report and encoded for the HTML: the rank
    correlations, and the main effects for the headline comparison the most worlds reverse."""
    import matplotlib.pyplot as plt

    from socialsim.studies.sensitivity import plot_main_effects
    from socialsim.studies.wins import advantage

    figures: dict[str, Figure] = {"sensitivity": robust.plot_sensitivity()}
    table = robust.sensitivity()
    if len(table):
        shown = table[["strategy", "versus", "kpi"]].drop_duplicates()
        reversals = flips.drop_duplicates(["strategy", "versus", "kpi"])
        shown = shown.merge(reversals, on=["strategy", "versus", "kpi"])
        strategy, versus, kpi = shown.loc[shown["reversed"].idxmax(), ["strategy", "versus", "kpi"]]
        mine = table[(table["strategy"] == strategy) & (table["kpi"] == kpi)]
        edge = advantage(robust.means(), strategy, versus, kpi).rename("advantage")
        frame = robust.worlds.set_index("world").join(edge, how="inner")
        fig = plot_main_effects(
            frame, list(mine["parameter"][:3]), "advantage", bins=max(2, len(frame) // 5)
        )
        fig.suptitle(
            f"Advantage of {strategy} over {versus} on {kpi} along the assumptions that move it "
            "most (worlds in quantile bins)",
            fontsize=10,
        )
        figures["effects"] = fig
    encoded = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    for name, fig in figures.items():
        fig.savefig(path.parent / f"{path.name}_robust_{name}.png", dpi=110)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
        encoded[name] = base64.b64encode(buffer.getvalue()).decode()
        plt.close(fig)
    return encoded
