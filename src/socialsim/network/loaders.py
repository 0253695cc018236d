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

import os
from pathlib import Path

import numpy as np
import pandas as pd

from socialsim.constraints import did_you_mean
from socialsim.network.graph import SocialGraph
from socialsim.network.inputs import GraphFileError
from socialsim.network.scans import (
    LARGEST_ID,
    NODE_ID,
    beyond,
    csv_header,
    existing,
    pick_columns,
    scan_csv_edges,
    scan_csv_fields,
    scan_edgelist,
    scan_xml_weights,
    separators,
)

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

_LARGEST_SEGMENT = 2**31 - 1  # the population keeps segments as int32 at most
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
    path = existing(path)
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
    path = existing(path)
    name = path.name
    for separator in separators(path):
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
    scan_edgelist(path)
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
    path = existing(path)
    name = path.name
    try:
        frame = pd.read_csv(path, skipinitialspace=True, compression="infer")
    except pd.errors.EmptyDataError:
        raise GraphFileError(name, "the file is empty (expected a header line)") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        frame = None
    except (OSError, EOFError) as error:
        raise GraphFileError(name, f"cannot read the file ({error})") from None
    header = csv_header(path) if frame is None else [str(c) for c in frame.columns]
    wanted = pick_columns(name, header, source, target, weight)
    if frame is not None and frame.empty:
        raise GraphFileError(name, "the graph is empty (no edges)")
    columns = None if frame is None else _edge_columns(frame, *wanted)
    if columns is None:
        scan_csv_edges(path, len(header), wanted)
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
    path = existing(path)
    name = path.name
    header = [column.strip() for column in csv_header(path)]
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
        scan_csv_fields(path, len(header))
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
        is_id = nodes.str.fullmatch(NODE_ID.pattern).to_numpy(dtype=bool)
        flag("node", ~is_id, "node ids are non-negative integers, got {!r}")
        too_large = beyond(nodes, is_id, LARGEST_ID)
        flag("node", too_large, f"node {{}} is not in the graph (ids are at most {LARGEST_ID})")
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
        whole = text.str.fullmatch(NODE_ID.pattern).to_numpy(dtype=bool)
        flag("segment", ~whole, "segment must be an integer >= 0, got {!r}")
        too_large = beyond(text, whole, _LARGEST_SEGMENT)
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


def _read_networkx(path: Path, kind: str) -> SocialGraph:
    import xml.etree.ElementTree as ET

    import networkx as nx

    reader = nx.read_graphml if kind == "GraphML" else nx.read_gexf
    try:
        graph = reader(path)
    except ValueError as error:
        scan_xml_weights(path)  # a weight that is not a number: name its edge
        raise GraphFileError(path.name, f"cannot read the file as {kind} ({error})") from None
    except (ET.ParseError, nx.NetworkXError, KeyError, OSError, EOFError) as error:
        raise GraphFileError(path.name, f"cannot read the file as {kind} ({error})") from None
    if graph.number_of_edges() == 0:
        raise GraphFileError(path.name, "the graph is empty (no edges)")
    return SocialGraph.from_networkx(graph, origin=path.name)
