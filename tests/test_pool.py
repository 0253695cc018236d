"""The studies' process pools: each worker starts with the model and its compiled kernels loaded,
and a script that would start a study in every worker is told to guard it."""

from __future__ import annotations

import importlib.util
import inspect
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
import types
from concurrent.futures.process import BrokenProcessPool

import pytest
from numba.core.registry import CPUDispatcher

from socialsim import Scenario, Sweep, sweep
from socialsim.studies import workers
from socialsim.studies.workers import pool_context, process_pool

KERNELS = {
    "socialsim.brand.compiled_front.early_warning_day",
    "socialsim.brand.compiled_front.listening_heard",
    "socialsim.brand.compiled_triage.triage_items",
    "socialsim.brand.compiled_triage.triage_listed",
    "socialsim.brand.compiled_triage.triage_queued",
    "socialsim.brand.compiled_back.replies_due",
    "socialsim.chance.arrivals_events",
    "socialsim.fans.depth.depth_day",
    "socialsim.brand.compiled_back.costs_labels",
    "socialsim.brand.compiled_back.onlookers_day",
    "socialsim.brand.compiled_back.replies_day",
    "socialsim.brand.compiled_work.work_day",
    "socialsim.fans.escalation.escalation_reached",
    "socialsim.fans.escalation.escalation_reshares",
    "socialsim.fans.advocacy.advocacy_drawn",
    "socialsim.fans.advocacy.defence_felt",
    "socialsim.fans.advocacy.help_given",
    "socialsim.fans.advocacy.praise_seen_felt",
    "socialsim.fans.churn.churn_fans",
    "socialsim.fans.churn.churn_leave",
    "socialsim.fans.experiences.experiences_outcomes",
    "socialsim.fans.experiences.experiences_uniforms",
    "socialsim.fans.loyalty._fade",
    "socialsim.fans.recruitment.recruitment_cascade",
    "socialsim.fans.recruitment.recruitment_drawn",
    "socialsim.fans.word_of_mouth.word_of_mouth_day",
    "socialsim.interactions.interactions_append",
    "socialsim.kpis.state._tally",
    "socialsim.network.csr.arcs_of",
    "socialsim.network.generators.barabasi_albert_far_ends",
    "socialsim.network.csr.csr_rows",
    "socialsim.network.csr.distinct_of",
    "socialsim.network.csr.sums_of",
}


def compiled() -> dict[str, int]:
    """How many compiled versions each of socialsim's kernels holds in this process."""
    return {
        f"{name}.{attribute}": len(value.signatures)
        for name, module in list(sys.modules.items())
        if name.startswith("socialsim")
        for attribute, value in vars(module).items()
        if isinstance(value, CPUDispatcher)
    }


def test_the_preload_loads_every_kernel_a_run_uses():
    # In a fresh interpreter: after the preload, a run of the default scenario (every process
    # on) loads no kernel, and no new version of one, that the preload did not.
    probe = (
        "import json, sys\nfrom numba.core.registry import CPUDispatcher\n"
        f"{inspect.getsource(compiled)}\n"
        "import socialsim.studies.preload\nfrom socialsim import EngagementModel, Scenario\n"
        "before = compiled()\n"
        "EngagementModel(Scenario().replace({'graph.n': 2000}), rng=3).run(days=30)\n"
        "print(json.dumps([before, compiled()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    before, after = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(before) >= KERNELS
    assert all(before[name] > 0 for name in KERNELS), before  # (helpers they call: inlined)
    assert after == before


def test_a_new_worker_has_the_kernels_loaded_before_its_first_task():
    with process_pool(1) as pool:
        loaded = pool.submit(compiled).result()
    assert set(loaded) >= KERNELS
    if pool_context().get_start_method() == "forkserver":
        assert all(loaded[name] > 0 for name in KERNELS), loaded


# ---------------------------------------------------------------------- a script's guard
SCRIPT = """\
import socialsim
from socialsim import Experiment, Scenario

def main():
    experiment = Experiment(
        {"ignore": {"policy.name": "ignore"}, "answer": {"policy.name": "negatives-first"}},
        base=Scenario().replace({"graph.n": 200}), days=2, replicates=2, kpis=("nps",))
    result = socialsim.compare(experiment, jobs=2, progress=False, out=OUT)
    print("compared", len(result.per_run()))

"""


def test_a_study_started_while_a_worker_imports_the_script_says_so_before_its_store(
    monkeypatch, tmp_path
):
    # What a pool's worker is while it imports the script again (multiprocessing's own flag).
    monkeypatch.setattr(multiprocessing.current_process(), "_inheriting", True, raising=False)
    spec = Sweep({"wom.negativity": [1.0]}, scenario=Scenario().replace({"graph.n": 200}))
    guard = 'put the study under `if __name__ == "__main__":`'
    for start in (
        lambda: sweep(spec, tmp_path / "sweep", jobs=2, progress=False),
        pool_context,
    ):
        with pytest.raises(RuntimeError, match=re.escape(guard)):
            start()
    assert not (tmp_path / "sweep").exists()  # its parent holds it: never reached
    # A study run in the worker itself starts no pool: a script's unguarded pilot goes on.
    sweep(spec, tmp_path / "pilot", jobs=1, progress=False)
    assert (tmp_path / "pilot" / "manifest.json").is_file()
    monkeypatch.undo()
    pool_context()  # this process itself is not a worker


def test_a_study_whose_script_is_not_a_file_says_so_before_its_store(monkeypatch, tmp_path):
    # A script read from standard input: workers would run "<stdin>" again, and could not.
    piped = types.ModuleType("__main__")
    piped.__file__, piped.__spec__ = "<stdin>", None
    monkeypatch.setitem(sys.modules, "__main__", piped)
    spec = Sweep({"wom.negativity": [1.0]}, scenario=Scenario().replace({"graph.n": 200}))
    said = "The main script, '<stdin>', is not a file"
    for start in (
        lambda: sweep(spec, tmp_path / "sweep", jobs=2, progress=False),
        pool_context,
    ):
        with pytest.raises(RuntimeError, match=re.escape(said)) as error:
            start()
        assert "(jobs=1, --jobs 1)" in str(error.value)
    assert not (tmp_path / "sweep").exists()
    sweep(spec, tmp_path / "here", jobs=1, progress=False)  # run in this process: no pool
    assert (tmp_path / "here" / "manifest.json").is_file()
    # A script run from its file, relative to where the process started, is one.
    piped.__file__ = os.path.relpath(__file__, multiprocessing.process.ORIGINAL_DIR)
    pool_context()
    piped.__spec__ = importlib.util.find_spec("socialsim")  # python -m: imported by name
    piped.__file__ = "<gone>"
    pool_context()


def test_a_pool_is_blamed_on_the_script_only_before_any_run_came_back(monkeypatch):
    # Whatever the script, a pool that delivered a run and then lost a worker (killed, out of
    # memory) was not broken by a missing guard: the study is told to run again instead.
    monkeypatch.setattr(workers, "unguarded_script", lambda: "the guard")
    with workers.StudyPool(1, mp_context=pool_context()) as pool:
        assert pool.broke_on_the_script() == "the guard"  # nothing came back yet
        worker = pool.submit(os.getpid).result()
        assert pool.broke_on_the_script() is None
        running = pool.submit(time.sleep, 60)
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            running.result(timeout=60)
        assert pool.broke_on_the_script() is None


@pytest.mark.slow
@pytest.mark.parametrize("guarded", [False, True], ids=["unguarded", "guarded"])
def test_a_script_that_starts_a_study_unguarded_is_told_to_guard_it(tmp_path, guarded):
    script = tmp_path / "study.py"
    call = 'if __name__ == "__main__":\n    main()\n' if guarded else "main()\n"
    script.write_text(f"OUT = {str(tmp_path / 'out')!r}\n{SCRIPT}{call}")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )
    if guarded:
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[-1] == "compared 4"
        return
    line = SCRIPT.count("\n") + 2  # main(), after OUT and the script
    assert result.returncode == 1
    # The script's own traceback ends in what to do, said where it ran: not "run it again".
    assert result.stderr.strip().splitlines()[-1] == (
        "socialsim.studies.workers.SweepAborted: The worker processes stopped as they "
        f"started: {script}, line {line}, starts this study outside "
        '`if __name__ == "__main__":`. A process pool\'s workers import the script that '
        "started them (as __mp_main__, to find its functions), which runs every line at its "
        'top level: put the study under `if __name__ == "__main__":` so that only the script '
        "itself runs it."
    )
    assert f"RuntimeError: The script {script}, line {line}, started a study in a worker" in (
        result.stderr
    )
    assert "bootstrapping phase" not in result.stderr  # multiprocessing's obscure one


@pytest.mark.slow
def test_a_guarded_script_read_from_standard_input_is_told_to_save_it(tmp_path):
    call = 'if __name__ == "__main__":\n    main()\n'
    result = subprocess.run(
        [sys.executable, "-"],
        input=f"OUT = {str(tmp_path / 'out')!r}\n{SCRIPT}{call}",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("RuntimeError: The main script, '<stdin>', is not a file")
    )
    assert "BrokenProcessPool" not in result.stderr
    assert not (tmp_path / "out").exists()
