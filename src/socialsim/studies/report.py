"""A comparison's report: Markdown beside its figures, and one self-contained HTML page.

The HTML is rendered by Jinja2 with autoescaping on, so whatever an experiment file says (its
name, question, strategy names) reaches the page as text, never as markup: a ``<script>`` in
a question is shown, not run. The tables come from :meth:`pandas.DataFrame.to_html`, which
escapes their cells.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from socialsim.studies.robust_report import robustness_section

if TYPE_CHECKING:
    from socialsim.studies.compare import Comparison

__all__ = ["write_report"]

_HTML = """<!doctype html>
<html><head><meta charset="utf-8">
<title>{{ e.name }}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;}
table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:3px 8px}</style>
</head><body>
<h1>{{ e.name }}</h1>
<p>{{ e.question }}</p>
<p>{{ design }} Baseline: <strong>{{ e.baseline }}</strong>.</p>
<p>{{ reading }}</p>
{% if robust_headline %}<p><strong>{{ robust_headline }}</strong></p>{% endif %}
<h2>KPIs by strategy</h2>
{{ kpis | safe }}
<h2>Difference from {{ e.baseline }}</h2>
{{ differences | safe }}
{% for name, data in figures.items() -%}
<p><img alt="{{ name }}" src="data:image/png;base64,{{ data }}" style="max-width:100%"></p>
{% endfor -%}
{{ robustness | safe }}
</body></html>
"""

_READING = (
    "Levels (fans, NPS ...) are read on the last day; flows (complaints, cost ...) are totals "
    "over the run; intervals are 95% t intervals over replicates. Differences are paired by "
    "replicate. Rank 1 (tied) means the replicates cannot tell the strategy from the best one; "
    "a strategy whose KPI is undefined in a replicate has no rank (–)."
)


def write_report(comparison: Comparison, path: str | Path) -> dict[str, Path]:
    """Write ``path.md`` and ``path.html`` for a comparison, and its figures beside them.

    The Markdown refers to ``path_trajectories.png`` and ``path_differences.png``, written
    beside it; the HTML carries the figures inside, so it can be forwarded alone.

    Parameters
    ----------
    comparison : Comparison
        What to report.
    path : str or Path
        The reports' path without suffix; its folder is created if need be.

    Returns
    -------
    dict of str to Path
        ``report_md`` and ``report_html``.
    """
    import jinja2
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = {"trajectories": comparison.plot(), "differences": comparison.plot_differences()}
    encoded = {}
    for name, fig in figures.items():
        fig.savefig(path.parent / f"{path.name}_{name}.png", dpi=110)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
        encoded[name] = base64.b64encode(buffer.getvalue()).decode()
        plt.close(fig)
    e = comparison.experiment
    robustness = robustness_section(comparison, path)  # the robustness section, its one call
    wide, shown = _tables(comparison)
    days = int(comparison.daily["day"].max())
    design = (
        f"{len(e.strategies)} strategies, {e.replicates} paired replicates each (common random "
        f"numbers, seed {e.seed}), {days} days."
    )
    markdown = "\n".join(
        [
            f"# {e.name}",
            "",
            e.question,
            "",
            f"{design} Baseline: **{e.baseline}**.",
            "",
            _READING,
            "",
            f"**{robustness.headline}**\n" if robustness.headline else "",
            "## KPIs by strategy",
            "",
            wide.to_markdown(),
            "",
            f"## Difference from {e.baseline}",
            "",
            shown.to_markdown(index=False),
            "",
            f"![trajectories]({path.name}_trajectories.png)",
            "",
            f"![differences]({path.name}_differences.png)",
            "",
            robustness.markdown,
        ]
    )
    html = (
        jinja2.Environment(autoescape=True)
        .from_string(_HTML)
        .render(
            e=e,
            design=design,
            reading=_READING,
            kpis=wide.to_html(escape=True),
            differences=shown.to_html(index=False, escape=True),
            figures=encoded,
            robust_headline=robustness.headline,
            robustness=robustness.html,
        )
    )
    md_path, html_path = path.with_suffix(".md"), path.with_suffix(".html")
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(html, encoding="utf-8")
    return {"report_md": md_path, "report_html": html_path}


def _tables(comparison: Comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables of the report: KPIs by strategy, and differences from the baseline."""
    e = comparison.experiment
    summary = comparison.summary()
    summary["mean (95% CI)"] = [
        f"{m:,.2f} [{lo:,.2f}, {hi:,.2f}]"
        for m, lo, hi in summary[["mean", "ci_low", "ci_high"]].to_numpy()
    ]
    wide = summary.pivot(index="strategy", columns="kpi", values="mean (95% CI)").loc[
        list(e.strategies), list(e.kpis)
    ]
    diffs = comparison.differences()
    diffs["difference (95% CI)"] = [
        f"{d:+,.2f} [{lo:+,.2f}, {hi:+,.2f}]"
        for d, lo, hi in diffs[["difference", "ci_low", "ci_high"]].to_numpy()
    ]
    diffs["p"] = diffs["p_value"].map(lambda p: "–" if pd.isna(p) else f"{p:.3g}")
    diffs["rank"] = [
        "–" if pd.isna(r) else f"{r}{' (tied)' if t else ''}"
        for r, t in zip(diffs["rank"], diffs["tied_with_best"], strict=True)
    ]
    return wide, diffs[["kpi", "strategy", "difference (95% CI)", "p", "rank"]]
