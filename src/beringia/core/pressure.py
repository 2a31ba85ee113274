"""Water pressure at the tunnel and the regimes of work at a pressurised face.

Interventions at a closed face (cutter changes, inspections) are made under the pressure that
holds the face. Guidance draws two lines (tbm-limits-risk.md section 4.1): air-breathing
compressed-air work ends at about 3.5 bar (UK guidance changes at 3.5 bar(g), Germany's RAB 25
at 3.6 bar), and beyond about 5 bar work is done with mixed gas and saturation (France requires
another gas above 5 bar; ~50 m of water is the practical air limit). The regimes are therefore
``air`` (below 3.5 bar), ``mixed-gas`` (3.5 to 5 bar) and ``saturation`` (5 bar and more).

Zones of ground statistics are split where the pressure crosses a line, so each piece has one
regime (:func:`split_by_pressure`).
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from beringia.core.alignment import GRAVITY_M_S2, SEAWATER_DENSITY_KG_M3
from beringia.core.distributions import FloatArray
from beringia.core.geology import Zone

PRESSURE_REGIMES = ("air", "mixed-gas", "saturation")
"""Regimes of work under pressure, from the lowest pressure."""

THRESHOLDS_BAR = (3.5, 5.0)
"""Lower bound of each regime after the first (bar above atmospheric)."""

SATURATION = PRESSURE_REGIMES.index("saturation")
"""Index of the saturation regime."""


def head_pressure_bar(depth_m: FloatArray) -> FloatArray:
    """Return the sea-water pressure (bar above atmospheric) at ``depth_m`` below the surface.

    One bar per ~9.95 m of sea water (1,025 kg/m3); heights above the water are at 0 bar.
    """
    depth = np.maximum(np.asarray(depth_m, dtype=np.float64), 0.0)
    return np.asarray(SEAWATER_DENSITY_KG_M3 * GRAVITY_M_S2 * depth / 1e5, dtype=np.float64)


def regime_of(bar: FloatArray) -> NDArray[np.intp]:
    """Return the index into :data:`PRESSURE_REGIMES` of each pressure (bar)."""
    return np.searchsorted(np.asarray(THRESHOLDS_BAR), bar, side="right")


def _cuts(x: FloatArray, p: FloatArray) -> list[float]:
    """Chainages where the linear profile ``p(x)`` crosses a threshold, in order."""
    cuts: list[float] = []
    r = regime_of(p)
    for k in np.flatnonzero(r[1:] != r[:-1]):
        lo, hi = sorted((int(r[k]), int(r[k + 1])))
        for t in THRESHOLDS_BAR[lo:hi]:
            frac = (t - p[k]) / (p[k + 1] - p[k])
            cuts.append(float(x[k] + frac * (x[k + 1] - x[k])))
    return sorted(cuts)


def split_by_pressure(
    zones: tuple[Zone, ...],
    chainage_m: FloatArray,
    pressure_bar: FloatArray,
    given_bar: tuple[float | None, ...] | None = None,
) -> tuple[tuple[Zone, ...], tuple[int, ...]]:
    """Split zones where the water pressure crosses a regime line; give each piece its regime.

    Parameters
    ----------
    zones : tuple of Zone
        Contiguous zones along the route.
    chainage_m, pressure_bar : ndarray
        The pressure profile: increasing chainages and the pressure there (linear between).
    given_bar : tuple of (float or None), optional
        Per zone, a pressure stated for the whole zone: such a zone is not split and takes
        the regime of that pressure.

    Returns
    -------
    tuple
        The pieces (a zone whose regime does not change keeps its name, so its random
        streams; the pieces of a split zone are named ``<zone>@<regime>``, with ``-2``,
        ``-3`` ... for a regime met again) and each piece's regime index.
    """
    given = given_bar if given_bar is not None else (None,) * len(zones)
    out: list[Zone] = []
    regimes: list[int] = []
    for zone, bar in zip(zones, given, strict=True):
        if bar is not None:
            out.append(zone)
            regimes.append(int(regime_of(np.array([bar]))[0]))
            continue
        inside = (chainage_m > zone.from_m) & (chainage_m < zone.to_m)
        x = np.concatenate([[zone.from_m], chainage_m[inside], [zone.to_m]])
        p = np.interp(x, chainage_m, pressure_bar)
        edges = [zone.from_m, *_cuts(x, p), zone.to_m]
        pieces: list[tuple[float, float, int]] = []
        for a, b in itertools.pairwise(edges):
            r = int(regime_of(np.interp([(a + b) / 2.0], chainage_m, pressure_bar))[0])
            if pieces and (pieces[-1][2] == r or b - a < 1e-6):
                pieces[-1] = (pieces[-1][0], b, pieces[-1][2])
            else:
                pieces.append((a, b, r))
        if len(pieces) == 1:
            out.append(zone)
            regimes.append(pieces[0][2])
            continue
        seen: dict[int, int] = {}
        for a, b, r in pieces:
            seen[r] = seen.get(r, 0) + 1
            suffix = "" if seen[r] == 1 else f"-{seen[r]}"
            name = f"{zone.name}@{PRESSURE_REGIMES[r]}{suffix}"
            out.append(Zone(name, a, b, zone.share, zone.mean_run_m))
            regimes.append(r)
    return tuple(out), tuple(regimes)
