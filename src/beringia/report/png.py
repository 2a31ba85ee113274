"""Small raster images in the page: palette indices as an indexed PNG ``data:`` URI.

A ``data:`` URI is allowed by the page's Content-Security-Policy (``img-src data:``), so an
image adds a few kB to the page and nothing is fetched when it opens. Pillow encodes it;
it is imported only when an image is drawn, so ``import beringia`` and the command line
start without it.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def _palette_bytes(palette: Sequence[str]) -> bytes:
    if not 1 <= len(palette) <= 256:
        raise ValueError(f"png_data_uri: need 1 to 256 colours, got {len(palette)}")
    out = b""
    for c in palette:
        if len(c) != 7 or not c.startswith("#"):
            raise ValueError(f"png_data_uri: colour {c!r} is not #rrggbb")
        try:
            out += bytes.fromhex(c[1:])
        except ValueError:
            raise ValueError(f"png_data_uri: colour {c!r} is not #rrggbb") from None
    return out


def png_data_uri(index: NDArray[np.uint8], palette: Sequence[str]) -> str:
    """Encode an image of palette indices as an indexed PNG ``data:`` URI.

    Parameters
    ----------
    index : ndarray of uint8, shape (H, W)
        Palette index of each pixel, top row first; every value below ``len(palette)``.
    palette : sequence of str
        Colours as ``#rrggbb``, at most 256.

    Returns
    -------
    str
        ``data:image/png;base64,...``: indexed colour with the given palette, at the
        fewest bits per pixel the palette allows (1 bit for two colours), deflated at
        Pillow's highest level.

    Raises
    ------
    ValueError
        If the image is empty or not 2-D, an index has no colour, or a colour is malformed.
    """
    from PIL import Image  # only when an image is drawn: keeps imports of beringia fast

    z = np.asarray(index)
    if z.ndim != 2 or z.size == 0:
        raise ValueError(f"png_data_uri: need a non-empty 2-D image, got shape {z.shape}")
    plte = _palette_bytes(palette)
    if int(z.min()) < 0 or int(z.max()) >= len(palette):
        raise ValueError("png_data_uri: an index has no colour in the palette")
    h, w = z.shape
    image = Image.frombytes("P", (w, h), np.ascontiguousarray(z, dtype=np.uint8).tobytes())
    image.putpalette(plte, rawmode="RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
