"""What the web app allows: token, privacy, the job pool's bounds, upload size."""

from __future__ import annotations

from dataclasses import dataclass

from beringia.errors import ScenarioError

MAX_BODY_BYTES = 2 * 1024 * 1024
"""Largest request body (an uploaded scenario, a JSON document): 2 MB, as a scenario file."""

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
"""Host names of this machine's loopback interface."""


@dataclass(frozen=True)
class WebSettings:
    """Bounds and access rules of one app.

    Attributes
    ----------
    token : str
        Bearer token every write needs (and every read when ``private``).
    private : bool
        Reads need the token too (header, or the ``beringia_token`` cookie for pages).
    max_jobs : int
        Jobs that run at the same time.
    queue : int
        Jobs that may wait beyond those; one more is refused as busy (HTTP 429).
    max_draws : int
        Largest number of draws of one job.
    time_limit_s : float
        A job still running after this many seconds is stopped (checked at each block of
        draws) and its run marked failed.
    max_body_bytes : int
        Largest request body.
    allowed_hosts : tuple of str
        ``Host`` headers the app answers (empty: any). ``beringia serve`` on loopback allows
        only loopback names, so a web page elsewhere cannot reach the app through DNS
        rebinding.
    scheduler : str or None
        Run the jobs on Dask, as ``--scheduler`` on the command line: ``local`` (a
        LocalCluster on this machine, started with the app) or ``tcp://HOST:PORT`` (an
        existing cluster). ``None``: in the app's own threads.
    """

    token: str
    private: bool = False
    max_jobs: int = 2
    queue: int = 8
    max_draws: int = 200_000
    time_limit_s: float = 600.0
    max_body_bytes: int = MAX_BODY_BYTES
    allowed_hosts: tuple[str, ...] = ()
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if len(self.token) < 16:
            raise ScenarioError("BERINGIA_TOKEN", "(hidden)", "allowed: at least 16 characters")
        if not 1 <= self.max_jobs <= 64:
            raise ScenarioError("--max-jobs", self.max_jobs, "allowed: 1 to 64")
        if not 0 <= self.queue <= 10_000:
            raise ScenarioError("--queue", self.queue, "allowed: 0 to 10,000")
        if not 1 <= self.max_draws <= 100_000_000:
            raise ScenarioError("--max-draws", self.max_draws, "allowed: 1 to 10^8")
        if not self.time_limit_s > 0:
            raise ScenarioError("--time-limit", self.time_limit_s, "allowed: > 0 seconds")
        from beringia.pipeline.scheduler import check_scheduler

        check_scheduler(self.scheduler)
