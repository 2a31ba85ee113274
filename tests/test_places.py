"""Places, access legs and default route pairs (places.toml) plus the corridor additions."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beringia.core.distributions import mean
from beringia.errors import ScenarioError
from beringia.models.corridor import load_network, ocean, route
from beringia.models.corridor.places import (
    FLOWS,
    Access,
    Place,
    RoutePair,
    load_places,
    merge_places,
    pair_weight,
    parse_places,
    shipped_doc,
)
from beringia.models.corridor.quantity import Quantity

ZERO = {"dist": "fixed", "value": 0, "source": "the place is the port"}


def _port(code: str, **kw: Any) -> dict[str, Any]:
    return {"port": code, "days": dict(ZERO), "usd_per_feu": dict(ZERO), **kw}


def _place(name: str, node: str, *ports: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"name": name, "rail_node": node, "ports": list(ports), **kw}


def _toy() -> dict[str, Any]:
    return {
        "places": [
            _place("Shanghai", "Shanghai", _port("CNSHA")),
            _place(
                "Chicago",
                "Chicago",
                _port(
                    "USSEA",
                    days={"dist": "triangular", "low": 3, "mode": 3.5, "high": 5.6},
                    usd_per_feu={"dist": "uniform", "low": 2500, "high": 4500},
                ),
            ),
            _place("Seattle", "Seattle", _port("USSEA")),
        ],
        "routes": [
            {"origin": "Shanghai", "destination": "Chicago", "flow": "asia_us"},
            {"origin": "Shanghai", "destination": "Seattle", "flow": "asia_us"},
        ],
    }


def _raises(doc: dict[str, Any], field: str, *fragments: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_places(doc)
    assert info.value.field == field
    for f in fragments:
        assert f in str(info.value), (f, str(info.value))
    return info.value


# ------------------------------------------------------------------ toy documents


def test_toy_document_parses_with_known_means() -> None:
    places, routes = parse_places(_toy())
    assert list(places) == ["Shanghai", "Chicago", "Seattle"]
    chicago = places["Chicago"]
    assert chicago.rail_access is None
    assert chicago.port_codes == ("USSEA",)
    leg = chicago.port("USSEA").access
    assert leg.days.mean == pytest.approx((3 + 3.5 + 5.6) / 3)
    assert leg.usd_per_feu.mean == pytest.approx(3500.0)
    assert places["Shanghai"].port("CNSHA").access.days.mean == 0.0
    assert routes == (
        RoutePair("Shanghai", "Chicago", "asia_us"),
        RoutePair("Shanghai", "Seattle", "asia_us"),
    )


def test_port_given_by_name_resolves_to_its_code_and_routes_are_optional() -> None:
    doc = {"places": [_place("Beijing", "Beijing", _port("Tianjin"), _port("cnsha"))]}
    places, routes = parse_places(doc)
    assert places["Beijing"].port_codes == ("CNTSN", "CNSHA")
    assert routes == ()


def test_rail_access_is_parsed() -> None:
    doc = _toy()
    doc["places"][0]["rail_access"] = {
        "days": {"dist": "uniform", "low": 2, "high": 4, "source": "s"},
        "usd_per_feu": {"dist": "fixed", "value": 1500, "source": "s"},
        "source": "feeder",
        "assumed": True,
        "note": "n",
    }
    access = parse_places(doc)[0]["Shanghai"].rail_access
    assert isinstance(access, Access)
    assert access.days.mean == pytest.approx(3.0)
    assert access.usd_per_feu.mean == 1500.0
    assert (access.source, access.assumed, access.unverified, access.note) == (
        "feeder",
        True,
        False,
        "n",
    )


def test_place_port_lookup_names_the_place() -> None:
    places, _ = parse_places(_toy())
    with pytest.raises(ScenarioError, match="'Seattle'"):
        places["Seattle"].port("USNYC")


# ------------------------------------------------------------------ errors


def test_unknown_keys_are_refused_at_every_level() -> None:
    doc = _toy()
    doc["places"][1]["colour"] = "red"
    _raises(doc, "corridor.places.1.colour", "place 'Chicago'", "rail_node")
    doc = _toy()
    doc["places"][1]["ports"][0]["hours"] = 3
    _raises(doc, "corridor.places.1.ports.0.hours", "place 'Chicago'")
    doc = _toy()
    doc["places"][1]["rail_access"] = {"days": 1, "usd_per_feu": 1, "cost": 2}
    _raises(doc, "corridor.places.1.rail_access.cost", "place 'Chicago'")
    doc = _toy()
    doc["routes"][0]["mode"] = "rail"
    _raises(doc, "corridor.routes.0.mode", "flow")
    doc = _toy()
    doc["extra"] = []
    _raises(doc, "corridor.extra", "places, routes")


def test_a_port_not_shipped_is_refused_listing_the_codes() -> None:
    doc = _toy()
    doc["places"][1]["ports"].append(_port("USOAK"))
    err = _raises(doc, "corridor.places.1.ports.1.port", "place 'Chicago'", "USNYC", "CNSHA")
    assert err.value == "USOAK"
    doc = _toy()
    doc["places"][0]["ports"][0]["port"] = 42
    _raises(doc, "corridor.places.0.ports.0.port", "place 'Shanghai'", "UN/LOCODE")


def test_a_place_needs_ports() -> None:
    doc = _toy()
    doc["places"][2]["ports"] = []
    _raises(doc, "corridor.places.2.ports", "place 'Seattle'", "non-empty")
    doc = _toy()
    del doc["places"][2]["ports"]
    _raises(doc, "corridor.places.2.ports", "place 'Seattle'")


def test_a_port_listed_twice_is_refused() -> None:
    doc = _toy()
    doc["places"][2]["ports"].append(_port("Seattle"))
    _raises(doc, "corridor.places.2.ports.1.port", "place 'Seattle'", "once")


def test_duplicate_place_names_are_refused() -> None:
    doc = _toy()
    doc["places"].append(_place("Seattle", "Seattle", _port("USSEA")))
    _raises(doc, "corridor.places.3.name", "place 2 is already called 'Seattle'")


def test_rail_node_must_be_a_non_empty_string() -> None:
    for bad in ("", "  ", 7, None):
        doc = _toy()
        if bad is None:
            del doc["places"][0]["rail_node"]
        else:
            doc["places"][0]["rail_node"] = bad
        _raises(doc, "corridor.places.0.rail_node", "place 'Shanghai'", "non-empty string")
    doc = _toy()
    doc["places"][0]["rail_node"] = "Atlantis"  # not checked against a network here
    assert parse_places(doc)[0]["Shanghai"].rail_node == "Atlantis"


def test_bad_distributions_and_flags_name_the_field() -> None:
    doc = _toy()
    doc["places"][1]["ports"][0]["days"] = {"dist": "triangular", "low": 5, "mode": 1, "high": 2}
    _raises(doc, "corridor.places.1.ports.0.days", "place 'Chicago'")
    doc = _toy()
    doc["places"][1]["ports"][0]["usd_per_feu"] = {"dist": "uniform", "low": -10, "high": 5}
    _raises(doc, "corridor.places.1.ports.0.usd_per_feu", ">= 0")
    doc = _toy()
    del doc["places"][1]["ports"][0]["days"]
    _raises(doc, "corridor.places.1.ports.0.days", "distribution")
    doc = _toy()
    doc["places"][1]["assumed"] = "yes"
    _raises(doc, "corridor.places.1.assumed", "true or false")


def test_route_pair_with_unknown_place_offers_close_names() -> None:
    doc = _toy()
    doc["routes"][1]["destination"] = "Seatle"
    err = _raises(doc, "corridor.routes.1.destination", "did you mean 'Seattle'")
    assert "a place: Chicago, Seattle, Shanghai" in str(err)
    doc = _toy()
    del doc["routes"][0]["origin"]
    _raises(doc, "corridor.routes.0.origin", "a place")


def test_route_pair_origin_must_differ_from_destination() -> None:
    doc = _toy()
    doc["routes"][0]["destination"] = "Shanghai"
    _raises(doc, "corridor.routes.0.destination", "other than the origin")


def test_route_pair_flow_must_be_known() -> None:
    doc = _toy()
    doc["routes"][0]["flow"] = "asia_europe"
    _raises(doc, "corridor.routes.0.flow", "asia_us, europe_us, us_europe")
    doc = _toy()
    del doc["routes"][1]["flow"]
    _raises(doc, "corridor.routes.1.flow")


def test_repeated_route_pair_is_refused() -> None:
    doc = _toy()
    doc["routes"].append(dict(doc["routes"][0], flow="europe_us"))
    _raises(doc, "corridor.routes.2", "route pair 0")


def test_document_shape_errors() -> None:
    _raises({"places": []}, "corridor.places", "non-empty")
    _raises({"routes": []}, "corridor.places")
    doc = _toy()
    doc["routes"] = {"origin": "Shanghai"}
    _raises(doc, "corridor.routes", "array")
    doc = _toy()
    doc["places"][0] = "Shanghai"
    _raises(doc, "corridor.places.0", "a table")
    with pytest.raises(ScenarioError) as info:
        parse_places(_toy() | {"places": []}, field="scenario.corridor")
    assert info.value.field == "scenario.corridor.places"


# ------------------------------------------------------------------ merge


def test_merge_replaces_wholesale_in_place_and_appends_new() -> None:
    base = _toy()
    before = copy.deepcopy(base)
    edits = [
        _place("Chicago", "Chicago", _port("USNYC")),  # replaces: the USSEA leg is gone
        _place("New York", "New York", _port("USNYC")),  # new: appended
    ]
    merged = merge_places(base, edits)
    assert base == before  # the base is not modified
    assert [p["name"] for p in merged["places"]] == ["Shanghai", "Chicago", "Seattle", "New York"]
    places, routes = parse_places(merged)
    assert places["Chicago"].port_codes == ("USNYC",)
    assert places["New York"].rail_node == "New York"
    assert routes == parse_places(base)[1]
    edits[0]["rail_node"] = "Changed"  # the result holds copies
    assert merged["places"][1]["rail_node"] == "Chicago"


def test_merge_errors() -> None:
    with pytest.raises(ScenarioError) as info:
        merge_places(_toy(), [{"rail_node": "X"}])
    assert info.value.field == "corridor.places.0.name"
    with pytest.raises(ScenarioError) as info:
        merge_places(_toy(), [_place("A", "A", _port("USSEA")), "B"])  # type: ignore[list-item]
    assert info.value.field == "corridor.places.1"
    with pytest.raises(ScenarioError) as info:
        merge_places(_toy(), [_place("A", "A", _port("USSEA"))] * 2)
    assert info.value.field == "corridor.places.1.name"
    with pytest.raises(ScenarioError) as info:
        merge_places({"routes": []}, [])
    assert info.value.field == "corridor.places"


@settings(max_examples=30, deadline=None)
@given(
    replaced=st.sets(st.sampled_from(sorted(load_places()[0]))),
    new=st.sets(st.text(alphabet="xyz", min_size=1, max_size=4)),
)
def test_merge_property_count_and_content(replaced: set[str], new: set[str]) -> None:
    base = shipped_doc()
    edits = [_place(n, f"node of {n}", _port("USNYC")) for n in sorted(replaced | new)]
    places, routes = parse_places(merge_places(base, edits))
    shipped, shipped_routes = load_places()
    assert len(places) == len(shipped) + len(new)
    assert list(places)[: len(shipped)] == list(shipped)  # positions kept, new ones at the end
    for name, p in places.items():
        if name in replaced or name in new:
            assert p.rail_node == f"node of {name}"
            assert p.port_codes == ("USNYC",)
        else:
            assert p == shipped[name]
    assert routes == shipped_routes


# ------------------------------------------------------------------ the shipped file


@pytest.fixture(scope="module")
def shipped() -> tuple[dict[str, Place], tuple[RoutePair, ...]]:
    return load_places()


def _quantities(p: Place) -> list[tuple[str, Quantity]]:
    out = []
    legs = [("rail_access", p.rail_access)] + [(pa.port, pa.access) for pa in p.ports]
    for label, leg in legs:
        if leg is not None:
            out += [
                (f"{p.name} {label} days", leg.days),
                (f"{p.name} {label} usd", leg.usd_per_feu),
            ]
    return out


def test_shipped_places_load(shipped: Any) -> None:
    places, _ = shipped
    for name in (
        "Shanghai", "Beijing", "Harbin", "Seoul", "Chicago", "Seattle", "New York", "Moscow",
        "St Petersburg", "Vancouver", "Prince Rupert",
    ):  # fmt: skip
        assert name in places
    assert load_places()[0] is not places  # a fresh dict each call
    assert load_places()[0] == places


def test_every_shipped_figure_carries_a_source(shipped: Any) -> None:
    places, _ = shipped
    for p in places.values():
        assert p.source.strip(), p.name
        if p.assumed or p.unverified:
            assert p.note.strip(), p.name
        for leg in [p.rail_access, *(pa.access for pa in p.ports)]:
            if leg is not None:
                assert leg.source.strip(), p.name
        for label, q in _quantities(p):
            assert q.source.strip(), label
            if q.assumed or q.unverified:
                assert q.note.strip(), label
            if q.mean > 0:  # every non-zero figure is flagged or plainly sourced
                assert q.source != "the place is the port", label


def test_the_thirty_two_default_pairs(shipped: Any) -> None:
    places, routes = shipped
    expected = {
        *((o, d, "asia_us") for o in ("Shanghai", "Beijing", "Harbin", "Seoul")
          for d in ("Chicago", "Seattle", "New York")),
        *((o, d, "europe_us") for o in ("Moscow", "St Petersburg") for d in ("Seattle", "Chicago")),
        *((o, d, "us_europe") for o in ("Seattle", "Chicago") for d in ("Moscow", "St Petersburg")),
        *((o, d, "us_asia") for o in ("Chicago", "Seattle", "New York")
          for d in ("Shanghai", "Beijing", "Harbin", "Seoul")),
    }  # fmt: skip
    assert len(routes) == 32
    assert {(r.origin, r.destination, r.flow) for r in routes} == expected
    assert {r.flow for r in routes} == set(FLOWS)
    for r in routes:
        assert r.origin in places and r.destination in places


def test_shipped_ports_resolve_and_rail_nodes_are_network_nodes(shipped: Any) -> None:
    places, _ = shipped
    net = load_network()
    for p in places.values():
        assert p.rail_node in net.names, p.name
        for pa in p.ports:
            assert ocean.port(pa.port).code == pa.port
    expected_ports = {
        "Shanghai": ("CNSHA",), "Beijing": ("CNTSN",), "Harbin": ("CNDLC",),
        "Chicago": ("USSEA", "USNYC"), "Seattle": ("USSEA",), "New York": ("USNYC", "USSEA"),
        "Moscow": ("RULED",), "St Petersburg": ("RULED",), "Vancouver": ("CAVAN",),
        "Prince Rupert": ("CAPRR",),
    }  # fmt: skip
    for name, codes in expected_ports.items():
        assert places[name].port_codes == codes, name
    assert set(places["Seoul"].port_codes) <= {"KRPUS", "KRINC"}
    assert places["Seoul"].port_codes


def test_shipped_access_legs(shipped: Any) -> None:
    places, _ = shipped
    # places that are their port: zero access; on the network: no rail access
    for name, code in (("Shanghai", "CNSHA"), ("Seattle", "USSEA"), ("New York", "USNYC"),
                       ("St Petersburg", "RULED"), ("Vancouver", "CAVAN"),
                       ("Prince Rupert", "CAPRR")):  # fmt: skip
        leg = places[name].port(code).access
        assert leg.days.mean == 0.0 and leg.usd_per_feu.mean == 0.0
        assert places[name].rail_node == name
    for p in places.values():
        assert (p.rail_access is None) == (p.rail_node == p.name), p.name
    seoul = places["Seoul"]
    assert seoul.rail_node != "Seoul" and seoul.rail_access is not None
    assert seoul.rail_access.days.mean > 0 and seoul.rail_access.usd_per_feu.mean > 0
    # Chicago via Seattle copies ocean.toml's seattle-chicago inland leg
    inland = ocean.inland_leg("seattle-chicago")
    via_sea = places["Chicago"].port("USSEA").access
    assert via_sea.days.spec == inland.days
    assert via_sea.usd_per_feu.spec == inland.usd_per_feu
    assert mean(inland.days) == pytest.approx(via_sea.days.mean)
    # Chicago via New York: the seattle-chicago leg scaled by 1,545 / 3,550 km
    via_nyc = places["Chicago"].port("USNYC").access
    ratio = load_network().segment("Chicago", "New York").length_km / 3550
    assert via_nyc.days.mean == pytest.approx(mean(inland.days) * ratio, rel=0.01)
    assert via_nyc.usd_per_feu.mean == pytest.approx(mean(inland.usd_per_feu) * ratio, rel=0.01)
    # every non-port place has a positive access to each of its ports
    for name in ("Beijing", "Harbin", "Seoul", "Chicago", "Moscow"):
        for pa in places[name].ports:
            assert pa.access.days.mean > 0 and pa.access.usd_per_feu.mean > 0, (name, pa.port)


# ------------------------------------------------------------------ corridor.toml additions


def test_network_has_new_york_and_commercial_us_segments() -> None:
    net = load_network()
    ny = net.node("New York")
    assert (ny.kind, ny.country) == ("city", "US")
    seg = net.segment("Chicago", "New York")
    assert seg.status == "existing" and seg.gauge_mm == 1435 and not seg.electrified
    assert seg.commercial and seg.source.strip() and seg.note.strip()
    assert net.segment("Seattle", "Chicago").commercial
    # commercial speeds ignore the speed factor: known answer 3,550 / 49.3 h
    sc = net.segment("Seattle", "Chicago")
    assert sc.running_h(0.5) == sc.running_h(1.0) == pytest.approx(3550 / 49.3)
    assert seg.running_h(0.55) == pytest.approx(1545 / 49.3)
    slow, fast = (route(net, "Seattle", "New York", speed_factor=f) for f in (0.5, 1.0))
    assert slow.total_h == pytest.approx(fast.total_h)
    assert slow.nodes == ("Seattle", "Chicago", "New York")


def test_shanghai_to_new_york_passes_through_chicago() -> None:
    net = load_network()
    r = route(net, "Shanghai", "New York")
    assert "Chicago" in r.nodes and r.nodes[-2:] == ("Chicago", "New York")
    to_chicago = route(net, "Shanghai", "Chicago")
    assert r.distance_km == pytest.approx(to_chicago.distance_km + 1545)
    for a, b in itertools.pairwise(("Shanghai", "Seattle", "Chicago", "New York")):
        assert route(net, a, b).distance_km > 0


def test_every_default_pair_has_a_priced_sea_lane(shipped: Any) -> None:
    places, routes = shipped
    rates = ocean.load_ocean_data().rates
    for r in routes:
        lanes = {
            f"{ocean.port(a.port).region}->{ocean.port(b.port).region}"
            for a in places[r.origin].ports
            for b in places[r.destination].ports
            if a.port != b.port
        }
        assert lanes & set(rates), (r.origin, r.destination, lanes)


def test_every_default_pair_is_weighted_and_each_flow_sums_to_at_most_one(shipped: Any) -> None:
    _, routes = shipped
    totals: dict[str, float] = {}
    for r in routes:
        assert r.weight is not None and 0.0 <= r.weight <= 1.0, r
        totals[r.flow] = totals.get(r.flow, 0.0) + r.weight
    assert all(t <= 1.0 for t in totals.values())
    # known answer: Shanghai -> Chicago = China-Yangtze share 0.204 x Midwest share 0.207
    w = {(r.origin, r.destination): r.weight for r in routes}
    assert w[("Shanghai", "Chicago")] == pytest.approx(0.204 * 0.207)
    assert w[("Chicago", "Harbin")] == pytest.approx(0.207 * 0.061)


def test_pair_weight_is_the_product_of_the_two_shares() -> None:
    shares = {("asia_us", "origin", "A"): 0.5, ("asia_us", "destination", "B"): 0.25}
    assert pair_weight(shares, "asia_us", "A", "B") == 0.125
    assert pair_weight(shares, "asia_us", "B", "A") is None
    assert pair_weight(shares, "us_asia", "A", "B") is None


def test_shares_over_one_at_an_end_are_refused() -> None:
    doc = shipped_doc()
    doc["shares"] = [
        {"flow": "asia_us", "end": "origin", "place": "Shanghai", "share": 0.7, "source": "x"},
        {"flow": "asia_us", "end": "origin", "place": "Beijing", "share": 0.4, "source": "x"},
    ]
    with pytest.raises(ScenarioError) as e:
        parse_places(doc)
    assert e.value.field == "corridor.shares.1.share"
    assert "at most 1" in e.value.allowed


def test_a_share_of_an_unknown_place_is_refused() -> None:
    doc = shipped_doc()
    doc["shares"] = [
        {"flow": "asia_us", "end": "origin", "place": "Atlantis", "share": 0.1, "source": "x"}
    ]
    with pytest.raises(ScenarioError) as e:
        parse_places(doc)
    assert e.value.field == "corridor.shares.0.place"
