"""The okrug commission's final protocol as print-ready HTML, in Kazakh or Russian (or English).

The page carries the SHA-256 fingerprint of the certified record, so anyone holding the
published record can recompute it and compare with the paper.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from zoneinfo import ZoneInfo

from jinja2 import Environment, select_autoescape

from saylau.i18n import check_lang, fmt_int, t

ALMATY = ZoneInfo("Asia/Almaty")
COUNT_FIELDS = (
    "stations_reported",
    "voters_on_list",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid",
)


HOME_VOTING = (
    "ballots_issued_in_station",
    "ballots_issued_outside",
    "ballots_in_stationary_boxes",
    "ballots_in_portable_boxes",
)


def _home_voting(record: dict[str, object], lang: str) -> dict[str, object] | None:
    """The home-voting split of the record (absent in records without it)."""
    found = record.get("home_voting")
    if not isinstance(found, dict):
        return None
    return {
        "note": t(
            "fp.home_voting",
            lang,
            stations=fmt_int(int(found["stations_with_split"]), lang),
            expected=fmt_int(int(record["stations_reported"]), lang),  # type: ignore[call-overload]
        ),
        "rows": [(key, fmt_int(int(found[key]), lang)) for key in HOME_VOTING],
    }


def _environment() -> Environment:
    return Environment(
        autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True
    )


def render(
    *,
    record_json: str,
    sha256: str,
    certified_by: str,
    certified_at: dt.datetime,
    election_name: str,
    synthetic: bool,
    outcome_text: str,
    trace: list[str],
    lang: str,
    parties: dict[str, str] | None = None,
) -> str:
    """The printable final protocol of one okrug in ``lang``."""
    lang = check_lang(lang)
    record = json.loads(record_json)
    template_text = (
        resources.files("saylau.reports") / "templates" / "final_protocol.html"
    ).read_text(encoding="utf-8")
    template = _environment().from_string(template_text)
    at = certified_at if certified_at.tzinfo else certified_at.replace(tzinfo=dt.UTC)
    return template.render(
        lang=lang,
        t=lambda key, **params: t(key, lang, **params),
        record=record,
        okrug_name=record["okrug_names"][lang],
        election_name=election_name,
        synthetic=synthetic,
        counts=[(key, fmt_int(int(record[key]), lang)) for key in COUNT_FIELDS],
        candidates=[
            {
                "name": c["name"],
                "party": t("fp.higher_akim", lang)
                if c.get("nominated_by") == "higher_akim"
                else (parties or {}).get(c["party"], c["party"])
                if c["party"]
                else t("fp.self", lang),
                "votes": fmt_int(int(c["votes"]), lang),
            }
            for c in record["candidates"]
        ],
        against_all=None if record["against_all"] is None else fmt_int(record["against_all"], lang),
        home_voting=_home_voting(record, lang),
        withdrawn=[
            {"name": w["name"], "marks": fmt_int(int(w["marks"]), lang)}
            for w in record.get("withdrawn", [])
        ],
        outcome_text=outcome_text,
        trace=trace,
        sha256=sha256,
        certified_by=certified_by,
        certified_at=at.astimezone(ALMATY).strftime("%Y-%m-%d %H:%M (UTC+05:00)"),
    )
