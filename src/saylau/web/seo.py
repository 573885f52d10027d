"""What search engines and link previews read: ``/robots.txt`` and ``/sitemap.xml``.

The sitemap lists every public page (the published 2021 figures, the elections run with
saylau and all their places and candidates), each with its three languages as
``hreflang`` alternates. The workspace is kept out of both.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from saylau.i18n import LANGS
from saylau.tabulate.aggregate import Level
from saylau.web import election_data
from saylau.web.snapshot import Snapshot

router = APIRouter(include_in_schema=False)
STATIC_PATHS = ("/", "/elections", "/parties", "/tables", "/check", "/sources", "/about")
TABLES = ("1", "2", "3", "4", "totals")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def public_paths(request: Request) -> Iterator[str]:
    """Every public page of the site, by its HTML path."""
    service = request.app.state.service
    yield from STATIC_PATHS
    yield from (f"/tables/{key}" for key in TABLES)
    snap = Snapshot.load(service)
    yield from (f"/region/{code}" for code in sorted(snap.regions))
    yield from (f"/party/{code}" for code in sorted(snap.parties))
    with service.session() as session:
        for info in election_data.elections(session):
            if not info.run:
                continue
            base = f"/election/{info.code}"
            yield base
            geo = election_data.geography(session, info.code)
            for level in (Level.REGION, Level.DISTRICT, Level.OKRUG, Level.STATION):
                for unit in geo.units.get(level, {}).values():
                    yield f"{base}/{level.value}/{unit.code}"
            for code in sorted(election_data.candidates(session, info.code)):
                yield f"{base}/candidate/{code}"


@router.get("/robots.txt")
def robots(request: Request) -> Response:
    """Crawlers are welcome everywhere but the commission workspace."""
    text = f"User-agent: *\nAllow: /\nDisallow: /workspace\nSitemap: {_base(request)}/sitemap.xml\n"
    return PlainTextResponse(text, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/sitemap.xml")
def sitemap(request: Request) -> Response:
    """Every public page with its language versions."""
    base = _base(request)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for path in public_paths(request):
        out.append(f"<url><loc>{escape(base + path)}</loc>")
        for lang in LANGS:
            href = escape(f"{base}{path}?lang={lang}")
            out.append(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{href}"/>')
        out.append("</url>")
    out.append("</urlset>")
    return Response(
        "\n".join(out),
        media_type="application/xml",
        headers={"Cache-Control": "public, max-age=300"},
    )
