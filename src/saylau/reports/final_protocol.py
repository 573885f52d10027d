"""The okrug commission's final protocol, laid out as a document to sign: a PDF made with
Typst (the ``typst`` package, whose wheel carries the Libertinus Serif and DejaVu Sans Mono
fonts used here, so nothing is fetched and system fonts are ignored), in Kazakh or Russian
(English for observers); the same content as HTML for a browser.

What it carries: the commission, the protocol number, election, okrug, place, date and time
of signing; every line of the protocol (valid ballots included) in figures and in words;
the candidates in ballot order with their votes in figures and in words; the result; one
signature row per member (chair and secretary first) with room to sign; the stamp place;
page numbers and the SHA-256 of the certified record on every page (and, when given, the
fingerprint of the election's signing key). No rule codes, traces, setting marks or account
names: the explanation of the result belongs to ``saylau explain`` and the okrug page.

Build the content with :func:`document` (from a certification row and its record) and
render it with :func:`render_pdf`, :func:`render_png` or :func:`render_html`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from jinja2 import Environment, select_autoescape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saylau.administration.errors import AdminError
from saylau.domain.record import fingerprint_for_paper
from saylau.i18n import babel_locale, check_lang, fmt_int, t
from saylau.reports.numwords import in_words

ALMATY = ZoneInfo("Asia/Almaty")
ROLES = ("chair", "deputy", "secretary", "member")
#: The home-voting split, printed after the main lines when the stations gave it.
HOME_VOTING_LINES = (
    "ballots_issued_in_station",
    "ballots_issued_outside",
    "ballots_in_stationary_boxes",
    "ballots_in_portable_boxes",
)
# Blank signature rows printed when the commission's members are not given: the names are
# then written by hand.
BLANK_MEMBERS = ("chair", "deputy", "secretary", "member", "member", "member", "member")
LINES = (
    "stations_reported",
    "voters_on_list",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid",
    "valid",
)


class ProtocolError(AdminError):
    """A final protocol that cannot be made (the okrug is not certified, bad members file)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, None, **params)


@dataclass(frozen=True)
class Member:
    """A member of the commission who signs: role (chair, deputy, secretary, member), name."""

    role: str
    name: str = ""


@dataclass
class Line:
    """One numbered line of the protocol: label, the number in figures and in words."""

    number: str
    label: str
    figures: str
    words: str


@dataclass
class ProtocolDocument:
    """Everything the printed protocol shows, already in its language."""

    lang: str
    heading: str
    title: str
    number_text: str
    commission: str
    facts: list[tuple[str, str]]
    lines: list[Line]
    candidates_heading: str
    candidate_columns: tuple[str, str, str, str, str]
    candidates: list[Line]
    parties: list[str]
    result_label: str
    result: str
    lot_text: str | None
    signatures_heading: str
    signature_columns: tuple[str, str, str]
    members: list[tuple[str, str]]
    stamp: str
    page_text: str
    sha256_label: str
    sha256: str
    key_label: str
    key_fingerprint: str | None
    synthetic: str | None
    note: str
    words_label: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _m(key: str, lang: str, /, **params: object) -> str:
    return t(f"people.fp.{key}", lang, **params)


def signing_time(moment: dt.datetime, lang: str) -> str:
    """Date and time of signing in Almaty, in words the reader expects («20 июля 2025 г.,
    21:04 (UTC+05:00)»), never an ISO stamp."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(ALMATY)
    locale = babel_locale(lang)
    day = format_date(local.date(), "long", locale=locale)
    clock = format_time(local.time(), "HH:mm", locale=locale)
    return _m("time", lang, date=day, time=clock)


def read_members(text: str) -> list[Member]:
    """Members from CSV text with the columns ``role,name`` (role: chair, deputy, secretary,
    member); ProtocolError naming the line and the rule otherwise."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or {"role", "name"} - set(reader.fieldnames):
        raise ProtocolError("T.052", line=1, rule="role,name")
    out: list[Member] = []
    for number, row in enumerate(reader, 2):
        role = (row.get("role") or "").strip()
        name = (row.get("name") or "").strip()
        if role not in ROLES:
            raise ProtocolError("T.052", line=number, rule="role: " + ", ".join(ROLES))
        if not name or len(name) > 200:
            raise ProtocolError("T.052", line=number, rule="name: 1-200")
        out.append(Member(role, name))
    if not out:
        raise ProtocolError("T.052", line=2, rule="role,name")
    return out


def ordered_members(members: Iterable[Member]) -> list[Member]:
    """Chair first, then deputy, secretary and the other members (as given within a role)."""
    items = list(members)
    return sorted(items, key=lambda m: ROLES.index(m.role))


def _count_line(index: int, label: str, value: int, lang: str) -> Line:
    return Line(str(index), label, fmt_int(value, lang), in_words(value, lang))


def build(
    *,
    record: dict[str, object],
    sha256: str,
    certified_at: dt.datetime,
    lang: str,
    election_name: str,
    commission: str,
    number: int,
    place: str,
    parties: dict[str, str],
    sexes: dict[str, str | None],
    synthetic: bool,
    members: Sequence[Member] = (),
    key_fingerprint: str | None = None,
) -> ProtocolDocument:
    """The protocol's content from a certified record (``results.result_record``).

    ``key_fingerprint``: the fingerprint of the election's signing key; when given, a line
    with it is printed on every page under the SHA-256 of the record.
    """
    lang = check_lang(lang)
    names = record["okrug_names"]
    assert isinstance(names, dict)
    okrug_name = str(names[lang])
    counts: dict[str, int] = {
        key: int(record[key])  # type: ignore[call-overload]
        for key in (
            "stations_reported",
            "voters_on_list",
            "ballots_received",
            "ballots_issued",
            "ballots_cancelled",
            "ballots_in_boxes",
            "invalid",
        )
    }
    counts["valid"] = counts["ballots_in_boxes"] - counts["invalid"]
    lines = [
        _count_line(i, _m(f"line.{key}", lang), counts[key], lang) for i, key in enumerate(LINES, 1)
    ]
    home = record.get("home_voting")
    home_note = None
    if isinstance(home, dict):
        # Home voting (portable boxes): the split the stations gave, after the main lines.
        for key in HOME_VOTING_LINES:
            lines.append(
                _count_line(len(lines) + 1, t(f"fp.field.{key}", lang), int(home[key]), lang)
            )
        home_note = t(
            "fp.home_voting",
            lang,
            stations=fmt_int(int(home["stations_with_split"]), lang),
            expected=fmt_int(counts["stations_reported"], lang),
        )
    raw_candidates = record["candidates"]
    assert isinstance(raw_candidates, list)
    candidates: list[Line] = []
    party_names: list[str] = []
    by_code: dict[str, str] = {}
    for index, item in enumerate(raw_candidates, 1):
        party = item.get("party")
        if item.get("nominated_by") == "higher_akim":
            party_names.append(t("fp.higher_akim", lang))
        else:
            party_names.append(parties.get(party, party) if party else t("fp.self", lang))
        votes = int(item["votes"])
        candidates.append(
            Line(str(index), str(item["name"]), fmt_int(votes, lang), in_words(votes, lang))
        )
        by_code[str(item["code"])] = str(item["name"])
    for item in record.get("withdrawn", []) or []:  # type: ignore[union-attr]
        # Withdrew after the ballots were printed: still on the ballot, marks for no one.
        marks = int(item["marks"])
        candidates.append(Line("", str(item["name"]), fmt_int(marks, lang), in_words(marks, lang)))
        party_names.append(t("fp.withdrawn", lang))
    against = record.get("against_all")
    if against is not None:
        candidates.append(
            Line(
                "",
                t("fp.against_all", lang),
                fmt_int(int(against), lang),
                in_words(int(against), lang),
            )  # type: ignore[call-overload]
        )
        party_names.append("")
    winner = record.get("winner")
    outcome = str(record.get("outcome"))
    lot_text = None
    if outcome == "elected" and winner:
        sex = sexes.get(str(winner)) or "unknown"
        result = _m(
            f"elected.{sex if sex in ('male', 'female') else 'unknown'}",
            lang,
            name=by_code.get(str(winner), str(winner)),
        )
        draw = record.get("lot_draw")
        if isinstance(draw, dict):
            lot_text = _m(
                "lot",
                lang,
                time=signing_time(dt.datetime.fromisoformat(str(draw["drawn_at"])), lang),
                drawn_by=draw["drawn_by"],
                witnesses=", ".join(str(w) for w in draw["witnesses"]),
            )
    elif outcome == "repeat_election":
        repeat = record.get("repeat")
        reason = repeat.get("reason") if isinstance(repeat, dict) else None
        result = _m("repeat", lang, reason=t(f"law.repeat_reason.{reason}", lang) if reason else "")
    elif outcome == "no_candidates":
        result = _m("no_candidates", lang)
    else:  # certify() refuses open ties and incomplete counts; nothing else is certified
        raise ProtocolError("T.050", okrug=str(record.get("okrug")))
    listed = ordered_members(members) if members else [Member(r) for r in BLANK_MEMBERS]
    return ProtocolDocument(
        lang=lang,
        heading=_m("heading", lang),
        title=_m("title", lang),
        number_text=_m("number", lang, number=number),
        commission=commission,
        facts=[
            (_m("fact.election", lang), election_name),
            (_m("fact.okrug", lang), okrug_name),
            (_m("fact.place", lang), place),
            (_m("fact.signed", lang), signing_time(certified_at, lang)),
            *([(t("fp.home_voting.label", lang), home_note)] if home_note else []),
        ],
        lines=lines,
        candidates_heading=_m("candidates", lang),
        candidate_columns=(
            "№",
            t("fp.candidate", lang),
            t("fp.party", lang),
            _m("figures", lang),
            _m("words", lang),
        ),
        candidates=candidates,
        parties=party_names,
        result_label=t("fp.outcome", lang),
        result=result,
        lot_text=lot_text,
        signatures_heading=_m("signatures", lang),
        signature_columns=(_m("col.role", lang), _m("col.name", lang), _m("col.signature", lang)),
        members=[(_m(f"role.{m.role}", lang), m.name) for m in listed],
        stamp=_m("stamp", lang),
        page_text=_m("page", lang),
        sha256_label=_m("sha256", lang),
        sha256=sha256,
        key_label=_m("key", lang),
        key_fingerprint=key_fingerprint,
        synthetic=t("fp.synthetic", lang) if synthetic else None,
        note=_m("note", lang),
        words_label=_m("words", lang),
    )


# --- reading a certification from the database ----------------------------------------------


def _commission(session: Session, okrug: str, lang: str) -> tuple[str, str]:
    """(name of the commission that certifies the okrug, the place: its territory's name)."""
    from saylau.store.schema import CommissionRow, DistrictRow, OkrugRow, RegionRow

    okrug_row = session.get(OkrugRow, okrug)
    assert okrug_row is not None
    district = session.get(DistrictRow, okrug_row.district)
    region = session.get(RegionRow, district.region) if district else None
    chain = [(okrug_row.code, okrug_row)]
    if district is not None:
        chain.append((district.code, district))
    if region is not None:
        chain.append((region.code, region))
    for level in ("okrug", "territorial"):
        for code, unit in chain:
            row = session.scalars(
                select(CommissionRow)
                .where(CommissionRow.territory == code, CommissionRow.level == level)
                .order_by(CommissionRow.code)
                .limit(1)
            ).first()
            if row is not None:
                return getattr(row, f"name_{lang}"), getattr(unit, f"name_{lang}")
    place = district if district is not None else okrug_row
    return _m("commission.unnamed", lang), getattr(place, f"name_{lang}")


def document(
    session: Session,
    election: str,
    okrug: str,
    lang: str,
    *,
    members: Sequence[Member] = (),
    key_fingerprint: str | None = None,
) -> ProtocolDocument:
    """The final protocol of a certified okrug, from its newest certification.

    ProtocolError T.050 when the okrug is not certified, T.051 when accepted protocols
    changed after the certification (the printed numbers would not be the count's).
    """
    from saylau.administration import results
    from saylau.administration.lawctx import election_row
    from saylau.store.schema import CandidateRow, CertificationRow, ContestRow

    lang = check_lang(lang)
    cert = results.certification(session, election, okrug)
    if cert is None:
        raise ProtocolError("T.050", okrug=okrug)
    result = results.okrug_result(session, election, okrug)
    if (
        result.outcome is None
        or results.fingerprint(results.result_record(session, result)) != cert.sha256
    ):
        raise ProtocolError("T.051", okrug=okrug)
    record = json.loads(cert.record)
    if key_fingerprint is None and cert.signed_by:
        # The election's key that signed the certification, as printed for reading aloud.
        key_fingerprint = fingerprint_for_paper(cert.signed_by)
    erow = election_row(session, election)
    commission, place = _commission(session, okrug, lang)
    number = int(
        session.scalar(
            select(func.count(CertificationRow.id))
            .join(ContestRow, ContestRow.code == CertificationRow.contest)
            .where(ContestRow.election == election, CertificationRow.id <= cert.id)
        )
        or 1
    )
    codes = [str(c["code"]) for c in record["candidates"]]
    sexes = {
        row.code: row.sex
        for row in session.scalars(select(CandidateRow).where(CandidateRow.code.in_(codes)))
    }
    return build(
        record=record,
        sha256=cert.sha256,
        certified_at=cert.certified_at,
        lang=lang,
        election_name=getattr(erow, f"name_{lang}"),
        commission=commission,
        number=number,
        place=place,
        parties=results.party_short_names(session, erow.date, lang),
        sexes=sexes,
        synthetic=erow.synthetic,
        members=members,
        key_fingerprint=key_fingerprint,
    )


# --- rendering ------------------------------------------------------------------------------


def _template(name: str) -> str:
    return (resources.files("saylau.reports") / "templates" / name).read_text(encoding="utf-8")


def _compile(doc: ProtocolDocument, fmt: str, ppi: float | None = None) -> bytes | list[bytes]:
    import typst

    source = _template("final_protocol.typ").encode("utf-8")
    data = json.dumps(asdict(doc), ensure_ascii=False)
    kwargs: dict[str, object] = {
        "format": fmt,
        "sys_inputs": {"data": data},
        "ignore_system_fonts": True,
        "font_paths": [],
    }
    if ppi is not None:
        kwargs["ppi"] = ppi
    return typst.compile(source, **kwargs)  # type: ignore[arg-type, no-any-return]


def render_pdf(doc: ProtocolDocument) -> bytes:
    """The protocol as an A4 PDF."""
    out = _compile(doc, "pdf")
    assert isinstance(out, bytes)
    return out


def render_png(doc: ProtocolDocument, ppi: float = 96) -> list[bytes]:
    """Each page of the protocol as a PNG (the same layout as the PDF)."""
    out = _compile(doc, "png", ppi)
    return [out] if isinstance(out, bytes) else list(out)


def render_html(doc: ProtocolDocument) -> str:
    """The same protocol as a printable HTML page (no script, one inline style)."""
    env = Environment(
        autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True
    )
    return env.from_string(_template("final_protocol.html")).render(doc=doc)


def write(doc: ProtocolDocument, path: Path) -> None:
    """Write the protocol to ``path``: PDF for ``.pdf``, else HTML."""
    if path.suffix.lower() == ".pdf":
        path.write_bytes(render_pdf(doc))
    else:
        path.write_text(render_html(doc), encoding="utf-8")
