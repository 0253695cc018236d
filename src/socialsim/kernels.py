"""Compiled kernels: numba's ``njit``, with an on-disk cache that can never stop the program.

The few loops compiled with numba (docs/performance.md says which and why) are cached on disk,
so a new process, such as a worker of a sweep, loads them instead of compiling them again.
numba keeps that cache next to the source (``__pycache__``), in ``NUMBA_CACHE_DIR`` or in the
user's cache folder, and when none of them is writable (a read-only install and an unwritable
home: a container, a service account) it refuses to define the function at all, so every
command, ``socialsim --help`` included, would end in a traceback. :func:`njit` then keeps the
cache in a private folder of the system's temporary directory (one per user, so later processes
find it), and when even that fails, compiles in each process without a cache.

Examples
--------
>>> import numpy as np
>>> @njit(cache=True)
... def total(x):
...     s = 0.0
...     for v in x:
...         s += v
...     return s
>>> total(np.arange(4.0))
6.0
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from typing import Any

import numba
from numba.core import config

__all__ = ["njit"]

# What numba says when no cache folder can be written; any other error is a real one.
_NO_LOCATOR = "no locator available"


def njit(*, cache: bool = True, **options: Any) -> Callable[[Callable], Callable]:
    """:func:`numba.njit` that falls back to a temporary cache, then to none, instead of failing.

    Parameters
    ----------
    cache : bool, default True
        Cache the compiled code on disk.
    **options
        Passed to :func:`numba.njit` (``fastmath``, ...).

    Returns
    -------
    callable
        A decorator, as ``numba.njit(...)`` returns.
    """

    def decorate(function: Callable) -> Callable:
        if cache:
            try:
                return numba.njit(cache=True, **options)(function)
            except RuntimeError as error:
                if _NO_LOCATOR not in str(error):
                    raise
            if _use_private_cache():
                try:
                    return numba.njit(cache=True, **options)(function)
                except RuntimeError as error:
                    if _NO_LOCATOR not in str(error):
                        raise
        return numba.njit(**options)(function)

    return decorate


def _use_private_cache() -> bool:
    """Point numba's cache at a private folder of the temporary directory; False if none."""
    try:
        folder = _private_folder()
    except OSError:  # no writable temporary directory either
        return False
    config.CACHE_DIR = folder  # numba reads it each time it looks for a cache folder
    return True


def _private_folder() -> str:
    """``$TMPDIR/socialsim-numba-<uid>``, made private to this user.

    numba loads pickled code from its cache, so a folder someone else made (or could write to)
    in a shared temporary directory is never used: a fresh one is made instead.
    """
    uid = os.getuid() if hasattr(os, "getuid") else None
    folder = os.path.join(tempfile.gettempdir(), f"socialsim-numba-{uid}")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    info = os.lstat(folder)
    if stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o077:
        return folder
    return tempfile.mkdtemp(prefix="socialsim-numba-")
