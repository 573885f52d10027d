"""Open-data downloads on the public site: ``/downloads`` and the files of every election.

``/downloads`` lists every election with its files (and has its JSON and CSV twins);
``/downloads/{election}/{format}`` is the file itself, made by the same exporter as
``saylau export``: ``cdf`` (JSON), ``xlsx`` (headers in the page language), and
``datapackage``, ``csv`` and ``parquet`` as ZIP archives of their folders. A file is made
once per state of the record (the audit log's last entry): it carries an ETag, answers 304 to
a matching ``If-None-Match`` and is kept in a small in-process cache.
"""

from __future__ import annotations

import io
import tempfile
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi import Path as PathParam
from pydantic import ConfigDict, Field

from saylau.datasets.reader import DatasetError
from saylau.exports import FOLDER_FORMATS, FORMATS, write_export
from saylau.exports.collect import collect
from saylau.reports.table import Cell, Col, ReportTable
from saylau.web.live import audit_version
from saylau.web.models import Model, PageBase
from saylau.web.pages import (
    NAV,
    Context,
    Page,
    PageContext,
    PageRouter,
    matches,
    negotiate_lang,
    table_out,
)

Format = Literal["cdf", "datapackage", "csv", "parquet", "xlsx"]
MEDIA = {
    "cdf": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "datapackage": "application/zip",
    "csv": "application/zip",
    "parquet": "application/zip",
}
FILENAME = {
    "cdf": "{code}.cdf.json",
    "xlsx": "{code}.xlsx",
    "datapackage": "{code}.datapackage.zip",
    "csv": "{code}.csv.zip",
    "parquet": "{code}.parquet.zip",
}

downloads = PageRouter()
files = APIRouter()

if ("web.nav.downloads", "/downloads") not in NAV:
    NAV.insert(len(NAV) - 1, ("web.nav.downloads", "/downloads"))


class DownloadLink(Model):
    """One file of an election."""

    format: str
    href: str
    media_type: str
    label: str


class DownloadItem(Model):
    """An election and its files."""

    code: str
    name: str
    date: str
    synthetic: bool
    run: bool = Field(description="Run with saylau (protocols); false: published figures only")
    files: list[DownloadLink]


class DownloadsPage(PageBase):
    """``/downloads``: every election in every open-data format."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "page": "downloads",
                    "elections": [
                        {
                            "code": "kz-2021-rural-akim",
                            "run": False,
                            "files": [
                                {"format": "cdf", "href": "/downloads/kz-2021-rural-akim/cdf"}
                            ],
                        }
                    ],
                }
            ]
        },
    )
    elections: list[DownloadItem]


def links(ctx: PageContext, code: str) -> list[DownloadLink]:
    """The files of election ``code``."""
    return [
        DownloadLink(
            format=fmt,
            href=f"/downloads/{code}/{fmt}" + (f"?lang={ctx.lang}" if fmt == "xlsx" else ""),
            media_type=MEDIA[fmt],
            label=ctx.t(f"od.web.format.{fmt}"),
        )
        for fmt in FORMATS
    ]


@downloads.page(
    "/downloads",
    model=DownloadsPage,
    summary="Every election as open data: NIST CDF, data package, CSV, Parquet, Excel",
    version=audit_version,
)
def downloads_page(ctx: Context) -> Page:
    """Every election in the database with its files in every open-data format, made from
    the same data as ``saylau export`` and carrying the state of the record."""
    from saylau.web import election_data

    with ctx.service.session() as session:
        elections = election_data.elections(session)
    items = [
        DownloadItem(
            code=e.code,
            name=e.names.get(ctx.lang),
            date=e.date.isoformat(),
            synthetic=e.synthetic,
            run=e.run,
            files=links(ctx, e.code),
        )
        for e in elections
    ]
    table = ReportTable(
        "downloads",
        ctx.t("od.web.title"),
        [
            Col("election", ctx.t("web.col.name")),
            Col("code", ctx.t("web.col.code")),
            Col("date", ctx.t("web.night.col.date")),
            Col("synthetic", ctx.t("web.col.synthetic")),
            *(Col(fmt, ctx.t(f"od.web.format.{fmt}")) for fmt in FORMATS),
        ],
    )
    for item in items:
        table.rows.append(
            [
                Cell(item.name, item.name),
                Cell(item.code, item.code),
                Cell(item.date, ctx.date_or_blank(item.date)),
                Cell(item.synthetic, ctx.t(f"web.bool.{item.synthetic}")),
                *(Cell(link.href, link.href) for link in item.files),
            ]
        )
    model = DownloadsPage(
        page="downloads",
        lang=ctx.lang,
        title=ctx.t("od.web.title"),
        synthetic=False,
        links=ctx.twins(True),
        alternates=ctx.alternates(),
        tables=[table_out(table)],
        elections=items,
    )
    return Page(model, "downloads.html", [table])


class FileCache:
    """Export files by (election, format, language, state of the record); small LRU."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str, str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str, str]) -> bytes | None:
        """A stored file."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, str, str], body: bytes) -> None:
        """Store a file, dropping the least recently used."""
        with self._lock:
            self._items[key] = body
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def build_file(service: object, code: str, fmt: str, lang: str) -> bytes:
    """The bytes of election ``code`` exported as ``fmt`` (folders zipped)."""
    with service.session() as session:  # type: ignore[attr-defined]
        data = collect(session, code)
    with tempfile.TemporaryDirectory(prefix="saylau-download-") as folder:
        target = Path(folder) / (
            "export" if fmt in FOLDER_FORMATS else FILENAME[fmt].format(code=code)
        )
        write_export(data, fmt, target, lang=lang)
        if fmt not in FOLDER_FORMATS:
            return target.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(target.iterdir()):
                archive.write(path, f"{code}/{path.name}")
        return buffer.getvalue()


@files.get("/downloads/{election}/{fmt}", include_in_schema=False)
def download(
    request: Request,
    election: Annotated[str, PathParam(max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")],
    fmt: Format,
) -> Response:
    """One election as one open-data file."""
    from saylau.administration.errors import AdminError
    from saylau.i18n import t

    lang, _ = negotiate_lang(request)
    service = request.app.state.service
    ctx = PageContext(request, service, lang, "query")
    version = audit_version(ctx)
    tag = f'"{version}-{fmt}-{lang}-{election}"'
    headers = {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Accept-Language, Cookie"}
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    cache: FileCache = getattr(request.app.state, "download_cache", None) or FileCache()
    request.app.state.download_cache = cache
    key = (election, fmt, lang if fmt == "xlsx" else "", version)
    body = cache.get(key)
    if body is None:
        try:
            body = build_file(service, election, fmt, lang)
        except AdminError as exc:
            raise HTTPException(404, detail=t("od.web.no_election", lang, code=election)) from exc
        except DatasetError as exc:  # a CDF that would not validate is never served
            raise HTTPException(500, detail=str(exc)) from exc
        cache.put(key, body)
    headers["Content-Disposition"] = f'attachment; filename="{FILENAME[fmt].format(code=election)}"'
    return Response(body, media_type=MEDIA[fmt], headers=headers)
