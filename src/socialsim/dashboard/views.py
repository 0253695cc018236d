"""The dashboard's live views, in Solara: the question, network pictures, today's values, KPI plots.

Each view reads the :class:`~socialsim.dashboard.state.Workshop` when ``tick`` (bumped after
every step) changes, so only the views redraw while the simulation runs.
"""

from __future__ import annotations

import html
import math

import solara

from socialsim.dashboard.charts import SIDE_COLOURS, kpi_chart, network_svg
from socialsim.dashboard.picture import LEGEND
from socialsim.dashboard.state import Workshop
from socialsim.kpis import DECLARED

__all__ = ["SMALL", "KpiViews", "Legend", "NetworkView", "Question"]

SMALL = "font-size: 0.75em; color: #555; line-height: 1.2;"
"""The style of help texts and captions."""


@solara.component
def Question(workshop: Workshop, config) -> None:
    """What the class is asked and what to watch, or how free mode works."""
    _ = config.value
    a, b = (html.escape(side.name) for side in workshop.sides)
    sides = (
        f"<span style='color:{SIDE_COLOURS[0]}'>■</span> {a} against "
        f"<span style='color:{SIDE_COLOURS[1]}'>■</span> {b}"
    )
    if workshop.question:
        text = (
            f"<b>{html.escape(workshop.experiment)}</b>: {html.escape(workshop.question)}<br>"
            f"<span style='{SMALL}'>{sides}. Watch {html.escape(', '.join(workshop.watch))}."
            "</span>"
        )
    else:
        text = (
            f"{sides}: both start the same (same seed, same graph, same people). Move a lever "
            "of one side and watch what the strategy alone changes."
        )
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=["socialsim-question"])


@solara.component
def NetworkView(workshop: Workshop, index: int, tick) -> None:
    """A side's sampled people, coloured by status and loyalty, today's posts and replies ringed."""
    _ = tick.value
    drawn, style = workshop.picture(index)
    name = workshop.sides[index].name
    solara.Text(f"{name}: {drawn.nodes.size} of the people", style="font-weight: 600;")
    solara.HTML(
        tag="div",
        unsafe_innerHTML=network_svg(drawn, style, f"{name}: {drawn.nodes.size} people"),
        classes=["socialsim-network", f"socialsim-network-{index}"],
        style="height: 380px; width: 100%; max-width: 480px; margin: auto;",
    )


@solara.component
def Legend() -> None:
    """The network pictures' colours."""
    swatches = "".join(
        f"<span style='display:inline-block;margin-right:12px'>"
        f"<span style='display:inline-block;width:10px;height:10px;border-radius:5px;"
        f"background:{colour};margin-right:4px'></span>{html.escape(name)}</span>"
        for name, colour in LEGEND
    )
    solara.HTML(tag="div", unsafe_innerHTML=swatches, style=SMALL)


@solara.component
def KpiViews(workshop: Workshop, tick, config) -> None:
    """Today's values side by side, and each watched KPI over time."""
    _ = config.value
    plotted = solara.use_reactive(list(workshop.watch))
    solara.use_effect(lambda: plotted.set(list(workshop.watch)), [workshop.experiment])
    with solara.Row(style="align-items: center; flex-wrap: wrap;"):
        solara.SelectMultiple(
            "KPIs plotted", values=plotted.value, all_values=list(DECLARED), on_value=plotted.set
        )
    LatestTable(workshop, tick, tuple(plotted.value))
    with solara.GridFixed(columns=3):
        for kpi in plotted.value:
            KpiChart(workshop, tick, kpi)


@solara.component
def LatestTable(workshop: Workshop, tick, kpis: tuple[str, ...]) -> None:
    """Each plotted KPI today on both sides, and the difference the strategy made."""
    _ = tick.value
    a, b = (side.name for side in workshop.sides)
    rows = []
    for kpi in kpis:
        left, right = workshop.latest(kpi)
        rows.append(
            f"<tr><td>{kpi}</td><td>{_number(left)}</td><td>{_number(right)}</td>"
            f"<td>{_number(right - left, sign=True)}</td></tr>"
        )
    head = f"<tr><th>day {workshop.day}</th><th>{html.escape(a)}</th><th>{html.escape(b)}</th>"
    solara.HTML(
        tag="table",
        unsafe_innerHTML=f"{head}<th>right − left</th></tr>{''.join(rows)}",
        classes=["socialsim-latest"],
        style="border-collapse: collapse; font-size: 0.85em; text-align: right;",
    )


@solara.component
def KpiChart(workshop: Workshop, tick, kpi: str) -> None:
    """One KPI over time, a line per side, under its name and meaning."""
    _ = tick.value
    with solara.Column(gap="0px"):
        solara.Text(kpi, style="font-weight: 600; text-align: center;")
        declared = DECLARED[kpi]
        so_far = " Each day: its value so far." if declared.run_only else ""
        solara.Text(
            declared.meaning + so_far, style=f"{SMALL} text-align: center; min-height: 2.4em;"
        )
        solara.FigureEcharts(
            option=kpi_chart(workshop.series(kpi)),
            attributes={"class": f"socialsim-kpi socialsim-kpi-{kpi}", "style": "height: 200px;"},
        )


def _number(value: float, *, sign: bool = False) -> str:
    """A value as the table shows it: whole numbers bare, others to one decimal, no "-0".

    >>> _number(1440.0), _number(-1e-15, sign=True), _number(2.25, sign=True), _number(float("nan"))
    ('1,440', '+0', '+2.2', '–')
    """
    if math.isnan(value):
        return "–"
    value = round(value, 1) + 0.0  # + 0.0 turns -0.0 into 0.0
    digits = 0 if value.is_integer() else 1
    return f"{value:+,.{digits}f}" if sign else f"{value:,.{digits}f}"
