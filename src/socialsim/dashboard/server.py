"""Serve the dashboard on this machine, with every asset from the installed packages.

Solara loads its JavaScript and CSS from a content delivery network unless told otherwise.
Here the assets proxy is on, so the browser asks this server for them, and the server finds
them in the ``solara-assets`` package, which holds the files of the matching Solara release
(pinned together in the ``dashboard`` extra): no request leaves the machine. Telemetry and
the version check are off.
"""

from __future__ import annotations

import os
import socket
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from socialsim.constraints import ConfigError

if TYPE_CHECKING:
    from socialsim.scenario import Scenario

__all__ = ["OFFLINE", "serve"]

OFFLINE = {
    "SOLARA_ASSETS_PROXY": "true",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_MODE": "production",
}
"""Solara settings that keep the page and the server off the internet (read on import)."""


def serve(
    scenario: Scenario | None = None,
    *,
    experiment: str | None = None,
    people: int | None = None,
    host: str = "127.0.0.1",
    port: int = 8765,
    echo: Callable[[str], object] = print,
) -> None:
    """Serve the dashboard until interrupted.

    Parameters
    ----------
    scenario : Scenario, optional
        The world both sides start from; the built-in default when omitted.
    experiment : str, optional
        A canned experiment to open in workshop mode.
    people : int, optional
        Population size (default: the scenario's, at most 5,000).
    host : str, default "127.0.0.1"
        Address to listen on; the default lets only this machine in.
    port : int, default 8765
        Port to listen on; 0 picks a free one.
    echo : callable
        Where the address is announced, once the port is bound.

    Raises
    ------
    ConfigError
        If the address cannot be bound (the port is taken, the host is not this machine's).
    """
    os.environ.update(OFFLINE)
    os.environ["SOLARA_APP"] = "socialsim.dashboard.page"
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise ConfigError(
            "port",
            f"{host}:{port}",
            f"a free port on an address of this machine ({error.strerror})",
        ) from None
    listener.listen(128)  # from here on, a browser that opens the page waits, never refused
    port = listener.getsockname()[1]
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(port)

    shown = f"[{host}]" if ":" in host else host
    echo(f"socialsim dashboard: http://{shown}:{port}/  (Ctrl+C to stop)")

    import uvicorn

    from socialsim.dashboard import page

    page.LAUNCH.clear()
    page.LAUNCH.update(scenario=scenario, experiment=experiment, people=people)
    # Solara asks for samesite=none cookies, which need https, and falls back to lax, which is
    # what a page on this machine needs: the warning it prints on every page load says nothing.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none")

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            # Serving now: the simulation loads while the browser loads the page.
            page.prepare()

    config = uvicorn.Config("solara.server.starlette:app", log_level="warning", access_log=False)
    Server(config).run(sockets=[listener])
