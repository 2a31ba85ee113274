"""Corridor network: loading, validation, routes and new-build totals."""

from __future__ import annotations

import copy
import itertools
import math
from typing import Any

import networkx as nx
import pytest

from beringia.errors import ScenarioError
from beringia.models.corridor import graph, load_network, new_build, route


def _node(name: str, kind: str = "junction", **kw: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "country": "XX", "lat": 60.0, "lon": 10.0, **kw}


def _seg(a: str, b: str, km: float, speed: float, **kw: Any) -> dict[str, Any]:
    base = {
        "from": a,
        "to": b,
        "length_km": km,
        "status": "existing",
        "gauge_mm": 1435,
        "electrified": False,
        "line_speed_kmh": speed,
        "terrain": "plain",
        "country": "XX",
    }
    return {**base, **kw}


def _toy_two_segments() -> dict[str, Any]:
    # A --100 km @ 50 km/h-- B (border, dwell triangular 1/2/6 h, mean 3) --240 km @ 80-- C
    return {
        "nodes": [
            _node("A", "city"),
            _node("B", "border", dwell_h={"dist": "triangular", "low": 1, "mode": 2, "high": 6}),
            _node("C", "port"),
        ],
        "segments": [_seg("A", "B", 100, 50), _seg("B", "C", 240, 80, status="new")],
    }


# ------------------------------------------------------------------ known answers (toys)


def test_two_segment_transit_time_by_hand() -> None:
    net = load_network(_toy_two_segments())
    r = route(net, "A", "C")
    # running 100/50 + 240/80 = 2 + 3 = 5 h; dwell at B = (1 + 2 + 6) / 3 = 3 h
    assert r.nodes == ("A", "B", "C")
    assert r.distance_km == 340.0
    assert r.running_h == pytest.approx(5.0)
    assert r.dwell_h == pytest.approx(3.0)
    assert r.total_h == pytest.approx(8.0)
    assert r.transit_days == pytest.approx(8.0 / 24)
    assert r.dwell_nodes == ("B",)
    assert r.gauge_breaks == 0
    assert r.new_build_km == 240.0
    assert r.upgrade_km == 0.0
    # reverse direction: same time; speed factor 2 halves the running time only
    back = route(net, "C", "A")
    assert back.nodes == ("C", "B", "A")
    assert back.total_h == pytest.approx(8.0)
    fast = route(net, "A", "C", speed_factor=2.0)
    assert fast.running_h == pytest.approx(2.5)
    assert fast.dwell_h == pytest.approx(3.0)


def test_dwell_at_the_ends_is_not_counted() -> None:
    net = load_network(_toy_two_segments())
    r = route(net, "B", "C")
    assert r.dwell_h == 0.0
    assert r.total_h == pytest.approx(3.0)
    same = route(net, "A", "A")
    assert same.nodes == ("A",)
    assert same.distance_km == 0.0
    assert same.total_h == 0.0


def test_gauge_break_toy() -> None:
    doc = {
        "nodes": [
            _node("West"),
            _node(
                "Break",
                "gauge_break",
                dwell_h={"dist": "uniform", "low": 4, "high": 8},
                transshipment_usd_per_feu={"dist": "fixed", "value": 150.0, "assumed": True},
            ),
            _node("East"),
        ],
        "segments": [
            _seg("West", "Break", 300, 60),
            _seg("Break", "East", 700, 70, gauge_mm=1520),
        ],
    }
    net = load_network(doc)
    r = route(net, "West", "East")
    assert r.gauge_breaks == 1
    assert r.gauge_break_nodes == ("Break",)
    assert r.running_h == pytest.approx(300 / 60 + 700 / 70)
    assert r.dwell_h == pytest.approx(6.0)
    assert r.total_h == pytest.approx(21.0)
    node = net.node("Break")
    assert node.transshipment_usd_per_feu is not None
    assert node.transshipment_usd_per_feu.mean == 150.0
    assert node.transshipment_usd_per_feu.assumed


def _toy_branches(border_dwell: float) -> dict[str, Any]:
    # A-B-D: 500 + 500 km at 100 km/h = 10 h, through a border B.
    # A-C-D: 300 + 300 km at 40 km/h = 15 h. Shorter but slower.
    return {
        "nodes": [
            _node("A"),
            _node("B", "border", dwell_h=border_dwell),
            _node("C"),
            _node("D"),
        ],
        "segments": [
            _seg("A", "B", 500, 100),
            _seg("B", "D", 500, 100),
            _seg("A", "C", 300, 40),
            _seg("C", "D", 300, 40),
        ],
    }


def test_shortest_path_picks_the_faster_branch() -> None:
    net = load_network(_toy_branches(0.0))
    fast = route(net, "A", "D")
    assert fast.nodes == ("A", "B", "D")
    assert fast.total_h == pytest.approx(10.0)
    short = route(net, "A", "D", weight="distance")
    assert short.nodes == ("A", "C", "D")
    assert short.distance_km == 600.0
    assert short.total_h == pytest.approx(15.0)


def test_border_dwell_can_make_the_slow_branch_faster() -> None:
    # 10 h running + 6 h border dwell = 16 h > 15 h on the slower branch without a border.
    net = load_network(_toy_branches(6.0))
    assert route(net, "A", "D").nodes == ("A", "C", "D")
    # twice the line speed: 5 h + 6 h = 11 h against 7.5 h, still the border-free branch
    assert route(net, "A", "D", speed_factor=2.0).total_h == pytest.approx(7.5)
    net = load_network(_toy_branches(4.0))  # 14 h < 15 h
    assert route(net, "A", "D").nodes == ("A", "B", "D")


def test_graph_attributes() -> None:
    net = load_network(_toy_two_segments())
    g = graph(net)
    assert isinstance(g, nx.Graph)
    assert not g.is_directed()
    assert set(g.nodes) == {"A", "B", "C"}
    e = g.edges["C", "B"]
    assert e["length_km"] == 240.0
    assert e["hours"] == pytest.approx(3.0)
    assert e["status"] == "new"
    assert e["gauge_mm"] == 1435
    assert e["name"] == "B – C"
    assert g.nodes["B"]["dwell_h"] == pytest.approx(3.0)
    assert g.nodes["B"]["kind"] == "border"


def test_new_build_toy() -> None:
    doc = _toy_two_segments()
    doc["segments"][0]["status"] = "upgrade"
    doc["segments"][0]["terrain"] = "mountain"
    nb = new_build(load_network(doc))
    assert nb["by_group"] == {("XX", "mountain", "upgrade"): 100.0, ("XX", "plain", "new"): 240.0}
    assert nb["by_status"] == {"existing": 0.0, "upgrade": 100.0, "new": 240.0}
    assert nb["new_by_country"] == {"XX": 240.0}
    assert nb["new_by_terrain"] == {"plain": 240.0}
    assert (nb["total_km"], nb["new_km"], nb["upgrade_km"], nb["existing_km"]) == (
        340.0,
        240.0,
        100.0,
        0.0,
    )


# ------------------------------------------------------------------ the shipped network


@pytest.fixture(scope="module")
def shipped() -> Any:
    return load_network()


def test_shipped_network_loads_and_is_connected(shipped: Any) -> None:
    g = graph(shipped)
    assert nx.is_connected(g)
    for name in (
        "Seattle", "Vancouver", "Prince Rupert", "Prince George", "Hazelton", "Delta Junction",
        "Fairbanks", "Nome", "Wales", "Uelen", "Nizhny Bestyakh", "Tommot", "Neryungri", "Tynda",
        "Bamovskaya", "Moscow", "St Petersburg", "Harbin", "Beijing", "Shanghai", "Zabaikalsk",
        "Chicago",
    ):  # fmt: skip
        assert name in g
    tunnel = shipped.segment("Uelen", "Wales")
    assert tunnel.name == "Bering Strait tunnel"
    assert 100 <= tunnel.length_km <= 112  # notes §4: ~103 (TKM) to ~110 km (CNN)
    assert tunnel.terrain == "subsea"
    assert tunnel.status == "new"


def test_seattle_moscow_route_and_new_build_match_the_notes(shipped: Any) -> None:
    r = route(shipped, "Seattle", "Moscow")
    # notes §4 corridor totals: Seattle -> Moscow ~17,000 km, ~7,000 km of it new build
    assert 16_000 <= r.distance_km <= 18_500
    assert 6_000 <= r.new_build_km <= 8_000
    for place in ("Vancouver", "Prince George", "Hazelton", "Delta Junction", "Fairbanks",
                  "Nome", "Wales", "Uelen", "Nizhny Bestyakh", "Tynda", "Bamovskaya"):  # fmt: skip
        assert place in r.nodes
    assert r.gauge_break_nodes == ("Uelen",)
    assert r.dwell_h == pytest.approx((4.25 + 9.0) / 2)  # Uelen only (borders pre-cleared)
    to_spb = route(shipped, "Seattle", "St Petersburg")
    assert to_spb.distance_km == pytest.approx(r.distance_km + 650)
    # distance weighting gives the same path here (there is one way through)
    assert route(shipped, "Seattle", "Moscow", weight="distance").nodes == r.nodes


RUSSIAN_NEW_LINE = ("Nizhny Bestyakh", "Khandyga", "Ust-Nera", "Omsukchan", "Anadyr", "Uelen")


def test_new_build_totals(shipped: Any) -> None:
    nb = new_build(shipped)
    assert 6_000 <= nb["new_km"] <= 8_000
    # every new-build km lies on the Seattle - Moscow main line
    assert nb["new_km"] == pytest.approx(route(shipped, "Seattle", "Moscow").new_build_km)
    assert nb["new_by_country"]["RU"] == 3850  # Uelen - Nizhny Bestyakh, the quoted total
    # the new line in stretches: mountain ranges and major river crossings priced as such
    stretches = [shipped.segment(a, b) for a, b in itertools.pairwise(RUSSIAN_NEW_LINE)]
    assert sum(s.length_km for s in stretches) == 3850
    assert {s.terrain for s in stretches} == {"mountain", "permafrost"}
    assert sum(s.bridge_km for s in stretches) > 0
    # the single-track Amur-Yakutsk line is upgraded for the corridor's trains
    assert nb["upgrade_km"] == 1213
    assert sum(nb["new_by_country"].values()) == pytest.approx(nb["new_km"])
    assert sum(nb["new_by_terrain"].values()) == pytest.approx(nb["new_km"])
    assert sum(nb["by_group"].values()) == pytest.approx(nb["total_km"])
    assert nb["total_km"] == pytest.approx(sum(s.length_km for s in shipped.segments))


def test_shipped_lengths_keep_the_sourced_totals(shipped: Any) -> None:
    def km(*names: str) -> float:
        return sum(shipped.segment(a, b).length_km for a, b in itertools.pairwise(names))

    assert km("Moscow", "Tarskaya", "Bamovskaya") == 7273  # Bamovskaya km 7,273
    assert km("Moscow", "Tarskaya", "Zabaikalsk") == 6626  # Zabaikalsk km 6,626
    assert route(shipped, "Moscow", "Beijing").distance_km == 8961  # Trans-Manchurian
    assert km("Bamovskaya", "Tynda", "Neryungri", "Tommot", "Nizhny Bestyakh") == 1213  # AYaM
    assert km("Neryungri", "Tommot", "Nizhny Bestyakh") == 805  # 802.6-809 km
    assert km("Prince George", "Hazelton") == 460
    assert km("Prince George", "Hazelton", "Prince Rupert") == 750
    assert km("Hazelton", "Beaver Creek (ACRL border)", "Delta Junction") == 1824  # 1,403 x 1.3
    assert km("Fairbanks", "Nome", "Wales") == 1100
    assert km("Delta Junction", "North Pole", "Fairbanks") == 150
    assert km("Seattle", "Blaine", "Vancouver") == 250
    assert route(shipped, "Shanghai", "Chicago").gauge_break_nodes == ("Zabaikalsk", "Uelen")


def _haversine_km(a: Any, b: Any) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl, dp = math.radians(b.lon - a.lon), p2 - p1
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.mark.parametrize(
    ("a", "b", "gc_km"),
    [  # the great-circle column of notes §4
        ("Seattle", "Vancouver", 195),
        ("Vancouver", "Prince George", 517),
        ("Prince George", "Hazelton", 345),
        ("Prince George", "Prince Rupert", 495),
        ("Hazelton", "Delta Junction", 1403),
        ("Seward", "Fairbanks", 534),
        ("Delta Junction", "Fairbanks", 130),
        ("Fairbanks", "Nome", 840),
        ("Nome", "Wales", 176),
        ("Fairbanks", "Wales", 949),
        ("Wales", "Uelen", 99),
        ("Uelen", "Nizhny Bestyakh", 2851),  # the nodes; the line runs in five stretches
        ("Nizhny Bestyakh", "Tynda", 814),
    ],
)
def test_node_coordinates_reproduce_the_notes_great_circles(
    shipped: Any, a: str, b: str, gc_km: float
) -> None:
    assert _haversine_km(shipped.node(a), shipped.node(b)) == pytest.approx(gc_km, abs=1.5)


def test_route_km_is_never_below_the_great_circle(shipped: Any) -> None:
    for s in shipped.segments:
        gc = _haversine_km(shipped.node(s.start), shipped.node(s.end))
        assert s.length_km >= gc * 0.999, s.name
        assert s.length_km <= gc * 1.6, s.name


def test_every_figure_is_sourced(shipped: Any) -> None:
    for n in shipped.nodes:
        assert n.source.strip(), n.name
        if n.assumed:
            assert n.note.strip(), n.name
        for q in (n.dwell_h, n.transshipment_usd_per_feu):
            if q is not None:
                assert q.source.strip(), n.name
                assert q.note.strip() or not (q.assumed or q.unverified), n.name
    for s in shipped.segments:
        assert s.source.strip(), s.name
        if s.assumed or s.unverified:
            assert s.note.strip(), s.name
    # figures the notes mark [unverified] stay flagged
    for a, b in [
        ("Seattle", "Blaine"),
        ("Blaine", "Vancouver"),
        ("Vancouver", "Prince George"),
        ("Hazelton", "Prince Rupert"),
        *itertools.pairwise(RUSSIAN_NEW_LINE),
        ("Moscow", "St Petersburg"),
        ("Manzhouli", "Harbin"),
    ]:
        assert shipped.segment(a, b).unverified, (a, b)
    for n in shipped.nodes:
        if n.kind in ("border", "gauge_break"):
            assert n.dwell_h is not None, n.name


def test_time_routes_are_symmetric_and_no_slower_than_distance_routes(shipped: Any) -> None:
    names = ["Shanghai", "Beijing", "Harbin", "Seattle", "Chicago", "Prince Rupert", "Moscow",
             "St Petersburg", "Seward", "Vancouver"]  # fmt: skip
    for a, b in itertools.combinations(names, 2):
        fwd, back = route(shipped, a, b), route(shipped, b, a)
        assert fwd.total_h == pytest.approx(back.total_h)
        assert fwd.distance_km == pytest.approx(back.distance_km)
        short = route(shipped, a, b, weight="distance")
        assert fwd.total_h <= short.total_h + 1e-9
        assert short.distance_km <= fwd.distance_km + 1e-9


# ------------------------------------------------------------------ errors


def _raises(doc: dict[str, Any]) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_network(doc)
    return info.value


def test_unknown_route_end_names_it_and_suggests() -> None:
    net = load_network()
    with pytest.raises(ScenarioError) as info:
        route(net, "Seatle", "Moscow")
    assert info.value.field == "corridor.route.origin"
    assert "Seatle" in str(info.value)
    assert "'Seattle'" in str(info.value)  # close match offered
    with pytest.raises(ScenarioError, match=r"corridor\.route\.destination.*'Atlantis'"):
        route(net, "Seattle", "Atlantis")
    with pytest.raises(ScenarioError, match="speed_factor"):
        route(net, "Seattle", "Moscow", speed_factor=0.0)
    with pytest.raises(ScenarioError, match="weight"):
        route(net, "Seattle", "Moscow", weight="cost")  # type: ignore[arg-type]


def test_disconnected_network_names_the_cut_off_nodes() -> None:
    doc = _toy_two_segments()
    doc["nodes"] += [_node("Island"), _node("Islet")]
    doc["segments"].append(_seg("Island", "Islet", 10, 50))
    err = _raises(doc)
    assert err.field == "corridor.nodes.3"
    assert err.value == "Island"
    assert "'Island', 'Islet'" in str(err)
    assert "unreachable from 'A'" in str(err)


def test_missing_or_bad_length_names_the_segment() -> None:
    doc = _toy_two_segments()
    del doc["segments"][1]["length_km"]
    err = _raises(doc)
    assert err.field == "corridor.segments.1.length_km"
    assert "segment 'B – C'" in str(err)
    assert "missing" in str(err)
    for bad in (0, -5.0, float("nan"), "100", True):
        doc = _toy_two_segments()
        doc["segments"][0]["length_km"] = bad
        err = _raises(doc)
        assert err.field == "corridor.segments.0.length_km"
        assert "segment 'A – B'" in str(err)


def test_segment_to_an_unknown_node_names_segment_and_node() -> None:
    doc = _toy_two_segments()
    doc["segments"][1]["to"] = "Cc"
    err = _raises(doc)
    assert err.field == "corridor.segments.1.to"
    assert err.value == "Cc"
    assert "segment 'B – Cc'" in str(err)
    assert "did you mean 'C'" in str(err)


@pytest.mark.parametrize(
    ("where", "key", "value", "field"),
    [
        ("segments", "status", "planned", "corridor.segments.0.status"),
        ("segments", "terrain", "swamp", "corridor.segments.0.terrain"),
        ("segments", "line_speed_kmh", 0, "corridor.segments.0.line_speed_kmh"),
        ("segments", "gauge_mm", 1435.5, "corridor.segments.0.gauge_mm"),
        ("segments", "lenght_km", 5, "corridor.segments.0.lenght_km"),
        ("segments", "electrified", "yes", "corridor.segments.0.electrified"),
        ("nodes", "kind", "village", "corridor.nodes.0.kind"),
        ("nodes", "lat", 91.0, "corridor.nodes.0.lat"),
        ("nodes", "dwell_h", {"dist": "uniform", "low": 5, "high": 1}, "corridor.nodes.0.dwell_h"),
        ("nodes", "dwell_h", {"dist": "uniform", "low": -5, "high": 1}, "corridor.nodes.0.dwell_h"),
    ],
)
def test_bad_fields_are_named(where: str, key: str, value: Any, field: str) -> None:
    doc = copy.deepcopy(_toy_two_segments())
    doc[where][0][key] = value
    err = _raises(doc)
    assert err.field == field
    assert ("segment 'A – B'" if where == "segments" else "node 'A'") in str(err)


def test_duplicate_node_names() -> None:
    doc = _toy_two_segments()
    doc["nodes"].append(_node("B"))
    err = _raises(doc)
    assert err.field == "corridor.nodes.3.name"
    assert "node 1 is already called 'B'" in str(err)


def test_duplicate_segment_and_self_loop() -> None:
    doc = _toy_two_segments()
    doc["segments"].append(_seg("C", "B", 250, 80))
    err = _raises(doc)
    assert err.field == "corridor.segments.2"
    assert "segment 1 already joins 'B' and 'C'" in str(err)
    doc = _toy_two_segments()
    doc["segments"].append(_seg("C", "C", 5, 80))
    assert _raises(doc).field == "corridor.segments.2.to"


def test_gauge_change_needs_a_gauge_break_node() -> None:
    doc = _toy_two_segments()
    doc["segments"][1]["gauge_mm"] = 1520
    err = _raises(doc)
    assert err.field == "corridor.nodes.1.kind"
    assert "node 'B'" in str(err)
    assert "1435, 1520" in str(err)
    doc["nodes"][1] = _node("B", "gauge_break")
    err = _raises(doc)
    assert err.field == "corridor.nodes.1.dwell_h"


def test_empty_or_malformed_document() -> None:
    assert _raises({"nodes": [], "segments": []}).field == "corridor.nodes"
    assert _raises({**_toy_two_segments(), "extra": 1}).field == "corridor.extra"
    doc = _toy_two_segments()
    doc["nodes"][0] = "A"
    assert _raises(doc).field == "corridor.nodes.0"


def test_china_europe_benchmark_end(shipped: Any) -> None:
    r = route(shipped, "Beijing", "Warsaw")
    assert r.gauge_break_nodes == ("Zabaikalsk", "Malaszewicze")
    assert r.dwell_nodes == ("Manzhouli", "Zabaikalsk", "Brest", "Malaszewicze")
    # Zabaikalsk uniform 4.25-9 h; Malaszewicze log-normal median 60 h, gsd 1.8 (notes §4)
    expected = (4.25 + 9.0) / 2 + 60.0 * math.exp(math.log(1.8) ** 2 / 2)
    assert r.dwell_h == pytest.approx(expected)
    assert r.distance_km == 8961 + 1093 + 20 + 200
