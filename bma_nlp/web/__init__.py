"""The archive as a web app on the user's own machine: search, read, see and correct reports.

``create_app(db)`` gives a Starlette (ASGI) application over an archive; ``serve(db)`` runs it
with uvicorn. Pages are rendered on the server from Jinja2 templates; every asset (CSS, the
SVG chart) is served by the package, so it works with no internet. All data comes from the
Archive API (``bma_nlp.store``): the web app holds no logic of its own.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from pathlib import Path

from bma_nlp.errors import BmaNlpError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def create_app(db: str | os.PathLike[str], *, read_only: bool = False):  # type: ignore[no-untyped-def]
    """The ASGI app (imports Starlette only when asked for)."""
    try:
        from bma_nlp.web.app import create_app as _create
    except ImportError as exc:
        raise BmaNlpError(f"the web app needs its extra: pip install 'bma-nlp[web]' ({exc.name} is missing)") from None
    return _create(Path(db), read_only=read_only)


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    db: str | os.PathLike[str],
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    read_only: bool = False,
    log: bool = True,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run the web app until interrupted; ``announce`` gets one line once the archive is open."""
    app = create_app(db, read_only=read_only)
    import uvicorn

    from bma_nlp.web.app import warm_up

    warm_up(app)
    if announce is not None:
        shown = f"[{host}]" if ":" in host else host
        note = "" if is_local(host) else f"; other machines can reach it{'' if read_only else ' and correct it'}"
        announce(f"serving {db} on http://{shown}:{port}/{' (read-only)' if read_only else ''}{note}; Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="info" if log else "warning", access_log=log, server_header=False)
