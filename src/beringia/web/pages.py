"""Server-rendered pages: scenarios, editor, runs, sweeps and sensitivity, compare, claims.

A run's page shows live progress, then its verdicts and key figures. Every asset is served by
the app (no CDN); the pages' own script (``static/app.js``) calls the JSON API with the token
kept in the browser.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from beringia.errors import ScenarioError
from beringia.models.numfmt import fixed, money_bn
from beringia.store.runs import diff_documents
from beringia.web.auth import require_reader
from beringia.web.editor import editor_sections
from beringia.web.library import scenario_schema
from beringia.web.state import library, pool, settings, store

router = APIRouter(dependencies=[Depends(require_reader)], include_in_schema=False)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""The pages' policy: their own scripts, styles and API only."""

QUANTILES = ("mean", "p10", "p50", "p80", "p90")


@cache
def environment() -> Environment:
    """Return the Jinja environment of the pages, with the report's number filters."""
    from beringia.report.page import linkify
    from beringia.report.text import format_percent

    env = Environment(
        loader=PackageLoader("beringia.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["linkify"] = linkify
    env.filters["pct"] = format_percent
    env.filters["money"] = money_bn
    env.filters["f1"] = fixed
    return env


def render(template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a page template with the pages' security headers."""
    html = environment().get_template(template).render(context)
    return HTMLResponse(
        html,
        status_code=status,
        headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"},
    )


def error_page(status: int, message: str) -> HTMLResponse:
    """Return a page that says what went wrong (and asks for the token on 401/403)."""
    return render("error.html", {"status": status, "message": message, "title": "Error"}, status)


def _runs(request: Request) -> list[Any]:
    return store(request).list()


@router.get("/", response_class=HTMLResponse)
def library_page(request: Request) -> HTMLResponse:
    """List the scenarios: built-ins, saved ones, and an upload form."""
    return render("library.html", {"title": "Scenarios", "entries": library(request).entries()})


@router.get("/scenarios/{name}", response_class=HTMLResponse)
def editor_page(request: Request, name: str) -> HTMLResponse:
    """Edit a scenario's inputs, validate them and start a run."""
    doc = library(request).document(name)
    return render(
        "editor.html",
        {
            "title": f"Edit {name}",
            "name": name,
            "scenario_title": str(doc.get("title", "")),
            "sections": editor_sections(doc, scenario_schema()),
            "max_draws": settings(request).max_draws,
        },
    )


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request) -> HTMLResponse:
    """List the saved runs, newest first."""
    return render("runs.html", {"title": "Runs", "runs": _runs(request)})


@router.get("/runs/{ref}", response_class=HTMLResponse)
def run_page(request: Request, ref: str) -> HTMLResponse:
    """Show a run: live progress while it runs, then its verdicts and key figures."""
    run = store(request).get(ref)
    job = pool(request).get(run.id)
    res = run.result or {}
    cons = res.get("construction", {})
    rows = [
        (label, cons[key])
        for key, label in (("cost_usd_bn", "cost (USD bn)"), ("duration_years", "duration (years)"))
        if key in cons
    ]
    ref_flags = [f.get("message", "") for f in (res.get("reference") or {}).get("flags", [])]
    return render(
        "run.html",
        {
            "title": f"Run {run.label}",
            "run": run,
            "job": None if job is None else job.to_dict(),
            "live": job is not None and not job.done,
            "claims": [_verdict(c) for c in res.get("claims", [])],
            "rows": rows,
            "quantiles": QUANTILES,
            "flags": ref_flags,
            "counts": (res.get("scenario") or {}).get("inputs"),
            "report": pool(request).assessment(run.id) is not None,
        },
    )


def _verdict(claim: dict[str, Any]) -> dict[str, Any]:
    """Return a claim with its sentence as ``text``, without the name it starts with."""
    name, sentence = str(claim.get("name", "")), str(claim.get("sentence", ""))
    text = sentence.removeprefix(f"{name}: ")
    return {**claim, "text": text[:1].upper() + text[1:]}


@router.get("/runs/{ref}/report", response_class=HTMLResponse)
def report_page(request: Request, ref: str) -> HTMLResponse:
    """Return the run's full HTML report (the command line's), while this server keeps it."""
    from beringia.report.html import render_report

    run = store(request).get(ref)
    a = pool(request).assessment(run.id)
    if a is None:
        return render("report-gone.html", {"title": f"Report of run {run.label}", "run": run}, 404)
    return HTMLResponse(render_report(a))


STUDIES = {"sweep": ("Sweeps", "sweeps"), "sensitivity": ("Sensitivity analyses", "sensitivity")}
"""A study kind's title and path: pages under ``/<path>``, the API under ``/api/<path>``."""


def _studies(request: Request, kind: str) -> HTMLResponse:
    from beringia.web.jobs import KEEP_STUDIES

    title, path = STUDIES[kind]
    jobs = [j.to_dict() for j in pool(request).studies(kind)]
    return render(
        "studies.html",
        {"title": title, "kind": kind, "path": f"/{path}", "jobs": jobs, "keep": KEEP_STUDIES},
    )


def _study(request: Request, kind: str, ref: str) -> HTMLResponse:
    """Show a study: live progress while it runs, then its report (as ``--report``)."""
    if not ref.isdigit() or len(ref) > 18:
        raise ScenarioError(kind, ref, f"a {kind}'s id is a number")
    job = pool(request).study(kind, int(ref))
    if job.status == "finished":
        if kind == "sweep":
            from beringia.report.sweep import render_sweep_report

            return HTMLResponse(render_sweep_report(job.result))
        from beringia.report.sensitivity import render_sensitivity_report

        return HTMLResponse(render_sensitivity_report(job.result))
    context = {
        "title": f"{kind.capitalize()} {job.id}",
        "kind": kind,
        "api": f"/api/{STUDIES[kind][1]}/{job.id}",
        "job": job.to_dict(),
        "live": not job.done,
    }
    return render("study.html", context)


@router.get("/sweeps", response_class=HTMLResponse)
def sweeps_page(request: Request) -> HTMLResponse:
    """List the sweeps this server remembers, newest first."""
    return _studies(request, "sweep")


@router.get("/sweeps/{ref}", response_class=HTMLResponse)
def sweep_page(request: Request, ref: str) -> HTMLResponse:
    """Show a sweep: live progress while it runs, then its report (as ``sweep --report``)."""
    return _study(request, "sweep", ref)


@router.get("/sensitivity", response_class=HTMLResponse)
def sensitivity_list_page(request: Request) -> HTMLResponse:
    """List the sensitivity analyses this server remembers, newest first."""
    return _studies(request, "sensitivity")


@router.get("/sensitivity/{ref}", response_class=HTMLResponse)
def sensitivity_page(request: Request, ref: str) -> HTMLResponse:
    """Show a sensitivity analysis: progress, then its report (as ``sensitivity --report``)."""
    return _study(request, "sensitivity", ref)


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    a: Annotated[str | None, Query(max_length=200)] = None,
    b: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """Compare two runs: scenario fields that differ, then key results side by side."""
    runs = [r for r in _runs(request) if r.status == "finished"]
    context: dict[str, Any] = {"title": "Compare", "runs": runs, "a": a, "b": b, "diff": None}
    if a and b:
        s = store(request)
        ra, rb = s.get(a), s.get(b)
        results = []
        for key, label in (("cost_usd_bn", "cost (USD bn)"), ("duration_years", "years")):
            qa = ((ra.result or {}).get("construction") or {}).get(key, {})
            qb = ((rb.result or {}).get("construction") or {}).get(key, {})
            for q in ("p10", "p50", "p90"):
                if q in qa and q in qb:
                    results.append((f"{label} {q.upper()}", qa[q], qb[q]))
        ca = {c["name"]: c for c in (ra.result or {}).get("claims", [])}
        cb = {c["name"]: c for c in (rb.result or {}).get("claims", [])}
        claims = [(n, ca[n]["probability"], cb[n]["probability"]) for n in ca if n in cb]
        context.update(
            ra=ra,
            rb=rb,
            diff=diff_documents(ra.scenario, rb.scenario),
            results=results,
            claims=claims,
        )
    return render("compare.html", context)


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request) -> HTMLResponse:
    """Check a custom claim against a scenario."""
    return render(
        "claims.html",
        {
            "title": "Claim checker",
            "entries": library(request).entries(),
            "max_draws": settings(request).max_draws,
        },
    )
