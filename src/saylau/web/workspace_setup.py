"""The territorial commission's workspace for setting up an election and its nominations.

Pages (behind the same sign-in, CSRF and origin checks as the rest of ``/workspace``):

* ``/workspace/new`` — call an election with its ground (``setup.create_election``);
* ``/workspace/{election}/setup`` — the calendar with the days left for each step, each
  date with its rule and source, and the upload of the okrugs, stations and commissions
  files (``setup.load_setup``; every problem listed with its file, line and column, nothing
  written on error);
* ``/workspace/{election}/nominations`` — every okrug's candidates and decisions (a refusal
  names each unmet rule and its source), nominations from a file or one by one
  (``nominations.nominate``), the extension of nomination where too few stand
  (``steps.extend_nomination``) and withdrawals (``steps.withdraw``).

Every change goes through the same service functions as the command line, with the
signed-in account as the actor: the role and the territory are checked there, and the
audit entry is written in the same transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from saylau.administration import nominations, setup, steps
from saylau.administration.access import Permission, require
from saylau.administration.errors import AdminError
from saylau.administration.lawctx import election_row
from saylau.datasets import reader
from saylau.datasets.format import CANDIDATES
from saylau.domain import ElectionType, Names
from saylau.i18n import fmt_date, t
from saylau.law.calendar import ALMATY, CalendarEvent, Ground, GroundKind
from saylau.law.catalogue import Confidence, Family, Finding, law_versions
from saylau.store import datasets as store_datasets
from saylau.store.schema import CandidateRow, ContestRow, NominationDecisionRow, PartyNameRow
from saylau.web import election_data
from saylau.web.elections import with_names
from saylau.web.live import almaty_text
from saylau.web.workspace import (
    Desk,
    DeskDep,
    _csrf_ok,
    _csrf_refused,
    _note,
    _redirect,
    _refused,
    _render,
    _status,
)

router = APIRouter(prefix="/workspace", include_in_schema=False)
TZ = ZoneInfo(ALMATY)
MAX_UPLOAD = 5 * 1024 * 1024  # bytes per file
SETUP_FILES = ("districts", "okrugs", "stations", "commissions")
AKIM_TYPES = (ElectionType.RURAL_AKIM, ElectionType.DISTRICT_AKIM)
GROUNDS = tuple(kind.value for kind in GroundKind)
CANDIDATE_FLAGS = (
    "citizen",
    "criminal_record",
    "legally_incapable",
    "corruption_offence",
    "qualified",
    "party_member",
    "deposit_paid",
    "declarations_filed",
    "incumbent",
    "former_akim",
)


# --- reading forms --------------------------------------------------------------------------


async def _multipart(request: Request) -> tuple[dict[str, str], list[UploadFile]]:
    form = await request.form()
    values = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    files = [v for _, v in form.multi_items() if isinstance(v, UploadFile) and v.filename]
    return values, files


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _moment(value: str) -> dt.datetime | None:
    """A ``datetime-local`` value (local time in Almaty) or an ISO 8601 moment."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=TZ)


def _today() -> dt.date:
    return dt.datetime.now(TZ).date()


@dataclass
class Errors:
    """Messages of a refused form, by the field they belong to (``general`` otherwise)."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, text: str) -> None:
        self.by_field.setdefault(name, []).append(text)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def get(self, name: str) -> list[str]:
        return self.by_field.get(name, [])

    def general(self, known: Sequence[str]) -> list[str]:
        """Messages of fields the form does not show."""
        return [
            text for name, texts in self.by_field.items() if name not in known for text in texts
        ]


def _problem_text(problem: reader.Problem, lang: str) -> str:
    """A problem of an uploaded file, named by the file's own name (not the temporary path)."""
    from dataclasses import replace

    return replace(problem, file=Path(problem.file).name).render(lang)


def _finding_text(finding: Finding, lang: str) -> str:
    source = finding.rule.source
    return (
        f"{finding.code}: {finding.message(lang)} — {finding.reference(lang)}; "
        f"{_source_word(lang)}: {source}"
    )


def _source_word(lang: str) -> str:
    return t("admin.source", lang)


def _refusal(errors: Errors, exc: AdminError, lang: str, fields: Mapping[str, str]) -> None:
    """Put a service refusal next to the field it concerns: each finding by its rule."""
    findings = [d.get("finding") for d in exc.details if isinstance(d.get("finding"), Finding)]
    if findings:
        for finding in findings:
            assert isinstance(finding, Finding)
            errors.add(
                fields.get(finding.code, exc.field or "general"), _finding_text(finding, lang)
            )
        return
    errors.add(fields.get(exc.code, exc.field or "general"), f"{exc.code}: {exc.message(lang)}")


# --- call an election -----------------------------------------------------------------------

CALL_FIELDS = (
    "code",
    "type",
    "date",
    "ground",
    "ground_date",
    "called_on",
    "law_version",
    "territory",
    "name_kk",
    "name_ru",
    "name_en",
)
# where each rule's refusal is shown on the form
CALL_RULE_FIELDS = {
    "K.001": "called_on",
    "K.009": "ground_date",
    "K.012": "law_version",
    "S.001": "code",
    "S.002": "law_version",
    "S.003": "territory",
}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def _akim_versions() -> list[tuple[str, str]]:
    return [(v.code, v.election_type.value) for v in law_versions() if v.family is Family.AKIM]


def _call_page(
    desk: Desk, values: Mapping[str, str], errors: Errors, status: int = 200
) -> Response:
    ctx = desk.ctx
    defaults = {
        "type": ElectionType.RURAL_AKIM.value,
        "ground": GroundKind.TERM_END.value,
        "called_on": _today().isoformat(),
        "territory": desk.actor.territory or "",
    }
    return _render(
        desk,
        ctx,
        "ws_new.html",
        {
            "title": ctx.t("web.ws.new.title"),
            "values": {**defaults, **dict(values)},
            "errors": errors,
            "general": errors.general(CALL_FIELDS),
            "types": [t.value for t in AKIM_TYPES],
            "grounds": GROUNDS,
            "versions": _akim_versions(),
            "fields": CALL_FIELDS,
        },
        status=status,
    )


@router.get("/new")
def new_election_form(desk: DeskDep) -> Response:
    """The form to call an election."""
    if not desk.may(Permission.SETUP):
        return _refused(desk, desk.ctx.t("web.ws.setup.no_role"))
    return _call_page(desk, {}, Errors())


def _read_call(values: Mapping[str, str], desk: Desk) -> tuple[dict[str, object], Errors]:
    ctx = desk.ctx
    errors = Errors()
    out: dict[str, object] = {}
    code = values.get("code", "").strip()
    if not CODE_RE.match(code):
        errors.add("code", ctx.t("web.ws.setup.code"))
    out["code"] = code
    try:
        kind = ElectionType(values.get("type", ""))
        if kind not in AKIM_TYPES:
            raise ValueError(kind)
        out["type"] = kind
    except ValueError:
        errors.add("type", ctx.t("web.ws.form.choose"))
    for name in ("date", "called_on"):
        day = _date(values.get(name, ""))
        if day is None:
            errors.add(name, ctx.t("web.ws.form.date"))
        out[name] = day
    ground = values.get("ground", "")
    if ground not in GROUNDS:
        errors.add("ground", ctx.t("web.ws.form.choose"))
    else:
        kind_of = GroundKind(ground)
        raw = values.get("ground_date", "").strip()
        if kind_of in (GroundKind.TERM_END, GroundKind.EARLY_TERMINATION):
            day = _date(raw)
            if day is None:
                errors.add("ground_date", ctx.t("web.ws.setup.ground_date"))
            else:
                out["ground"] = Ground(kind_of, day)
        elif raw:
            errors.add("ground_date", ctx.t("web.ws.setup.no_ground_date"))
        else:
            out["ground"] = Ground(kind_of)
    for lang in ("kk", "ru", "en"):
        name = values.get(f"name_{lang}", "").strip()[:300]
        if not name:
            errors.add(f"name_{lang}", ctx.t("web.ws.form.required"))
        out[f"name_{lang}"] = name
    territory = values.get("territory", "").strip() or (desk.actor.territory or "")
    if not territory:
        errors.add("territory", ctx.t("web.ws.form.required"))
    out["territory"] = territory
    law = values.get("law_version", "").strip()
    if not law and isinstance(out.get("type"), ElectionType) and out.get("called_on"):
        law = setup.law_version_for(out["type"], out["called_on"]) or ""  # type: ignore[arg-type]
        if not law:
            errors.add("law_version", ctx.t("web.ws.setup.no_law"))
    out["law_version"] = law
    return out, errors


@router.post("/new")
async def new_election(request: Request, desk: DeskDep) -> Response:
    """Call an election (``setup.create_election``); refusals next to their fields."""
    values = await _form_values(request)

    def work() -> Response:
        ctx = desk.ctx
        if not _csrf_ok(desk, request, values):
            return _csrf_refused(desk)
        data, errors = _read_call(values, desk)
        if errors:
            return _call_page(desk, values, errors, 422)
        known = frozenset(name for v in law_versions() for name in (v.code, *v.aliases))
        try:
            with ctx.service.transaction() as session:
                setup.create_election(
                    session,
                    desk.actor,
                    code=str(data["code"]),
                    type=data["type"],  # type: ignore[arg-type]
                    date=data["date"],  # type: ignore[arg-type]
                    law_version=str(data["law_version"]),
                    names=Names(
                        kk=str(data["name_kk"]), ru=str(data["name_ru"]), en=str(data["name_en"])
                    ),
                    territory=str(data["territory"]),
                    double_entry=values.get("double_entry") == "on",
                    synthetic=values.get("synthetic") == "on",
                    known_law_versions=known,
                    ground=data["ground"],  # type: ignore[arg-type]
                    called_on=data["called_on"],  # type: ignore[arg-type]
                )
        except AdminError as exc:
            if _status(exc) == 403:
                return _refused(desk, f"{exc.code}: {exc.message(ctx.lang)}")
            _refusal(errors, exc, ctx.lang, CALL_RULE_FIELDS)
            return _call_page(desk, values, errors, 422)
        return _redirect(f"/workspace/{quote(str(data['code']))}/setup?done=created")

    return await run_in_threadpool(work)


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


# --- the calendar and the setup file ---------------------------------------------------------


@dataclass
class CalendarLine:
    """One event of the calendar as the setup page shows it."""

    title: str
    start: str
    deadline: str
    left: str
    state: Literal["past", "today", "soon", "later", "none"]
    basis: str
    rule: str
    reference: str
    source: str
    confirmed: bool


def _moment_text(value: object, lang: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        return almaty_text(value, lang)
    assert isinstance(value, dt.date)
    return fmt_date(value, lang)


def days_left(deadline: object, now: dt.datetime, lang: str) -> tuple[str, str]:
    """The days left until ``deadline`` in ``lang`` and a state (past, today, soon, later)."""
    if deadline is None:
        return "–", "none"
    if isinstance(deadline, dt.datetime):
        if deadline <= now:
            return t("web.ws.setup.passed", lang), "past"
        day = deadline.astimezone(TZ).date()
    else:
        assert isinstance(deadline, dt.date)
        day = deadline
    today = now.astimezone(TZ).date()
    left = (day - today).days
    if left < 0:
        return t("web.ws.setup.passed", lang), "past"
    if left == 0:
        return t("web.ws.setup.today", lang), "today"
    return t("web.ws.setup.days_left", lang, days=left), "soon" if left <= 7 else "later"


def calendar_lines(
    events: Sequence[CalendarEvent], lang: str, now: dt.datetime
) -> list[CalendarLine]:
    """The calendar with the days left for each step."""
    out = []
    for item in events:
        left, state = days_left(item.deadline, now, lang)
        out.append(
            CalendarLine(
                title=item.title(lang),
                start=_moment_text(item.start, lang),
                deadline=_moment_text(item.deadline, lang),
                left=left,
                state=state,  # type: ignore[arg-type]
                basis=item.basis(lang),
                rule=item.rule,
                reference=item.reference(lang),
                source=item.source_text(),
                confirmed=item.confidence is Confidence.CONFIRMED,
            )
        )
    return out


def _setup_values(session: Session, desk: Desk, election: str) -> dict[str, object]:
    ctx = desk.ctx
    row = election_row(session, election)
    stp = setup.setup_of(session, election)
    require(session, desk.actor, Permission.READ_AUDIT, stp.territory)
    events, law = steps.base_calendar(session, election)
    findings = setup.call_findings(
        ElectionType(row.type),
        row.date,
        row.law_version,
        ground=setup.ground_of(stp),
        called_on=stp.called_on,
    )
    info = election_data.election(session, election)
    return {
        "title": ctx.t(
            "web.ws.setup.title", election=info.names.get(ctx.lang) if info else election
        ),
        "info": info,
        "election": election,
        "law": law.code,
        "ground": setup.ground_of(stp),
        "called_on": stp.called_on,
        "call_check": [_finding_text(f, ctx.lang) for f in findings],
        "lines": calendar_lines(events, ctx.lang, dt.datetime.now(dt.UTC)),
        "contests": len(setup.contests(session, election)),
        "can_setup": desk.may(Permission.SETUP),
        "can_nominate": desk.may(Permission.NOMINATE),
        "note": _note(ctx),
        "problems": [],
    }


@router.get("/{election}/setup")
def setup_page(desk: DeskDep, election: str) -> Response:
    """The election's calendar (days left, rule and source of each date) and its setup file."""
    ctx = desk.ctx
    with ctx.service.session() as session:
        try:
            values = _setup_values(session, desk, election)
        except AdminError as exc:
            return _refused(
                desk, exc.message(ctx.lang), _status(exc) if exc.code != "S.004" else 404
            )
    return _render(desk, ctx, "ws_setup.html", values)


def _saved(files: list[UploadFile], folder: Path, allowed: Sequence[str] | None) -> list[str]:
    """Write uploads to ``folder`` under their own names (checked); problems as texts."""
    problems: list[str] = []
    for upload in files:
        name = Path(upload.filename or "").name
        stem, _, suffix = name.rpartition(".")
        if suffix.lower() not in ("csv", "json") or not stem or (allowed and stem not in allowed):
            problems.append(name)
            continue
        data = upload.file.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            problems.append(name)
            continue
        (folder / name).write_bytes(data)
    return problems


@router.post("/{election}/setup/load")
async def setup_load(request: Request, desk: DeskDep, election: str) -> Response:
    """Load the okrugs, stations and commissions files (``setup.load_setup``)."""
    values, files = await _multipart(request)

    def work() -> Response:
        ctx = desk.ctx
        if not _csrf_ok(desk, request, values):
            return _csrf_refused(desk)
        problems: list[str] = []
        with tempfile.TemporaryDirectory() as folder:
            bad = _saved(files, Path(folder), SETUP_FILES)
            problems += [ctx.t("web.ws.setup.bad_file", name=n) for n in bad]
            if not files:
                problems.append(ctx.t("web.ws.setup.no_files"))
            if not problems:
                try:
                    with ctx.service.session() as session:
                        known = store_datasets.known_keys(session)
                    content = reader.read(sorted(Path(folder).iterdir()), known=known)
                    with ctx.service.transaction() as session:
                        setup.load_setup(session, desk.actor, election, content)
                except reader.DatasetError as exc:
                    problems += [_problem_text(p, ctx.lang) for p in exc.problems]
                except AdminError as exc:
                    if _status(exc) == 403:
                        return _refused(desk, f"{exc.code}: {exc.message(ctx.lang)}")
                    problems.append(f"{exc.code}: {exc.message(ctx.lang)}")
        if not problems:
            return _redirect(f"/workspace/{quote(election)}/setup?done=loaded")
        with ctx.service.session() as session:
            try:
                page = _setup_values(session, desk, election)
            except AdminError as exc:
                return _refused(desk, exc.message(ctx.lang))
        page["problems"] = problems
        return _render(desk, ctx, "ws_setup.html", page, status=422)

    return await run_in_threadpool(work)


# --- nominations ----------------------------------------------------------------------------


@dataclass
class CandidateLine:
    """A nominee with the decision in force."""

    code: str
    name: str
    kind: str
    party: str | None
    decision: str
    reasons: list[str]
    withdrawn: str | None


@dataclass
class OkrugLine:
    """An okrug with its candidates and where it stands."""

    code: str
    name: str
    standing: steps.OkrugStanding
    state_text: str
    candidates: list[CandidateLine]


NOMINATION_FIELDS = tuple(c.name for c in CANDIDATES.columns)
ONE_FIELDS = (*NOMINATION_FIELDS, "general")
STEP_RULE_FIELDS = {"K.010": "days", "K.011": "applied_at"}


def _nominations_values(session: Session, desk: Desk, election: str) -> dict[str, object]:
    ctx = desk.ctx
    row = election_row(session, election)
    stp = setup.setup_of(session, election)
    require(session, desk.actor, Permission.READ_AUDIT, stp.territory)
    geo = election_data.geography(session, election)
    from saylau.tabulate.aggregate import Level

    okrug_names = {code: u.names.get(ctx.lang) for code, u in geo.units[Level.OKRUG].items()}
    contests = {
        c.code: c
        for c in session.scalars(select(ContestRow).where(ContestRow.election == election))
    }
    candidates = list(
        session.scalars(
            select(CandidateRow)
            .where(CandidateRow.contest.in_(list(contests)))
            .order_by(CandidateRow.contest, CandidateRow.code)
        )
    )
    decisions: dict[str, NominationDecisionRow] = {}
    for decision in session.scalars(
        select(NominationDecisionRow)
        .where(NominationDecisionRow.candidate.in_([c.code for c in candidates]))
        .order_by(NominationDecisionRow.id)
    ):
        decisions[decision.candidate] = decision
    withdrawn = {
        r.candidate: r
        for rows in steps.withdrawals(session, list(contests)).values()
        for r in rows
        if r.candidate
    }
    parties = _parties(session, row.date, ctx.lang)
    by_okrug: dict[str, list[CandidateLine]] = {}
    for candidate in candidates:
        decision = decisions.get(candidate.code)
        reasons = (
            [with_names(r, {candidate.code: candidate.name}) for r in _reasons(decision, ctx.lang)]
            if decision is not None
            else []
        )
        gone = withdrawn.get(candidate.code)
        kind = (
            "higher_akim"
            if candidate.nominated_by == "higher_akim"
            else "party"
            if candidate.party
            else "self"
        )
        by_okrug.setdefault(contests[candidate.contest].okrug, []).append(
            CandidateLine(
                code=candidate.code,
                name=candidate.name,
                kind=kind,
                party=parties.get(candidate.party, candidate.party) if candidate.party else None,
                decision="withdrawn" if gone else (decision.decision if decision else "—"),
                reasons=reasons,
                withdrawn=(
                    ctx.t(
                        "web.ws.nom.withdrawn_at",
                        time=almaty_text(steps.aware(gone.taken_at), ctx.lang),
                        printed=ctx.t(
                            "web.ws.nom.printed"
                            if gone.ballots_printed
                            else "web.ws.nom.not_printed"
                        ),
                    )
                    if gone
                    else None
                ),
            )
        )
    lines = []
    for standing in steps.standings(session, election):
        state = ctx.t(
            f"admin.calendar.state.{standing.state.value}",
            min=standing.minimum,
            days=standing.max_days,
            extended=standing.extension.days if standing.extension else 0,
        )
        if standing.extension is not None:
            state += " · " + ctx.t(
                "web.ws.nom.until", time=almaty_text(standing.extension.until, ctx.lang)
            )
        lines.append(
            OkrugLine(
                code=standing.okrug,
                name=okrug_names.get(standing.okrug, standing.okrug),
                standing=standing,
                state_text=state,
                candidates=by_okrug.get(standing.okrug, []),
            )
        )
    info = election_data.election(session, election)
    return {
        "title": ctx.t("web.ws.nom.title", election=info.names.get(ctx.lang) if info else election),
        "info": info,
        "election": election,
        "okrugs": lines,
        "parties": sorted(parties.items(), key=lambda item: item[1]),
        "flags": CANDIDATE_FLAGS,
        "can_nominate": desk.may(Permission.NOMINATE),
        "note": _nominated_note(desk) or _note(ctx),
        "problems": [],
        "errors": Errors(),
        "blank": Errors(),
        "values": {},
        "failed": None,
        "fields": ONE_FIELDS,
    }


def _nominated_note(desk: Desk) -> str | None:
    query = desk.ctx.request.query_params
    if query.get("done") != "nominated":
        return None
    counts = {k: query.get(k, "0") for k in ("registered", "refused")}
    if not all(v.isdigit() and len(v) < 7 for v in counts.values()):
        return None
    return desk.ctx.t(
        "web.ws.done.nominated",
        registered=desk.ctx.int(int(counts["registered"])),
        refused=desk.ctx.int(int(counts["refused"])),
    )


def _parties(session: Session, day: dt.date, lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in session.scalars(select(PartyNameRow)):
        if (row.valid_from is None or row.valid_from <= day) and (
            row.valid_to is None or day <= row.valid_to
        ):
            out[row.party] = {"kk": row.short_kk, "ru": row.short_ru, "en": row.short_en}[lang]
    return out


def _reasons(decision: NominationDecisionRow, lang: str) -> list[str]:
    """Each unmet rule of a refusal, with its reference and source (re-rendered from the
    stored findings in ``lang``)."""
    import json

    from saylau.law.catalogue import rule

    out = []
    for item in json.loads(decision.findings):
        found = rule(item["code"])
        params = {k: v for k, v in item.get("params", {}).items()}
        text = found.message(lang, "operator", params)
        out.append(
            f"{found.code}: {text} — {found.reference(lang)}; {_source_word(lang)}: {found.source}"
        )
    return out


@router.get("/{election}/nominations")
def nominations_page(desk: DeskDep, election: str) -> Response:
    """Every okrug's candidates and decisions; nominations, extensions and withdrawals."""
    ctx = desk.ctx
    with ctx.service.session() as session:
        try:
            values = _nominations_values(session, desk, election)
        except AdminError as exc:
            return _refused(
                desk, exc.message(ctx.lang), _status(exc) if exc.code != "S.004" else 404
            )
    return _render(desk, ctx, "ws_nominations.html", values)


def _decided(election: str, decisions: list[nominations.Decision]) -> Response:
    refused = sum(1 for d in decisions if d.decision == nominations.REFUSED)
    return _redirect(
        f"/workspace/{quote(election)}/nominations?done=nominated&refused={refused}"
        f"&registered={len(decisions) - refused}"
    )


def _nominate(desk: Desk, election: str, path: Path) -> list[nominations.Decision]:
    ctx = desk.ctx
    with ctx.service.session() as session:
        known = store_datasets.known_keys(session)
    content = reader.read([path], known=known, resource_name="candidates")
    with ctx.service.transaction() as session:
        return nominations.nominate(session, desk.actor, election, content)


def _nominations_refused(
    desk: Desk,
    election: str,
    *,
    problems: list[str] | None = None,
    errors: Errors | None = None,
    values: Mapping[str, str] | None = None,
    failed: str | None = None,
) -> Response:
    ctx = desk.ctx
    with ctx.service.session() as session:
        try:
            page = _nominations_values(session, desk, election)
        except AdminError as exc:
            return _refused(desk, exc.message(ctx.lang))
    page["problems"] = problems or []
    page["errors"] = errors or Errors()
    page["values"] = dict(values or {})
    page["failed"] = failed
    return _render(desk, ctx, "ws_nominations.html", page, status=422)


@router.post("/{election}/nominations/upload")
async def nominations_upload(request: Request, desk: DeskDep, election: str) -> Response:
    """Nominations from a candidates file, each decided by the eligibility rules."""
    values, files = await _multipart(request)

    def work() -> Response:
        ctx = desk.ctx
        if not _csrf_ok(desk, request, values):
            return _csrf_refused(desk)
        if len(files) != 1:
            return _nominations_refused(desk, election, problems=[ctx.t("web.ws.nom.one_file")])
        with tempfile.TemporaryDirectory() as folder:
            bad = _saved(files, Path(folder), None)
            if bad:
                return _nominations_refused(
                    desk, election, problems=[ctx.t("web.ws.setup.bad_file", name=n) for n in bad]
                )
            try:
                decisions = _nominate(desk, election, next(Path(folder).iterdir()))
            except reader.DatasetError as exc:
                return _nominations_refused(
                    desk, election, problems=[_problem_text(p, ctx.lang) for p in exc.problems]
                )
            except AdminError as exc:
                if _status(exc) == 403:
                    return _refused(desk, f"{exc.code}: {exc.message(ctx.lang)}")
                return _nominations_refused(
                    desk, election, problems=[f"{exc.code}: {exc.message(ctx.lang)}"]
                )
        return _decided(election, decisions)

    return await run_in_threadpool(work)


def _one_csv(values: Mapping[str, str]) -> str:
    """One nomination from the form as a row of candidates.csv (the same reader checks it)."""
    row: dict[str, str] = {}
    for name in NOMINATION_FIELDS:
        if name in CANDIDATE_FLAGS:
            row[name] = "true" if values.get(name) == "on" else "false"
        else:
            row[name] = values.get(name, "").strip()[:500]
    if row.get("nominated_by") in ("self", "higher_akim"):
        row["party"] = ""
    if not row.get("party"):
        row["party_member"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(NOMINATION_FIELDS), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue()


@router.post("/{election}/nominations/one")
async def nominations_one(request: Request, desk: DeskDep, election: str) -> Response:
    """One nomination from the form, read and decided exactly as a file's row would be."""
    values = await _form_values(request)

    def work() -> Response:
        ctx = desk.ctx
        if not _csrf_ok(desk, request, values):
            return _csrf_refused(desk)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "candidates.csv"
            path.write_text(_one_csv(values), encoding="utf-8")
            try:
                decisions = _nominate(desk, election, path)
            except reader.DatasetError as exc:
                errors = Errors()
                for problem in exc.problems:
                    errors.add(problem.column or "general", _problem_text(problem, ctx.lang))
                return _nominations_refused(
                    desk, election, errors=errors, values=values, failed="one"
                )
            except AdminError as exc:
                if _status(exc) == 403:
                    return _refused(desk, f"{exc.code}: {exc.message(ctx.lang)}")
                errors = Errors()
                errors.add(exc.field or "general", f"{exc.code}: {exc.message(ctx.lang)}")
                return _nominations_refused(
                    desk, election, errors=errors, values=values, failed="one"
                )
        return _decided(election, decisions)

    return await run_in_threadpool(work)


def _step(
    desk: Desk,
    election: str,
    values: Mapping[str, str],
    errors: Errors,
    act: Callable[[Session], object] | None,
    *,
    failed: str,
    done: str,
) -> Response:
    """Record a step through the service (``act``), unless the form already has errors;
    a refusal is shown next to its field, a role or territory refusal as 403."""
    ctx = desk.ctx
    if not errors and act is not None:
        try:
            with ctx.service.transaction() as session:
                act(session)
        except AdminError as exc:
            if _status(exc) == 403:
                return _refused(desk, f"{exc.code}: {exc.message(ctx.lang)}")
            _refusal(errors, exc, ctx.lang, STEP_RULE_FIELDS)
    if errors:
        return _nominations_refused(desk, election, errors=errors, values=values, failed=failed)
    return _redirect(f"/workspace/{quote(election)}/nominations?done={done}")


def _document(values: Mapping[str, str]) -> str | None:
    return (values.get("document") or "").strip()[:500] or None


@router.post("/{election}/okrug/{okrug}/extend")
async def okrug_extend(request: Request, desk: DeskDep, election: str, okrug: str) -> Response:
    """Record an extension of nomination (``steps.extend_nomination``, K.010)."""
    values = await _form_values(request)

    def work() -> Response:
        ctx = desk.ctx
        if not _csrf_ok(desk, request, values):
            return _csrf_refused(desk)
        errors = Errors()
        raw = values.get("days", "").strip()
        moment = _moment(values.get("decided_at", ""))
        if not raw.isdigit():
            errors.add("days", ctx.t("web.ws.form.integer"))
        if moment is None:
            errors.add("decided_at", ctx.t("web.ws.form.datetime"))

        def act(session: Session) -> object:
            assert moment is not None
            return steps.extend_nomination(
                session,
                desk.actor,
                election=election,
                okrug=okrug,
                days=int(raw),
                decided_at=moment,
                document=_document(values),
                lang=ctx.lang,
            )

        return _step(desk, election, values, errors, act, failed=f"extend:{okrug}", done="extended")

    return await run_in_threadpool(work)


@router.post("/{election}/candidate/{candidate}/withdraw")
async def candidate_withdraw(
    request: Request, desk: DeskDep, election: str, candidate: str
) -> Response:
    """Record a withdrawal on written application (``steps.withdraw``, art. 113-6)."""
    values = await _form_values(request)

    def work() -> Response:
        ctx = desk.ctx
        if not _csrf_ok(desk, request, values):
            return _csrf_refused(desk)
        with ctx.service.session() as session:
            row = session.get(CandidateRow, candidate)
            if row is None or not row.contest.startswith(election + ":"):
                return _refused(desk, ctx.t("web.ws.nom.no_candidate", code=candidate), 404)
        errors = Errors()
        moment = _moment(values.get("applied_at", ""))
        printed = values.get("ballots_printed")
        if moment is None:
            errors.add("applied_at", ctx.t("web.ws.form.datetime"))
        if printed not in ("yes", "no"):
            errors.add("ballots_printed", ctx.t("web.ws.form.choose"))

        def act(session: Session) -> object:
            assert moment is not None
            return steps.withdraw(
                session,
                desk.actor,
                candidate=candidate,
                applied_at=moment,
                ballots_printed=printed == "yes",
                document=_document(values),
                lang=ctx.lang,
            )

        return _step(
            desk, election, values, errors, act, failed=f"withdraw:{candidate}", done="withdrawn"
        )

    return await run_in_threadpool(work)
