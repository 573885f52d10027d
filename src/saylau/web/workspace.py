"""The commission workspace (``/workspace``): protocol entry and review behind a sign-in.

Every change goes through the service layer with the signed-in account as the
:class:`~saylau.security.actor.Actor`: ``administration.protocols`` (``submit``,
``acknowledge``, ``resolve``), ``administration.results`` (``certify``, ``record_lot_draw``)
and ``administration.recall`` (``record_step``), which check the role and the territory
(:mod:`saylau.administration.access`) and write the audit log. The workspace only parses
forms, calls them and shows their answers (refusals in the operator's language, next to the
fields they concern).

Security: server-side sessions (:mod:`saylau.security.sessions`) in an HttpOnly,
SameSite=Strict cookie limited to ``/workspace`` (Secure over https); a CSRF token in every
form, checked on every POST together with the Origin header; a limit on failed sign-ins
(:mod:`saylau.security.accounts`); answers are never cached (``Cache-Control: no-store``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from saylau.administration import protocols, recall, results
from saylau.administration.access import ALLOWED, Permission, ancestry, covers, require
from saylau.administration.errors import AdminError
from saylau.administration.lawctx import law_for
from saylau.administration.nominations import registered_candidates
from saylau.administration.setup import contest_code, setup_of
from saylau.administration.steps import withdrawn_on_ballot
from saylau.domain import HOME_VOTING_FIELDS, Protocol
from saylau.law.catalogue import Finding, LawVersion, WithdrawnVotes, rules_for
from saylau.law.protocol import check_protocol
from saylau.law.winner import LotsRequired, summary
from saylau.reports import final_protocol
from saylau.security import accounts, sessions
from saylau.security.actor import Actor, Role
from saylau.security.sessions import SignedIn
from saylau.store.schema import (
    AuditRow,
    ProtocolEntryRow,
    StationRollRow,
    StationRow,
)
from saylau.tabulate.aggregate import Level
from saylau.web import election_data, integrity
from saylau.web.election_data import ElectionInfo, Geography
from saylau.web.elections import with_names
from saylau.web.live import ALMATY, almaty_text
from saylau.web.pages import Context, PageContext, finish, integrity_of, render_html

router = APIRouter(prefix="/workspace", include_in_schema=False)
SESSION_COOKIE = "saylau_session"
SIGNIN_COOKIE = "saylau_signin"
COOKIE_PATH = "/workspace"
COUNTS = protocols.COUNT_FIELDS
HOME_VOTING = frozenset(HOME_VOTING_FIELDS)
AUDIT_PAGE = 100
SHOW = ("all", "missing", "received", "held", "awaiting_second", "discrepancy")
OKRUG_FIELDS = frozenset(
    {
        "winner",
        "drawn_by",
        "drawn_at",
        "witnesses",
        "step",
        "date",
        "body",
        "akim",
        "outcome",
        "document",
        "by_election",
    }
)
NOTES = (
    "signed_in",
    "signed_out",
    "acknowledged",
    "resolved",
    "returned",
    "certified",
    "lots",
    "recall",
    "integrity",
    "created",
    "loaded",
    "extended",
    "withdrawn",
)


# --- who is signed in ------------------------------------------------------------------------


class SignInRequired(Exception):
    """Raised by :func:`get_desk` when the request has no live session."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


@dataclass
class Desk:
    """A signed-in request: the page context and the session."""

    ctx: PageContext
    signed: SignedIn

    @property
    def actor(self) -> Actor:
        """Who acts."""
        return self.signed.actor

    @property
    def csrf(self) -> str:
        """The session's CSRF token (every form carries it)."""
        return self.signed.csrf

    def may(self, permission: Permission) -> bool:
        """Whether the account's role allows ``permission`` (territory is checked per unit)."""
        return self.actor.role in ALLOWED[permission]

    def role_text(self) -> str:
        """The role in the page language."""
        return self.ctx.t(f"web.role.{self.actor.role.value}")


def client_ip(request: Request) -> str:
    """The visitor's address (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _local_target(value: str | None) -> str:
    """A redirect target inside the workspace, never another site."""
    if not value:
        return "/workspace"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/workspace") or "//" in value:
        return "/workspace"
    return value


class WritesSuspended(Exception):
    """Raised by :func:`get_desk` for a write while the record does not hold (and no
    administrator has recorded that its problems were looked into)."""

    def __init__(self, desk: Desk) -> None:
        super().__init__("writes suspended")
        self.desk = desk


#: Writes that stay possible while writes are suspended: leaving, and the acknowledgement.
ALWAYS_WRITABLE = ("/workspace/sign-out", "/workspace/integrity/acknowledge")


def get_desk(request: Request, ctx: Context) -> Desk:
    """FastAPI dependency: the signed-in session, or a redirect to the sign-in page.

    Every workspace write passes here, so this is where writes are refused while the
    integrity watch finds that the database is not what its log says."""
    token = request.cookies.get(SESSION_COOKIE)
    with ctx.service.transaction() as session:
        signed = sessions.find_session(session, token)
    if signed is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target if request.method == "GET" else "/workspace")
    desk = Desk(ctx, signed)
    status = integrity_of(ctx)
    if (
        request.method == "POST"
        and request.url.path not in ALWAYS_WRITABLE
        and status is not None
        and not status.writes_allowed
    ):
        raise WritesSuspended(desk)
    return desk


DeskDep = Annotated[Desk, Depends(get_desk)]


def sign_in_required(request: Request, error: Exception) -> Response:
    """Exception handler: send the visitor to the sign-in page, then back."""
    assert isinstance(error, SignInRequired)
    return RedirectResponse(
        "/workspace/sign-in?next=" + quote(_local_target(error.target), safe="/"),
        status_code=303,
    )


def writes_suspended(request: Request, error: Exception) -> Response:
    """Exception handler: the write is refused (503) with the reason, in the visitor's
    language; an administrator is pointed to the integrity page."""
    assert isinstance(error, WritesSuspended)
    desk = error.desk
    return _refused(desk, desk.ctx.t("record.ws.suspended"), 503)


def install(app: FastAPI) -> None:
    """Register the workspace's exception handlers on ``app``."""
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(WritesSuspended, writes_suspended)


def _same_origin(request: Request) -> bool:
    """A browser's POST names its origin; it must be this site (clients without one pass)."""
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


def _csrf_ok(desk: Desk, request: Request, form: Mapping[str, str]) -> bool:
    return _same_origin(request) and sessions.same(desk.csrf, form.get("csrf"))


# --- rendering -------------------------------------------------------------------------------


def _render(
    desk: Desk | None,
    ctx: PageContext,
    template: str,
    values: Mapping[str, object],
    status: int = 200,
) -> Response:
    info = values.get("info") or values.get("election")
    form = values.get("form")
    if isinstance(form, EntryForm):
        info = form.election
    synthetic = bool(getattr(info, "synthetic", False))
    response = render_html(
        template,
        ctx,
        {
            "page": None,
            "desk": desk,
            "title": values.get("title", ""),
            "synthetic": synthetic,
            "note": None,
            **values,
        },
        status=status,
    )
    return finish(response, ctx)


def _refused(desk: Desk, message: str, status: int = 403) -> Response:
    ctx = desk.ctx
    return _render(
        desk,
        ctx,
        "ws_error.html",
        {"title": ctx.t(f"web.ws.error.{status}"), "message": message},
        status=status,
    )


def _status(error: AdminError) -> int:
    """403 for a refusal of the role or territory (X.xxx), else 422 (the request's content)."""
    return 403 if error.code.startswith("X.") else 422


def _csrf_refused(desk: Desk) -> Response:
    return _refused(desk, desk.ctx.t("web.ws.csrf"), 403)


def _redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


def _note(ctx: PageContext) -> str | None:
    key = ctx.request.query_params.get("done")
    return ctx.t(f"web.ws.done.{key}") if key in NOTES else None


# --- sign-in and sign-out --------------------------------------------------------------------


def _signin_page(
    ctx: PageContext,
    *,
    name: str = "",
    error: str | None = None,
    status: int = 200,
    target: str | None = None,
) -> Response:
    token = ctx.request.cookies.get(SIGNIN_COOKIE)
    if not token or not re.fullmatch(r"[A-Za-z0-9_-]{43}", token):
        token = sessions.new_token()
    response = _render(
        None,
        ctx,
        "ws_signin.html",
        {
            "title": ctx.t("web.ws.signin.title"),
            "name": name,
            "error": error,
            "csrf": token,
            "next": _local_target(target or ctx.request.query_params.get("next")),
            "note": _note(ctx),
        },
        status=status,
    )
    response.set_cookie(
        SIGNIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(ctx.request),
        path=COOKIE_PATH,
        max_age=3600,
    )
    return response


@router.get("/sign-in")
def sign_in_form(ctx: Context) -> Response:
    """The sign-in form."""
    return _signin_page(ctx)


@router.post("/sign-in")
async def sign_in(request: Request, ctx: Context) -> Response:
    """Check the account and password within the rate limit; start a session."""
    form = await _form(request)

    def work() -> Response:
        name = form.get("name", "")[:64]
        if not _same_origin(request) or not sessions.same(
            request.cookies.get(SIGNIN_COOKIE), form.get("csrf")
        ):
            return _signin_page(
                ctx, name=name, error=ctx.t("web.ws.csrf"), status=403, target=form.get("next")
            )
        ip = client_ip(request)
        with ctx.service.transaction() as session:
            # a new sign-in never continues an earlier session (no fixation)
            sessions.close_session(session, request.cookies.get(SESSION_COOKIE))
            answer = accounts.authenticate(session, name, form.get("password", ""), ip)
            opened = (
                sessions.open_session(session, answer.actor.name, ip)
                if answer.actor is not None
                else None
            )
        if opened is None:
            if answer.refusal == "limited" and answer.retry_at is not None:
                text = ctx.t("web.ws.signin.limited", time=almaty_text(answer.retry_at, ctx.lang))
                return _signin_page(ctx, name=name, error=text, status=429, target=form.get("next"))
            return _signin_page(
                ctx,
                name=name,
                error=ctx.t("web.ws.signin.wrong"),
                status=401,
                target=form.get("next"),
            )
        token, _signed = opened
        target = _local_target(form.get("next"))
        response = _redirect(target + ("&" if "?" in target else "?") + "done=signed_in")
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=_secure(request),
            path=COOKIE_PATH,
            max_age=int(sessions.LIFETIME.total_seconds()),
        )
        response.delete_cookie(SIGNIN_COOKIE, path=COOKIE_PATH)
        return response

    return await run_in_threadpool(work)


@router.post("/sign-out")
async def sign_out(request: Request, desk: DeskDep) -> Response:
    """End the session."""
    form = await _form(request)

    def work() -> Response:
        if not _csrf_ok(desk, request, form):
            return _csrf_refused(desk)
        with desk.ctx.service.transaction() as session:
            sessions.close_session(session, request.cookies.get(SESSION_COOKIE))
        response = _redirect("/workspace/sign-in?done=signed_out")
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
        return response

    return await run_in_threadpool(work)


# --- the account's elections -------------------------------------------------------------------


# --- integrity -------------------------------------------------------------------------------


@router.get("/integrity")
def integrity_page(desk: DeskDep) -> Response:
    """The latest integrity check in detail; an administrator records here that its problems
    were looked into, which lets the workspace write again."""
    ctx = desk.ctx
    status = integrity_of(ctx)
    problems = [] if status is None else [
        {"code": p.code, "message": p.message(ctx.lang)} for p in status.problems
    ]
    return _render(
        desk,
        ctx,
        "ws_integrity.html",
        {
            "title": ctx.t("record.ws.title"),
            "status": status,
            "problems": problems,
            "may_acknowledge": desk.actor.role is Role.ADMIN,
            "note": _note(ctx),
        },
    )


@router.post("/integrity/acknowledge")
async def integrity_acknowledge(request: Request, desk: DeskDep) -> Response:
    """Record (an audit entry) that an administrator looked into the problems found."""
    ctx = desk.ctx
    form = await _form(request)
    if not _csrf_ok(desk, request, form):
        return _csrf_refused(desk)
    if desk.actor.role is not Role.ADMIN:
        return _refused(desk, ctx.t("record.ws.admin_only"), 403)
    monitor = getattr(request.app.state, "integrity", None)
    status = monitor.status if monitor is not None else None
    note = form.get("note", "").strip()
    if status is None or status.ok:
        return _redirect("/workspace/integrity")
    if not note:
        return _render(
            desk,
            ctx,
            "ws_integrity.html",
            {
                "title": ctx.t("record.ws.title"),
                "status": status,
                "problems": [{"code": p.code, "message": p.message(ctx.lang)}
                             for p in status.problems],
                "may_acknowledge": True,
                "error": ctx.t("record.ws.note_required"),
            },
            status=422,
        )
    with ctx.service.transaction() as session:
        integrity.acknowledge(session, desk.actor, status, note)
    monitor.check()
    return _redirect("/workspace/integrity?done=integrity")


def _relevant(session: Session, actor: Actor, info: ElectionInfo) -> bool:
    """Whether the election's territory and the account's overlap."""
    if not info.run or info.territory is None:
        return False
    if actor.territory is None or covers(session, actor, info.territory):
        return True
    return info.territory in ancestry(session, actor.territory)


@router.get("")
def home(desk: DeskDep) -> Response:
    """The elections the account works on."""
    ctx = desk.ctx
    with ctx.service.session() as session:
        items = [
            info
            for info in election_data.elections(session)
            if _relevant(session, desk.actor, info)
        ]
    return _render(
        desk,
        ctx,
        "ws_home.html",
        {
            "title": ctx.t("web.ws.home.title"),
            "elections": items,
            "note": _note(ctx),
            "can_setup": desk.may(Permission.SETUP),
        },
    )


@dataclass
class Board:
    """One election as the account sees it: its stations and okrugs within the territory."""

    info: ElectionInfo
    geo: Geography
    stations: list[str]
    okrugs: list[str]


def _board(session: Session, desk: Desk, code: str) -> Board | None:
    info = election_data.election(session, code)
    if info is None or not _relevant(session, desk.actor, info):
        return None
    geo = election_data.geography(session, code)  # loads the places into the session
    actor = desk.actor
    stations = [s for s in geo.units[Level.STATION] if covers(session, actor, s)]
    okrugs = [o for o in geo.units[Level.OKRUG] if covers(session, actor, o)]
    return Board(info, geo, stations, okrugs)


def _no_election(desk: Desk, code: str) -> Response:
    return _refused(desk, desk.ctx.t("web.ws.no_election", code=code), 404)


@dataclass
class StationLine:
    """A station of the account's territory with the state of its protocol."""

    code: str
    name: str
    number: int | None
    accepted: int | None
    pending: list[ProtocolEntryRow] = field(default_factory=list)

    @property
    def state(self) -> str:
        """missing, received, held, awaiting_second or discrepancy."""
        statuses = {p.status for p in self.pending}
        for status in ("discrepancy", "held", "awaiting_second"):
            if status in statuses:
                return status
        return "received" if self.accepted else "missing"


@router.get("/{election}")
def election_board(
    desk: DeskDep,
    election: str,
    show: Annotated[str, Query(max_length=20)] = "all",
) -> Response:
    """Expected, received, held, discrepancy and missing protocols of the territory."""
    ctx = desk.ctx
    with ctx.service.session() as session:
        board = _board(session, desk, election)
        if board is None:
            return _no_election(desk, election)
        accepted = election_data.accepted(session, election)
        pending: dict[str, list[ProtocolEntryRow]] = {}
        for entry in election_data.pending_entries(session, election):
            pending.setdefault(entry.station, []).append(entry)
        lines = []
        for code in board.stations:
            unit = board.geo.units[Level.STATION][code]
            row = accepted.get(code)
            lines.append(
                StationLine(
                    code,
                    unit.names.get(ctx.lang),
                    unit.number,
                    row.version if row else None,
                    pending.get(code, []),
                )
            )
        okrugs = [board.geo.units[Level.OKRUG][o] for o in board.okrugs]
    counts = {key: 0 for key in SHOW}
    counts["all"] = len(lines)
    for line in lines:
        counts[line.state] += 1
    chosen = show if show in SHOW else "all"
    shown = [line for line in lines if chosen == "all" or line.state == chosen]
    return _render(
        desk,
        ctx,
        "ws_election.html",
        {
            "title": board.info.names.get(ctx.lang),
            "info": board.info,
            "lines": shown,
            "counts": counts,
            "show": chosen,
            "shows": SHOW,
            "okrugs": okrugs,
            "note": _note(ctx),
            "can_enter": desk.may(Permission.ENTER_PROTOCOL),
            "can_review": desk.may(Permission.REVIEW_PROTOCOL),
        },
    )


# --- the protocol entry form -----------------------------------------------------------------


@dataclass
class Message:
    """A rule's message shown next to the fields it concerns."""

    id: str
    code: str
    text: str
    severity: str
    target: str | None = None  # the id of the first field it concerns (the summary links it)


@dataclass
class FormField:
    """One input of the protocol form with its value and the messages that concern it."""

    name: str
    label: str
    value: str = ""
    messages: list[Message] = field(default_factory=list)
    described_by: list[str] = field(default_factory=list)
    kind: str = "count"

    @property
    def id(self) -> str:
        """The element id (dots are not welcome in ids used by CSS)."""
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)

    @property
    def invalid(self) -> bool:
        """Whether an error concerns the field."""
        return any(m.severity == "error" for m in self.messages) or bool(self.described_by)


@dataclass
class EntryForm:
    """The protocol form of one station, as shown."""

    election: ElectionInfo
    station: str
    station_name: str
    okrug: str
    fields: list[FormField]
    reason: FormField | None
    entry_no: int
    double_entry: bool
    version: int
    blocked: str | None
    pending: list[ProtocolEntryRow]
    accepted_version: int
    problems: list[Message] = field(default_factory=list)
    general: list[str] = field(default_factory=list)
    rules_json: dict[str, object] = field(default_factory=dict)
    returned: str | None = None  # why a supervisor sent the last entry back
    held: list[ProtocolEntryRow] = field(default_factory=list)  # replaced by a new entry
    confirm_replace: bool = False  # ask before replacing the held entries
    notes: list[str] = field(default_factory=list)

    def by_name(self) -> dict[str, FormField]:
        """Fields by form name (the reason included)."""
        out = {f.name: f for f in self.fields}
        if self.reason is not None:
            out[self.reason.name] = self.reason
        return out


def _labels(session: Session, election: str, codes: list[str], lang: str) -> dict[str, str]:
    return results.candidate_labels(session, election, codes, lang)


def _entry_form(session: Session, desk: Desk, info: ElectionInfo, station: str) -> EntryForm:
    """The form of ``station`` (AdminError when the account may not enter it)."""
    ctx = desk.ctx
    row = session.get(StationRow, station)
    if row is None or session.get(StationRollRow, (info.code, station)) is None:
        raise AdminError("V.003", "station", value=station, election=info.code)
    require(session, desk.actor, Permission.ENTER_PROTOCOL, station)
    setup = setup_of(session, info.code)
    law = law_for(session, info.code)
    candidates = registered_candidates(session, contest_code(info.code, row.okrug))
    labels = _labels(session, info.code, candidates, ctx.lang)
    versions = protocols.versions(session, info.code, station)
    current = versions[-1].version if versions else 0
    pending = [
        e
        for e in election_data.pending_entries(session, info.code)
        if e.station == station and e.version == current + 1
    ]
    fields = [
        FormField(name, t_label(name, ctx.lang), kind="home" if name in HOME_VOTING else "count")
        for name in COUNTS
        if name != "against_all" or law.against_all_on_ballot
    ]
    fields += [FormField(f"votes.{c}", labels.get(c, c), kind="votes") for c in candidates]
    contest = contest_code(info.code, row.okrug)
    withdrawn = withdrawn_on_ballot(session, [contest]).get(contest, [])
    withdrawn_labels = _labels(session, info.code, withdrawn, ctx.lang)
    notes: list[str] = []
    how = law.withdrawn_votes if withdrawn else None
    for code in withdrawn:
        label = withdrawn_labels.get(code, code)
        if how is WithdrawnVotes.SEPARATE:
            fields.append(
                FormField(
                    f"votes.{code}", ctx.t("web.ws.form.withdrawn_line", name=label), kind="votes"
                )
            )
        else:
            notes.append(ctx.t("web.ws.form.withdrawn_invalid", name=label))
    blocked = None
    entry_no = 1
    if setup.double_entry:
        if any(p.status in ("discrepancy", "held") for p in pending):
            blocked = ctx.t("web.ws.form.blocked")
        elif any(p.status == "awaiting_second" for p in pending):
            entry_no = 2
    reason = None
    second = setup.double_entry and any(p.status == "awaiting_second" for p in pending)
    if current and not second:
        # a correction gives its reason, also when it replaces a held correction
        reason = FormField("correction_reason", ctx.t("web.ws.form.reason"), kind="reason")
    if current and not pending:
        if not setup.double_entry:
            last = versions[-1]
            values = election_data.votes_of(session, [last.id])[last.id]
            for f in fields:
                if f.kind == "votes":
                    code = f.name.split(".", 1)[1]
                    f.value = str(values[code]) if code in values else ""
                else:
                    value = getattr(last, f.name)
                    f.value = "" if value is None else str(value)
    roll = session.get(StationRollRow, (info.code, station))
    form = EntryForm(
        election=info,
        station=station,
        station_name={"kk": row.name_kk, "ru": row.name_ru, "en": row.name_en}[ctx.lang],
        okrug=row.okrug,
        fields=fields,
        reason=reason,
        entry_no=entry_no,
        double_entry=bool(setup.double_entry),
        version=current + 1,
        blocked=blocked,
        pending=pending,
        accepted_version=current,
        notes=notes,
    )
    form.rules_json = _rules_json(
        ctx, law, labels, roll.registered_voters if roll else None, fields
    )
    if not setup.double_entry:
        form.held = [p for p in pending if p.status == "held"]
    sent_back = protocols.returned(session, info.code, station)
    if sent_back is not None and not pending:
        form.returned = ctx.t(
            "people.ws.returned",
            entry=sent_back.id,
            by=sent_back.decided_by or "",
            time=almaty_text(sent_back.decided_at, ctx.lang) if sent_back.decided_at else "",
            reason=sent_back.decision_note or "",
        )
    if how is WithdrawnVotes.SEPARATE:
        form.rules_json["withdrawn"] = {c: withdrawn_labels.get(c, c) for c in withdrawn}
        form.rules_json["withdrawn_how"] = ctx.t(f"law.withdrawn_votes.{how.value}")
    return form


def t_label(name: str, lang: str) -> str:
    """A protocol field's label (the law catalogue's names)."""
    from saylau.i18n import t

    return t(f"law.field.{name}", lang)


def _rules_json(
    ctx: PageContext,
    law: LawVersion,
    labels: Mapping[str, str],
    registered: int | None,
    fields: list[FormField],
) -> dict[str, object]:
    """What ``static/protocol.js`` needs to run the same checks as the operator types."""
    rules: dict[str, object] = {}
    for item in rules_for(law):
        if not item.code.startswith("P."):
            continue
        rules[item.code] = {
            "severity": item.severity.value,
            "text": item.message(ctx.lang, "operator"),
            "params": dict(item.params),
            "title": item.title(ctx.lang),
        }
    return {
        "lang": ctx.lang,
        "law": law.code,
        "against_all": bool(law.against_all_on_ballot),
        "registered": registered,
        "labels": {f.name: f.label for f in fields},
        "ids": {f.name: f.id for f in fields},
        "candidates": dict(labels),
        "rules": rules,
        "integer": ctx.t("web.ws.form.integer"),
    }


def _attach(
    form: EntryForm, findings: list[Mapping[str, object]], labels: Mapping[str, str]
) -> None:
    """Put each finding's message next to the first form field it names; mark the others."""
    fields = form.by_name()
    votes = [f for f in form.fields if f.kind == "votes"]
    for index, finding in enumerate(findings, 1):
        code = str(finding.get("code", ""))
        message = Message(
            id=f"msg-{re.sub(r'[^A-Za-z0-9]', '-', code)}-{index}",
            code=code,
            text=with_names(str(finding.get("message", "")), dict(labels)),
            severity=str(finding.get("severity", "error")),
        )
        named: list[FormField] = []
        for name in finding.get("fields", []) or []:  # type: ignore[union-attr]
            if name == "votes":
                named += votes
            elif str(name) in fields:
                named.append(fields[str(name)])
        form.problems.append(message)
        if not named:
            continue
        message.target = named[0].id
        named[0].messages.append(message)
        for f in named:
            if message.id not in f.described_by:
                f.described_by.append(message.id)


_DIGITS = re.compile(r"^[0-9]{1,9}$")


def _read_form(
    form: EntryForm, data: Mapping[str, str], ctx: PageContext
) -> dict[str, object] | None:
    """Keep the typed values; the protocol payload, or None with messages on malformed input."""
    payload: dict[str, object] = {
        "election": form.election.code,
        "station": form.station,
        "votes": {},
    }
    malformed: list[Mapping[str, object]] = []
    for f in form.fields:
        raw = data.get(f.name, "").strip().replace("\u00a0", "").replace(" ", "")
        f.value = data.get(f.name, "").strip()
        if raw == "":
            if f.kind == "votes" or f.name in protocols.OPTIONAL_COUNTS:
                continue  # the law reports a missing count (P.106, P.108, P.114)
            malformed.append(
                {"code": "", "fields": [f.name], "message": ctx.t("web.ws.form.required")}
            )
        elif not _DIGITS.match(raw):
            malformed.append(
                {"code": "", "fields": [f.name], "message": ctx.t("web.ws.form.integer")}
            )
        elif f.kind == "votes":
            payload["votes"][f.name.split(".", 1)[1]] = int(raw)  # type: ignore[index]
        else:
            payload[f.name] = int(raw)
    if form.reason is not None:
        form.reason.value = data.get("correction_reason", "")[:2000]
        payload["correction_reason"] = form.reason.value.strip() or None
    if malformed:
        _attach(form, malformed, {})
        return None
    return payload


def _station_page(
    desk: Desk,
    form: EntryForm,
    *,
    status: int = 200,
    done: ProtocolEntryRow | None = None,
    done_findings: list[Finding] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Response:
    ctx = desk.ctx
    return _render(
        desk,
        ctx,
        "ws_station.html",
        {
            "title": form.station_name,
            "form": form,
            "done": done,
            "done_findings": [
                (
                    f.code,
                    with_names(f.message(ctx.lang), dict(labels or {})),
                    f.severity.value,
                )
                for f in done_findings or []
            ],
            "can_review": desk.may(Permission.REVIEW_PROTOCOL),
            "note": _note(ctx),
        },
        status=status,
    )


def entry_findings(session: Session, entry: ProtocolEntryRow) -> list[Finding]:
    """The findings of an entry's values, as the law gives them (for display)."""
    values = json.loads(entry.values)
    protocol = Protocol(
        station=entry.station,
        election=entry.election,
        version=entry.version,
        # entries made before home voting was split out have no such keys
        **{k: values.get(k) for k in COUNTS},
        votes=values["votes"],
    )
    station = session.get(StationRow, entry.station)
    assert station is not None
    roll = session.get(StationRollRow, (entry.election, entry.station))
    contest = contest_code(entry.election, station.okrug)
    return check_protocol(
        protocol,
        candidates=registered_candidates(session, contest),
        law=law_for(session, entry.election),
        registered_voters=roll.registered_voters if roll else None,
        withdrawn=withdrawn_on_ballot(session, [contest]).get(contest, []),
    )


@router.get("/{election}/station/{station}")
def station_form(
    desk: DeskDep, election: str, station: str, entry: Annotated[int | None, Query()] = None
) -> Response:
    """The protocol form of one station (first or second entry; a correction asks a reason)."""
    ctx = desk.ctx
    with ctx.service.session() as session:
        info = election_data.election(session, election)
        if info is None or not info.run:
            return _no_election(desk, election)
        try:
            form = _entry_form(session, desk, info, station)
        except AdminError as exc:
            return _refused(desk, exc.message(ctx.lang))
        done = session.get(ProtocolEntryRow, entry) if entry else None
        if done is not None and (done.station != station or done.election != election):
            done = None
        findings = entry_findings(session, done) if done is not None else []
        labels = _labels(
            session,
            election,
            [f.name.split(".", 1)[1] for f in form.fields if f.kind == "votes"],
            ctx.lang,
        )
    return _station_page(desk, form, done=done, done_findings=findings, labels=labels)


@router.post("/{election}/station/{station}")
async def station_submit(request: Request, desk: DeskDep, election: str, station: str) -> Response:
    """Submit the protocol through ``protocols.submit``; on refusal show the form again with
    every message next to its field and the typed values kept."""
    data = await _form(request)

    def work() -> Response:
        ctx = desk.ctx
        if not _csrf_ok(desk, request, data):
            return _csrf_refused(desk)
        with ctx.service.session() as session:
            info = election_data.election(session, election)
            if info is None or not info.run:
                return _no_election(desk, election)
            try:
                form = _entry_form(session, desk, info, station)
            except AdminError as exc:
                return _refused(desk, exc.message(ctx.lang))
            labels = _labels(
                session,
                election,
                [f.name.split(".", 1)[1] for f in form.fields if f.kind == "votes"],
                ctx.lang,
            )
        payload = _read_form(form, data, ctx)
        if payload is None:
            return _station_page(desk, form, status=422)
        held = sorted(str(e.id) for e in form.held)
        if held and sorted(x for x in data.get("replace", "").split(",") if x) != held:
            # a new entry would silently replace the held one: ask first, values kept
            form.confirm_replace = True
            return _station_page(desk, form, status=409)
        try:
            with ctx.service.transaction() as session:
                result = protocols.submit(
                    session, desk.actor, protocols.parse(payload), lang=ctx.lang
                )
        except AdminError as exc:
            if exc.details:
                _attach(form, exc.details, labels)
            elif exc.field in form.by_name():
                _attach(
                    form,
                    [{"code": exc.code, "fields": [exc.field], "message": exc.message(ctx.lang)}],
                    labels,
                )
            else:
                form.general.append(f"{exc.code}: {exc.message(ctx.lang)}")
            return _station_page(desk, form, status=422)
        return _redirect(
            f"/workspace/{quote(election)}/station/{quote(station)}?entry={result.entry_id}"
        )

    return await run_in_threadpool(work)


# --- supervisor: review an entry -------------------------------------------------------------


def _entry_values(entry: ProtocolEntryRow) -> dict[str, object]:
    values = json.loads(entry.values)
    flat: dict[str, object] = {k: values.get(k) for k in COUNTS}
    for code, votes in sorted(values.get("votes", {}).items()):
        flat[f"votes.{code}"] = votes
    return flat


@router.get("/{election}/entry/{entry_id}")
def entry_review(desk: DeskDep, election: str, entry_id: int) -> Response:
    """A held entry (warnings to acknowledge) or a double-entry discrepancy (field by field)."""
    return _entry_page(desk, election, entry_id)


def _entry_page(
    desk: Desk,
    election: str,
    entry_id: int,
    *,
    errors: Mapping[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The review page of an entry; after a refused decision, with the message next to the
    field it concerns and what was typed kept."""
    ctx = desk.ctx
    with ctx.service.session() as session:
        entry = session.get(ProtocolEntryRow, entry_id)
        if entry is None or entry.election != election:
            return _refused(desk, ctx.t("web.ws.no_entry", entry=entry_id), 404)
        try:
            require(session, desk.actor, Permission.READ_AUDIT, entry.station)
        except AdminError as exc:
            return _refused(desk, exc.message(ctx.lang))
        others = [
            e
            for e in election_data.pending_entries(session, election)
            if e.station == entry.station and e.version == entry.version and e.id != entry.id
        ]
        group = sorted([entry, *others], key=lambda e: e.entry_no)
        codes = sorted(
            {k.split(".", 1)[1] for e in group for k in _entry_values(e) if k.startswith("votes.")}
        )
        labels = _labels(session, election, codes, ctx.lang)
        names = [*COUNTS, *[f"votes.{c}" for c in codes]]
        rows = []
        for name in names:
            values = [_entry_values(e).get(name) for e in group]
            label = (
                labels.get(name.split(".", 1)[1], name)
                if name.startswith("votes.")
                else t_label(name, ctx.lang)
            )
            rows.append((name, label, values, len({json.dumps(v) for v in values}) > 1))
        findings = [
            (
                f.code,
                with_names(f.message(ctx.lang, "supervisor"), labels),
                f.severity.value,
                f.reference(ctx.lang),
            )
            for f in entry_findings(session, entry)
        ]
        info = election_data.election(session, election)
        station = session.get(StationRow, entry.station)
        station_name = (
            {"kk": station.name_kk, "ru": station.name_ru, "en": station.name_en}[ctx.lang]
            if station
            else entry.station
        )
    return _render(
        desk,
        ctx,
        "ws_entry.html",
        {
            "title": ctx.t("web.ws.entry.title", entry=entry.id, station=station_name),
            "info": info,
            "election": election,
            "entry": entry,
            "group": group,
            "rows": rows,
            "findings": findings,
            "can_review": desk.may(Permission.REVIEW_PROTOCOL),
            "entered_at": lambda e: almaty_text(e.entered_at, ctx.lang),
            "errors": dict(errors or {}),
            "values": dict(typed or {}),
            "returnable": protocols.RETURNABLE,
        },
        status=status,
    )


async def _review_action(
    request: Request,
    desk: DeskDep,
    election: str,
    entry_id: int,
    act: Callable[[Session, Mapping[str, str]], object],
    note_key: str,
) -> Response:
    data = await _form(request)

    def work() -> Response:
        ctx = desk.ctx
        if not _csrf_ok(desk, request, data):
            return _csrf_refused(desk)
        with ctx.service.session() as session:
            entry = session.get(ProtocolEntryRow, entry_id)
            if entry is None or entry.election != election:
                return _refused(desk, ctx.t("web.ws.no_entry", entry=entry_id), 404)
            station = entry.station
        try:
            with ctx.service.transaction() as session:
                act(session, data)
        except AdminError as exc:
            if _status(exc) == 403:
                return _refused(desk, f"{exc.code}: {exc.message(ctx.lang)}", 403)
            # refused on the same page: the message beside its field, the note kept
            where = exc.field if exc.field in ("note", "reason", "chosen") else "general"
            return _entry_page(
                desk,
                election,
                entry_id,
                errors={where: f"{exc.code}: {exc.message(ctx.lang)}", "form": note_key},
                typed=data,
                status=422,
            )
        return _redirect(f"/workspace/{quote(election)}/station/{quote(station)}?done={note_key}")

    return await run_in_threadpool(work)


@router.post("/{election}/entry/{entry_id}/acknowledge")
async def entry_acknowledge(
    request: Request, desk: DeskDep, election: str, entry_id: int
) -> Response:
    """A supervisor acknowledges the warnings of a held entry (``protocols.acknowledge``)."""
    return await _review_action(
        request,
        desk,
        election,
        entry_id,
        lambda session, data: protocols.acknowledge(
            session, desk.actor, entry_id, data.get("note", "")[:2000]
        ),
        "acknowledged",
    )


@router.post("/{election}/entry/{entry_id}/return")
async def entry_return(request: Request, desk: DeskDep, election: str, entry_id: int) -> Response:
    """A supervisor sends an entry back to the operator with a reason (``protocols.send_back``)."""
    return await _review_action(
        request,
        desk,
        election,
        entry_id,
        lambda session, data: protocols.send_back(
            session, desk.actor, entry_id, data.get("reason", "")[:2000]
        ),
        "returned",
    )


@router.post("/{election}/entry/{entry_id}/resolve")
async def entry_resolve(request: Request, desk: DeskDep, election: str, entry_id: int) -> Response:
    """A supervisor chooses the correct entry of a discrepancy (``protocols.resolve``)."""

    def act(session: Session, data: Mapping[str, str]) -> object:
        chosen = data.get("chosen", "")
        if not chosen.isdigit():
            raise AdminError("V.008", "entry", value=chosen)
        return protocols.resolve(
            session, desk.actor, int(chosen), data.get("note", "")[:2000], lang=desk.ctx.lang
        )

    return await _review_action(request, desk, election, entry_id, act, "resolved")


# --- okrug: result, certification, lots, recall ----------------------------------------------


def _okrug_context(session: Session, desk: Desk, election: str, okrug: str) -> dict[str, object]:
    ctx = desk.ctx
    require(session, desk.actor, Permission.READ_AUDIT, okrug)
    result = results.okrug_result(session, election, okrug, provisional=True)
    labels = results.candidate_labels(
        session, election, [*result.candidates, *result.withdrawn], ctx.lang
    )
    cert = results.certification(session, election, okrug)
    current = None
    if cert is not None and result.totals.complete and result.outcome is not None:
        current = results.fingerprint(results.result_record(session, result)) == cert.sha256
    outcome = result.outcome
    info = election_data.election(session, election)
    geo = election_data.geography(session, election)
    unit = geo.get(Level.OKRUG, okrug)
    return {
        "title": unit.names.get(ctx.lang) if unit else okrug,
        "election": info,
        "okrug": okrug,
        "result": result,
        "labels": labels,
        "summary": with_names(summary(outcome, ctx.lang), labels) if outcome else "",
        "trace": [with_names(s.line(ctx.lang), labels) for s in outcome.trace] if outcome else [],
        "complete": result.totals.complete,
        "cert": cert,
        "cert_current": current,
        "cert_at": almaty_text(cert.certified_at, ctx.lang) if cert else "",
        "tied": list(outcome.tied) if isinstance(outcome, LotsRequired) else [],
        "steps": recall.steps(session, okrug),
        "step_choices": [s.value for s in recall.Step],
        "outcome_choices": [o.value for o in recall.Outcome],
        "by_elections": [e for e in election_data.elections(session) if e.code != election],
        "can_certify": desk.may(Permission.CERTIFY),
        "can_recall": desk.may(Permission.RECALL),
        "note": _note(ctx),
        "errors": {},
        "values": {},
    }


@router.get("/{election}/okrug/{okrug}")
def okrug_desk(desk: DeskDep, election: str, okrug: str) -> Response:
    """An okrug's result so far, certification (with its fingerprint), lots and recall."""
    ctx = desk.ctx
    with ctx.service.session() as session:
        try:
            values = _okrug_context(session, desk, election, okrug)
        except AdminError as exc:
            return _refused(desk, exc.message(ctx.lang), 403 if _status(exc) == 403 else 404)
    return _render(desk, ctx, "ws_okrug.html", values)


async def _okrug_action(
    request: Request,
    desk: Desk,
    election: str,
    okrug: str,
    act: Callable[[Session, Mapping[str, str]], object],
    note_key: str,
) -> Response:
    data = await _form(request)

    def work() -> Response:
        ctx = desk.ctx
        if not _csrf_ok(desk, request, data):
            return _csrf_refused(desk)
        try:
            with ctx.service.transaction() as session:
                act(session, data)
        except (AdminError, _FieldError) as exc:
            if isinstance(exc, AdminError) and _status(exc) == 403:
                return _refused(desk, f"{exc.code}: {exc.message(ctx.lang)}")
            with ctx.service.session() as session:
                try:
                    values = _okrug_context(session, desk, election, okrug)
                except AdminError as again:
                    return _refused(desk, again.message(ctx.lang))
            if isinstance(exc, _FieldError):
                values["errors"] = {exc.field: exc.text}
            else:
                where = exc.field if exc.field in OKRUG_FIELDS else "general"
                values["errors"] = {where: f"{exc.code}: {exc.message(ctx.lang)}"}
            values["values"] = dict(data)
            values["failed"] = note_key
            return _render(desk, ctx, "ws_okrug.html", values, status=422)
        return _redirect(f"/workspace/{quote(election)}/okrug/{quote(okrug)}?done={note_key}")

    return await run_in_threadpool(work)


class _FieldError(Exception):
    """A form value that cannot be read (a date, a time)."""

    def __init__(self, field: str, text: str) -> None:
        super().__init__(text)
        self.field = field
        self.text = text


@router.post("/{election}/okrug/{okrug}/certify")
async def okrug_certify(request: Request, desk: DeskDep, election: str, okrug: str) -> Response:
    """Certify the okrug's result (``results.certify``)."""
    return await _okrug_action(
        request,
        desk,
        election,
        okrug,
        lambda session, _data: results.certify(session, desk.actor, election, okrug),
        "certified",
    )


@router.post("/{election}/okrug/{okrug}/lots")
async def okrug_lots(request: Request, desk: DeskDep, election: str, okrug: str) -> Response:
    """Record the commission's draw of lots (``results.record_lot_draw``)."""
    ctx = desk.ctx

    def act(session: Session, data: Mapping[str, str]) -> object:
        try:
            moment = dt.datetime.fromisoformat(data.get("drawn_at", ""))
        except ValueError as exc:
            raise _FieldError("drawn_at", ctx.t("web.ws.form.datetime")) from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ALMATY)
        witnesses = [w.strip() for w in data.get("witnesses", "").splitlines() if w.strip()]
        return results.record_lot_draw(
            session,
            desk.actor,
            election=election,
            okrug=okrug,
            winner=data.get("winner", ""),
            drawn_by=data.get("drawn_by", "").strip(),
            drawn_at=moment,
            witnesses=witnesses,
        )

    return await _okrug_action(request, desk, election, okrug, act, "lots")


@router.post("/{election}/okrug/{okrug}/recall")
async def okrug_recall(request: Request, desk: DeskDep, election: str, okrug: str) -> Response:
    """Record a recall step (``recall.record_step``); the service enforces their order."""
    ctx = desk.ctx

    def act(session: Session, data: Mapping[str, str]) -> object:
        try:
            step = recall.Step(data.get("step", ""))
        except ValueError as exc:
            raise _FieldError("step", ctx.t("web.ws.form.choose")) from exc
        try:
            day = dt.date.fromisoformat(data.get("date", ""))
        except ValueError as exc:
            raise _FieldError("date", ctx.t("web.ws.form.date")) from exc
        body = data.get("body", "").strip()
        if not body:
            raise _FieldError("body", ctx.t("web.ws.form.required"))
        outcome = data.get("outcome") or None
        try:
            chosen = recall.Outcome(outcome) if outcome else None
        except ValueError as exc:
            raise _FieldError("outcome", ctx.t("web.ws.form.choose")) from exc
        return recall.record_step(
            session,
            desk.actor,
            okrug=okrug,
            step=step,
            date=day,
            body=body[:500],
            akim=data.get("akim") or None,
            document=(data.get("document") or "").strip()[:500] or None,
            outcome=chosen,
            by_election=data.get("by_election") or None,
        )

    return await _okrug_action(request, desk, election, okrug, act, "recall")


@router.get("/{election}/okrug/{okrug}/final-protocol")
def okrug_final_protocol(
    desk: DeskDep,
    election: str,
    okrug: str,
    doc: Annotated[str, Query(pattern="^(kk|ru|en)$")] = "kk",
) -> Response:
    """The final protocol of a certified okrug as a PDF to print and sign, in kk, ru or en
    (``reports.final_protocol``, as ``saylau certify --output F.pdf`` writes it)."""
    ctx = desk.ctx
    with ctx.service.session() as session:
        try:
            require(session, desk.actor, Permission.READ_AUDIT, okrug)
            document = final_protocol.document(session, election, okrug, doc)
        except final_protocol.ProtocolError as exc:
            status = 404 if exc.code == "T.050" else 409
            return _refused(desk, f"{exc.code}: {exc.message(ctx.lang)}", status)
        except AdminError as exc:
            return _refused(
                desk, exc.message(ctx.lang), _status(exc) if _status(exc) == 403 else 404
            )
    pdf = final_protocol.render_pdf(document)
    name = f"final-protocol-{election}-{okrug}-{doc}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        },
    )


# --- the audit trail of the territory ----------------------------------------------------------


def _audit_unit(
    row: AuditRow, election: str, candidates: Mapping[str, str]
) -> tuple[bool, str | None]:
    """Whether an audit entry concerns ``election`` and the unit it concerns."""
    match row.entity:
        case "protocol":
            parts = row.entity_id.split("/")
            return (len(parts) == 3 and parts[0] == election, parts[1] if len(parts) == 3 else None)
        case "contest":
            code, _, okrug = row.entity_id.partition(":")
            return code == election, okrug
        case "okrug":
            return True, row.entity_id
        case "candidate":
            okrug = candidates.get(row.entity_id)
            return okrug is not None, okrug
        case "election":
            return row.entity_id == election, None
        case _:
            return False, None


@router.get("/{election}/audit")
def audit_trail(
    desk: DeskDep, election: str, before: Annotated[int | None, Query(ge=1)] = None
) -> Response:
    """The audit entries of the election within the account's territory, newest first."""
    ctx = desk.ctx
    with ctx.service.session() as session:
        board = _board(session, desk, election)
        if board is None:
            return _no_election(desk, election)
        try:
            require(session, desk.actor, Permission.READ_AUDIT, desk.actor.territory or "KZ")
        except AdminError as exc:
            return _refused(desk, exc.message(ctx.lang))
        candidates = {
            code: row.contest.split(":", 1)[1]
            for code, row in election_data.candidates(session, election).items()
        }
        okrugs = set(board.geo.units[Level.OKRUG])
        found: list[AuditRow] = []
        cursor = before
        while len(found) < AUDIT_PAGE:
            query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(1000)
            if cursor is not None:
                query = query.where(AuditRow.seq < cursor)
            batch = list(session.scalars(query))
            if not batch:
                break
            for row in batch:
                ours, unit = _audit_unit(row, election, candidates)
                if row.entity == "okrug" and row.entity_id not in okrugs:
                    ours = False
                if ours and (unit is None or covers(session, desk.actor, unit)):
                    found.append(row)
                    if len(found) >= AUDIT_PAGE:
                        break
            cursor = batch[-1].seq
        entries = [
            {
                "seq": row.seq,
                "at": almaty_text(row.at, ctx.lang),
                "actor": row.actor,
                "action": row.action,
                "entity_id": row.entity_id,
                "payload": row.payload if len(row.payload) <= 400 else row.payload[:400] + "…",
                "hash": row.hash[:16],
            }
            for row in found
        ]
    return _render(
        desk,
        ctx,
        "ws_audit.html",
        {
            "title": ctx.t("web.ws.audit.title"),
            "info": board.info,
            "entries": entries,
            "more": found[-1].seq if len(found) >= AUDIT_PAGE else None,
        },
    )
