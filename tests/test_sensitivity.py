"""Sensitivity: Ishigami known answers through the same code path, noise handling, the
scenario model's input hook, bad input, and a fixed-seed run of the built-in scenario."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from beringia.cli import app
from beringia.core import rng
from beringia.core.distributions import FloatArray
from beringia.errors import ScenarioError
from beringia.pipeline import assess
from beringia.pipeline.sensitivity import (
    SEED_FACTOR,
    Sensitivity,
    factors_of,
    parse_group,
    run_design,
    scenario_model,
    sensitivity,
    uncertain_inputs,
)
from beringia.pipeline.sensitivity_design import (
    IshigamiModel,
    Task,
    ishigami_variance,
    plan_tasks,
    sides,
)
from beringia.report.sensitivity import render_sensitivity_report

SHORT = ("operations.simulated_years=8",)
X = ["x1", "x2", "x3"]
S1 = (0.3139, 0.4424, 0.0)
ST = (0.5576, 0.4424, 0.2437)
"""Ishigami (a = 7, b = 0.1) analytic indices, as SALib's test function documents them."""
SYSTEMIC = "construction.systemic.cost_factor"
SCHEDULE = "construction.systemic.schedule_factor"
FEW = [
    SYSTEMIC,
    SCHEDULE,
    "construction.arctic.labour_cost_factor",
    "construction.arctic.materials_cost_factor",
    "construction.machines.mixshield.utilisation.rock",
    "construction.machines.mixshield.penetration_m_per_h.rock",
]


def _within(sens: Sensitivity, key: str, known: Iterable[float]) -> None:
    o = sens.outputs[0]
    for i, k in enumerate(known):
        assert abs(o.indices[key][i] - k) <= o.indices[key + "_conf"][i], (key, i, o.indices)


def test_ishigami_sobol_known_answer() -> None:
    sens = run_design(IshigamiModel(), X, n=1024, seed=1, replications=1)
    _within(sens, "S1", S1)
    _within(sens, "ST", ST)
    assert sens.evaluations == 1024 * 5
    # and the point estimates are close, not only inside wide intervals
    assert np.allclose(sens.outputs[0].indices["ST"], ST, atol=0.03)


def test_ishigami_morris_ranks_x1_x2_above_x3() -> None:
    sens = run_design(IshigamiModel(), X, method="morris", n=50, seed=1, replications=1)
    mu = sens.outputs[0].indices["mu_star"]
    assert min(mu[0], mu[1]) > mu[2] > 0
    assert sens.evaluations == 50 * 4


def test_noise_as_a_factor_takes_its_share() -> None:
    # noise variance equal to the function's: the randomness explains half, the inputs the rest
    v = ishigami_variance()
    model = IshigamiModel(noise_sd=v**0.5, seed=3)
    sens = run_design(model, X, n=2048, seed=1, noise="group", replications=1)
    assert [f.name for f in sens.factors] == [*X, SEED_FACTOR]
    o = sens.outputs[0]
    for key in ("S1", "ST"):
        assert abs(o.indices[key][3] - 0.5) <= o.indices[key + "_conf"][3] + 0.01
    half = [s / 2 for s in S1]
    for i in range(3):
        assert abs(o.indices["S1"][i] - half[i]) <= o.indices["S1_conf"][i]


def test_conditional_mean_estimates_the_noise_share() -> None:
    v = ishigami_variance()
    k = 4
    model = IshigamiModel(noise_sd=v**0.5, seed=3)
    sens = run_design(model, X, n=1024, seed=1, noise="mean", replications=k)
    noise = sens.outputs[0].noise
    assert noise is not None
    assert abs(noise.single - 0.5) < 0.04
    assert abs(noise.of_means - (v / k) / (v + v / k)) < 0.04
    # the indices are fractions of the means' variance: the noise share is what they lack
    scale = 1 - noise.of_means
    o = sens.outputs[0]
    for i in range(3):
        assert abs(o.indices["ST"][i] - ST[i] * scale) <= o.indices["ST_conf"][i]


def test_results_do_not_depend_on_how_tasks_are_run() -> None:
    model = IshigamiModel(noise_sd=1.0, seed=5)

    def backwards(f: Callable[[Task], FloatArray], tasks: Iterable[Task]) -> list[FloatArray]:
        todo = list(tasks)
        done = {id(t): f(t) for t in reversed(todo)}
        return [done[id(t)] for t in todo]

    def threads(f: Callable[[Task], FloatArray], tasks: Iterable[Task]) -> list[FloatArray]:
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(f, tasks))

    def processes(f: Callable[[Task], FloatArray], tasks: Iterable[Task]) -> list[FloatArray]:
        with ProcessPoolExecutor(2) as pool:  # the task function and the model pickle
            return list(pool.map(f, tasks))

    runs = [
        run_design(model, X, n=64, seed=2, replications=3, mapper=m).to_dict()
        for m in (map, backwards, threads, processes)
    ]
    for r in runs:
        r.pop("seconds")
    assert runs[0] == runs[1] == runs[2] == runs[3]


@given(
    n_groups=st.integers(1, 300),
    width=st.integers(1, 6),
    k=st.integers(1, 3),
    block_size=st.integers(1, 128),
    n_sides=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_row_runs_k_times_and_a_group_shares_its_random_numbers(
    n_groups: int, width: int, k: int, block_size: int, n_sides: int, seed: int
) -> None:
    side = np.random.default_rng(seed).integers(0, n_sides, n_groups * width)
    side[::width] = 0  # the first row of a group is on side 0, as sides() makes it
    tasks = plan_tasks(n_groups, width, replications=k, side=side, block_size=block_size)
    count = np.zeros(n_groups * width, dtype=int)
    seen: dict[tuple[int, int, int], tuple[int, int]] = {}
    for t in tasks:
        assert len(t.rows) <= block_size
        for p, (row, keep) in enumerate(zip(t.rows, t.keep, strict=True)):
            if not keep:
                continue
            count[row] += 1
            assert side[row] == t.block // -(-n_groups // block_size) % (int(side.max()) + 1)
            key = (int(row) // width, t.replication, int(side[row]))
            assert seen.setdefault(key, (t.block, p)) == (t.block, p)
    assert (count == k).all()
    # different replications or sides never share a random block
    by_block = {}
    for t in tasks:
        assert by_block.setdefault(t.block, t.replication) == t.replication


def test_sides_of_a_saltelli_group() -> None:
    a, b = 0.2, 0.7
    # A, AB_x, AB_seed, B: the seed column takes B's value in AB_seed and B
    col = np.array([a, a, b, b, 0.1, 0.1, 0.9, 0.9])
    assert sides(col, 4).tolist() == [0, 0, 1, 1, 0, 0, 1, 1]
    morris = np.array([0.0, 0.0, 1 / 3, 1 / 3, 0.0])
    assert sides(morris, 5).tolist() == [0, 0, 1, 1, 0]


def test_feeding_each_input_its_own_draws_reproduces_assess() -> None:
    # The hook: a design's inputs enter through the same inverse CDF as the streams'. Fed the
    # uniforms the streams would have drawn, the model gives the ordinary run bit for bit.
    n, seed = 300, 7
    model = scenario_model("bering-strait", overrides=SHORT, seed=seed)
    u = np.column_stack(
        [
            rng.stream(
                seed, i.model, 0, ("input/" if i.model == "construction" else "") + i.key
            ).random(n)
            for i in model.inputs
        ]
    )
    y = model.evaluate(u, 0)
    a = assess("bering-strait", overrides=SHORT, draws=n, seed=seed)
    assert a.corridor is not None
    irr = a.corridor.tunnel.irr
    traffic = (
        a.corridor.carried_teu_per_year["eastbound"] + a.corridor.carried_teu_per_year["westbound"]
    )
    ref = np.column_stack(
        [
            a.cost_usd_bn,
            a.duration_years,
            a.corridor.tunnel.npv_usd_bn,
            np.where(np.isfinite(irr), irr, -0.99),
            traffic,
            np.isfinite(irr),
            a.corridor.corridor.npv_usd_bn,
        ]
    )
    assert np.array_equal(y, ref)
    assert model.outputs[0] == "cost_usd_bn" and len(model.outputs) == 7
    corridor_paths = {i.path for i in model.inputs if i.model == "corridor"}
    assert {"economics.toll_usd_per_feu", "market.flows.asia_us.teu_per_year"} <= corridor_paths


def test_scenario_sobol_fixed_seed() -> None:
    sens = sensitivity(
        "bering-strait",
        inputs=FEW,
        groups=[("arctic", FEW[2:4])],
        n=64,
        seed=11,
        replications=2,
        outputs=["cost", "duration"],
    )
    names = [f.name for f in sens.factors]
    assert names == ["arctic", SYSTEMIC, SCHEDULE, *FEW[4:]]
    assert sens.evaluations == 64 * (len(names) + 2) * 2
    for o in sens.outputs:
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            assert np.isfinite(o.indices[key]).all()
        s1 = np.array(o.indices["S1"])
        conf = np.array(o.indices["S1_conf"])
        assert s1.sum() <= 1 + float(np.sqrt((conf**2).sum()))
        assert o.noise is not None and 0 <= o.noise.single <= 1
    cost, years = sens.outputs
    # golden (seed 11, N = 64, k = 2): update with the reason when the scenario changes
    # (last: each front of a stretch bores at its own site's supply limit, so Big Diomede's
    # limit no longer holds its neighbours' fronts; before: each ventilation plant sized by
    # the route it serves, cost only; the schedule factor re-derived from 13 reference
    # tunnels, median 1.2 -> 1.417)
    golden = {
        "cost_usd_bn": ([0.01002, 0.524978, 0.161761], [0.013153, 0.535145, 0.238113], 0.0934),
        "duration_years": ([0.0, 0.0, 0.858606], [0.0, 0.0, 0.837494], 0.227),
    }
    for o in sens.outputs:
        s1, st, noise = golden[o.output]
        assert o.indices["S1"][:3] == pytest.approx(s1, abs=1e-6)
        assert o.indices["ST"][:3] == pytest.approx(st, abs=1e-6)
        assert o.noise is not None and o.noise.single == pytest.approx(noise, abs=1e-4)
    # the project-wide factors lead: cost by the cost factor, time by the schedule factor
    assert names[int(np.argmax(cost.indices["ST"]))] == SYSTEMIC
    assert names[int(np.argmax(years.indices["ST"]))] == SCHEDULE
    again = sensitivity(
        "bering-strait",
        inputs=FEW,
        groups=[("arctic", FEW[2:4])],
        n=64,
        seed=11,
        replications=2,
        outputs=["cost", "duration"],
    ).to_dict()
    first = sens.to_dict()
    first.pop("seconds"), again.pop("seconds")
    assert first == again


def test_default_inputs_are_the_uncertain_fields() -> None:
    found = uncertain_inputs("bering-strait")
    paths = [i.path for i in found]
    assert SYSTEMIC in paths and "economics.toll_usd_per_feu" in paths
    assert not any(i.spec.is_fixed for i in found)
    assert len(paths) == len(set(paths))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"inputs": ["construction.nope"]}, "--inputs"),
        ({"inputs": ["construction.bores.service.diameter_m"]}, "--inputs"),
        ({"n": 100}, "-N"),
        ({"method": "fast"}, "--method"),
        ({"noise": "ignore"}, "--noise"),
        ({"noise": "group", "replications": 3}, "--replications"),
        ({"inputs": [SYSTEMIC], "groups": [("g", [SCHEDULE])]}, "--group g"),
        ({"outputs": ["profit"]}, "--outputs"),
        ({"inputs": ["economics.toll_usd_per_feu"], "outputs": ["cost"]}, "--inputs"),
    ],
)
def test_bad_input_is_one_scenario_error(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ScenarioError) as info:
        sensitivity("bering-strait", **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_fixed_field_says_it_is_fixed() -> None:
    with pytest.raises(ScenarioError, match="fixed") as info:
        sensitivity("bering-strait", inputs=[SYSTEMIC], overrides=[f"{SYSTEMIC}=1.2"])
    assert info.value.field == "--inputs"


def test_groups_parse_and_check() -> None:
    assert parse_group("g = a, b") == ("g", ["a", "b"])
    for bad in ("g", "=a", "g="):
        with pytest.raises(ScenarioError):
            parse_group(bad)
    with pytest.raises(ScenarioError, match="one group"):
        factors_of(["a", "b"], [("g", ["a"]), ("h", ["a", "b"])])
    with pytest.raises(ScenarioError):
        factors_of(["a"], [("g", ["a"]), ("g", ["a"])])
    assert [f.name for f in factors_of(["a", "b", "c"], [("g", ["c", "a"])])] == ["g", "b"]


@pytest.mark.parametrize(
    "args",
    [
        ["--inputs", "construction.nope"],
        ["-N", "100"],
        ["--method", "fast"],
        ["--group", "g=construction.nope", "--inputs", SYSTEMIC],
    ],
)
def test_cli_bad_input_exit_2_nothing_written(args: list[str], tmp_path: Path) -> None:
    csv, page = tmp_path / "s.csv", tmp_path / "s.html"
    res = CliRunner().invoke(
        app, ["sensitivity", "bering-strait", *args, "--out", str(csv), "--report", str(page)]
    )
    assert res.exit_code == 2
    assert "error:" in res.stderr and "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) <= 2
    assert not csv.exists() and not page.exists()


def test_cli_json_csv_and_page(tmp_path: Path) -> None:
    csv, page = tmp_path / "s.csv", tmp_path / "s.html"
    res = CliRunner().invoke(
        app,
        [
            "sensitivity",
            "bering-strait",
            "--inputs",
            ",".join(FEW[:3]),
            "-N",
            "16",
            "--outputs",
            "cost,duration",
            "--json",
            "--out",
            str(csv),
            "--report",
            str(page),
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["method"] == "sobol" and doc["noise"]["method"] == "mean"
    assert doc["noise"]["replications"] == 2
    assert "conditional mean" in doc["noise"]["statement"]
    assert "inverse CDF" in doc["inputs"]
    assert [o["output"] for o in doc["outputs"]] == ["cost_usd_bn", "duration_years"]
    assert set(doc["outputs"][0]["indices"][SYSTEMIC]) == {"S1", "S1_conf", "ST", "ST_conf"}
    assert doc["outputs"][0]["noise_share"]["single_draw"] is not None
    rows = csv.read_text().splitlines()
    assert rows[0] == "output,factor,S1,S1_conf,ST,ST_conf" and len(rows) == 1 + 2 * 3
    html = page.read_text()
    assert html.count("<script") >= 3 and "bootstrap intervals" in html
    assert "construction time" in html


def test_page_states_the_method() -> None:
    model = IshigamiModel(noise_sd=1.0)
    sens = run_design(model, X, method="morris", n=10, seed=1, noise="group")
    html = render_sensitivity_report(sens)
    assert SEED_FACTOR in html and "its own factor" in html and "Morris" in html


def test_cli_list_inputs() -> None:
    res = CliRunner().invoke(app, ["sensitivity", "bering-strait", "--list", "--json"])
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert {"path": SYSTEMIC, "dist": "lognormal", "model": "construction"} in rows


def test_block_noise_is_the_same_for_the_same_block() -> None:
    model = IshigamiModel(noise_sd=1.0, seed=9)
    u = np.full((3, 3), 0.5)
    assert np.array_equal(model.evaluate(u, 4), model.evaluate(u, 4))
    assert not np.array_equal(model.evaluate(u, 4), model.evaluate(u, 5))


def _linear_doc() -> dict[str, object]:
    from conftest import minimal_doc

    doc = minimal_doc()
    c = doc["construction"]
    c["bores"][0]["unit_cost_usd_m_per_km"] = {
        "dist": "uniform",
        "low": 10.0,
        "high": 20.0,
        "source": "test",
    }
    c["fitout"]["fixed_usd_m"] = {"dist": "uniform", "low": 0.0, "high": 200.0, "source": "test"}
    return doc


def test_hand_scenario_additive_cost_has_analytic_indices() -> None:
    # One class, no events: no internal randomness, and cost is linear in both inputs, so
    # S1 = ST = a_i^2 var_i / sum_j a_j^2 var_j (the slopes a_i measured on the model itself).
    doc = _linear_doc()
    model = scenario_model(doc, seed=3)
    names = list(model.names)
    assert names == [
        "construction.bores.main.unit_cost_usd_m_per_km",
        "construction.fitout.fixed_usd_m",
    ]
    y = model.evaluate(np.array([[0.0, 0.5], [1.0, 0.5], [0.5, 0.0], [0.5, 1.0]]), 0)[:, 0]
    a = np.array([(y[1] - y[0]) / 10.0, (y[3] - y[2]) / 200.0])
    var = a**2 * np.array([10.0**2, 200.0**2]) / 12.0
    expected = var / var.sum()
    sens = sensitivity(doc, n=512, seed=3)
    cost, years = sens.outputs
    for key in ("S1", "ST"):
        for i in range(2):
            assert abs(cost.indices[key][i] - expected[i]) <= cost.indices[key + "_conf"][i]
    assert np.allclose(cost.indices["ST"], expected, atol=0.02)
    assert cost.noise is not None and cost.noise.single < 1e-12
    assert years.sd < 1e-12  # nothing here moves the schedule: its indices are undefined
    assert "duration_years" in sens.statements["constant"]
    assert not np.isfinite(years.indices["S1"]).any()
    assert sens.to_dict()["outputs"][1]["indices"][names[0]]["S1"] is None


def test_a_scenario_without_uncertain_inputs_is_refused() -> None:
    from conftest import minimal_doc

    with pytest.raises(ScenarioError, match="uncertain input"):
        sensitivity(minimal_doc(), n=16)


def test_cli_morris_with_the_randomness_as_a_factor() -> None:
    res = CliRunner().invoke(
        app,
        [
            "sensitivity",
            "--inputs",
            ",".join(FEW[:2]),
            "--method",
            "morris",
            "--noise",
            "group",
            "-N",
            "6",
            "--outputs",
            "duration",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Morris, 6 trajectories" in res.stdout and SEED_FACTOR in res.stdout
    assert "mu*" in res.stdout and "sigma" in res.stdout


def test_outputs_keep_only_what_is_asked() -> None:
    assert scenario_model("bering-strait", outputs=["cost"]).outputs == ("cost_usd_bn",)
    model = scenario_model("bering-strait", overrides=SHORT, outputs=["irr"])
    assert model.outputs == ("tunnel_irr", "tunnel_pays_back")  # the IRR brings how often
    y = model.evaluate(np.full((4, len(model.names)), 0.5), 0)
    assert y.shape == (4, 2) and set(np.unique(y[:, 1])) <= {0.0, 1.0}


def test_every_corridor_input_is_a_quantity_the_appraisal_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A key the appraisal never asks for would leave its input silently without effect.
    from beringia.models.corridor import appraise

    asked: set[str] = set()
    spec = appraise._Sampler.spec

    def record(self: appraise._Sampler, key: str, d: object) -> FloatArray:
        asked.add(key)
        return spec(self, key, d)  # type: ignore[arg-type]

    monkeypatch.setattr(appraise._Sampler, "spec", record)
    model = scenario_model("bering-strait", overrides=SHORT)
    model.evaluate(np.full((8, len(model.names)), 0.5), 0)
    keys = {i.key for i in model.inputs if i.model == "corridor"}
    assert keys and keys <= asked, keys - asked
    assert "tunnel_maintenance" in keys  # economics.tunnel_om, when the scenario has it
