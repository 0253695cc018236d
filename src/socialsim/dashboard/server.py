"""Serve the dashboard on this machine, with every asset from the installed packages.

Solara loads its JavaScript and CSS from a content delivery network unless told otherwise.
Here the assets proxy is on, so the browser asks this server for them, and the server finds
them in the ``solara-assets`` package, which holds the files of the matching Solara release
(pinned together in the ``dashboard`` extra): no request leaves the machine. Telemetry and
the version check are off.

Solara's charts ask for the unminified ECharts (``dist/echarts.js``, 3.3 MB); the same package
ships the same release minified (``echarts.min.js``, 1.0 MB), which :func:`minified` serves in
its place: a third of the bytes to compress, send and parse before the first KPI plot.
"""

from __future__ import annotations

import os
import socket
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from socialsim.constraints import ConfigError

if TYPE_CHECKING:
    from socialsim.scenario import Scenario

__all__ = ["OFFLINE", "minified", "serve"]

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

    from solara.server.starlette import app

    config = uvicorn.Config(minified(app), log_level="warning", access_log=False)
    Server(config).run(sockets=[listener])


CDN = "/_solara/cdn/"
"""Where Solara's proxy serves the assets of ``solara-assets`` (its ``cdn_url_path``)."""


def minified(app: Callable, cache: Path | None = None) -> Callable:
    """``app`` (an ASGI app), answering a request for a script of the asset proxy with its
    minified build when the installed assets have one (``x.js`` by ``x.min.js``).

    Parameters
    ----------
    app : callable
        Solara's ASGI app.
    cache : pathlib.Path, optional
        The assets' directory (Solara's ``settings.assets.proxy_cache_dir``).

    Examples
    --------
    >>> import asyncio, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "lib.min.js").write_text("")
    >>> asked = []
    >>> async def app(scope, receive, send):
    ...     asked.append(scope["path"])
    >>> wrapped = minified(app, folder)
    >>> for path in ("/_solara/cdn/lib.js", "/_solara/cdn/other.js", "/"):
    ...     asyncio.run(wrapped({"type": "http", "path": path}, None, None))
    >>> asked
    ['/_solara/cdn/lib.min.js', '/_solara/cdn/other.js', '/']
    """
    if cache is None:
        from solara.server import settings

        cache = Path(settings.assets.proxy_cache_dir)
    found: dict[str, str] = {}

    def lookup(path: str) -> str:
        if path not in found:
            small = path[: -len(".js")] + ".min.js"
            found[path] = small if (cache / small[len(CDN) :]).is_file() else path
        return found[path]

    async def asgi(scope: dict, receive: Callable, send: Callable) -> None:
        path = scope.get("path", "")
        if path.startswith(CDN) and path.endswith(".js") and not path.endswith(".min.js"):
            scope = {**scope, "path": lookup(path), "raw_path": lookup(path).encode()}
        await app(scope, receive, send)

    return asgi
