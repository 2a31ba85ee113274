"""Where the run store lives: the database URL and the data folder."""

from __future__ import annotations

import os
from pathlib import Path

URL_ENV = "BERINGIA_DATABASE_URL"
DIR_ENV = "BERINGIA_DATA_DIR"


def data_dir() -> Path:
    """Return the data folder (not created).

    ``BERINGIA_DATA_DIR``, else ``$XDG_DATA_HOME/beringia``, else ``~/.local/share/beringia``.
    """
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "beringia"


def database_url() -> str:
    """Return the store's SQLAlchemy URL.

    ``BERINGIA_DATABASE_URL``, else SQLite in the data folder.
    """
    url = os.environ.get(URL_ENV)
    if url:
        return url
    return f"sqlite:///{data_dir() / 'runs.sqlite'}"
