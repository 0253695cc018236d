"""The dashboard without a browser: its controls, its state and stepping, its figures, its view."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from importlib.util import find_spec

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from socialsim import ConfigError, Scenario
from socialsim.cli import main
from socialsim.constraints import Interval
from socialsim.dashboard import Workshop
from socialsim.dashboard.charts import kpi_chart, network_svg
from socialsim.dashboard.levers import (
    CRISIS,
    FIRST,
    coerce,
    is_strategy,
    lever,
    offered,
    strategy_levers,
    world_levers,
)
from socialsim.dashboard.picture import (
    ENGAGED_COLOUR,
    KIND_COLOURS,
    REPLY_COLOUR,
    SAW_COLOUR,
    sample,
)
from socialsim.dashboard.record import so_far
from socialsim.interactions import Kind
from socialsim.kpis import DECLARED, per_run
from socialsim.network.graph import SocialGraph
from socialsim.scenario import PARAMETERS
from socialsim.studies.experiment import Experiment, canned_experiments, load_experiment

SMALL = Scenario().replace({"graph.n": 400, "run.days": 30})


# ---------------------------------------------------------------------------- levers
def test_every_declared_parameter_but_free_text_is_a_lever_on_one_side_or_shared():
    first, more = strategy_levers()
    per_side = {item.key for item in first + more}
    first_shared, sections = world_levers()
    shared = {item.key for item in first_shared}
    shared |= {item.key for items in sections.values() for item in items}
    offered_keys = {key for key in PARAMETERS if offered(key)}
    assert per_side | shared | {"graph.n", "run.seed"} == offered_keys
    assert not per_side & shared
    assert all(is_strategy(key) for key in per_side)
    assert [item.key for item in first] == [key for key in FIRST if key in PARAMETERS]
    assert {"graph.path", "graph.attributes"} - offered_keys == {"graph.path", "graph.attributes"}


def test_sliders_stay_inside_the_declared_ranges():
    checked = 0
    for key in PARAMETERS:
        if not offered(key) or not lever(key).slider:
            continue
        low, high, step = lever(key).slider_range()
        constraint = PARAMETERS[key].metadata["constraint"]
        assert isinstance(constraint, Interval)
        for end in (low, high):
            constraint.check(key, int(end) if constraint.integer else float(end))
        assert 0 < step <= (high - low) / 10
        checked += 1
    assert checked > 20


def _on_grid(value: float, low: float, high: float, step: float) -> bool:
    return low <= value <= high and abs(value / step - round(value / step)) < 1e-6


def test_every_default_and_strategy_value_sits_on_its_sliders_grid():
    # A slider snaps its value to its step and sends the snapped value back: off the grid, a
    # default such as churn.base_rate = 0.0004 on a step of 0.01 would quietly become 0.
    values = {}
    scenarios = [Scenario()]
    for name in canned_experiments():
        experiment = load_experiment(name)
        scenarios += [experiment.scenario(strategy) for strategy in experiment.strategies]
    for scenario in scenarios:
        for key, value in scenario.flat().items():
            if offered(key) and lever(key).slider:
                values.setdefault(key, set()).add(value)
    off_a_coarse_grid = 0
    for key, seen in values.items():
        for value in seen:
            assert _on_grid(value, *lever(key).slider_range(value)), (key, value)
            off_a_coarse_grid += not _on_grid(value, *lever(key).slider_range())
    assert off_a_coarse_grid > 5  # the case this guards against is real


@pytest.mark.skipif(find_spec("solara") is None, reason="needs the dashboard extra")
@pytest.mark.parametrize("people", [300, 5_000, 16_700, 50_001])
def test_the_population_slider_holds_any_size_the_dashboard_starts_with(people):
    from socialsim.dashboard.controls import people_slider

    assert _on_grid(people - people_slider(people)[0], 0, people, people_slider(people)[2])
    low, high, _ = people_slider(people)
    assert low <= people <= high and low <= 500 and high >= 20_000


def test_unbounded_or_huge_ranges_are_fields_and_widget_values_take_the_declared_type():
    assert not lever("team.staff").slider  # bounded at a million: a field, not a slider
    assert not lever("team.max_wait_hours").slider  # unbounded
    assert lever("listening.recall").slider
    with pytest.raises(ValueError, match="team.staff"):
        lever("team.staff").slider_range()
    assert coerce(lever("listening.recall"), 1) == 1.0 and isinstance(
        coerce(lever("listening.recall"), 1), float
    )
    assert lever("policy.name").kind == "choice" and "ignore" in lever("policy.name").options


# A value other than the default for each lever shown first: a new lever there needs one here.
MOVED = {
    "policy.name": "ignore",
    "team.staff": 5,
    "team.experts": 3,
    "team.hours_per_day": 12.0,
    "team.start_hour": 7.0,
    "team.routing": "frontline_only",
    "listening.recall": 0.4,
    "listening.false_positive_rate": 0.3,
    "listening.label_accuracy": 0.95,
    "policy.unsolicited_per_day": 4,
    "policy.posts_per_day": 2.0,
    "policy.broadcast_share": 0.25,
}


def test_the_levers_a_class_looks_for_come_first_on_each_side_and_move_that_side_only():
    # policy preset, team size and hours, listening quality, proactive contacts, content calendar
    assert set(FIRST) == set(MOVED)
    first, _ = strategy_levers()
    assert [item.key for item in first] == list(FIRST)
    defaults = Scenario().flat()
    w = Workshop(SMALL, people=300)
    for item in first:
        constraint = PARAMETERS[item.key].metadata["constraint"]
        value = MOVED[item.key]
        assert value != defaults[item.key]
        if isinstance(constraint, Interval):  # offered with its declared bounds
            assert (item.low, item.high, item.closed) == (
                constraint.low,
                constraint.high,
                constraint.closed,
            )
        else:
            assert value in item.options
        w.set_lever(1, item.key, value)
        assert w.sides[1].scenario.flat()[item.key] == value, item.key
        assert w.sides[0].scenario.flat()[item.key] == defaults[item.key], item.key
        w.start(SMALL, people=300)


def test_a_scheduled_crisis_starts_on_its_day_for_both_sides():
    first, _ = world_levers()
    assert [item.key for item in first][:3] == ["run.days", CRISIS, "root_causes.multiplier"]
    assert "0: none" in lever(CRISIS).help
    w = Workshop(SMALL, people=300)
    w.step(12)
    assert all(sum(side.series("episodes_started")) == 0 for side in w.sides)
    w.set_shared(CRISIS, 8)
    assert w.day == 0
    w.step(12)
    for side in w.sides:
        assert np.flatnonzero(side.series("episodes_started")).tolist() == [8]
        assert side.series("crisis_days")[8] == 1


# ---------------------------------------------------------------------------- state
def test_both_sides_share_graph_and_people_and_run_identically_until_a_lever_moves():
    w = Workshop(SMALL)
    a, b = w.sides
    assert np.array_equal(a.model.graph.indices, b.model.graph.indices)
    assert np.array_equal(a.model.population.loyalty, b.model.population.loyalty)
    w.step(10)
    pd.testing.assert_frame_equal(a.daily(), b.daily())

    w.set_lever(1, "policy.name", "ignore")
    assert w.day == 0  # a change starts both sides again, still paired
    a, b = w.sides
    w.step(10)
    assert a.series("fans")[0] == b.series("fans")[0]
    replies = ["responses_complaint", "responses_praise", "responses_need"]
    assert b.daily()[replies].sum().sum() == 0 < a.daily()[replies].sum().sum()
    assert a.scenario.policy.name == "respond-all" and b.scenario.policy.name == "ignore"


def test_a_preset_then_a_part_makes_a_custom_policy_that_keeps_the_preset_s_other_parts():
    w = Workshop(SMALL)
    w.set_lever(1, "policy.name", "positives-only")
    w.set_lever(1, "policy.order", "negatives_first")
    policy = w.sides[1].scenario.policy
    assert (policy.name, policy.answer, policy.order) == ("custom", ("praise",), "negatives_first")
    w.set_shared("wom.negativity", 2.0)  # a world change keeps each side's strategy
    assert w.sides[1].scenario.policy == policy
    assert w.sides[0].scenario.wom.negativity == w.sides[1].scenario.wom.negativity == 2.0


def test_a_rejected_value_changes_nothing():
    w = Workshop(SMALL)
    w.step(3)
    models = [side.model for side in w.sides]
    with pytest.raises(ConfigError, match="team.hours_per_day"):
        w.set_lever(0, "team.hours_per_day", 20.0)  # 9 o'clock + 20 hours passes midnight
    with pytest.raises(ConfigError, match="graph.n"):
        w.set_shared("graph.n", 1)
    assert [side.model for side in w.sides] == models and w.day == 3


def test_steps_stop_at_the_horizon_and_reset_replays_the_same_numbers():
    w = Workshop(Scenario().replace({"graph.n": 300, "run.days": 4}))
    assert w.step(10) == 4 and w.done and w.step() == 0
    first = w.series("nps")
    w.reset()
    assert w.day == 0
    w.step(4)
    assert w.series("nps") == first


def test_people_and_seed_change_both_sides():
    w = Workshop(SMALL)
    w.set_shared("graph.n", 600)
    assert [side.model.graph.n_nodes for side in w.sides] == [600, 600]
    before = w.sides[0].model.population.loyalty.copy()
    w.set_shared("run.seed", 5)
    assert not np.array_equal(before, w.sides[0].model.population.loyalty)
    assert Workshop().sides[0].model.graph.n_nodes == 5_000  # the default 10,000, capped


def test_workshop_mode_loads_the_strategies_an_experiment_names_and_its_question():
    experiment = load_experiment("crisis")
    w = Workshop(experiment="crisis", people=500)
    names = ["deaf, slow fix", "listening, slow fix"]  # crisis.toml's workshop, not its first two
    assert [side.name for side in w.sides] == names
    assert w.question == experiment.question and w.watch == experiment.kpis
    assert w.horizon == experiment.days and w.shared.run.seed == experiment.seed
    for side, name in zip(w.sides, names, strict=True):
        expected = experiment.scenario(name).replace({"graph.n": 500, "run.seed": experiment.seed})
        assert side.scenario == expected
    third = "deaf, fast fix"
    w.choose(1, third)
    assert [side.name for side in w.sides] == [names[0], third]
    expected = experiment.scenario(third).replace({"graph.n": 500, "run.seed": experiment.seed})
    assert w.sides[1].scenario == expected
    with pytest.raises(ConfigError, match="strategy"):
        w.choose(0, "no such strategy")
    w.start(SMALL)
    assert w.question == "" and [side.name for side in w.sides] == ["A", "B"]
    assert w.strategies == {}
    with pytest.raises(ConfigError, match="experiment"):
        w.load("no-such-experiment")


def test_the_crisis_workshop_opens_on_sides_that_show_what_the_alarm_buys():
    # At the dashboard's own size: in a smaller world even a listening brand's alarm stays quiet.
    w = Workshop(experiment="crisis")
    w.step(w.horizon)
    deaf, listening = w.sides
    assert np.nansum(deaf.series("detections")) == 0 < np.nansum(listening.series("detections"))
    assert listening.series("crisis_days").sum() < deaf.series("crisis_days").sum()
    # The experiment's first two, both deaf, never hear the crisis: their fix speeds never show.
    w.choose(1, "deaf, fast fix")
    w.step(w.horizon)
    for kpi in w.watch:
        np.testing.assert_array_equal(*w.series(kpi).values())


def test_without_a_workshop_setting_an_experiment_opens_on_its_first_two_strategies():
    strategies = {
        "ignore": {"policy.name": "ignore"},
        "answer": {"policy.name": "negatives-first"},
        "thank": {"policy.name": "positives-only"},
    }
    w = Workshop(experiment=Experiment(strategies, base=SMALL), people=200)
    assert [side.name for side in w.sides] == ["ignore", "answer"]
    w.load(Experiment(strategies, base=SMALL, workshop=["thank", "ignore"]), people=200)
    assert [side.name for side in w.sides] == ["thank", "ignore"]  # in the order named
    assert [side.scenario.policy.name for side in w.sides] == ["positives-only", "ignore"]


@pytest.mark.parametrize("name", list(canned_experiments()))
def test_every_canned_experiment_loads_its_strategies_as_the_sides_and_its_kpis_plot(name):
    experiment = load_experiment(name)
    w = Workshop(experiment=name, people=300)
    names = list(experiment.workshop or experiment.strategies)[:2]
    assert [side.name for side in w.sides] == names
    for side, strategy in zip(w.sides, names, strict=True):
        expected = experiment.scenario(strategy)
        # the live size, unless the experiment's strategies set the size (front-end's volume)
        people = experiment.strategies[strategy].get("graph.n", 300)
        assert side.scenario == expected.replace({"graph.n": people, "run.seed": experiment.seed})
    # A world parameter a strategy sets is a lever of the sides, not of the shared world.
    per_side = {key for s in names for key in experiment.strategies[s] if not is_strategy(key)}
    assert w.per_side == per_side
    first, sections = world_levers(w.per_side)
    shared = {item.key for item in first} | {i.key for items in sections.values() for i in items}
    assert not shared & per_side
    for side in w.sides:
        side_first, _ = strategy_levers(tuple(side.overrides))
        offered_overrides = {key for key in side.overrides if offered(key)}
        assert offered_overrides <= {item.key for item in side_first}
    w.step(3)
    for kpi in w.watch:  # recorded, derived, priced and per-run KPIs alike
        series = w.series(kpi)
        assert list(series) == names and all(len(v) == 4 for v in series.values())
        np.testing.assert_array_equal(w.latest(kpi), [values[-1] for values in series.values()])


def test_a_per_run_rate_is_plotted_as_its_value_so_far_which_ends_at_the_run_s():
    w = Workshop(SMALL.replace({"experiences.need_rate": 0.05}))
    w.step(12)
    frame = w.sides[0].daily()
    rates = [name for name, kpi in DECLARED.items() if kpi.run_only]
    assert {"churn_rate", "response_time_mean"} <= set(rates)
    for day in (0, 1, 5, 12):
        prefix = frame.iloc[: day + 1]
        expected = per_run(prefix, rates)
        for kpi in rates:
            np.testing.assert_allclose(so_far(frame, kpi)[day], expected[kpi], err_msg=kpi)
    assert np.isnan(so_far(frame, "response_time_mean")[0])  # no replies on day 0
    # a KPI with a daily value is plotted day by day, derived or priced ones included
    np.testing.assert_array_equal(so_far(frame, "net_value"), frame["net_value"])
    assert len(w.series("total_cost")["A"]) == 13


def test_the_picture_is_sampled_and_laid_out_once_and_rings_today_s_posts_and_replies():
    w = Workshop(SMALL.replace({"experiences.need_rate": 0.05}))
    drawn, style = w.picture(0)
    assert drawn.nodes.size == 300 == np.unique(drawn.nodes).size
    assert w.picture(1)[0] is drawn  # same graph on both sides: one layout
    w.step(3)
    assert w.picture(0)[0] is drawn
    rings = w.picture(0)[1]["ring"]
    authors = set(w.sides[0].model.posts.author.tolist())
    answered = set(np.flatnonzero(w.sides[0].answered).tolist())
    assert answered  # the default policy answers someone within three days
    for person, ring in zip(drawn.nodes.tolist(), rings, strict=True):
        assert (ring is not None) == (person in authors or person in answered)
    assert set(style["status"]) <= {"fan", "prospect", "churned"}


def test_the_picture_rings_who_saw_and_who_engaged_with_today_s_brand_posts():
    w = Workshop(SMALL.replace({"content.reach": 0.3, "content.like_rate": 0.5}))
    w.set_lever(1, "policy.posts_per_day", 3.0)  # side B posts, side A does not
    w.step(4)
    drawn = w.picture(1)[0]
    quiet, posting = (w.picture(index)[1]["ring"] for index in (0, 1))
    assert SAW_COLOUR not in quiet and ENGAGED_COLOUR not in quiet
    model = w.sides[1].model
    saw = model.population.exposure_day[drawn.nodes] == model.day
    log = model.population.log
    today = log.on_day(model.day)
    likes = today[log.column("kind")[today] == Kind.LIKE]
    liked = np.isin(drawn.nodes, log.column("person")[likes])
    assert saw.any() and liked.any()  # today's posts reached and drew likes in the sample
    rings = np.array(posting, dtype=object)
    assert set(rings[liked]) <= {ENGAGED_COLOUR, REPLY_COLOUR}
    seen_only = saw & ~liked & ~w.sides[1].answered[drawn.nodes]
    assert set(rings[seen_only]) <= {SAW_COLOUR, ENGAGED_COLOUR, *KIND_COLOURS.values()}
    assert (rings[seen_only] == SAW_COLOUR).any()
    assert not set(rings[~saw & ~liked]) & {SAW_COLOUR, ENGAGED_COLOUR}


def test_a_sample_keeps_only_ties_within_it_and_reaches_other_components():
    # two separate paths of 10 people: a sample of 15 must restart in the second one
    left, right = np.arange(9), np.arange(10, 19)
    graph = SocialGraph.from_edges(
        np.r_[left, right], np.r_[left + 1, right + 1], n_nodes=20, directed=False
    )
    drawn = sample(graph, 15, seed=3)
    assert drawn.nodes.size == 15
    assert np.all(drawn.edges[:, 0] < drawn.edges[:, 1])
    for a, b in drawn.edges:
        assert abs(int(drawn.nodes[a]) - int(drawn.nodes[b])) == 1
    assert len(drawn.edges) == 15 - 2  # two paths: every tie between sampled neighbours
    assert np.abs(drawn.xy).max() <= 1.0 + 1e-9


# ---------------------------------------------------------------------------- figures
def test_kpi_chart_has_a_line_per_side_with_gaps_for_days_without_a_value():
    option = kpi_chart({"A": [np.nan, 2.0], "B": [np.nan, 3.0]})
    assert [s["name"] for s in option["series"]] == ["A", "B"]
    assert option["series"][0]["data"] == [[0, None], [1, 2.0]]
    assert option["series"][0]["color"] != option["series"][1]["color"]


def test_network_svg_draws_every_sampled_person_and_tie():
    w = Workshop(SMALL)
    drawn, style = w.picture(0)
    svg = network_svg(drawn, style, "A")
    assert svg.count("<circle") == drawn.nodes.size
    assert svg.count("M") == len(drawn.edges)
    assert svg.count('fill="#c7ccd1"') == style["status"].count("prospect")


# ---------------------------------------------------------------------------- the command
def invoke(*args: str):
    return CliRunner().invoke(main, ["dashboard", *args], catch_exceptions=False)


def test_the_command_refuses_bad_input_in_one_line():
    result = invoke("--port", "70000")
    assert result.exit_code == 2 and "'--port'" in result.output
    result = invoke("--experiment", "no-such-experiment", "--port", "0")
    assert result.exit_code == 2 and "experiment" in result.output
    result = invoke("--people", "1", "--port", "0")
    assert result.exit_code == 2 and "'--people'" in result.output
    result = invoke("no-such-file.toml", "--port", "0")
    assert result.exit_code == 2 and "existing TOML file" in result.output


def test_without_the_extra_the_command_says_how_to_install_it(monkeypatch):
    import importlib.util

    def no_solara(name, *args):
        return None if name == "solara" else find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", no_solara)
    result = invoke("--port", "0")
    assert result.exit_code == 2
    assert "pip install 'socialsim[dashboard]'" in result.output


@pytest.mark.skipif(find_spec("solara") is None, reason="needs the dashboard extra")
def test_the_command_says_so_when_the_port_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = invoke("--port", str(taken.getsockname()[1]))
    assert result.exit_code == 2 and "a free port" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------- the view
@pytest.mark.skipif(find_spec("solara") is None, reason="needs the dashboard extra")
def test_the_components_render_without_a_browser_as_in_a_notebook():
    import ipyvuetify as v
    import solara

    from socialsim.dashboard.app import Dashboard

    _, rc = solara.render(Dashboard(SMALL), handle_error=False)
    day = rc.find(v.Html, class_="socialsim-day")
    assert day.widget.children == ["Day 0 of 30 · 400 people"]
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert day.widget.children == ["Day 1 of 30 · 400 people"]
    pictures = rc.find(solara.widgets.HTML).widgets
    drawn = [p for p in pictures if "socialsim-network-1" in p.attributes.get("class", "")]
    assert len(drawn) == 1 and drawn[0].unsafe_innerHTML.count("<circle") == 300
    rc.close()


@pytest.mark.skipif(find_spec("solara") is None, reason="needs the dashboard extra")
def test_the_page_offers_each_first_lever_in_its_range_and_a_crisis_switch_with_its_day():
    import ipyvuetify as v
    import solara

    from socialsim.dashboard.app import Dashboard

    w = Workshop(SMALL, people=300)
    _, rc = solara.render(Dashboard(workshop=w), handle_error=False)
    for item in strategy_levers()[0]:
        box = _classed(rc, f"lever-0-{item.key.replace('.', '-')}")
        if item.slider:
            low, high, _ = item.slider_range()
            slider = box.find(v.Slider).widget
            assert (slider.min, slider.max) == (low, high), item.key
        elif item.kind == "choice":
            assert box.find(v.Select).widget.items == list(item.options), item.key
        else:
            assert box.find(v.TextField).widgets, item.key  # a number field
        allowed = "" if item.options else f": {item.allowed}"
        assert box.find(v.Html, children=[f"{item.help} ({item.key}{allowed})"]).widgets

    def crisis():
        return _classed(rc, "socialsim-crisis")

    assert crisis().find(v.Checkbox).widget.label == "Crisis"
    assert not crisis().find(v.Slider).widgets  # no day to choose while it is off
    crisis().find(v.Checkbox).widget.v_model = True  # as a click
    third = SMALL.run.days // 3
    assert [side.scenario.root_causes.start for side in w.sides] == [third, third]
    assert crisis().find(v.Checkbox).widget.label == f"Crisis on day {third}"
    slider = crisis().find(v.Slider).widget
    assert (slider.min, slider.max) == (1, SMALL.run.days)
    slider.v_model = 25
    assert w.shared.root_causes.start == 25
    crisis().find(v.Checkbox).widget.v_model = False
    assert w.shared.root_causes.start == 0
    crisis().find(v.Checkbox).widget.v_model = True  # back on the day last chosen
    assert w.shared.root_causes.start == 25
    rc.close()


def _classed(rc, name: str):
    """The one widget of a rendered page that has the class ``name`` among its classes."""
    from reacton.find import Finder

    found, stack = [], list(rc.find().widgets)
    while stack:
        widget = stack.pop()
        if name in (getattr(widget, "class_", None) or "").split():
            found.append(widget)
        stack.extend(child for child in getattr(widget, "children", ()) if hasattr(child, "keys"))
    assert len(found) == 1, (name, found)
    return Finder(found)


@pytest.mark.skipif(find_spec("solara") is None, reason="needs the dashboard extra")
def test_choosing_each_canned_experiment_in_the_page_loads_it():
    import ipyvuetify as v
    import solara
    from solara.components.echarts import EchartsWidget

    from socialsim.dashboard.app import Dashboard

    _, rc = solara.render(Dashboard(SMALL, people=300), handle_error=False)
    choice = rc.find(v.Select, label="Canned experiment").widget
    for name in canned_experiments():
        experiment = load_experiment(name)
        choice.v_model = name  # as a click on the experiment's name in the list
        texts = [w for w in rc.find(solara.widgets.HTML).widgets if w.tag == "div"]
        assert any(experiment.question in text.unsafe_innerHTML for text in texts)
        tabs = [tab.children[0] for tab in rc.find(v.Tab).widgets]
        assert tabs == [*list(experiment.workshop or experiment.strategies)[:2], "World"]
        day = rc.find(v.Html, class_="socialsim-day").widget.children[0]
        people = experiment.strategies[tabs[0]].get("graph.n", 300)  # front-end sets its own
        assert day == f"Day 0 of {experiment.days or experiment.base.run.days} · {people:,} people"
        charts = [w.attributes["class"] for w in rc.find(EchartsWidget).widgets]
        assert charts == [f"socialsim-kpi socialsim-kpi-{kpi}" for kpi in experiment.kpis]
    choice.v_model = choice.items[0]  # back to the scenario as loaded, two equal sides
    assert [tab.children[0] for tab in rc.find(v.Tab).widgets] == ["A", "B", "World"]
    assert rc.find(v.Html, class_="socialsim-day").widget.children == ["Day 0 of 30 · 300 people"]
    rc.close()


@pytest.mark.skipif(find_spec("solara") is None, reason="needs the dashboard extra")
def test_the_served_page_imports_no_simulation_and_shows_it_once_prepared(monkeypatch):
    # What the server imports before it answers: Solara, not numba, pandas or Mesa.
    code = (
        "import sys, socialsim.dashboard.page\n"
        "print(sorted({'numba', 'pandas', 'mesa', 'scipy'} & set(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"

    import ipyvuetify as v
    import solara

    from socialsim.dashboard import page

    monkeypatch.setattr(page, "LAUNCH", {"scenario": SMALL, "people": 300})
    page.prepare()
    _, rc = solara.render(page.Page(), handle_error=False)
    assert rc.find(v.Html, class_="socialsim-preparing").widgets  # a note while it builds
    for _ in range(600):
        if rc.find(v.Html, class_="socialsim-day").widgets:
            break
        time.sleep(0.1)
    day = rc.find(v.Html, class_="socialsim-day").widget
    assert day.children == ["Day 0 of 30 · 300 people"]
    assert not page._first  # the prepared Workshop was taken; the next visitor builds its own
    rc.close()


@pytest.mark.slow
@pytest.mark.skipif(find_spec("solara") is None, reason="needs the dashboard extra")
def test_a_notebook_cell_shows_the_dashboard_as_a_widget(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    cell = (
        "from socialsim.dashboard.app import Dashboard\n"
        "Dashboard(experiment='speed-matters', people=300)"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": tmp_path}}).execute()
    outputs = notebook.cells[0].outputs
    assert [o.output_type for o in outputs if o.output_type == "error"] == []
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
