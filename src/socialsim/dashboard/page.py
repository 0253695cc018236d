"""The page ``socialsim dashboard`` serves, light to import so the server answers at once.

Solara imports this module before it serves anything. It imports Solara and nothing of the
simulation: numba, pandas, Mesa and the first model build come in :func:`prepare`, on a thread
that runs while the browser loads the page's scripts, so a class waits for the longer of the
two rather than for both.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

import solara

if TYPE_CHECKING:
    from socialsim.dashboard.state import Workshop

__all__ = ["LAUNCH", "Page", "prepare"]

LAUNCH: dict[str, Any] = {}
"""What ``socialsim dashboard`` was started with (scenario, experiment, people), for :func:`Page`."""

_first: list[Future[Workshop]] = []


def prepare() -> None:
    """Start building the first visitor's :class:`Workshop` now, in the background.

    ``socialsim dashboard`` calls this once it serves: the imports, the build, the first call
    of every compiled function and the layout of the network picture then overlap the
    browser's loading of the page. An error is raised again where the page asks for the
    Workshop.
    """
    future: Future[Workshop] = Future()

    def build() -> None:
        try:
            # Mesa first, from the top of this thread: its import walks the caller's stack with
            # inspect (mesa_logging), once per logged method, and each frame of the import
            # machinery costs a scan of every loaded module. Imported at the end of the
            # dashboard's chain of imports, with Solara's modules loaded, that cost about 0.7 s
            # more CPU (measured in the server: 2.8-3.1 s for this thread, 2.2-2.4 s now).
            import mesa  # noqa: F401

            import socialsim.dashboard.app  # noqa: F401  (the components: imported once, here)
            from socialsim.dashboard.state import Workshop

            workshop = Workshop(**LAUNCH)
            workshop.picture(0)
            workshop.latest("nps")  # the first day's KPI table, derived KPIs included
        except Exception as error:
            future.set_exception(error)
        else:
            future.set_result(workshop)

    threading.Thread(target=build, name="socialsim-prepare", daemon=True).start()
    _first.append(future)


def _workshop() -> Workshop:
    """The prepared Workshop for the first session to ask (waiting for it), else a new one."""
    try:
        future = _first.pop()
    except IndexError:  # not served by socialsim dashboard, or already taken
        from socialsim.dashboard.state import Workshop

        return Workshop(**LAUNCH)
    return future.result()


@solara.component
def Page() -> None:
    """The page ``socialsim dashboard`` serves: a note until the simulation is ready, then it."""
    solara.Title("socialsim dashboard")
    ready = solara.use_thread(_workshop, dependencies=[])
    if ready.state == solara.ResultState.FINISHED:
        # Imported here, not above: this module must stay light (see the module's docstring).
        from socialsim.dashboard.app import Dashboard

        Dashboard(**LAUNCH, workshop=ready.value)
    elif ready.state == solara.ResultState.ERROR:
        solara.Error(f"The simulation could not start: {ready.error}")
    else:
        solara.Text("Preparing the simulation ...", classes=["socialsim-preparing"])
        # An empty chart, out of sight: the browser loads the charts' script meanwhile.
        solara.FigureEcharts(option={}, attributes={"style": "height: 1px; visibility: hidden;"})
