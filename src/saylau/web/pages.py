"""How a page is served: language, the HTML page and its JSON and CSV twins, errors.

A page is one *builder* function that takes a :class:`PageContext` (and any path or query
parameters, declared the FastAPI way) and returns a :class:`Page`: the response model (the
JSON twin), the template that renders it, and the tables behind the CSV download. The
:meth:`PageRouter.page` decorator registers it three times::

    /region/{code}         HTML (or JSON with ``Accept: application/json``, CSV with ?format=csv)
    /region/{code}.json    JSON, documented in /openapi.json with the response model
    /region/{code}.csv     CSV of the page's tables (only when the page has tables)

Pages of other layers (election night: station protocols, okrug winners) are written the
same way on their own :class:`PageRouter` and passed to ``create_app(..., routers=[...])``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import inspect
import re
import threading
import typing
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel

from saylau.i18n import LANGS, fmt_date, fmt_decimal, fmt_int, t
from saylau.i18n.plural import tp
from saylau.reports.table import ReportTable, to_csv
from saylau.service import Saylau
from saylau.store import audit
from saylau.web.models import ErrorPage, Lang, PageBase, RecordStamp, Table, TableColumn, Twins

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
LANG_COOKIE = "saylau_lang"
COOKIE_AGE = 365 * 24 * 3600
Format = Literal["html", "json", "csv"]
OG_LOCALE = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB"}

# Navigation of the public site; other layers may append (key, path) entries.
NAV: list[tuple[str, str]] = [
    ("web.nav.republic", "/"),
    ("web.nav.elections", "/elections"),
    ("web.nav.parties", "/parties"),
    ("web.nav.tables", "/tables"),
    ("web.nav.check", "/check"),
    ("web.nav.sources", "/sources"),
    ("web.nav.about", "/about"),
]


def lang_from_header(header: str | None) -> Lang | None:
    """The best of kk, ru, en in an Accept-Language header (q-values respected)."""
    if not header:
        return None
    choices: list[tuple[float, int, Lang]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        primary = "kk" if primary == "kz" else primary
        if primary in LANGS and quality > 0:
            choices.append((-quality, position, primary))  # type: ignore[arg-type]
    return min(choices)[2] if choices else None


def negotiate_lang(request: Request) -> tuple[Lang, str]:
    """The page language and where it came from: query, cookie, header or default.

    An invalid ``?lang=`` is ignored here (the page's parameter validation reports it).
    """
    query = request.query_params.get("lang")
    if query in LANGS:
        return query, "query"  # type: ignore[return-value]
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGS:
        return cookie, "cookie"  # type: ignore[return-value]
    header = lang_from_header(request.headers.get("accept-language"))
    if header:
        return header, "header"
    return "en", "default"


def wants_json(request: Request, *, error: bool = False) -> bool:
    """Whether the client asked for JSON: a ``.json`` URL or an Accept header preferring it.

    Errors of CSV downloads are JSON too (a program asked; a CSV body would mislead it).
    """
    if request.url.path.endswith(".json") or (
        error and request.url.path.endswith((".csv", ".parquet"))
    ):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def base_path(path: str) -> str:
    """The HTML path of a page from any of its twins (``/index.json`` → ``/``)."""
    for suffix in (".json", ".csv"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return "/" if path in ("/index", "") else path


def twin_path(path: str, suffix: str) -> str:
    """``/region/KZ-61`` → ``/region/KZ-61.json``; ``/`` → ``/index.json``."""
    return ("/index" if path == "/" else path) + suffix


@dataclass
class PageContext:
    """What a page builder gets: the request, the service and the language."""

    request: Request
    service: Saylau
    lang: Lang
    lang_source: str

    def t(self, key: str, /, **params: object) -> str:
        """Translate ``key`` into the page language."""
        return t(key, self.lang, **params)

    def int(self, value: int) -> str:
        """An integer formatted for the page language."""
        return fmt_int(value, self.lang)

    def dec(self, value: object, digits: int = 1) -> str:
        """A decimal formatted for the page language."""
        return fmt_decimal(value, self.lang, digits)

    def number(self, plain: str) -> str:
        """An exact value written plainly (``2297``, ``38.2``) as the page language writes it
        (``2 297``, ``38,2``); anything else unchanged."""
        from decimal import Decimal, InvalidOperation

        try:
            value = Decimal(plain)
        except (InvalidOperation, ValueError, TypeError):
            return str(plain)
        if value == value.to_integral_value():
            return fmt_int(int(value), self.lang)
        exponent = value.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return fmt_decimal(value, self.lang, digits)

    def date(self, value: object) -> str:
        """A date formatted for the page language."""
        return fmt_date(value, self.lang)

    def date_or_blank(self, iso: str | None) -> str:
        """An ISO date formatted for the page language, or nothing."""
        return fmt_date(dt.date.fromisoformat(iso), self.lang) if iso else ""

    @cached_property
    def path(self) -> str:
        """The HTML path of this page."""
        return base_path(self.request.url.path)

    def query(self, **changes: str | None) -> str:
        """This page's query string with ``changes`` (None removes a key), without ``lang``."""
        params = {k: v for k, v in self.request.query_params.items() if k not in ("lang",)}
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        for key in ("format", "table", "bom"):
            params.pop(key, None)
        return ("?" + urlencode(params)) if params else ""

    def twins(self, has_csv: bool) -> Twins:
        """Links to this page as HTML, JSON and CSV."""
        query = self.query()
        return Twins(
            html=self.path + query,
            json_url=twin_path(self.path, ".json") + query,
            csv_url=(twin_path(self.path, ".csv") + query) if has_csv else None,
        )

    def absolute(self, path: str) -> str:
        """``path`` as an absolute URL on this site (canonical links, Open Graph, sitemap)."""
        return str(self.request.base_url).rstrip("/") + path

    def alternates(self) -> dict[str, str]:
        """This page in each language (the language switch)."""
        query = self.query()
        joiner = "&" if query else "?"
        return {lang: f"{self.path}{query}{joiner}lang={lang}" for lang in LANGS}


def get_service(request: Request) -> Saylau:
    """The service the app was created with."""
    service: Saylau = request.app.state.service
    return service


def get_context(
    request: Request,
    service: Annotated[Saylau, Depends(get_service)],
    lang: Annotated[
        Lang | None,
        Query(
            description="Language of the page (kk, ru, en); remembered in a cookie. Default: "
            "the cookie, else the Accept-Language header, else en."
        ),
    ] = None,
) -> PageContext:
    """FastAPI dependency: the page context (validates ``?lang=``)."""
    chosen, source = negotiate_lang(request)
    return PageContext(request, service, chosen, source)


Context = Annotated[PageContext, Depends(get_context)]


@dataclass
class Page:
    """What a builder returns."""

    model: BaseModel
    template: str
    tables: list[ReportTable] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)


_KAZAKH = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def foreign_lang(text: object, lang: str) -> str:
    """The language of a text quoted from a source, when it is not the page's: ``en`` for
    Latin script, ``kk`` for Kazakh letters; "" otherwise (screen readers and the tests
    read the ``lang`` attribute)."""
    value = str(text or "")
    latin = sum(1 for c in value if "a" <= c.lower() <= "z")
    cyrillic = sum(1 for c in value if "а" <= c.lower() <= "я" or c in _KAZAKH or c in "ёЁ")
    if latin >= 3 and latin > cyrillic:
        return "" if lang == "en" else "en"
    if cyrillic and any(c in _KAZAKH for c in value):
        return "" if lang == "kk" else "kk"
    return ""


def with_params(url: str, **params: str) -> str:
    """``url`` with more query parameters."""
    return url + ("&" if "?" in url else "?") + urlencode(params)


def table_out(table: ReportTable) -> Table:
    """A report table as its JSON model."""

    def raw(value: object) -> int | float | str | bool | None:
        from decimal import Decimal

        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value  # type: ignore[return-value]

    return Table(
        name=table.name,
        title=table.title,
        columns=[TableColumn(key=c.key, header=c.header) for c in table.columns],
        rows=[
            {c.key: raw(cell.raw) for c, cell in zip(table.columns, row, strict=True)}
            for row in table.rows
        ],
        flags=[
            [c.key for c, cell in zip(table.columns, row, strict=True) if cell.flag]
            for row in table.rows
        ],
        refs=[
            {c.key: cell.ref for c, cell in zip(table.columns, row, strict=True) if cell.ref}
            for row in table.rows
        ],
        notes=list(table.notes),
        source=table.source,
    )


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    return env


_RULE_CODE = re.compile(r"(?<![\w.])([A-Z]{1,2}\.\d{2,3})(?!\w)")


def with_codes(text: object) -> Markup:
    """A message with its rule codes (``V.005``, ``W.006``) in ``<code>`` elements."""
    return Markup(_RULE_CODE.sub(r"<code class=\"rule\">\1</code>", str(escape(str(text)))))


ENV = _environment()
ENV.filters["codes"] = with_codes
_VARY = "Accept, Accept-Language, Cookie"
# Public pages that are not live may be kept by browsers and proxies this long (seconds);
# they revalidate with their ETag afterwards (304 without a body while nothing changed).
PUBLIC_MAX_AGE = 300


def _build_digest() -> str:
    """What the code that renders pages looks like: templates, static files, catalogues and
    the package version. Part of every ETag, so a new release never answers 304 to a page
    rendered by the old one."""
    from saylau import __version__

    digest = hashlib.sha256(__version__.encode())
    roots = (TEMPLATES, STATIC, HERE.parent / "i18n" / "locales", HERE.parent / "reports")
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".css", ".js", ".json", ".po", ".typ"):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


BUILD = _build_digest()


def finish(response: Response, ctx: PageContext) -> Response:
    """Headers every page answer carries: Vary, Content-Language, the remembered language."""
    response.headers["Vary"] = _VARY
    response.headers["Content-Language"] = ctx.lang
    if ctx.lang_source == "query":
        response.set_cookie(LANG_COOKIE, ctx.lang, max_age=COOKIE_AGE, samesite="lax")
    return response


def integrity_of(ctx: PageContext) -> Any:
    """The server's latest integrity status (None when the app runs without a watch)."""
    monitor = getattr(ctx.request.app.state, "integrity", None)
    return monitor.status if monitor is not None else None


def record_stamp(ctx: PageContext) -> RecordStamp | None:
    """The newest signed checkpoint and the integrity status, for footers and JSON twins."""
    with ctx.service.session() as session:
        checkpoint = audit.latest_checkpoint(session)
    if checkpoint is None:
        return None
    status = integrity_of(ctx)
    state = "unchecked" if status is None or status.checked_at is None else (
        "ok" if status.ok else "failed"
    )
    return RecordStamp(**checkpoint, integrity=state)


def render_html(
    template: str, ctx: PageContext, values: Mapping[str, object], status: int = 200
) -> HTMLResponse:
    """Render ``template`` with the common context (translation, formatting, navigation, the
    record's checkpoint and the integrity warning)."""
    page = ENV.get_template(template)
    version = getattr(ctx.request.state, "data_version", None)
    text = page.render(
        _=ctx.t,
        ctx=ctx,
        lang=ctx.lang,
        langs=LANGS,
        nav=NAV,
        alternates=ctx.alternates(),
        live_etag=twin_etag(ctx, version) if version else "",
        canonical=ctx.absolute(ctx.path + ctx.query(lang=ctx.lang)),
        og_locale=OG_LOCALE[ctx.lang],
        with_params=with_params,
        foreign=lambda text: foreign_lang(text, ctx.lang),
        tp=lambda key, count, **params: tp(key, ctx.lang, count, count=ctx.int(count), **params),
        integrity=integrity_of(ctx),
        record=values.get("record") or record_stamp(ctx),
        **{k: v for k, v in values.items() if k != "record"},
    )
    return HTMLResponse(text, status_code=status)


BOM = "\ufeff"


def csv_response(tables: list[ReportTable], name: str, *, bom: bool = False) -> Response:
    """The CSV download of ``tables`` (numbers as plain numbers, never formatted text).

    ``bom``: start with a UTF-8 byte order mark, which Excel needs to read UTF-8."""
    return Response(
        (BOM if bom else "") + to_csv(tables),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def csv_choice(ctx: PageContext, tables: list[ReportTable]) -> tuple[list[ReportTable], str, bool]:
    """The tables a CSV request asks for: every table, or one with ``?table=NAME`` (one
    table per file, as spreadsheets want it); ``?bom=1`` for Excel. 404 names the tables."""
    wanted = ctx.request.query_params.get("table")
    bom = ctx.request.query_params.get("bom", "") in ("1", "true", "yes")
    if wanted is None:
        return tables, "", bom
    for table in tables:
        if table.name == wanted:
            return [table], "-" + table.name, bom
    names = ", ".join(t_.name for t_ in tables)
    raise HTTPException(404, detail=ctx.t("people.csv.no_table", table=wanted, names=names))


def _csv_name(path: str) -> str:
    slug = base_path(path).strip("/").replace("/", "-") or "index"
    return "saylau-" + "".join(c if c.isalnum() or c in "-_." else "_" for c in slug)


def _render(page: Page, ctx: PageContext, fmt: Format) -> Response:
    """The page in the requested format, without the per-visitor headers."""
    if isinstance(page.model, PageBase) and fmt != "csv":
        page = dataclasses.replace(
            page, model=page.model.model_copy(update={"record": record_stamp(ctx)})
        )
    match fmt:
        case "json":
            return JSONResponse(page.model.model_dump(mode="json"))
        case "csv":
            if not page.tables:
                raise HTTPException(404)
            chosen, suffix, bom = csv_choice(ctx, page.tables)
            return csv_response(chosen, _csv_name(ctx.request.url.path) + suffix, bom=bom)
        case "html":
            return render_html(
                page.template, ctx, {"page": page.model, **page.extra, "tables": page.tables}
            )


def respond(page: Page, ctx: PageContext, fmt: Format) -> Response:
    """The page in the requested format."""
    return finish(_render(page, ctx, fmt), ctx)


# --- conditional requests (live pages) -------------------------------------------------------

Version = Callable[[PageContext], str]


@dataclass(frozen=True)
class _Stored:
    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]


class PageCache:
    """Rendered live pages by ETag, shared by all visitors (LRU, thread-safe).

    The ETag says which state of the data a page shows, so a page rendered once for a state is
    served to every visitor who asks for the same page, format and language in that state.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, _Stored] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> _Stored | None:
        """A stored page, marked as recently used."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, value: _Stored) -> None:
        """Store a page, dropping the least recently used beyond ``size``."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _etag(path: str, params: list[tuple[str, str]], fmt: str, lang: str, version: str) -> str:
    target = BUILD + path + "?" + "&".join(sorted(f"{k}={v}" for k, v in params))
    digest = hashlib.sha256(target.encode("utf-8")).hexdigest()[:12]
    return f'"{version}-{fmt}-{lang}-{digest}"'


def etag_for(ctx: PageContext, fmt: Format, version: str) -> str:
    """The ETag of this page in ``fmt`` and the page language when the data are at ``version``."""
    request = ctx.request
    return _etag(request.url.path, list(request.query_params.multi_items()), fmt, ctx.lang, version)


def twin_etag(ctx: PageContext, version: str) -> str:
    """The ETag the page's JSON twin has in the same state, as ``static/live.js`` asks for it
    (the twin's URL with ``lang``), so the script's first poll can already be a 304."""
    params = [
        (k, v) for k, v in ctx.request.query_params.multi_items() if k not in ("lang", "format")
    ]
    path = twin_path(ctx.path, ".json")
    return "W/" + _etag(path, [*params, ("lang", ctx.lang)], "json", ctx.lang, version)


def site_version(ctx: PageContext) -> str:
    """The state of everything the public pages of the published figures show: the audit
    log's last entry (elections, protocols, certifications) and the datasets loaded."""
    from sqlalchemy import func, select

    from saylau.store.schema import AuditRow, DatasetLoadRow

    with ctx.service.session() as session:
        seq = session.scalar(select(func.max(AuditRow.seq))) or 0
        loads = session.execute(select(func.count(), func.max(DatasetLoadRow.loaded_at))).one()
    stamp = loads[1].strftime("%Y%m%d%H%M%S%f") if loads[1] is not None else "0"
    return f"{seq}.{loads[0]}.{stamp}"


def matches(header: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names ``tag`` (weak comparison, ``*`` included)."""
    if not header:
        return False
    for item in header.split(","):
        item = item.strip()
        if item == "*" or item.removeprefix("W/") == tag:
            return True
    return False


def conditional(
    ctx: PageContext,
    fmt: Format,
    version: str,
    make: Callable[[], Response],
    cache_control: str = "no-cache",
) -> Response:
    """Answer 304 when the visitor's copy is current, else the page (from the cache if it was
    rendered for this state already), with its ETag and ``cache_control`` (live pages:
    caches must revalidate every time)."""
    status = integrity_of(ctx)
    if status is not None and not status.ok:
        version += "-integrity-" + status.digest[:8]  # the warning is part of what is shown
    tag = etag_for(ctx, fmt, version)
    ctx.request.state.data_version = version
    if matches(ctx.request.headers.get("if-none-match"), tag):
        response: Response = Response(status_code=304)
    else:
        cache: PageCache | None = getattr(ctx.request.app.state, "page_cache", None)
        stored = cache.get(tag) if cache is not None else None
        if stored is None:
            response = make()
            if cache is not None and response.status_code == 200:
                cache.put(
                    tag,
                    _Stored(
                        bytes(response.body),
                        response.status_code,
                        tuple(
                            (k.decode("latin-1"), v.decode("latin-1"))
                            for k, v in response.raw_headers
                            if k.lower() not in (b"set-cookie", b"content-length")
                        ),
                    ),
                )
        else:
            response = Response(
                stored.body, status_code=stored.status, headers=dict(stored.headers)
            )
    # Weak: the same page is sent gzip-, brotli- or zstd-encoded, so the bytes differ.
    response.headers["ETag"] = "W/" + tag
    response.headers["Cache-Control"] = cache_control
    return finish(response, ctx)


def _resolved_signature(build: Callable[..., Page]) -> inspect.Signature:
    hints = typing.get_type_hints(build, include_extras=True)
    signature = inspect.signature(build)
    parameters = [
        p.replace(annotation=hints.get(p.name, p.annotation), kind=inspect.Parameter.KEYWORD_ONLY)
        for p in signature.parameters.values()
    ]
    return signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty)


class PageRouter:
    """An APIRouter whose pages each get their JSON and CSV twins."""

    def __init__(self) -> None:
        self.router = APIRouter()

    def page(
        self,
        path: str,
        *,
        model: type[BaseModel],
        summary: str,
        csv: bool = True,
        tags: list[str] | None = None,
        version: Version | None = None,
    ) -> Callable[[Callable[..., Page]], Callable[..., Page]]:
        """Register a page builder at ``path`` with its ``.json`` and ``.csv`` twins.

        With ``version`` (a function giving the state of the data the page shows, e.g. the
        audit log's last sequence number) the page is *live*: it carries an ETag, answers 304
        to a matching If-None-Match without being built, and is rendered once per state.
        """

        def decorator(build: Callable[..., Page]) -> Callable[..., Page]:
            signature = _resolved_signature(build)
            context_name = next(
                name
                for name, p in signature.parameters.items()
                if typing.get_args(p.annotation)[:1] == (PageContext,)
            )

            def endpoint_for(kind: Format) -> Callable[..., Response]:
                def endpoint(**kwargs: Any) -> Response:
                    fmt = kwargs.pop("format", None) or kind
                    ctx: PageContext = kwargs[context_name]
                    if kind == "html" and fmt == "html" and wants_json(ctx.request):
                        fmt = "json"
                    if version is None:
                        return conditional(
                            ctx,
                            fmt,
                            site_version(ctx),
                            lambda: _render(build(**kwargs), ctx, fmt),
                            f"public, max-age={PUBLIC_MAX_AGE}",
                        )
                    return conditional(
                        ctx, fmt, version(ctx), lambda: _render(build(**kwargs), ctx, fmt)
                    )

                params = list(signature.parameters.values())
                if kind == "html":
                    params.append(
                        inspect.Parameter(
                            "format",
                            inspect.Parameter.KEYWORD_ONLY,
                            default=None,
                            annotation=Annotated[
                                Format | None,
                                Query(description="Same page as html, json or csv"),
                            ],
                        )
                    )
                endpoint.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
                endpoint.__name__ = f"{build.__name__}_{kind}"
                endpoint.__doc__ = build.__doc__
                return endpoint

            errors: dict[int | str, dict[str, Any]] = {
                404: {"model": ErrorPage, "description": "No such page (unknown code or id)"},
                422: {"model": ErrorPage, "description": "A malformed parameter"},
            }
            json_path = twin_path(path, ".json")
            self.router.add_api_route(
                json_path,
                endpoint_for("json"),
                methods=["GET"],
                response_model=model,
                summary=summary,
                description=(build.__doc__ or "").strip(),
                tags=tags or ["pages"],
                operation_id=f"{build.__name__}_json",
                responses=errors,
            )
            if csv:
                self.router.add_api_route(
                    twin_path(path, ".csv"),
                    endpoint_for("csv"),
                    methods=["GET"],
                    summary=f"{summary} (CSV)",
                    tags=tags or ["pages"],
                    operation_id=f"{build.__name__}_csv",
                    response_class=Response,
                    responses={
                        200: {
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                            "description": "The page's tables as CSV",
                        },
                        **errors,
                    },
                )
            self.router.add_api_route(
                path,
                endpoint_for("html"),
                methods=["GET"],
                include_in_schema=False,
                response_class=HTMLResponse,
            )
            return build

        return decorator
