"""``beringia corridor``: the railway behind the tunnel, door-to-door routes and economics."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.markup import escape
from rich.table import Table

from beringia.cli.base import app, fail, out, report_written, write_page
from beringia.cli.options import (
    DEFAULT_SCENARIO,
    DrawsOpt,
    JsonOpt,
    OverridesOpt,
    PageOpt,
    ProcessesOpt,
    ScenarioArg,
    SeedOpt,
)
from beringia.cli.progress import stage_bars
from beringia.errors import BeringiaError
from beringia.models.numfmt import percent, quantile_spread
from beringia.output import check_output_path


def _range(q: dict[str, Any] | None, fmt: str, scale: float = 1.0, *, whole: bool = False) -> str:
    """``P50 (P10 to P90)`` of a quantile dict with real minus signs; ``-`` if missing."""
    if q is None:
        return "-"
    return quantile_spread(q, fmt, scale, whole=whole)


def corridor_lines(d: dict[str, Any]) -> list[str]:
    """Key lines of the corridor and economics sections of ``assess --json`` (plain text)."""
    c, e = d["corridor"], d["economics"]
    by_country = ", ".join(f"{k} {v:,.0f}" for k, v in c["new_build_km_by_country"].items())
    lines = [
        f"Corridor: {c['network_km']:,.0f} km of railway, {c['new_build_km']:,.0f} km new build "
        f"({by_country}), {c['upgrade_km']:,.0f} km upgraded; corridor capex (tunnel excluded) "
        f"USD bn {_range(c['capex_usd_bn'], ',.1f')}; traffic from year "
        f"{_range(c['opening_year'], '.0f', whole=True)} after notice to proceed.",
    ]
    t = c.get("traffic")
    if t is not None:
        carried = t["carried_teu_per_year"]
        each = ", ".join(
            f"{k} demand {_range(q, ',.0f')}, carried {_range(carried[k], ',.0f')}"
            for k, q in t["demand_teu_per_year"].items()
        )
        lines.append(
            f"Traffic (TEU a year): capacity {t['capacity_teu_per_year_per_direction']:,.0f} "
            f"each way; {each}."
        )
    for name in ("tunnel", "corridor"):
        p = e[name]
        irr = (
            "none in any draw (the yearly cash never turns positive)"
            if p["irr"] is None
            else _range(p["irr"], ".1f", 100.0)
        )
        if p["irr"] is not None and p["irr_defined_share"] != 1:
            irr += (
                f" where defined ({percent(p['irr_defined_share'], d['draws'])} of draws; none "
                "in the rest: the yearly cash never turns positive, or the rate is below -99 %)"
            )
        pay = p["payback"]
        econ = p.get("economic")
        econ_text = (
            ""
            if econ is None
            else f"; economic NPV USD bn {_range(econ['npv_usd_bn'], ',.1f')}, "
            f"economic BCR {_range(econ['benefit_cost_ratio'], '.2f')}"
        )
        lines.append(
            f"Economics, {'tunnel alone' if name == 'tunnel' else 'whole corridor'} "
            f"({_rate_label(e)}, residual value excluded): financial NPV USD bn "
            f"{_range(p['npv_usd_bn'], ',.1f')}, P(NPV > 0) "
            f"{percent(p['p_npv_positive'], d['draws'])}, IRR % {irr}; pays back within the "
            f"horizon in {percent(pay['p_within_horizon'], d['draws'])} of draws{econ_text}."
        )
    return lines


def _rate_label(e: dict[str, Any]) -> str:
    """Return ``at a fixed 5.0 % real`` or ``at a drawn real rate, P10-P90 ...``."""
    q = e["discount_rate"]
    if e.get("discount_rate_fixed", False):
        return f"at a fixed {100 * q['p50']:.1f} % real"
    return f"at a drawn real rate, P10-P90 {100 * q['p10']:.1f}-{100 * q['p90']:.1f} %"


def _economics_table(e: dict[str, Any], draws: int) -> Table:
    """Return the financial and economic appraisal, tunnel alone beside the whole corridor."""
    et = Table(
        title=f"Appraisal (2025 USD, real, {_rate_label(e)}; {e['horizon_years']} years of "
        "operation), P50 (P10 to P90). Financial unless 'economic'; the residual value is "
        "left out unless 'with residual'; payback and break-even both ways",
        title_justify="left",
    )
    for col in ("", "tunnel alone", "whole corridor"):
        et.add_column(col, justify="right" if col else "left")
    t, w = e["tunnel"], e["corridor"]
    rows: list[tuple[str, Any, str, float]] = [
        ("capex (USD bn)", lambda x: x["capex_usd_bn"], ",.1f", 1.0),
        ("NPV (USD bn)", lambda x: x["npv_usd_bn"], ",.1f", 1.0),
        ("residual value, PV (USD bn)", lambda x: x["residual_value"]["pv_usd_bn"], ",.1f", 1.0),
        (
            "residual / capex (%)",
            lambda x: x["residual_value"]["share_of_capex"],
            ".0f",
            100.0,
        ),
        (
            "NPV with residual (USD bn)",
            lambda x: x["npv_with_residual_usd_bn"],
            ",.1f",
            1.0,
        ),
        ("IRR (%)", lambda x: x["irr"], ".1f", 100.0),
        ("IRR with residual (%)", lambda x: x["irr_with_residual"], ".1f", 100.0),
        (
            "payback year, if paid back",
            lambda x: x["payback"]["year_if_paid_back"],
            ".0f",
            1.0,
        ),
        ("revenue-cost ratio", lambda x: x["revenue_cost_ratio"], ".2f", 1.0),
        ("break-even (TEU a year)", lambda x: x["breakeven_teu_per_year"], ",.0f", 1.0),
        ("fixed O&M a year (USD m)", lambda x: x["fixed_opex_usd_m_per_year"], ",.0f", 1.0),
    ]
    if "economic" in t:
        rows += [
            (
                "shippers' savings, PV (USD bn)",
                lambda x: x["economic"]["user_benefit_pv_usd_bn"],
                ",.1f",
                1.0,
            ),
            (
                "saving per TEU carried (USD)",
                lambda x: x["economic"]["user_benefit_usd_per_teu"],
                ",.0f",
                1.0,
            ),
            (
                "economic NPV (USD bn)",
                lambda x: x["economic"]["npv_usd_bn"],
                ",.1f",
                1.0,
            ),
            (
                "economic BCR",
                lambda x: x["economic"]["benefit_cost_ratio"],
                ".2f",
                1.0,
            ),
        ]
    if "financing" in t:
        f = t["financing"]
        rows.append(
            (
                f"interest during construction at {100 * f['debt_rate']:.1f} % (USD bn)",
                lambda x: x["financing"]["interest_during_construction_usd_bn"],
                ",.1f",
                1.0,
            )
        )
        if "equity_irr" in f:
            rows.append(
                ("equity IRR, PPP (%)", lambda x: x["financing"]["equity_irr"], ".1f", 100.0)
            )
    for label, get, fmt, scale in rows:
        et.add_row(label, _range(get(t), fmt, scale), _range(get(w), fmt, scale))

    def pct(x: float) -> str:
        return percent(x, draws)

    et.add_row(
        "P(pays back by the horizon)",
        pct(t["payback"]["p_within_horizon"]),
        pct(w["payback"]["p_within_horizon"]),
    )
    et.add_row("P(NPV > 0)", pct(t["p_npv_positive"]), pct(w["p_npv_positive"]))
    if "economic" in t:
        et.add_row(
            "P(economic NPV > 0)",
            pct(t["economic"]["p_npv_positive"]),
            pct(w["economic"]["p_npv_positive"]),
        )
    if "financing" in t and "p_equity_return_met" in t["financing"]:
        need = 100 * t["financing"]["equity_return_required"]
        et.add_row(
            f"P(equity IRR >= {need:.1f} %)",
            pct(t["financing"]["p_equity_return_met"]),
            pct(w["financing"]["p_equity_return_met"]),
        )
    return et


def _rates_table(e: dict[str, Any], draws: int) -> Table:
    """Return the NPV (no residual value) at each fixed policy rate: P50 and P(NPV > 0)."""
    rt = Table(
        title="NPV at fixed policy rates (USD bn, no residual value): P50; P(NPV > 0)",
        title_justify="left",
    )
    for col in ("rate", "tunnel financial", "corridor financial", "corridor economic"):
        rt.add_column(col, justify="left" if col == "rate" else "right")
    pairs = zip(e["tunnel"]["npv_at_fixed_rates"], e["corridor"]["npv_at_fixed_rates"], strict=True)
    for t, w in pairs:
        rt.add_row(
            f"{100 * t['rate']:.1f} % ({escape(t['name'])})",
            f"{t['npv_usd_bn']['p50']:,.1f}; {percent(t['p_npv_positive'], draws)}",
            f"{w['npv_usd_bn']['p50']:,.1f}; {percent(w['p_npv_positive'], draws)}",
            f"{w['economic_npv_usd_bn']['p50']:,.1f}; "
            f"{percent(w['p_economic_npv_positive'], draws)}",
        )
    return rt


def _print(d: dict[str, Any], title: str, name: str) -> None:
    c, e = d["corridor"], d["economics"]
    out.print(f"[bold]{escape(title)}[/]  ({escape(name)}), {d['draws']:,} draws, seed {d['seed']}")
    nt = Table(title="Network (km)", title_justify="left")
    for col in ("", "km"):
        nt.add_column(col, justify="right" if col else "left")
    nt.add_row("whole network", f"{c['network_km']:,.0f}")
    nt.add_row("new build (tunnel included)", f"{c['new_build_km']:,.0f}")
    for k, v in c["new_build_km_by_country"].items():
        nt.add_row(f"  new in {escape(k)}", f"{v:,.0f}")
    for k, v in c["new_build_km_by_terrain"].items():
        nt.add_row(f"  new on {escape(k)}", f"{v:,.0f}")
    nt.add_row("upgrade", f"{c['upgrade_km']:,.0f}")
    out.print(nt)
    out.print(
        f"Corridor capex (tunnel excluded, overrun uplift included): USD bn "
        f"{_range(c['capex_usd_bn'], ',.1f')}; new lines built in "
        f"{_range(c['build_years'], '.1f')} years; traffic from year "
        f"{_range(c['opening_year'], '.0f', whole=True)} after notice to proceed."
    )
    b = c["benchmark"]
    if b.get("modelled_days") is not None:
        lo, hi = b["quoted_days"]
        out.print(
            f"Benchmark: {escape(b['origin'])} -> {escape(b['destination'])} by rail, modelled "
            f"{_range(b['modelled_days'], '.1f')} days terminal to terminal against "
            f"{lo:g} to {hi:g} quoted."
        )
    rt = Table(title="Door to door, P50 (P10 to P90)", title_justify="left")
    cols = (
        "origin",
        "destination",
        "mode",
        "km",
        "days",
        "USD per FEU",
        "rail share %",
        "weight %",
    )
    for col in cols:
        rt.add_column(col, justify="left" if col in ("origin", "destination", "mode") else "right")
    for r in c["routes"]:
        share = r.get("rail_share")
        rt.add_row(
            escape(r["origin"]),
            escape(r["destination"]),
            r["mode"],
            f"{r['distance_km']:,.0f}",
            _range(r["transit_days"], ".1f"),
            _range(r["cost_usd_per_feu"], ",.0f"),
            "" if share is None else percent(share["p50"]).removesuffix(" %"),
            ""
            if r.get("weight") is None or share is None
            else percent(r["weight"]).removesuffix(" %"),
        )
    out.print(rt)
    tt = Table(
        title="Traffic through the tunnel (TEU a year), P50 (P10 to P90)", title_justify="left"
    )
    t = c["traffic"]
    for col in ("direction", "capacity", "demand", "carried loaded", "empty returned"):
        tt.add_column(col, justify="left" if col == "direction" else "right")
    cap = f"{t['capacity_teu_per_year_per_direction']:,.0f}"
    for k, q in t["demand_teu_per_year"].items():
        tt.add_row(
            k,
            cap,
            _range(q, ",.0f"),
            _range(t["carried_teu_per_year"][k], ",.0f"),
            _range(t["empty_teu_per_year"].get(k), ",.0f"),
        )
    out.print(tt)
    limit = "capacity" if t["timetable"] == "follows demand" else "the fixed timetable"
    out.print(
        f"Carried = min(demand, {limit}) in each draw; the timetable {t['timetable']} (the "
        f"operations section's timetable offers "
        f"{t['timetable_teu_per_year_per_direction']:,.0f} TEU a year per direction)."
    )
    out.print(_economics_table(e, d["draws"]))
    out.print(_rates_table(e, d["draws"]))
    for r in e["tunnel"]["npv_at_fixed_rates"]:
        flag = " [unverified]" if r["unverified"] else ""
        out.print(f"[dim]rate {escape(r['name'])}:[/] {escape(r['source'] + flag)}")
    vot = e["value_of_time"]
    out.print(
        f"Value of time (USD per FEU-day): {_range(vot['usd_per_feu_day'], ',.0f')}, "
        f"{escape(vot['definition'])}; source: {escape(vot['source'])}."
    )
    for line in c["assumptions"]:
        out.print(f"[dim]assumption:[/] {escape(line)}")


@app.command()
def corridor(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    draws: DrawsOpt = 20_000,
    seed: SeedOpt = 2025,
    overrides: OverridesOpt = None,
    as_json: JsonOpt = False,
    processes: ProcessesOpt = 1,
    report: PageOpt = None,
) -> None:
    """Print the corridor network, the door-to-door route table and the economics."""
    import beringia

    written = None
    try:  # run arguments are checked first, then the scenario, as by every job
        if report is not None:
            check_output_path(report, field="--report")
        with stage_bars(not as_json and sys.stdout.isatty()) as progress:
            result = beringia.corridor(
                scenario,
                overrides=overrides or [],
                draws=draws,
                seed=seed,
                processes=processes,
                progress=progress,
            )
        if report is not None:
            written = write_page(report, lambda p: beringia.write_report(result, p))
    except BeringiaError as exc:
        raise fail(exc) from None
    sc = result.scenario
    full = result.to_dict()
    d = {k: full[k] for k in ("beringia_version", "scenario", "seed", "draws", "corridor")}
    d["economics"] = full["economics"]
    if as_json:
        sys.stdout.write(json.dumps(d, indent=2, allow_nan=False) + "\n")
    else:
        _print(d, sc.title or sc.name, sc.name)
    report_written(written, as_json=as_json)
