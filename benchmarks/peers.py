"""socialsim side by side with its peers, in one command: tables on screen, JSON for the record.

    python benchmarks/peers.py --json benchmarks/peers.json            # everything (~15 min)
    python benchmarks/peers.py --only ic graph --quick                 # a smaller, faster look

Four comparisons, each on the same graph and parameters for every tool:

ic      independent cascade from 100 random seeds, p = 0.01 and 0.05, on Barabási–Albert
        (m = 5) graphs of 100k and 1M nodes: socialsim, cynetdiff, NDlib, EoN
        (``basic_discrete_SIR``, whose one-step infections are the cascade). Set-up (graph
        conversion, model configuration) is timed apart from the cascades. NDlib and EoN keep
        everything in networkx and Python dicts; above ``--cap`` nodes they are skipped.
engine  socialsim's engine against the per-agent Mesa model of ``mesa_reference.py`` (word of
        mouth, recruitment, memory, churn) at 10k and 100k fans; the Mesa model runs fewer
        days and its time per day is what is compared.
full    the full model (fans and brand) from 10k to 1M fans for 365 days, each size in a
        fresh process (``scale.py``) for its own peak memory; fan-days per second and the
        fitted exponent of run time against size.
graph   a 1M-node, 10M-edge graph (Barabási–Albert, m = 10) generated, and loaded from an
        edge-list file, into CSR, against networkx's generator and reader (then converted to
        CSR with ``to_scipy_sparse_array``). Run in a fresh process.

Peers are optional (``socialsim[bench]``): a missing one is reported as skipped. Times are
wall-clock seconds (best of the repeats for set-up, mean for the runs); this script measures,
it never asserts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent


def _scale() -> Any:
    spec = importlib.util.spec_from_file_location("scale", HERE / "scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


# ----------------------------------------------------------------------------- ic
def _ic_socialsim(graph: Any, seeds: np.ndarray, p: float, runs: int, seed: int) -> dict:
    from socialsim.fans.cascade import independent_cascade

    rng = np.random.default_rng(seed)
    times, sizes = [], []
    for _ in range(runs):
        elapsed, active = _timed(independent_cascade, graph, seeds, p, seed=rng)
        times.append(elapsed)
        sizes.append(int(active.sum()))
    return {"setup_s": 0.0, "run_s": float(np.mean(times)), "size": float(np.mean(sizes))}


def _ic_cynetdiff(graph: Any, seeds: np.ndarray, p: float, runs: int, seed: int) -> dict:
    from cynetdiff.models import IndependentCascadeModel

    def setup() -> Any:
        model = IndependentCascadeModel(
            graph.indptr[:-1].astype(np.uint32),
            graph.indices.astype(np.uint32),
            activation_prob=p,
            rng=np.random.default_rng(seed),
        )
        model.set_seeds(seeds.tolist())
        return model

    setup_s, model = _timed(setup)
    times, sizes = [], []
    for _ in range(runs):
        started = time.perf_counter()
        model.reset_model()
        model.advance_until_completion()
        times.append(time.perf_counter() - started)
        sizes.append(model.get_num_activated_nodes())
    return {"setup_s": setup_s, "run_s": float(np.mean(times)), "size": float(np.mean(sizes))}


def _ic_ndlib(graph: Any, seeds: np.ndarray, p: float, runs: int, seed: int) -> dict:
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc

    def setup() -> Any:
        nx_graph = graph.to_networkx()
        config = mc.Configuration()
        config.add_model_initial_configuration("Infected", seeds.tolist())
        for edge in nx_graph.edges():
            config.add_edge_configuration("threshold", edge, p)
        return nx_graph, config

    setup_s, (nx_graph, config) = _timed(setup)
    times, sizes = [], []
    for i in range(runs):
        started = time.perf_counter()
        model = ep.IndependentCascadesModel(nx_graph, seed=seed + i)
        model.set_initial_status(config)
        while True:
            step = model.iteration()
            if step["iteration"] > 0 and step["node_count"][1] == 0:
                break
        times.append(time.perf_counter() - started)
        sizes.append(step["node_count"][2])
    return {"setup_s": setup_s, "run_s": float(np.mean(times)), "size": float(np.mean(sizes))}


def _ic_eon(graph: Any, seeds: np.ndarray, p: float, runs: int, seed: int) -> dict:
    import EoN

    setup_s, nx_graph = _timed(graph.to_networkx)
    times, sizes = [], []
    for i in range(runs):
        elapsed, (_, _, _, recovered) = _timed(
            EoN.basic_discrete_SIR,
            nx_graph,
            p,
            initial_infecteds=seeds.tolist(),
            rng=np.random.default_rng(seed + i),
        )
        times.append(elapsed)
        sizes.append(int(recovered[-1]))
    return {"setup_s": setup_s, "run_s": float(np.mean(times)), "size": float(np.mean(sizes))}


IC_PEERS = {
    "socialsim": ("socialsim", _ic_socialsim),
    "cynetdiff": ("cynetdiff", _ic_cynetdiff),
    "ndlib": ("ndlib", _ic_ndlib),
    "eon": ("EoN", _ic_eon),
}


def bench_ic(sizes: list[int], runs: int, cap: int) -> list[dict]:
    from socialsim.network.generators import barabasi_albert

    rows = []
    for n in sizes:
        graph = barabasi_albert(n, 5, seed=np.random.default_rng(n))
        seeds = np.random.default_rng(n + 1).choice(n, size=100, replace=False)
        for p in (0.01, 0.05):
            for name, (module, run) in IC_PEERS.items():
                row = {"nodes": n, "edges": graph.n_edges, "p": p, "peer": name}
                if not _available(module):
                    row["note"] = "not installed"
                elif name in ("ndlib", "eon") and n > cap:
                    row["note"] = f"skipped above {cap:,} nodes (--cap)"
                else:
                    slow = name in ("ndlib", "eon")
                    row.update(run(graph, seeds, p, 1 if slow else runs, seed=7))
                rows.append(row)
                _print_ic(row)
    return rows


def _print_ic(row: dict) -> None:
    head = f"{row['nodes']:>9,} nodes p={row['p']:.2f} {row['peer']:>10}"
    if "note" in row:
        print(f"{head}  {row['note']}", flush=True)
    else:
        print(
            f"{head}  set-up {row['setup_s']:8.3f} s  cascade {row['run_s']:9.4f} s  "
            f"size {row['size']:>11,.0f}",
            flush=True,
        )


# ----------------------------------------------------------------------------- engine
def _step(model: Any, days: int) -> None:
    for _ in range(days):
        model.step()


def bench_engine(
    sizes: list[int], days: int, mesa_days: dict[int, int], repeats: int = 3
) -> list[dict]:
    """Time per day of both models: the best of ``repeats`` blocks, after a first day.

    The first day of each model is timed with its set-up: it loads socialsim's compiled
    kernels and builds its event tables, once per process. The best block is the usual
    estimate of a timing on a machine that other work may disturb.
    """
    from socialsim import EngagementModel

    spec = importlib.util.spec_from_file_location("mesa_reference", HERE / "mesa_reference.py")
    assert spec is not None and spec.loader is not None
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    rows = []
    for n in sizes:
        scenario = reference.ENGINE_SCENARIO.replace({"graph.n": n})
        setup_s, engine = _timed(EngagementModel, scenario, rng=1)
        mesa_setup_s, agents = _timed(reference.MesaFanModel, engine, 2)
        setup_s += _timed(engine.run, days=1)[0]
        mesa_setup_s += _timed(_step, agents, 1)[0]
        run_s = min(_timed(engine.run, days=days)[0] for _ in range(repeats))
        mesa_run_s = min(_timed(_step, agents, mesa_days[n])[0] for _ in range(repeats))
        row = {
            "fans": n,
            "engine_setup_s": setup_s,
            "engine_ms_per_day": 1e3 * run_s / days,
            "engine_days": days,
            "mesa_setup_s": mesa_setup_s,
            "mesa_ms_per_day": 1e3 * mesa_run_s / mesa_days[n],
            "mesa_days": mesa_days[n],
            "repeats": repeats,
        }
        row["speed_up"] = row["mesa_ms_per_day"] / row["engine_ms_per_day"]
        rows.append(row)
        print(
            f"{n:>9,} fans  socialsim {row['engine_ms_per_day']:8.2f} ms/day ({days} days)  "
            f"mesa {row['mesa_ms_per_day']:10.1f} ms/day ({mesa_days[n]} days)  "
            f"speed-up {row['speed_up']:7.0f}x  (best of {repeats})",
            flush=True,
        )
    return rows


# ----------------------------------------------------------------------------- full model
def bench_full(sizes: list[int], days: int, m: int) -> dict:
    rows = []
    for n in sizes:
        command = [sys.executable, str(HERE / "scale.py"), "--one", str(n), "--days", str(days)]
        command += ["--m", str(m)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        row = json.loads(output.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{n:>11,} fans {row['edges']:>12,} edges  set-up {row['setup_s']:6.1f} s  "
            f"run {row['run_s']:7.1f} s ({row['days']} days)  "
            f"{row['fan_days_per_s'] / 1e6:6.1f} M fan-days/s  peak {row['peak_mb']:7.0f} MB",
            flush=True,
        )
    exponent = None
    if len(rows) > 1:
        exponent = float(
            np.polyfit(np.log([r["people"] for r in rows]), np.log([r["run_s"] for r in rows]), 1)[
                0
            ]
        )
        print(f"fitted exponent of run time against size: {exponent:.2f}", flush=True)
    return {"rows": rows, "exponent": exponent}


# ----------------------------------------------------------------------------- graph set-up
def graph_setup(n: int, m: int, with_networkx: bool) -> list[dict]:
    """Run in a child process: generate and load one graph, ours then networkx's."""
    import networkx as nx

    from socialsim.network.generators import barabasi_albert
    from socialsim.network.loaders import read_edgelist

    rows = []
    elapsed, graph = _timed(barabasi_albert, n, m, seed=np.random.default_rng(1))
    rows.append({"tool": "socialsim", "task": "generate", "seconds": elapsed})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edges.txt"
        keep = graph.sources < graph.indices
        np.savetxt(path, np.column_stack([graph.sources[keep], graph.indices[keep]]), fmt="%d")
        elapsed, loaded = _timed(read_edgelist, path)
        rows.append({"tool": "socialsim", "task": "load edge list", "seconds": elapsed})
        assert loaded.n_edges == graph.n_edges
        if with_networkx:

            def nx_generate() -> Any:
                return nx.to_scipy_sparse_array(
                    nx.barabasi_albert_graph(n, m, seed=1), format="csr"
                )

            def nx_load() -> Any:
                return nx.to_scipy_sparse_array(nx.read_edgelist(path, nodetype=int), format="csr")

            for task, function in (("generate", nx_generate), ("load edge list", nx_load)):
                elapsed, _ = _timed(function)
                rows.append({"tool": "networkx", "task": task, "seconds": elapsed})
    for row in rows:
        row.update(nodes=n, edges=graph.n_edges)
    rows.append({"peak_mb": _scale().peak_mb()})
    return rows


def bench_graph(n: int, m: int, with_networkx: bool) -> list[dict]:
    command = [sys.executable, __file__, "--graph-child", str(n), str(m), str(int(with_networkx))]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rows = json.loads(output.strip().splitlines()[-1])
    for row in rows[:-1]:
        print(
            f"{row['nodes']:>11,} nodes {row['edges']:>12,} edges  {row['tool']:>9} "
            f"{row['task']:<15} {row['seconds']:8.2f} s",
            flush=True,
        )
    return rows


# ----------------------------------------------------------------------------- machine
def machine() -> dict[str, Any]:
    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {}
    for package in (
        "socialsim",
        "numpy",
        "scipy",
        "numba",
        "networkx",
        "mesa",
        "cynetdiff",
        "ndlib",
        "EoN",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    from llvmlite import binding

    return {
        "cpu": cpu,
        # /proc/cpuinfo may name only the family ("AMD EPYC"); the compiler's name for the
        # host tells generations apart (znver3, znver4), which time the same work differently.
        "llvm_cpu": binding.get_host_cpu_name(),
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="+", choices=["ic", "engine", "full", "graph"])
    parser.add_argument("--quick", action="store_true", help="Smaller sizes and fewer repeats.")
    parser.add_argument("--runs", type=int, default=5, help="Cascades per tool and setting.")
    parser.add_argument(
        "--cap", type=int, default=100_000, help="Largest graph for NDlib and EoN (nodes)."
    )
    parser.add_argument("--ten-million", action="store_true", help="Add 10M fans to 'full'.")
    parser.add_argument("--no-networkx", action="store_true", help="Skip networkx in 'graph'.")
    parser.add_argument("--json", help="Write every result to this JSON file.")
    parser.add_argument("--graph-child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.graph_child:
        n, m, with_networkx = args.graph_child
        print(json.dumps(graph_setup(n, m, bool(with_networkx))))
        return

    wanted = args.only or ["ic", "engine", "full", "graph"]
    record: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv)}
    print(f"{record['machine']['cpu']}, {record['machine']['cores']} cores", flush=True)
    if "ic" in wanted:
        print("\n# independent cascade, BA m=5, 100 seeds", flush=True)
        sizes = [100_000] if args.quick else [100_000, 1_000_000]
        record["ic"] = bench_ic(sizes, 2 if args.quick else args.runs, args.cap)
    if "engine" in wanted:
        print("\n# engine vs per-agent Mesa (word of mouth, recruitment, memory, churn)")
        sizes = [10_000] if args.quick else [10_000, 100_000]
        record["engine"] = bench_engine(sizes, 30, {10_000: 10, 100_000: 3})
    if "full" in wanted:
        print("\n# full model, BA m=10, 365 days", flush=True)
        sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
        record["full"] = bench_full(sizes, 365, 10)
        if args.ten_million:
            print("10M fans, 30 days (365 would take minutes; cost per day is what scales)")
            record["full_10m"] = bench_full([10_000_000], 30, 10)
    if "graph" in wanted:
        print("\n# graph set-up into CSR", flush=True)
        n = 100_000 if args.quick else 1_000_000
        record["graph"] = bench_graph(n, 10, not args.no_networkx)
    if args.json:
        Path(args.json).write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
