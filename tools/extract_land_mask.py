"""Cut the Bering Strait out of the GLOBE land mask and ship it with beringia.

Run once by hand (it is not part of the package or the tests)::

    .venv/bin/pip install global-land-mask
    .venv/bin/python tools/extract_land_mask.py

The ``global-land-mask`` package (https://pypi.org/project/global-land-mask/, MIT) holds the
GLOBE 30-arc-second land/sea mask of the whole Earth (NOAA NGDC, Hastings & Dunbar 1999,
https://www.ngdc.noaa.gov/mgg/topo/globe.html). Loading it takes ~1 GB and seconds, so
beringia ships only the window it needs: 64.0-67.5 N, 173.0-164.0 W, bit-packed (~50 kB).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from global_land_mask import globe  # ~1 GB in memory while this runs

LAT = (64.0, 67.5)
LON = (-173.0, -164.0)
OUT = Path(__file__).resolve().parents[1] / "src" / "beringia" / "data" / "land_bering.npz"


def main() -> None:
    """Write the window of the mask, its axes and its source."""
    lat = globe._lat
    lon = globe._lon
    rows = np.flatnonzero((lat >= LAT[0]) & (lat <= LAT[1]))
    cols = np.flatnonzero((lon >= LON[0]) & (lon <= LON[1]))
    # The package stores an ocean mask (True = water); keep land = not water.
    water = globe._mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    mask = ~water
    np.savez_compressed(
        OUT,
        packed=np.packbits(mask, axis=None),
        shape=np.array(mask.shape),
        lat=lat[rows.min() : rows.max() + 1].astype(np.float64),
        lon=lon[cols.min() : cols.max() + 1].astype(np.float64),
        source=np.array(
            "GLOBE 30-arc-second land mask (NOAA NGDC, Hastings & Dunbar 1999, "
            "https://www.ngdc.noaa.gov/mgg/topo/globe.html) via the global-land-mask "
            "package 1.0.0 (https://pypi.org/project/global-land-mask/), window "
            f"{LAT[0]}-{LAT[1]} N, {-LON[0]}-{-LON[1]} W"
        ),
    )
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes), {mask.shape} cells, land {mask.mean():.1%}")


if __name__ == "__main__":
    main()
