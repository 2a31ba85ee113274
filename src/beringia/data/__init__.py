"""Data shipped with beringia; each file's source is recorded in the file itself."""
