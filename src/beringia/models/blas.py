"""One BLAS thread for jobs made of many small matrix products.

The corridor's economics multiply blocks of a few thousand draws by a few hundred years
(NPV and the IRR grid). OpenBLAS splits each such product over its threads, and the
threads that wait spin: on two cores the corridor job used about twice the CPU time of its
wall time, for no gain. Held to one thread the products give the same values (each row's
sums are computed by the same kernel; checked on the built-ins' outputs, bit for bit) and
the results no longer depend on how many cores the machine has.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@cache
def _controller() -> Any:
    """Return the process's thread-pool controller (the loaded libraries inspected once)."""
    from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

    return ThreadpoolController()


def one_blas_thread(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with the BLAS libraries held to one thread, restored afterwards.

    Parameters
    ----------
    fn : callable
        The job.

    Returns
    -------
    callable
        ``fn`` with the same signature and docstring.
    """

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with _controller().limit(limits=1, user_api="blas"):
            return fn(*args, **kwargs)

    return run


__all__ = ["one_blas_thread"]
