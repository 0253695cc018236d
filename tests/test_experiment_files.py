"""Experiment and sweep files: every setting declared and checked by one path, bounded where
size drives cost, malformed files refused in one line, and paths read against the file."""

from __future__ import annotations

import dataclasses
import re
import time
import warnings

import pytest
from click.testing import CliRunner

from socialsim import Scenario
from socialsim.cli import main
from socialsim.constraints import (
    Boolean,
    ConfigError,
    Interval,
    Names,
    Optional,
    Options,
    Text,
)
from socialsim.studies.experiment import Experiment, ExperimentSettings, Pair, load_experiment
from socialsim.studies.runner import open_store
from socialsim.studies.sweeps import Sweep, SweepSettings

ONE_LINE = re.compile(r"^The '[^']+' parameter must be .+\. Got .+ instead\.( .+)?$")
SMALL = Scenario().replace({"graph.n": 200, "run.days": 5})
STRATEGY = '[strategies.a]\n"policy.name" = "ignore"\n'
STRATEGIES = STRATEGY + '[strategies.b]\n"policy.name" = "negatives-first"\n'


def invalid_values(constraint) -> list:
    """Values a declared constraint must refuse: wrong types and each side of its bounds."""
    if isinstance(constraint, Optional):
        return invalid_values(constraint.constraint)
    if isinstance(constraint, Interval):
        values = ["7", True] + ([1.5] if constraint.integer else [float("nan")])
        values += [constraint.low - 1] if constraint.low is not None else []
        return values + ([constraint.high + 1] if constraint.high is not None else [])
    if isinstance(constraint, Options):
        return ["no-such-option", 3]
    if isinstance(constraint, Text):
        return [5, ["a"]]
    if isinstance(constraint, Boolean):
        return [1, "yes"]
    if isinstance(constraint, Names):
        return [[], "nps", ["nps", "nps"], ["no-such-kpi"], [3]]
    if isinstance(constraint, Pair):
        return [[], "a", ["a"], ["a", "a"], ["a", "b", "c"], ["a", 3]]
    raise AssertionError(f"no invalid values for {constraint!r}")


def declared(section) -> list[tuple[str, object]]:
    return [
        (f.name, bad)
        for f in dataclasses.fields(section)
        for bad in invalid_values(f.metadata["constraint"])
    ]


# ------------------------------------------------------------------ one validation path
@pytest.mark.parametrize(("name", "bad"), declared(ExperimentSettings))
def test_every_experiment_setting_is_checked_by_its_declaration(name, bad):
    with pytest.raises(ConfigError) as caught:
        Experiment({"a": {}}, base=SMALL, **{name: bad})
    assert caught.value.key == f"experiment.{name}"
    assert ONE_LINE.match(str(caught.value)), str(caught.value)


@pytest.mark.parametrize(("name", "bad"), declared(SweepSettings))
def test_every_sweep_setting_is_checked_by_its_declaration(name, bad):
    with pytest.raises(ConfigError) as caught:
        Sweep({"wom.negativity": [1.0]}, scenario=SMALL, **{name: bad})
    assert caught.value.key == f"sweep.{name}"
    assert ONE_LINE.match(str(caught.value)), str(caught.value)


def test_experiments_and_sweeps_check_kpi_names_alike():
    with pytest.raises(ConfigError) as experiment:
        Experiment({"a": {}}, base=SMALL, kpis=["nps", "npss"])
    with pytest.raises(ConfigError) as sweep:
        Sweep({"wom.negativity": [1.0]}, scenario=SMALL, kpis=["nps", "npss"])
    expected = (
        "The '{}.kpis' parameter must be a non-empty list of distinct KPI names (see "
        "`socialsim kpis`). Got ['nps', 'npss'] instead. 'npss' is not one. Did you mean 'nps'?"
    )
    assert str(experiment.value) == expected.format("experiment")
    assert str(sweep.value) == expected.format("sweep")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Experiment({"a": {}}, base=SMALL, replicates=10**12),
            "The 'experiment.replicates' parameter must be an int in [1, 10000]. "
            "Got 1000000000000 instead.",
        ),
        (
            lambda: Sweep({"wom.negativity": [1.0]}, scenario=SMALL, replicates=10**9),
            "The 'sweep.replicates' parameter must be an int in [1, 1000000]. "
            "Got 1000000000 instead.",
        ),
        (
            lambda: Sweep({"wom.negativity": [1.0, 2.0]}, scenario=SMALL, replicates=600_000),
            "The 'sweep.replicates' parameter must be an int <= 500,000 for a design of 2 "
            "points (a sweep has at most 1,000,000 runs). Got 600000 instead.",
        ),
        (
            lambda: Sweep({"wom.negativity": {"low": 0, "high": 1, "num": 10**9}}, scenario=SMALL),
            "The 'parameters.wom.negativity.num' parameter must be an int in [2, 10000000], "
            "or left out. Got 1000000000 instead.",
        ),
        (
            lambda: Sweep(
                {
                    f"wom.{p}": {"low": 0.1, "high": 0.2, "num": 100}
                    for p in ("effect", "negativity")
                }
                | {"churn.sensitivity": {"low": 0.1, "high": 0.2, "num": 1000}},
                scenario=SMALL,
            ),
            "The 'sweep.design' parameter must be a design of at most 1,000,000 points in a "
            "sweep. Got 'grid' instead. This one has 10,000,000.",
        ),
        (
            lambda: Sweep(
                {"wom.negativity": [1.0]}, scenario=SMALL, design="morris", num_levels=10**9
            ),
            "The 'sweep.num_levels' parameter must be an int in [2, 1000]. Got 1000000000 instead.",
        ),
    ],
)
def test_sizes_that_drive_cost_are_bounded_before_anything_is_built(build, message):
    start = time.perf_counter()
    with pytest.raises(ConfigError) as caught:
        build()
    assert str(caught.value) == message
    assert time.perf_counter() - start < 2.0  # refused up front, not after building


# ------------------------------------------------------------------ malformed files
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "base = 5\n" + STRATEGY,
            "The 'base' parameter must be a table [base] of scenario overrides shared by every "
            "strategy. Got 5 instead.",
        ),
        (
            "strategies = 5\n",
            "The 'strategies' parameter must be a table [strategies] of strategies, each a "
            "table of scenario overrides. Got 5 instead.",
        ),
        (
            "experiment = 5\n" + STRATEGY,
            "The 'experiment' parameter must be a table [experiment] of settings (question, "
            "replicates, days, kpis ...). Got 5 instead.",
        ),
        (
            "[strategies]\na = 5\n",
            "The 'strategies.a' parameter must be a table of scenario overrides. Got 5 instead.",
        ),
        (
            '[experiment]\nkpis = "nps"\n' + STRATEGY,
            "The 'experiment.kpis' parameter must be a non-empty list of distinct KPI names "
            "(see `socialsim kpis`). Got 'nps' instead.",
        ),
        (
            "[experiment]\nkpis = []\n" + STRATEGY,
            "The 'experiment.kpis' parameter must be a non-empty list of distinct KPI names "
            "(see `socialsim kpis`). Got [] instead.",
        ),
        (
            '[experiment]\nkpis = ["nps", "fans", "nps"]\n' + STRATEGY,
            "The 'experiment.kpis' parameter must be a non-empty list of distinct KPI names "
            "(see `socialsim kpis`). Got ['nps', 'fans', 'nps'] instead. 'nps' is listed twice.",
        ),
        (
            "[experiment]\nquestion = 5\n" + STRATEGY,
            "The 'experiment.question' parameter must be a string. Got 5 instead.",
        ),
        (
            '[experiment]\nworkshop = ["a"]\n' + STRATEGIES,
            "The 'experiment.workshop' parameter must be a list of two distinct strategy names, "
            "or left out. Got ['a'] instead. It names 1.",
        ),
        (
            '[experiment]\nworkshop = ["a", "b", "a"]\n' + STRATEGIES,
            "The 'experiment.workshop' parameter must be a list of two distinct strategy names, "
            "or left out. Got ['a', 'b', 'a'] instead. It names 3.",
        ),
        (
            '[experiment]\nworkshop = ["b", "b"]\n' + STRATEGIES,
            "The 'experiment.workshop' parameter must be a list of two distinct strategy names, "
            "or left out. Got ['b', 'b'] instead. 'b' is listed twice.",
        ),
        (
            '[experiment]\nworkshop = ["a", "bb"]\n' + STRATEGIES,
            "The 'experiment.workshop' parameter must be two of the experiment's strategies: "
            "'a', 'b'. Got ['a', 'bb'] instead. 'bb' is not one. Did you mean 'b'?",
        ),
        (
            '[experiment]\nworkshop = ["a", "c"]\n' + STRATEGIES,
            "The 'experiment.workshop' parameter must be two of the experiment's strategies: "
            "'a', 'b'. Got ['a', 'c'] instead. 'c' is not one.",
        ),
        (
            '[experiment]\nbaseline = "c"\n' + STRATEGIES,
            "The 'experiment.baseline' parameter must be the name of one of the strategies: "
            "'a', 'b'. Got 'c' instead.",
        ),
        (
            '[experiment]\nbaseline = "bb"\n' + STRATEGIES,
            "The 'experiment.baseline' parameter must be the name of one of the strategies: "
            "'a', 'b'. Got 'bb' instead. Did you mean 'b'?",
        ),
    ],
)
def test_malformed_experiment_files_fail_in_one_line(tmp_path, text, message):
    path = tmp_path / "e.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert str(caught.value) == message


def test_the_workshop_pair_is_kept_as_named_and_left_out_by_default(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('[experiment]\nworkshop = ["b", "a"]\n' + STRATEGIES)
    named = load_experiment(path)
    assert named.workshop == ("b", "a")
    assert named.with_replicates(2).workshop == ("b", "a")  # as `compare --replicates` rebuilds
    path.write_text(STRATEGIES)
    assert load_experiment(path).workshop is None


@pytest.mark.parametrize(
    ("key", "setting"), [("run.days", "experiment.days"), ("run.seed", "experiment.seed")]
)
def test_a_strategy_may_not_set_the_days_or_seed_every_strategy_shares(tmp_path, key, setting):
    # Set in one strategy, either would unpair the comparison: its differences would come
    # from a shorter horizon, or be silently zero since the seed was never used.
    with pytest.raises(ConfigError, match=re.escape(f"The 'strategies.b.{key}' parameter")) as e:
        Experiment({"a": {}, "b": {key: 5}}, base=SMALL, days=20)
    assert f"({setting}" in str(e.value) and str(e.value).endswith("Got 5 instead.")
    path = tmp_path / "e.toml"
    path.write_text(f'[strategies.a]\n[strategies.b]\n"{key}" = 5\n')
    with pytest.raises(ConfigError, match=re.escape(f"'strategies.b.{key}'")):
        load_experiment(path)
    # The experiment's days are every strategy's; the base's when it has none.
    assert Experiment({"a": {}}, base=SMALL, days=20).scenario("a").run.days == 20
    assert Experiment({"a": {}}, base=SMALL).scenario("a").run.days == SMALL.run.days


def test_a_strategy_may_not_set_the_policy_section_the_base_policy_object_overrides():
    from socialsim.brand.policies import preset

    base = SMALL.with_policy(preset("ignore"))
    # The base's object decides every strategy's policy: a name or parameter would be ignored.
    for changes in ({"policy.name": "respond-all"}, {"policy": {"order": "fifo"}}):
        with pytest.raises(ConfigError, match=r"^The 'strategies\.b\.policy\.") as caught:
            Experiment({"a": {}, "b": changes}, base=base)
        assert "left out while the base follows a policy object" in str(caught.value)
    # A strategy's own object replaces the base's; without a base object, names are read.
    own = Experiment({"a": {}, "b": {"policy": preset("respond-all")}}, base=base)
    assert own.scenario("b").policy_object.name == "respond-all"
    named = Experiment({"a": {}, "b": {"policy.name": "respond-all"}}, base=SMALL)
    assert named.scenario("b").policy.name == "respond-all"
    # What the model reads whatever the policy (the fix rate ...) may still be set.
    fixing = Experiment({"a": {}, "b": {"policy.fix_rate": 0.95}}, base=base)
    assert fixing.scenario("b").policy.fix_rate == 0.95


def test_a_base_given_as_overrides_is_the_scenario_they_make():
    made = Experiment({"a": {}, "b": {"team.staff": 3}}, base={"graph.n": 500, "run.days": 9})
    assert made.base == Scenario().replace({"graph.n": 500, "run.days": 9})
    assert made.scenario("b").team.staff == 3 and made.scenario("b").graph.n == 500
    assert Experiment({"a": {}}, base=None).base == Scenario()


@pytest.mark.parametrize(
    ("base", "message"),
    [
        (
            {"graph.n": -3},
            "The 'base.graph.n' parameter must be an int in [2, 2147483647]. Got -3 instead.",
        ),
        (
            5,
            "The 'base' parameter must be a Scenario or a dict of scenario overrides by dotted "
            "key. Got 5 instead.",
        ),
    ],
)
def test_a_base_that_is_no_scenario_is_refused_naming_it(base, message):
    with pytest.raises(ConfigError) as raised:
        Experiment({"a": {}}, base=base)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sweep = 5\n",
            "The 'sweep' parameter must be a table [sweep] of settings (design, samples, "
            "replicates ...). Got 5 instead.",
        ),
        (
            "base = 5\n",
            "The 'base' parameter must be a table [base] of scenario overrides. Got 5 instead.",
        ),
        (
            "parameters = 5\n",
            "The 'parameters' parameter must be a table [parameters] of parameters to vary. "
            "Got 5 instead.",
        ),
        (
            '[sweep]\nkpis = "nps"\n[parameters]\n"wom.negativity" = [1.0]\n',
            "The 'sweep.kpis' parameter must be a non-empty list of distinct KPI names (see "
            "`socialsim kpis`). Got 'nps' instead.",
        ),
        (
            '[sweep]\nscenario = 5\n[parameters]\n"wom.negativity" = [1.0]\n',
            "The 'sweep.scenario' parameter must be a string. Got 5 instead.",
        ),
    ],
)
def test_malformed_sweep_files_fail_in_one_line(tmp_path, text, message):
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        Sweep.from_toml(path)
    assert str(caught.value) == message


@pytest.mark.parametrize("content", [b"\xff\xfe\x00\x01binary", "kpis = 'é'".encode("latin-1")])
def test_binary_and_non_utf8_files_are_named_in_one_line(tmp_path, content):
    path = tmp_path / "x.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert str(caught.value) == (
        f"The 'experiment' parameter must be a TOML file (UTF-8 text). Got '{path}' instead."
    )
    with pytest.raises(ConfigError, match=r"^The 'sweep' parameter must be a TOML file"):
        Sweep.from_toml(path)


def test_a_malformed_experiment_stops_the_command_before_any_run(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text("base = 5\n" + STRATEGY)
    result = CliRunner().invoke(main, ["compare", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: The 'base' parameter must be a table [base] of scenario overrides shared by "
        "every strategy. Got 5 instead."
    ]
    assert not (tmp_path / "o").exists()


def test_a_crisis_after_the_last_day_is_said_once_naming_the_strategies_and_days():
    strategies = {"calm": {}, "crisis": {"root_causes.start": 30}, "late": {"root_causes.start": 9}}
    with pytest.warns(UserWarning) as caught:
        Experiment(strategies, days=20)
    assert len(caught) == 1
    assert "'crisis' (day 30, last day 20)" in str(caught[0].message)
    assert "'late'" not in str(caught[0].message) and "'calm'" not in str(caught[0].message)
    with pytest.warns(UserWarning, match=r"every strategy \(day 30, last day 10\)"):
        Experiment({"a": {}, "b": {}}, base=Scenario().replace({"root_causes.start": 30}), days=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Experiment(strategies, days=30)  # the crisis starts on the last day: seen


def test_the_compare_command_says_when_no_run_will_see_the_crisis(tmp_path):
    out = str(tmp_path / "o")
    command = ["compare", "crisis", "--days", "3", "--replicates", "1", "--set", "graph.n=200"]
    result = CliRunner().invoke(main, [*command, "-j", "1", "-q", "--out", out])
    assert result.exit_code == 0, result.output
    assert "warning: The crisis (root_causes.start) starts after the last day" in result.output
    assert "last day 3" in result.output


# ------------------------------------------------------------------ paths
def graph_folder(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "g.txt").write_text("0 1\n1 2\n2 0\n")
    return folder


def test_experiment_paths_are_read_against_the_file(tmp_path, monkeypatch):
    folder = graph_folder(tmp_path)
    (folder / "e.toml").write_text('[base]\ngraph.kind = "file"\ngraph.path = "g.txt"\n' + STRATEGY)
    monkeypatch.chdir(tmp_path)  # not the file's folder
    experiment = load_experiment("study/e.toml")
    assert experiment.scenario("a").graph.path == str((folder / "g.txt").resolve())


def test_a_missing_graph_file_is_found_before_any_run(tmp_path):
    folder = graph_folder(tmp_path)
    (folder / "e.toml").write_text(
        '[base]\ngraph.path = "missing.txt"\n[strategies.a]\n"graph.kind" = "file"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_experiment(folder / "e.toml")
    missing = (folder / "missing.txt").resolve()
    assert str(caught.value) == (
        f"The 'base.graph.path' parameter must be an existing file. Got '{missing}' instead."
    )
    (folder / "s.toml").write_text(
        '[base]\ngraph.n = 50\ngraph.path = "missing.txt"\n'
        '[parameters]\n"graph.kind" = ["erdos_renyi", "file"]\n'
    )
    with pytest.raises(ConfigError) as caught:
        Sweep.from_toml(folder / "s.toml")
    assert str(caught.value) == (
        f"The 'graph.path' parameter must be an existing file. Got '{missing}' instead. "
        "(at design point 1)"
    )


def test_a_sweep_resumed_from_another_folder_is_the_same_sweep(tmp_path, monkeypatch):
    folder = graph_folder(tmp_path)
    (folder / "base.toml").write_text('[graph]\nkind = "file"\npath = "g.txt"\n')
    (folder / "s.toml").write_text(
        '[sweep]\nscenario = "base.toml"\n[base]\ngraph.attributes = "a.csv"\nrun.days = 2\n'
        '[parameters]\n"wom.negativity" = [1.0, 2.0]\n'
    )
    (folder / "a.csv").write_text("node,segment\n0,1\n")
    monkeypatch.chdir(folder)
    spec = Sweep.from_toml("s.toml")
    assert spec.scenario.graph.path == str((folder / "g.txt").resolve())
    assert spec.scenario.graph.attributes == str((folder / "a.csv").resolve())
    open_store(spec, tmp_path / "out")
    monkeypatch.chdir(tmp_path)
    open_store(Sweep.from_toml("study/s.toml"), tmp_path / "out")  # no "different sweep"
