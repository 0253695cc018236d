"""Comparing strategies: common random numbers, paired statistics, reports, canned experiments."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from socialsim import ConfigError, Scenario, load_results
from socialsim.cli import main
from socialsim.kpis import DECLARED
from socialsim.studies.compare import Comparison, compare
from socialsim.studies.experiment import Experiment, canned_experiments, load_experiment

BASE = Scenario().replace({"graph.n": 600})


def small(strategies, **kwargs) -> Experiment:
    settings = {
        "base": BASE,
        "days": 15,
        "replicates": 4,
        "seed": 3,
        "kpis": ("nps", "fans", "churned"),
    }
    return Experiment(strategies, **{**settings, **kwargs})


@pytest.mark.parametrize("jobs", [1, 2])
def test_identical_strategies_differ_by_exactly_zero(tmp_path, jobs):
    """Common random numbers: replicate r of every strategy shares its seed, so two identical
    strategies give identical runs, in this process or on a pool, and a third one does not."""
    same = {"policy.name": "respond-all"}
    experiment = small({"a": same, "b": same, "c": {"policy.name": "ignore"}})
    result = compare(experiment, out=tmp_path, jobs=jobs, progress=False)
    diffs = result.differences().query("strategy == 'b'")
    assert (diffs[["difference", "ci_low", "ci_high"]] == 0).all().all()
    assert (diffs["p_value"] == 1.0).all()
    a, b, c = (
        result.daily[result.daily["strategy"] == name]
        .drop(columns="strategy")
        .reset_index(drop=True)
        for name in "abc"
    )
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    runs = load_results(tmp_path)  # every strategy of a replicate ran on its seed
    assert runs.groupby("replicate")["spawn_key"].agg(
        lambda k: {tuple(x) for x in k}
    ).to_dict() == {r: {(r,)} for r in range(4)}


def test_pairing_shrinks_the_variance_of_differences():
    experiment = small(
        {"ignore": {"policy.name": "ignore"}, "answer": {"policy.name": "negatives-first"}},
        replicates=8,
        days=40,
        kpis=("nps", "mean_loyalty"),
    )
    runs = (
        compare(experiment, jobs=1, progress=False).per_run().set_index(["strategy", "replicate"])
    )
    for kpi in ("nps", "mean_loyalty"):
        values = runs[kpi].unstack("strategy")
        paired = np.var(values["answer"] - values["ignore"], ddof=1)
        unpaired = np.var(values["answer"], ddof=1) + np.var(values["ignore"], ddof=1)
        assert paired < 0.5 * unpaired, kpi


@pytest.mark.slow
def test_parallel_runs_give_the_same_numbers():
    experiment = small(
        {"ignore": {"policy.name": "ignore"}, "answer": {"policy.name": "negatives-first"}}
    )
    serial = compare(experiment, jobs=1, progress=False).daily
    parallel = compare(experiment, jobs=2, progress=False).daily
    pd.testing.assert_frame_equal(serial, parallel)


def test_summary_and_differences_are_consistent():
    strategies = {"ignore": {"policy.name": "ignore"}, "answer": {"policy.name": "negatives-first"}}
    kpis = ("nps", "fans", "new_fans_answered")
    result = compare(small(strategies, days=60, replicates=6, kpis=kpis), jobs=1, progress=False)
    summary = result.summary().set_index(["strategy", "kpi"])
    assert (summary["ci_low"] <= summary["mean"]).all() and (
        summary["mean"] <= summary["ci_high"]
    ).all()
    diffs = result.differences().set_index(["strategy", "kpi"])
    for kpi in ("nps", "fans"):
        expected = summary.loc[("answer", kpi), "mean"] - summary.loc[("ignore", kpi), "mean"]
        assert diffs.loc[("answer", kpi), "difference"] == pytest.approx(expected)
    # answering people's needs wins fans: it ranks first, and the difference is significant
    assert diffs.loc[("answer", "new_fans_answered"), "rank"] == 1
    assert diffs.loc[("answer", "new_fans_answered"), "ci_low"] > 0
    assert diffs.loc[("ignore", "fans"), "difference"] == 0


@pytest.mark.slow
def test_report_is_self_contained(tmp_path):
    result = compare(
        small({"ignore": {"policy.name": "ignore"}, "answer": {"policy.name": "negatives-first"}}),
        progress=False,
    )
    paths = result.save(tmp_path)
    html = paths["report_html"].read_text()
    assert html.count("data:image/png;base64,") == 2 and "answer" in html
    markdown = paths["report_md"].read_text()
    assert "| answer" in markdown and "report_trajectories.png" in markdown
    assert (tmp_path / "report_trajectories.png").exists()
    daily = pd.read_parquet(paths["daily_parquet"])
    assert set(daily["strategy"]) == {"ignore", "answer"} and len(daily) == 2 * 4 * 16
    assert len(pd.read_csv(paths["runs_csv"])) == 8


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kpis": ("npss",)}, "Did you mean 'nps'?"),
        (
            {"baseline": "nobody"},
            "'experiment.baseline' parameter must be the name of one of the strategies",
        ),
        ({"replicates": 0}, "'experiment.replicates' parameter must be an int in \\[1, 10000\\]"),
    ],
)
def test_bad_experiments_get_one_line_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        small({"a": {}}, **kwargs)


def test_bad_strategy_override_names_the_strategy():
    with pytest.raises(
        ConfigError, match="'strategies.fast.team.staf' parameter must be a known key"
    ):
        small({"fast": {"team.staf": 3}})


def test_experiment_file_errors(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('[experiment]\nreplicate = 3\n[strategies.a]\npolicy.name = "ignore"\n')
    with pytest.raises(ConfigError, match=r"Did you mean 'replicates'\?"):
        Experiment.from_toml(path)
    path.write_text('[strategy.a]\npolicy.name = "ignore"\n')
    with pytest.raises(ConfigError, match="one of the tables"):
        Experiment.from_toml(path)
    with pytest.raises(ConfigError, match="canned experiment"):
        load_experiment("stay-out-or-answr")


def test_canned_experiments_are_listed_with_their_questions():
    result = CliRunner().invoke(main, ["experiments"])
    assert result.exit_code == 0
    for name in canned_experiments():
        assert name in result.output
    assert len(canned_experiments()) == 8


@pytest.mark.parametrize("name", sorted(canned_experiments()))
def test_each_canned_experiment_runs_at_reduced_size(name):
    experiment = load_experiment(name)
    reduced = dataclasses.replace(
        experiment, base=experiment.base.replace({"graph.n": 500}), days=12, replicates=2
    )
    assert {"total_cost", "net_value"} <= set(experiment.kpis)  # no strategy looks free
    result = compare(reduced, jobs=1, progress=False)
    summary = result.summary()
    assert set(summary["strategy"]) == set(experiment.strategies)
    assert set(summary["kpi"]) == set(experiment.kpis)
    # a rate is undefined in a run without its denominator (no complaints in 12 days)
    defined = summary[~summary["kpi"].map(lambda k: DECLARED[k].run_only)]
    assert np.isfinite(defined["mean"]).all()


def test_compare_from_the_cli(tmp_path):
    experiment = tmp_path / "e.toml"
    experiment.write_text(
        '[experiment]\nreplicates = 2\ndays = 5\nkpis = ["nps"]\n[base]\ngraph.n = 300\n'
        '[strategies.ignore]\npolicy.name = "ignore"\n[strategies.answer]\npolicy.name = "respond-all"\n'
    )
    result = CliRunner().invoke(
        main, ["compare", str(experiment), "-j", "1", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "difference from 'ignore'" in result.output
    assert (tmp_path / "out" / "report.html").exists()
    bad = CliRunner().invoke(
        main, ["compare", str(experiment), "--replicates", "0", "--out", str(tmp_path)]
    )
    assert bad.exit_code == 2 and "'experiment.replicates' parameter must be" in bad.output


def test_the_terminal_shows_an_undefined_difference_as_the_report_does(tmp_path):
    # No episode scheduled: no detection, so no detection delay, in any replicate.
    experiment = tmp_path / "e.toml"
    experiment.write_text(
        '[experiment]\nreplicates = 2\ndays = 5\nkpis = ["detection_delay", "nps"]\n'
        "[base]\ngraph.n = 300\nroot_causes.start = 0\n"
        "[strategies.deaf]\nlistening.recall = 0.3\n[strategies.listening]\nlistening.recall = 0.9\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["compare", str(experiment), "-j", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    line, baseline = [line for line in result.output.splitlines() if "detection_delay" in line]
    assert line.split() == ["detection_delay", "listening", "–", "rank", "–"]
    assert baseline.split() == ["detection_delay", "deaf", "(baseline)", "rank", "–"]
    assert "nan" not in result.output
    assert "| Detection delay (days) | lower | listening | – | – | – |" in (
        (out / "report.md").read_text(encoding="utf-8")
    )
    # One replicate gives a difference but no interval: '–' too, never 'nan'.
    args = ["compare", str(experiment), "-j", "1", "--replicates", "1", "--out", str(out) + "1"]
    one = CliRunner().invoke(main, args)
    assert one.exit_code == 0, one.output
    line, _ = [line for line in one.output.splitlines() if line.startswith("  nps ")]
    assert line.split()[3:5] == ["[–,", "–]"] and "nan" not in one.output


def test_the_terminal_shows_a_difference_the_same_in_every_replicate_without_an_interval(
    tmp_path,
):
    # A dearer listening tool costs its price a day in every replicate, as the report says
    # it: the value alone, not an interval of one value.
    experiment = tmp_path / "e.toml"
    experiment.write_text(
        '[experiment]\nreplicates = 2\ndays = 3\nkpis = ["total_cost", "nps"]\n'
        "[base]\ngraph.n = 150\n[strategies.cheap]\n"
        "[strategies.dear]\ncost.listening_tool_per_day = 1000.0\n"
    )
    args = ["compare", str(experiment), "-j", "1", "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    cost, baseline = [
        line for line in result.output.splitlines() if line.startswith("  total_cost ")
    ]
    assert baseline.split()[1:3] == ["cheap", "(baseline)"]
    extra = 3 * (1000.0 - Scenario().cost.listening_tool_per_day)
    assert cost.split()[2:6] == [f"{extra:+.2f}", "in", "every", "replicate"]
    # the price moves nobody: NPS is the same too
    nps, _ = [line for line in result.output.splitlines() if line.startswith("  nps ")]
    assert nps.split()[2:6] == ["+0.00", "in", "every", "replicate"]


def test_one_strategy_is_refused_before_any_run(tmp_path):
    """Compared with nothing, a strategy would run and give an empty report; as an
    experiment alone (the dashboard's) it stays valid."""
    from socialsim.studies.robust import robust_compare

    alone = small({"a": {}})
    message = "The 'strategies' parameter must be at least two strategies to compare"
    with pytest.raises(ConfigError, match=message):
        compare(alone, out=tmp_path / "python", jobs=1, progress=False)
    with pytest.raises(ConfigError, match=message):
        robust_compare(alone, 2, out=tmp_path / "robust", jobs=1, progress=False)
    experiment = tmp_path / "e.toml"
    experiment.write_text("[strategies.a]\n")
    for robust in ([], ["--robust", "2"]):
        out = tmp_path / f"cli{len(robust)}"
        result = CliRunner().invoke(main, ["compare", str(experiment), "--out", str(out), *robust])
        assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
        assert message in result.output
    assert not any(tmp_path.glob("*/"))  # no store made


# ---------------------------------------------------------------------- rankings and the report
def comparison_of(runs: dict[str, list[float]], kpi: str = "nps", **settings) -> Comparison:
    """A comparison whose runs are given: one KPI value per replicate, on days 0 and 1."""
    rows = [
        {"strategy": name, "replicate": r, "day": day, kpi: value}
        for name, values in runs.items()
        for r, value in enumerate(values)
        for day in (0, 1)
    ]
    replicates = len(next(iter(runs.values())))
    experiment = Experiment(
        {name: {} for name in runs}, kpis=(kpi,), replicates=replicates, **settings
    )
    return Comparison(experiment, pd.DataFrame(rows))


def ranks(comparison: Comparison) -> dict[str, object]:
    table = comparison.differences()
    return {row.strategy: (row.rank, row.tied_with_best) for row in table.itertuples()}


@pytest.mark.parametrize("kpi", ["nps", "churned"])
def test_a_strategy_with_an_undefined_kpi_is_never_ranked_first(kpi):
    nan = float("nan")
    runs = {"undefined": [nan] * 3, "partly": [nan, 1.0, 1.0], "low": [1, 2, 3], "high": [5, 6, 7]}
    for order in itertools.permutations(runs):
        got = ranks(comparison_of({name: runs[name] for name in order}, kpi))
        assert got["undefined"][0] is pd.NA and got["partly"][0] is pd.NA, order
        best, worst = ("high", "low") if kpi == "nps" else ("low", "high")
        assert got[best] == (1, False) and got[worst] == (2, False), order


def test_rankings_do_not_depend_on_the_order_strategies_are_listed_in():
    # a and b have the same mean; c is told apart from b but not from a
    runs = {"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0], "c": [2.5, 1.5, 0.6]}
    seen = {
        tuple(sorted(ranks(comparison_of({n: runs[n] for n in order})).items()))
        for order in itertools.permutations(runs)
    }
    assert seen == {(("a", (1, False)), ("b", (1, False)), ("c", (3, True)))}


def test_ranks_follow_the_means_a_tie_with_the_best_is_a_flag():
    # 'far' is far behind the best on average but noisy, so the replicates cannot tell it
    # from the best; 'close' is steadily a little behind. A rank of 1 for 'far' put it above
    # 'close' (a crisis report's days in crisis: -1.5 ranked above -10.5).
    runs = {
        "best": [10.0, 20.0, 30.0],
        "close": [9.0, 19.0, 29.0],
        "far": [0.0, 25.0, 5.0],
    }
    assert ranks(comparison_of(runs)) == {
        "best": (1, False),
        "close": (2, False),
        "far": (3, True),
    }


def test_the_html_report_shows_names_and_questions_as_text(tmp_path):
    result = comparison_of(
        {"<i>plain</i>": [1.0, 2.0, 3.0], "answer": [2.0, 3.0, 5.0]},
        name="<script>name()</script>",
        question="Is <script>alert(1)</script> & co shown?",
    )
    html = result.report(tmp_path / "report")["report_html"].read_text()
    assert "<script>" not in html and "<i>plain" not in html
    assert "<title>&lt;script&gt;name()&lt;/script&gt;</title>" in html
    assert (
        '<p class="question">Is &lt;script&gt;alert(1)&lt;/script&gt; &amp; co shown?</p>' in html
    )
    assert "&lt;i&gt;plain&lt;/i&gt;" in html
    assert html.count("data:image/png;base64,") == 2
