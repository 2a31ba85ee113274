"""The corridor job holds BLAS to one thread, with the same results."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from threadpoolctl import threadpool_info  # type: ignore[import-untyped]

import beringia
import beringia.models.corridor.run as corridor_run
from beringia.models.blas import one_blas_thread
from beringia.models.corridor import appraise


def _blas_threads() -> list[int]:
    return [int(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]


def test_one_thread_inside_and_restored_after() -> None:
    before = _blas_threads()
    seen = one_blas_thread(_blas_threads)()
    assert seen and all(t == 1 for t in seen)
    assert _blas_threads() == before


def test_corridor_results_do_not_depend_on_the_blas_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    draws = 4096 + 300  # a full block and a partial one
    a = beringia.assess("bering-strait", draws=draws, seed=4)
    # the same job with the library's own thread count
    monkeypatch.setattr(corridor_run, "assess_corridor", inspect.unwrap(appraise.assess_corridor))
    b = beringia.assess("bering-strait", draws=draws, seed=4)
    assert a.corridor is not None and b.corridor is not None
    da, db = a.to_dict(), b.to_dict()
    for k in ("corridor", "economics", "claims"):
        assert da[k] == db[k], k
    assert np.array_equal(a.cost_usd_bn, b.cost_usd_bn)
