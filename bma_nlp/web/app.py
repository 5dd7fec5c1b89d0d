"""The web app: Starlette routes that read the request, call the Archive API and render a
template. Every query, count and correction is the archive's (``bma_nlp.store``); this module
only checks what the browser sent, and refuses what it cannot use with a page that says why.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bma_nlp import __version__
from bma_nlp.errors import BmaNlpError
from bma_nlp.records import STAGES
from bma_nlp.store import UNKNOWN_STAGE, Archive
from bma_nlp.store.render import render_hits
from bma_nlp.web import labels
from bma_nlp.web.chart import progress_chart

HERE = Path(__file__).parent
PAGE_SIZES = (20, 50, 100)
MAX_PAGE = 50  # search ranks its best matches; deeper pages are narrowed with facets instead
MAX_QUERY = 200  # characters of a search query
MAX_TEXT = 300  # characters of a filter value
MAX_DOWNLOAD = 10_000  # hits in one download
CSRF_COOKIE = "bma_csrf"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class BadRequest(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(400, detail)


@dataclass
class Settings:
    db: str
    read_only: bool = False


class _Archives:
    """One open archive per worker thread (an SQLite connection stays in its thread)."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._local = threading.local()
        self._all: list[Archive] = []
        self._lock = threading.Lock()

    def get(self) -> Archive:
        archive: Archive | None = getattr(self._local, "archive", None)
        if archive is None:
            archive = Archive(self.db, create=False)
            self._local.archive = archive
            with self._lock:
                self._all.append(archive)
        return archive

    def close(self) -> None:
        with self._lock:
            for archive in self._all:
                archive.close()
            self._all.clear()


def highlight(snippet: str) -> Markup:
    """A search snippet with its «matches» as <mark>, everything else escaped."""
    out: list[str] = []
    inside = False
    for part in re.split("([«»])", snippet):
        if part == "«" and not inside:
            out.append("<mark>")
            inside = True
        elif part == "»" and inside:
            out.append("</mark>")
            inside = False
        else:
            out.append(str(escape(part)))
    if inside:
        out.append("</mark>")
    return Markup("".join(out))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters.update(
        thai_date=labels.thai_date, baht=labels.baht, percent=labels.percent, verdict=labels.verdict,
        stage_label=labels.stage_label, field_label=labels.field_label, flag_title=labels.flag_title, highlight=highlight,
    )  # fmt: skip
    env.globals.update(version=__version__, STAGES=(*STAGES, UNKNOWN_STAGE))
    return env


# -- reading what the browser sent ----------------------------------------------------------


def _text(params: Any, name: str, limit: int = MAX_TEXT) -> str:
    value = str(params.get(name) or "").strip()
    if len(value) > limit:
        raise BadRequest(f"{name} is too long ({len(value):,} characters; at most {limit})")
    if "\x00" in value:
        raise BadRequest(f"{name} holds a NUL character")
    return value


def _number(params: Any, name: str, low: int, high: int, default: int) -> int:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 9 or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


@dataclass
class SearchArgs:
    q: str
    filters: dict[str, Any]  # for the Archive API
    shown: dict[str, str]  # the same, as they go back into a URL
    page: int
    size: int

    def url(self, path: str = "/", **change: Any) -> str:
        """This search's URL with some parameters changed (None removes one)."""
        return self._build(path, change)

    def _build(self, path: str, change: dict[str, Any]) -> str:
        values: dict[str, Any] = {"q": self.q, **self.shown, "size": self.size if self.size != PAGE_SIZES[0] else None}
        values.update(change)
        kept = {k: v for k, v in values.items() if v not in (None, "", False)}
        return path + ("?" + urlencode(kept) if kept else "")

    def url_without_filters(self) -> str:
        return self._build("/", {"page": None, **dict.fromkeys(self.shown)})


def _search_args(request: Request) -> SearchArgs:
    params = request.query_params
    q = _text(params, "q", MAX_QUERY)
    filters: dict[str, Any] = {}
    shown: dict[str, str] = {}
    stage = _text(params, "stage").lower()
    if stage:
        if stage not in (*STAGES, UNKNOWN_STAGE):
            raise BadRequest(f"stage must be one of {', '.join((*STAGES, UNKNOWN_STAGE))}")
        filters["stage"] = shown["stage"] = stage
    year = _text(params, "year")
    if year:
        if not (year.isdigit() and len(year) == 4):
            raise BadRequest("year must be a fiscal year of four digits (2566)")
        filters["year"] = int(year)
        shown["year"] = year
    for name, key in (("office", "agency"), ("code", "code")):
        value = _text(params, name)
        if value:
            filters[key] = shown[name] = value
    if _text(params, "flagged") in ("1", "on", "true"):
        filters["flagged"] = True
        shown["flagged"] = "1"
    size = _number(params, "size", 1, max(PAGE_SIZES), PAGE_SIZES[0])
    if size not in PAGE_SIZES:
        raise BadRequest(f"size must be one of {', '.join(map(str, PAGE_SIZES))}")
    return SearchArgs(q, filters, shown, _number(params, "page", 1, MAX_PAGE, 1), size)


# -- pages ----------------------------------------------------------------------------------


def _csrf_token(request: Request) -> tuple[str, bool]:
    """The browser's token (double-submit cookie), and whether it is new and must be set."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) == 43 and token.replace("-", "").replace("_", "").isalnum():
        return token, False
    return secrets.token_urlsafe(32), True


def check_csrf(request: Request, form: Any) -> None:
    """A form post must carry the token of the cookie this site set, and come from this site."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = str(form.get("csrf") or "")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise HTTPException(403, "the form's security token is missing or stale: reload the page and try again")
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}":
        raise HTTPException(403, "a form from another site was refused")


class Pages:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.archives = _Archives(settings.db)
        self.env = _environment()

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        token, new = _csrf_token(request)
        html = self.env.get_template(name).render(
            request=request, read_only=self.settings.read_only, csrf=token, db_name=Path(self.settings.db).name, **context
        )
        response = HTMLResponse(html, status_code=status)
        if new:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
        return response

    def search(self, request: Request) -> Response:
        args = _search_args(request)
        page = self.archives.get().search_page(args.q, offset=(args.page - 1) * args.size, limit=args.size, **args.filters)
        return self.render(request, "search.html", args=args, page=page, max_page=MAX_PAGE)

    def download(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        args = _search_args(request)
        hits = self.archives.get().search(args.q, limit=MAX_DOWNLOAD, width=200, **args.filters)
        text = render_hits(hits, fmt)
        if fmt == "csv":
            text = "\ufeff" + text  # Excel reads UTF-8 with a byte-order mark as UTF-8
        media = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}[fmt]
        return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="bma-search.{fmt}"'})

    def report(self, request: Request) -> Response:
        view = self.archives.get().report_view(_report_id(request))
        if view is None:
            raise HTTPException(404, "no report with this number in the archive")
        return self.render(request, "report.html", view=view, report=view.report, chart=progress_chart(view.report))

    def overview(self, request: Request) -> Response:
        return self.render(request, "overview.html", o=self.archives.get().overview())

    def error(self, request: Request, status: int, message: str) -> HTMLResponse:
        return self.render(request, "error.html", status=status, code=status, message=message)


def _report_id(request: Request) -> int:
    raw = str(request.path_params.get("rid", ""))
    if not raw.isdigit() or len(raw) > 15:
        raise HTTPException(404, "no report with this number in the archive")
    return int(raw)


# -- the application ------------------------------------------------------------------------

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Every response forbids scripts, framing and foreign resources (the pages need none)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(db: str | Path, *, read_only: bool = False) -> Starlette:
    """The web app over the archive ``db`` (which must exist). ``read_only``: no correction forms."""
    Archive(db, create=False).close()  # a missing or foreign file is refused now, not on the first request
    pages = Pages(Settings(str(db), read_only))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return pages.error(request, exc.status_code, str(exc.detail))

    async def archive_error(request: Request, exc: Exception) -> Response:
        return pages.error(request, 500, str(exc))

    async def internal_error(request: Request, exc: Exception) -> Response:
        return pages.error(request, 500, f"internal error: {type(exc).__name__}")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        pages.archives.close()

    routes = [
        Route("/", pages.search, name="search"),
        Route("/search.{fmt:str}", _only(pages.download, "fmt", ("csv", "jsonl")), name="download"),
        Route("/report/{rid:str}", pages.report, name="report"),
        Route("/overview", pages.overview, name="overview"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, BmaNlpError: archive_error, Exception: internal_error},
        lifespan=lifespan,
    )
    app.state.pages = pages
    app.add_middleware(SecurityHeaders)
    return app


def _only(endpoint: Callable[[Request], Response], param: str, allowed: tuple[str, ...]) -> Callable[[Request], Response]:
    def guarded(request: Request) -> Response:
        if request.path_params.get(param) not in allowed:
            raise HTTPException(404, "no such page")
        return endpoint(request)

    return guarded


def warm_up(app: Starlette) -> None:
    """Load the tokeniser before the first visitor waits for it."""
    app.state.pages.archives.get().search("ทดสอบ", limit=1)
