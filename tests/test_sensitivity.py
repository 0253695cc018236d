"""Sensitivity analysis: the pipeline recovers the Ishigami function's known Sobol' indices,
Morris statistics are exact on a function whose effects are known, and the figures draw."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from SALib.test_functions import Ishigami

from socialsim.constraints import ConfigError
from socialsim.studies.designs import Design, Range, make_design
from socialsim.studies.sensitivity import (
    main_effects,
    morris_indices,
    plot_heatmap,
    plot_indices,
    plot_main_effects,
    point_means,
    sobol_indices,
)

BOX = {f"x{i}": Range(-np.pi, np.pi) for i in (1, 2, 3)}
# Ishigami and Homma (1990), a = 7, b = 0.1: the analytic first- and total-order indices.
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def store_shaped(design: Design, y: np.ndarray, replicates: int = 1) -> pd.DataFrame:
    """Runs as a results store holds them: a row per point and replicate, status, values."""
    frame = design.values.copy()
    frame.insert(0, "point", range(design.n_points))
    frames = [frame.assign(replicate=r, status="ok", y=y) for r in range(replicates)]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_ones():
    design = make_design("saltelli", BOX, samples=2048, second_order=False, seed=7)
    design = Design.from_dict(design.to_dict())  # as a results store reads it back
    runs = store_shaped(design, Ishigami.evaluate(design.values.to_numpy()), replicates=2)
    indices = sobol_indices(design, runs, "y", seed=3)
    assert indices.index.tolist() == ["x1", "x2", "x3"]
    assert np.allclose(indices["S1"], ISHIGAMI_S1, atol=0.04)
    assert np.allclose(indices["ST"], ISHIGAMI_ST, atol=0.04)
    assert (indices[["S1_conf", "ST_conf"]] > 0).all().all()
    assert (indices[["S1_conf", "ST_conf"]] < 0.1).all().all()
    # The bootstrap is seeded: the same call gives the same intervals.
    pd.testing.assert_frame_equal(indices, sobol_indices(design, runs, "y", seed=3))


def test_second_order_saltelli_designs_are_analysed_too():
    design = make_design("saltelli", BOX, samples=512, seed=1)
    runs = store_shaped(design, Ishigami.evaluate(design.values.to_numpy()))
    indices = sobol_indices(design, runs, "y")
    assert np.allclose(indices["ST"], ISHIGAMI_ST, atol=0.08)


def test_morris_statistics_are_exact_for_an_additive_function_and_see_interactions():
    box = {"a": Range(0, 10), "b": Range(-1, 1), "c": Range(0, 1)}
    design = make_design("morris", box, samples=20, seed=4)
    v = design.values
    linear = store_shaped(design, (3 * v["a"] - 2 * v["b"]).to_numpy())
    stats = morris_indices(design, linear, "y")
    assert np.allclose(stats["mu_star"], [30, 4, 0]) and np.allclose(stats["sigma"], 0)
    assert np.allclose(stats["mu"], [30, -4, 0])
    interacting = store_shaped(design, (v["a"] * v["c"]).to_numpy())
    stats = morris_indices(design, interacting, "y")
    assert stats.loc["c", "sigma"] > 0 and stats.loc["b", "mu_star"] == 0
    assert (stats["mu_star_conf"] >= 0).all()


@pytest.mark.parametrize("num_levels", [4, 6])
def test_morris_effects_of_integers_and_levels_are_not_biased(num_levels):
    # The Morris grid falls unevenly on 0, 1, 2 (at 0, 1/3, 2/3, 1 four levels give 0, 1, 2,
    # 2): dividing by the design's step gave mu* = 2.25 and sigma = 0.76 for y = x.
    box = {"x": Range(0, 2, integer=True), "b": [False, True], "z": Range(0, 1)}
    design = make_design("morris", box, samples=30, num_levels=num_levels, seed=2)
    v = design.values
    runs = store_shaped(design, (v["x"] + 3 * v["b"]).to_numpy(dtype=float))
    stats = morris_indices(design, runs, "y")
    assert stats["mu_star"].tolist() == [2.0, 3.0, 0.0]
    assert stats["mu"].tolist() == [2.0, 3.0, 0.0]
    assert stats["sigma"].tolist() == [0.0, 0.0, 0.0]


def test_a_sweep_over_an_integer_parameter_gives_unbiased_morris_effects():
    from socialsim import Scenario
    from socialsim.studies.sweeps import Sweep

    spec = Sweep(
        {"team.staff": {"low": 0, "high": 2}, "wom.negativity": {"low": 1, "high": 2}},
        scenario=Scenario().replace({"graph.n": 200}),
        design="morris",
        samples=20,
        seed=5,
    )
    runs = store_shaped(spec.design, spec.design.values["team.staff"].to_numpy(dtype=float))
    stats = morris_indices(spec.design, runs, "y")
    assert stats.loc["team.staff", ["mu_star", "sigma"]].tolist() == [2.0, 0.0]


def test_morris_statistics_of_float_ranges_are_salibs():
    from SALib.analyze import morris

    box = {"a": Range(0, 10), "b": Range(-1, 1), "c": Range(0.1, 10, log=True)}
    design = make_design("morris", box, samples=30, seed=3)
    v = design.values
    y = (v["a"] * v["b"] + np.sin(v["c"])).to_numpy()
    ours = morris_indices(design, store_shaped(design, y), "y")
    theirs = morris.analyze(design.problem(), design.unit, y, num_levels=4, seed=1)
    for column in ("mu_star", "mu", "sigma"):
        assert np.allclose(ours[column], theirs[column], rtol=1e-9, atol=1e-12)


def test_an_infinite_kpi_is_refused_like_a_missing_one():
    design = make_design("morris", BOX, samples=4)
    runs = store_shaped(design, np.ones(design.n_points), replicates=2)
    runs.loc[19, "y"] = np.inf  # point 3, replicate 1
    with pytest.raises(ValueError) as caught:
        morris_indices(design, runs, "y")
    assert str(caught.value) == (
        "The 'y' KPI is infinite in 1 of 32 successful runs (first: point 3, replicate 1); "
        "sensitivity indices need a finite value in every run."
    )


def test_a_kpi_undefined_by_construction_says_so():
    design = make_design("saltelli", BOX, samples=4, second_order=False)
    runs = store_shaped(design, np.ones(design.n_points)).rename(
        columns={"y": "response_time_median"}
    )
    runs.loc[[2, 7], "response_time_median"] = np.nan  # no replies in those runs
    with pytest.raises(ValueError) as caught:
        sobol_indices(design, runs, "response_time_median")
    assert str(caught.value) == (
        "The 'response_time_median' KPI is undefined (NaN) in 2 of 20 successful runs (first: "
        "point 2, replicate 0): a run's response time is undefined when the brand sent no "
        "reply in it (no staff, or a policy that answers nothing). Rerunning will not change "
        "that: analyse another KPI, or narrow the parameters' ranges to where it is defined."
    )
    assert "--retry-failed" not in str(caught.value)


def test_indices_need_the_matching_design_and_every_point():
    morris = make_design("morris", BOX, samples=4)
    with pytest.raises(ValueError, match="must be a saltelli design"):
        sobol_indices(morris, store_shaped(morris, np.zeros(morris.n_points)), "y")
    runs = store_shaped(morris, np.ones(morris.n_points))
    runs.loc[3, "status"] = "failed"
    with pytest.raises(ValueError, match="1 of 16 have none"):
        morris_indices(morris, runs, "y")


def test_a_kpi_that_is_not_numbers_or_a_list_of_names_is_refused_in_one_line():
    design = make_design("morris", {"x1": Range(0, 1), "kind": ["a", "b"]}, samples=4)
    runs = store_shaped(design, np.ones(design.n_points))
    calls = [
        (lambda: morris_indices(design, runs, "kind"), r"'kpi'.*numeric KPI column.*'kind'"),
        (lambda: main_effects(runs, ["x1"], "y"), r"'parameter'.*one column name.*\['x1'\]"),
        (lambda: main_effects(runs, "x1", "kind"), r"'kpi'.*numeric KPI column.*'kind'"),
        (lambda: plot_heatmap(runs, "x1", ["kind"], "y"), r"'y'.*one column name.*\['kind'\]"),
    ]
    for call, message in calls:
        with pytest.raises(ConfigError, match=message) as caught:
            call()
        assert "\n" not in str(caught.value)


def test_point_means_average_replicates_of_successful_runs_only():
    design = make_design("grid", {"a": [1, 2]})
    runs = pd.DataFrame(
        {
            "point": [0, 0, 1, 1, 1],
            "status": ["ok", "ok", "ok", "ok", "failed"],
            "y": [1.0, 3.0, 4.0, 6.0, np.nan],
        }
    )
    assert point_means(design, runs, "y").tolist() == [2.0, 5.0]


def test_main_effects_group_levels_and_bin_continuous_parameters():
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"x": rng.random(500), "kind": rng.choice(["a", "b"], 500)})
    runs["y"] = 10 * runs["x"] + (runs["kind"] == "b") + rng.normal(0, 0.1, 500)
    binned = main_effects(runs, "x", "y", bins=5)
    assert len(binned) == 5 and binned["mean"].is_monotonic_increasing
    assert (binned["low"] < binned["mean"]).all() and (binned["mean"] < binned["high"]).all()
    levels = main_effects(runs, "kind", "y")
    assert levels["value"].tolist() == ["a", "b"] and levels["n"].sum() == 500


def test_the_figures_draw(tmp_path):
    rng = np.random.default_rng(1)
    runs = pd.DataFrame({"x": rng.random(120), "z": rng.choice([1, 2, 3], 120)})
    runs["y"] = runs["x"] * runs["z"]
    fig = plot_main_effects(runs, ["x", "z"], "y", path=tmp_path / "main.png")
    assert len(fig.axes) == 2 and len(fig.axes[0].collections) == 1  # the band
    fig = plot_heatmap(runs, "x", "z", "y", bins=4, path=tmp_path / "heat.png")
    assert fig.axes[0].images[0].get_array().shape == (3, 4)
    indices = pd.DataFrame(
        {"mu_star": [2.0, 1.0], "mu_star_conf": [0.1, 0.2], "mu": [2, -1], "sigma": [0.5, 0.1]},
        index=["x", "z"],
    )
    fig = plot_indices(indices, title="Morris", path=tmp_path / "bars.png")
    assert len(fig.axes[0].patches) == 4
    assert all(
        (tmp_path / name).stat().st_size > 5_000 for name in ("main.png", "heat.png", "bars.png")
    )
