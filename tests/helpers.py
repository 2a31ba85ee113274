"""Helpers several test modules share: writing scenario documents as TOML, and the rule for a
failed command (exit 2, one or two ``error:`` lines, nothing on stdout, nothing written)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from typer.testing import Result


def toml_key(k: str) -> str:
    """A key as TOML (always quoted: any text is a valid key)."""
    return json.dumps(k, ensure_ascii=False)


def toml_value(v: Any) -> str:
    """One value as TOML: inline tables and arrays, dates, NaN and infinities; no nulls.

    An object with a ``toml()`` method writes itself (the fuzzer's over-deep arrays).
    """
    if hasattr(v, "toml"):
        return str(v.toml())
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dict):
        items = [f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items() if x is not None]
        return "{ " + ", ".join(items) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def toml_text(doc: dict[str, Any]) -> str:
    """A scenario document as TOML, one line per top-level key (tomli_w is not installed)."""
    return "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in doc.items() if v is not None)


def assert_clean_failure(result: Result, where: Path, *expected: str) -> str:
    """Check the whole rule for one failed invocation; return stderr."""
    detail = f"exit={result.exit_code} exc={result.exception!r}\nstdout={result.stdout!r}\n"
    detail += f"stderr={result.stderr!r}"
    assert isinstance(result.exception, SystemExit), detail  # no uncaught exception
    assert result.exit_code == 2, detail
    assert "Traceback" not in result.output, detail
    assert result.stdout == "", detail
    err = result.stderr.strip()
    assert err, detail
    assert len(err.splitlines()) <= 2, detail
    assert err.startswith("error:"), detail
    for text in expected:
        assert text in err, f"{text!r} not in stderr\n{detail}"
    assert not (where / "reports").exists(), "a reports/ directory was created"
    html = [p for p in where.rglob("*") if p.suffix == ".html" or ".html." in p.name]
    assert html == [], f"report files written: {html}"
    return err


def case_head(name: str, title: str) -> str:
    """A tunnel-cases file up to its geometry table: a fictitious 20 km rail case decided in
    2010, built 2011-2020 (the blind-compile tests add bores and attack points)."""
    return f"""schema_version = 1

[meta]
title = "test"

[[cases]]
name = "{name}"
title = "{title}"
country = "CH"
use = "rail"
setting = "mountain"
not_blind = "A fictitious tunnel for the tests: nothing in it is real."

[cases.decision]
year = 2010
what = "test decision"
source = "test"

[cases.start]
date = 2011-01-01
what = "test start"
source = "test"

[cases.opening]
date = 2020-01-01
what = "test opening"
source = "test"

[cases.geometry]
route_length_km = 20.0
source = "test"
"""
