"""The bearer token: where it comes from, and the checks on writes (and private reads)."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

TOKEN_ENV = "BERINGIA_TOKEN"
TOKEN_FILE = "web-token"
COOKIE = "beringia_token"
"""Cookie the pages' token box sets, accepted for reads only (writes need the header)."""

bearer = HTTPBearer(auto_error=False, description="The token printed by `beringia serve`")


def load_token(folder: Path) -> tuple[str, str]:
    """Return the token and where it came from.

    ``BERINGIA_TOKEN`` if set; else the token kept in ``<folder>/web-token``; else a new
    random one, written there (mode 0600) at this first start.

    Returns
    -------
    tuple of str
        The token and a sentence saying where it came from.
    """
    given = os.environ.get(TOKEN_ENV)
    if given:
        return given, f"from {TOKEN_ENV}"
    path = folder / TOKEN_FILE
    if path.is_file():
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return kept, f"kept in {path}"
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    return token, f"generated at this first start, kept in {path}"


def _header_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _check(request: Request, given: str | None) -> None:
    if given is None:
        raise HTTPException(
            401,
            "this needs the token: send 'Authorization: Bearer <token>' (printed by "
            "`beringia serve`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    expected: str = request.app.state.settings.token
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, "wrong token")


def require_writer(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
) -> None:
    """Let a write through only with the right bearer token (401 without one, 403 if wrong)."""
    _check(request, _header_token(request))


def require_reader(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
) -> None:
    """Let a read through: always when the app is open; with the token when private."""
    if not request.app.state.settings.private:
        return
    given = _header_token(request)
    if given is None:
        given = request.cookies.get(COOKIE)
    _check(request, given)
