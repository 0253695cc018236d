"""Robust comparison: every parameter's role, plausible worlds, win shares, regret, what flips
the answer, and the robust study on the runner (deterministic, resumable)."""

from __future__ import annotations

import dataclasses
import re
import shlex

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from socialsim import ConfigError, Experiment, Scenario
from socialsim.assumptions import Fixed, Lever, LogUniform, Triangular, Uniform, role
from socialsim.cli import main
from socialsim.scenario import GRAPH_KINDS, PARAMETERS
from socialsim.studies.worlds import draw_worlds, varied

PRIORS = Uniform | LogUniform | Triangular


# ---------------------------------------------------------------------- roles and priors
def test_every_parameter_is_an_assumption_with_a_prior_a_lever_or_fixed_with_a_reason():
    undeclared = [key for key in PARAMETERS if role(key) is None]
    assert not undeclared, (
        f"{undeclared} declare no role. Give each param() one: prior=Uniform(low, high, why), "
        "Triangular(...) or LogUniform(...) for an assumption or estimate (why: the range's "
        "source), LEVER or Lever(why) for a decision of the brand, or Fixed(reason). A robust "
        "comparison samples the priors; see docs/robustness.md."
    )
    for key in PARAMETERS:
        found = role(key)
        if isinstance(found, Fixed):
            assert found.reason.strip(), key
        if isinstance(found, PRIORS):
            assert found.why.strip(), f"{key}: say where the prior's range comes from"


def test_the_brands_decisions_are_levers_and_never_sampled():
    for key in ("team.staff", "listening.recall", "policy.order", "run.days", "graph.n"):
        assert isinstance(role(key), Lever), key
    assert not {k for k in varied(Scenario()) if isinstance(role(k), Lever | Fixed)}


def test_priors_fit_their_constraints_and_hold_the_default():
    defaults = Scenario().flat()
    for key, declaration in PARAMETERS.items():
        prior = role(key)
        if not isinstance(prior, PRIORS):
            continue
        constraint = declaration.metadata["constraint"]
        for end in (prior.low, prior.high):  # the ends are values the scenario accepts
            constraint.check(key, int(end) if constraint.integer else end)
        assert prior.low <= defaults[key] <= prior.high, f"{key}'s default is not plausible"
        if prior.only_if is not None:
            assert prior.only_if[0] in PARAMETERS and set(prior.only_if[1]) <= set(
                PARAMETERS[prior.only_if[0]].metadata["constraint"].values
            ), key


@pytest.mark.parametrize("kind", [k for k in GRAPH_KINDS if k != "file"])
def test_every_drawn_world_and_both_corners_are_valid_scenarios(kind):
    base = Scenario().replace({"graph.kind": kind})
    keys = varied(base)
    for corner in ("low", "high"):
        base.replace({k: _at(k, getattr(p, corner)) for k, p in keys.items()})
    worlds = draw_worlds(base, 32, seed=7)
    for row in worlds.values.to_dict("records"):
        base.replace(row)
    if kind == "watts_strogatz":
        assert (worlds.values["graph.k"] % 2 == 0).all()


def _at(key: str, value: float) -> float | int:
    return int(value) if PARAMETERS[key].metadata["constraint"].integer else value


@pytest.mark.slow
@pytest.mark.parametrize("corner", ["low", "high"])
def test_the_model_runs_at_the_corners_of_the_priors(corner):
    from socialsim import EngagementModel

    base = Scenario().replace({"graph.n": 300, "run.days": 20, "policy.name": "proactive"})
    world = {k: _at(k, getattr(p, corner)) for k, p in varied(base).items()}
    model = EngagementModel(base.replace(world), rng=3)
    model.run()
    assert np.isfinite(model.kpis()["nps"]).all()


def test_parameters_command_says_which_is_which():
    result = CliRunner().invoke(main, ["parameters", "response.speed"])
    assert result.exit_code == 0
    assert "assumption: log-uniform on [0.25, 6]; references-brand.md §1" in result.output
    levers = CliRunner().invoke(main, ["parameters", "--role", "lever"]).output
    assert "team.staff = 2" in levers and "wom.negativity" not in levers
    fixed = CliRunner().invoke(main, ["parameters", "--role", "fixed"]).output
    assert "graph.path = ''" in fixed and "fixed: a file name" in fixed


# ---------------------------------------------------------------------- drawing worlds
def test_worlds_are_a_seeded_latin_hypercube_over_the_priors():
    a, b = draw_worlds(Scenario(), 20, seed=3), draw_worlds(Scenario(), 20, seed=3)
    pd.testing.assert_frame_equal(a.values, b.values)
    assert not a.values.equals(draw_worlds(Scenario(), 20, seed=4).values)
    # every one of the 20 equally likely strata of a prior holds exactly one world
    prior = role("wom.negativity")
    u = a.values["wom.negativity"].map(
        lambda x: (
            (x - prior.low) ** 2 / ((prior.high - prior.low) * (prior.mode - prior.low))
            if x <= prior.mode
            else 1 - (prior.high - x) ** 2 / ((prior.high - prior.low) * (prior.high - prior.mode))
        )
    )
    assert sorted(np.floor(u * 20).astype(int)) == list(range(20))
    log = np.log(a.values["response.speed_hours"] / 0.25) / np.log(6 / 0.25)
    assert sorted(np.floor(log * 20).astype(int)) == list(range(20))


def test_a_world_varies_only_what_the_scenario_reads_and_what_is_not_held():
    ba = varied(Scenario())
    assert "graph.m" in ba and "graph.k" not in ba and "recruitment.threshold" not in ba
    small_world = varied(Scenario().replace({"graph.kind": "watts_strogatz"}))
    assert "graph.k" in small_world and "graph.m" not in small_world
    assert "wom.negativity" not in varied(Scenario(), hold=["wom.negativity"])
    with pytest.raises(ConfigError, match="'hold' parameter .* Got 'wom.negatvity'.*Did you"):
        varied(Scenario(), hold=["wom.negatvity"])
    with pytest.raises(ConfigError, match="It is fixed"):
        varied(Scenario(), hold=["graph.path"])


# ---------------------------------------------------------------------- a toy with a known answer
def _toy_runs(
    worlds: pd.DataFrame, key: str, threshold: float, replicates: int = 3
) -> pd.DataFrame:
    """Two strategies whose winner flips exactly at ``threshold`` of one assumption.

    Both share each replicate's noise (common random numbers) and a level that depends on
    other assumptions; 'answer' beats 'ignore' on NPS by ``x - threshold``.
    """
    rng = np.random.default_rng(11)
    rows = []
    for world, values in worlds.iterrows():
        level = 30 * values["wom.effect"] - 5 * values["experiences.bad_impact"]
        for r in range(replicates):
            noise = rng.normal(0, 3)
            rows.append(
                {"world": world, "strategy": "ignore", "replicate": r, "nps": level + noise}
            )
            edge = values[key] - threshold
            rows.append(
                {"world": world, "strategy": "answer", "replicate": r, "nps": level + noise + edge}
            )
    return pd.DataFrame(rows)


def _share_above(key: str, threshold: float) -> float:
    """The prior probability that the assumption exceeds the threshold (a fine quadrature)."""
    prior = role(key)
    u = (np.arange(200_000) + 0.5) / 200_000
    integer = PARAMETERS[key].metadata["constraint"].integer
    return float((prior.sample(u, integer) > threshold).mean())


@pytest.mark.parametrize(
    ("key", "threshold"),
    [("wom.negativity", 1.2), ("response.speed_hours", 2.0), ("graph.m", 5.5)],
)
def test_a_toy_comparison_flipping_at_a_known_threshold_is_found(key, threshold):
    from socialsim.studies.flips import flip_boxes, rank_sensitivity
    from socialsim.studies.wins import regrets, win_shares, world_means

    worlds = draw_worlds(Scenario(), 64, seed=5).values
    means = world_means(_toy_runs(worlds, key, threshold), ["nps"])
    x = worlds[key]

    share = _share_above(key, threshold)  # the known share of worlds 'answer' wins
    wins = win_shares(means, ["nps"]).set_index(["strategy", "versus"])
    answer = wins.loc[("answer", "ignore")]
    assert answer["wins"] == (x > threshold).sum()  # a world's winner: the mean of replicates
    assert answer["low"] <= share <= answer["high"]

    box = flip_boxes(means, worlds.reset_index(), [("answer", "ignore", "nps")])
    assert box["parameter"].tolist() == [key]  # that one assumption, and no other
    limit = box.iloc[0]
    assert box["density"].iloc[0] == box["coverage"].iloc[0] == 1.0
    majority = "beats" if share >= 0.5 else "does not beat"
    assert limit["answer"] == majority
    side = "high" if majority == "beats" else "low"  # the reversals lie below, or above
    out, kept = limit[f"{side}_gap_out"], limit[f"{side}_gap_in"]
    assert min(out, kept) <= threshold <= max(out, kept)  # within the sampling resolution
    # the resolution is the gap between neighbouring worlds across the threshold
    assert {out, kept} == {x[x <= threshold].max(), x[x > threshold].min()}
    assert key in limit["description"]

    regret = regrets(means, ["nps"]).set_index("strategy")
    expected = np.maximum(0, -(x - threshold)).mean()  # answer falls short only below it
    assert regret.loc["answer", "mean_regret"] == pytest.approx(expected)
    sensitivity = rank_sensitivity(means, worlds.reset_index(), [("answer", "ignore", "nps")])
    assert sensitivity["parameter"].iloc[0] == key and sensitivity["rho"].iloc[0] > 0.99


def test_win_shares_count_ties_apart_skip_undefined_worlds_and_follow_the_direction():
    from socialsim.studies.wins import regrets, win_shares

    means = pd.DataFrame(
        {
            "world": np.repeat([0, 1, 2, 3], 2),
            "strategy": ["a", "b"] * 4,
            "churn_rate": [1.0, 2.0, 1.0, 1.0, np.nan, 1.0, 3.0, 2.0],  # lower is better
        }
    )
    wins = win_shares(means, ["churn_rate"]).set_index("strategy")
    assert wins.loc["a", ["worlds", "wins", "losses", "ties"]].tolist() == [3, 1, 1, 1]
    regret = regrets(means, ["churn_rate"]).set_index("strategy")
    assert regret.loc["a", "worst_regret"] == 1.0 and regret.loc["b", "worst_regret"] == 1.0
    assert regret["rank"].tolist() == [1, 1]  # equal regrets share a rank
    assert win_shares(means.rename(columns={"churn_rate": "needs"}), ["needs"]).empty  # neutral


def test_the_answer_reversed_by_a_minority_is_described_in_words():
    from socialsim.studies.flips import flip_boxes

    worlds = draw_worlds(Scenario(), 40, seed=2).values
    runs = _toy_runs(worlds, "wom.negativity", 2.2)  # answer wins only above 2.2: a minority
    from socialsim.studies.wins import world_means

    table = flip_boxes(
        world_means(runs, ["nps"]), worlds.reset_index(), [("answer", "ignore", "nps")]
    )
    text = table["description"].iloc[0]
    assert table["answer"].iloc[0] == "does not beat"
    assert text.startswith("answer beats ignore on nps when wom.negativity > 2.")
    assert "of plausible worlds" in text and "(density)" in text and "(coverage)" in text


# ---------------------------------------------------------------------- on the runner
def _experiment(**settings):
    from socialsim.studies.experiment import Experiment

    return Experiment(
        {
            "ignore": {"policy.name": "ignore"},
            "answer": {"policy.name": "negatives-first"},
            "programme": {"policy.name": "respond-all", "advocacy.defend_prob": 0.2},
        },
        base=Scenario().replace({"graph.n": 200}),
        **{"days": 6, "replicates": 2, "seed": 9, "kpis": ("nps", "churned"), **settings},
    )


@pytest.fixture(scope="module")
def serial():
    from socialsim.studies.robust import robust_compare

    return robust_compare(_experiment(), 4, jobs=1, progress=False)


def _tables(robust) -> dict[str, pd.DataFrame]:
    return {
        "runs": robust.runs,
        "worlds": robust.worlds,
        "wins": robust.wins(),
        "regret": robust.regret(),
        "flips": robust.flips(),
        "sensitivity": robust.sensitivity(),
    }


def test_a_robust_study_is_worlds_times_strategies_times_replicates_on_common_seeds(serial):
    from socialsim.studies.robust import study

    plan = study(_experiment(), 4)
    assert len(plan.runs) == 4 * 3 * 2 and plan.kind == "robust"
    assert {run.spawn_key for run in plan.runs if run.replicate == 1} == {(1,)}
    # a strategy's own setting of an assumption is what it compares: never sampled
    assert "advocacy.defend_prob" not in serial.worlds.columns
    assert "advocacy.defend_prob" in serial.drawn["held"]
    overrides = {
        (r.values["world"], r.values["strategy"]): plan.overrides[r.point] for r in plan.runs
    }
    assert overrides[(0, "ignore")]["advocacy.defend_prob"] == 0.1  # the base's value
    assert overrides[(0, "programme")]["advocacy.defend_prob"] == 0.2
    # every strategy of a world sees the same assumptions, and worlds differ
    assert overrides[(1, "ignore")]["wom.negativity"] == overrides[(1, "answer")]["wom.negativity"]
    assert overrides[(0, "ignore")]["wom.negativity"] != overrides[(1, "ignore")]["wom.negativity"]
    assert len(serial.runs) == 24 and serial.runs["nps"].notna().all()


@pytest.mark.slow
def test_the_same_seed_gives_identical_robust_results_on_two_processes_and_on_dask(
    serial, dask_client
):
    from socialsim.studies.robust import robust_compare

    for options in ({"jobs": 2}, {"executor": dask_client}):
        again = robust_compare(_experiment(), 4, progress=False, **options)
        for name, table in _tables(serial).items():
            pd.testing.assert_frame_equal(_tables(again)[name], table, obj=name)


def test_an_interrupted_robust_comparison_resumes_without_recomputing(
    tmp_path, monkeypatch, serial
):
    from socialsim.studies.robust import RobustComparison, study
    from socialsim.studies.runner import run_study
    from socialsim.studies.store import ResultsStore

    write = ResultsStore.write

    def five_then_ctrl_c(store, record, trajectory=None):
        if len(store.status()) == 5:
            raise KeyboardInterrupt
        write(store, record, trajectory)

    monkeypatch.setattr(ResultsStore, "write", five_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        run_study(study(_experiment(), 4), tmp_path, jobs=1, progress=False)
    monkeypatch.undo()
    kept = {f.name: f.stat().st_mtime_ns for f in (tmp_path / "runs").iterdir()}
    report = run_study(study(_experiment(), 4), tmp_path, jobs=1, progress=False)
    assert (report.skipped, report.completed, report.failed) == (5, 19, 0)
    assert {n: (tmp_path / "runs" / n).stat().st_mtime_ns for n in kept} == kept
    resumed = RobustComparison.load(tmp_path)
    for name, table in _tables(serial).items():
        pd.testing.assert_frame_equal(_tables(resumed)[name], table, obj=name)
    with pytest.raises(
        ConfigError,
        match=r"same robust analysis\. .* It holds a different robust analysis \(worlds\.n was 4, now 5",
    ):
        run_study(study(_experiment(), 5), tmp_path, jobs=1, progress=False)


def test_posterior_draws_replace_the_priors_they_cover():
    posterior = pd.DataFrame(
        {
            "wom.negativity": [0.7, 1.1, 2.9, 1.9],
            "churn.base_rate": [0.0003, 0.0004, 0.0005, 0.00045],
            "weight": [0.5, 0.5, 0.0, 1.0],
        }
    )
    worlds = draw_worlds(Scenario(), 40, seed=1, posterior=posterior)
    drawn = worlds.values[["wom.negativity", "churn.base_rate"]]
    pairs = set(map(tuple, posterior[["wom.negativity", "churn.base_rate"]].to_numpy()))
    assert set(map(tuple, drawn.to_numpy())) <= pairs - {(2.9, 0.0005)}  # rows kept whole
    counts = drawn["wom.negativity"].value_counts()
    assert counts[1.9] == 20 and counts[0.7] == counts[1.1] == 10  # stratified by weight
    assert worlds.posterior == ("wom.negativity", "churn.base_rate")
    assert "wom.negativity" not in worlds.priors and "wom.effect" in worlds.priors
    other = posterior.assign(weight=[0.5, 0.5, 1.0, 0.0])
    assert draw_worlds(Scenario(), 40, seed=1, posterior=other).digest != worlds.digest


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"team.staff": [2]}, "It is a lever"),
        (
            {"wom.negativity": [11.0]},
            r"'wom.negativity' parameter must be a float in \[0, 10\]\. Got 11\.0 instead\. \(row 0",
        ),
        ({"wom.negativity": [1.0], "weight": [-1.0]}, "non-negative numbers"),
        ({"wom.negativity": []}, "at least one draw"),
    ],
)
def test_a_bad_posterior_is_one_clear_error(table, message):
    from socialsim.studies.worlds import read_posterior

    with pytest.raises(ConfigError, match=message):
        read_posterior(pd.DataFrame(table))


def test_a_single_held_key_or_a_posterior_of_another_type_is_one_clear_error():
    from socialsim.studies.robust import study
    from socialsim.studies.worlds import read_posterior

    experiment = Experiment({"a": {}, "b": {"team.staff": 4}}, replicates=1)
    # A string is not taken for its characters ('w', 'o', ...).
    with pytest.raises(ConfigError, match=re.escape("Got 'wom.negativity' instead.")):
        study(experiment, 3, hold="wom.negativity")
    with pytest.raises(ConfigError, match=re.escape("Got 'wom.negativity' instead.")):
        draw_worlds(Scenario(), 3, seed=1, hold="wom.negativity")
    values = study(experiment, 3, hold=["wom.negativity"]).runs[0].values
    assert "wom.negativity" not in values and "wom.effect" in values  # held, not drawn
    with pytest.raises(ConfigError, match=re.escape("The 'priors' parameter must be a Parquet")):
        read_posterior([1, 2])


# ---------------------------------------------------------------------- command and report
def _file(folder) -> str:
    path = folder / "experiment.toml"
    path.write_text(
        '[experiment]\nreplicates = 1\nseed = 3\ndays = 4\nkpis = ["nps", "fans"]\n'
        '[base]\ngraph.n = 200\n[strategies.ignore]\npolicy.name = "ignore"\n'
        '[strategies.answer]\npolicy.name = "negatives-first"\n'
    )
    return str(path)


def test_compare_robust_writes_win_shares_regret_and_flips_to_the_report_and_parquet(
    tmp_path, empty_headings
):
    posterior = tmp_path / "posterior.parquet"
    pd.DataFrame({"wom.negativity": [1.0, 2.0], "weight": [0.5, 0.5]}).to_parquet(posterior)
    out = tmp_path / "out"
    args = ["compare", _file(tmp_path), "--robust", "3", "--priors", str(posterior), "-j", "1"]
    result = CliRunner().invoke(main, [*args, "--hold", "wom.effect", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "across 3 plausible worlds:" in result.output
        and "plausible worlds (95% interval" in result.output
    )
    for name in ("wins", "regret", "worlds", "runs"):
        assert not pd.read_parquet(out / "robust" / f"{name}.parquet").empty, name
    flips = pd.read_parquet(out / "robust" / "flips.parquet")
    assert flips["kpi"].unique().tolist() == ["nps"] and flips["description"].str.len().all()
    assert (out / "robust" / "sensitivity.parquet").is_file()
    worlds = pd.read_parquet(out / "robust" / "worlds.parquet")
    assert set(worlds["wom.negativity"]) <= {1.0, 2.0} and "wom.effect" not in worlds
    report = (out / "report.md").read_text()
    assert "## Robustness\n\nThe intervals above cover simulation noise only. Here every " in report
    assert "### What flips the answer" in report and empty_headings(out / "report") == []
    html = (out / "report.html").read_text()
    assert "Who beats whom" in html and "data:image/png;base64," in html
    from socialsim.studies.compare import Comparison

    assert Comparison.load(out).robust.n_worlds == 3
    # Run again without --robust: the analysis it holds stays in the report, not "not analysed".
    again = CliRunner().invoke(main, [*args[:2], "-j", "1", "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "across 3 plausible worlds:" in again.output and "not analysed" not in again.output
    assert (out / "report.md").read_text() == report
    from socialsim import compare, load_experiment

    assert compare(load_experiment(_file(tmp_path)), out=out, progress=False).robust.n_worlds == 3
    # An unfinished analysis (a run missing: stopped) is left out with a warning, not a crash.
    next((out / "robust" / "runs").iterdir()).unlink()
    partial = CliRunner().invoke(main, [*args[:2], "-j", "1", "--out", str(out)])
    assert partial.exit_code == 0, partial.output
    assert "holds an unfinished robust analysis" in partial.output
    assert "run the same robust analysis again to finish the rest" in partial.output
    assert "across plausible worlds: not analysed" in partial.output


def test_without_robust_the_report_and_the_command_say_how_to_run_it(tmp_path, empty_headings):
    result = CliRunner().invoke(
        main,
        [
            "compare",
            "stay-out-or-answer",
            "--out",
            str(tmp_path),
            "--replicates",
            "1",
            "--days",
            "2",
            "--set",
            "graph.n=200",
            "-j",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    report = (tmp_path / "report.md").read_text()
    # The command repeats what was run, into a folder of its own (the comparison's holds the
    # comparison at other replicates), and the report suggests the one the terminal printed.
    # 16 worlds and the comparison again, 3 strategies at 2 replicates each: 102 runs.
    expected = (
        f"socialsim compare stay-out-or-answer --set graph.n=200 --days 2 --robust 16 "
        f"--replicates 2 --out {tmp_path.as_posix()}-robust  # 102 runs"
    )
    suggested = re.compile(r"socialsim compare \S.*?# \d+ runs")
    assert suggested.findall(result.output) == [expected]
    assert f"```sh\n{expected}\n```" in report  # a code block, pasted whole
    assert empty_headings(tmp_path / "report") == []
    # Read back from its folder, the comparison suggests what was typed, in a later report too.
    from socialsim.studies.compare import Comparison

    loaded = Comparison.load(tmp_path)
    assert loaded.robust_command() == expected
    later = loaded.report(tmp_path / "later")["report_md"].read_text()
    assert suggested.findall(later) == [expected]


def test_a_comparison_made_in_python_suggests_a_command_into_a_folder_of_its_own(tmp_path):
    from socialsim import compare

    experiment = _experiment(replicates=1, days=2)
    kept = compare(experiment, jobs=1, progress=False, out=tmp_path / "kept")
    report = kept.save(tmp_path / "kept")["report_md"].read_text()
    assert (
        f"socialsim compare EXPERIMENT.toml --robust 16 --replicates 2 --out "
        f"{tmp_path.as_posix()}/kept-robust  # 102 runs" in report
    )
    # A temporary store is gone by the time the command is read: the default folder's name.
    passing = compare(experiment, jobs=1, progress=False)
    assert passing.out is None
    assert passing.robust_command().endswith(
        f"--out socialsim-compare/{experiment.name}-robust  # 102 runs"
    )


def test_a_changed_canned_experiment_is_never_suggested_by_its_name(tmp_path):
    from socialsim.studies.compare import Comparison
    from socialsim.studies.experiment import load_experiment

    canned = load_experiment("crisis")
    same = Comparison(dataclasses.replace(canned, replicates=3), pd.DataFrame())
    assert same.robust_command().startswith("socialsim compare crisis --robust")
    changed = Comparison(dataclasses.replace(canned, days=10), pd.DataFrame())
    assert changed.robust_command().startswith("socialsim compare EXPERIMENT.toml --robust")


def test_the_suggested_command_quotes_what_the_shell_would_split(tmp_path):
    folder = tmp_path / "my dir"
    folder.mkdir()
    file = folder / "it's.toml"
    file.write_text(CliRunner().invoke(main, ["experiments", "show", "stay-out-or-answer"]).output)
    out = tmp_path / "out dir"
    args = ["--out", str(out), "--replicates", "1", "--days", "2", "--seed", "5"]
    result = CliRunner().invoke(main, ["compare", str(file), *args, "--set", "graph.n = 200"])
    assert result.exit_code == 0, result.output
    command = result.output.split("run: ", 1)[1].splitlines()[0]
    # What the shell reads back is what was given, the seed included.
    assert shlex.split(command, comments=True) == [
        "socialsim", "compare", str(file), "--set", "graph.n = 200", "--days", "2",
        "--seed", "5", "--robust", "16", "--replicates", "2", "--out", f"{out}-robust",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--hold", "wom.effect"], "Error: The '--priors' and '--hold' options need --robust N."),
        (
            ["--robust", "1"],
            "Error: The 'robust' parameter must be an int in [2, 100000]. Got 1 instead.",
        ),
        (
            ["--robust", "2", "--hold", "team.staff"],
            "Error: The 'hold' parameter must be assumptions with a prior (socialsim parameters says which). Got 'team.staff' instead. It is a lever: the brand decides it.",
        ),
        (
            ["--robust", "2", "--priors", "nowhere.parquet"],
            "Error: The 'priors' parameter must be a Parquet file of posterior draws. Got 'nowhere.parquet' instead.",
        ),
    ],
)
def test_bad_robust_options_are_one_line_and_exit_2(tmp_path, extra, message):
    result = CliRunner().invoke(
        main, ["compare", _file(tmp_path), "--out", str(tmp_path / "o"), *extra]
    )
    assert result.exit_code == 2
    assert result.output.strip().startswith(message), result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_killed_robust_compare_command_resumes_without_recomputing(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    file, out = _file(tmp_path), tmp_path / "out"
    command = [sys.executable, "-c", "from socialsim.cli import main; main()", "compare", file]
    args = ["--robust", "12", "--out", str(out), "-j", "1", "-q"]
    process = subprocess.Popen([*command, *args])
    runs = out / "robust" / "runs"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if runs.is_dir() and len(list(runs.glob("p*.parquet"))) >= 3:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the command ended before it could be stopped"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    kept = {f.name: f.stat().st_mtime_ns for f in runs.glob("p*.parquet")}
    assert 3 <= len(kept) < 24
    result = CliRunner().invoke(main, ["compare", file, *args[:-1]])
    assert result.exit_code == 0, result.output
    assert f"24 runs: {len(kept)} already stored, {24 - len(kept)} finished" in result.output
    assert {n: (runs / n).stat().st_mtime_ns for n in kept} == kept


def test_the_report_section_reads_from_plain_tables_and_escapes_names(tmp_path):
    from types import SimpleNamespace

    from socialsim.studies.experiment import Experiment
    from socialsim.studies.robust import RobustComparison
    from socialsim.studies.robust_report import robustness_section

    worlds = draw_worlds(Scenario(), 24, seed=1).values
    runs = _toy_runs(worlds, "wom.negativity", 1.2).replace({"answer": "<b>answer</b>"})
    experiment = Experiment({"ignore": {}, "<b>answer</b>": {}}, kpis=("nps",))
    drawn = {"n": 24, "seed": 1, "priors": {"wom.negativity": {}}, "posterior": [], "held": []}
    robust = RobustComparison(experiment, worlds.reset_index(), runs, drawn)
    section = robustness_section(
        SimpleNamespace(experiment=experiment, robust=robust), tmp_path / "r"
    )
    assert section.headline.startswith("On nps, <b>answer</b> beats ignore in ")
    assert "<b>answer</b>" not in section.html and "&lt;b&gt;answer&lt;/b&gt;" in section.html
    assert "stops beating ignore on nps when wom.negativity < 1." in section.markdown
    assert (tmp_path / "r_robust_sensitivity.png").is_file()


def test_the_python_api_runs_the_worlds_beside_the_comparison(tmp_path):
    from socialsim import compare

    experiment = _experiment(replicates=1, days=3)
    with pytest.raises(ConfigError, match="'robust' parameter must be a number of worlds"):
        compare(experiment, hold=["wom.effect"], jobs=1, progress=False)
    result = compare(experiment, robust=2, jobs=1, progress=False, out=tmp_path)
    assert result.robust.n_worlds == 2 and len(result.robust.runs) == 2 * 3
    assert (tmp_path / "robust" / "manifest.json").is_file()


@pytest.mark.parametrize(
    ("out", "beside"),
    [(".", "../study-robust"), ("..", "../../runs-robust"), ("runs/study/", "runs/study-robust")],
)
def test_a_comparison_in_the_working_folder_suggests_the_folder_beside_it(
    monkeypatch, tmp_path, out, beside
):
    from socialsim.studies.experiment import load_experiment
    from socialsim.studies.robust_report import robust_command

    (tmp_path / "runs" / "study").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "runs" / "study" if out != "runs/study/" else tmp_path)
    # Not '.-robust', a hidden folder inside this one: the folder beside it, named after it.
    command = robust_command(load_experiment("crisis"), out=out)
    assert command.endswith(f"--out {beside}  # 136 runs")


def test_a_strategy_given_as_a_policy_object_follows_it_in_every_plausible_world():
    from test_compare_resume import AnswerAll

    from socialsim.studies.robust import study

    none, every = AnswerAll(False), AnswerAll(True)
    experiment = Experiment(
        {"none": {"policy": none}, "every": {"policy": every}},
        base=Scenario().replace({"graph.n": 200}),
        days=3,
        replicates=1,
    )
    robust = study(experiment, 3)
    # Each world's runs rebuild the strategy's own policy, as the comparison's do: not the
    # base's policy, which would make every difference between them exactly 0.
    assert [o.get("policy") for o in robust.overrides] == [none, every] * 3
    assert robust.overrides[1]["wom.negativity"] == robust.design.values.iloc[1]["wom.negativity"]
