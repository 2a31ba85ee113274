"""Variance-based (Sobol) and screening (Morris) sensitivity of a scenario's outputs, on SALib.

The inputs are the scenario's uncertain inputs (its distribution-valued fields), or a chosen
list of their dotted paths. Each is sampled as its quantile ``u`` in (0, 1) and pushed through
its own distribution's inverse CDF, so the design explores the inputs as the scenario states
them (the indices are of the inputs' distributions, not of arbitrary ranges). Inputs that
belong together can be grouped (SALib ``groups``): a group is moved as one factor.

The model is stochastic besides its inputs (ground sequences, rare events, every input not in
the design): how that is handled is chosen and stated (:mod:`beringia.pipeline.sensitivity_design`):
the conditional mean over ``k`` replications on common random numbers (``noise="mean"``, with
the estimated share of noise variance), or the internal randomness as one more factor
(``noise="group"``).

The evaluation is a pluggable :class:`~beringia.pipeline.sensitivity_design.Model`: the
scenario model here, SALib's Ishigami function in the tests and known-answer checks.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from beringia.core.construction import ConstructionInputs, simulate_block
from beringia.core.distributions import DistSpec, FloatArray, ppf
from beringia.core.economics import IRR_RATE_MIN
from beringia.errors import ScenarioError
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction
from beringia.models.construction.run import anchor_programme
from beringia.models.corridor.appraise import assess_corridor
from beringia.models.corridor.compile import AppraisalInputs, scenario_appraisal
from beringia.models.corridor.plan import CorridorPlan
from beringia.models.corridor.run import scenario_plan
from beringia.models.numfmt import signed
from beringia.models.operations import assess_operations
from beringia.models.reference.assess import check_money, money_factor
from beringia.pipeline.assess import check_run_arguments
from beringia.pipeline.checks import quiet_numerics
from beringia.pipeline.scenarios import ScenarioLike, as_scenario
from beringia.pipeline.sensitivity_design import (
    NOISE_METHODS,
    Mapper,
    Model,
    NoiseShare,
    check_power_of_two,
    evaluate_sample,
    noise_shares,
)
from beringia.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

METHODS = ("sobol", "morris")
SEED_FACTOR = "model randomness"
"""The factor that stands for the model's internal randomness (``noise="group"``)."""
MAX_BASE_SAMPLES = 65_536
MAX_REPLICATIONS = 64
DEFAULT_REPLICATIONS = 2
"""``k`` with ``noise="mean"`` unless given (``noise="group"`` takes 1)."""
MORRIS_LEVELS = 4
MORRIS_TAIL = 0.01
"""Morris levels span the inputs' quantiles from this to one minus it (no infinite tails)."""


@dataclass(frozen=True)
class Output:
    """An output whose sensitivity is measured."""

    key: str
    label: str
    unit: str


OUTPUTS: tuple[Output, ...] = (
    Output("cost_usd_bn", "construction cost", "USD bn (2025)"),
    Output("duration_years", "construction time", "years"),
    Output("tunnel_npv_usd_bn", "NPV, tunnel alone", "USD bn"),
    Output("tunnel_irr", "IRR, tunnel alone", "a year"),
    Output("tunnel_traffic_teu_per_year", "tunnel traffic, steady state", "TEU a year"),
    Output("tunnel_pays_back", "tunnel repays its capex (has an IRR)", "probability"),
    Output("corridor_npv_usd_bn", "NPV, whole corridor", "USD bn"),
)
"""Outputs of a scenario: construction's two, then the tunnel's economics (with a corridor)."""
CONSTRUCTION_OUTPUTS = 2
OUTPUT_ALIASES = {
    "cost": "cost_usd_bn",
    "duration": "duration_years",
    "npv": "tunnel_npv_usd_bn",
    "irr": "tunnel_irr",
    "traffic": "tunnel_traffic_teu_per_year",
    "pays": "tunnel_pays_back",
    "corridor-npv": "corridor_npv_usd_bn",
}

INPUT_MAPPING = (
    "each input is sampled as its quantile u in (0, 1) and pushed through the field's own "
    "distribution (inverse CDF): the indices are of the inputs as the scenario states them"
)


@dataclass(frozen=True)
class Input:
    """One uncertain input of a scenario.

    Attributes
    ----------
    path : str
        Its scenario path (a valid ``--set`` path).
    spec : DistSpec
        Its distribution.
    model : str
        ``construction`` or ``corridor``: which model draws it.
    key : str
        The model's name for it (the construction input key, the corridor sampler key).
    """

    path: str
    spec: DistSpec
    model: str
    key: str


def _corridor_inputs(app: AppraisalInputs, plan: CorridorPlan | None) -> list[Input]:
    """Return the corridor, market and economics inputs drawn once per draw of the model.

    A field drawn more than once per draw (terminal days at each end, the access legs of each
    pair) is not a single input: it stays in the model's internal randomness.
    """
    c, m, e = app.corridor, app.market, app.economics
    rows: list[tuple[str, str, DistSpec | None]] = [
        ("corridor.speed_factor", "speed_factor", c.speed_factor),
        ("corridor.terminal_usd_per_feu", "terminal:usd", c.terminal_usd_per_feu),
        ("corridor.upgrade_usd_m_per_km", "capex:upgrade", c.upgrade_usd_m_per_km),
        ("corridor.build_fronts", "build:fronts", c.build_fronts),
        ("corridor.km_per_year_per_front", "build:rate", c.km_per_year_per_front),
        ("corridor.build_schedule_factor", "build:schedule", c.build_schedule_factor),
    ]
    used = set(plan.new_km) if plan is not None else set(c.new_build_usd_m_per_km)
    rows += [
        (f"corridor.new_build_usd_m_per_km.{country}.{terrain}", f"capex:{country}:{terrain}", d)
        for (country, terrain), d in c.new_build_usd_m_per_km.items()
        if (country, terrain) in used
    ]
    rows += [
        ("market.cargo_value_usd_per_feu", "cargo_value", m.cargo_value_usd_per_feu),
        ("market.time_cost_pct_per_day", "time_cost_pct", m.time_cost_pct_per_day),
        (
            "market.logit_scale_per_1000usd_per_feu",
            "logit_scale",
            m.logit_scale_per_1000usd_per_feu,
        ),
        ("market.benchmark_rail_share", "bench:share", m.benchmark_rail_share),
        ("market.ramp_up_years", "ramp_up_years", m.ramp_up_years),
        ("market.initial_share", "initial_share", m.initial_share),
    ]
    rows += [
        (f"market.flows.{f.name}.teu_per_year", f"market:{f.name}", f.teu_per_year) for f in m.flows
    ]
    rows += [
        ("economics.discount_rate", "discount_rate", e.discount_rate),
        ("economics.toll_usd_per_feu", "toll", e.toll_usd_per_feu),
        ("economics.rail_tariff_usd_per_feu_km", "rail_tariff", e.rail_tariff_usd_per_feu_km),
        ("economics.opex_usd_per_train_km", "opex_train_km", e.opex_usd_per_train_km),
        ("economics.opex_usd_per_route_km_year", "opex_route_km", e.opex_usd_per_route_km_year),
        ("economics.arctic_factor", "arctic_factor", e.arctic_factor),
        ("economics.tunnel_life_years", "tunnel_life", e.tunnel_life_years),
        ("economics.corridor_life_years", "corridor_life", e.corridor_life_years),
        ("economics.tunnel_renewals.share_of_capex", "renewal_share", e.renewal_share_of_capex),
    ]
    om = e.tunnel_om
    if om is not None:
        k = "economics.tunnel_om."
        rows += [
            (
                k + "maintenance_usd_per_bore_km_year",
                "tunnel_maintenance",
                om.maintenance_usd_per_bore_km_year,
            ),
            (k + "systems_mwh_per_km_year", "tunnel_systems_mwh", om.systems_mwh_per_km_year),
            (k + "inflow_m3_per_min_per_km", "tunnel_inflow", om.inflow_m3_per_min_per_km),
            (k + "electricity_usd_per_kwh", "electricity_price", om.electricity_usd_per_kwh),
        ]
    return [Input(path, d, "corridor", key) for path, key, d in rows if d is not None]


@dataclass
class ScenarioModel:
    """A scenario as a :class:`~beringia.pipeline.sensitivity_design.Model`.

    ``evaluate(u, block)`` runs the construction model on random block ``block`` with the
    design's inputs set from ``u`` (through each input's inverse CDF), then, with a corridor,
    the tunnel's economics on the same block; one call evaluates every row of ``u`` at once.
    """

    scenario: Scenario
    inputs: tuple[Input, ...]
    construction: ConstructionInputs
    seed: int
    money: float = 1.0
    plan: CorridorPlan | None = None
    appraisal: AppraisalInputs | None = None
    wanted: tuple[str, ...] | None = None
    """Output keys kept (``None``: every output the model computes)."""

    @property
    def computed(self) -> tuple[str, ...]:
        """Keys of what one evaluation computes: cost and duration, then the tunnel's economics."""
        n = CONSTRUCTION_OUTPUTS if self.plan is None else len(OUTPUTS)
        return tuple(o.key for o in OUTPUTS[:n])

    @property
    def outputs(self) -> tuple[str, ...]:
        """Keys of the outputs kept, in the order of :data:`OUTPUTS`.

        The IRR is undefined where the flows never repay the capex: it counts there at the
        rate grid's floor (:data:`~beringia.core.economics.IRR_RATE_MIN`), and
        ``tunnel_pays_back`` (1 with an IRR, else 0, kept whenever the IRR is) says how often.
        """
        return tuple(k for k in self.computed if self.wanted is None or k in self.wanted)

    @property
    def names(self) -> tuple[str, ...]:
        """Paths of the design's inputs, the columns of ``u``."""
        return tuple(i.path for i in self.inputs)

    @quiet_numerics()
    def evaluate(self, u: FloatArray, block: int) -> FloatArray:
        """Evaluate the rows of ``u`` ``(m, d)`` on random block ``block``; ``(m, outputs)``."""
        m = u.shape[0]
        given: dict[str, dict[str, FloatArray]] = {"construction": {}, "corridor": {}}
        for j, inp in enumerate(self.inputs):
            given[inp.model][inp.key] = ppf(inp.spec, u[:, j])
        res = simulate_block(self.construction, self.seed, block, m, given=given["construction"])
        cost = res.cost_usd_bn * self.money
        cols = [cost, res.duration_years]
        if self.plan is not None and self.appraisal is not None:
            corr = assess_corridor(
                self.appraisal,
                self.plan,
                cost,
                res.duration_years,
                seed=self.seed,
                given=given["corridor"],
                first_block=block,
            )
            irr = corr.tunnel.irr
            defined = np.isfinite(irr)
            traffic = sum(corr.carried_teu_per_year.values(), start=np.zeros(m))
            cols += [
                corr.tunnel.npv_usd_bn,
                np.where(defined, irr, IRR_RATE_MIN),
                traffic,
                defined.astype(np.float64),
                corr.corridor.npv_usd_bn,
            ]
        keep = [self.computed.index(k) for k in self.outputs]
        out: FloatArray = np.column_stack(cols)[:, keep]
        return out


def _all_inputs(
    sc: Scenario, inp: ConstructionInputs, app: AppraisalInputs | None, plan: CorridorPlan | None
) -> list[Input]:
    out = [Input(k, s, "construction", k) for k, s in inp.inputs.items()]
    if app is not None:
        out += _corridor_inputs(app, plan)
    return out


def scenario_model(
    scenario: ScenarioLike,
    paths: Sequence[str] | None = None,
    *,
    overrides: Iterable[str] = (),
    seed: int = 2025,
    outputs: Sequence[str] | None = None,
) -> ScenarioModel:
    """Compile a scenario into a model over its uncertain inputs (or the chosen ``paths``).

    Parameters
    ----------
    scenario : Scenario, str, Path or mapping
        As :func:`beringia.assess`.
    paths : sequence of str, optional
        Input paths of the design; default: every uncertain input.
    overrides : iterable of str
        ``--set`` overrides.
    seed : int
        Seed of the model's internal randomness.
    outputs : sequence of str, optional
        Output keys wanted (or their short names, :data:`OUTPUT_ALIASES`); the
        corridor runs only when one of its outputs is asked for. Default: all the scenario has.

    Raises
    ------
    ScenarioError
        For an unknown path, a path whose field is fixed, an unknown output, or an invalid
        scenario.
    """
    sc = as_scenario(scenario, overrides)
    check_money(sc)
    wanted = _outputs(outputs)
    alignment = alignment_for(sc)
    inp = anchor_programme(sc, compile_construction(sc, alignment))
    has_corridor = sc.corridor is not None and sc.operations is not None
    if any(k not in [o.key for o in OUTPUTS[:CONSTRUCTION_OUTPUTS]] for k in wanted or []):
        if not has_corridor:
            raise ScenarioError(
                "--outputs", ",".join(wanted or []), "cost, duration (the scenario has no corridor)"
            )
    corridor = has_corridor and (
        wanted is None or any(k not in ("cost_usd_bn", "duration_years") for k in wanted)
    )
    deepest = None if alignment is None else alignment.deepest_invert_m()
    app = scenario_appraisal(sc, deepest) if has_corridor else None
    every = _all_inputs(sc, inp, app, None)
    chosen = _choose(every, paths)
    if not corridor:  # the corridor's inputs move nothing the design looks at
        stray = [i.path for i in chosen if i.model == "corridor"]
        if paths is not None and stray:
            raise ScenarioError(
                "--inputs",
                stray[0],
                "a construction input (the outputs asked for are cost and "
                "duration; add npv, irr or traffic to --outputs for the corridor's inputs)",
            )
        chosen = [i for i in chosen if i.model == "construction"]
    plan = None
    if corridor:
        ops = assess_operations(sc, alignment, seed=seed)
        plan = scenario_plan(sc, ops, inp.length_m / 1000.0)
        if paths is None:  # capex rates of terrain the plan does not build have no effect
            chosen = _choose(_all_inputs(sc, inp, app, plan), None)
    if wanted is not None and "tunnel_irr" in wanted and "tunnel_pays_back" not in wanted:
        wanted.append("tunnel_pays_back")  # how often the IRR is defined at all
    return ScenarioModel(
        scenario=sc,
        inputs=tuple(chosen),
        construction=inp,
        seed=seed,
        money=money_factor(sc),
        plan=plan,
        appraisal=app if corridor else None,
        wanted=None if wanted is None else tuple(wanted),
    )


def _outputs(outputs: Sequence[str] | None) -> list[str] | None:
    if outputs is None:
        return None
    keys = {o.key for o in OUTPUTS}
    out = []
    for name in outputs:
        key = OUTPUT_ALIASES.get(name.strip(), name.strip())
        if key not in keys:
            raise ScenarioError("--outputs", name, f"allowed: {', '.join(OUTPUT_ALIASES)}")
        out.append(key)
    if not out:
        raise ScenarioError("--outputs", "(none)", f"allowed: {', '.join(OUTPUT_ALIASES)}")
    return out


def _choose(every: list[Input], paths: Sequence[str] | None) -> list[Input]:
    uncertain = [i for i in every if not i.spec.is_fixed]
    if paths is None:
        if not uncertain:
            raise ScenarioError(
                "inputs",
                "(none)",
                "a scenario with an uncertain input (a field with a distribution)",
            )
        return uncertain
    by_path = {i.path: i for i in every}
    out = []
    for p in paths:
        if p not in by_path:
            raise ScenarioError(
                "--inputs",
                p,
                f"a sampled input of the scenario ({len(uncertain)} uncertain, e.g. "
                f"{uncertain[0].path if uncertain else 'none'}; `beringia sensitivity --list`)",
            )
        if by_path[p].spec.is_fixed:
            raise ScenarioError(
                "--inputs", p, "an uncertain input: this field is fixed (give it a distribution)"
            )
        if by_path[p] in out:
            raise ScenarioError("--inputs", p, "each input once")
        out.append(by_path[p])
    if not out:
        raise ScenarioError("--inputs", "(none)", "at least one uncertain input")
    return out


def parse_group(text: str) -> tuple[str, list[str]]:
    """Parse ``name=path,path,...`` into a group name and its paths.

    Raises
    ------
    ScenarioError
        If the text has no ``=``, an empty name or no paths.
    """
    if "=" not in text:
        raise ScenarioError("--group", text, "allowed: name=path,path,...")
    name, raw = (s.strip() for s in text.split("=", 1))
    paths = [p.strip() for p in raw.split(",") if p.strip()]
    if not name or not paths:
        raise ScenarioError("--group", text, "allowed: name=path,path,... (a name and paths)")
    return name, paths


@dataclass(frozen=True)
class Factor:
    """A factor of the design: one input, a group of inputs, or the model's randomness."""

    name: str
    paths: tuple[str, ...]


def factors_of(names: Sequence[str], groups: Sequence[tuple[str, Sequence[str]]]) -> list[Factor]:
    """Return the design's factors: the groups, then every input in no group on its own.

    Raises
    ------
    ScenarioError
        If a grouped path is not an input of the design, is in two groups, or a group's name
        is taken twice or by an input.
    """
    grouped: dict[str, str] = {}
    out = []
    seen = set()
    for name, paths in groups:
        if name in seen or name == SEED_FACTOR:
            raise ScenarioError("--group", name, "a name not used by another group")
        seen.add(name)
        for p in paths:
            if p not in names:
                raise ScenarioError(
                    f"--group {name}", p, "an input of the design (see --inputs or --list)"
                )
            if p in grouped:
                raise ScenarioError(
                    f"--group {name}", p, f"a path in one group (also {grouped[p]})"
                )
            grouped[p] = name
        out.append(Factor(name, tuple(paths)))
    for p in names:
        if p not in grouped:
            if p in seen:
                raise ScenarioError("--group", p, "a group name that is not an input's path")
            out.append(Factor(p, (p,)))
    return out


@dataclass(frozen=True)
class OutputIndices:
    """The indices of every factor for one output.

    Attributes
    ----------
    output, label, unit : str
        The output.
    mean, sd : float
        Mean and standard deviation of the output over the design's evaluations.
    indices : dict
        Index name (Sobol: ``S1``, ``S1_conf``, ``ST``, ``ST_conf``; Morris: ``mu_star``,
        ``mu_star_conf``, ``mu``, ``sigma``) to one value per factor, in factor order; the
        ``_conf`` values are half-widths of the bootstrap confidence interval.
    noise : NoiseShare or None
        The estimated share of noise variance (``noise="mean"`` with ``k >= 2``).
    """

    output: str
    label: str
    unit: str
    mean: float
    sd: float
    indices: dict[str, list[float]]
    noise: NoiseShare | None = None


@dataclass(frozen=True)
class Sensitivity:
    """Sensitivity indices of a model's outputs, with how they were computed."""

    scenario: str
    method: str
    base_samples: int
    evaluations: int
    seed: int
    noise: str
    replications: int
    factors: list[Factor]
    outputs: list[OutputIndices]
    conf_level: float
    statements: dict[str, str]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON contract of ``beringia sensitivity --json`` (NaN as ``null``)."""

        def clean(v: float) -> float | None:
            return None if not math.isfinite(v) else round(v, 6)

        return {
            "scenario": self.scenario,
            "method": self.method,
            "base_samples": self.base_samples,
            "evaluations": self.evaluations,
            "seed": self.seed,
            "noise": {
                "method": self.noise,
                "replications": self.replications,
                "statement": self.statements["noise"],
            },
            "inputs": self.statements["inputs"],
            "conf_level": self.conf_level,
            "statements": self.statements,
            "factors": [{"name": f.name, "paths": list(f.paths)} for f in self.factors],
            "outputs": [
                {
                    "output": o.output,
                    "label": o.label,
                    "unit": o.unit,
                    "mean": clean(o.mean),
                    "sd": clean(o.sd),
                    "noise_share": None
                    if o.noise is None
                    else {
                        "single_draw": clean(o.noise.single),
                        "of_means": clean(o.noise.of_means),
                    },
                    "indices": {
                        f.name: {k: clean(v[i]) for k, v in o.indices.items()}
                        for i, f in enumerate(self.factors)
                    },
                }
                for o in self.outputs
            ],
            "seconds": round(self.seconds, 3),
        }

    def to_frame(self) -> pd.DataFrame:
        """Return one row per output and factor: the indices and their interval half-widths."""
        import pandas as pd

        rows = []
        for o in self.outputs:
            for i, f in enumerate(self.factors):
                row: dict[str, Any] = {"output": o.output, "factor": f.name}
                row |= {k: v[i] for k, v in o.indices.items()}
                rows.append(row)
        return pd.DataFrame(rows)


def _problem(factors: Sequence[Factor], noise_factor: bool) -> dict[str, Any]:
    names = [p for f in factors for p in f.paths]
    groups = [f.name for f in factors for _ in f.paths]
    if noise_factor:
        names.append(SEED_FACTOR)
        groups.append(SEED_FACTOR)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[0.0, 1.0]] * len(names),
        "groups": groups,
    }


def replications_for(noise: str, replications: int | None) -> int:
    """Return ``k``: as given, else the default for ``mean`` and 1 for ``group``."""
    if replications is not None:
        return replications
    return 1 if noise == "group" else DEFAULT_REPLICATIONS


def _constant(y: FloatArray) -> bool:
    """Whether ``y`` is constant up to rounding (relative spread below 1e-12)."""
    return bool(np.ptp(y) <= 1e-12 * max(1.0, float(np.max(np.abs(y)))))


def check_design(method: str, n: int, noise: str, replications: int | None) -> None:
    """Reject an unknown method or noise treatment, a bad ``N`` or ``k``, before any run."""
    if method not in METHODS:
        raise ScenarioError("--method", method, f"allowed: {', '.join(METHODS)}")
    if noise not in NOISE_METHODS:
        raise ScenarioError("--noise", noise, f"allowed: {', '.join(NOISE_METHODS)}")
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_BASE_SAMPLES:
        raise ScenarioError("-N", n, f"allowed: an integer from 2 to {MAX_BASE_SAMPLES:,}")
    if method == "sobol" and not check_power_of_two(n):
        lower = 1 << (n.bit_length() - 1)
        raise ScenarioError(
            "-N", n, f"a power of 2 for Sobol sequences (e.g. {lower:,} or {2 * lower:,})"
        )
    replications = replications_for(noise, replications)
    if not isinstance(replications, int) or not 1 <= replications <= MAX_REPLICATIONS:
        raise ScenarioError("--replications", replications, f"allowed: 1 to {MAX_REPLICATIONS}")
    if noise == "group" and replications != 1:
        raise ScenarioError(
            "--replications", replications, "1 with --noise group (the randomness is a factor)"
        )


def _statement(noise: str, k: int, method: str) -> str:
    if noise == "group":
        return (
            f"internal randomness (ground sequences, rare events, inputs not in the design) as "
            f"its own factor '{SEED_FACTOR}': rows sharing its value share every random number; "
            + (
                "its indices are the share of variance the randomness explains, the other "
                "factors' are those of the whole stochastic model"
                if method == "sobol"
                else "its mu* is the effect of drawing the randomness afresh, beside the inputs'"
            )
        )
    noisy = (
        "the share of noise variance is estimated from the spread of the replications"
        if k >= 2
        else "with k = 1 the noise share cannot be estimated and it inflates the variance"
    )
    return (
        f"indices of the conditional mean: each point is the mean of k = {k} replications of "
        "the internal randomness (ground sequences, rare events, inputs not in the design) on "
        "common random numbers (every point of a "
        + ("Saltelli group" if method == "sobol" else "Morris trajectory")
        + f" sees the same {k} replications); {noisy}. The indices are fractions of the "
        "variance of the k-replication means: they fall short of one by the noise share of "
        "the means"
    )


def run_design(
    model: Model,
    names: Sequence[str],
    *,
    method: str = "sobol",
    n: int = 256,
    seed: int = 2025,
    noise: str = "mean",
    replications: int | None = None,
    groups: Sequence[tuple[str, Sequence[str]]] = (),
    conf_level: float = 0.95,
    num_resamples: int = 200,
    scenario: str = "",
    labels: Mapping[str, Output] | None = None,
    mapper: Mapper = map,
    progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """Sample, evaluate and analyse a design over ``model`` (any :class:`Model`).

    Parameters
    ----------
    model : Model
        The model; its inputs are ``names`` (columns of ``u``) in that order.
    names : sequence of str
        Input names.
    method : str
        ``sobol`` (Saltelli sampling, first and total order, bootstrap intervals) or
        ``morris`` (``n`` trajectories on :data:`MORRIS_LEVELS` levels; mu*, sigma).
    n : int
        Sobol base samples (a power of 2) or Morris trajectories.
    seed : int
        Seed of the sample and of the bootstrap.
    noise : str
        ``mean`` or ``group`` (module docstring).
    replications : int, optional
        ``k`` for ``noise="mean"`` (default :data:`DEFAULT_REPLICATIONS`; 1 for ``group``).
    groups : sequence of (name, paths)
        Inputs moved together as one factor.
    conf_level, num_resamples : float, int
        Bootstrap confidence level and resamples.
    scenario : str
        Name for the record.
    labels : mapping, optional
        Output key to its :class:`Output` (label and unit).
    mapper : callable
        ``map``-like runner of the evaluation tasks (a Dask client's can go here).
    progress : callable, optional
        ``progress(done, total)`` after each task.
    """
    from SALib.analyze import morris as morris_analyze  # type: ignore[import-untyped]
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample  # type: ignore[import-untyped]
    from SALib.sample import sobol as sobol_sample

    check_design(method, n, noise, replications)
    replications = replications_for(noise, replications)
    if not names:
        raise ScenarioError("--inputs", "(none)", "at least one input")
    t0 = time.perf_counter()
    factors = factors_of(names, groups)
    # SALib samples the columns in the order of problem["names"]: the model's order, grouped
    order = [p for f in factors for p in f.paths]
    problem = _problem(factors, noise == "group")
    if method == "sobol":
        u = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
        width = len(factors) + (noise == "group") + 2
    else:
        raw = morris_sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
        # Levels from the 1st to the 99th percentile: no quantile 0 or 1 (infinite tails)
        u = MORRIS_TAIL + raw * (1.0 - 2.0 * MORRIS_TAIL)
        width = len(factors) + (noise == "group") + 1
    position = {p: i for i, p in enumerate(order)}
    cols = [position[p] for p in names] + ([len(order)] if noise == "group" else [])
    u_model = u[:, cols]
    means, within = evaluate_sample(
        model,
        u_model,
        width,
        replications=replications,
        seed_column=len(names) if noise == "group" else None,
        mapper=mapper,
        progress=progress,
    )
    shares = noise_shares(means, within, replications) if within is not None else None
    all_factors = factors + ([Factor(SEED_FACTOR, ())] if noise == "group" else [])
    results = []
    constant: list[str] = []
    for o, key in enumerate(model.outputs):
        y = means[:, o]
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if method == "sobol":
                r = sobol_analyze.analyze(
                    problem,
                    y,
                    calc_second_order=False,
                    num_resamples=num_resamples,
                    conf_level=conf_level,
                    seed=seed,
                )
                idx = {k: [float(v) for v in r[k]] for k in ("S1", "S1_conf", "ST", "ST_conf")}
            else:
                r = morris_analyze.analyze(
                    problem,
                    raw,
                    y,
                    num_resamples=num_resamples,
                    conf_level=conf_level,
                    num_levels=MORRIS_LEVELS,
                    seed=seed,
                )
                idx = {
                    k: [float(v) for v in np.ma.filled(r[k], np.nan)]
                    for k in ("mu_star", "mu_star_conf", "mu", "sigma")
                }
        if _constant(y):  # no variance to share out (rounding aside): the indices are undefined
            idx = {k: [math.nan] * len(v) for k, v in idx.items()}
            constant.append(key)
        out = (labels or {}).get(key, Output(key, key, ""))
        results.append(
            OutputIndices(
                output=key,
                label=out.label,
                unit=out.unit,
                mean=float(np.mean(y)),
                sd=float(np.std(y, ddof=1)) if y.shape[0] > 1 else 0.0,
                indices=idx,
                noise=None if shares is None else shares[o],
            )
        )
    statements = {
        "inputs": INPUT_MAPPING,
        "noise": _statement(noise, replications, method),
        "method": (
            "Sobol first-order (S1) and total-order (ST) indices, Saltelli sampling "
            f"(scrambled Sobol sequence, N = {n:,} base samples, N (D + 2) points), Saltelli "
            f"2010 / Jansen estimators, {100 * conf_level:.0f} % bootstrap intervals "
            f"({num_resamples} resamples) [SALib]"
            if method == "sobol"
            else f"Morris elementary effects, {n} trajectories on {MORRIS_LEVELS} levels (each "
            f"input's quantiles {MORRIS_TAIL:g} to {1 - MORRIS_TAIL:g}), mu* with "
            f"{100 * conf_level:.0f} % bootstrap intervals, sigma (NaN for a group) [SALib]; "
            "effects are in output units per unit of the quantile scale"
        ),
    }
    if constant:
        statements["constant"] = (
            f"{', '.join(constant)} did not change over the design (the inputs do not move "
            "it): its indices are undefined (null)"
        )
    return Sensitivity(
        scenario=scenario,
        method=method,
        base_samples=n,
        evaluations=int(u.shape[0]) * replications,
        seed=seed,
        noise=noise,
        replications=replications,
        factors=all_factors,
        outputs=results,
        conf_level=conf_level,
        statements=statements,
        seconds=time.perf_counter() - t0,
    )


def sensitivity(
    scenario: ScenarioLike,
    *,
    inputs: Sequence[str] | None = None,
    groups: Sequence[tuple[str, Sequence[str]]] = (),
    method: str = "sobol",
    n: int = 128,
    seed: int = 2025,
    noise: str = "mean",
    replications: int | None = None,
    overrides: Iterable[str] = (),
    outputs: Sequence[str] | None = None,
    conf_level: float = 0.95,
    num_resamples: int = 200,
    mapper: Mapper = map,
    progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """Sobol or Morris indices of a scenario's outputs over its uncertain inputs.

    Parameters
    ----------
    scenario : Scenario, str, Path or mapping
        As :func:`beringia.assess`.
    inputs : sequence of str, optional
        Input paths (default: every uncertain input of the scenario).
    groups : sequence of (name, paths)
        Inputs moved together as one factor (:func:`parse_group`).
    method, n, seed, noise, replications, conf_level, num_resamples, mapper, progress
        As :func:`run_design`.
    overrides : iterable of str
        ``--set`` overrides.
    outputs : sequence of str, optional
        Outputs wanted (:func:`scenario_model`).

    Returns
    -------
    Sensitivity
        Indices per output and factor, with the method stated.

    Raises
    ------
    ScenarioError
        For bad input (unknown method, ``N`` not a power of 2 for Sobol, unknown or fixed
        input path, bad group), before any model run.
    """
    check_design(method, n, noise, replications)
    check_run_arguments(1, seed, 1)
    model = scenario_model(scenario, inputs, overrides=overrides, seed=seed, outputs=outputs)
    names = model.names
    factors_of(names, groups)  # group errors before the operations model runs
    result = run_design(
        model,
        names,
        method=method,
        n=n,
        seed=seed,
        noise=noise,
        replications=replications,
        groups=groups,
        conf_level=conf_level,
        num_resamples=num_resamples,
        scenario=model.scenario.name,
        labels={o.key: o for o in OUTPUTS},
        mapper=mapper,
        progress=progress,
    )
    if model.plan is not None:
        result.statements["noise"] += (
            ". With the corridor, the quantities drawn per route, leg or node (terminal and "
            "port days, access legs, sea freight rates, border dwell) and the corridor capex's "
            "reference-class overrun (corridor.uplift) are part of that randomness"
        )
    pays = [o for o in result.outputs if o.output == "tunnel_pays_back"]
    if pays:
        result.statements["irr"] = (
            f"the tunnel's IRR is undefined (its flows never repay the capex) in "
            f"{100 * (1.0 - pays[0].mean):.1f} % of evaluations; those count at the grid's floor "
            f"{signed(f'{100 * IRR_RATE_MIN:.0f}')} %, so the IRR's indices mix whether it pays "
            "with how well (tunnel_pays_back gives the first alone)"
        )
    return result


def uncertain_inputs(scenario: ScenarioLike, overrides: Iterable[str] = ()) -> list[Input]:
    """Return the inputs of the default design: every uncertain input the models draw once.

    With a corridor, its plan is made (the operations model runs) so that capex rates of
    terrain the corridor does not build are left out, as :func:`scenario_model` leaves them.
    """
    return list(scenario_model(scenario, overrides=overrides).inputs)


__all__ = [
    "METHODS",
    "OUTPUTS",
    "SEED_FACTOR",
    "Factor",
    "Input",
    "Output",
    "OutputIndices",
    "ScenarioModel",
    "Sensitivity",
    "check_design",
    "factors_of",
    "parse_group",
    "run_design",
    "scenario_model",
    "sensitivity",
    "uncertain_inputs",
]
