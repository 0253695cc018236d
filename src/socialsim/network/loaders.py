"""Read real social graphs and node attributes from files, straight into CSR.

Edge lists (SNAP style, optionally gzipped) and CSV edge tables are parsed by pandas' C reader
into numpy arrays and handed to :meth:`SocialGraph.from_edges`; no networkx graph is built on
that path, so a ten-million-edge file loads in seconds. GraphML and GEXF go through networkx.

Every problem with a file raises :class:`GraphFileError`, whose message names the file and,
where there is one, the first bad line::

    edges.txt, line 7: expected two non-negative integer node ids, got 'a b'

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "edges.txt").write_text("# a triangle\\n10 20\\n20 30\\n30 10\\n")
>>> g = read_graph(folder / "edges.txt")
>>> g.n_nodes, g.n_edges, g.node_ids.tolist()
(3, 3, [10, 20, 30])
"""

from __future__ import annotations

import csv
import gzip
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from socialsim.constraints import did_you_mean
from socialsim.network.graph import SocialGraph
from socialsim.network.inputs import GraphFileError, weight_error

__all__ = [
    "ATTRIBUTE_COLUMNS",
    "GraphFileError",
    "read_attributes",
    "read_csv_edges",
    "read_edgelist",
    "read_graph",
]

#: Columns an attributes file may have besides ``node``.
ATTRIBUTE_COLUMNS = ("segment", "loyalty", "status")
STATUSES = ("fan", "prospect")

_NODE_ID = re.compile(r"\d+")
_LARGEST_ID = 2**63 - 1  # node ids are read as int64
_LARGEST_SEGMENT = 2**31 - 1  # the population keeps segments as int32
# Map ids to positions through a lookup table (linear time) rather than a sort while the largest
# id is below this many times the number of edge ends; the table costs 9 bytes per possible id.
_DENSE_LOOKUP_FACTOR = 2


# ---------------------------------------------------------------------------------- graphs
def read_graph(path: str | os.PathLike[str], *, directed: bool = False) -> SocialGraph:
    """Read a graph file, choosing the reader by the file's suffix.

    ``.graphml`` and ``.gexf`` (optionally ``.gz``) are read by networkx, and the file says
    whether the graph is directed; ``.csv`` goes to :func:`read_csv_edges`; anything else is
    read as a whitespace-separated edge list by :func:`read_edgelist`.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    directed : bool, default False
        For edge lists and CSV: read each line ``u v`` as the follower arc ``u -> v`` (``v``
        sees ``u``'s posts) instead of an undirected tie. Ignored for GraphML and GEXF.

    Returns
    -------
    SocialGraph
        With the original node labels in :attr:`SocialGraph.node_ids`.

    Raises
    ------
    GraphFileError
        If the file is missing, empty or malformed.
    """
    path = _existing(path)
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".graphml", ".gexf")):
        return _read_networkx(path, "GraphML" if name.endswith(".graphml") else "GEXF")
    if name.endswith(".csv"):
        return read_csv_edges(path, directed=directed)
    return read_edgelist(path, directed=directed)


def read_edgelist(path: str | os.PathLike[str], *, directed: bool = False) -> SocialGraph:
    """Read a SNAP-style edge list: one ``u v`` or ``u v weight`` per line.

    Lines (or line ends) starting with ``#`` are comments; fields are separated by tabs or
    spaces; a ``.gz`` file is decompressed on the fly. Node ids are any non-negative integers
    and are renumbered ``0 .. n - 1`` in increasing order; the originals are kept in
    :attr:`SocialGraph.node_ids`. An optional third column is the tie strength. Self-loops and
    duplicate edges are dropped with a :class:`~socialsim.network.graph.GraphWarning` giving their
    counts.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    directed : bool, default False
        Read each line ``u v`` as the follower arc ``u -> v`` (``v`` sees ``u``'s posts).

    Returns
    -------
    SocialGraph

    Raises
    ------
    GraphFileError
        If the file is missing or has no edges, or at its first malformed line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "follows.txt"
    >>> _ = path.write_text("5\\t7\\t0.5\\n7\\t9\\t2\\n")
    >>> g = read_edgelist(path, directed=True)
    >>> g.node_ids.tolist(), g.audience(0).tolist(), g.weights.tolist()
    ([5, 7, 9], [1], [0.5, 2.0])
    """
    path = _existing(path)
    name = path.name
    for separator in _separators(path):
        try:
            frame = pd.read_csv(
                path, sep=separator, comment="#", header=None, engine="c", compression="infer"
            )
        except pd.errors.EmptyDataError:
            raise GraphFileError(name, "the graph is empty (no edges)") from None
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
            continue  # the scan below finds the line
        except (OSError, EOFError) as error:
            raise GraphFileError(name, f"cannot read the file ({error})") from None
        if frame.shape[1] in (2, 3):
            columns = _edge_columns(frame, 0, 1, 2 if frame.shape[1] == 3 else None)
            if columns is not None:
                return _build(*columns, directed=directed, origin=name)
    _scan_edgelist(path)
    raise GraphFileError(name, "cannot read the file as an edge list")


def read_csv_edges(
    path: str | os.PathLike[str],
    *,
    directed: bool = False,
    source: str | None = None,
    target: str | None = None,
    weight: str | None = None,
) -> SocialGraph:
    """Read an edge table from a CSV file with a header line.

    Parameters
    ----------
    path : str or os.PathLike
        The file, optionally ``.gz``.
    directed : bool, default False
        Read each row as the follower arc ``source -> target`` (``target`` sees ``source``'s
        posts).
    source, target : str, optional
        Columns of the two node ids (non-negative integers); by default the first two columns
        (e.g. ``id_1,id_2`` in the musae data sets).
    weight : str, optional
        Column of tie strengths; by default every tie has strength 1.

    Returns
    -------
    SocialGraph

    Raises
    ------
    GraphFileError
        If the file is missing, has no edges or lacks a column, or at its first bad row.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pages.csv"
    >>> _ = path.write_text("id_1,id_2\\n0,3\\n3,4\\n")
    >>> read_csv_edges(path).n_edges
    2
    """
    path = _existing(path)
    name = path.name
    try:
        frame = pd.read_csv(path, skipinitialspace=True, compression="infer")
    except pd.errors.EmptyDataError:
        raise GraphFileError(name, "the file is empty (expected a header line)") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        frame = None
    except (OSError, EOFError) as error:
        raise GraphFileError(name, f"cannot read the file ({error})") from None
    header = _csv_header(path) if frame is None else [str(c) for c in frame.columns]
    wanted = _pick_columns(name, header, source, target, weight)
    if frame is not None and frame.empty:
        raise GraphFileError(name, "the graph is empty (no edges)")
    columns = None if frame is None else _edge_columns(frame, *wanted)
    if columns is None:
        _scan_csv_edges(path, len(header), wanted)
        raise GraphFileError(name, "cannot read the file as a CSV edge table")
    return _build(*columns, directed=directed, origin=name)


# ---------------------------------------------------------------------------------- attributes
def read_attributes(path: str | os.PathLike[str], graph: SocialGraph) -> pd.DataFrame:
    """Read per-node attributes for a loaded graph from a CSV file.

    The header names a ``node`` column, with the node ids as in the graph file, and any of
    ``segment`` (an integer >= 0), ``loyalty`` (a number in [0, 10]) and ``status``
    (``fan`` or ``prospect``). Nodes not listed keep the values the model draws for them.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    graph : SocialGraph
        The graph whose :attr:`~SocialGraph.node_ids` the ``node`` column refers to (ids
        ``0 .. n - 1`` when it has none).

    Returns
    -------
    pandas.DataFrame
        One row per listed node, in file order, indexed by the node's position ``0 .. n - 1``
        in ``graph``; the attribute columns in file order (``segment`` as int64, ``loyalty``
        as float64, ``status`` as str).

    Raises
    ------
    GraphFileError
        At the first problem: a missing ``node`` column, an unknown column (line 1), or a
        node that is not in the graph, listed twice, or with a missing or invalid value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> g = SocialGraph.from_edges([0, 1], [1, 2], n_nodes=3, directed=False)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "people.csv"
    >>> _ = path.write_text("node,loyalty,status\\n2,9.5,fan\\n0,3,prospect\\n")
    >>> read_attributes(path, g)
       loyalty    status
    2      9.5       fan
    0      3.0  prospect
    """
    path = _existing(path)
    name = path.name
    header = [column.strip() for column in _csv_header(path)]
    if not header:
        raise GraphFileError(name, "the file is empty (expected a header line with 'node')", 1)
    known = ("node", *ATTRIBUTE_COLUMNS)
    for column in header:
        if column not in known:
            hint = did_you_mean(column, known)
            allowed = ", ".join(repr(c) for c in known)
            raise GraphFileError(
                name,
                f"unknown column {column!r}; the columns may be {allowed}"
                + (f". {hint}" if hint else ""),
                1,
            )
        if header.count(column) > 1:
            raise GraphFileError(name, f"column {column!r} appears twice", 1)
    if "node" not in header:
        raise GraphFileError(name, f"no 'node' column (the header is {','.join(header)!r})", 1)
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,  # keeps row i on line i + 2, for the messages
            skipinitialspace=True,
            compression="infer",
        )
    except pd.errors.ParserError:
        _scan_csv_fields(path, len(header))
        raise GraphFileError(name, "cannot read the file as CSV") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise GraphFileError(name, f"cannot read the file ({error})") from None
    frame.columns = header
    frame = frame.apply(lambda column: column.str.strip()).astype(object)
    frame = frame[(frame != "").any(axis=1)]  # blank lines
    line = frame.index.to_numpy() + 2
    # (row, check, message): the earliest bad row is reported, and on that row the first check.
    problems: list[tuple[int, int, str]] = []

    def flag(column: str, bad: np.ndarray, message: str) -> None:
        """Note the first row where ``bad`` holds; empty cells are reported as missing instead."""
        bad = bad & (frame[column] != "").to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            problems.append((row, len(problems), message.format(frame[column].iloc[row])))

    for column in header:
        empty = (frame[column] == "").to_numpy()
        if empty.any():
            problems.append((int(np.argmax(empty)), -1, f"missing value in column {column!r}"))

    node_ids = np.arange(graph.n_nodes) if graph.node_ids is None else graph.node_ids
    nodes = frame["node"]
    if node_ids.dtype.kind in "iu":
        is_id = nodes.str.fullmatch(_NODE_ID.pattern).to_numpy(dtype=bool)
        flag("node", ~is_id, "node ids are non-negative integers, got {!r}")
        too_large = _beyond(nodes, is_id, _LARGEST_ID)
        flag("node", too_large, f"node {{}} is not in the graph (ids are at most {_LARGEST_ID})")
        keys = pd.to_numeric(nodes.where(is_id & ~too_large, "-1"), errors="coerce")
    else:  # labels from GraphML or GEXF: match them as text
        keys = nodes
        node_ids = np.asarray([str(label) for label in node_ids], dtype=object)
    position = pd.Index(node_ids).get_indexer(keys)
    flag("node", position < 0, "node {} is not in the graph")
    flag(
        "node",
        pd.Series(position).duplicated().to_numpy() & (position >= 0),
        "node {} is listed twice",
    )

    result = {}
    if "segment" in header:
        text = frame["segment"]
        whole = text.str.fullmatch(_NODE_ID.pattern).to_numpy(dtype=bool)
        flag("segment", ~whole, "segment must be an integer >= 0, got {!r}")
        too_large = _beyond(text, whole, _LARGEST_SEGMENT)
        flag("segment", too_large, f"segment must be at most {_LARGEST_SEGMENT}, got {{!r}}")
        fine = whole & ~too_large
        result["segment"] = pd.to_numeric(text.where(fine, "0")).to_numpy(dtype=np.int64)
    if "loyalty" in header:
        number = pd.to_numeric(frame["loyalty"], errors="coerce").to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore"):  # NaN from text that is not a number
            in_range = (number >= 0) & (number <= 10)
        flag("loyalty", ~in_range, "loyalty must be a number in [0, 10], got {!r}")
        result["loyalty"] = number
    if "status" in header:
        text = frame["status"]
        flag(
            "status",
            ~text.isin(STATUSES).to_numpy(),
            "status must be 'fan' or 'prospect', got {!r}",
        )
        result["status"] = text.to_numpy(dtype=object)
    if problems:
        row, _, message = min(problems)
        raise GraphFileError(name, message, int(line[row]))
    return pd.DataFrame(
        {column: result[column] for column in header if column != "node"},
        index=pd.Index(position.astype(np.int64)),
    )


# ---------------------------------------------------------------------------------- helpers
def _existing(path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    if not path.is_file():
        raise GraphFileError(str(path), "no such file" if not path.exists() else "not a file")
    return path


@contextmanager
def _open_text(path: Path) -> Iterator[IO[str]]:
    """The file as text, decompressed if it ends in .gz; undecodable bytes become U+FFFD."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
        yield handle


def _edge_columns(
    frame: pd.DataFrame | None, source: int | str, target: int | str, weight: int | str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """Source ids, target ids and weights as numpy arrays, or None if any value is bad."""
    if frame is None or frame.empty:
        return None
    ends = []
    for column in (source, target):
        values = frame[column].to_numpy()
        # uint64 holds ids beyond int64: the scan names their line
        if values.dtype.kind != "i" or values.min() < 0:
            return None
        ends.append(values)
    weights = None
    if weight is not None:
        weights = frame[weight].to_numpy()
        if weights.dtype.kind not in "iuf":
            return None
        weights = weights.astype(np.float64)
        if not (np.isfinite(weights).all() and weights.min() >= 0):
            return None
    return ends[0], ends[1], weights


def _build(
    src: np.ndarray, dst: np.ndarray, weights: np.ndarray | None, *, directed: bool, origin: str
) -> SocialGraph:
    """Renumber arbitrary ids to 0 .. n - 1 in increasing order and build the CSR graph."""
    if not src.size:
        raise GraphFileError(origin, "the graph is empty (no edges)")
    ids = np.concatenate([src, dst])
    top = int(ids.max())
    if top < _DENSE_LOOKUP_FACTOR * ids.size:
        # Same result as np.unique(ids, return_inverse=True), without sorting 2E values.
        present = np.zeros(top + 1, dtype=bool)
        present[ids] = True
        node_ids = np.flatnonzero(present)
        lookup = np.empty(top + 1, dtype=np.int64)
        lookup[node_ids] = np.arange(node_ids.size)
        inverse = lookup[ids]
    else:
        node_ids, inverse = np.unique(ids, return_inverse=True)
    return SocialGraph.from_edges(
        inverse[: src.size],
        inverse[src.size :],
        node_ids.size,
        directed=directed,
        weights=weights,
        node_ids=node_ids,
        warn=True,
        origin=origin,
    )


def _separators(path: Path) -> tuple[str, ...]:
    """Field separators to try: a tab alone first when the first edge line is tab-separated.

    pandas splits on a single tab about twice as fast as on any run of whitespace, and SNAP
    files are tab-separated; the general pattern is the fallback for anything else.
    """
    try:
        with _open_text(path) as handle:
            for line in handle:
                text = line.rstrip("\r\n")
                if text.strip() and not text.lstrip().startswith("#"):
                    if "\t" in text and " " not in text and "#" not in text:
                        return ("\t", r"\s+")
                    break
    except (OSError, EOFError):
        pass  # reported by the reader
    return (r"\s+",)


def _scan_edgelist(path: Path) -> None:
    """Raise GraphFileError at the first line that is not ``u v`` or ``u v weight``."""
    expected = None
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            shown = " ".join(fields)
            if len(fields) not in (2, 3):
                raise GraphFileError(
                    path.name,
                    f"expected two node ids and an optional weight, got {shown!r}",
                    number,
                )
            if expected is not None and len(fields) != expected:
                raise GraphFileError(
                    path.name,
                    f"expected {expected} columns like the first edge line, got {shown!r}",
                    number,
                )
            expected = len(fields)
            _check_node_ids(path, fields[:2], number)
            if len(fields) == 3 and not _is_weight(fields[2]):
                raise GraphFileError(
                    path.name,
                    f"expected a non-negative number as weight, got {fields[2]!r}",
                    number,
                )
    if expected is None:
        raise GraphFileError(path.name, "the graph is empty (no edges)")


def _csv_header(path: Path) -> list[str]:
    with _open_text(path) as handle:
        return next(csv.reader(handle, skipinitialspace=True), [])


def _pick_columns(
    name: str, header: list[str], source: str | None, target: str | None, weight: str | None
) -> tuple[str, str, str | None]:
    if len(header) < 2 and (source is None or target is None):
        raise GraphFileError(name, f"expected at least two columns, got the header {header!r}", 1)
    picked = (header[0] if source is None else source, header[1] if target is None else target)
    for column in (*picked, weight):
        if column is not None and column not in header:
            hint = did_you_mean(column, header)
            raise GraphFileError(
                name,
                f"no column {column!r} (the columns are {', '.join(map(repr, header))})"
                + (f". {hint}" if hint else ""),
                1,
            )
    return picked[0], picked[1], weight


def _scan_csv_fields(path: Path, n_fields: int) -> None:
    """Raise GraphFileError at the first row whose field count differs from the header's."""
    with _open_text(path) as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        next(reader, None)
        for row in reader:
            if row and len(row) != n_fields:
                raise GraphFileError(
                    path.name,
                    f"expected {n_fields} fields like the header, got {','.join(row)!r}",
                    reader.line_num,
                )


def _scan_csv_edges(path: Path, n_fields: int, wanted: tuple[str, str, str | None]) -> None:
    """Raise GraphFileError at the first bad row of a CSV edge table."""
    _scan_csv_fields(path, n_fields)
    with _open_text(path) as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        header = next(reader, [])
        at = [header.index(column) if column is not None else None for column in wanted]
        seen = False
        for row in reader:
            if not row:
                continue
            seen = True
            _check_node_ids(path, [row[at[0]].strip(), row[at[1]].strip()], reader.line_num)
            if at[2] is not None and not _is_weight(row[at[2]]):
                raise GraphFileError(
                    path.name,
                    f"expected a non-negative number as weight, got {row[at[2]]!r}",
                    reader.line_num,
                )
    if not seen:
        raise GraphFileError(path.name, "the graph is empty (no edges)")


def _check_node_ids(path: Path, ends: list[str], line: int) -> None:
    """Raise GraphFileError unless both ends are integer node ids in [0, 2^63 - 1]."""
    if not all(_NODE_ID.fullmatch(end) for end in ends):
        raise GraphFileError(
            path.name, f"expected two non-negative integer node ids, got {' '.join(ends)!r}", line
        )
    for end in ends:
        if int(end) > _LARGEST_ID:
            raise GraphFileError(
                path.name, f"node id {end} is above {_LARGEST_ID}, the largest allowed", line
            )


def _beyond(text: pd.Series, whole: np.ndarray, largest: int) -> np.ndarray:
    """Which of the digit strings (where ``whole``) stand for a number above ``largest``.

    Compared as text, so that no number is converted before it is known to fit.
    """
    digits = text.where(whole, "0").str.lstrip("0")
    limit = str(largest)
    length = digits.str.len().to_numpy()
    longer = length > len(limit)
    return longer | ((length == len(limit)) & (digits > limit).to_numpy())


def _is_weight(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and value >= 0


def _read_networkx(path: Path, kind: str) -> SocialGraph:
    import xml.etree.ElementTree as ET

    import networkx as nx

    reader = nx.read_graphml if kind == "GraphML" else nx.read_gexf
    try:
        graph = reader(path)
    except ValueError as error:
        _scan_xml_weights(path)  # a weight that is not a number: name its edge
        raise GraphFileError(path.name, f"cannot read the file as {kind} ({error})") from None
    except (ET.ParseError, nx.NetworkXError, KeyError, OSError, EOFError) as error:
        raise GraphFileError(path.name, f"cannot read the file as {kind} ({error})") from None
    if graph.number_of_edges() == 0:
        raise GraphFileError(path.name, "the graph is empty (no edges)")
    return SocialGraph.from_networkx(graph, origin=path.name)


def _scan_xml_weights(path: Path) -> None:
    """Raise GraphFileError at the first GraphML or GEXF edge with a bad weight.

    GEXF keeps the weight in the edge's ``weight`` attribute; GraphML in a ``data`` child
    whose key is declared for edges with ``attr.name="weight"``.
    """
    import xml.etree.ElementTree as ET

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    weight_keys: set[str] = set()
    with opener(path, "rb") as handle:
        for _, element in ET.iterparse(handle):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "key" and element.get("attr.name") == "weight":
                weight_keys.add(element.get("id", ""))
            elif tag == "edge":
                texts = [element.get("weight")] + [
                    child.text
                    for child in element
                    if child.tag.rsplit("}", 1)[-1] == "data" and child.get("key") in weight_keys
                ]
                for text in texts:
                    if text is not None and not _is_weight(text):
                        source, target = element.get("source"), element.get("target")
                        raise weight_error(path.name, source, target, text)
