"""Downsample the GLOBE land mask to a coarse world grid and ship it with beringia.

Run once by hand (it is not part of the package or the tests)::

    .venv/bin/pip install global-land-mask
    .venv/bin/python tools/extract_world_land.py

The ``global-land-mask`` package (https://pypi.org/project/global-land-mask/, MIT) holds the
GLOBE 30-arc-second land/sea mask of the whole Earth (NOAA NGDC, Hastings & Dunbar 1999,
https://www.ngdc.noaa.gov/mgg/topo/globe.html) on a 21600 x 43200 grid whose node
``(lat[i], lon[j])`` is the north-west corner of its cell (90 N .. 90 S, 180 W .. 180 E).

The corridor map (Seattle - Alaska - Chukotka - Yakutsk - Moscow - St Petersburg, and China)
needs the band 20-80 N round the whole globe. This tool cuts that band and downsamples it by
majority vote: each coarse cell of ``BLOCK x BLOCK`` fine cells (0.05 deg for BLOCK = 6) is land
when at least half of its fine cells are land (ties count as land). At 0.05 deg the Bering
Strait is open water, Big Diomede is a dot of two cells and Little Diomede (about 3 x 2 km)
falls below the vote; that is finer than any corridor-scale map can show, and the packed file
is about 84 kB (66 kB of it the packed mask).

The shipped axes are the cell **centres**: ``lat`` descending from 80 - step/2, ``lon``
ascending from -180 + step/2; ``step_deg`` is the cell size and ``north``/``west`` the outer
edges of the grid.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from global_land_mask import globe  # ~1 GB in memory while this runs

NORTH, SOUTH = 80.0, 20.0
BLOCK = 6  # fine cells (1/120 deg) per coarse cell along each axis: 0.05 deg
FINE = 120  # fine cells per degree in GLOBE
OUT = Path(__file__).resolve().parents[1] / "src" / "beringia" / "data" / "land_world.npz"


def main() -> None:
    """Write the downsampled band of the mask, its axes and its source."""
    lat = globe._lat
    lon = globe._lon
    r0 = round((lat[0] - NORTH) * FINE)
    r1 = round((lat[0] - SOUTH) * FINE)
    assert abs(lat[r0] - NORTH) < 1e-9, lat[r0]
    assert abs(lon[0] + 180.0) < 1e-9 and lon.size == 360 * FINE
    # The package stores an ocean mask (True = water); keep land = not water.
    land = ~globe._mask[r0:r1, :]
    n_r, n_c = land.shape[0] // BLOCK, land.shape[1] // BLOCK
    assert (n_r * BLOCK, n_c * BLOCK) == land.shape
    counts = land.reshape(n_r, BLOCK, n_c, BLOCK).sum(axis=(1, 3), dtype=np.int32)
    mask = 2 * counts >= BLOCK * BLOCK  # majority vote, ties are land
    step = BLOCK / FINE
    lat_c = NORTH - (np.arange(n_r) + 0.5) * step
    lon_c = -180.0 + (np.arange(n_c) + 0.5) * step
    np.savez_compressed(
        OUT,
        packed=np.packbits(mask, axis=None),
        shape=np.array(mask.shape),
        lat=lat_c.astype(np.float64),
        lon=lon_c.astype(np.float64),
        step_deg=np.array(step),
        north=np.array(NORTH),
        west=np.array(-180.0),
        source=np.array(
            "GLOBE 30-arc-second land mask (NOAA NGDC, Hastings & Dunbar 1999, "
            "https://www.ngdc.noaa.gov/mgg/topo/globe.html) via the global-land-mask "
            "package 1.0.0 (https://pypi.org/project/global-land-mask/), band "
            f"{SOUTH:g}-{NORTH:g} N, all longitudes, downsampled to {step:g} deg cells by "
            f"majority vote over {BLOCK}x{BLOCK} fine cells (ties land)"
        ),
    )
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes), {mask.shape} cells, land {mask.mean():.1%}")


if __name__ == "__main__":
    main()
