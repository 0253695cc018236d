"""Compiled kernels: numba's ``njit``, with an on-disk cache that can never stop the program.

The few loops compiled with numba (docs/performance.md says which and why) are cached on disk,
so a new process, such as a worker of a sweep, loads them instead of compiling them again.
numba keeps that cache next to the source (``__pycache__``), in ``NUMBA_CACHE_DIR`` or in the
user's cache folder, and when none of them is writable (a read-only install and an unwritable
home: a container, a service account) it refuses to define the function at all, so every
command, ``socialsim --help`` included, would end in a traceback. :func:`njit` then keeps the
cache in a private folder of the system's temporary directory (one per user, so later processes
find it), and when even that fails, compiles in each process without a cache. A cached kernel
is loaded only while the model's sources are those it was compiled from (:func:`model_stamp`):
any change to them, a ``git pull`` on an editable install say, compiles every kernel again
on first use (about two minutes on two cores), where numba alone would keep running a kernel
compiled before a change to another file it calls. (Imported from a zip file, the sources
cannot be walked and numba's own check stays.)

A kernel may also draw from a phase's stream: :func:`stream_handle` gives the stream's
addresses as a small array and, inside the kernel, :func:`generator_of` turns them back into
numba's :class:`numpy.random.Generator`. numba's Generator methods are ports of numpy's own
algorithms on the same bit generator, so a kernel's draws are the numbers numpy would have
drawn, in the same order, and leave the stream where numpy would have left it (each method a
kernel uses is tested against numpy's). numba unboxes a Generator argument in about 12 µs
(ctypes calls at every call); the handle is unboxed like any array, in about 0.3 µs.

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
>>> @njit(cache=True)
... def first_uniforms(handle, n):
...     rng = generator_of(handle)
...     return np.array([rng.random() for _ in range(n)])
>>> a, b = np.random.default_rng(7), np.random.default_rng(7)
>>> bool((first_uniforms(stream_handle(a), 3) == b.random(3)).all())
True
>>> a.random() == b.random()  # the stream moved on as numpy's would
True
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import stat
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils, config, event, types
from numba.core.extending import intrinsic
from tqdm.auto import tqdm

__all__ = [
    "generator_of",
    "model_stamp",
    "njit",
    "outputs",
    "prefetch",
    "stably_sorted",
    "stream_handle",
]

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
                return _stamped(numba.njit(cache=True, **options)(function))
            except RuntimeError as error:
                if _NO_LOCATOR not in str(error):
                    raise
            if _use_private_cache():
                try:
                    return _stamped(numba.njit(cache=True, **options)(function))
                except RuntimeError as error:
                    if _NO_LOCATOR not in str(error):
                        raise
        return numba.njit(**options)(function)

    return decorate


# The front end: no kernel reads these (a test checks that no module with compiled code
# imports them, however indirectly), so changing them leaves the cached kernels valid.
_FRONT_END = ("cli", "dashboard", "studies")


def _stamped(kernel: Any) -> Any:
    """``kernel``, whose cached code is valid only for today's model sources.

    numba checks a cached kernel against its own file alone, while a kernel's code also holds
    the kernels it calls and the constants it reads from other files: after a change there
    (a ``git pull`` on an editable install), it would load and run the code compiled before.
    The stamp it checks becomes its file's and :func:`model_stamp`'s, so any change to the
    model's sources compiles every kernel again (numba's private ``_cache``; with another
    numba that lacks it, numba's own check stays).
    """
    index = getattr(getattr(kernel, "_cache", None), "_cache_file", None)
    if index is not None and hasattr(index, "_source_stamp"):
        index._source_stamp = (index._source_stamp, model_stamp())
    _cached_kernels.add(kernel)
    return kernel


class _CompilingNotice(event.Listener):
    """Says on stderr, once a process, that cached kernels are being compiled.

    The first run after an install or a change to the model compiles every kernel, a minute
    or two with nothing else moving on screen (a progress bar sits on its first day). numba
    raises its ``numba:compile`` event only when it compiles, never when it loads a kernel
    from the cache, so a run that loads them says nothing. Best effort: a stderr that is
    closed, gone or failing leaves the notice unsaid and the compile untouched.
    """

    def __init__(self) -> None:
        self.said = False

    def on_start(self, compiling: event.Event) -> None:
        if self.said or compiling.data["dispatcher"] not in _cached_kernels:
            return
        self.said = True
        notice = (
            "socialsim: compiling kernels for this machine, done once after an install or a "
            "change to the model; all of them take a minute or two, and later runs load them "
            "from the cache."
        )
        try:
            if sys.stderr is None:  # tqdm would fall back to stdout, the program's output
                return
            if multiprocessing.parent_process() is None:
                # tqdm's write, so that a progress bar on screen is drawn again below it
                tqdm.write(notice, file=sys.stderr)
            else:  # a pool's process: the bar, if any, is the parent's, on the line left open
                print("\n" + notice, file=sys.stderr, flush=True)
        except (OSError, ValueError):  # a closed or broken stderr: the compile goes on
            pass

    def on_end(self, compiling: event.Event) -> None:
        pass


_cached_kernels: weakref.WeakSet = weakref.WeakSet()
event.register("numba:compile", _CompilingNotice())


@lru_cache(maxsize=8)  # the package, and in tests copies of it
def model_stamp(package: str = os.path.dirname(__file__)) -> str:
    """A digest of the model's sources: every ``.py`` file of ``package`` but the front end's.

    >>> len(model_stamp())
    64
    """
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(package):
        # Pruned in place, and sorted, so that the walk is the same everywhere.
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name != "__pycache__" and not (folder == package and name in _FRONT_END)
        )
        for name in sorted(f for f in files if f.endswith(".py")):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, package).replace(os.sep, "/")
            # An editor's lock file (Emacs' .#model.py links to nowhere), or a file gone or
            # unreadable mid-walk, is no source: named in the digest, never a failed import.
            try:
                with open(path, "rb") as source:
                    digest.update(relative.encode() + b"\0" + source.read())
            except OSError:
                digest.update(relative.encode() + b"\0unreadable\0")
    return digest.hexdigest()


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


# ----------------------------------------------------------------------------- streams
# The fields of numba's bit-generator struct (numba.np.random.generator_core), in the order
# stream_handle stores them.
_BIT_GENERATOR_FIELDS = (
    "state_address",
    "state",
    "fnptr_next_uint64",
    "fnptr_next_uint32",
    "fnptr_next_double",
    "bit_generator",
)


# Keyed by the Generator itself (its identity): the cache holds the Generator, so the addresses
# in a handle never outlive the stream they point into, and a later Generator can never reuse
# the id of one still cached. A run uses one stream a phase; 256 hold several runs' worth.
@lru_cache(maxsize=256)
def stream_handle(rng: np.random.Generator) -> np.ndarray:
    """The addresses of ``rng``'s bit generator, for :func:`generator_of` in a compiled kernel.

    Parameters
    ----------
    rng : numpy.random.Generator
        The stream the kernel draws from.

    Returns
    -------
    numpy.ndarray of uintp, shape (6,)
        Its state and its ``next_uint64``, ``next_uint32`` and ``next_double`` functions, as
        numba reads them from ``rng.bit_generator.ctypes``. Valid while ``rng`` lives (the
        cache keeps it alive); the same array for the same Generator.
    """
    interface = rng.bit_generator.ctypes

    def address(function: Any) -> int:
        return ctypes.cast(function, ctypes.c_void_p).value or 0

    handle = np.array(
        [
            interface.state_address,
            interface.state.value or 0,
            address(interface.next_uint64),
            address(interface.next_uint32),
            address(interface.next_double),
            interface.bit_generator.value or 0,
        ],
        dtype=np.uintp,
    )
    handle.flags.writeable = False
    return handle


@intrinsic
def generator_of(typingctx: Any, handle: Any) -> Any:
    """Inside a compiled kernel: numba's Generator on the stream of :func:`stream_handle`.

    It draws what ``rng`` itself would (numba ports numpy's algorithms), moving the same
    state; use it only while the Python caller holds ``rng``.
    """
    generator = types.NumPyRandomGeneratorType("generator")
    bit_generator = types.NumPyRandomBitGeneratorType("bit_generator")

    def codegen(context: Any, builder: Any, signature: Any, arguments: Any) -> Any:
        addresses = context.make_array(signature.args[0])(context, builder, arguments[0]).data
        bits = cgutils.create_struct_proxy(bit_generator)(context, builder)
        for i, name in enumerate(_BIT_GENERATOR_FIELDS):
            slot = builder.gep(addresses, [context.get_constant(types.intp, i)])
            setattr(bits, name, builder.load(slot))
        # No parent object and no meminfo: the kernel never hands the Generator back to Python.
        made = cgutils.create_struct_proxy(generator)(context, builder)
        made.bit_generator = bits._getvalue()
        return made._getvalue()

    return generator(handle), codegen


@intrinsic
def prefetch(typingctx: Any, array: Any, index: Any) -> Any:
    """Inside a compiled kernel: ask for ``array[index]``'s cache line ahead of its use.

    A hint with no effect on any value: a loop over people at random (a million people's
    arrays do not fit in the cache) asks for the entries of a few iterations later, so that
    their loads overlap instead of waiting one after another. ``index`` is an integer, and
    must be in ``[0, len(array))``: no wraparound. Where the kernel checks its reads' bounds
    (``boundscheck=True``, or ``NUMBA_BOUNDSCHECK=1`` for every kernel), a prefetch checks its
    index too, and raises :class:`IndexError` outside that range (-1 included).

    Examples
    --------
    >>> @njit(cache=True)
    ... def total_at(x, at):
    ...     s = 0.0
    ...     for k in range(at.size):
    ...         if k + 1 < at.size:
    ...             prefetch(x, at[k + 1])
    ...         s += x[at[k]]
    ...     return s
    >>> total_at(np.arange(5.0), np.array([4, 0, 2]))
    6.0
    """
    if not isinstance(index, types.Integer):  # a float would be cast, and ask for another entry
        return None

    def codegen(context: Any, builder: Any, signature: Any, arguments: Any) -> Any:
        kind = signature.args[0]
        data = context.make_array(kind)(context, builder, arguments[0])
        item = cgutils.get_item_pointer(
            context,
            builder,
            kind,
            data,
            # The bounds check compares at numba's index width, as a read's does.
            [context.cast(builder, arguments[1], signature.args[1], types.intp)],
            wraparound=False,
            boundscheck=context.enable_boundscheck,
        )
        byte = ir.IntType(8).as_pointer()
        word = ir.IntType(32)
        hint = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(ir.VoidType(), [byte, word, word, word]),
            "llvm.prefetch.p0",
        )
        # A read (0), kept in every cache level (3), of data (1).
        read, keep, data_cache = (ir.Constant(word, v) for v in (0, 3, 1))
        builder.call(hint, [builder.bitcast(item, byte), read, keep, data_cache])
        return context.get_dummy_value()

    return types.void(array, index), codegen


# ----------------------------------------------------------------------------- sorting
# Below this many entries numba's merge sort, whose order is the same: the radix sort's eight
# 256-entry counts and its key conversion cost more than the merge sort's compares up to about
# 1,600 of the care team's queue times on Zen 3 (benchmarks/sorts.py, docs/performance.md).
_FEW = 1500
_SIGN = np.uint64(1 << 63)
_LAST = np.uint64(0xFFFF_FFFF_FFFF_FFFF)  # NaN's place: after every number, +inf included
_BYTE = np.uint64(0xFF)


@njit(cache=True)
def stably_sorted(positions: np.ndarray, values: np.ndarray) -> np.ndarray:  # pragma: no cover
    """``positions`` ordered by ``values`` at them, ties in the order they came:
    ``positions[np.argsort(values[positions], kind="stable")]``, for compiled callers.

    The same order as numpy's and numba's stable sorts, entry for entry: ``-0.0`` ties with
    ``0.0``, NaN comes after every number (``inf`` included), NaNs in the order they came. A
    radix sort on the values' bits (Knuth, *The Art of Computer Programming* vol. 3, §5.2.5):
    a byte a pass, least significant first, each pass stable; a byte that every value shares
    leaves the order as it is and is skipped. About four times as fast as numba's merge sort
    on the ten thousand posts a million people's care team sorts every day, and slower below
    ``_FEW`` entries, which take the merge sort (docs/performance.md).

    Parameters
    ----------
    positions : numpy.ndarray of int64, shape (n,)
        Positions in ``values``.
    values : numpy.ndarray of float64
        The sort keys, read at ``positions``.

    Returns
    -------
    numpy.ndarray of int64, shape (n,)
        ``positions``, reordered (a new array).

    Examples
    --------
    >>> values = np.array([2.0, np.nan, -0.0, 1.0, 0.0, -np.inf])
    >>> stably_sorted(np.array([0, 1, 2, 3, 4, 5]), values).tolist()
    [5, 2, 4, 3, 0, 1]
    >>> stably_sorted(np.array([4, 0, 2]), values).tolist()  # 0.0 before -0.0: as they came
    [4, 2, 0]
    """
    n = positions.size
    if n < _FEW:
        return positions[np.argsort(values[positions], kind="mergesort")]
    # Each value's bits as an unsigned integer in the values' order: a positive float's bits
    # with the sign set, a negative one's all flipped; the two zeros as one.
    floats = np.empty(n)
    for i in range(n):
        value = values[positions[i]]
        floats[i] = 0.0 if value == 0.0 else value
    keys = floats.view(np.uint64)
    for i in range(n):
        if np.isnan(floats[i]):
            keys[i] = _LAST
        elif keys[i] & _SIGN:
            keys[i] = ~keys[i]
        else:
            keys[i] |= _SIGN
    order = positions.copy()
    counts = np.zeros((8, 256), np.int64)
    for i in range(n):
        key = keys[i]
        for byte in range(8):
            counts[byte, (key >> np.uint64(8 * byte)) & _BYTE] += 1
    spare_keys, spare = np.empty(n, np.uint64), np.empty(n, np.int64)
    for byte in range(8):
        shift, count = np.uint64(8 * byte), counts[byte]
        if count[(keys[0] >> shift) & _BYTE] == n:
            continue
        total = 0
        for digit in range(256):
            count[digit], total = total, total + count[digit]
        for i in range(n):
            digit = (keys[i] >> shift) & _BYTE
            j = count[digit]
            count[digit] = j + 1
            spare_keys[j], spare[j] = keys[i], order[i]
        keys, spare_keys = spare_keys, keys
        order, spare = spare, order
    return order


# ----------------------------------------------------------------------------- outputs
_outputs = threading.local()


def outputs(n: int, dtype: type = np.float64, slot: int = 0) -> np.ndarray:
    """This thread's room for a kernel's outputs: at least ``n`` entries of ``dtype``, stale.

    An array a kernel returns costs Python about 2 µs to box, one it is given about 0.1 µs:
    a kernel called every day writes its results here and returns how many it wrote. The
    caller copies what it keeps (the next call of any kernel may overwrite them); ``slot``
    tells apart two rooms of one type in use at once.

    >>> room = outputs(3, np.int64)
    >>> room.size >= 3 and room.dtype == np.int64 and outputs(2, np.int64) is room
    True
    """
    key = (dtype, slot)
    rooms = getattr(_outputs, "rooms", None)
    if rooms is None:
        rooms = _outputs.rooms = {}
    room = rooms.get(key)
    if room is None or room.size < n:
        room = rooms[key] = np.empty(max(n, 64), dtype=dtype)
    return room
