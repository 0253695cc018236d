"""The dashboard, in Solara: controls beside live KPI plots and pictures of two sides.

Everything here reads and calls a :class:`~socialsim.dashboard.state.Workshop`; no simulation
logic lives in the view (:mod:`~socialsim.dashboard.controls`,
:mod:`~socialsim.dashboard.views`). ``socialsim dashboard`` serves it
(:func:`socialsim.dashboard.page.Page`); in a notebook, a cell ending in
``Dashboard(experiment="crisis")`` shows the same components.
"""

from __future__ import annotations

import threading
import time

import solara

from socialsim.constraints import ConfigError
from socialsim.dashboard.controls import (
    ControlTabs,
    ExperimentChoice,
    Transport,
    WorldControls,
)
from socialsim.dashboard.state import Workshop
from socialsim.dashboard.views import KpiViews, Legend, NetworkView, Question
from socialsim.scenario import Scenario

__all__ = ["Dashboard"]

FRAME = 0.25
"""Seconds between redraws while playing: several days are stepped per frame at high speed."""


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

    def change(action, *args, **kwargs) -> None:
        try:
            action(*args, **kwargs)
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
