"""A comparison's report: one self-contained HTML page, and Markdown beside its figures.

The report answers the experiment's question first, in a paragraph generated from the
numbers (:func:`socialsim.studies.answer.headline`), then gives the differences from the
baseline with readable KPI names, units, Holm-adjusted p-values and ranks, the figures, each
strategy's KPIs, a robustness section and what every KPI means.

Both are rendered from the Jinja2 templates in ``studies/templates``; the HTML with
autoescaping on, so whatever an experiment file says (its name, question, strategy names)
reaches the page as text, never as markup: a ``<script>`` in a question is shown, not run.
The HTML carries its figures inside and has a print style sheet, so it can be forwarded
alone and printed.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from socialsim.kpis import DECLARED
from socialsim.scenario import PARAMETERS
from socialsim.studies.answer import (
    ALPHA,
    Formats,
    Sentence,
    counted,
    direction_word,
    format_p,
    headline,
    prices,
    unit_of,
)

if TYPE_CHECKING:
    from markupsafe import Markup
    from matplotlib.figure import Figure

    from socialsim.studies.compare import Comparison
    from socialsim.studies.experiment import Experiment

__all__ = ["Robustness", "answer", "write_report"]

DPI = 200
"""Figures are drawn at twice the resolution they are shown at, so they stay sharp on a
high-density screen and on paper."""

NOISE = (
    "The intervals and p-values cover simulation noise only: how much the answer varies "
    "between replicates of the same model with the same parameters. They do not cover doubt "
    "about the model itself or about the roughly hundred parameters whose values are "
    "assumptions (each is listed, with its plausible range, by `socialsim parameters`). "
    "Whether the answer holds when those vary is what the robustness analysis checks:"
)

MULTIPLICITY = (
    "This report makes {tests} (each strategy against the baseline on each KPI). Their "
    "p-values are adjusted for multiplicity by Holm's step-down method (Holm 1979), which "
    "keeps the chance of any false 'distinguishable' at most {alpha:.0%}; 'distinguishable' "
    "means an adjusted p below {alpha:g}. Each interval is a 95% interval for its comparison "
    "alone."
)

UNTESTED = (
    "This report makes no test: a difference is tested against the spread of its replicates, "
    "and one replicate has none. Run two or more (ten or more to tell small differences "
    "apart) to test them."
)

READING = (
    "Differences are paired: replicate r of every strategy ran on the same simulated fans "
    "(common random numbers), and the interval is that of the mean paired difference. Ranks "
    "order the strategies' means, the baseline's included; rank 1 is best for the brand; "
    "'(tied with 1)' means the replicates cannot tell the strategy from the best (its paired "
    "interval against it holds 0); '–' means not ranked: the KPI is neither good nor bad (see "
    "'Better when'), or it is "
    "undefined in a replicate. A difference shown without an interval is the same in every "
    "replicate."
)

PER_POINT = (
    "Mean paired difference in total cost divided by that in NPS, against {baseline}; "
    "a ratio of two noisy numbers, with no interval: read it beside the NPS difference above. "
    "Amounts are in the currency units of team.hourly_cost. Shown where NPS is "
    "distinguishably raised; 'cheaper and better' where total cost is distinguishably "
    "lowered too, a gain with no price."
)


@dataclass(frozen=True)
class Robustness:
    """What a robustness analysis (``compare --robust``, issue 18) adds to a report.

    Attributes
    ----------
    holds : mapping of str to float
        Per strategy (the baseline's left out), the share in [0, 1] of plausible worlds in
        which the headline's answer holds; the headline then says "This holds in 87% of
        plausible worlds".
    paragraphs : sequence of str
        Plain text (escaped, never read as markup), shown first in the robustness section.
    table : pandas.DataFrame, optional
        Shown after them.
    figures : mapping of str to Figure, optional
        Caption -> figure, inlined after the table (the Markdown's beside it,
        ``path_robustness_1.png`` ...).

    Without paragraphs, table or figures the section lists the shares in ``holds``; a
    Robustness with nothing at all is no analysis: the section then says how to run one.
    """

    holds: Mapping[str, float] = field(default_factory=dict)
    paragraphs: Sequence[str] = ()
    table: pd.DataFrame | None = None
    figures: Mapping[str, Figure] = field(default_factory=dict)


def write_report(
    comparison: Comparison, path: str | Path, robustness: Robustness | None = None
) -> dict[str, Path]:
    """Write ``path.html`` and ``path.md`` for a comparison, and its figures beside them.

    The Markdown refers to ``path_differences.png`` and ``path_trajectories.png``, written
    beside it; the HTML carries every figure inside, so it can be forwarded alone.

    Parameters
    ----------
    comparison : Comparison
        What to report.
    path : str or Path
        The reports' path without suffix; its folder is created if need be.
    robustness : Robustness, optional
        The robustness analysis, shown in its section and in the headline.

    Returns
    -------
    dict of str to Path
        ``report_md`` and ``report_html``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if robustness is not None and robustness.table is not None and robustness.table.empty:
        robustness = replace(robustness, table=None)  # a table of nothing is no table
    if robustness is not None and not (
        robustness.holds
        or robustness.paragraphs
        or robustness.table is not None
        or robustness.figures
    ):
        robustness = None  # it says nothing: the section says how to run an analysis instead
    context = _context(comparison, robustness)
    figures = {
        "differences": (
            comparison.plot_differences(),
            f"Paired difference from {comparison.experiment.baseline} on each KPI, with its 95% "
            "interval. A filled dot is distinguishable after Holm's adjustment, a hollow one is "
            "not; the arrow under each panel points to the side that is better for the brand.",
        ),
        "trajectories": (
            comparison.plot(),
            "The same differences day by day: each KPI as the run sums it up so far (a total "
            "to date, a rate over the days to date), the mean over paired replicates and its "
            "95% band. Each line ends at the difference in the table.",
        ),
    }
    context["figures"] = [
        _figure(fig, name, caption, path.parent / f"{path.name}_{name}.png")
        for name, (fig, caption) in figures.items()
    ]
    if robustness is None:  # the analysis of compare --robust, or the command that runs it
        from markupsafe import Markup

        from socialsim.studies.robust_report import robustness_section

        section = robustness_section(comparison, path)
        context.update(
            robust_html=Markup(section.html),
            robust_markdown=section.markdown,
            robust_headline=section.headline,
        )
    else:
        context["robustness_figures"] = [
            _figure(fig, caption, caption, path.parent / f"{path.name}_robustness_{i}.png")
            for i, (caption, fig) in enumerate(robustness.figures.items(), 1)
        ]
    html_path, md_path = path.with_suffix(".html"), path.with_suffix(".md")
    html_path.write_text(_render("report.html", context), encoding="utf-8")
    md_path.write_text(_render("report.md", {**context, "stem": path.name}), encoding="utf-8")
    return {"report_md": md_path, "report_html": html_path}


def _render(template: str, context: Mapping[str, Any]) -> str:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("socialsim.studies", "templates"),
        # HTML is escaped; Markdown is not HTML, and its cells escape their own pipes.
        autoescape=jinja2.select_autoescape(["html"], default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["cell"] = _cell
    environment.filters["code"] = _code_spans
    return environment.get_template(template).render(context)


def _code_spans(text: str) -> Markup:
    """Plain text for HTML, escaped, with its `code` spans set as code (never other markup).

    >>> str(_code_spans("run `socialsim kpis` <now>"))
    'run <code>socialsim kpis</code> &lt;now&gt;'
    """
    from markupsafe import Markup, escape

    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def _figure(fig: Figure, title: str, caption: str, png: Path | None = None) -> dict[str, Any]:
    """A figure inlined as a PNG at :data:`DPI`, shown at half its pixel width."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    if png is not None:
        png.write_bytes(buffer.getvalue())
    width = round(fig.get_figwidth() * DPI / 2)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    return {"title": title, "caption": caption, "data": data, "width": width}


def answer(comparison: Comparison, robustness: Robustness | None = None) -> str:
    """The report's answer as plain text: one line to say what is compared, then one per
    strategy (see :func:`socialsim.studies.answer.headline`)."""
    preface, sentences, _, _ = _answer(comparison, comparison.differences(), robustness)
    return "\n".join([preface, *(f"{s.strategy} {s.text}" for s in sentences)])


def _answer(
    comparison: Comparison, differences: pd.DataFrame, robustness: Robustness | None
) -> tuple[str, list[Sentence], Formats, dict[str, str]]:
    """The headline's preface and sentences, the formats of the differences, and the cost per
    NPS point as the report says it (:func:`~socialsim.studies.answer.prices`)."""
    e = comparison.experiment
    others = differences[differences["strategy"] != e.baseline]
    formats = Formats.of(others)
    per_point: dict[str, float] = {}
    if {"nps", "total_cost"} <= set(e.kpis):
        per_point = comparison.cost_per_nps_point().to_dict()
    days = int(comparison.daily["day"].max())
    preface = (
        f"Compared with {e.baseline}, over {counted(days, 'days')} and "
        f"{counted(e.replicates, 'paired replicates')}, "
        + (
            "with 95% intervals:"
            if e.replicates > 1
            else "without intervals or tests, which one replicate cannot give (run two or "
            "more to tell a difference from noise):"
        )
    )
    holds = robustness.holds if robustness is not None else None
    sentences = headline(differences, formats, e.kpis, e.baseline, per_point, holds)
    return preface, sentences, formats, prices(differences, formats, per_point)


def _context(comparison: Comparison, robustness: Robustness | None) -> dict[str, Any]:
    """Everything the templates show, as text: numbers are formatted once, here."""
    from markupsafe import Markup

    e = comparison.experiment
    differences, summary = comparison.differences(), comparison.summary()
    others = differences[differences["strategy"] != e.baseline]
    preface, sentences, formats, per_point = _answer(comparison, differences, robustness)
    days = int(comparison.daily["day"].max())
    tests = int(others["p_value"].notna().sum())
    return {
        "e": e,
        "preface": preface,
        "sentences": sentences,
        "hinges": _hinges(e),
        "noise": NOISE,
        "multiplicity": (
            MULTIPLICITY.format(tests=counted(tests, "tests"), alpha=ALPHA) if tests else UNTESTED
        ),
        "holm_title": "Adjusted for every test in this table by Holm's method (Holm 1979).",
        "design": (
            f"{counted(len(e.strategies), 'strategies')}, "
            f"{counted(e.replicates, 'paired replicates')} each (common random numbers, seed "
            f"{e.seed}), {counted(days, 'days')}. Baseline: {e.baseline}."
        ),
        "reading": READING,
        "differences": _difference_groups(differences, formats, e.kpis, e.baseline),
        "per_point": list(per_point.items()),
        "per_point_note": PER_POINT.format(baseline=e.baseline),
        "strategies": list(e.strategies),
        "means": _mean_rows(summary, Formats.of(summary, "mean"), e.kpis, list(e.strategies)),
        "glossary": [
            {
                "label": DECLARED[k].label,
                "unit": unit_of(k),
                "summary": f"per run: {DECLARED[k].summary}",
                "meaning": DECLARED[k].meaning,
            }
            for k in e.kpis
        ],
        "robustness": robustness,
        "robustness_table": (
            Markup(robustness.table.to_html(index=False, escape=True, border=0))
            if robustness is not None and robustness.table is not None
            else None
        ),
        "robustness_markdown_table": (
            _escaped(robustness.table).to_markdown(index=False)
            if robustness is not None and robustness.table is not None
            else None
        ),
        "robustness_figures": [],
        # Shares alone would leave the section's heading with nothing under it.
        "robustness_holds": (
            [(name, f"{share:.0%}") for name, share in robustness.holds.items()]
            if robustness is not None
            and not (robustness.paragraphs or robustness.table is not None or robustness.figures)
            else []
        ),
    }


def _cell(text: Any) -> str:
    """``text`` as a Markdown table's cell: its ``|`` escaped, which would end the cell."""
    return str(text).replace("|", "\\|")


def _escaped(table: pd.DataFrame) -> pd.DataFrame:
    r"""``table`` with every cell and column name a Markdown cell (:func:`_cell`).

    >>> print(_escaped(pd.DataFrame({"a|b": ["x|y"]})).to_markdown(index=False))
    | a\|b   |
    |:-------|
    | x\|y   |
    """
    return table.map(_cell).rename(columns=_cell)


def _hinges(e: Experiment) -> list[dict[str, str]]:
    """The assumed parameters the experiment says its answer turns on, with the baseline's
    value and the parameter's declared source (which gives its plausible range)."""
    values = e.scenario(e.baseline).flat()
    return [
        {"key": key, "value": f"{values[key]:g}", "source": PARAMETERS[key].metadata["source"]}
        for key in e.hinges_on or ()
    ]


def _difference_groups(
    table: pd.DataFrame, formats: Formats, kpis: Sequence[str], baseline: str
) -> list[dict[str, Any]]:
    """Each KPI's rows of the differences table: every strategy but the baseline, then the
    baseline, whose rank is among the others' (without it, ranks would seem to skip one)."""
    groups = []
    for kpi in kpis:
        rows = table[table["kpi"] == kpi]
        rows = pd.concat([rows[rows["strategy"] != baseline], rows[rows["strategy"] == baseline]])
        groups.append(
            {
                "kpi": kpi,
                "label": DECLARED[kpi].label,
                "unit": unit_of(kpi, difference=True) or "currency units",
                "better": direction_word(kpi),
                "rows": [
                    {
                        "strategy": r.strategy,
                        "difference": (
                            "(baseline)"
                            if r.strategy == baseline
                            else formats.interval(kpi, r.difference, r.ci_low, r.ci_high)
                        ),
                        "p": format_p(r.p_holm),
                        "rank": _rank(r.rank, r.tied_with_best),
                    }
                    for r in rows.itertuples()
                ],
            }
        )
    return groups


def _mean_rows(
    summary: pd.DataFrame, formats: Formats, kpis: Sequence[str], strategies: list[str]
) -> list[dict[str, Any]]:
    cells = {
        (r.strategy, r.kpi): formats.interval(r.kpi, r.mean, r.ci_low, r.ci_high, signed=False)
        for r in summary.itertuples()
    }
    return [
        {
            "label": DECLARED[k].label,
            "unit": unit_of(k),
            "cells": [cells[(name, k)] for name in strategies],
        }
        for k in kpis
    ]


def _rank(rank: Any, tied: bool) -> str:
    """'2', or '3 (tied with 1)' when the replicates cannot tell the strategy from the best."""
    if pd.isna(rank):
        return "–"
    return f"{rank} (tied with 1)" if tied else str(rank)
