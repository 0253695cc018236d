"""The dashboard's controls, in Solara: the experiment, the transport, and every lever.

Each lever is the widget its declaration calls for (:mod:`socialsim.dashboard.levers`); a
change goes through ``change``, which calls the :class:`~socialsim.dashboard.state.Workshop`
and shows a rejected value's one-line error instead of applying it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import solara
import solara.lab

from socialsim.dashboard.levers import (
    CRISIS,
    Lever,
    coerce,
    lever,
    strategy_levers,
    world_levers,
)
from socialsim.dashboard.state import Workshop
from socialsim.dashboard.views import SMALL
from socialsim.studies.experiment import canned_experiments

__all__ = [
    "ControlTabs",
    "CrisisSwitch",
    "ExperimentChoice",
    "LeverWidget",
    "Transport",
    "WorldControls",
]

PEOPLE = (500, 20_000, 500)
"""Population slider (min, max, step): from a quick look to what still steps a few days a second."""


def people_slider(n: int) -> tuple[int, int, int]:
    """``(min, max, step)`` of the population slider, with ``n`` itself on its grid.

    A slider snaps its value to its range and step and sends the snapped value back, so a
    population started outside the grid (``socialsim dashboard --people 16700``) would be
    quietly rebuilt at another size. The range widens to hold ``n`` and the step shrinks to
    the largest divisor of :data:`PEOPLE`'s step that keeps ``n`` on the grid.

    Examples
    --------
    >>> people_slider(5_000)
    (500, 20000, 500)
    >>> people_slider(16_700)
    (500, 20000, 100)
    >>> people_slider(300), people_slider(50_001)
    ((300, 20000, 500), (500, 50001, 1))
    """
    low, high, step = PEOPLE
    low, high = min(low, n), max(high, n)
    return low, high, math.gcd(step, n - low)


FREE = "(none: the scenario as loaded)"


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
    """Workshop mode: pick a canned experiment, whose two workshop strategies become the sides.

    They are the two its ``workshop`` setting names, else its first two. The experiment keeps
    the population size shown: the class chose it for this machine.
    """
    _ = config.value

    def choose(name: str) -> None:
        if name == FREE:
            change(workshop.start, scenario, people=people)
        else:
            change(workshop.load, name, people=workshop.shared.graph.n)  # not a side's own size

    solara.Select(
        "Canned experiment",
        values=[FREE, *canned_experiments()],
        value=workshop.experiment or FREE,
        on_value=choose,
        classes=["socialsim-experiment"],
    )


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

    if workshop.strategies:
        solara.Select(
            "Strategy",
            values=list(workshop.strategies),
            value=side.name if side.name in workshop.strategies else None,
            on_value=lambda name: change(workshop.choose, index, name),
            classes=[f"socialsim-strategy-{index}"],
        )
        solara.Text(f"One of the strategies of {workshop.experiment}.", style=SMALL)
    for item in first:
        widget(item)
    Folded(f"More levers ({len(more)})", lambda: [widget(item) for item in more])


@solara.component
def WorldControls(workshop: Workshop, config, change) -> None:
    """What both sides share, first part: population size, seed, horizon and a crisis."""
    _ = config.value
    values = workshop.shared.flat()
    first, _sections = world_levers(workshop.per_side)
    with solara.Column(gap="4px"):
        with solara.Column(classes=["socialsim-people"]):
            low, high, step = people_slider(workshop.shared.graph.n)
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
            if item.key == CRISIS:
                CrisisSwitch(workshop, values[CRISIS], change)
            else:
                _shared_widget(workshop, values, item, change)
        if workshop.per_side:
            solara.Text(
                f"Set on each side by its strategy: {', '.join(sorted(workshop.per_side))}.",
                style=SMALL,
            )


@solara.component
def CrisisSwitch(workshop: Workshop, start: int, change) -> None:
    """A crisis on or off, and the day it starts: one control for ``root_causes.start``.

    The parameter is a day with 0 for none; a class thinks of a switch and a day. Switched on,
    the crisis starts on the day last chosen (at first a third into the run, so the class
    sees the days before it and after), which a slider up to the horizon moves.
    """
    item = lever(CRISIS)
    last = solara.use_ref(start or max(1, workshop.horizon // 3))  # kept while switched off
    if start:
        last.current = start

    with solara.Column(gap="0px", classes=["socialsim-lever", "socialsim-crisis"]):
        solara.Checkbox(
            label=f"Crisis on day {start}" if start else "Crisis",
            value=start > 0,
            on_value=lambda on: change(workshop.set_shared, CRISIS, last.current if on else 0),
        )
        if start:
            solara.SliderInt(
                "Day it starts",
                value=start,
                min=1,
                max=max(workshop.horizon, start),
                on_value=lambda day: change(workshop.set_shared, CRISIS, day),
            )
        solara.Text(f"{item.help} ({CRISIS}: {item.allowed})", style=SMALL)


@solara.component
def WorldDetails(workshop: Workshop, config, change) -> None:
    """What both sides share, the rest: every other declared parameter, by section."""
    _ = config.value
    values = workshop.shared.flat()
    _first, sections = world_levers(workshop.per_side)
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
            low, high, step = item.slider_range(value)
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
