"""Tests of the graph and attribute file readers: round trips, warnings, error messages, real data."""

from __future__ import annotations

import gzip
import pickle
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from socialsim import EngagementModel, Scenario
from socialsim.network.graph import GraphWarning, SocialGraph
from socialsim.network.loaders import (
    GraphFileError,
    read_attributes,
    read_csv_edges,
    read_edgelist,
    read_graph,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def data_file(name: str) -> Path:
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"real data set {name} not available in {DATA}")
    return path


def arcs(g: SocialGraph) -> set[tuple]:
    """Every stored arc, by original node label, with its weight (1 when unweighted)."""
    labels = np.arange(g.n_nodes) if g.node_ids is None else g.node_ids
    weights = np.ones(g.n_arcs) if g.weights is None else g.weights
    return {
        (plain(labels[u]), plain(labels[v]), float(w))
        for u, v, w in zip(g.sources, g.indices, weights, strict=True)
    }


def plain(label):
    """A label as a Python object (numpy scalars from int64 labels, objects as they are)."""
    return label.item() if isinstance(label, np.generic) else label


def nx_arcs(graph: nx.Graph) -> set[tuple]:
    """The same set for a networkx graph: both directions of undirected edges."""
    out = set()
    for u, v, data in graph.edges(data=True):
        w = float(data.get("weight", 1.0))
        out.add((u, v, w))
        if not graph.is_directed():
            out.add((v, u, w))
    return out


def check_no_warning(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error", GraphWarning)
        return func(*args, **kwargs)


# ---------------------------------------------------------------------------- edge lists
EDGES = "# a comment\n# FromNodeId\tToNodeId\n10\t20\n20\t30\n\n30 40   # inline comment\n  40 10\n"


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("compress", [False, True])
def test_read_edgelist_matches_networkx(tmp_path, directed, compress):
    path = tmp_path / ("edges.txt.gz" if compress else "edges.txt")
    opener = gzip.open if compress else open
    with opener(path, "wt") as handle:
        handle.write(EDGES)
    g = check_no_warning(read_edgelist, path, directed=directed)
    expected = nx.read_edgelist(
        path, nodetype=int, comments="#", create_using=nx.DiGraph if directed else nx.Graph
    )
    assert g.directed is directed
    assert g.n_nodes == expected.number_of_nodes() == 4
    assert g.node_ids.tolist() == [10, 20, 30, 40]
    assert arcs(g) == nx_arcs(expected)


def test_read_edgelist_weights(tmp_path):
    path = tmp_path / "weighted.txt"
    path.write_text("1 2 0.5\n2 3 2\n3 1 1e-1\n")
    g = read_edgelist(path, directed=True)
    expected = nx.read_edgelist(
        path, nodetype=int, data=(("weight", float),), create_using=nx.DiGraph
    )
    assert g.weights is not None and g.weights.dtype == np.float32
    assert {(u, v, round(w, 6)) for u, v, w in arcs(g)} == nx_arcs(expected)


def test_read_edgelist_keeps_sparse_large_ids(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("1000000000000 5\n5 77\n")
    g = read_edgelist(path)
    assert g.node_ids.tolist() == [5, 77, 1000000000000]
    assert g.audience(0).tolist() == [1, 2]


def test_read_edgelist_tab_file_with_a_space_line_falls_back(tmp_path):
    # The first edge line is tab-separated, a later one uses spaces: still one graph.
    path = tmp_path / "mixed.txt"
    path.write_text("1\t2\n2 3\n3\t4\n")
    assert read_edgelist(path).n_edges == 3


def test_read_edgelist_warns_with_counts(tmp_path):
    path = tmp_path / "loops.txt"
    path.write_text("1 1\n1 2\n2 1\n2 3\n2 3\n3 3\n")
    with pytest.warns(GraphWarning, match=r"^loops\.txt: dropped 2 self-loop\(s\) and 2 duplicate"):
        g = read_edgelist(path)
    assert g.n_edges == 2
    with pytest.warns(GraphWarning, match=r"dropped 2 self-loop\(s\) and 1 duplicate edge\(s\)"):
        g = read_edgelist(path, directed=True)
    assert g.n_edges == 3


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("1 2\n3 4\na b\n", 3, "expected two non-negative integer node ids, got 'a b'"),
        ("# header\n1 2\n-3 4\n", 3, "expected two non-negative integer node ids, got '-3 4'"),
        ("1 2\n3 4.5\n", 2, "expected two non-negative integer node ids, got '3 4.5'"),
        ("1 2\n3\n", 2, "expected two node ids and an optional weight, got '3'"),
        ("1 2\n3 4 5 6\n", 2, "expected two node ids and an optional weight, got '3 4 5 6'"),
        ("1 2 0.5\n\n3 4\n", 3, "expected 3 columns like the first edge line, got '3 4'"),
        ("1 2\n3 4 0.5\n", 2, "expected 2 columns like the first edge line, got '3 4 0.5'"),
        ("1 2 1\n3 4 heavy\n", 2, "expected a non-negative number as weight, got 'heavy'"),
        ("1 2 1\n3 4 -1\n", 2, "expected a non-negative number as weight, got '-1'"),
        ("1 2 1\n3 4 nan\n", 2, "expected a non-negative number as weight, got 'nan'"),
        ("FromNodeId ToNodeId\n1 2\n", 1, "expected two non-negative integer node ids"),
    ],
)
def test_read_edgelist_reports_the_first_bad_line(tmp_path, text, line, problem):
    path = tmp_path / "edges.txt"
    path.write_text(text)
    with pytest.raises(GraphFileError) as caught:
        read_edgelist(path)
    assert str(caught.value).startswith(f"edges.txt, line {line}: {problem}")
    assert caught.value.line == line


def test_read_edgelist_bad_line_in_gzip(tmp_path):
    path = tmp_path / "edges.txt.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("0\t1\n" * 1000 + "1\tx\n")
    with pytest.raises(GraphFileError, match=r"^edges\.txt\.gz, line 1001: .*got '1 x'"):
        read_edgelist(path)


@pytest.mark.parametrize("text", ["", "# only comments\n#\n", "\n\n"])
def test_read_edgelist_empty(tmp_path, text):
    path = tmp_path / "empty.txt"
    path.write_text(text)
    with pytest.raises(GraphFileError, match=r"^empty\.txt: the graph is empty \(no edges\)$"):
        read_edgelist(path)


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.txt"
    for reader in (read_edgelist, read_csv_edges, read_graph):
        with pytest.raises(GraphFileError, match=r"nowhere\.txt: no such file"):
            reader(path)
    with pytest.raises(GraphFileError, match="not a file"):
        read_graph(tmp_path)


def test_graph_file_error_survives_pickling():
    error = pickle.loads(pickle.dumps(GraphFileError("edges.txt", "bad", 7)))
    assert (str(error), error.file, error.line) == ("edges.txt, line 7: bad", "edges.txt", 7)


def test_truncated_gzip_is_reported(tmp_path):
    whole = gzip.compress(b"1 2\n" * 50_000)
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(GraphFileError, match=r"^cut\.txt\.gz: cannot read the file"):
        read_edgelist(path)


# ---------------------------------------------------------------------------- CSV edge tables
def test_read_csv_edges_default_and_named_columns(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("id_1,id_2,strength,src\n0,5,0.5,9\n5,7,2,9\n")
    g = check_no_warning(read_csv_edges, path)
    assert g.node_ids.tolist() == [0, 5, 7] and g.n_edges == 2 and g.weights is None
    g = read_csv_edges(path, source="src", target="id_2", weight="strength", directed=True)
    assert arcs(g) == {(9, 5, 0.5), (9, 7, 2.0)}


def test_read_csv_edges_errors(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("id_1,id_2\n0,1\n1,x\n")
    with pytest.raises(GraphFileError, match=r"^edges\.csv, line 3: .*got '1 x'"):
        read_csv_edges(path)
    with pytest.raises(GraphFileError, match=r"^edges\.csv, line 1: no column 'id_3'.*'id_2'"):
        read_csv_edges(path, target="id_3")
    path.write_text("id_1,id_2\n0,1\n1,2,3\n")
    with pytest.raises(GraphFileError, match=r"^edges\.csv, line 3: expected 2 fields"):
        read_csv_edges(path)
    path.write_text("id_1,id_2,w\n0,1,1\n1,2,-2\n")
    with pytest.raises(GraphFileError, match=r"^edges\.csv, line 3: .*weight, got '-2'"):
        read_csv_edges(path, weight="w")
    path.write_text("id_1,id_2\n")
    with pytest.raises(GraphFileError, match=r"^edges\.csv: the graph is empty"):
        read_csv_edges(path)
    path.write_text("")
    with pytest.raises(GraphFileError, match=r"^edges\.csv: the file is empty"):
        read_csv_edges(path)


# ---------------------------------------------------------------------------- read_graph
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".graphml.gz"])
def test_read_graph_networkx_formats(tmp_path, directed, suffix):
    source = nx.gnm_random_graph(30, 60, seed=1, directed=directed)
    source = nx.relabel_nodes(source, {v: f"n{v}" for v in source})
    path = tmp_path / f"graph{suffix}"
    (nx.write_gexf if suffix == ".gexf" else nx.write_graphml)(source, path)
    g = read_graph(path, directed=not directed)  # the file decides
    assert g.directed is directed
    assert g.n_nodes == 30 and g.n_edges == 60
    assert arcs(g) == nx_arcs(source)


def test_read_graph_dispatches_on_suffix(tmp_path):
    csv_path = tmp_path / "pages.csv.gz"
    with gzip.open(csv_path, "wt") as handle:
        handle.write("a,b\n1,2\n2,3\n")
    assert read_graph(csv_path).n_edges == 2
    txt = tmp_path / "edges.dat"
    txt.write_text("1 2\n")
    assert read_graph(txt, directed=True).directed


def test_read_graph_bad_graphml(tmp_path):
    path = tmp_path / "broken.graphml"
    path.write_text("<graphml><graph>")
    with pytest.raises(GraphFileError, match=r"^broken\.graphml: cannot read the file as GraphML"):
        read_graph(path)
    nx.write_graphml(nx.empty_graph(3), path)
    with pytest.raises(GraphFileError, match="the graph is empty"):
        read_graph(path)


# ---------------------------------------------------------------------------- edge weights
GRAPHML = """<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="w" for="edge" attr.name="weight" attr.type="{type}"/>
<graph edgedefault="undirected">
<node id="a"/><node id="b"/><node id="c"/>
<edge source="a" target="b"><data key="w">1.5</data></edge>
<edge source="b" target="c">{data}</edge>
</graph></graphml>"""
GEXF = """<?xml version='1.0' encoding='utf-8'?>
<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph defaultedgetype="undirected">
<nodes><node id="a" label="a"/><node id="b" label="b"/><node id="c" label="c"/></nodes>
<edges><edge id="0" source="a" target="b" weight="1.5"/><edge id="1" source="b" target="c" {weight}/>
</edges></graph></gexf>"""


def write_weighted(path: Path, weight: str | None, kind: str = "double") -> Path:
    """A three-node path a - b - c whose edge b c has ``weight`` (None: no weight)."""
    if path.suffix == ".gexf":
        path.write_text(GEXF.format(weight="" if weight is None else f'weight="{weight}"'))
    else:
        data = "" if weight is None else f'<data key="w">{weight}</data>'
        path.write_text(GRAPHML.format(type=kind, data=data))
    return path


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".txt", ".csv"])
@pytest.mark.parametrize("weight", ["NaN", "inf", "-1", "abc"])
def test_every_reader_refuses_bad_weights_naming_the_file_and_edge(tmp_path, suffix, weight):
    path = tmp_path / f"g{suffix}"
    if suffix == ".txt":
        path.write_text(f"1 2 1.5\n2 3 {weight}\n")
        where = "g.txt, line 2: "
    elif suffix == ".csv":
        path.write_text(f"u,v,w\n1,2,1.5\n2,3,{weight}\n")
        where = "g.csv, line 3: "
    else:
        write_weighted(path, weight)
        where = f"g{suffix}: edge 'b' 'c': "
    with pytest.raises(GraphFileError) as caught:
        if suffix == ".csv":
            read_csv_edges(path, weight="w")
        else:
            read_graph(path)
    assert str(caught.value).startswith(where + "expected a non-negative number as weight, got ")


def test_graphml_weights_typed_as_text_are_read_as_numbers(tmp_path):
    g = read_graph(write_weighted(tmp_path / "g.graphml", "0.5", kind="string"))
    assert sorted(g.weights.tolist()) == [0.5, 0.5, 1.5, 1.5]
    with pytest.raises(GraphFileError, match=r"edge 'b' 'c': .*got 'abc'"):
        read_graph(write_weighted(tmp_path / "g.graphml", "abc", kind="string"))


@pytest.mark.parametrize("suffix", [".gexf", ".graphml"])
def test_an_edge_without_a_weight_takes_the_default_1(tmp_path, suffix):
    g = read_graph(write_weighted(tmp_path / f"g{suffix}", None))
    assert arcs(g) == {("a", "b", 1.5), ("b", "a", 1.5), ("b", "c", 1.0), ("c", "b", 1.0)}


def test_networkx_graphs_follow_the_same_weight_rule():
    graph = nx.Graph([(1, 2, {"weight": 2.0}), (2, 3)])
    assert arcs(SocialGraph.from_networkx(graph)) == {
        (1, 2, 2.0),
        (2, 1, 2.0),
        (2, 3, 1.0),
        (3, 2, 1.0),
    }
    for bad in (float("nan"), float("inf"), -0.5, "heavy", None, True):
        graph.edges[2, 3]["weight"] = bad
        if bad is None:
            continue  # a missing weight is 1
        with pytest.raises(GraphFileError, match=r"^the networkx graph: edge 2 3: expected"):
            EngagementModel(Scenario().replace({"run.days": 1}), graph=graph)
    with pytest.raises(GraphFileError, match=r"edge 0 1: expected .*, got nan"):
        SocialGraph.from_edges([0], [1], 2, directed=True, weights=[float("nan")])


@pytest.mark.parametrize("directed", [False, True])
def test_conflicting_duplicates_keep_the_first_listed_weight(tmp_path, directed):
    path = tmp_path / "conflict.txt"
    path.write_text("1 2 0.5\n2 1 3.0\n2 3 1.0\n3 2 1.0\n1 2 7.0\n")
    with pytest.warns(GraphWarning, match="the first listed weight of each is kept"):
        g = read_edgelist(path, directed=directed)
    adjacency = g.to_scipy().toarray()
    if directed:  # two arcs each way: 1 -> 2 listed first with 0.5, 2 -> 1 with 3.0
        assert adjacency[0, 1] == 0.5 and adjacency[1, 0] == 3.0
    else:  # one edge, one strength: the first listing's
        assert adjacency[0, 1] == adjacency[1, 0] == 0.5
        assert np.array_equal(adjacency, adjacency.T)


@pytest.mark.parametrize("node", [-1, 3])
def test_an_edge_to_a_node_out_of_range_is_refused(node):
    with pytest.raises(ValueError, match=r"^The 'sources' and 'targets' parameters must be"):
        SocialGraph.from_edges([0, 1], [2, node], n_nodes=3, directed=False)


def reference_csr(src, dst, n, directed, weights):
    """CSR arrays worked out one edge at a time: loops dropped, the first listing kept."""
    first: dict[tuple[int, int], float] = {}
    for i, (u, v) in enumerate(zip(src.tolist(), dst.tolist(), strict=True)):
        if u != v:
            first.setdefault((u, v) if directed else (min(u, v), max(u, v)), weights[i])
    arcs = dict(first)
    if not directed:
        arcs.update({(v, u): w for (u, v), w in first.items()})
    ordered = sorted(arcs)
    indptr = np.searchsorted([u for u, _ in ordered], np.arange(n + 1))
    return indptr, [v for _, v in ordered], [arcs[a] for a in ordered]


@pytest.mark.parametrize("directed", [False, True])
def test_csr_rows_are_sorted_distinct_and_keep_the_first_listed_weight(directed):
    # Random edge lists with self-loops, repeats and two hubs whose rows are long enough to be
    # sorted the other way (merge sort rather than insertion), one with repeated arcs.
    rng = np.random.default_rng(7)
    for _ in range(60):
        n, e = int(rng.integers(1, 40)), int(rng.integers(0, 200))
        src, dst = rng.integers(0, n, e), rng.integers(0, n, e)
        dst[: e // 3], src[e // 3 : 2 * e // 3] = 0, n - 1
        weights = rng.integers(1, 5, e).astype(float)
        g = SocialGraph.from_edges(src, dst, n, directed=directed, weights=weights)
        indptr, indices, strengths = reference_csr(src, dst, n, directed, weights)
        assert g.indptr.tolist() == indptr.tolist() and g.indices.tolist() == indices
        assert g.weights.tolist() == strengths
        bare = SocialGraph.from_edges(src, dst, n, directed=directed)
        assert bare.indptr.tolist() == indptr.tolist() and bare.indices.tolist() == indices
        assert bare.weights is None and g.indices.dtype == np.int32


@pytest.mark.parametrize("directed", [False, True])
def test_long_rows_listed_nearly_in_order_are_sorted_by_insertion_to_the_same_csr(directed):
    # A growth model's hubs: a few random picks, then the later nodes in order, some twice;
    # and rows out of order just past the point where insertion gives way to merge sort.
    rng = np.random.default_rng(8)
    n = 300
    new = np.repeat(np.arange(1, n), 3)
    old = (rng.random(new.size) ** 3 * new).astype(np.int64)  # mostly the first nodes: hubs
    again = rng.permutation(new.size)[: new.size // 4]
    # each hub's row (out-arcs when directed) lists the later nodes in order
    src, dst = np.concatenate([old, old[again]]), np.concatenate([new, new[again]])
    weights = rng.integers(1, 9, src.size).astype(float)
    g = SocialGraph.from_edges(src, dst, n, directed=directed, weights=weights)
    indptr, indices, strengths = reference_csr(src, dst, n, directed, weights)
    assert g.indptr.tolist() == indptr.tolist() and g.indices.tolist() == indices
    assert g.weights.tolist() == strengths
    assert np.diff(g.indptr).max() > 100  # long rows were made


# ---------------------------------------------------------------------------- node labels
def test_node_labels_of_any_hashable_type_are_kept_as_they_are():
    grid = nx.grid_2d_graph(4, 5)
    model = EngagementModel(Scenario().replace({"run.days": 1}), graph=grid)
    assert model.fans().index.tolist() == list(grid.nodes)
    mixed = nx.relabel_nodes(nx.path_graph(4), {0: "a", 1: (1, 2), 2: 2.5})
    frame = EngagementModel(Scenario().replace({"run.days": 1}), graph=mixed).fans()
    assert frame.index.tolist() == ["a", (1, 2), 2.5, 3]
    assert [type(x) for x in frame.index] == [str, tuple, float, int]
    assert SocialGraph.from_networkx(nx.path_graph([3, 1, 2])).node_ids.dtype == np.int64


# ---------------------------------------------------------------------------- node ids
@pytest.mark.parametrize("big", ["9223372036854775808", "18446744073709551616", "1" + "0" * 30])
@pytest.mark.parametrize("suffix", [".txt", ".csv"])
def test_node_ids_beyond_int64_are_refused_naming_the_line(tmp_path, big, suffix):
    path = tmp_path / f"ids{suffix}"
    separator = "," if suffix == ".csv" else " "
    path.write_text(("u,v\n" if suffix == ".csv" else "") + f"1{separator}2\n2{separator}{big}\n")
    line = 3 if suffix == ".csv" else 2
    with pytest.raises(GraphFileError) as caught:
        read_graph(path)
    assert str(caught.value) == (
        f"ids{suffix}, line {line}: node id {big} is above 9223372036854775807, the largest allowed"
    )


# ---------------------------------------------------------------------------- attributes
@pytest.fixture
def graph(tmp_path) -> SocialGraph:
    path = tmp_path / "edges.txt"
    path.write_text("10 20\n20 30\n30 40\n")
    return read_edgelist(path)


def test_read_attributes(tmp_path, graph):
    path = tmp_path / "people.csv"
    path.write_text(
        "node, status,loyalty,segment\n30,fan,9.5,2\n10, prospect ,0,0\n\n40,fan,10,1\n"
    )
    frame = read_attributes(path, graph)
    assert frame.index.tolist() == [2, 0, 3]
    assert frame.columns.tolist() == ["status", "loyalty", "segment"]
    assert frame["status"].tolist() == ["fan", "prospect", "fan"]
    assert frame["loyalty"].dtype == np.float64 and frame["loyalty"].tolist() == [9.5, 0.0, 10.0]
    assert frame["segment"].dtype == np.int64 and frame["segment"].tolist() == [2, 0, 1]


def test_read_attributes_header_only_and_graph_without_labels(tmp_path):
    g = SocialGraph.from_edges([0, 1], [1, 2], n_nodes=3, directed=False)
    path = tmp_path / "people.csv"
    path.write_text("node,segment\n")
    assert read_attributes(path, g).empty
    path.write_text("node,segment\n2,5\n")
    assert read_attributes(path, g).to_dict() == {"segment": {2: 5}}


def test_read_attributes_with_text_labels(tmp_path):
    path = tmp_path / "g.graphml"
    nx.write_graphml(nx.path_graph(["alice", "bob", "carol"]), path)
    g = read_graph(path)
    attributes = tmp_path / "people.csv"
    attributes.write_text("node,loyalty\ncarol,4\n")
    assert read_attributes(attributes, g).index.tolist() == [2]
    attributes.write_text("node,loyalty\ncarol,4\ndave,5\n")
    with pytest.raises(GraphFileError, match="line 3: node dave is not in the graph"):
        read_attributes(attributes, g)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("node,segmnt\n10,1\n", 1, "unknown column 'segmnt'; the columns may be 'node', "),
        ("node,segmnt\n10,1\n", 1, "Did you mean 'segment'?"),
        ("id,segment\n10,1\n", 1, "unknown column 'id'"),
        ("segment,loyalty\n1,2\n", 1, "no 'node' column"),
        ("node,segment,segment\n10,1,1\n", 1, "column 'segment' appears twice"),
        ("node,segment\n10,1\n99,1\n", 3, "node 99 is not in the graph"),
        ("node,segment\n10,1\nten,1\n", 3, "node ids are non-negative integers, got 'ten'"),
        ("node,segment\n10,1\n20,1\n10,2\n", 4, "node 10 is listed twice"),
        ("node,segment\n10,1\n20,-1\n", 3, "segment must be an integer >= 0, got '-1'"),
        ("node,segment\n10,1.5\n", 2, "segment must be an integer >= 0, got '1.5'"),
        # the population keeps segments as 32-bit ints: nothing beyond, nor beyond int64
        ("node,segment\n10,2147483648\n", 2, "segment must be at most 2147483647"),
        ("node,segment\n10,18446744073709551616\n", 2, "segment must be at most 2147483647"),
        ("node,segment\n10,1\n9223372036854775808,1\n", 3, "is not in the graph (ids are at"),
        ("node,loyalty\n10,5\n20,high\n", 3, "loyalty must be a number in [0, 10], got 'high'"),
        ("node,loyalty\n10,5\n\n20,10.5\n", 4, "loyalty must be a number in [0, 10], got '10.5'"),
        ("node,status\n10,fan\n20,Fan\n", 3, "status must be 'fan' or 'prospect', got 'Fan'"),
        ("node,status\n10,fan\n20,\n", 3, "missing value in column 'status'"),
        ("node,status\n10,fan\n20\n", 3, "missing value in column 'status'"),
        ("node,status\n10,fan\n20,fan,1\n", 3, "expected 2 fields like the header"),
        ("", 1, "the file is empty"),
    ],
)
def test_read_attributes_errors(tmp_path, graph, text, line, problem):
    path = tmp_path / "people.csv"
    path.write_text(text)
    with pytest.raises(GraphFileError) as caught:
        read_attributes(path, graph)
    message = str(caught.value)
    assert message.startswith(f"people.csv, line {line}: ")
    assert problem in message


def test_read_attributes_reports_the_earliest_bad_line(tmp_path, graph):
    path = tmp_path / "people.csv"
    path.write_text("node,loyalty,status\n10,5,fan\n20,5,friend\n30,11,fan\n")
    with pytest.raises(GraphFileError, match="line 3: status"):
        read_attributes(path, graph)


# ---------------------------------------------------------------------------- real data
def test_real_facebook_ego_networks():
    g = check_no_warning(read_graph, data_file("facebook_combined.txt.gz"))
    assert (g.n_nodes, g.n_edges) == (4_039, 88_234)
    assert not g.directed
    assert g.node_ids.tolist() == list(range(4_039))


def test_real_slashdot_directed_drops_self_loops():
    path = data_file("soc-Slashdot0902.txt.gz")
    with pytest.warns(GraphWarning, match=r"dropped 78303 self-loop\(s\) and 0 duplicate"):
        g = read_edgelist(path, directed=True)
    assert g.directed
    assert (g.n_nodes, g.n_edges) == (82_168, 948_464 - 78_303)


def test_real_musae_csv():
    path = data_file("musae_facebook_edges.csv.gz")
    with pytest.warns(GraphWarning, match=r"dropped 179 self-loop\(s\)"):
        g = read_csv_edges(path)
    assert g.n_nodes == 22_470
    assert g.n_edges == 171_002 - 179


def test_real_email_departments_as_attributes(tmp_path):
    labels = data_file("email-Eu-core-department-labels.txt.gz")
    with pytest.warns(GraphWarning, match=r"dropped 642 self-loop\(s\)"):
        g = read_edgelist(data_file("email-Eu-core.txt.gz"), directed=True)
    table = pd.read_csv(labels, sep=" ", header=None, names=["node", "segment"])
    path = tmp_path / "departments.csv"
    table.to_csv(path, index=False)
    frame = read_attributes(path, g)
    assert len(frame) == g.n_nodes == 1_005
    assert frame["segment"].nunique() == 42
    assert np.array_equal(g.node_ids[frame.index.to_numpy()], table["node"].to_numpy())
    assert np.array_equal(frame["segment"].to_numpy(), table["segment"].to_numpy())
