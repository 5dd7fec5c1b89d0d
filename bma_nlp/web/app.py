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
from urllib.parse import parse_qsl, quote, unquote, urlencode

import jinja2
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bma_nlp import __version__
from bma_nlp.errors import BmaNlpError, InputError
from bma_nlp.records import STAGES
from bma_nlp.store import UNKNOWN_STAGE, Archive
from bma_nlp.store.browse import typed_value
from bma_nlp.store.corrections import current_value
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
WHO_COOKIE = "bma_who"  # the name last given in a correction form, offered again
MAX_FORM = 32_768  # bytes of a posted form
MAX_FIELDS = 20
MAX_WHO, MAX_WHY, MAX_VALUE = 100, 1000, 2000
DONE_MESSAGES = {
    "stage": "The stage was corrected.",
    "field": "The field was corrected.",
    "word": "The word was fixed.",
    "repair_rejected": "The repair was rejected: the OCR text is back.",
    "withdraw": "The correction was withdrawn.",
}

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
    for flag in ("flagged", "corrected", "latest"):
        if _text(params, flag) in ("1", "on", "true"):
            filters[flag] = True
            shown[flag] = "1"
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
        return self.report_page(request, _report_id(request))

    def report_page(self, request: Request, rid: int, status: int = 200, problem: str = "") -> HTMLResponse:
        view = self.archives.get().report_view(rid)
        if view is None:
            raise HTTPException(404, "no report with this number in the archive")
        done = request.query_params.get("done", "")
        return self.render(
            request, "report.html", status, view=view, report=view.report, chart=progress_chart(view.report), problem=problem,
            done=done if done in DONE_MESSAGES else "", done_messages=DONE_MESSAGES, who=unquote(request.cookies.get(WHO_COOKIE, ""))[:MAX_WHO],
        )  # fmt: skip

    async def correct(self, request: Request) -> Response:
        """Store one correction from a report page's form, then show the page again."""
        if self.settings.read_only:
            raise HTTPException(403, "this archive is served read-only (bma-nlp serve --read-only)")
        rid = _report_id(request)
        form = await _read_form(request)
        check_csrf(request, form)
        who = _text(form, "who", MAX_WHO)
        try:
            anchor = await run_in_threadpool(self._store_correction, rid, form, who)
        except (InputError, BadRequest) as exc:
            message = str(exc.detail) if isinstance(exc, HTTPException) else str(exc)
            return await run_in_threadpool(self.report_page, request, rid, 400, message)
        kind = _text(form, "kind")
        response = RedirectResponse(f"/report/{rid}?done={kind}#{anchor}", status_code=303)
        response.set_cookie(WHO_COOKIE, quote(who), max_age=365 * 86400, httponly=True, samesite="strict", path="/")
        return response

    def _store_correction(self, rid: int, form: dict[str, str], who: str) -> str:
        archive = self.archives.get()
        view = archive.report_view(rid)
        if view is None:
            raise HTTPException(404, "no report with this number in the archive")
        if not who:
            raise BadRequest("say who makes the correction (a name or initials): it is shown beside it")
        kind, field, why = _text(form, "kind"), _text(form, "field"), _text(form, "why", MAX_WHY)
        p = view.report.project
        if kind == "withdraw":
            correction = _text(form, "correction")
            if not correction.isdigit() or int(correction) not in {e.get("id") for e in view.report.corrections}:
                raise BadRequest("this report has no such correction to withdraw")
            archive.withdraw_correction(int(correction), who=who, why=why)
            return "corrections"
        old: Any = None
        if kind in ("stage", "field") and not field.startswith(("project.", "installments[")):
            raise BadRequest("which field to correct is missing")
        if kind == "stage":
            stage = _text(form, "new").lower()
            if stage not in (*STAGES, "none"):
                raise BadRequest(f"stage must be one of {', '.join(STAGES)} or none")
            new: Any = None if stage == "none" else stage
        elif kind == "field":
            new = typed_value(field, _text(form, "new", MAX_VALUE))
        elif kind in ("word", "repair_rejected"):
            old, new = _text(form, "old", MAX_VALUE), _text(form, "new", MAX_VALUE)
            if not old:
                raise BadRequest("say which word to change")
        else:
            raise BadRequest("unknown kind of correction")
        if kind in ("stage", "field") and current_value(view.report, field) == new:
            raise BadRequest(f"{field} already holds {new!r}: nothing to correct")
        archive.correct(p.code, p.fiscal_year, kind, field, new, old=old, who=who, why=why)
        number = field.split("[", 1)[1].split("]", 1)[0] if field.startswith("installments[") else ""
        return f"i{number}" if number else ("repairs" if kind == "repair_rejected" else f"field-{field.removeprefix('project.')}")

    def overview(self, request: Request) -> Response:
        return self.render(request, "overview.html", o=self.archives.get().overview())

    def error(self, request: Request, status: int, message: str) -> HTMLResponse:
        return self.render(request, "error.html", status=status, code=status, message=message)


async def _read_form(request: Request) -> dict[str, str]:
    """A URL-encoded form of at most MAX_FORM bytes, as {name: value} (the first of repeats)."""
    if "application/x-www-form-urlencoded" not in request.headers.get("content-type", ""):
        raise BadRequest("a form is sent URL-encoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            raise HTTPException(413, f"the form is too large (over {MAX_FORM:,} bytes)")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("the form could not be read (not UTF-8, or too many fields)") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


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
        Route("/report/{rid:str}/correct", pages.correct, methods=["POST"], name="correct"),
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
