"""Policies as code: the protocol, the presets through it, adaptive blocks, custom policies on
every runner, and what a policy can and cannot see.

Strategies compared in one test share their seeds (common random numbers).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import pickle
import re
import sys
import types
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from socialsim import EngagementModel, Experiment, Scenario, Sweep, compare, load_results, sweep
from socialsim.brand import agent, observation
from socialsim.brand.care_team import Queue
from socialsim.brand.observation import HISTORY, Items, Observation, TeamView, items_of
from socialsim.brand.policies import (
    CrisisSwitch,
    Decision,
    Hire,
    Policy,
    Surge,
    WithinSLA,
    by_path,
    describe,
    preset,
)
from socialsim.brand.policy import PRESETS
from socialsim.constraints import ConfigError
from socialsim.posts import PostKind

SMALL = Scenario().replace({"graph.n": 1500, "run.days": 25})
# A team far too small for the day's posts (4 reply slots a day for more flagged items), so
# that the order of the queue matters: one frontline person and no experts, who does not skim
# when overloaded (the queue builds up instead).
OVERLOADED = {
    "graph.n": 3000,
    "team.staff": 1,
    "team.experts": 0,
    "team.reply_minutes": 120.0,
    "team.triage_minutes": 120.0,
    "team.thanks_minutes": 120.0,
    "team.overload_errors": 0.0,
}


# The ten-line custom policy of the acceptance criteria.
class LoudComplaintsFirst(Policy):
    """Answer everything; complaints from authors with a large audience first."""

    name = "loud-complaints-first"

    def __init__(self, audience: int = 20) -> None:
        self.audience = audience

    def decide(self, seen):
        items = seen.items
        loud = (items.label == PostKind.COMPLAINT) & (items.audience >= self.audience)
        return Decision(priority=np.where(loud, 0.0, 1.0))


def kpis(scenario: Scenario, seed: int = 3, **kwargs) -> pd.DataFrame:
    model = EngagementModel(scenario, rng=seed, **kwargs)
    model.run()
    return model.kpis()


# --------------------------------------------------------------------- presets through the protocol
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_preset_gives_the_same_numbers_as_an_object_and_as_settings(name):
    scenario = SMALL.replace(OVERLOADED)
    from_settings = kpis(scenario.replace({"policy.name": name}))
    pd.testing.assert_frame_equal(kpis(scenario, policy=preset(name)), from_settings)
    pd.testing.assert_frame_equal(kpis(scenario.with_policy(preset(name))), from_settings)
    pd.testing.assert_frame_equal(kpis(scenario, policy=name), from_settings)


class NegativesFirstByHand:
    """Negatives-first written as a user would, one item at a time (no Policy base class)."""

    def decide(self, seen):
        keys = [0.0 if label == PostKind.COMPLAINT else 1.0 for label in seen.items.label]
        return Decision(priority=np.array(keys))


def test_a_hand_written_policy_matches_the_preset_it_copies():
    scenario = SMALL.replace(OVERLOADED)
    pd.testing.assert_frame_equal(
        kpis(scenario, policy=NegativesFirstByHand()),
        kpis(scenario.replace({"policy.name": "negatives-first"})),
    )
    assert describe(EngagementModel(SMALL, policy=NegativesFirstByHand()).policy) == {
        "name": "negatives-first-by-hand",
        "class": "test_policies:NegativesFirstByHand",
    }


def test_adaptive_settings_build_the_same_policy_as_the_objects():
    settings = {
        "policy.name": "engaged-first",
        "policy.crisis_factor": 2.0,
        "policy.sla_hours": 4.0,
        "policy.surge_staff": 2,
        "policy.surge_backlog": 30,
        "policy.surge_lag_days": 1,
        "policy.surge_days": 3,
    }
    scenario = SMALL.replace(OVERLOADED)
    built = Surge(
        WithinSLA(CrisisSwitch(preset("engaged-first"), factor=2.0), hours=4.0),
        staff=2,
        backlog=30,
        lag_days=1,
        days=3,
    )
    model = EngagementModel(scenario.replace(settings), rng=3)
    assert model.policy == built
    model.run()
    pd.testing.assert_frame_equal(model.kpis(), kpis(scenario, policy=built))


def test_a_decision_that_breaks_the_protocol_fails_in_one_line_naming_the_policy():
    class Broken(Policy):
        name = "broken"

        def __init__(self, decision):
            self.decision = decision

        def decide(self, seen):
            return self.decision

    run = EngagementModel(SMALL, rng=1, policy=Broken(Decision(priority=np.zeros(3))))
    with pytest.raises(ValueError, match=r"'priority' decision of policy 'broken' must be a"):
        run.run(days=2)
    with pytest.raises(
        ValueError, match=r"'priority' decision of policy 'nan-keys' must be a sort"
    ):
        EngagementModel(SMALL, rng=1, policy=NanKeys()).run(days=2)
    with pytest.raises(ValueError, match=r"'contacts' decision of policy 'broken' must be an int"):
        EngagementModel(SMALL, rng=1, policy=Broken(Decision(contacts=-2))).step()
    with pytest.raises(TypeError, match=r"policy 'broken' must return a Decision"):
        EngagementModel(SMALL, rng=1, policy=Broken({"answer": True})).step()


class NanKeys:
    def decide(self, seen):
        return Decision(priority=np.full(len(seen.items), np.nan))


class Counting(Policy):
    """A policy with state: it answers nothing after its first ten days."""

    def __init__(self) -> None:
        self.days = 0

    def decide(self, seen):
        self.days += 1
        return Decision(answer=self.days <= 10)


def test_a_policys_state_never_passes_from_one_run_to_the_next():
    policy = Counting()
    first, second = kpis(SMALL, policy=policy), kpis(SMALL, policy=policy)
    pd.testing.assert_frame_equal(first, second)
    assert policy.days == 0  # each run worked on its own copy
    assert first["responses_complaint"].iloc[15:].sum() == 0


# --------------------------------------------------------------------- adaptive blocks
def test_surge_staff_cost_only_on_the_days_they_work_after_the_lag():
    team = SMALL.team
    policy = Surge(preset("respond-all"), staff=3, backlog=25, lag_days=2, days=4)
    daily = kpis(SMALL.replace(OVERLOADED), policy=policy).iloc[1:]
    backlog, staff = daily["backlog"].to_numpy(), daily["staff_on_duty"].to_numpy()
    # Replay the rule on the recorded backlog: on day d it sees the backlog day d - 1 left.
    expected, booked_until = np.ones(len(daily), int), 0
    for day in range(2, len(daily) + 1):
        if day > booked_until and backlog[day - 2] >= 25:
            expected[day - 1 + 2 : day - 1 + 6] += 3  # days d + 2 .. d + 5
            booked_until = day + 5
    assert expected.max() == 4 and expected.sum() > len(daily)  # it triggered
    np.testing.assert_array_equal(staff, expected[: len(daily)])
    hourly = team.hours_per_day * team.hourly_cost
    np.testing.assert_allclose(daily["staff_cost"], hourly * (1 + 3 * 1.5 * (staff > 1)))


def test_surge_on_caught_complaints_and_a_same_day_start():
    policy = Surge(preset("respond-all"), staff=2, backlog=0, complaints=1, lag_days=0, days=1)
    # rare enough that some days have no complaint to catch
    daily = kpis(SMALL.replace({"experiences.bad_rate": 0.01}), policy=policy).iloc[1:]
    surged = daily["staff_on_duty"].to_numpy() == SMALL.team.staff + 2
    # a one-day surge after each day with a caught complaint, never two bookings at once
    assert surged.any() and not surged.all()
    assert daily["staff_on_duty"].max() == SMALL.team.staff + 2


def seen_with(labels, arrival=None, waiting=None, history=()) -> Observation:
    """An observation made by hand: items with these labels, a record of caught complaints."""
    n = len(labels)
    items = items_of(
        label=np.array(labels, np.int8),
        tagged=np.zeros(n, np.bool_),
        arrival=np.array(arrival if arrival is not None else [10.0] * n),
        waiting=np.array(waiting if waiting is not None else [False] * n),
        key=np.full(n, np.nan),
        audience=np.arange(n, dtype=np.int64),
        interactions=np.zeros(n, np.int64),
        posts=np.ones(n, np.int64),
        last_engaged=np.full(n, -1, np.int32),
    )
    team = TeamView(2, 0, np.empty(0, np.int64), 160, 6.0, 8.0, 9.0, 72.0, 1.0)
    record = {name: np.zeros(len(history)) for name in HISTORY}
    record["flagged_complaint"] = np.array(history, float)
    return Observation(1, items, team, record)


def test_crisis_switch_orders_negatives_first_above_k_times_the_baseline():
    switch = CrisisSwitch(preset("respond-all"), factor=3.0, window=3)
    calm = seen_with([1, 0, 0, 0, 0, 0], history=[9, 2, 2, 2])
    assert not switch.in_crisis(calm)  # 5 complaints against 3 x 2
    assert np.all(switch.decide(calm).priority == 0)
    crisis = seen_with([1, 0, 0, 0, 0, 0, 0, 0], history=[9, 2, 2, 2])
    assert switch.in_crisis(crisis)  # 7 > 6
    assert switch.decide(crisis).priority.tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
    assert not switch.in_crisis(seen_with([0] * 8))  # no baseline yet


def test_within_sla_puts_due_items_first_by_deadline():
    # today is day 1, the shift ends at 17:00; a 4-hour service level
    sla = WithinSLA(preset("negatives-first"), hours=4.0)
    seen = seen_with([1, 0, 1, 0], arrival=[8.0, 15.0, 12.9, 13.5])
    assert sla.decide(seen).priority.tolist() == [-np.inf, 0.0, -np.inf, 0.0]


def test_adaptive_parameters_follow_their_settings_rules():
    with pytest.raises(
        ConfigError, match=r"'policy.surge_lag_days' parameter must be an int in \[0, 36500\]"
    ):
        Surge(preset("ignore"), staff=1, lag_days=-1)
    with pytest.raises(ConfigError, match="'policy.surge_backlog' parameter"):
        Scenario().replace({"policy.surge_staff": 2, "policy.surge_backlog": 0})
    with pytest.raises(ConfigError, match="'policy.crisis_order' parameter must be one of"):
        CrisisSwitch(preset("ignore"), order="loudest")
    with pytest.raises(ValueError, match="'hire.days' parameter must be an int >= 1"):
        Hire(2, days=0)


# --------------------------------------------------------------------- custom policies everywhere
def strategies() -> Experiment:
    return Experiment(
        {"fifo": {"policy.name": "respond-all"}, "loud": {"policy": LoudComplaintsFirst()}},
        base=SMALL.replace(OVERLOADED),
        days=15,
        replicates=2,
        kpis=("nps", "missed_complaints"),
    )


def test_a_custom_policy_runs_in_compare_on_a_process_pool_and_its_results_name_it():
    serial = compare(strategies(), jobs=1, progress=False)
    pooled = compare(strategies(), jobs=2, progress=False)
    pd.testing.assert_frame_equal(pooled.daily, serial.daily)
    assert pooled.policies["loud"]["name"] == "loud-complaints-first"
    assert pooled.policies["loud"]["parameters"] == {"audience": 20}
    assert pooled.policies["fifo"]["name"] == "respond-all"
    runs = pooled.per_run()
    assert set(runs.loc[runs["strategy"] == "loud", "policy"]) == {"loud-complaints-first"}
    assert not serial.daily.query("strategy == 'loud'")[["nps"]].equals(
        serial.daily.query("strategy == 'fifo'")[["nps"]]
    )


def policy_sweep() -> Sweep:
    base = SMALL.replace({**OVERLOADED, "run.days": 10}).with_policy(LoudComplaintsFirst())
    return Sweep({"listening.false_positive_rate": [0.25, 0.0]}, scenario=base, replicates=2)


def test_a_custom_policy_runs_in_a_sweep_on_a_pool_and_on_dask_and_every_run_records_it(
    tmp_path, dask_client
):
    sweep(policy_sweep(), tmp_path / "pool", jobs=2, progress=False)
    pooled = load_results(tmp_path / "pool")
    records = [json.loads(r) for r in pooled["policy"]]
    assert {r["name"] for r in records} == {"loud-complaints-first"}
    assert records[0]["class"] == "test_policies:LoudComplaintsFirst"
    sweep(policy_sweep(), tmp_path / "dask", executor=dask_client, progress=False)
    on_dask = load_results(tmp_path / "dask")
    columns = ["run_id", "policy", "nps", "missed_complaints"]
    pd.testing.assert_frame_equal(
        on_dask.sort_values("run_id")[columns].reset_index(drop=True),
        pooled.sort_values("run_id")[columns].reset_index(drop=True),
    )


def is_loud(items) -> np.ndarray:
    return items.audience > 20


class Threshold:
    """A helper object a policy holds: no repr of its own, so the default one has an address."""

    def __init__(self, audience: int = 20) -> None:
        self.audience = audience
        self._seen = 0  # private: not part of the record

    def loud(self, items) -> np.ndarray:
        return items.audience > self.audience


@dataclasses.dataclass
class Weights:
    complaint: float = 0.0
    helper: Threshold = dataclasses.field(default_factory=Threshold)


class WithHelpers(Policy):
    """Holds what a default repr would record with a memory address, and a set."""

    def __init__(self) -> None:
        self.rule = is_loud
        self.kind = Threshold
        self.threshold = Threshold(50)
        self.method = self.threshold.loud
        self.partial = functools.partial(is_loud)
        self.weights = Weights()
        self.labels = {"praise", "complaint", "need"}

    def decide(self, seen):
        return Decision(priority=np.where(self.rule(seen.items), 0.0, 1.0))


def test_a_policys_record_names_functions_classes_and_objects_without_a_memory_address():
    threshold = {"class": "test_policies:Threshold", "attributes": {"audience": 50}}
    assert describe(WithHelpers())["parameters"] == {
        "rule": "test_policies:is_loud",
        "kind": "test_policies:Threshold",
        "threshold": threshold,
        "method": {"method": "test_policies:Threshold.loud", "of": threshold},
        "partial": {"partial": "test_policies:is_loud", "args": [], "keywords": {}},
        "weights": {
            "class": "test_policies:Weights",
            "attributes": {
                "complaint": 0.0,
                "helper": {"class": "test_policies:Threshold", "attributes": {"audience": 20}},
            },
        },
        "labels": ["complaint", "need", "praise"],  # sorted: a set's order changes by process
    }


def test_an_object_met_again_in_a_policys_record_is_recorded_by_its_class_alone():
    policy = WithHelpers()
    policy.threshold.owner = policy
    owner = describe(policy)["parameters"]["threshold"]["attributes"]["owner"]
    # The policy itself is being recorded while its parameters are: met again, its class.
    assert owner == {"class": "test_policies:WithHelpers"}


def _against_fifo(policy: Policy) -> Experiment:
    """A small comparison of ``policy`` with the default one."""
    return Experiment(
        {"fifo": {}, "mine": {"policy": policy}},
        base=Scenario().replace({"graph.n": 200}),
        days=3,
        replicates=1,
        kpis=("nps",),
    )


def test_a_comparison_of_a_policy_holding_functions_and_objects_resumes_with_a_new_one(tmp_path):
    first_policy = WithHelpers()  # kept alive, so the new one's objects are at other addresses
    first = compare(_against_fifo(first_policy), out=tmp_path, jobs=1, progress=False)
    again = compare(_against_fifo(WithHelpers()), out=tmp_path, jobs=1, progress=False)
    pd.testing.assert_frame_equal(again.daily, first.daily)


class Holder(Policy):
    """A policy holding whatever it is given, for records."""

    def __init__(self, **values) -> None:
        for key, value in values.items():
            setattr(self, key, value)

    def decide(self, seen):
        return Decision()

    def score(self, items) -> np.ndarray:
        return items.audience


def record_of(value) -> object:
    """The record of a value a policy holds, as JSON read back (what a store compares)."""
    return json.loads(json.dumps(describe(Holder(value=value))["parameters"]["value"]))


def above(n: int):
    return lambda items: items.audience > n


class Slotted:
    __slots__ = ("_seen", "audience")

    def __init__(self, audience: int) -> None:
        self.audience, self._seen = audience, 0


def test_a_policy_that_refers_back_to_itself_is_recorded_by_its_class_where_it_does():
    own_method = Holder()
    own_method.key = own_method.score
    itself = Holder()
    itself.me = itself
    parent = Holder()
    parent.child = Holder(parent=parent)
    again = {"class": "test_policies:Holder"}
    assert describe(own_method)["parameters"] == {
        "key": {"method": "test_policies:Holder.score", "of": again}
    }
    assert own_method.describe()["parameters"]["key"]["of"] == again
    assert describe(itself)["parameters"] == {"me": again}
    assert describe(parent)["parameters"]["child"]["parameters"] == {"parent": again}


def test_a_policys_record_holds_a_generators_state_and_no_address():
    assert record_of(np.random.default_rng(1)) == record_of(np.random.default_rng(1))
    assert record_of(np.random.default_rng(1)) != record_of(np.random.default_rng(2))
    used = np.random.default_rng(1)
    used.random()
    assert record_of(used) != record_of(np.random.default_rng(1))
    assert record_of(np.random.default_rng(1))["class"] == "numpy.random._generator:Generator"
    lock = __import__("threading").Lock()
    assert record_of(lock) == {"class": "_thread:lock"}  # its repr holds an address
    assert "0x" not in json.dumps(record_of([np.random.default_rng(1), lock]))


def test_a_policys_record_tells_apart_values_that_a_repr_would_not():
    assert record_of(above(10)) == {
        "function": "test_policies:above.<locals>.<lambda>",
        "closure": [10],
        "defaults": None,
    }
    assert record_of(above(10)) != record_of(above(1000))
    assert record_of(is_loud) == "test_policies:is_loud"  # no closure: as before
    assert record_of(Slotted(1)) == {
        "class": "test_policies:Slotted",
        "attributes": {"audience": 1},
    }
    assert record_of(Slotted(1)) != record_of(Slotted(2))
    big, changed = np.arange(5000), np.arange(5000)
    changed[2500] = -1  # out of what a repr shows
    assert record_of(big) != record_of(changed)
    assert record_of(big) == record_of(np.arange(5000))
    assert record_of(big)["shape"] == [5000]
    assert record_of(np.arange(3.0)) != record_of(np.arange(3))
    long, other = pd.Series(np.arange(1000)), pd.Series(np.arange(1000))
    other[500] = -1
    assert record_of(long) != record_of(other)
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    shown = record_of(frame)
    with pd.option_context("display.precision", 1, "display.max_rows", 1):
        assert record_of(frame) == shown  # display options do not change it
    assert record_of(frame) != record_of(pd.DataFrame({"b": [1.0, 2.0]}))


def test_a_comparison_of_a_policy_holding_a_generator_resumes_with_a_new_one(tmp_path):
    class RandomOrder(Policy):
        def __init__(self, seed: int) -> None:
            self.rng = np.random.default_rng(seed)

        def decide(self, seen):
            return Decision(priority=self.rng.random(len(seen.items)))

    first_policy = RandomOrder(1)  # kept alive, so the new generator is at another address
    first = compare(_against_fifo(first_policy), out=tmp_path, jobs=1, progress=False)
    again = compare(_against_fifo(RandomOrder(1)), out=tmp_path, jobs=1, progress=False)
    pd.testing.assert_frame_equal(again.daily, first.daily)
    with pytest.raises(ConfigError, match="It holds a different comparison"):
        compare(_against_fifo(RandomOrder(2)), out=tmp_path, jobs=1, progress=False)


def test_a_policy_by_import_path_travels_as_its_path():
    reference = by_path("test_policies:LoudComplaintsFirst")
    assert b"LoudComplaintsFirst" in pickle.dumps(reference)
    assert len(pickle.dumps(reference)) < 200
    pd.testing.assert_frame_equal(
        kpis(SMALL, policy=pickle.loads(pickle.dumps(reference))),
        kpis(SMALL, policy=LoudComplaintsFirst()),
    )
    assert reference.describe()["path"] == "test_policies:LoudComplaintsFirst"
    assert EngagementModel(SMALL, policy="test_policies:LoudComplaintsFirst").policy.describe()[
        "name"
    ] == ("loud-complaints-first")


@pytest.fixture
def installed_policy(tmp_path, monkeypatch):
    """A package that registers a policy under the 'socialsim.policies' entry point group."""
    (tmp_path / "acme_policies.py").write_text(
        "from socialsim.brand.policies import Rules\n"
        "VIP = Rules(name='acme-vip', answer=('complaint',), order='influencers_first')\n"
    )
    info = tmp_path / "acme_policies-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-policies\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[socialsim.policies]\nacme-vip = acme_policies:VIP\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("acme_policies", None)


def test_a_file_names_a_registered_policy_but_never_a_module(installed_policy, tmp_path):
    scenario_file = tmp_path / "vip.toml"
    scenario_file.write_text('[graph]\nn = 400\n[policy]\nname = "acme-vip"\nsla_hours = 2.0\n')
    model = EngagementModel(Scenario.from_toml(scenario_file), rng=1)
    assert model.policy.describe()["parameters"]["base"]["name"] == "acme-vip"
    model.run(days=5)
    assert model.kpis()["responses_praise"].sum() == 0
    with pytest.raises(ConfigError, match="'policy.order' parameter must be left at 'fifo'"):
        Scenario().replace({"policy.name": "acme-vip", "policy.order": "negatives_first"})
    scenario_file.write_text('[policy]\nname = "acme_policies:VIP"\n')
    sys.modules.pop("acme_policies", None)
    with pytest.raises(ConfigError, match="A file never imports a module"):
        Scenario.from_toml(scenario_file)
    assert "acme_policies" not in sys.modules
    scenario_file.write_text('policy = "acme_policies:VIP"\n')
    with pytest.raises(ConfigError, match="'policy' parameter must be a policy object"):
        Scenario.from_toml(scenario_file)
    assert "acme_policies" not in sys.modules


# --------------------------------------------------------------------- what a policy sees
class Spy(Policy):
    """Answers everything first come, first served, and keeps every observation it gets."""

    def __init__(self) -> None:
        self.seen: list[Observation] = []

    def decide(self, seen):
        self.seen.append(seen)
        return Decision()


def walk(value, path="seen"):
    """Every (path, value) reachable from an observation through its fields and mappings."""
    yield path, value
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from walk(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from walk(item, f"{path}[{key!r}]")


def test_an_observation_holds_only_brand_visible_read_only_values():
    model = EngagementModel(SMALL.replace(OVERLOADED), rng=2, policy=Spy())
    spy = model.policy  # the model's own copy
    model.run(days=8)
    truth = [model.population, model.graph, model.scenario, model.brand]
    owned = [getattr(model.population, f.name) for f in dataclasses.fields(model.population)]
    for seen in spy.seen[-3:]:
        assert {f.name for f in dataclasses.fields(Items)} == {
            "label",
            "tagged",
            "arrival",
            "waiting",
            "key",
            "audience",
            "interactions",
            "posts",
            "last_engaged",
        }
        for path, value in walk(seen):
            name = path.rsplit(".", 1)[-1].lower()
            truths = ("kind", "author", "loyalty", "false", "real", "complex")
            assert not any(w in name for w in truths)
            assert not any(value is t for t in truth), path
            assert isinstance(
                value, np.ndarray | int | float | str | Mapping | Observation | Items | TeamView
            ), path
            if isinstance(value, np.ndarray):
                assert not value.flags.writeable, path
                assert not any(np.may_share_memory(value, array) for array in owned), path
        with pytest.raises(dataclasses.FrozenInstanceError):
            seen.items = None  # type: ignore[misc]
        with pytest.raises(TypeError):
            seen.history["backlog"] = np.zeros(1)  # type: ignore[index]
        assert not hasattr(seen, "__dict__")  # slots: nothing hangs off it


def test_the_brands_record_holds_each_day_as_appended_and_a_kept_record_its_own_days():
    """History writes the days appended into its table when a column is first read: each
    column equals the days' values as float64, through the table's growth, read-only; a record
    kept from an earlier day shows that day's days, whenever it is read."""
    rng = np.random.default_rng(0)
    days = [(*rng.integers(0, 2**60, 10).tolist(), float(rng.normal())) for _ in range(70)]
    history, kept = observation.History(), {}
    for t, day in enumerate(days, 1):
        history.append(day)
        if t % 9 == 0:  # a record kept, sometimes read on its day (which writes the days)
            kept[t] = history.view()
            if t % 2:
                kept[t]["staff_cost"]
    kept[len(days)] = history.view()
    table = np.array(days, dtype=np.float64)
    for t, record in kept.items():
        assert list(record) == list(HISTORY)
        for i, name in enumerate(HISTORY):
            assert record[name].tobytes() == table[:t, i].tobytes()
            assert not record[name].flags.writeable


def test_a_false_positive_lists_an_author_who_looks_like_a_real_ones():
    scenario = SMALL.replace(
        {"graph.n": 3000, "listening.false_positive_rate": 0.25, "experiences.bad_rate": 0.02}
    )
    model = EngagementModel(scenario, rng=4, policy=Spy())
    spy = model.policy
    real, false = [], []
    for _ in range(25):
        model.step()
        new = spy.seen[-1].items.new
        flagged = model._day.flagged
        for column in ("audience", "posts", "interactions"):
            values = getattr(spy.seen[-1].items, column)[new]
            real.append((column, values[flagged.author >= 0]))
            false.append((column, values[flagged.author < 0]))
    for column in ("audience", "posts"):
        ours = np.concatenate([v for c, v in real if c == column])
        theirs = np.concatenate([v for c, v in false if c == column])
        assert theirs.size > 100
        assert stats.mannwhitneyu(ours, theirs).pvalue > 0.001, column


@pytest.mark.slow
def test_engaged_first_gains_no_more_from_false_positives_than_noise():
    """Its advantage over first come, first served with false positives (rate 0.1) is no
    larger than without."""
    did = difference_in_differences(replicates=8)
    low, high = stats.ttest_1samp(did, 0.0).confidence_interval(0.95)
    assert low <= 0, (did.mean(), low, high)


def difference_in_differences(replicates: int) -> np.ndarray:
    """Per replicate: (fifo − engaged-first missed complaints at false-positive rate 0.1) − (the
    same without false positives). Positive: engaged-first's advantage grows with false positives."""
    # Complaints not answered within a day are dropped, and counted as missed.
    base = SMALL.replace({**OVERLOADED, "run.days": 30, "team.max_wait_hours": 24.0})
    seeds = np.random.SeedSequence(11).spawn(replicates)
    out = []
    for seed in seeds:
        advantage = {}
        for false_positives in (0.1, 0.0):
            missed = {}
            for name in ("respond-all", "engaged-first"):
                scenario = base.replace(
                    {"listening.false_positive_rate": false_positives, "policy.name": name}
                )
                missed[name] = kpis(scenario, seed=seed)["missed_complaints"].sum()
            advantage[false_positives] = missed["respond-all"] - missed["engaged-first"]
        out.append(advantage[0.1] - advantage[0.0])
    return np.array(out, float)


@pytest.mark.slow
def test_the_difference_in_differences_detects_the_old_leak(monkeypatch):
    """The test above can fail: list false positives with no history, as the old order saw them."""

    def leaky(day, waiting, shown):
        seen = observation.observe(day, waiting, shown)
        false = np.concatenate([waiting.author, day.flagged.author]) < 0
        items = dataclasses.replace(
            seen.items,
            interactions=np.where(false, 0, seen.items.interactions),
            posts=np.where(false, 0, seen.items.posts),
        )
        return dataclasses.replace(seen, items=items)

    monkeypatch.setattr(agent, "observe", leaky)
    # More replicates than above: since the order ranks by the posts the brand heard rather
    # than all posts made, the leak's gain is smaller (about 2 complaints a replicate, not 4).
    did = difference_in_differences(replicates=16)
    low, _ = stats.ttest_1samp(did, 0.0).confidence_interval(0.95)
    assert low > 0


def test_triage_keeps_the_queue_in_step_with_the_decision():
    model = EngagementModel(SMALL.replace(OVERLOADED), rng=5, policy=preset("negatives-first"))
    model.run(days=6)
    queue: Queue = model.brand.team.queue
    assert len(queue) > 0
    assert np.array_equal(queue.key, (queue.label != PostKind.COMPLAINT).astype(float))
    assert np.all(queue.shown[queue.author >= 0] == queue.author[queue.author >= 0])
    assert np.all(queue.shown >= 0)


# --------------------------------------------------------------------- the guide's examples run
GUIDE = Path(__file__).parents[1] / "docs" / "policies.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.S)


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_every_python_example_of_the_guide_runs(block, monkeypatch):
    guide = types.ModuleType("guide")  # a module of its own, as a notebook's cells have
    monkeypatch.setitem(sys.modules, "guide", guide)
    exec(compile(block, str(GUIDE), "exec"), guide.__dict__)


class AllToOneTier(Policy):
    """Answers everything and sends every new item to one tier."""

    def __init__(self, tier: int) -> None:
        self.tier = tier

    def decide(self, seen: Observation) -> Decision:
        return Decision(route=self.tier)


def test_a_policys_route_overrides_the_teams_routing():
    # The default routing sends tagged complaints to the experts; a policy that routes
    # everything to the frontline leaves them only what the frontline passes on (more is passed
    # on), one that routes everything to them leaves the frontline no items. Enough complaints
    # need an expert for the counts to tell (at SMALL's rates a run has one or two).
    busy = SMALL.replace({"experiences.bad_rate": 0.02, "team.expert_share": 0.3})
    frontline = kpis(busy, policy=AllToOneTier(0))
    experts = kpis(busy, policy=AllToOneTier(1))
    default = kpis(busy, policy=preset("respond-all"))
    assert frontline["escalated"].sum() > default["escalated"].sum()
    assert experts["escalated"].sum() == 0
    assert experts["frontline_hours"].sum() == 0 < default["frontline_hours"].sum()
    assert experts["expert_hours"].sum() > default["expert_hours"].sum()


def test_a_route_other_than_a_tier_is_refused():
    with pytest.raises(ValueError, match="'route' decision of policy 'p'"):
        Decision(route=np.array([0, 2])).tiers(2, "p", np.zeros(2, np.int8))


def test_a_day_with_nothing_to_answer_shows_the_columns_of_any_other_day():
    """Each column of ``Items`` keeps its dtype on an empty day, so a policy can compute
    with it (``items.new``, a ``~`` of ``waiting``) on every day alike."""
    seen_dtypes = []

    class Recorder(Policy):
        name = "recorder"

        def decide(self, seen):
            items = seen.items
            seen_dtypes.append(
                (
                    len(items),
                    {f.name: getattr(items, f.name).dtype for f in dataclasses.fields(items)},
                )
            )
            assert items.new.dtype == bool
            return Decision(priority=np.zeros(len(items)))

    quiet = SMALL.replace({"graph.n": 200, "listening.chatter_rate": 0.0, "run.days": 40})
    EngagementModel(quiet, rng=2, policy=Recorder()).run()
    sizes = {size for size, _ in seen_dtypes}
    assert 0 in sizes and len(sizes) > 1  # days with nothing to answer, and days with items
    assert all(dtypes == seen_dtypes[0][1] for _, dtypes in seen_dtypes)
