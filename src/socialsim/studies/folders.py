"""Writing into a folder safely: checked before any work, held by one process, and every
file appearing whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from socialsim.constraints import ConfigError

__all__ = ["atomic", "locked", "writable_folder", "write_bytes"]


def writable_folder(path: str | Path, key: str = "out") -> Path:
    """Make sure ``path`` is a folder this process can write to, creating it if need be.

    Checked before any simulation, so a bad ``--out`` costs no work.

    >>> writable_folder("/proc/socialsim")
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'out' parameter must be a folder that can be written. Got '/proc/socialsim' instead. (No such file or directory)
    """
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ConfigError(key, str(path), "a folder that can be written", f"({reason})") from None
    return path


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold a folder's lock file; another holder makes this fail at once.

    An OS file lock, released even if the process is killed.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; one study per store is up to the user
        fcntl = None
    with open(path / ".lock", "a+") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ConfigError(
                    "out",
                    str(path),
                    "a store that no other sweep or comparison is writing",
                    "Wait for the other one to end, or use another --out.",
                ) from None
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def atomic(path: Path) -> Iterator[Any]:
    """A file that appears under ``path`` complete or not at all."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            yield handle
            handle.flush()
            # Without fsync a power cut after the rename could leave an empty file behind.
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Write a whole file atomically (see :func:`atomic`)."""
    with atomic(path) as handle:
        handle.write(data)
