"""Land masks at the I/O boundary: the shipped Bering Strait window and its packed format.

Model code receives plain arrays from here; it never reads the data files itself. Distances
and traces are in :mod:`beringia.geo.geodesy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from beringia.core.distributions import FloatArray
from beringia.errors import ScenarioError


@dataclass(frozen=True)
class LandMask:
    """A window of the GLOBE land/sea mask: ``mask[i, j]`` is land at ``(lat[i], lon[j])``."""

    lat: FloatArray  # descending
    lon: FloatArray  # ascending
    mask: NDArray[np.bool_]
    source: str

    def is_land(self, lat: FloatArray, lon: FloatArray) -> NDArray[np.bool_]:
        """Land flag of the cell containing each point.

        Raises
        ------
        ScenarioError
            If a point lies outside the shipped window.
        """
        outside = (
            (lat > self.lat[0]) | (lat < self.lat[-1]) | (lon < self.lon[0]) | (lon > self.lon[-1])
        )
        if np.any(outside):
            bad = int(np.flatnonzero(outside)[0])
            raise ScenarioError(
                "alignment.waypoints",
                f"{lat[bad]:.4f} N, {lon[bad]:.4f} E",
                f"the shipped land data covers {self.lat[-1]:g} to {self.lat[0]:g} N and "
                f"{self.lon[0]:g} to {self.lon[-1]:g} E",
            )
        dlat = self.lat[0] - self.lat[1]
        dlon = self.lon[1] - self.lon[0]
        # Cells are indexed as the global-land-mask package does (truncation to the cell).
        i = np.clip(np.floor((self.lat[0] - lat) / dlat).astype(np.intp), 0, len(self.lat) - 1)
        j = np.clip(np.floor((lon - self.lon[0]) / dlon).astype(np.intp), 0, len(self.lon) - 1)
        return np.asarray(self.mask[i, j], dtype=bool)


def read_packed_mask(filename: str) -> tuple[dict[str, np.ndarray], NDArray[np.bool_]]:
    """Read a shipped bit-packed land mask: its arrays and the unpacked boolean mask."""
    with resources.files("beringia.data").joinpath(filename).open("rb") as fh:
        data = dict(np.load(fh))
    shape = tuple(int(v) for v in data["shape"])
    mask = np.unpackbits(data["packed"])[: shape[0] * shape[1]].reshape(shape).astype(bool)
    return data, mask


@cache
def land_mask() -> LandMask:
    """Load the shipped Bering Strait window of the GLOBE land mask (about 8 kB)."""
    data, mask = read_packed_mask("land_bering.npz")
    return LandMask(
        lat=np.asarray(data["lat"], dtype=np.float64),
        lon=np.asarray(data["lon"], dtype=np.float64),
        mask=mask,
        source=str(data["source"]),
    )
