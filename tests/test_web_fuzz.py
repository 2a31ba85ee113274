"""API fuzzing with schemathesis against the app's own OpenAPI schema: no generated request,
with or without the token, gets a 5xx answer. Eight examples per operation, fixed order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from webapp import AUTH, make_app

EXAMPLES = 8


def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, max_jobs=1, queue=1, max_draws=50, time_limit_s=5.0)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    seen: dict[int, int] = {}
    try:
        for op in operations:

            @given(case=op.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                for headers in (AUTH, {}):
                    response = case.call(headers=headers)
                    seen[response.status_code] = seen.get(response.status_code, 0) + 1
                    assert response.status_code < 500, (
                        case.method,
                        case.formatted_path,
                        response.text[:400],
                    )

            check()
    finally:
        app.state.pool.shutdown()
    assert {200, 403, 422} <= set(seen)  # the fuzzing got past the token and the validator
