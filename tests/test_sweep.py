"""Sweeps: validation, seeds, executors that agree to the last digit, and a store that survives
interruptions, failures and retries with every run stored exactly once."""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import click
import mesa
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from test_compare_resume import AnswerAll  # a policy object two of which differ in one value

from socialsim import EngagementModel, Scenario, __version__
from socialsim.brand.policies import Policy
from socialsim.cli import main
from socialsim.constraints import ConfigError
from socialsim.studies import runner as runner_module
from socialsim.studies import store as store_module
from socialsim.studies import workers
from socialsim.studies.runner import SweepAborted, sweep
from socialsim.studies.store import ResultsStore, load_results
from socialsim.studies.sweeps import Sweep

SMALL = Scenario().replace({"graph.n": 200, "run.days": 20})
KPIS = ("fans", "nps", "churned", "complaints")
ONE_LINE = re.compile(r"^The '[^']+' parameter must be .+\. Got .+ instead\.( .+)?$")


def small_sweep(**settings) -> Sweep:
    parameters = {
        "wom.negativity": {"low": 0.5, "high": 3.0},
        "experiences.bad_rate": [0.002, 0.02],
    }
    options = {"design": "lhs", "samples": 6, "replicates": 2, "seed": 11, "kpis": KPIS}
    return Sweep(parameters, scenario=SMALL, **(options | settings))


def numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """What must not depend on the executor: everything but timings."""
    return frame.drop(columns=["elapsed_s"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("serial")
    sweep(small_sweep(), out, jobs=1, progress=False)
    return load_results(out)


# ---------------------------------------------------------------------- the sweep itself
def test_runs_and_seeds_follow_the_documented_scheme():
    spec = small_sweep()
    runs = spec.runs()
    assert len(runs) == spec.n_runs == 12
    assert [r.replicate for r in runs] == [0] * 6 + [1] * 6  # whole replicates first
    assert len({r.run_id for r in runs}) == 12
    children = np.random.SeedSequence(11).spawn(2)
    assert all(r.seed_sequence().spawn_key == children[r.replicate].spawn_key for r in runs)
    independent = small_sweep(seeds="independent").runs()
    assert independent[7].seed_sequence().spawn_key == children[1].spawn(6)[1].spawn_key


def test_stored_numbers_are_those_of_the_model_run_directly(reference):
    assert len(reference) == 12 and (reference["status"] == "ok").all()
    row = reference.iloc[5]
    model = small_sweep().model(int(row["point"]), int(row["replicate"]))
    model.run()
    daily = model.kpis()
    assert row["fans"] == daily["fans"].iloc[-1]
    assert row["complaints"] == daily["complaints"].sum()  # a flow: its total over the run
    assert row["wom.negativity"] == model.scenario.wom.negativity


def test_common_random_numbers_make_points_of_a_replicate_share_their_start(reference):
    day0 = [small_sweep().model(p, 1).population.status.copy() for p in (0, 3)]
    assert np.array_equal(*day0)
    assert reference["fans"].nunique() > 1


@pytest.mark.slow
def test_process_pool_and_dask_agree_with_a_serial_run(reference, tmp_path, dask_client):
    sweep(small_sweep(), tmp_path / "pool", jobs=2, progress=False)
    pd.testing.assert_frame_equal(numbers(load_results(tmp_path / "pool")), numbers(reference))
    report = sweep(small_sweep(), tmp_path / "dask", executor=dask_client, progress=False)
    assert report.completed == 12
    pd.testing.assert_frame_equal(numbers(load_results(tmp_path / "dask")), numbers(reference))


def test_trajectories_are_kept_when_asked(tmp_path):
    spec = small_sweep(keep="trajectories", samples=2, replicates=1)
    sweep(spec, tmp_path, jobs=1, progress=False)
    daily = load_results(tmp_path, trajectories=True)
    assert len(daily) == 2 * 21 and list(daily.columns[:4]) == [
        "run_id",
        "point",
        "replicate",
        "day",
    ]
    assert set(KPIS) <= set(daily.columns)


# ---------------------------------------------------------------------- interruptions
class DyingExecutor:
    """Runs tasks in this thread, then breaks like a pool whose worker was killed."""

    def __init__(self, survive: int) -> None:
        self.survive = survive
        self._max_workers = 1

    def submit(self, fn, *args):
        future: cf.Future = cf.Future()
        if self.survive > 0:
            self.survive -= 1
            future.set_result(fn(*args))
        else:
            future.set_exception(BrokenProcessPool("a worker died"))
        return future


def test_a_broken_executor_stops_the_sweep_and_a_rerun_finishes_it(reference, tmp_path):
    with pytest.raises(SweepAborted, match="run the same command again"):
        sweep(small_sweep(), tmp_path, executor=DyingExecutor(5), progress=False)
    assert len(ResultsStore(tmp_path).status()) == 5
    report = sweep(small_sweep(), tmp_path, executor=DyingExecutor(100), progress=False)
    assert (report.skipped, report.completed) == (5, 7)
    assert sorted(os.listdir(tmp_path / "runs")) == sorted(
        f"{r.run_id}.parquet" for r in small_sweep().runs()
    )
    pd.testing.assert_frame_equal(numbers(load_results(tmp_path)), numbers(reference))


def test_ctrl_c_keeps_what_finished(reference, tmp_path, monkeypatch):
    execute, calls = workers.execute, []

    def interrupted(task):
        calls.append(task)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return execute(task)

    monkeypatch.setattr(workers, "execute", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sweep(small_sweep(), tmp_path, jobs=1, progress=False)
    monkeypatch.undo()
    assert len(ResultsStore(tmp_path).status()) == 3
    assert sweep(small_sweep(), tmp_path, jobs=1, progress=False).completed == 9
    pd.testing.assert_frame_equal(numbers(load_results(tmp_path)), numbers(reference))


@pytest.mark.slow
def test_a_killed_command_resumes_where_it_stopped(tmp_path):
    sweep_file = tmp_path / "sweep.toml"
    sweep_file.write_text(
        '[sweep]\ndesign = "grid"\nreplicates = 15\nseed = 3\nkpis = ["fans", "nps"]\n'
        '[base]\ngraph.n = 200\nrun.days = 10\n[parameters]\n"wom.negativity" = [1.0, 2.0]\n'
    )
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from socialsim.cli import main; main()", "sweep"]
    process = subprocess.Popen(
        [*command, str(sweep_file), "--out", str(out), "--jobs", "1", "--quiet"]
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if (out / "manifest.json").is_file() and len(ResultsStore(out).status()) >= 5:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)  # no chance to tidy up
    finally:
        process.wait()
    stored_before = len(ResultsStore(out).status())
    assert 5 <= stored_before < 30
    result = CliRunner().invoke(main, ["sweep", str(sweep_file), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert f"{stored_before} already stored" in result.output
    runs = load_results(out)
    assert len(runs) == 30 and runs["run_id"].is_unique and (runs["status"] == "ok").all()
    assert not [name for name in os.listdir(out / "runs") if not name.endswith(".parquet")]


# ---------------------------------------------------------------------- failures
def test_a_failing_run_is_recorded_and_retried(reference, tmp_path, monkeypatch):
    class Flaky(EngagementModel):
        def __init__(self, scenario, **kwargs):
            if scenario.wom.negativity == reference["wom.negativity"].iloc[2]:
                raise RuntimeError("flaky\nrun")
            super().__init__(scenario, **kwargs)

    monkeypatch.setattr(workers, "EngagementModel", Flaky)
    report = sweep(small_sweep(), tmp_path, jobs=1, progress=False)
    assert (report.completed, report.failed) == (10, 2)
    failed = load_results(tmp_path).query("status == 'failed'")
    assert failed["error"].unique().tolist() == ["RuntimeError: flaky run"]
    assert failed["traceback"].str.contains("Traceback").all() and failed["fans"].isna().all()

    monkeypatch.undo()
    assert sweep(small_sweep(), tmp_path, jobs=1, progress=False).skipped == 12  # kept as failed
    report = sweep(small_sweep(), tmp_path, jobs=1, retry_failed=True, progress=False)
    assert (report.skipped, report.completed, report.failed) == (10, 2, 0)
    assert len(os.listdir(tmp_path / "runs")) == 12
    pd.testing.assert_frame_equal(numbers(load_results(tmp_path)), numbers(reference))


def test_a_lost_execution_is_recorded_as_failed(tmp_path):
    class Losing:
        _max_workers = 1

        def submit(self, fn, *args):
            future: cf.Future = cf.Future()
            future.set_exception(OSError("worker lost"))
            return future

    report = sweep(
        small_sweep(samples=2, replicates=1), tmp_path, executor=Losing(), progress=False
    )
    assert report.failed == 2
    assert load_results(tmp_path)["error"].tolist() == ["OSError: worker lost"] * 2


# ---------------------------------------------------------------------- the store
def test_a_store_refuses_another_sweep_and_foreign_folders(tmp_path):
    sweep(small_sweep(samples=2, replicates=1), tmp_path / "a", jobs=1, progress=False)
    with pytest.raises(ConfigError, match=r"'out'.*sweep.samples was 2, now 3"):
        sweep(small_sweep(samples=3, replicates=1), tmp_path / "a", jobs=1, progress=False)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="a new or empty folder"):
        sweep(small_sweep(), tmp_path / "b", jobs=1, progress=False)


def test_a_store_refuses_a_sweep_whose_base_follows_another_policy_object(tmp_path):
    def policy_sweep(policy: Policy | None) -> Sweep:
        base = SMALL.replace({"run.days": 5})
        base = base if policy is None else base.with_policy(policy)
        return Sweep({"wom.negativity": [1.0, 2.0]}, scenario=base, kpis=KPIS)

    sweep(policy_sweep(AnswerAll(answer=False)), tmp_path, jobs=1, progress=False)
    changes = {
        "base_policy.parameters.answer was False, now True": AnswerAll(answer=True),
        "base_policy.class was 'test_compare_resume:AnswerAll', now '(unset)'": None,
    }
    for change, policy in changes.items():
        with pytest.raises(ConfigError, match=re.escape(f"It holds a different sweep ({change}")):
            sweep(policy_sweep(policy), tmp_path, jobs=1, progress=False)
    # An equal policy, built anew (as a new process would), finds its runs stored.
    report = sweep(policy_sweep(AnswerAll(answer=False)), tmp_path, jobs=1, progress=False)
    assert (report.skipped, report.completed) == (2, 0)


def test_a_store_is_written_by_one_sweep_at_a_time(tmp_path):
    spec = small_sweep(samples=2, replicates=1)
    with (
        runner_module.open_store(spec, tmp_path),
        pytest.raises(ConfigError, match="no other sweep or comparison is writing"),
    ):
        sweep(spec, tmp_path, jobs=1, progress=False)


def test_a_store_passed_to_a_study_must_be_held_open_for_it(tmp_path):
    spec, other = small_sweep(samples=2, replicates=1), small_sweep(samples=3, replicates=1)
    study = runner_module.Study.of_sweep(spec)
    with runner_module.open_store(spec, tmp_path) as store:
        with pytest.raises(ValueError, match="held open by open_store for this sweep"):
            runner_module.run_study(runner_module.Study.of_sweep(other), store, jobs=1)
        assert store.status() == {}
        report = runner_module.run_study(study, store, jobs=1, progress=False)
        assert report.completed == 2 and store.holds("sweep", spec.to_dict())
    assert not store.holds("sweep", spec.to_dict())  # its lock is let go
    for unheld in (store, ResultsStore(tmp_path)):
        with pytest.raises(ValueError, match="its block has ended"):
            runner_module.run_study(study, unheld, jobs=1, retry_failed=True)


def test_of_two_sweeps_started_at_once_into_one_new_folder_the_second_changes_nothing(
    tmp_path, monkeypatch
):
    """The manifest is checked and written while the store's lock is held: a second sweep that
    arrives while the first is creating the store fails and leaves it as the first made it."""
    first, second = small_sweep(samples=2, replicates=1), small_sweep(samples=3, replicates=1)
    creating, go_on = threading.Event(), threading.Event()
    write = store_module.write_bytes

    def slow_manifest(path, data):
        if path.name == "manifest.json" and threading.current_thread() is not main:
            creating.set()
            go_on.wait(30)
        write(path, data)

    main = threading.current_thread()
    monkeypatch.setattr(store_module, "write_bytes", slow_manifest)
    winner = threading.Thread(
        target=sweep, args=(first, tmp_path), kwargs={"jobs": 1, "progress": False}
    )
    winner.start()
    try:
        assert creating.wait(30)
        with pytest.raises(ConfigError, match="no other sweep or comparison is writing") as caught:
            sweep(second, tmp_path, jobs=1, progress=False)
        assert ONE_LINE.match(str(caught.value))
        assert not (tmp_path / "manifest.json").exists()  # the loser wrote nothing
    finally:
        go_on.set()
        winner.join()
    store = ResultsStore(tmp_path)
    assert store.manifest["sweep"]["sweep"]["samples"] == 2
    assert sorted(store.status()) == [run.run_id for run in first.runs()]


@pytest.mark.slow
def test_the_command_holds_its_store_from_its_check_to_its_last_run(tmp_path, monkeypatch):
    """Resuming a store started by another version says so once, while the command holds the
    store: another process that tries the store then (as it may while a terminal is slow to
    take the warning) is refused, instead of slipping in between the command's check and its
    runs and making the command fail on its own store."""
    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text(
        '[sweep]\ndesign = "grid"\nkpis = ["fans"]\n[base]\ngraph.n = 200\nrun.days = 5\n'
        '[parameters]\n"wom.negativity" = [1.0, 2.0]\n'
    )
    out = tmp_path / "o"
    command = ["sweep", str(sweep_file), "--out", str(out), "-j", "1", "--quiet"]
    assert CliRunner().invoke(main, command).exit_code == 0
    stamp = f'"socialsim": "{__version__}"'
    (out / "manifest.json").write_text(
        (out / "manifest.json").read_text().replace(stamp, '"socialsim": "0.0.1"')
    )
    (out / "runs" / "p000001-r00.parquet").unlink()  # one run left to add
    tries = []
    echo = click.echo

    def echo_and_try_the_store(message=None, *args, **kwargs):
        if "was started with socialsim" in str(message):
            try:
                with runner_module.open_store(Sweep.from_toml(sweep_file), out):
                    tries.append("got in")
            except ConfigError as error:
                tries.append(str(error))
        echo(message, *args, **kwargs)

    monkeypatch.setattr(click, "echo", echo_and_try_the_store)
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert result.output.count("was started with socialsim 0.0.1") == 1
    assert len(tries) == 1 and "no other sweep or comparison is writing" in tries[0]
    assert load_results(out)["status"].tolist() == ["ok", "ok"]


@pytest.mark.slow
def test_concurrent_sweep_commands_into_one_new_folder(tmp_path):
    """Two commands with different sweep files at once: one exits 0, the other exits 2 with
    one line, and the store holds the winner's manifest and only the winner's runs."""
    command = [sys.executable, "-c", "from socialsim.cli import main; main()", "sweep"]
    files = []
    for levels in ("[1.0, 2.0]", "[1.5, 2.5, 3.0]"):
        files.append(tmp_path / f"{len(files)}.toml")
        files[-1].write_text(
            f'[sweep]\ndesign = "grid"\nkpis = ["fans"]\n[base]\ngraph.n = 200\nrun.days = 5\n'
            f'[parameters]\n"wom.negativity" = {levels}\n'
        )
    for attempt in range(3):
        out = tmp_path / f"out{attempt}"
        processes = [
            subprocess.Popen(
                [*command, str(f), "--out", str(out), "-j", "1", "--quiet"],
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in files
        ]
        codes = [p.wait(120) for p in processes]
        assert sorted(codes) == [0, 2], codes
        loser = processes[codes.index(2)].stderr.read().strip().splitlines()
        assert len(loser) == 1 and loser[0].startswith("Error: The 'out' parameter must be ")
        winner = Sweep.from_toml(files[codes.index(0)])
        assert ResultsStore(out).manifest["sweep"]["parameters"] == winner.to_dict()["parameters"]
        runs = load_results(out)
        assert runs["wom.negativity"].tolist() == winner.design.values["wom.negativity"].tolist()
        for p in processes:
            p.stderr.close()


def test_leftovers_of_a_killed_writer_are_tidied(tmp_path):
    spec = small_sweep(samples=2, replicates=1)
    with runner_module.open_store(spec, tmp_path) as store:
        (tmp_path / "runs" / ".p000000-r00.parquet.123.tmp").write_bytes(b"half a file")
        assert store.status() == {}
    sweep(spec, tmp_path, jobs=1, progress=False)
    assert sorted(os.listdir(tmp_path / "runs")) == ["p000000-r00.parquet", "p000001-r00.parquet"]


# ---------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("parameters", "settings", "message"),
    [
        (
            {"wom.negatvity": [1.0]},
            {},
            r"'parameters.wom.negatvity'.*Did you mean 'wom.negativity'",
        ),
        ({"run.seed": [1, 2]}, {}, r"'parameters.run.seed'.*left out"),
        ({"graph.kind": {"low": 0, "high": 1}}, {}, r"'parameters.graph.kind'.*a list of levels"),
        ({"wom.negativity": [1.0, 11.0]}, {}, r"'wom.negativity'.*\[0, 10\]\. Got 11.0.*levels"),
        ({"graph.n": {"low": 1, "high": 5}}, {}, r"'graph.n'.*\[2, 2147483647\]\. Got 1 .*low end"),
        ({"wom.negativity": [1.0]}, {"design": "factorial"}, r"'sweep.design'"),
        ({"wom.negativity": [1.0]}, {"replicates": 0}, r"'sweep.replicates'.*\[1, 1000000\]"),
        ({"wom.negativity": [1.0]}, {"seeds": "shared"}, r"'sweep.seeds'"),
        ({"wom.negativity": [1.0]}, {"kpis": ["nsp"]}, r"'sweep.kpis'.*Did you mean 'nps'"),
        ({"wom.negativity": [1.0]}, {"repilcates": 2}, r"'sweep.repilcates'.*'replicates'"),
        ({}, {}, r"'parameters'.*at least one"),
        # settings the design does not read are refused, not ignored
        ({"wom.negativity": [1.0]}, {"samples": 50}, r"'sweep.samples'.*'grid'.*Got 50 "),
        (
            {"wom.negativity": {"low": 0, "high": 1}},
            {"design": "lhs", "second_order": False},
            r"'sweep.second_order'.*'lhs' \(only saltelli reads it\)",
        ),
        (
            {"wom.negativity": {"low": 0, "high": 1}},
            {"design": "saltelli", "samples": 4, "num_levels": 6},
            r"'sweep.num_levels'.*'saltelli' \(only morris reads it\)\. Got 6 ",
        ),
        (
            {"team.staff": {"low": 0, "high": 2, "num": 5}},
            {},
            r"'parameters.team.staff.num'.*distinct.*Got 5 .*round to 3 distinct integers",
        ),
    ],
)
def test_bad_sweeps_fail_in_one_line(parameters, settings, message):
    with pytest.raises(ConfigError, match=message) as caught:
        Sweep(parameters, scenario=SMALL, **settings)
    assert ONE_LINE.match(str(caught.value))


def test_numpy_levels_and_range_ends_are_taken_as_python_numbers():
    spec = Sweep(
        {
            "team.staff": [np.int64(1), np.int64(2)],
            "wom.negativity": {"low": np.float32(0.5), "high": np.int64(3)},
        },
        scenario=SMALL,
        design="lhs",
        samples=4,
    )
    assert spec.parameters["team.staff"].values == (1, 2)
    assert spec.design.values.dtypes.astype(str).tolist() == ["int64", "float64"]
    record = json.loads(json.dumps(spec.to_dict()))  # the store's manifest is JSON
    assert record["parameters"] == {
        "team.staff": [1, 2],
        "wom.negativity": {"low": 0.5, "high": 3},
    }


def test_a_bad_combination_is_caught_at_its_design_point():
    scenario = SMALL.replace({"graph.kind": "watts_strogatz", "graph.k": 4})
    with pytest.raises(ConfigError, match=r"at design point \d"):
        Sweep({"graph.n": [5, 50], "graph.k": [4, 6]}, scenario=scenario, design="grid")


def test_sweep_files_read_quoted_and_dotted_keys_and_a_base_scenario(tmp_path):
    (tmp_path / "base.toml").write_text("[graph]\nn = 300\n")
    (tmp_path / "s.toml").write_text(
        '[sweep]\ndesign = "grid"\nscenario = "base.toml"\n[base]\nrun.days = 7\n'
        '[parameters]\n"wom.negativity" = [1, 2]\nchurn.sensitivity = { low = 0, high = 1, num = 3 }\n'
    )
    spec = Sweep.from_toml(tmp_path / "s.toml")
    assert (
        spec.design.n_points == 6 and spec.scenario.graph.n == 300 and spec.scenario.run.days == 7
    )
    assert list(spec.parameters) == ["wom.negativity", "churn.sensitivity"]
    (tmp_path / "t.toml").write_text('[swep]\ndesign = "grid"\n')
    with pytest.raises(ConfigError, match="Did you mean 'sweep'"):
        Sweep.from_toml(tmp_path / "t.toml")


# ---------------------------------------------------------------------- the command
def test_the_command_runs_resumes_and_reports_failures(tmp_path):
    (tmp_path / "bad.txt").write_text("a b c d\n")  # exists, so only running it fails
    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text(
        '[sweep]\ndesign = "grid"\nkpis = ["fans"]\n'
        '[base]\ngraph.n = 200\nrun.days = 10\ngraph.path = "bad.txt"\n'
        '[parameters]\n"graph.kind" = ["barabasi_albert", "file"]\n'
    )
    invoke = CliRunner().invoke
    result = invoke(main, ["sweep", str(sweep_file), "--out", str(tmp_path / "o"), "--jobs", "1"])
    assert result.exit_code == 1
    assert "1 runs failed" in result.output and "--retry-failed" in result.output
    result = invoke(
        main, ["sweep", str(sweep_file), "--out", str(tmp_path / "o"), "--retry-failed", "-j", "1"]
    )
    assert result.exit_code == 1 and "1 already stored" in result.output
    runs = load_results(tmp_path / "o")
    assert runs["status"].tolist() == ["ok", "failed"]
    assert "bad.txt, line 1" in runs["error"].iloc[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jobs", "0"], "The 'jobs' parameter must be an int >= 1. Got 0 instead."),
        (["--scheduler", "nonsense://x"], "The '--scheduler' option must be the address"),
        (["--scheduler", "tcp://h:1", "--jobs", "2"], "The '--jobs' option must be left out"),
    ],
)
def test_bad_options_fail_in_one_line(tmp_path, args, message):
    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text('[parameters]\n"wom.negativity" = [1.0]\n[base]\ngraph.n = 200\n')
    result = CliRunner().invoke(
        main, ["sweep", str(sweep_file), "--out", str(tmp_path / "o"), *args]
    )
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_bad_sweep_file_fails_in_one_line(tmp_path):
    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text('[parameters]\n"wom.negativity" = { low = 3, high = 1 }\n')
    result = CliRunner().invoke(main, ["sweep", str(sweep_file), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: The 'parameters.wom.negativity' parameter must be a range with low < high. "
        "Got {'low': 3, 'high': 1} instead."
    ]


# ---------------------------------------------------------------------- mesa.batch_run
def test_the_model_works_with_mesa_batch_run():
    results = mesa.batch_run(
        EngagementModel,
        parameters={"scenario": SMALL, "wom.negativity": [0.5, 3.0]},
        rng=[1, 2],
        max_steps=20,
        number_processes=1,
        display_progress=False,
    )
    frame = pd.DataFrame(results)
    assert len(frame) == 4 and set(frame["Step"]) == {20}
    row = frame.query("`wom.negativity` == 3.0 and rng == 2").iloc[0]
    model = EngagementModel(SMALL.replace({"wom.negativity": 3.0}), rng=2)
    model.run()
    assert row["fans"] == model.kpis()["fans"].iloc[-1]
