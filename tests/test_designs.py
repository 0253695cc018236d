"""Designs of experiments: sizes, bounds, balance, seeds and one-line errors."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from socialsim.constraints import ConfigError
from socialsim.studies.designs import (
    Design,
    DesignSettings,
    Levels,
    Range,
    design_size,
    make_design,
    parse_factor,
)

BOX = {"a": Range(0, 1), "b": Range(-5, 5), "c": Range(0.01, 100, log=True)}
ONE_LINE = re.compile(r"^The '[^']+' parameter must be .+\. Got .+ instead\.( .+)?$")


def test_grid_is_every_combination_in_order():
    d = make_design("grid", {"a": [1, 2, 3], "b": ["x", "y"], "c": Range(0, 1, num=3)})
    assert d.n_points == 3 * 2 * 3 == design_size(DesignSettings(design="grid"), d.factors)
    assert d.unit is None
    rows = set(map(tuple, d.values.astype(object).to_numpy().tolist()))
    assert len(rows) == 18
    assert d.values["c"].unique().tolist() == [0.0, 0.5, 1.0]
    assert d.values.iloc[0].tolist() == [1, "x", 0.0] and d.values.iloc[-1].tolist() == [
        3,
        "y",
        1.0,
    ]


def test_integer_grid_levels_are_rounded_and_distinct():
    assert Range(1, 4, num=7, integer=True).grid() == [1, 2, 3, 4]
    assert Range(1, 100, num=3, log=True).grid() == [1.0, 10.0, 100.0]


@pytest.mark.parametrize("kind", ["lhs", "sobol", "saltelli", "morris"])
def test_sampled_designs_stay_inside_their_ranges(kind):
    d = make_design(kind, BOX, samples=16, seed=3)
    assert d.n_points == design_size(DesignSettings(design=kind, samples=16), d.factors)
    assert d.unit.shape == (d.n_points, 3)
    assert ((d.unit >= 0) & (d.unit <= 1)).all()
    assert d.values["a"].between(0, 1).all()
    assert d.values["b"].between(-5, 5).all()
    assert d.values["c"].between(0.01, 100).all()


def test_sizes_of_sensitivity_designs():
    assert make_design("saltelli", BOX, samples=8).n_points == 8 * (2 * 3 + 2)
    assert make_design("saltelli", BOX, samples=8, second_order=False).n_points == 8 * (3 + 2)
    assert make_design("morris", BOX, samples=5).n_points == 5 * (3 + 1)


def test_latin_hypercube_puts_one_point_in_every_stratum():
    d = make_design("lhs", BOX, samples=20, seed=1)
    for column in range(3):
        strata = np.floor(d.unit[:, column] * 20).astype(int)
        assert sorted(strata) == list(range(20))


def test_sobol_points_are_balanced():
    d = make_design("sobol", {"a": Range(0, 1)}, samples=32, seed=1)
    counts = np.bincount(np.floor(d.unit[:, 0] * 8).astype(int), minlength=8)
    assert (counts == 4).all()


def test_morris_trajectories_move_one_parameter_at_a_time():
    d = make_design("morris", BOX, samples=6, num_levels=4, seed=2)
    steps = np.diff(d.unit.reshape(6, 4, 3), axis=1)  # trajectories of d + 1 points
    assert ((np.abs(steps) > 1e-12).sum(axis=2) == 1).all()
    assert np.allclose(np.abs(steps[np.abs(steps) > 1e-12]), 4 / (2 * 3))  # Δ = p / (2 (p - 1))


def test_integer_ranges_give_every_integer_an_equal_share():
    values = Range(1, 4, integer=True).from_unit(np.linspace(0, 1, 4001))
    assert values.dtype == np.int64
    counts = np.bincount(values)[1:]
    assert counts.tolist() == [1000, 1000, 1000, 1001]


def test_levels_split_the_unit_interval_equally():
    values = Levels(("a", "b", "c", "d")).from_unit(np.linspace(0, 1, 401)[:-1])
    assert [int((values == v).sum()) for v in "abcd"] == [100, 100, 100, 100]


def test_log_ranges_are_even_on_a_log_scale():
    values = Range(0.01, 100, log=True).from_unit(np.array([0, 0.25, 0.5, 0.75, 1]))
    assert np.allclose(values, [0.01, 0.1, 1, 10, 100])


@pytest.mark.parametrize("kind", ["lhs", "sobol", "saltelli", "morris"])
def test_same_seed_same_design_other_seed_other_design(kind):
    a, b, c = (make_design(kind, BOX, samples=8, seed=s) for s in (5, 5, 6))
    assert np.array_equal(a.unit, b.unit) and a.values.equals(b.values)
    assert not np.array_equal(a.unit, c.unit)


def test_a_design_round_trips_through_its_record():
    d = make_design("morris", {"a": Range(1, 9, integer=True), "b": ["x", "y"]}, samples=4)
    back = Design.from_dict(d.to_dict())
    assert back.values.equals(d.values) and np.array_equal(back.unit, d.unit)
    assert back.factors == d.factors and back.options == {"num_levels": 4}


def test_parse_factor_reads_every_toml_form():
    assert parse_factor("x", [1, 2]) == Levels((1, 2))
    assert parse_factor("x", {"levels": ["a"]}) == Levels(("a",))
    assert parse_factor("x", {"low": 1, "high": 2, "num": 3, "log": True}) == Range(1, 2, 3, True)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_design("lhd", BOX), r"'sweep.design'.*Did you mean 'lhs'\?"),
        (lambda: make_design("sobol", BOX, samples=12), r"'sweep.samples'.*power of 2"),
        (lambda: make_design("lhs", BOX, samples=0), r"'sweep.samples'.*an int in \[1, 10000000\]"),
        (lambda: make_design("morris", BOX, num_levels=3), r"'sweep.num_levels'.*even"),
        (lambda: make_design("grid", {"a": Range(0, 1)}), r"'parameters.a'.*'num' levels"),
        (
            lambda: make_design("lhs", {"a": Range(0, 1, num=3)}, samples=4),
            r"'parameters.a.num'.*design = 'lhs' \(only a grid reads it\)\. Got 3 ",
        ),
        (lambda: make_design("lhs", {}), r"'parameters'.*at least one"),
        (lambda: parse_factor("a", {"low": 2, "high": 1}), r"'parameters.a'.*low < high"),
        (lambda: parse_factor("a", {"low": 0, "high": 1, "log": True}), r"low > 0"),
        (lambda: parse_factor("a", [1, 1]), r"'parameters.a'.*distinct"),
        (lambda: parse_factor("a", []), r"non-empty"),
        (lambda: parse_factor("a", {"low": 0, "hi": 1}), r"'parameters.a.hi'.*'high'"),
        (lambda: parse_factor("a", {"low": 0}), r"both low and high"),
        (lambda: parse_factor("a", 3), r"a list of levels or a range"),
        (
            lambda: parse_factor("a", {"low": 0, "high": math.inf}),
            r"'parameters.a.high'.*a finite float\. Got inf",
        ),
    ],
)
def test_bad_designs_fail_in_one_line(call, message):
    with pytest.raises(ConfigError, match=message) as caught:
        call()
    assert ONE_LINE.match(str(caught.value)) and "\n" not in str(caught.value)


def test_huge_designs_are_refused_before_they_are_built():
    levels = {f"p{i}": list(range(10)) for i in range(8)}
    with pytest.raises(ConfigError, match="at most 10,000,000 points"):
        make_design("grid", levels)
