"""One way to check a data table: pydantic layouts and the errors they give."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import Field

import beringia.tables.schema as schema_module
from beringia.errors import ScenarioError
from beringia.models.corridor.ocean import _compile as compile_ocean
from beringia.models.corridor.schema import Figure, SourcedFigure
from beringia.tables.advance_records import AdvanceRecords, advance_records
from beringia.tables.drive_averages import DriveAverages, cap_drives, drive_averages
from beringia.tables.optimism_bias import SourceRow, optimism_bias_table
from beringia.tables.schema import Allowed, Sourced, Table, Text, check, read_table


class Row(Sourced):
    name: Text
    speed_kmh: Annotated[float, Field(gt=0.0, le=400.0)]
    tracks: Annotated[int, Field(ge=1)]
    electrified: bool = False
    code: Annotated[str, Allowed("a code of the table")] = "X"
    dwell_h: Figure | None = None


class Doc(Table):
    rows: Annotated[list[Row], Field(min_length=1)]
    cost: SourcedFigure | None = None


def good() -> dict[str, Any]:
    return {"rows": [{"name": "a", "speed_kmh": 80, "tracks": 2}]}


def error(doc: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        check(Doc, doc, "table", lambda loc: f"row {loc[1]}" if len(loc) > 1 else "")
    return info.value


def test_a_good_table_is_read_with_floats_for_numbers() -> None:
    doc = check(Doc, good(), "table")
    assert doc.rows[0].speed_kmh == 80.0 and isinstance(doc.rows[0].speed_kmh, float)
    assert doc.rows[0].dwell_h is None and doc.cost is None


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("speed_kmh", "80", "a number > 0 and <= 400"),  # no strings for numbers
        ("speed_kmh", True, "a number > 0 and <= 400"),  # no booleans for numbers
        ("speed_kmh", float("nan"), "a number > 0 and <= 400"),
        ("speed_kmh", 401, "a number > 0 and <= 400"),
        ("tracks", 2.0, "a whole number >= 1"),
        ("tracks", 0, "a whole number >= 1"),
        ("electrified", "yes", "true or false"),
        ("name", "  ", "a non-empty string"),
        ("code", 7, "a code of the table"),
        ("speed", 80, "keys assumed, code, dwell_h, electrified, name, note, source"),
    ],
)
def test_a_bad_field_names_path_value_and_what_is_allowed(
    key: str, value: Any, allowed: str
) -> None:
    doc = good()
    doc["rows"][0][key] = value
    err = error(doc)
    assert err.field == f"table.rows.0.{key}"
    assert err.value == value or (value != value and err.value != err.value)
    assert err.allowed.startswith("row 0: ")
    assert allowed in err.allowed


def test_missing_fields_and_shapes() -> None:
    doc = good()
    del doc["rows"][0]["tracks"]
    err = error(doc)
    assert (err.field, err.value) == ("table.rows.0.tracks", "missing")
    assert error({"rows": []}).allowed == "a non-empty array of tables"
    assert error({"rows": ["a"]}).field == "table.rows.0"
    assert "a table" in error({"rows": ["a"]}).allowed
    assert error({**good(), "extra": 1}).allowed == "keys cost, rows"


def test_distribution_errors_name_the_figure() -> None:
    doc = good()
    doc["rows"][0]["dwell_h"] = {"dist": "uniform", "low": 5, "high": 1}
    err = error(doc)
    assert err.field == "table.rows.0.dwell_h"
    assert "a distribution table (uniform: low (5.0) must not exceed high (1.0))" in str(err)
    doc["rows"][0]["dwell_h"] = {"dist": "uniform", "low": -5, "high": 1}
    assert "a distribution of values >= 0" in str(error(doc))
    doc["rows"][0]["dwell_h"] = {"dist": "uniform", "low": 5}  # given, but without its high
    err = error(doc)
    assert err.value == {"dist": "uniform", "low": 5}
    assert "a distribution table (uniform.high: Field required)" in str(err)
    doc = good() | {"cost": {"dist": "fixed", "value": 3}}
    err = error(doc)
    assert err.field == "table.cost"
    assert "source" in err.allowed


def test_the_shipped_ocean_table_is_checked_field_by_field() -> None:
    doc = read_table("ocean.toml")
    for edit, field, fragment in [
        (lambda d: d["ports"][2].update(side="arctic"), "ocean.ports.2.side", "pacific"),
        (lambda d: d["ports"][0].update(lat=95.0), "ocean.ports.0.lat", "<= 90"),
        (lambda d: d["rates"][0].pop("lane"), "ocean.rates.0.lane", "non-empty"),
        (lambda d: d["nsr"]["season_months"].append(13), "ocean.nsr.season_months", "<= 12"),
        (
            lambda d: d["vessel"].update(speed_knots={"dist": "normal", "mean": 16, "sd": 1}),
            "ocean.vessel.speed_knots",
            "dist = fixed | uniform | triangular | pert",
        ),
        (lambda d: d.update(weather=1), "ocean.weather", "keys benchmarks, dwell"),
    ]:
        bad = copy.deepcopy(doc)
        edit(bad)
        with pytest.raises(ScenarioError) as info:
            compile_ocean(bad)
        assert info.value.field.startswith(field), (field, info.value.field)
        assert fragment in str(info.value), (fragment, str(info.value))


def test_optimism_bias_sources_and_classes_are_checked() -> None:
    table = optimism_bias_table()
    assert set(table) == {"dft-2004", "flyvbjerg-2003"}
    assert set(table["dft-2004"].classes) == {"fixed-links", "rail", "roads"}
    raw = read_table("optimism_bias.toml")["dft-2004"]
    bad = copy.deepcopy(raw)
    bad["rail"]["mean_escalation"] = 0.4
    bad["rail"]["sd_escalation"] = 0.3  # both kinds at once
    with pytest.raises(ScenarioError) as info:
        check(SourceRow, bad, "data/optimism_bias.toml.dft-2004")
    assert info.value.field == "data/optimism_bias.toml.dft-2004.rail"
    assert "either uplift_quantiles" in str(info.value)
    bad = copy.deepcopy(raw)
    bad["rail"]["label"] = 3  # a class is an extra key: its fields are still named
    with pytest.raises(ScenarioError) as info:
        check(SourceRow, bad, "data/optimism_bias.toml.dft-2004")
    assert info.value.field == "data/optimism_bias.toml.dft-2004.rail.label"
    assert "a non-empty string" in str(info.value)


def test_advance_records_are_checked() -> None:
    records = advance_records()
    # The 4-7 m class: Sunkoshi's 1,503.3 m in March 2024, a regional record, not 1,224 m.
    best = records.best_month_for(6.4)
    assert best.m_per_day == pytest.approx(1503.3 / 31)
    assert best.status == "regional"
    assert records.best_month_for(9.51).metres == 1600.0  # La Cabrera, a maker's claim
    assert records.best_month_for(3.4).diameter_m == 3.4
    assert records.best_month_for(16.5).diameter_m == 10.65
    assert records.best_month_for(20.0).diameter_m == 10.65
    raw = read_table("advance_records.toml")
    raw["best_month"][1]["diameter_m"] = "6.4"
    with pytest.raises(ScenarioError) as info:
        check(AdvanceRecords, raw, "data/advance_records.toml")
    assert info.value.field == "data/advance_records.toml.best_month.1.diameter_m"
    assert "a number > 0 and <= 20" in str(info.value)
    gap = read_table("advance_records.toml")
    gap["best_month"][1]["max_diameter_m"] = 6.9
    with pytest.raises(ScenarioError) as info:
        check(AdvanceRecords, gap, "data/advance_records.toml")
    assert "must follow each other" in str(info.value)


def test_drive_averages_are_checked() -> None:
    drives = drive_averages().drive
    assert len({d.name for d in drives}) == len(drives) >= 20
    assert all(d.source.strip() for d in drives)
    hard = cap_drives("hard-rock")
    assert max(d.m_per_day for d in hard) == 23.3  # Sunkoshi; La Cabrera's 42 is unverified
    assert all(not d.unverified for d in hard)
    saturated = cap_drives("closed-face", saturation=True)
    assert {d.name for d in saturated} == {
        "westerschelde-1",
        "westerschelde-2",
        "eurasia",
        "hallandsas",
        "lake-mead-intake-3",
        "elbe-4th-tube",  # 5 bar; its 2.9 m/day at 14.2 m sets no cap
    }
    assert max(d.m_per_day for d in saturated) == 7.4
    assert cap_drives("hard-rock", saturation=True) == hard  # rock faces are not pressurised
    raw = read_table("drive_averages.toml")
    raw["drive"][0]["regime"] = "granite"
    with pytest.raises(ScenarioError) as info:
        check(DriveAverages, raw, "data/drive_averages.toml")
    assert info.value.field == "data/drive_averages.toml.drive.0.regime"
    assert "one of hard-rock, closed-face, drill-and-blast" in str(info.value)
    twice = read_table("drive_averages.toml")
    twice["drive"][1]["name"] = twice["drive"][0]["name"]
    with pytest.raises(ScenarioError) as info:
        check(DriveAverages, twice, "data/drive_averages.toml")
    assert "unique" in str(info.value)


def test_shipped_tables_are_read_in_one_place() -> None:
    """Only tables.schema opens data/*.toml (geo.land reads the NumPy land masks).

    TOML is otherwise parsed only for user input: scenario files and command-line values.
    """
    src = Path(schema_module.__file__).resolve().parents[1]
    data_readers, toml_parsers = set(), set()
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(src).as_posix()
        if '"beringia.data"' in text:
            data_readers.add(name)
        if "import tomllib" in text:
            toml_parsers.add(name)
    assert data_readers == {"tables/schema.py", "geo/land.py"}
    assert toml_parsers == {"tables/schema.py", "scenario/io.py", "cli/reference.py"}
