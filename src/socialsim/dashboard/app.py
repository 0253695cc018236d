"""The dashboard's view, in Solara: controls, live KPI plots and network pictures of two sides.

Everything here reads and calls a :class:`~socialsim.dashboard.state.Workshop`; no simulation
logic lives in the view. ``socialsim dashboard`` serves :func:`Page`; in a notebook, the last
expression of a cell ``Dashboard(experiment="crisis")`` shows the same components.
"""

from __future__ import annotations

import html
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import solara
import solara.lab

from socialsim.constraints import ConfigError
from socialsim.dashboard.charts import SIDE_COLOURS, kpi_chart, network_svg
from socialsim.dashboard.levers import (
    Lever,
    coerce,
    strategy_levers,
    world_levers,
)
from socialsim.dashboard.picture import LEGEND
from socialsim.dashboard.state import Workshop
from socialsim.kpis import KPIS
from socialsim.scenario import Scenario
from socialsim.studies.experiment import canned_experiments

__all__ = ["LAUNCH", "Dashboard", "Page", "prepare"]

LAUNCH: dict[str, Any] = {}
"""What ``socialsim dashboard`` was started with (scenario, experiment), for :func:`Page`."""

FRAME = 0.25
"""Seconds between redraws while playing: several days are stepped per frame at high speed."""
PEOPLE = (500, 20_000, 500)
"""Population slider (min, max, step): from a quick look to what still steps a few days a second."""
FREE = "(none: the scenario as loaded)"
SMALL = "font-size: 0.75em; color: #555; line-height: 1.2;"


_first: list[Future[Workshop]] = []


def prepare() -> None:
    """Start building the first visitor's :class:`Workshop` now, in the background.

    ``socialsim dashboard`` calls this once it listens: the build (and the first call of every
    compiled function it runs) then overlaps the browser's loading of the page's scripts.
    """
    future: Future[Workshop] = Future()

    def build() -> None:
        workshop = Workshop(**LAUNCH)
        workshop.picture(0)
        future.set_result(workshop)

    threading.Thread(target=build, name="socialsim-prepare", daemon=True).start()
    _first.append(future)


def _prepared() -> Workshop | None:
    return _first.pop().result() if _first else None


@solara.component
def Page() -> None:
    """The page ``socialsim dashboard`` serves."""
    solara.Title("socialsim dashboard")
    Dashboard(**LAUNCH, workshop=solara.use_memo(_prepared, []))


@solara.component
def Dashboard(
    scenario: Scenario | None = None,
    experiment: str | None = None,
    people: int | None = None,
    workshop: Workshop | None = None,
) -> None:
    """Two strategies side by side, stepped live, with their controls.

    Parameters
    ----------
    scenario : Scenario, optional
        The world both sides start from (free mode).
    experiment : str, optional
        A canned experiment to open in workshop mode.
    people : int, optional
        Population size (default: the scenario's, at most 5,000).
    workshop : Workshop, optional
        The state to show and drive, instead of a new one made from the arguments above (which
        still say what choosing no experiment returns to); a notebook can keep it to read it.
    """
    workshop = solara.use_memo(
        lambda: workshop or Workshop(scenario, experiment=experiment, people=people), []
    )
    tick = solara.use_reactive(0)  # bumped after every step: the live views re-read the state
    config = solara.use_reactive(0)  # bumped after every change of a parameter
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5)
    error = solara.use_reactive("")

    def change(action, *args) -> None:
        try:
            action(*args)
            error.set("")
        except ConfigError as problem:
            error.set(str(problem))
        config.set(config.value + 1)
        tick.set(tick.value + 1)

    def play(cancel: threading.Event) -> None:
        while playing.value and not cancel.is_set():
            started = time.perf_counter()
            days = max(1, round(speed.value * FRAME))
            stepped = workshop.step(days)
            tick.set(tick.value + 1)
            if stepped < days:  # the horizon
                playing.set(False)
                return
            cancel.wait(max(0.0, days / speed.value - (time.perf_counter() - started)))

    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)

    with solara.Columns([1, 3], style="padding: 8px;", classes=["socialsim-dashboard"]):
        with solara.Column(style="min-width: 300px;"):
            ExperimentChoice(workshop, config, scenario, people, change)
            WorldControls(workshop, config, change)
            ControlTabs(workshop, config, change)
        with solara.Column():
            Question(workshop, config)
            Transport(workshop, tick, playing, speed, change)
            if error.value:
                solara.Error(error.value, classes=["socialsim-error"])
            with solara.Columns([1, 1]):
                for index in range(2):
                    NetworkView(workshop, index, tick)
            Legend()
            KpiViews(workshop, tick, config)


@solara.component
def ControlTabs(workshop: Workshop, config, change) -> None:
    """A tab of levers for each side, named after its strategy, and one for the rest."""
    _ = config.value
    with solara.lab.Tabs(lazy=True):
        for index, side in enumerate(workshop.sides):
            with solara.lab.Tab(side.name, classes=[f"socialsim-tab-{index}"]):
                SideControls(workshop, index, config, change)
        with solara.lab.Tab("World", classes=["socialsim-tab-world"]):
            WorldDetails(workshop, config, change)


@solara.component
def ExperimentChoice(workshop: Workshop, config, scenario, people, change) -> None:
    """Workshop mode: pick a canned experiment, whose first two strategies become the sides."""
    _ = config.value

    def choose(name: str) -> None:
        if name == FREE:
            change(workshop.start, scenario, people=people)
        else:
            change(workshop.load, name)

    solara.Select(
        "Canned experiment",
        values=[FREE, *canned_experiments()],
        value=workshop.experiment or FREE,
        on_value=choose,
        classes=["socialsim-experiment"],
    )


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
def Transport(workshop: Workshop, tick, playing, speed, change) -> None:
    """Play / pause / step / reset, the speed, and the day."""
    _ = tick.value
    with solara.Row(style="align-items: center; flex-wrap: wrap;", classes=["socialsim-transport"]):
        solara.Button(
            "Pause" if playing.value else "Play",
            on_click=lambda: playing.set(not playing.value),
            disabled=workshop.done and not playing.value,
            color="primary",
        )
        solara.Button("Step", on_click=lambda: change(workshop.step, 1), disabled=playing.value)
        solara.Button("Reset", on_click=lambda: change(workshop.reset))
        with solara.Column(style="min-width: 260px;"):
            solara.SliderInt(f"{speed.value} days a second", value=speed, min=1, max=30)
        people = workshop.sides[0].model.graph.n_nodes
        solara.Text(
            f"Day {workshop.day} of {workshop.horizon} · {people:,} people",
            classes=["socialsim-day"],
            style="font-size: 1.2em; font-weight: 600;",
        )


@solara.component
def SideControls(workshop: Workshop, index: int, config, change) -> None:
    """One side's strategy: the main levers, the rest folded."""
    _ = config.value
    side = workshop.sides[index]
    values = side.scenario.flat()
    first, more = strategy_levers(tuple(key for key in side.overrides if key in values))

    def widget(item: Lever) -> None:
        LeverWidget(
            item,
            values[item.key],
            lambda value, key=item.key: change(workshop.set_lever, index, key, value),
            f"lever-{index}-{item.key}",
        )

    for item in first:
        widget(item)
    Folded(f"More levers ({len(more)})", lambda: [widget(item) for item in more])


@solara.component
def WorldControls(workshop: Workshop, config, change) -> None:
    """What both sides share, first part: population size, seed, horizon and a crisis."""
    _ = config.value
    values = workshop.shared.flat()
    first, _sections = world_levers()
    with solara.Column(gap="4px"):
        with solara.Column(classes=["socialsim-people"]):
            low, high, step = PEOPLE
            solara.SliderInt(
                "People",
                value=workshop.shared.graph.n,
                min=low,
                max=high,
                step=step,
                on_value=lambda n: change(workshop.set_shared, "graph.n", n),
                disabled=workshop.shared.graph.kind == "file",
            )
            solara.Text("Population size of both sides (graph.n).", style=SMALL)
        with solara.Column():
            solara.InputInt(
                "Seed",
                value=workshop.shared.run.seed,
                on_value=lambda seed: change(workshop.set_shared, "run.seed", seed),
                classes=["socialsim-seed"],
            )
            solara.Text("Same seed, same graph and people (run.seed).", style=SMALL)
        for item in first:
            _shared_widget(workshop, values, item, change)


@solara.component
def WorldDetails(workshop: Workshop, config, change) -> None:
    """What both sides share, the rest: every other declared parameter, by section."""
    _ = config.value
    values = workshop.shared.flat()
    _first, sections = world_levers()
    solara.Text("Everything else both sides share, by section:", style=SMALL)
    for section, items in sections.items():
        Folded(
            f"{section} ({len(items)})",
            lambda items=items: [_shared_widget(workshop, values, item, change) for item in items],
        )


def _shared_widget(workshop: Workshop, values: dict[str, Any], item: Lever, change) -> None:
    LeverWidget(
        item,
        values[item.key],
        lambda value, key=item.key: change(workshop.set_shared, key, value),
        f"world-{item.key}",
    )


@solara.component
def Folded(title: str, body: Callable[[], object]) -> None:
    """A title that opens onto ``body``'s widgets, which are built only once it is open.

    A page holds over a hundred parameters; building the folded ones on demand keeps the first
    page quick to appear.
    """
    shown = solara.use_reactive(False)
    solara.Button(
        f"{'▾' if shown.value else '▸'} {title}",
        on_click=lambda: shown.set(not shown.value),
        text=True,
        style="justify-content: flex-start; text-transform: none;",
    )
    if shown.value:
        with solara.Column(style="padding-left: 16px;"):
            body()


@solara.component
def LeverWidget(item: Lever, value: Any, on_value, name: str) -> None:
    """One parameter as the widget its declaration calls for, with its help text and range."""

    def send(new: Any) -> None:
        on_value(coerce(item, new))

    with solara.Column(gap="0px", classes=["socialsim-lever", name.replace(".", "-")]):
        if item.kind == "choice":
            solara.Select(item.label, values=list(item.options), value=value, on_value=send)
        elif item.kind == "choices":
            solara.SelectMultiple(
                item.label, values=list(value), all_values=list(item.options), on_value=send
            )
        elif item.kind == "flag":
            solara.Checkbox(label=item.label, value=value, on_value=send)
        elif item.slider:
            low, high, step = item.slider_range()
            if item.kind == "int":
                solara.SliderInt(item.label, value=value, min=low, max=high, on_value=send)
            else:
                solara.SliderFloat(
                    item.label, value=value, min=low, max=high, step=step, on_value=send
                )
        elif item.kind == "int":
            solara.InputInt(item.label, value=value, on_value=send)
        else:
            solara.InputFloat(item.label, value=value, on_value=send)
        allowed = "" if item.options else f": {item.allowed}"
        solara.Text(f"{item.help} ({item.key}{allowed})", style=SMALL)


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
            "KPIs plotted", values=plotted.value, all_values=list(KPIS), on_value=plotted.set
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
        solara.Text(KPIS.get(kpi, ""), style=f"{SMALL} text-align: center; min-height: 2.4em;")
        solara.FigureEcharts(
            option=kpi_chart(workshop.series(kpi)),
            attributes={"class": f"socialsim-kpi socialsim-kpi-{kpi}", "style": "height: 200px;"},
        )


def _number(value: float, *, sign: bool = False) -> str:
    if math.isnan(value):
        return "–"
    digits = 0 if value.is_integer() else 1
    return f"{value:+,.{digits}f}" if sign else f"{value:,.{digits}f}"
