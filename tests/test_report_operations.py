"""The report's operations section: key figures, speed profiles, headways, capacity against
mix and the simulated years."""

from __future__ import annotations

import dataclasses
import html as htmlmod
import re

import numpy as np
import pytest
from conftest import REPORT_YEARS as YEARS
from conftest import (
    assert_left_out,
    assert_placeholders,
    html_rows,
    html_section,
    html_table,
    placed_section,
)
from hypothesis import given
from hypothesis import strategies as st

import beringia
from beringia.models.operations import DIRECTIONS
from beringia.pipeline.assessment import Assessment
from beringia.report import render_report
from beringia.report.figures import all_figures
from beringia.report.operations_figures import (
    MAX_PROFILE_POINTS,
    OPERATIONS_FIGURES,
    annual_availability,
    annual_trains,
    capacity_mix,
    clock,
    headway_matrix,
    operations_section,
    scenario_shares,
    speed_profiles,
    thin_indices,
    time_profiles,
)
from beringia.report.text import format_percent
from beringia.scenario import load_scenario
from beringia.scenario.io import hindcast_names, read_document

OPS_FIGURES = list(OPERATIONS_FIGURES)


# --------------------------------------------------------------------------- the page


def test_section_placed(page: str) -> None:
    part = placed_section(page, "operations", "Operations", ("Headings", "Corridor and economics"))
    positions = [part.index(f'id="fig-{k}"') for k in OPS_FIGURES]
    assert positions == sorted(positions)


def test_figures_counted(page: str, assessment: Assessment) -> None:
    # tests/test_report.py checks the page is self-contained; here: every operations figure once
    keys = list(all_figures(assessment))
    assert [k for k in keys if k in OPS_FIGURES] == OPS_FIGURES
    assert page.count('data-plot="fig-') == len(keys) == len(set(keys))
    for key in OPS_FIGURES:
        assert page.count(f'id="fig-{key}"') == 1
    assert 'id="fig-' not in html_section(page, "operations").split("</h2>", 1)[0]


def test_page_stays_small(page: str) -> None:
    assert len(page.encode()) < 6_000_000
    # Thinned 32-bit profiles: the whole section (five figures) well under 250 kB.
    assert len(html_section(page, "operations").encode()) < 250_000


def test_capacity_and_running_times_match_json(page: str, assessment: Assessment) -> None:
    o = assessment.operations
    assert o is not None
    d = o.to_dict()
    part = html_section(page, "operations")
    cap = {r[0]: r[1] for r in html_rows(html_table(part, "ops-capacity"))[1:]}
    assert cap["Capacity per direction"] == (
        f"{d['capacity_trains_per_day_per_direction']:,.1f} trains a day"
    )
    assert cap["Mean minimum headway"] == f"{d['capacity_mean_headway_s'] / 60:,.1f} min"
    assert cap["Timetable's demand (busier direction)"] == (
        f"{d['demand_trains_per_day_per_direction']:,} trains a day"
    )
    # The default timetable fits: no warning.
    assert d["shortfall"] is None
    assert 'class="warn"' not in part
    rows = html_rows(html_table(part, "ops-running"))
    assert rows[0][1:3] == ["Running time (min)", "Trains a day"]
    assert rows[1] == [*DIRECTIONS, *DIRECTIONS]
    by_type = {r[0]: r for r in rows[2:]}
    assert list(by_type) == list(o.train_types)
    ops = assessment.scenario.operations
    assert ops is not None
    for t in ops.traffic:
        r = by_type[t.train]
        for j, direction in enumerate(DIRECTIONS):
            minutes = d["running_time_min_by_direction"][direction][t.train]
            assert r[1 + j] == f"{minutes:,.1f}"
        # the timetable follows demand: the container train carries the median boxes, other
        # freight types none, passenger trains as the scenario has them
        tt = d["timetable"]
        assert tt["follows"] == "demand"
        if t.train == tt["train"]:
            east, west = (tt["timetabled_trains_per_day"][k] for k in DIRECTIONS)
        elif o.teu[t.train] > 0:
            east = west = 0
        else:
            east = t.trains_per_day
            west = east if t.westbound_trains_per_day is None else t.westbound_trains_per_day
        assert (r[3], r[4]) == (str(east), str(west))
        assert r[5] == f"{ops.train(t.train).payload_t:,.0f}"
    assert "The timetable follows demand: the median" in part


@pytest.mark.parametrize(
    ("label", "key", "fmt", "scale"),
    [
        ("Trains run per direction", "trains_per_direction", ",.0f", 1.0),
        ("Freight per direction", "freight_mt_per_direction", ",.2f", 1.0),
        ("Containers per direction", "teu_per_direction", ",.0f", 1.0),
        ("Trains timetabled but not run", "shortfall_trains_per_direction", ",.1f", 1.0),
        ("Availability", "availability", ".1f", 100.0),
        ("Mean delay at the portal", "mean_delay_min", ",.1f", 1.0),
    ],
)
def test_annual_rows_match_json(
    page: str, assessment: Assessment, label: str, key: str, fmt: str, scale: float
) -> None:
    o = assessment.operations
    assert o is not None
    q = o.to_dict()["annual"][key]
    rows = html_rows(html_table(html_section(page, "operations"), "ops-annual"))
    assert rows[0][0] == f"Per simulated year ({YEARS} years)"
    row = next(r for r in rows if r[0] == label)
    assert row[2:] == [format(scale * q[k], fmt) for k in ("mean", "p10", "p50", "p90")]


def test_known_annual_figures(assessment: Assessment) -> None:
    # Freight = trains run x payload; the mean over years of the per-direction mean.
    o = assessment.operations
    assert o is not None
    a = o.annual
    payload = np.array([o.payload_t[n] for n in o.train_types])
    tonnes = (a.trains_run * payload).sum(axis=2).mean(axis=1)
    assert o.to_dict()["annual"]["freight_mt_per_direction"]["mean"] == pytest.approx(
        float(tonnes.mean()) / 1e6
    )
    assert 0.0 < o.to_dict()["annual"]["availability"]["p50"] <= 1.0


def test_disruption_table(page: str, assessment: Assessment) -> None:
    o = assessment.operations
    assert o is not None
    events = o.annual.disruptions
    rows = html_rows(html_table(html_section(page, "operations"), "ops-disruptions"))
    assert [r[0] for r in rows[1:]] == list(o.annual.disruption_names)
    for t, r in enumerate(rows[1:]):
        col = events[:, t]
        share = np.count_nonzero(col) / YEARS
        assert r[1] == f"{col.sum() / YEARS:.3f}"
        assert r[2] == format_percent(share)
        assert r[3] == str(int(col.max()))
    section = operations_section(assessment)
    assert section is not None
    assert section["closed_hours"] == pytest.approx(float(o.annual.closed_hours.mean()))


def test_method_sentence(page: str, assessment: Assessment) -> None:
    part = html_section(page, "operations")
    ops = assessment.scenario.operations
    assert ops is not None
    text = re.sub(r"\s+", " ", part)
    assert "time-average share" in text and "averaged over both directions" in text
    assert f"UIC 406 occupancy limit ({100 * ops.occupancy_limit:.0f} %" in text
    assert "as tight as the headways allow" in text
    m = ops.maintenance
    assert f"{m.possession_hours:g} h a night from {clock(m.possession_start_h)}" in text
    assert f"{m.single_bore_green_min:g} min of green per cycle" in text
    assert f"plus {m.single_bore_switch_headway_s:g} s" in text


def test_shortfall_warning() -> None:
    doc = read_document("bering-strait")
    doc["operations"]["traffic"][0]["trains_per_day"] = 400
    doc["market"]["timetable"] = "scenario"  # the scenario's timetable is simulated
    a = beringia.assess(load_scenario(doc), draws=20, seed=1, operations_years=1)
    o = a.operations
    assert o is not None
    message = o.shortfall_message()
    assert message is not None and o.demand_per_day == 412
    part = html_section(render_report(a), "operations")
    warn = re.search(r'<p class="warn" role="note">(.*?)</p>', part, re.S)
    assert warn is not None
    assert htmlmod.escape(message) in warn.group(1)
    assert part.index('class="warn"') < part.index("ops-capacity")


def test_without_operations(assessment: Assessment) -> None:
    bare = dataclasses.replace(assessment, operations=None, corridor=None)
    assert not set(OPS_FIGURES) & set(all_figures(bare))
    assert operations_section(bare) is None
    page = render_report(bare)
    assert_left_out(page, "operations", "Operations", OPS_FIGURES)
    assert page.count('data-plot="fig-') == len(all_figures(bare))
    assert_placeholders(OPERATIONS_FIGURES.values(), bare, "no operations")


def test_hindcast_renders_without_operations() -> None:
    name = hindcast_names()[0]
    a = beringia.assess(load_scenario(name), draws=20, seed=1)
    assert a.operations is None
    assert_left_out(render_report(a), "operations", "Operations", OPS_FIGURES)


# --------------------------------------------------------------------------- figures


def test_speed_profiles(assessment: Assessment) -> None:
    o, al = assessment.operations, assessment.alignment
    assert o is not None and al is not None
    fig = speed_profiles(assessment)
    assert len(fig.data) == 2 * len(o.train_types) + 1
    elev = fig.data[0]
    assert elev.yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"
    assert elev.line.color == "#9a9a9a" and elev.line.width == 1
    inside = al.profile.inside()
    assert len(elev.x) <= MAX_PROFILE_POINTS + 1
    assert float(elev.x[-1]) == pytest.approx(
        (al.profile.s[inside][-1] - al.profile.s[inside][0]) / 1000.0, abs=1e-3
    )
    assert float(np.min(elev.y)) == pytest.approx(float(al.profile.crown_z[inside].min()), abs=2)
    traces = fig.data[1:]
    for k, name in enumerate(o.train_types):
        east, west = traces[2 * k], traces[2 * k + 1]
        assert name in east.name and "eastbound" in east.name
        assert name in west.name and "westbound" in west.name
        assert east.line.dash == "solid" and west.line.dash == "dash"
        assert east.line.color == west.line.color
        for d, tr in (("eastbound", east), ("westbound", west)):
            p = o.profiles[d][name]
            assert f"({p.total_s / 60:,.1f} min)" in tr.name
            assert len(tr.x) <= MAX_PROFILE_POINTS + 1 < p.position_m.size
            # km/h: the fastest point kept is within a grid step of the profile's top speed
            assert float(np.max(tr.y)) == pytest.approx(3.6 * p.speed_m_s.max(), rel=0.01)
            assert float(tr.y[-1]) == pytest.approx(3.6 * p.speed_m_s[-1], rel=1e-6)
        length_km = o.profiles["westbound"][name].position_m[-1] / 1000.0
        # Both on chainage from the west portal: eastbound 0 -> L, westbound L -> 0.
        assert (float(east.x[0]), float(east.x[-1])) == pytest.approx((0.0, length_km), abs=1e-3)
        assert (float(west.x[0]), float(west.x[-1])) == pytest.approx((length_km, 0.0), abs=1e-3)
        assert np.all(np.diff(np.asarray(east.x)) > 0) and np.all(np.diff(np.asarray(west.x)) < 0)
    # 32-bit arrays: half the bytes of float64 in the page
    assert np.asarray(traces[0].x).dtype == np.float32


def test_speed_profiles_without_alignment(assessment: Assessment) -> None:
    o = assessment.operations
    assert o is not None
    fig = speed_profiles(dataclasses.replace(assessment, alignment=None))
    assert len(fig.data) == 2 * len(o.train_types)
    assert all(t.yaxis in (None, "y") for t in fig.data)
    assert "yaxis2" not in fig.to_plotly_json()["layout"]


def test_headway_matrix(assessment: Assessment) -> None:
    o = assessment.operations
    assert o is not None
    hm = headway_matrix(assessment).data[0]
    names = list(o.train_types)
    assert list(hm.y) == names and list(hm.x) == names  # rows leader, columns follower
    z = np.asarray(hm.z)
    for i, lead in enumerate(names):
        for j, follow in enumerate(names):
            assert z[i, j] == pytest.approx(o.headway_s[(lead, follow)] / 60.0)
            assert hm.text[i][j] == f"{o.headway_s[(lead, follow)] / 60.0:,.1f}"
    assert hm.texttemplate == "%{text}"
    assert headway_matrix(assessment).layout.yaxis.autorange == "reversed"


def test_capacity_mix(assessment: Assessment) -> None:
    o = assessment.operations
    ops = assessment.scenario.operations
    assert o is not None and ops is not None
    fig = capacity_mix(assessment)
    lines = {t.name: t for t in fig.data if t.mode == "lines" and t.x[0] is not None}
    assert list(lines) == list(o.mix_curve)
    for name, (xs, ys) in o.mix_curve.items():
        assert list(lines[name].x) == pytest.approx([100 * x for x in xs])
        assert list(lines[name].y) == pytest.approx(ys)
        # Known answer: with only this type, every headway is h_kk (flights or not), so
        # capacity = occupancy x open hours (possession deducted) x 3600 / h_kk.
        only = ops.occupancy_limit * o.open_hours_per_day * 3600 / o.headway_s[(name, name)]
        assert ys[-1] == pytest.approx(only)
    shares = scenario_shares(assessment)
    assert sum(shares.values()) == pytest.approx(1.0)
    mark = next(t for t in fig.data if t.mode == "markers")
    assert list(mark.x) == pytest.approx([100 * shares[n] for n in o.mix_curve])
    assert list(mark.y) == pytest.approx([o.capacity.trains_per_day] * len(o.mix_curve))
    hlines = [s for s in fig.layout.shapes if s.type == "line" and s.y0 == s.y1]
    assert [s.y0 for s in hlines] == [o.demand_per_day]


def test_annual_figures(assessment: Assessment) -> None:
    o = assessment.operations
    assert o is not None
    s = o.to_dict()["annual"]
    fig = annual_trains(assessment)
    ecdf = fig.data[0]
    assert float(ecdf.y[-1]) == pytest.approx(100.0)
    run = o.annual.trains_run_per_direction.mean(axis=1)
    assert float(ecdf.x[-1]) == pytest.approx(float(run.max()))
    texts = [a.text for a in fig.layout.annotations]
    for label, key in (("P10", "p10"), ("P50", "p50"), ("P90", "p90")):
        assert f"{label} {s['trains_per_direction'][key]:,.0f}" in texts
    vlines = [sh for sh in fig.layout.shapes if sh.x0 == sh.x1 and sh.xref == "x"]
    timetabled = o.annual.trains_demanded.sum(axis=1).mean()
    assert [sh.x0 for sh in vlines] == pytest.approx([timetabled])
    fig = annual_availability(assessment)
    x = np.asarray(fig.data[0].x, dtype=float)
    assert 0.0 <= x.min() and x.max() <= 100.0
    assert x.max() == pytest.approx(100 * o.annual.availability.max(), rel=1e-6)
    texts = [a.text for a in fig.layout.annotations]
    for label, key in (("P10", "p10"), ("P50", "p50"), ("P90", "p90")):
        assert f"{label} {100 * s['availability'][key]:.1f} %" in texts


# --------------------------------------------------------------------------- helpers


def test_thin_indices_known() -> None:
    idx = thin_indices(9680, 1000)
    assert idx[0] == 0 and idx[-1] == 9679
    assert list(np.diff(idx[:-1])) == [10] * 967 and len(idx) == 969
    assert list(thin_indices(5, 1000)) == [0, 1, 2, 3, 4]
    assert list(thin_indices(10, 5)) == [0, 2, 4, 6, 8, 9]
    assert list(thin_indices(1)) == [0]
    assert thin_indices(0).size == 0


@given(n=st.integers(1, 50_000), m=st.integers(1, 2_000))
def test_thin_indices_properties(n: int, m: int) -> None:
    idx = thin_indices(n, m)
    assert idx[0] == 0 and idx[-1] == n - 1
    assert np.all(np.diff(idx) > 0)
    assert len(idx) <= m + 1
    step = np.diff(idx[:-1])
    assert step.size == 0 or np.all(step == step[0])


def test_clock() -> None:
    assert clock(0.0) == "00:00"
    assert clock(22.5) == "22:30"
    assert clock(6.25) == "06:15"
    assert clock(23.9999) == "00:00"


def test_time_profiles_end_at_the_running_times(assessment: Assessment) -> None:
    o = assessment.operations
    assert o is not None
    fig = time_profiles(assessment)
    assert len(fig.data) == 2 * len(o.train_types)
    for trace in fig.data:
        name, direction = trace.name.rsplit(" ", 1)
        p = o.profiles[direction][name]
        assert float(trace.y[-1]) == pytest.approx(p.total_s / 60.0, rel=1e-6)
        assert float(trace.y[0]) == pytest.approx(0.0, abs=1e-6)
        start = 0.0 if direction == "eastbound" else p.position_m[-1] / 1000.0
        assert float(trace.x[0]) == pytest.approx(start, abs=1e-3)
    assert not time_profiles(dataclasses.replace(assessment, operations=None)).data
