"""Live election-night pages: the state of the data (for ETags) and times in Asia/Almaty.

Every change that a results page can show (a protocol accepted, a certification, a lot draw, a
recall step) is written together with its audit-log entry, so the audit log's last sequence
number is the version of everything a page shows: one indexed ``max(seq)`` per request tells
whether a visitor's copy is current. ``static/live.js`` polls the page's JSON twin with
``If-None-Match`` and updates the numbers in place.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy import func, select

from saylau.i18n import babel_locale, t
from saylau.store.schema import AuditRow
from saylau.web.pages import PageContext

ALMATY = ZoneInfo("Asia/Almaty")
LIVE_SECONDS = 15


def audit_version(ctx: PageContext) -> str:
    """The audit log's last sequence number (0 when empty): the state of the data."""
    with ctx.service.session() as session:
        return str(session.scalar(select(func.max(AuditRow.seq))) or 0)


def utc(value: dt.datetime) -> dt.datetime:
    """A stored time as UTC-aware (SQLite gives naive UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def almaty_text(value: dt.datetime, lang: str) -> str:
    """A moment as the local time in Almaty, in ``lang`` (``20 Jul 2025, 21:04 (Almaty)``)."""
    local = utc(value).astimezone(ALMATY)
    text = format_datetime(local, "medium", tzinfo=ALMATY, locale=babel_locale(lang))
    offset = local.strftime("%z")
    return t("web.time.almaty", lang, time=text, offset=f"UTC{offset[:3]}:{offset[3:]}")
