"""A comparison's report says the right thing: rankings by declared direction, a headline whose
numbers are the table's, honest wording, and a page that stands alone."""

from __future__ import annotations

import dataclasses
import html as htmllib
import re

import numpy as np
import pandas as pd
import pytest

from socialsim import ConfigError, EngagementModel, Scenario
from socialsim.kpis import DECLARED, per_run
from socialsim.kpis.declared import Summary
from socialsim.scenario import PARAMETERS
from socialsim.studies import report
from socialsim.studies.answer import Formats, headline, name_in_text
from socialsim.studies.compare import Comparison, compare
from socialsim.studies.experiment import Experiment, canned_experiments, load_experiment
from socialsim.studies.paired import holm
from socialsim.studies.plotting import so_far
from socialsim.studies.report import Robustness
from socialsim.value import value_and_cost


def comparison_of(runs: dict[str, list[dict[str, float]]], kpis: tuple[str, ...]) -> Comparison:
    """A comparison whose runs are given: per strategy, one day-1 record per replicate (day 0
    is the same record with every flow at 0)."""
    rows = []
    for name, replicates in runs.items():
        for r, day1 in enumerate(replicates):
            start = {k: (v if k == "fans" else 0.0) for k, v in day1.items()}
            rows += [{"strategy": name, "replicate": r, "day": 0, **start}]
            rows += [{"strategy": name, "replicate": r, "day": 1, **day1}]
    replicates = len(next(iter(runs.values())))
    experiment = Experiment({name: {} for name in runs}, kpis=kpis, replicates=replicates)
    return Comparison(experiment, pd.DataFrame(rows))


def ranks(comparison: Comparison, kpi: str) -> dict[str, object]:
    table = comparison.differences()
    return {r.strategy: r.rank for r in table[table["kpi"] == kpi].itertuples()}


# ---------------------------------------------------------------------- the misleading cases
def test_answering_does_not_rank_worse_on_churn_rate_when_its_churn_rate_is_lower():
    """Answering brings more fans, so more of them churn in number but fewer in share: the
    count ranks it worse, the rate (what the report shows) better."""

    def day(fans_joined: float, churned: float) -> dict[str, float]:
        return {
            "fans": 1000.0,
            "churned": churned,
            "churned_today": churned,
            "new_fans_referred": fans_joined,
            "new_fans_external": 0.0,
            "new_fans_answered": 0.0,
        }

    # ignore: 60 of 1,100 exposed churn (5.5%); answer: 66 of 1,300 (5.1%)
    ignore = [day(100, 60 + e) for e in (-1, 0, 1)]
    answer = [day(300, 66 + e) for e in (-1, 0, 2)]
    result = comparison_of({"ignore": ignore, "answer": answer}, ("churned", "churn_rate"))
    runs = result.per_run().groupby("strategy")["churn_rate"].mean()
    assert runs["answer"] < runs["ignore"]
    assert ranks(result, "churn_rate") == {"ignore": 2, "answer": 1}
    assert ranks(result, "churned") == {"ignore": 1, "answer": 2}  # why counts mislead


def test_a_deaf_listening_system_does_not_rank_best_on_complaints_never_heard():
    """The canned front-end experiment's good and poor tools with a deaf one added, small: the
    deaf system hears 30% of complaints, and ranks last on the share never heard, whatever it
    dismisses or drops from its queue (a crisis, for enough complaints to tell)."""
    experiment = load_experiment("front-end")
    good, poor = experiment.strategies["good, x1"], experiment.strategies["poor, x1"]
    crisis = {"root_causes.start": 3, "root_causes.multiplier": 5.0}
    small = dataclasses.replace(
        experiment,
        base=experiment.base.replace(crisis),
        strategies={
            "good": {**good, "graph.n": 1500},
            "poor": {**poor, "graph.n": 1500},
            "deaf": {**good, "graph.n": 1500, "listening.recall": 0.3},
        },
        baseline="good",
        kpis=tuple(dict.fromkeys((*experiment.kpis, "complaints_unheard_share"))),
        days=15,
        replicates=6,  # three leave the deaf tool's lead unresolved at 15 days (t with 2 df)
    )
    result = compare(small, jobs=1, progress=False)
    table = result.differences().set_index(["strategy", "kpi"])
    deaf = table.loc[("deaf", "complaints_unheard_share")]
    assert deaf["rank"] == 3 and not deaf["tied_with_best"]
    summary = result.summary().set_index(["strategy", "kpi"])["mean"]
    assert summary[("deaf", "complaints_unheard_share")] > 50  # recall 0.3: most unheard


@pytest.mark.parametrize("kpi", ["needs", "false_positives", "posts_caught"])
def test_a_neutral_kpi_has_no_rank(kpi):
    values = {"a": [5.0, 6.0, 7.0], "b": [50.0, 60.0, 70.0], "c": [1.0, 1.0, 2.0]}
    result = comparison_of({n: [{kpi: v} for v in vs] for n, vs in values.items()}, (kpi,))
    table = result.differences()
    assert table["rank"].isna().all() and not table["tied_with_best"].any()
    assert np.isfinite(table.loc[table["strategy"] == "b", "p_holm"]).all()  # still tested


def test_false_positives_handled_rank_lowest_first():
    """'sloppy' spends most replies on false positives: it ranks last, not first."""
    values = {"accurate": [2.0, 3.0, 1.0], "sloppy": [40.0, 45.0, 50.0]}
    kpi = "false_positives_handled"
    result = comparison_of({n: [{kpi: v} for v in vs] for n, vs in values.items()}, (kpi,))
    assert ranks(result, kpi) == {"accurate": 1, "sloppy": 2}


# ---------------------------------------------------------------------- wiring
def test_each_strategy_is_priced_with_its_own_cost_parameters():
    """A worker prices a run with its scenario's value and cost sections: a dearer listening
    tool costs exactly its extra price a day, in every replicate."""
    strategies = {"cheap": {}, "dear": {"cost.listening_tool_per_day": 100.0}}
    experiment = Experiment(
        strategies,
        base=Scenario().replace({"graph.n": 300}),
        days=6,
        replicates=2,
        kpis=("total_cost", "net_value"),
    )
    table = compare(experiment, jobs=1, progress=False).differences().set_index(["strategy", "kpi"])
    extra = (100.0 - Scenario().cost.listening_tool_per_day) * 6
    for kpi, sign in (("total_cost", 1), ("net_value", -1)):
        row = table.loc[("dear", kpi)]
        assert row["difference"] == pytest.approx(sign * extra)
        assert row["ci_low"] == row["ci_high"] == row["difference"]  # the same in every replicate


def test_a_sweep_keeps_rates_per_run_and_priced_kpis_day_by_day(tmp_path):
    from socialsim import load_results, sweep
    from socialsim.studies.store import ResultsStore
    from socialsim.studies.sweeps import Sweep

    spec = Sweep(
        {"team.staff": [1, 3]},
        scenario=Scenario().replace({"graph.n": 300, "run.days": 5}),
        kpis=["churn_rate", "net_value"],
        keep="trajectories",
    )
    sweep(spec, tmp_path, jobs=1, progress=False)
    runs = load_results(tmp_path)
    assert runs["net_value"].notna().all() and runs["churn_rate"].between(0, 100).all()
    daily = ResultsStore(tmp_path).trajectories()
    assert "net_value" in daily and "churn_rate" not in daily  # a rate has no daily value
    assert daily.groupby("run_id")["net_value"].sum().to_numpy() == pytest.approx(
        runs.set_index("run_id").loc[sorted(runs["run_id"]), "net_value"].to_numpy()
    )


# ---------------------------------------------------------------------- statistics
def test_holm_lies_between_the_raw_p_values_and_bonferroni():
    rng = np.random.default_rng(5)
    p = rng.uniform(0, 0.2, 17)
    adjusted = holm(p)
    assert (adjusted >= p).all() and (adjusted <= np.minimum(p * len(p), 1)).all()
    order = np.argsort(p)
    assert (np.diff(adjusted[order]) >= 0).all()  # the order of the raw p-values is kept
    assert adjusted[order[0]] == pytest.approx(min(1, p[order[0]] * len(p)))


def test_a_trajectory_ends_at_the_runs_value_for_every_kind_of_kpi():
    scenario = Scenario().replace({"graph.n": 300, "policy.name": "respond-all"})
    model = EngagementModel(scenario, rng=4)
    model.run(days=8)
    daily = value_and_cost(model.kpis(), value=scenario.value, cost=scenario.cost).assign(run=0)
    totals = per_run(daily)
    kinds = set()
    for kpi in totals.index:
        last = so_far(daily, kpi, by=["run"]).iloc[-1]
        assert last == pytest.approx(totals[kpi], nan_ok=True), kpi
        kinds.add(DECLARED[kpi].summary)
    assert len(kinds) == len(Summary)


# ---------------------------------------------------------------------- the report
@pytest.fixture(scope="module")
def stay_out(tmp_path_factory):
    """The canned stay-out-or-answer experiment at tiny size, and its report."""
    experiment = load_experiment("stay-out-or-answer")
    small = dataclasses.replace(
        experiment, base=experiment.base.replace({"graph.n": 500}), days=20, replicates=3
    )
    result = compare(small, jobs=1, progress=False)
    out = tmp_path_factory.mktemp("stay-out")
    paths = result.save(out)
    return result, paths["report_html"].read_text(encoding="utf-8")


NUMBER = r"[+−]?[\d,]+(?:\.\d+)?"
CLAUSES = [
    # raises NPS by 2.7 points [1.2, 4.2] / lowers churn rate by 0.11 percentage points [..]
    re.compile(
        rf"(?P<verb>raises|lowers) (?P<name>[a-zA-Z() ]+?) by (?P<x>{NUMBER})"
        rf"(?: [a-z ]+?)? \[(?P<lo>{NUMBER}), (?P<hi>{NUMBER})\]"
    ),
    re.compile(
        rf"costs (?P<x>{NUMBER}) (?P<verb>more|less) \[(?P<lo>{NUMBER}), (?P<hi>{NUMBER})\]"
    ),
    # raises fans by 2 fans in every replicate / costs 300 more in every replicate
    re.compile(
        rf"(?:(?P<verb>raises|lowers) (?P<name>[a-zA-Z() ]+?) by|costs) (?P<x>{NUMBER})"
        rf"(?: (?P<more>more|less)| [a-z ]+?)? in every replicate"
    ),
    # does not distinguishably change NPS (+1.3 [−0.4, +3.0])
    re.compile(
        rf"(?:does not distinguishably change (?P<name>[a-zA-Z() ]+?)|costs about the same) "
        rf"\((?P<x>{NUMBER}) \[(?P<lo>{NUMBER}), (?P<hi>{NUMBER})\]\)"
    ),
]


def number(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def headline_of(page: str) -> dict[str, str]:
    answer = re.search(r'<section class="answer".*?</section>', page, re.S).group(0)
    return {
        htmllib.unescape(name): htmllib.unescape(text)
        for name, text in re.findall(r"<p><strong>(.*?)</strong> (.*?)</p>", answer, re.S)
    }


def assert_headline_is_the_table(result: Comparison, page: str) -> None:
    """Every number of the report's headline is the differences table's, rounded as shown:
    each clause is parsed, its KPI found by name, its sign read from its verb."""
    e = result.experiment
    table = result.differences().set_index(["strategy", "kpi"])
    decimals = Formats.of(table.reset_index().query("strategy != @e.baseline")).decimals
    by_name = {name_in_text(k): k for k in e.kpis}
    per_point = result.cost_per_nps_point() if "nps" in e.kpis else None
    sentences = headline_of(page)
    assert list(sentences) == [s for s in e.strategies if s != e.baseline]
    checked = 0
    for strategy, text in sentences.items():
        for pattern in CLAUSES:
            for match in pattern.finditer(text):
                parts = match.groupdict()
                kpi = by_name[parts["name"]] if parts.get("name") else "total_cost"
                sign = -1 if {parts.get("verb"), parts.get("more")} & {"lowers", "less"} else 1
                got = [sign * number(parts.get(k) or parts["x"]) for k in ("x", "lo", "hi")]
                row = table.loc[(strategy, kpi)]
                want = [row["difference"], row["ci_low"], row["ci_high"]]
                if sign < 0:  # "lowers by 0.11 [0.02, 0.20]": the nearer bound first
                    want = [want[0], want[2], want[1]]
                tolerance = 0.5 * 10 ** -decimals[kpi] + 1e-9
                assert got == pytest.approx(want, abs=tolerance), (strategy, kpi, text)
                checked += 1
            text = pattern.sub("", text)
        for match in re.finditer(rf"\((?P<x>{NUMBER}) per NPS point\)", text):
            assert number(match["x"]) == pytest.approx(per_point[strategy], abs=0.5)
        text = re.sub(rf"\({NUMBER} per NPS point\)", "", text)
        words = text
        for name in by_name:  # a KPI's name may hold a number ("fans engaged in 30 days")
            words = words.replace(name, "")
        assert not re.search(r"\d", words), text  # every number was one of the table's
        same = re.findall(r"leaves ([a-zA-Z() ]+?) unchanged", text)
        same += ["total cost"] * ("costs the same" in text)
        for name in same:
            row = table.loc[(strategy, by_name[name])]
            assert row["difference"] == row["ci_low"] == row["ci_high"] == 0, (name, text)
            checked += 1
        for name in re.findall(r"leaves ([a-zA-Z() ]+?) undefined", text):
            assert np.isnan(table.loc[(strategy, by_name[name]), "difference"])
            checked += 1
    lead = {e.kpis[0], "total_cost", "net_value"}
    assert checked >= len(lead) * len(sentences)  # each of them, for each strategy


def test_the_headline_says_the_numbers_of_the_differences_table(stay_out):
    assert_headline_is_the_table(*stay_out)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(canned_experiments()))
def test_every_canned_report_shows_cost_net_value_and_the_tables_numbers(name, tmp_path):
    experiment = load_experiment(name)
    small = dataclasses.replace(
        experiment, base=experiment.base.replace({"graph.n": 400}), days=10, replicates=2
    )
    result = compare(small, jobs=1, progress=False)
    page = result.report(tmp_path / "report")["report_html"].read_text(encoding="utf-8")
    for label in ("Total cost", "Net value"):
        assert f'<td class="kpi" rowspan="{len(small.strategies)}">{label}<' in page
    assert_headline_is_the_table(result, page)


def test_the_differences_table_ranks_the_baseline_too_and_names_ties_with_the_best(tmp_path):
    # 'noisy' is far behind the best on average, but its replicates cannot tell it from it;
    # the baseline is steadily behind. Its row shows the rank 2 the others' ranks skip.
    values = {"base": [20.0, 21.0, 22.0], "best": [30.0, 31.0, 32.0], "noisy": [10.0, 35.0, 15.0]}
    result = comparison_of({n: [{"nps": v} for v in vs] for n, vs in values.items()}, ("nps",))
    md = result.report(tmp_path / "report")["report_md"].read_text(encoding="utf-8")
    rows = [[c.strip() for c in line.split("|")] for line in md.splitlines()]
    rows = [row for row in rows if len(row) > 6 and row[2] == "higher"]  # the differences
    assert [(row[3], row[4], row[6]) for row in rows] == [
        ("best", "+10", "1"),
        ("noisy", "−1 [−33, +31]", "3 (tied with 1)"),
        ("base", "(baseline)", "2"),
    ]


def test_the_report_shows_cost_and_net_value_with_labels_and_units(stay_out):
    _, page = stay_out
    for label in ("Total cost", "Net value", "Churn rate", "NPS"):
        assert f'<td class="kpi" rowspan="3">{label}<span class="unit">' in page
    assert "percentage points" in page and "currency units" in page
    assert "churn_rate" not in page and "net_value" not in page  # no code names


def test_the_page_is_for_people_and_stands_alone(stay_out):
    _, page = stay_out
    text = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\d\.?\d*e[-+]\d", text)  # no 3.02e-13
    assert "**" not in page and "`" not in page  # no literal Markdown
    assert "Holm" in text and "simulation noise only" in text
    assert 'href="#robustness"' in page and 'id="robustness"' in page
    assert "@media print" in page
    assert page.count("data:image/png;base64,") == 2
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", page)  # nothing fetched


def test_a_robustness_analysis_appears_in_its_section_and_the_headline(stay_out, tmp_path):
    result, _ = stay_out
    robustness = Robustness(
        holds={"negatives-first": 0.87},
        paragraphs=["Across 200 <worlds> drawn from the parameters' ranges."],
        table=pd.DataFrame({"strategy": ["negatives-first"], "holds": ["87%"]}),
    )
    page = result.report(tmp_path / "r", robustness)["report_html"].read_text(encoding="utf-8")
    assert headline_of(page)["negatives-first"].endswith("This holds in 87% of plausible worlds.")
    assert "Across 200 &lt;worlds&gt; drawn" in page
    assert "<td>87%</td>" in page and "Not run for this report" not in page


NOT_ANALYSED = "Not analysed: the intervals above cover simulation noise only"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (None, NOT_ANALYSED),
        ({}, NOT_ANALYSED),  # a Robustness that says nothing is no analysis
        (
            {"holds": {"negatives-first": 0.87}},
            "- **negatives-first**: the answer holds in 87% of plausible worlds.",
        ),
        (
            {"table": pd.DataFrame({"strategy": ["negatives-first"], "holds": ["87%"]})},
            "| negatives-first | 87%     |",
        ),
        ({"figures": "Advantage by world"}, "![Advantage by world](r_robustness_1.png)"),
        ({"table": pd.DataFrame()}, NOT_ANALYSED),  # a table of nothing is no table
        (
            {"table": pd.DataFrame({"strategy": ["a|b"], "holds": ["87%"]})},
            "| a\\|b       | 87%     |",  # a bar in a cell would split it
        ),
    ],
    ids=["no analysis", "empty", "shares", "table", "figure", "empty table", "bar in a cell"],
)
def test_no_heading_of_the_report_is_left_with_nothing_under_it(
    stay_out, tmp_path, given, shown, empty_headings
):
    import matplotlib.pyplot as plt

    result, _ = stay_out
    if given is not None and "figures" in given:
        given = {"figures": {given["figures"]: plt.figure()}}
    result.report(tmp_path / "r", None if given is None else Robustness(**given))
    assert empty_headings(tmp_path / "r") == []
    md = (tmp_path / "r.md").read_text()
    # One section, under the heading the answer's "see Robustness" links to.
    assert md.count("## Robustness\n") == 1 and "](#robustness)" in md
    section = md.split("## Robustness\n")[1].split("\n## ")[0]
    assert shown in section, section
    for image in re.findall(r"!\[[^]]*\]\(([^)]+)\)", md):
        assert (tmp_path / image).is_file(), image  # every figure the Markdown shows is there


def test_the_answer_in_plain_text_is_the_reports(stay_out):
    result, page = stay_out
    lines = result.answer().splitlines()
    assert lines[0].startswith(
        "Compared with stay out of negatives, over 20 days and 3 paired replicates"
    )
    assert lines[1:] == [f"{name} {text}" for name, text in headline_of(page).items()]


def test_the_report_names_each_assumption_the_answer_turns_on(stay_out, tmp_path):
    result, page = stay_out
    assert 'class="hinge"' not in page  # stay-out-or-answer declares none
    hinged = dataclasses.replace(result.experiment, hinges_on=("response.speed_hours",))
    paths = Comparison(hinged, result.daily, result.policies).report(tmp_path)
    html, md = (paths[k].read_text(encoding="utf-8") for k in ("report_html", "report_md"))
    value = hinged.scenario(hinged.baseline).response.speed_hours
    source = PARAMETERS["response.speed_hours"].metadata["source"]
    assert f"turns on <code>response.speed_hours</code> = {value:g}</strong>" in html
    assert f"turns on `response.speed_hours` = {value:g}**" in md
    assert htmllib.escape(source, quote=False) in html and source in md


def test_an_experiment_may_only_hinge_on_a_declared_parameter(tmp_path):
    file = tmp_path / "e.toml"
    file.write_text(
        '[experiment]\nhinges_on = ["content.exposur_gain"]\n[strategies.a]\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"^The 'experiment.hinges_on' parameter must be a non"):
        Experiment.from_toml(file)


def test_a_price_per_nps_point_is_said_only_for_a_gain_that_costs(tmp_path):
    """Per point lost, or for a gain that costs less, the ratio is no price: the report said
    "(−20 per NPS point)"."""

    def runs(nps: list[float], cost: list[float]) -> list[dict[str, float]]:
        return [{"nps": n, "total_cost": c} for n, c in zip(nps, cost, strict=True)]

    up, down = [35, 36, 37, 38.5], [25, 26, 27, 27.5]
    more, less = [1400, 1500, 1650, 1700], [900, 1010, 1095, 1190]
    strategies = {
        "base": runs([30, 31, 32, 33], [1000, 1100, 1200, 1300]),
        "dearer": runs(up, more),
        "cheaper": runs(up, less),
        "worse": runs(down, more),
        "worse-cheaper": runs(down, less),
    }
    result = comparison_of(strategies, ("nps", "total_cost"))
    lines = dict(line.split(" ", 1) for line in result.answer().splitlines()[1:])
    assert lines["dearer"].endswith("(80 per NPS point).")
    assert lines["cheaper"].endswith("costs 101 less [88, 115] (cheaper and better).")
    for name in ("worse", "worse-cheaper"):
        assert "NPS point" not in lines[name] and "cheaper and" not in lines[name]
    markdown = result.report(tmp_path / "report")["report_md"].read_text(encoding="utf-8")
    table = markdown.split("| Cost per NPS point gained |")[1].split("\n\n")[0]
    assert re.findall(r"^\| (\w\S*) \| (.+) \|$", table, re.M) == [
        ("dearer", "80"),
        ("cheaper", "cheaper and better"),
    ]


def test_one_of_anything_is_said_in_the_singular():
    table = pd.DataFrame(
        {
            "strategy": ["a", "b", "a", "b"],
            "kpi": ["detections", "detections", "media_days", "media_days"],
            "difference": [0.0, 1.0, 0.0, 2.0],
            "ci_low": [0.0, 0.6, 0.0, 1.6],
            "ci_high": [0.0, 1.4, 0.0, 2.4],
            "p_value": [np.nan, 0.001, np.nan, 0.001],
            "p_holm": [np.nan, 0.002, np.nan, 0.002],
        }
    )
    formats = Formats({"detections": 0, "media_days": 0})
    (sentence,) = headline(table, formats, ["detections", "media_days"], "a")
    assert sentence.text == (
        "raises episodes detected by 1 event [1, 1]; it also raises media pick-up days by "
        "2 days [2, 2]."
    )
    # one replicate of one day, and a single test
    result = comparison_of({"a": [{"nps": 1.0}], "b": [{"nps": 2.0}]}, ("nps",))
    assert result.answer().startswith("Compared with a, over 1 day and 1 paired replicate,")
    context = report._context(result, None)
    assert context["design"].startswith("2 strategies, 1 paired replicate each (")
    assert context["design"].endswith(", 1 day. Baseline: a.")
    # one replicate makes no test; two make one
    assert context["multiplicity"].startswith("This report makes no test")
    two = comparison_of(
        {"a": [{"nps": 1.0}, {"nps": 1.0}], "b": [{"nps": 2.0}, {"nps": 3.0}]}, ("nps",)
    )
    assert report._context(two, None)["multiplicity"].startswith("This report makes 1 test (")


def test_the_headline_says_an_undefined_difference_cannot_be_compared():
    # A ratio KPI undefined in a replicate (no episode detected: no mean delay) is not a tie.
    table = pd.DataFrame(
        {
            "strategy": ["deaf", "listening", "listening"],
            "kpi": ["nps", "nps", "detection_delay"],
            "difference": [0.0, 0.1, np.nan],
            "ci_low": [0.0, -1.0, np.nan],
            "ci_high": [0.0, 1.2, np.nan],
            "p_value": [np.nan, 0.8, np.nan],
            "p_holm": [np.nan, 0.8, np.nan],
        }
    )
    formats = Formats({"nps": 1, "detection_delay": 1})
    (sentence,) = headline(table, formats, ["nps", "detection_delay"], "deaf")
    assert "detection delay cannot be compared" in sentence.text
    assert "detection delay is not distinguishable" not in sentence.text


def test_one_replicate_gives_no_interval_and_no_test():
    # A difference seen once says nothing of its spread: not "known exactly", p < 0.001.
    one = comparison_of({"a": [{"nps": 20.0}], "b": [{"nps": 21.0}]}, ("nps",))
    row = one.differences().set_index("strategy").loc["b"]
    assert row["difference"] == 1.0
    assert np.isnan([row["ci_low"], row["ci_high"], row["p_value"], row["p_holm"]]).all()
    means = one.summary().set_index("strategy").loc["b"]
    assert means["mean"] == 21.0 and np.isnan([means["ci_low"], means["ci_high"]]).all()
    # Two replicates that agree are still known exactly (a deterministic difference).
    two = comparison_of({"a": [{"nps": 20.0}] * 2, "b": [{"nps": 21.0}] * 2}, ("nps",))
    row = two.differences().set_index("strategy").loc["b"]
    assert (row["ci_low"], row["ci_high"], row["p_value"]) == (1.0, 1.0, 0.0)


def test_the_headline_says_whether_a_difference_is_undefined_in_every_replicate_or_some():
    # A deaf baseline detects no episode: its mean delay is undefined in every replicate.
    nan = float("nan")
    kpis = ("detection_delay", "nps", "mean_loyalty")
    deaf = [
        {"detections": 0.0, "detection_delay_days": 0.0, "nps": 1.0, "mean_loyalty": loyalty}
        for loyalty in (nan, 0.5)
    ]
    listening = [
        {"detections": 1.0, "detection_delay_days": delay, "nps": 2.0, "mean_loyalty": 0.6}
        for delay in (1.0, 2.0)
    ]
    result = comparison_of({"deaf": deaf, "listening": listening}, kpis)
    text = result.answer().splitlines()[1]
    assert text.startswith("listening leaves detection delay undefined in every replicate")
    assert text.endswith("; mean loyalty cannot be compared (undefined in some replicates).")
    defined = result.differences().query("strategy == 'listening'").set_index("kpi")["defined"]
    assert defined.to_dict() == {"detection_delay": 0, "nps": 2, "mean_loyalty": 1}


def test_a_report_of_one_replicate_says_it_has_no_intervals(tmp_path):
    one = comparison_of({"a": [{"nps": 20.0}], "b": [{"nps": 21.0}]}, ("nps",))
    first, sentence = one.answer().splitlines()[:2]
    assert first.startswith("Compared with a, over 1 day and 1 paired replicate, without")
    assert "95% intervals" not in first
    # Neither "distinguishable" nor not: untested.
    assert sentence == "b raises NPS by 1 point in its one replicate."
    assert report._context(one, None)["multiplicity"].startswith("This report makes no test")
    two = comparison_of({"a": [{"nps": 20.0}] * 2, "b": [{"nps": 21.0}] * 2}, ("nps",))
    assert two.answer().splitlines()[0].endswith("with 95% intervals:")
