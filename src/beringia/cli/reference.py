"""``beringia claims`` and ``beringia hindcast``: the claim checker and the model's track record."""

from __future__ import annotations

import json
import math
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from beringia.cli.base import app, err, fail, out, report_written, write_page
from beringia.cli.options import (
    DEFAULT_SCENARIO,
    DrawsOpt,
    FiguresOpt,
    JsonOpt,
    OverridesOpt,
    PageOpt,
    ProcessesOpt,
    ScenarioArg,
    SeedOpt,
)
from beringia.cli.progress import stage_bars
from beringia.errors import BeringiaError, ScenarioError
from beringia.models.numfmt import money_bn, percent
from beringia.output import check_output_path

if TYPE_CHECKING:
    from beringia.pipeline import HindcastReport
    from beringia.pipeline.hindcast_scores import Metric
    from beringia.scenario.model import Scenario


def _parse_claim(raw: str) -> dict[str, Any]:
    """Parse a ``--claim`` value: a TOML inline table."""
    try:
        value = tomllib.loads(f"claim = {raw}")["claim"]
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(
            "--claim",
            raw,
            f"expected a TOML inline table like "
            f'{{name = "mine", max_cost_bn = 12, source = "..."}} ({exc})',
        ) from None
    if not isinstance(value, dict):
        raise ScenarioError("--claim", raw, "expected a TOML inline table {name = ..., ...}")
    return value


def _stated(c: dict[str, Any], currency: str, base_year: int) -> str:
    if c.get("max_cost_bn") is None:
        return "-"
    return f"{c['max_cost_bn']:g}bn {c.get('currency') or currency} {c.get('year') or base_year}"


@app.command()
def claims(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    add: Annotated[
        list[str] | None,
        typer.Option(
            "--claim",
            help='Add a claim, a TOML inline table: {name = "...", max_cost_bn = 12, '
            'max_duration_years = 10, currency = "EUR", year = 2020, source = "..."}.',
        ),
    ] = None,
    draws: DrawsOpt = 20_000,
    seed: SeedOpt = 2025,
    overrides: OverridesOpt = None,
    as_json: JsonOpt = False,
    processes: ProcessesOpt = 1,
    report: PageOpt = None,
    whatif: Annotated[
        bool,
        typer.Option(
            "--whatif",
            help="End each tunnel claim with what would have to be true for it (beringia "
            "whatif's joint search over the 4 inputs that matter most, 2,000 draws a run; "
            "slower).",
        ),
    ] = False,
) -> None:
    """Check each claim: its probability, implied unit cost and a quotable sentence."""
    import beringia
    from beringia.pipeline.assess import check_run_arguments

    written = None
    try:
        check_run_arguments(draws, seed, processes)
        if report is not None:
            check_output_path(report, field="--report")
        added = [_parse_claim(c) for c in add or []]
        with stage_bars(not as_json and sys.stdout.isatty()) as progress:
            result = beringia.claims(
                scenario,
                add=added,
                overrides=overrides or [],
                draws=draws,
                seed=seed,
                processes=processes,
                progress=progress,
            )
        true_if = _what_would_have_to_be_true(result.scenario, seed) if whatif else {}
        if report is not None:
            written = write_page(report, lambda p: beringia.write_report(result, p))
    except BeringiaError as exc:
        raise fail(exc) from None
    sc = result.scenario
    d = result.to_dict()
    for cl in d["claims"]:
        if cl["name"] in true_if:
            cl["what_would_have_to_be_true"] = true_if[cl["name"]]
    ref = d["reference"]
    if as_json:
        payload = {
            "scenario": d["scenario"],
            "seed": seed,
            "draws": draws,
            "price_base": result.provenance["price_base"],
            "construction": {
                "cost_usd_bn": d["construction"]["cost_usd_bn"],
                "duration_years": d["construction"]["duration_years"],
            },
            "reference": ref,
            "claims": d["claims"],
            "claims_not_tested": result.provenance.get("claims_not_tested", []),
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        report_written(written, as_json=True)
        return
    out.print(f"[bold]{escape(sc.title or sc.name)}[/]  ({escape(sc.name)}), {draws:,} draws")
    unit = ref["unit_cost_usd_m_per_bore_km"]
    out.print(
        f"Scenario: ${unit['p50']:,.0f}m per bore-km at its median cost "
        f"(percentile {ref['unit_cost_percentile_in_reference']:.0f} of the tunnels built or "
        "under construction); "
        f"{ref['bore_km']:,.1f} bore-km."
    )
    t = Table(title="Claims (2025 USD)", title_justify="left")
    cols = ("claim", "scope", "as stated", "cost <=", "years <=", "probability", "USD m/bore-km")
    for col in cols:
        t.add_column(col, justify="left" if col in ("claim", "scope", "as stated") else "right")
    given = {c.name: c.model_dump() for c in sc.claims}
    for cl in d["claims"]:
        unit_c = cl["implied_usd_m_per_bore_km"]
        pct = cl["unit_cost_percentile_in_reference"]
        t.add_row(
            escape(cl["name"]),
            cl.get("scope", "tunnel"),
            escape(_stated(given[cl["name"]], sc.currency, sc.price_base_year)),
            "-" if cl["max_cost_usd_bn"] is None else money_bn(cl["max_cost_usd_bn"]),
            "-" if cl["max_duration_years"] is None else f"{cl['max_duration_years']:g}",
            percent(cl["probability"], draws),
            "-" if unit_c is None else f"{unit_c:,.0f} (P{pct:.0f})",
        )
    out.print(t)
    for cl in d["claims"]:
        out.print(f"- {escape(cl['sentence'])}")
        if "what_would_have_to_be_true" in cl:
            out.print(f"  What would have to be true: {escape(cl['what_would_have_to_be_true'])}")
    for u in result.provenance.get("claims_not_tested", []):
        out.print(
            f"[yellow]not tested:[/] {escape(u['name'])} (scope {u['scope']}): "
            f"{escape(u['reason'])}"
        )
    for f in ref["flags"]:
        out.print(f"[yellow]flag:[/] {escape(f['message'])}")
    report_written(written, as_json=False)


WHATIF_TOP = 4
"""Inputs the claims checker's ``--whatif`` moves (the strongest; ``beringia whatif`` for more)."""
WHATIF_DRAWS = 2_000


def _what_would_have_to_be_true(sc: Scenario, seed: int) -> dict[str, str]:
    """Return, per tunnel claim with a cost or time limit, whatif's joint sentence."""
    from beringia.pipeline.whatif import what_if

    out = {}
    for c in sc.claims:
        if c.scope != "tunnel" or (c.max_cost_bn is None and c.max_duration_years is None):
            continue
        answer = what_if(sc, c.name, top=WHATIF_TOP, draws=WHATIF_DRAWS, seed=seed)
        out[c.name] = answer.sentences()[-1]
    return out


PIPED_WIDTH = 200
"""Width of the hindcast tables when stdout is not a terminal: wide enough that no column
is ever cut (rich would otherwise assume 80 columns)."""


def _hindcast_table(rep: HindcastReport, metric: Metric) -> Table:
    from beringia.pipeline.hindcast_scores import official_forecast, percentile_text

    is_cost = metric == "cost"
    title = "Cost (2025 USD bn)" if is_cost else "Duration (years)"
    t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for col in ("tunnel", "actual", "P10", "P50", "P90", "pct", "inside", "official"):
        left = col in ("tunnel", "inside")
        t.add_column(col, justify="left" if left else "right", no_wrap=col != "tunnel")
    fmt = ",.2f" if is_cost else ".1f"
    for c in rep.cases:
        q = c.cost_usd_bn if is_cost else c.duration_years
        actual = c.actual_cost_usd_bn if is_cost else c.actual_duration_years
        pct = c.cost_percentile_of_actual if is_cost else c.duration_percentile_of_actual
        inside = c.cost_inside if is_cost else c.duration_inside
        off = official_forecast(c, metric)
        bound = c.cost_upper_bound_usd_bn if is_cost else None
        if actual is None and bound is not None and c.cost_percentile_of_bound is not None:
            shown, pct_shown = (
                f"<= {bound:{fmt}}",
                f"({percentile_text(c.cost_percentile_of_bound, rep.draws)})",
            )
        else:
            shown = "-" if actual is None else format(actual, fmt)
            pct_shown = "-" if pct is None else percentile_text(pct, rep.draws)
        t.add_row(
            escape(c.name),
            shown,
            format(q["p10"], fmt),
            format(q["p50"], fmt),
            format(q["p90"], fmt),
            pct_shown,
            "-" if inside is None else ("yes" if inside else "NO"),
            "-" if off is None else format(off, fmt),
        )
    return t


def _unused_lines(rep: HindcastReport) -> list[str]:
    """One line per case whose compile notes list fields it does not use: ``label: fields``."""
    from beringia.models.blind.compile import UNUSED_NOTE, UNUSED_WHY

    out = []
    for c in rep.cases:
        nb = c.not_blind or ""
        at = nb.find(UNUSED_NOTE)
        if at >= 0:
            text = nb[at + len(UNUSED_NOTE) :].rstrip(".")
            for why in UNUSED_WHY.values():
                text = text.replace(why, "")
            out.append(f"{c.label}: {text}")
    return out


def _model_notes(rep: HindcastReport) -> tuple[list[str], list[tuple[str, str]]]:
    """Return the compile's notes: those every case shares, then each case's own (label, note).

    The note of fields recorded but not used has its own section and is left out here.
    """
    from beringia.models.blind.compile import UNUSED_NOTE

    notes = [[n for n in c.model_notes if not n.startswith(UNUSED_NOTE)] for c in rep.cases]
    shared = [n for n in notes[0] if all(n in other for other in notes[1:])] if notes else []
    own = [
        (c.label, n) for c, ns in zip(rep.cases, notes, strict=True) for n in ns if n not in shared
    ]
    return shared, own


def _print_hindcast(rep: HindcastReport) -> None:
    from beringia.pipeline.hindcast_scores import (
        COVERAGE_GOAL,
        INTERVAL_LEVEL,
        LOG_ERROR_GOAL,
        METRICS,
        findings,
        metric_scores,
        structural_limits,
        widened_cases,
    )

    # rich lays a table out to the console's width, 80 columns when stdout is not a terminal
    tables = out if out.is_terminal else Console(highlight=False, width=PIPED_WIDTH)
    later = len(widened_cases(rep.cases))
    kind = (
        "blind (compiled from tunnels finished before each decision"
        + (f"; {later} of them partly from later ones, too few being earlier" if later else "")
        + "; model error learned from the other cases)"
        if rep.blind
        else "anchored to each project's estimate; schedules "
        + ("anchored to its programme" if rep.programme else "bottom-up alone")
    )
    out.print(
        f"[bold]Hindcasts[/]: {len(rep.cases)} built tunnel{'' if len(rep.cases) == 1 else 's'}, "
        f"{rep.draws:,} draws each, "
        f"seed {rep.seed}; {kind}" + "".join(f"; --set {escape(o)}" for o in rep.overrides)
    )
    for m in METRICS:
        tables.print(_hindcast_table(rep, m))
    s = {m: metric_scores(rep.cases, m) for m in METRICS if rep.scored(m)}

    def cov(m: Metric) -> str:
        if m not in s:
            return f"{m} not scored"
        lo, hi = s[m].interval
        return f"{m} {s[m].inside} of {s[m].n} ({100 * lo:.0f} % to {100 * hi:.0f} %)"

    def err_(m: Metric) -> str:
        return f"{m} {s[m].spread:.3f}" if m in s else f"{m} not scored"

    out.print(
        f"Inside P10-P90: {cov('cost')}, {cov('duration')} (in brackets: the exact "
        f"{100 * INTERVAL_LEVEL:.0f} % interval of the true coverage; goal >= "
        f"{100 * COVERAGE_GOAL:.0f} %)"
    )
    out.print(
        f"Median |ln(P50 / actual)|: {err_('cost')}, {err_('duration')} (goal <= {LOG_ERROR_GOAL})"
    )
    out.print(
        "pct: the share of the model's draws below the actual; 'NO': the actual lies outside "
        "the predicted P10-P90; official: the forecast made at the time (the estimate at "
        "decision, converted like the actual, and the project's own programme); '-': none "
        "(a cost outturn that covers more than the tunnel is not scored); '<=': the outturn "
        "of a wider scope, an upper bound on the tunnel's cost, with the share of draws below "
        "it in brackets."
    )
    me = rep.residual_dict()
    if me is not None:
        f = me["factor_p10_p50_p90"]
        out.print(
            f"Model error learned from all {me['cases']} cases (actual / bottom-up P50, "
            f"P10/P50/P90): cost {f['cost'][0]:.2f} / {f['cost'][1]:.2f} / {f['cost'][2]:.2f}, "
            f"duration {f['duration'][0]:.2f} / {f['duration'][1]:.2f} / "
            f"{f['duration'][2]:.2f}; correlation {me['correlation']:.2f}."
        )
    unused = _unused_lines(rep)
    if unused:
        out.print(
            "\n[bold]Recorded but not used[/] by the blind compile (they change nothing in the "
            "hindcast: the ground is not read; a bore's diameter is diameter_m or generic, "
            "never area_m2; tbm_count, machines_reused and reuse_rule are read only all "
            "together, with tbm_count below the TBM headings)"
        )
        for line in unused:
            out.print(f"- {escape(line)}")
    shared, own = _model_notes(rep)
    if shared or own:
        out.print("\n[bold]How the cases were modelled[/] (the compile's notes)")
        for note in shared:
            who = "Every case" if len(rep.cases) > 1 else rep.cases[0].label
            out.print(f"- {escape(who)}: {escape(note)}")
        for label, note in own:
            out.print(f"- {escape(label)}: {escape(note)}")
    out.print("\n[bold]What the model gets wrong[/] (computed from this run)")
    for note in findings(rep):
        out.print(f"- {escape(note)}")
    out.print("\n[bold]True whatever the cases[/]")
    for note in structural_limits(rep.blind):
        out.print(f"- {escape(note)}")


@app.command()
def hindcast(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Case names (blind), or with --anchored hindcast names or TOML files.",
            show_default="every case",
        ),
    ] = None,
    draws: DrawsOpt = 4000,
    seed: SeedOpt = 2025,
    overrides: OverridesOpt = None,
    as_json: JsonOpt = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write the hindcast page (HTML) to this file.",
            show_default="none",
        ),
    ] = None,
    processes: ProcessesOpt = 1,
    bottom_up: Annotated[
        bool,
        typer.Option(
            "--bottom-up",
            help="With --anchored: ignore each project's programme, score the bottom-up schedule.",
        ),
    ] = False,
    anchored: Annotated[
        bool,
        typer.Option(
            "--anchored",
            help="Run the hand-built hindcast scenarios (costs split from each project's own "
            "estimate) instead of the blind cases.",
        ),
    ] = False,
    cases: Annotated[
        Path | None,
        typer.Option(
            "--cases",
            help="More finished tunnels to run blind, in the layout of data/tunnel_cases.toml.",
        ),
    ] = None,
    figures: FiguresOpt = None,
) -> None:
    """Run built tunnels through the model with pre-construction inputs; score the forecasts.

    By default every finished tunnel of data/tunnel_cases.toml (and --cases) runs blind: its
    unit cost and advance laws are learned from tunnels finished before its decision, its
    model error from the other cases. A --set path=value applies to every hindcast run;
    --set CASE:path=value (blind) to that case alone, e.g. --set
    channel-tunnel:route.attack_points.sangatte.chainage_km=47. The model error is
    learned again from the changed cases, so a change made to every case moves the inside
    views more than the calibrated forecasts. A --set path names a field of the compiled
    scenario, not of the case: the costs were already split from the learned rate on the
    case's own bores, so e.g. a bore's diameter_m set so changes its advance and its
    per-km civil cost, not its systems or owner's costs; to re-learn everything from a
    changed case, change the case (--cases).
    """
    import beringia
    from beringia.pipeline.assess import check_run_arguments

    try:
        check_run_arguments(draws, seed, processes)
        if bottom_up and not anchored:
            raise ScenarioError(
                "--bottom-up", "true", "only with --anchored (a blind hindcast is never anchored)"
            )
        if report is not None:
            check_output_path(report, field="--report")
        if figures is not None:
            from beringia.report.export import check_figures_dir

            check_figures_dir(figures)
        show = not as_json and sys.stderr.isatty()
        rep = beringia.hindcast(
            names,
            draws=draws,
            seed=seed,
            processes=processes,
            progress=(lambda n, i, k: err.print(f"[{i}/{k}] {escape(n)}")) if show else None,
            programme=not bottom_up,
            overrides=overrides or [],
            anchored=anchored,
            cases_file=cases,
        )
        written = None
        if report is not None:
            from beringia.report.hindcast import write_hindcast_report

            try:
                written = write_hindcast_report(rep, report)
            except OSError as exc:
                raise ScenarioError(
                    "--report", str(report), f"cannot write: {exc.strerror}"
                ) from None
        if figures is not None:
            from beringia.report.export import write_figures
            from beringia.report.hindcast import hindcast_figures

            images = write_figures(hindcast_figures(rep), figures)
            (err if as_json else out).print(f"{len(images)} images in {escape(str(figures))}")
    except BeringiaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(rep.to_dict(), indent=2) + "\n")
    else:
        _print_hindcast(rep)
    if written is not None:
        (err if as_json else out).print(f"Hindcast page: {escape(str(written))}")


@app.command()
def reference(
    as_json: JsonOpt = False,
) -> None:
    """Print the reference set of real tunnels, every cost in 2025 USD and per km."""
    from beringia.models.reference.dataset import reference_rows, reference_table
    from beringia.scenario.reference import COST_SCOPES

    rows = reference_rows()
    tab = reference_table(rows, scopes=COST_SCOPES)
    whole = reference_table(rows)  # per-km figures only where the cost covers the tunnel
    records: list[dict[str, Any]] = []
    for i, r in enumerate(rows):
        records.append(
            {
                "name": r.name,
                "status": r.status,
                "length_km": r.length_km,
                "bores": r.bores,
                "cost_as_reported": None
                if r.cost is None
                else {
                    "amount": r.cost.amount,
                    "currency": r.cost.currency,
                    "year": r.cost.year,
                    "scope": r.cost.scope,
                },
                "cost_usd_bn": _finite(tab.cost_usd_bn[i]),
                "usd_m_per_route_km": _finite(whole.usd_m_per_route_km[i]),
                "usd_m_per_bore_km": _finite(whole.usd_m_per_bore_km[i]),
                "overrun_ratio": _finite(tab.overrun_ratio[i]),
                "duration_years": _finite(tab.duration_years[i]),
                "unverified": bool(tab.unverified[i]),
                "sources": list(r.sources),
            }
        )
    if as_json:
        sys.stdout.write(json.dumps({"price_base": "2025 USD", "rows": records}, indent=2) + "\n")
        return
    t = Table(title="Reference tunnels (2025 USD)", title_justify="left")
    cols = ("tunnel", "status", "km", "bores", "USD bn", "scope", "m/route-km", "m/bore-km")
    for col in (*cols, "overrun"):
        t.add_column(col, justify="left" if col in ("tunnel", "status", "scope") else "right")

    def cell(v: float | None, fmt: str) -> str:
        return "-" if v is None else format(v, fmt)

    for rec in records:
        t.add_row(
            escape(rec["name"]) + (" [yellow]?[/]" if rec["unverified"] else ""),
            rec["status"],
            f"{rec['length_km']:g}",
            str(rec["bores"]),
            cell(rec["cost_usd_bn"], ",.2f"),
            "-" if rec["cost_as_reported"] is None else rec["cost_as_reported"]["scope"],
            cell(rec["usd_m_per_route_km"], ",.0f"),
            cell(rec["usd_m_per_bore_km"], ",.0f"),
            cell(rec["overrun_ratio"], ".2f"),
        )
    out.print(t)
    out.print(
        "Per-km figures only where the cost covers the tunnel (scope tunnel, or tunnel-civil: "
        "civil works only); the claim checker ranks whole-tunnel costs only. '?': a figure is "
        "unverified. Sources: `beringia reference --json`."
    )


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None
