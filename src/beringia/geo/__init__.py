"""Geography at the I/O boundary: shipped land masks and geodesy (pyproj)."""
