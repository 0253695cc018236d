"""A live dashboard for workshops: move a lever, watch fans react, compare two strategies.

``socialsim dashboard`` serves it (:func:`socialsim.dashboard.server.serve`); in a notebook,
:func:`socialsim.dashboard.app.Dashboard` shows the same components. The state and its
stepping (:class:`~socialsim.dashboard.state.Workshop`) are plain Python; only
:mod:`~socialsim.dashboard.app` and :mod:`~socialsim.dashboard.server` need the optional
``dashboard`` extra (``pip install 'socialsim[dashboard]'``).
"""

from socialsim.dashboard.state import Side, Workshop

__all__ = ["Side", "Workshop"]
