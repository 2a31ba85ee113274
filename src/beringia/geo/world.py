"""A coarse world land mask for corridor maps (I/O boundary, like :mod:`beringia.geo.land`).

The shipped ``land_world.npz`` is the GLOBE 30-arc-second land mask downsampled by majority
vote to 0.05 deg cells over 20-80 N and all longitudes (see ``tools/extract_world_land.py``).
It is for drawing maps, not for engineering: coasts are good to a cell (about 5.5 km north-south)
and islands smaller than about half a cell disappear. The Bering Strait window used by the
alignment model stays in :func:`beringia.geo.land.land_mask`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from beringia.core.distributions import FloatArray
from beringia.errors import ScenarioError
from beringia.geo.land import read_packed_mask

_FIELD = "map.points"


def wrap_lon(lon: ArrayLike, west: float = -180.0) -> FloatArray:
    """Bring longitudes into ``[west, west + 360)``.

    Use it to put points on the same continuous x axis as :meth:`WorldLand.image` when a map
    crosses the antimeridian (for instance ``west=20`` puts Moscow at 37.6 and Seattle at 237.7).

    Parameters
    ----------
    lon : array_like
        Longitudes in degrees east (any range).
    west : float
        Western edge of the target interval.

    Returns
    -------
    ndarray
        The longitudes, shifted by whole turns.
    """
    x = np.asarray(lon, dtype=np.float64)
    return np.asarray(west + np.mod(x - west, 360.0), dtype=np.float64)


@dataclass(frozen=True)
class WorldLand:
    """A coarse land/sea grid: ``mask[i, j]`` is land for the cell centred on ``(lat[i], lon[j])``.

    Attributes
    ----------
    lat : ndarray
        Cell-centre latitudes, descending (north first).
    lon : ndarray
        Cell-centre longitudes, ascending, from ``-180 + step/2`` to ``180 - step/2``.
    mask : ndarray of bool
        Land flags, shape ``(lat.size, lon.size)``.
    step_deg : float
        Cell size in degrees along both axes.
    source : str
        Where the data come from and how they were downsampled.
    """

    lat: FloatArray
    lon: FloatArray
    mask: NDArray[np.bool_]
    step_deg: float
    source: str

    @property
    def north(self) -> float:
        """Northern edge of the grid (degrees)."""
        return float(self.lat[0]) + self.step_deg / 2

    @property
    def south(self) -> float:
        """Southern edge of the grid (degrees)."""
        return float(self.lat[-1]) - self.step_deg / 2

    def _rows(self, lat: FloatArray) -> NDArray[np.intp]:
        """Return the row of the cell containing each latitude (which must be inside)."""
        i = np.floor((self.north - lat) / self.step_deg).astype(np.intp)
        return np.clip(i, 0, self.lat.size - 1)

    def _cols(self, lon: FloatArray) -> NDArray[np.intp]:
        """Return the column of the cell containing each longitude (any range)."""
        x = wrap_lon(lon, -180.0)
        j = np.floor((x + 180.0) / self.step_deg).astype(np.intp)
        return np.clip(j, 0, self.lon.size - 1)

    def is_land(self, lat: ArrayLike, lon: ArrayLike) -> NDArray[np.bool_]:
        """Land flag of the cell containing each point (the cell with the nearest centre).

        Longitudes may be given in any range (-170 and 190 are the same place), so points on
        either side of the antimeridian are handled alike.

        Parameters
        ----------
        lat, lon : array_like
            Points in degrees north and east; broadcast against each other.

        Returns
        -------
        ndarray of bool
            Land flags, of the broadcast shape of ``lat`` and ``lon``.

        Raises
        ------
        ScenarioError
            If a latitude lies outside the shipped band or a coordinate is not finite.
        """
        la, lo = np.broadcast_arrays(
            np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        )
        bad = ~np.isfinite(la) | ~np.isfinite(lo) | (la > self.north) | (la < self.south)
        if np.any(bad):
            k = int(np.flatnonzero(bad.ravel())[0])
            raise ScenarioError(
                _FIELD,
                f"{la.ravel()[k]:.4f} N, {lo.ravel()[k]:.4f} E",
                f"the shipped world land data covers {self.south:g} to {self.north:g} N "
                "(all longitudes); coordinates must be finite",
            )
        return np.asarray(self.mask[self._rows(la), self._cols(lo)], dtype=bool)

    def image(
        self,
        lat_range: tuple[float, float] | None = None,
        lon_range: tuple[float, float] | None = None,
        max_cells: int = 800,
    ) -> tuple[FloatArray, FloatArray, NDArray[np.uint8]]:
        """Crop (and if need be coarsen) the mask into an image for plotting.

        Parameters
        ----------
        lat_range : (float, float), optional
            ``(south, north)`` in degrees; default the whole band. Clipped to the band.
        lon_range : (float, float), optional
            ``(west, east)`` in degrees, read eastward from ``west`` to ``east``; it crosses
            the antimeridian when ``east < west`` (``(20, -115)`` spans Moscow to Seattle over
            Chukotka). Default all longitudes from -180.
        max_cells : int
            Largest number of cells along either axis. Larger crops are coarsened by majority
            vote over blocks of whole cells (ties are land), not by striding, so small islands
            and straits thin out evenly.

        Returns
        -------
        lat : ndarray
            Centre latitude of each image row, descending.
        lon : ndarray
            Centre longitude of each image column, ascending and continuous: it starts in
            ``[west, west + 360)`` and may exceed 180 across the antimeridian (put points on
            the same axis with ``wrap_lon(lon, west)``).
        z : ndarray of uint8
            1 for land, 0 for sea, shape ``(lat.size, lon.size)``.

        Raises
        ------
        ScenarioError
            If a range is empty, not finite or misses the band, or ``max_cells < 1``.
        """
        if max_cells < 1:
            raise ScenarioError("map.max_cells", max_cells, "a whole number of at least 1")
        south, north = lat_range if lat_range is not None else (self.south, self.north)
        if not (np.isfinite(south) and np.isfinite(north) and south < north):
            raise ScenarioError(
                "map.lat_range", lat_range, "finite (south, north) with south < north"
            )
        south, north = max(south, self.south), min(north, self.north)
        if south >= north:
            raise ScenarioError(
                "map.lat_range",
                lat_range,
                f"a range overlapping {self.south:g} to {self.north:g} N",
            )
        rows = np.flatnonzero((self.lat >= south) & (self.lat <= north))
        if rows.size == 0:  # a range narrower than one cell: take the cell holding its middle
            rows = self._rows(np.array([(south + north) / 2]))

        if lon_range is None:
            cols = np.arange(self.lon.size)
            x = self.lon.copy()
        else:
            west, east = lon_range
            if not (np.isfinite(west) and np.isfinite(east)):
                raise ScenarioError("map.lon_range", lon_range, "finite (west, east) in degrees")
            span = float(np.mod(east - west, 360.0))
            if span == 0.0:
                span = 360.0 if east != west else 0.0
            if span == 0.0:
                raise ScenarioError("map.lon_range", lon_range, "west and east must differ")
            xw = float(wrap_lon(west))
            offset = wrap_lon(self.lon, xw) - xw  # distance east of `west`, in [0, 360)
            order = np.argsort(offset, kind="stable")
            keep = order[offset[order] <= span]
            if keep.size == 0:
                keep = self._cols(np.array([west + span / 2]))
            cols = keep
            x = xw + offset[cols]

        r_step = -(-rows.size // max_cells)
        c_step = -(-cols.size // max_cells)
        sub = self.mask[np.ix_(rows, cols)]
        lat_out = self.lat[rows]
        if r_step > 1 or c_step > 1:
            r_starts = np.arange(0, rows.size, r_step)
            c_starts = np.arange(0, cols.size, c_step)
            counts = np.add.reduceat(
                np.add.reduceat(sub.astype(np.int32), r_starts, axis=0), c_starts, axis=1
            )
            r_sizes = np.diff(np.append(r_starts, rows.size))
            c_sizes = np.diff(np.append(c_starts, cols.size))
            sub = 2 * counts >= np.outer(r_sizes, c_sizes)
            lat_out = np.add.reduceat(lat_out, r_starts) / r_sizes
            x = np.add.reduceat(x, c_starts) / c_sizes
        return (
            np.asarray(lat_out, dtype=np.float64),
            np.asarray(x, dtype=np.float64),
            sub.astype(np.uint8),
        )


@cache
def world_land() -> WorldLand:
    """Load the shipped world land mask (20-80 N, 0.05 deg cells, about 84 kB on disk).

    Returns
    -------
    WorldLand
        The mask with its axes and source; loaded once and cached.
    """
    data, mask = read_packed_mask("land_world.npz")
    return WorldLand(
        lat=np.asarray(data["lat"], dtype=np.float64),
        lon=np.asarray(data["lon"], dtype=np.float64),
        mask=mask,
        step_deg=float(data["step_deg"]),
        source=str(data["source"]),
    )
