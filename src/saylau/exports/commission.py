"""Importing results as commissions publish them: station protocols and okrug results, in
CSV or Excel, whatever the headers.

**Station protocols** (``saylau import --format protocols FILE --election E``): one row per
station, a column per protocol line and one per candidate. Each row is submitted through
:func:`saylau.administration.protocols.submit`, so it passes the same control relations,
warnings, double entry and audit as a protocol entered by hand; one with warnings is held
for a supervisor.

**Okrug results** (``--format okrug-results``): one row per okrug, the same columns (the
ballot-paper lines and the stations reported may be missing), and optionally the winner.
They are stored as the published result of the okrug, with the file as their source,
checked by the control relations their columns allow, and compared with the station
protocols saylau holds for the okrug.

Columns are recognised by their field name (``voters_on_list``, ``votes.<candidate>``), by
their header in Kazakh, Russian or English (as saylau's own tables and final protocol write
them, and common variants), by a candidate's code or registered name, or by a mapping
(``--map FILE`` or ``--column HEADER=FIELD``; ``FIELD`` may be ``ignore``). The header row is
found among the first rows (title rows above it are skipped); rows whose station cell says
"total" (итого, барлығы ...) are skipped. Every row that cannot be mapped or validated is
reported with its row, column and rule, and nothing is written unless every row passes (or
``partial`` is set).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration.errors import AdminError
from saylau.datasets.reader import DatasetError, Problem
from saylau.domain import HOME_VOTING_FIELDS
from saylau.exports.cells import CellError, _integer
from saylau.exports.tables import header_text
from saylau.i18n import LANGS, has, t
from saylau.security.actor import Actor
from saylau.store import audit
from saylau.store.schema import (
    CandidateRow,
    ContestRow,
    ElectionRow,
    OkrugRow,
    PublishedResultRow,
    PublishedVoteRow,
    SourceRow,
    StationRollRow,
    StationRow,
)

COUNTS = (
    "voters_on_list",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid",
    "against_all",
    *HOME_VOTING_FIELDS,  # the home-voting split, optional (P.111-P.114)
)
PROTOCOL_FIELDS = ("station", "station_number", "okrug", "election", *COUNTS, "correction_reason")
OKRUG_FIELDS = ("okrug", *COUNTS, "stations_reported", "stations_total", "winner")
IGNORE = "ignore"
HEADER_SEARCH = 20  # rows searched for the header

# Headers seen in commissions' tables, beside those of the catalogue (compared loosely).
ALIASES: dict[str, tuple[str, ...]] = {
    "station": (
        "участок",
        "избирательный участок",
        "№ участка",
        "номер участка",
        "уик",
        "учаске",
        "сайлау учаскесі",
        "учаске №",
        "учаскенің нөмірі",
        "polling station",
    ),
    "okrug": (
        "округ",
        "сельский округ",
        "избирательный округ",
        "ауылдық округ",
        "округтің атауы",
        "наименование округа",
        "rural okrug",
    ),
    "voters_on_list": (
        "число избирателей",
        "количество избирателей",
        "избирателей в списке",
        "сайлаушылар саны",
        "тізімдегі сайлаушылар саны",
        "voters",
    ),
    "ballots_received": ("получено бюллетеней", "алынған бюллетеньдер саны"),
    "ballots_issued": (
        "выдано бюллетеней",
        "проголосовало",
        "берілген бюллетеньдер саны",
        "дауыс бергендер",
        "voted",
        "turnout",
    ),
    "ballots_cancelled": (
        "погашено бюллетеней",
        "погашенные бюллетени",
        "жойылған бюллетеньдер саны",
    ),
    "ballots_in_boxes": ("бюллетеней в ящиках", "жәшіктердегі бюллетеньдер саны", "ballots cast"),
    "invalid": (
        "недействительные",
        "недействительных бюллетеней",
        "жарамсыз бюллетеньдер",
        "жарамсыз",
        "invalid ballots",
    ),
    "against_all": ("против всех", "барлығына қарсы", "барлығына қарсымын", "against all"),
    "ballots_issued_in_station": (
        "выдано в помещении для голосования",
        "выдано бюллетеней в помещении",
        "дауыс беру үй-жайында берілген",
    ),
    "ballots_issued_outside": (
        "выдано вне помещения для голосования",
        "выдано бюллетеней вне помещения",
        "выдано на дому",
        "дауыс беру үй-жайынан тыс берілген",
        "үйде дауыс беру",
        "home voting",
    ),
    "ballots_in_stationary_boxes": ("в стационарных ящиках", "стационарлық жәшіктерде"),
    "ballots_in_portable_boxes": ("в переносных ящиках", "жылжымалы жәшіктерде"),
    "correction_reason": ("причина исправления", "түзету себебі"),
    "stations_reported": ("участков обработано", "протоколы получены"),
    "stations_total": ("всего участков", "учаскелер саны"),
    "winner": ("избран", "победитель", "сайланды", "жеңімпаз", "elected"),
}
TOTAL_ROWS = frozenset({"итого", "всего", "барлығы", "жиыны", "барлыгы", "total", "totals"})


@dataclass(frozen=True)
class TextProblem(Problem):
    """A problem whose message is already in the user's language (a rule's finding)."""

    text: str = ""

    def message(self, lang: str = "en") -> str:
        """The message as given."""
        return self.text


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row."""

    line: int
    unit: str
    status: str  # accepted, held, awaiting_second, discrepancy, stored
    version: int | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class CommissionImport:
    """The result of importing one commission file."""

    file: str
    kind: str
    election: str
    written: list[RowOutcome] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # lines of total rows
    problems: list[Problem] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # published vs tabulated
    entry: audit.PendingEntry | None = None

    @property
    def audit_seq(self) -> int | None:
        """The number of the import's audit entry once the transaction has committed."""
        return self.entry.seq if self.entry is not None else None


# --- reading the file -----------------------------------------------------------------------


def read_rows(path: Path, sheet: str | None = None) -> tuple[str, list[tuple[int, list[object]]]]:
    """The display name and the rows (line, cells) of a CSV or the sheet of a workbook."""
    if not path.is_file():
        raise DatasetError([Problem(str(path), None, None, "I.023")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a broken workbook
            raise DatasetError(
                [Problem(path.name, None, None, "I.015", {"detail": str(exc)})]
            ) from exc
        try:
            if sheet is None:
                chosen = book.worksheets[0]
            elif sheet in book.sheetnames:
                chosen = book[sheet]
            else:
                raise DatasetError(
                    [
                        Problem(
                            path.name,
                            None,
                            None,
                            "D.155",
                            {"value": sheet, "allowed": ", ".join(book.sheetnames)},
                        )
                    ]
                )
            rows = [
                (line, list(values))
                for line, values in enumerate(chosen.iter_rows(values_only=True), start=1)
            ]
            return f"{path.name} [{chosen.title}]", rows
        finally:
            book.close()
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        raise DatasetError([Problem(path.name, None, None, "D.156", {"suffix": path.suffix})])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError([Problem(path.name, None, None, "I.015", {"detail": str(exc)})]) from exc
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return path.name, [(line, list(cells)) for line, cells in enumerate(reader, start=1)]


def _delimiter(text: str) -> str:
    """The delimiter of a CSV: of comma, semicolon (Excel in Russian or Kazakh) and tab, the
    one a line of the first rows holds most of (a title row above the header has few)."""
    lines = text.splitlines()[:HEADER_SEARCH]
    best, most = ",", 0
    for candidate in (",", ";", "\t"):
        count = max((line.count(candidate) for line in lines), default=0)
        if count > most:
            best, most = candidate, count
    return best


def read_mapping(path: Path | None, columns: Iterable[str]) -> dict[str, str]:
    """Header → field from a mapping file (.toml ``[columns]``, .json, or a two-column .csv
    ``column,field``) and ``--column HEADER=FIELD`` options (which win)."""
    out: dict[str, str] = {}
    if path is not None:
        if not path.is_file():
            raise DatasetError([Problem(str(path), None, None, "I.023")])
        try:
            if path.suffix.lower() == ".toml":
                loaded = tomllib.loads(path.read_text("utf-8")).get("columns", {})
            elif path.suffix.lower() == ".json":
                loaded = json.loads(path.read_text("utf-8"))
                loaded = loaded.get("columns", loaded) if isinstance(loaded, dict) else None
            else:
                rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
                header = [header_text(c) for c in rows[0]] if rows else []
                start = 1 if header[:2] == ["column", "field"] else 0
                loaded = {r[0]: r[1] for r in rows[start:] if len(r) >= 2 and r[0].strip()}
        except (OSError, ValueError, tomllib.TOMLDecodeError, IndexError) as exc:
            raise DatasetError(
                [Problem(path.name, None, None, "I.015", {"detail": str(exc)})]
            ) from exc
        if not isinstance(loaded, dict):
            raise DatasetError([Problem(path.name, None, None, "D.157")])
        out.update({header_text(k): str(v).strip() for k, v in loaded.items()})
    for option in columns:
        header, sep, target = option.rpartition("=")
        if not sep or not header.strip() or not target.strip():
            raise DatasetError([Problem("--column", None, option, "D.158", {"value": option})])
        out[header_text(header)] = target.strip()
    return out


def _loose(text: object) -> str:
    value = header_text(text)
    return value.strip(" .:;*").replace("ё", "е")


def field_lookup(fields: Iterable[str]) -> dict[str, str]:
    """Loose header text → field, from the catalogue (kk, ru, en) and :data:`ALIASES`."""
    out: dict[str, str] = {}
    for name in fields:
        out[_loose(name)] = name
        for prefix in ("od.col.", "law.field.", "fp.field."):
            key = prefix + name
            if has(key, "en"):
                for lang in LANGS:
                    out.setdefault(_loose(t(key, lang)), name)
        for alias in ALIASES.get(name, ()):
            out.setdefault(_loose(alias), name)
    return out


# --- the election's places and candidates ---------------------------------------------------


@dataclass
class _Election:
    code: str
    stations: dict[str, StationRow]
    by_number: dict[int, list[str]]
    okrugs: dict[str, OkrugRow]
    okrug_names: dict[str, list[str]]
    contests: dict[str, str]  # okrug -> contest
    candidates: dict[str, CandidateRow]
    candidate_names: dict[str, list[str]]

    @classmethod
    def load(cls, session: Session, code: str) -> _Election:
        if session.get(ElectionRow, code) is None:
            raise AdminError("D.001", "election", value=code)
        contests = dict(
            session.execute(
                select(ContestRow.okrug, ContestRow.code).where(ContestRow.election == code)
            ).all()
        )
        stations = {
            s.code: s
            for s in session.scalars(
                select(StationRow)
                .join(StationRollRow, StationRollRow.station == StationRow.code)
                .where(StationRollRow.election == code)
            )
        }
        by_number: dict[int, list[str]] = {}
        for s in stations.values():
            by_number.setdefault(s.number, []).append(s.code)
        okrugs = {
            o.code: o
            for o in session.scalars(select(OkrugRow).where(OkrugRow.code.in_(list(contests))))
        }
        okrug_names: dict[str, list[str]] = {}
        for o in okrugs.values():
            for name in {o.code, o.name_kk, o.name_ru, o.name_en}:
                okrug_names.setdefault(_loose(name), []).append(o.code)
        candidates = {
            c.code: c
            for c in session.scalars(
                select(CandidateRow).where(CandidateRow.contest.in_(list(contests.values())))
            )
        }
        names: dict[str, list[str]] = {}
        for c in candidates.values():
            names.setdefault(_loose(c.name), []).append(c.code)
            names.setdefault(_loose(c.code), []).append(c.code)
            names.setdefault(_loose(f"votes.{c.code}"), []).append(c.code)
        return cls(code, stations, by_number, okrugs, okrug_names, contests, candidates, names)


# --- columns --------------------------------------------------------------------------------


@dataclass
class _Columns:
    fields: dict[int, str]  # cell index -> field
    votes: dict[int, str]  # cell index -> candidate code
    headers: dict[int, str]
    header_line: int

    def header_of(self, name: str) -> str:
        """The file's header of a field (``votes.<code>`` for a candidate's column)."""
        for index, value in self.fields.items():
            if value == name:
                return self.headers[index]
        if name.startswith("votes."):
            code = name[6:]
            for index, value in self.votes.items():
                if value == code:
                    return self.headers[index]
        return name


def _columns(
    rows: list[tuple[int, list[object]]],
    fields: tuple[str, ...],
    mapping: Mapping[str, str],
    election: _Election,
    display: str,
    problems: list[Problem],
) -> _Columns | None:
    lookup = field_lookup(fields)
    known = set(fields) | {IGNORE}
    for target in mapping.values():
        if target in known:
            continue
        if target.startswith("votes.") and target[6:] in election.candidates:
            continue
        problems.append(
            Problem(
                "--map",
                None,
                target,
                "D.159",
                {"value": target, "allowed": ", ".join([*fields, "votes.<candidate>", IGNORE])},
            )
        )
    if problems:
        return None

    def classify(cell: object) -> tuple[str, str] | None:
        text = header_text(cell)
        if not text:
            return None
        if text in mapping:
            target = mapping[text]
            if target == IGNORE:
                return ("ignore", "")
            if target.startswith("votes."):
                return ("votes", target[6:])
            return ("field", target)
        loose = _loose(cell)
        if loose in lookup:
            return ("field", lookup[loose])
        codes = election.candidate_names.get(loose, [])
        if len(set(codes)) == 1:
            return ("votes", codes[0])
        if len(set(codes)) > 1:
            return ("ambiguous", ", ".join(sorted(set(codes))))
        return None

    best: tuple[int, int] | None = None
    for position, (_line, cells) in enumerate(rows[:HEADER_SEARCH]):
        score = sum(
            1 for c in cells if (found := classify(c)) is not None and found[0] != "ambiguous"
        )
        if score >= 2 and (best is None or score > best[1]):
            best = (position, score)
    if best is None:
        problems.append(Problem(display, None, None, "D.160", {"rows": HEADER_SEARCH}))
        return None
    line, header = rows[best[0]]
    result = _Columns({}, {}, {}, line)
    for index, cell in enumerate(header):
        result.headers[index] = str(cell or "").strip()
        found = classify(cell)
        if found is None:
            if header_text(cell):
                problems.append(Problem(display, str(line), result.headers[index], "D.161"))
            continue
        kind, value = found
        if kind == "ambiguous":
            problems.append(
                Problem(display, str(line), result.headers[index], "D.162", {"codes": value})
            )
        elif kind == "field":
            if value in result.fields.values():
                problems.append(Problem(display, str(line), result.headers[index], "I.032"))
            result.fields[index] = value
        elif kind == "votes":
            if value in result.votes.values():
                problems.append(Problem(display, str(line), result.headers[index], "I.032"))
            result.votes[index] = value
    return result


def _cell(cells: list[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _counts(
    cells: list[object], columns: _Columns, display: str, line: int, problems: list[Problem]
) -> tuple[dict[str, int | None], dict[str, int], bool]:
    """The count fields and candidates' votes of a row (None where empty)."""
    values: dict[str, int | None] = {}
    votes: dict[str, int] = {}
    bad = False
    for index, name in columns.fields.items():
        if name not in (*COUNTS, "stations_reported", "stations_total", "station_number"):
            continue
        raw = _cell(cells, index)
        if _empty(raw):
            values[name] = None
            continue
        try:
            number = _integer(raw)
            if number < 0:
                raise CellError("I.005", value=number)
        except CellError as error:
            problems.append(
                Problem(display, str(line), columns.headers[index], error.rule, error.params)
            )
            bad = True
            continue
        values[name] = number
    for index, code in columns.votes.items():
        raw = _cell(cells, index)
        if _empty(raw):
            continue
        try:
            number = _integer(raw)
            if number < 0:
                raise CellError("I.005", value=number)
        except CellError as error:
            problems.append(
                Problem(display, str(line), columns.headers[index], error.rule, error.params)
            )
            bad = True
            continue
        votes[code] = number
    return values, votes, bad


def _text(cells: list[object], columns: _Columns, name: str) -> str | None:
    for index, value in columns.fields.items():
        if value == name:
            raw = _cell(cells, index)
            if _empty(raw):
                return None
            if isinstance(raw, float) and raw.is_integer():
                return str(int(raw))
            return str(raw).strip()
    return None


def _is_total(cells: list[object], columns: _Columns, key: str) -> bool:
    value = _text(cells, columns, key)
    return value is not None and _loose(value) in TOTAL_ROWS


# --- station protocols ----------------------------------------------------------------------


def _station(
    election: _Election, cells: list[object], columns: _Columns
) -> tuple[str | None, str, str]:
    """The station code of a row (or None), the field and the value it was looked up by."""
    code = _text(cells, columns, "station")
    if code is not None:
        if code in election.stations:
            return code, "station", code
        digits = re.findall(r"\d+", code)
        if len(digits) == 1:
            found = election.by_number.get(int(digits[0]), [])
            return (found[0] if len(found) == 1 else None), "station", code
        return None, "station", code
    number = _text(cells, columns, "station_number")
    if number is not None and number.isdigit():
        found = election.by_number.get(int(number), [])
        return (found[0] if len(found) == 1 else None), "station_number", number
    return None, "station", number or ""


def import_protocols(
    session: Session,
    actor: Actor,
    path: Path,
    election: str,
    *,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    partial: bool = False,
    lang: str = "en",
) -> CommissionImport:
    """Submit every station protocol of a commission's file (see the module docstring).

    Without ``partial``, any problem raises DatasetError and the caller's transaction writes
    nothing; with it, the rows that pass are submitted and the others reported.
    """
    from saylau.administration import protocols

    data = _Election.load(session, election)
    display, rows = read_rows(path, sheet)
    outcome = CommissionImport(display, "protocols", election)
    problems = outcome.problems
    columns = _columns(rows, PROTOCOL_FIELDS, mapping or {}, data, display, problems)
    if columns is None:
        raise DatasetError(problems)
    if "station" not in columns.fields.values() and "station_number" not in columns.fields.values():
        problems.append(Problem(display, str(columns.header_line), "station", "I.001"))
    missing = [f for f in COUNTS[:6] if f not in columns.fields.values()]
    for name in missing:
        problems.append(Problem(display, str(columns.header_line), name, "I.001"))
    if problems:
        raise DatasetError(problems)
    for line, cells in rows:
        if line <= columns.header_line or all(_empty(c) for c in cells):
            continue
        if _is_total(cells, columns, "station") or _is_total(cells, columns, "station_number"):
            outcome.skipped.append(line)
            continue
        station, key, value = _station(data, cells, columns)
        if station is None:
            problems.append(
                Problem(
                    display,
                    str(line),
                    columns.header_of(key),
                    "D.150",
                    {"value": value, "election": election},
                )
            )
            continue
        given = _text(cells, columns, "election")
        if given is not None and given != election:
            problems.append(
                Problem(
                    display,
                    str(line),
                    columns.header_of("election"),
                    "D.151",
                    {"value": given, "election": election},
                )
            )
            continue
        okrug = _text(cells, columns, "okrug")
        if okrug is not None and data.stations[station].okrug not in data.okrug_names.get(
            _loose(okrug), []
        ):
            problems.append(
                Problem(
                    display,
                    str(line),
                    columns.header_of("okrug"),
                    "D.152",
                    {"value": okrug, "station": station, "okrug": data.stations[station].okrug},
                )
            )
            continue
        values, votes, bad = _counts(cells, columns, display, line, problems)
        if bad:
            continue
        payload: dict[str, object] = {
            "election": election,
            "station": station,
            **{name: values.get(name) for name in COUNTS},
            "votes": votes,
            "correction_reason": _text(cells, columns, "correction_reason"),
        }
        try:
            result = protocols.submit(session, actor, protocols.parse(payload), lang=lang)
        except AdminError as error:
            _service_problems(problems, error, display, line, columns, lang)
            continue
        outcome.written.append(
            RowOutcome(line, station, result.status, result.version, result.warnings)
        )
    if problems and not partial:
        raise DatasetError(problems)
    if outcome.written:
        entry = audit.record(
            session,
            actor=actor,
            action="protocol.import",
            entity="election",
            entity_id=election,
            payload={
                "file": path.name,
                "sha256": _digest(path),
                "rows": [
                    {"line": r.line, "station": r.unit, "version": r.version, "status": r.status}
                    for r in outcome.written
                ],
                "rejected_rows": sorted(
                    {int(p.line) for p in problems if p.line and p.line.isdigit()}
                ),
            },
        )
        outcome.entry = entry
    return outcome


def _service_problems(
    problems: list[Problem],
    error: AdminError,
    display: str,
    line: int,
    columns: _Columns,
    lang: str,
) -> None:
    """One problem per finding of a refused protocol, each at the column of its field."""
    if error.details:
        for detail in error.details:
            fields = [str(f) for f in detail.get("fields", [])]  # type: ignore[union-attr]
            column = ", ".join(columns.header_of(f) for f in fields) or None
            problems.append(
                TextProblem(
                    display,
                    str(line),
                    column,
                    str(detail.get("code", error.code)),
                    {},
                    text=str(detail.get("message", "")),
                )
            )
        return
    column = columns.header_of(error.field) if error.field else None
    problems.append(
        TextProblem(display, str(line), column, error.code, {}, text=error.message(lang))
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- okrug results --------------------------------------------------------------------------


def _relations(
    values: Mapping[str, int | None], votes: Mapping[str, int]
) -> list[tuple[str, tuple[str, ...], dict[str, object]]]:
    """The protocol's control relations P.101-P.103 among the columns a table gives."""
    out: list[tuple[str, tuple[str, ...], dict[str, object]]] = []
    received, issued, cancelled = (
        values.get(k) for k in ("ballots_received", "ballots_issued", "ballots_cancelled")
    )
    if None not in (received, issued, cancelled) and received != issued + cancelled:  # type: ignore[operator]
        out.append(
            (
                "P.101",
                ("ballots_received", "ballots_issued", "ballots_cancelled"),
                {
                    "received": received,
                    "issued": issued,
                    "cancelled": cancelled,
                    "difference": received - issued - cancelled,
                },  # type: ignore[operator]
            )
        )
    in_boxes = values.get("ballots_in_boxes")
    if None not in (in_boxes, issued) and in_boxes > issued:  # type: ignore[operator]
        out.append(
            (
                "P.102",
                ("ballots_in_boxes", "ballots_issued"),
                {"in_boxes": in_boxes, "issued": issued, "excess": in_boxes - issued},
            )
        )  # type: ignore[operator]
    out += _home_voting_relations(values)
    invalid = values.get("invalid")
    if None not in (in_boxes, invalid) and votes:
        against = values.get("against_all") or 0
        valid = sum(votes.values()) + against
        if in_boxes != valid + invalid:  # type: ignore[operator]
            out.append(
                (
                    "P.103",
                    ("ballots_in_boxes", "invalid", "against_all", "votes"),
                    {
                        "in_boxes": in_boxes,
                        "candidate_votes": sum(votes.values()),
                        "against_all": against,
                        "invalid": invalid,
                        "valid": valid,
                        "difference": in_boxes - valid - invalid,  # type: ignore[operator]
                    },
                )
            )
    return out


def _home_voting_relations(
    values: Mapping[str, int | None],
) -> list[tuple[str, tuple[str, ...], dict[str, object]]]:
    """P.111-P.113 among the home-voting columns a table gives (as protocols are checked)."""
    from saylau.law.catalogue import Term

    out: list[tuple[str, tuple[str, ...], dict[str, object]]] = []
    v = {name: values.get(name) for name in (*COUNTS,)}
    issued, inside, outside = (
        v["ballots_issued"],
        v["ballots_issued_in_station"],
        v["ballots_issued_outside"],
    )
    if None not in (issued, inside, outside) and issued != inside + outside:  # type: ignore[operator]
        out.append(
            (
                "P.111",
                ("ballots_issued_in_station", "ballots_issued_outside", "ballots_issued"),
                {
                    "issued": issued,
                    "in_station": inside,
                    "outside": outside,
                    "difference": issued - inside - outside,  # type: ignore[operator]
                },
            )
        )
    in_boxes, stationary, portable = (
        v["ballots_in_boxes"],
        v["ballots_in_stationary_boxes"],
        v["ballots_in_portable_boxes"],
    )
    if None not in (in_boxes, stationary, portable) and in_boxes != stationary + portable:  # type: ignore[operator]
        out.append(
            (
                "P.112",
                ("ballots_in_stationary_boxes", "ballots_in_portable_boxes", "ballots_in_boxes"),
                {
                    "in_boxes": in_boxes,
                    "stationary": stationary,
                    "portable": portable,
                    "difference": in_boxes - stationary - portable,  # type: ignore[operator]
                },
            )
        )
    for box, issued_name in (
        ("ballots_in_portable_boxes", "ballots_issued_outside"),
        ("ballots_in_stationary_boxes", "ballots_issued_in_station"),
    ):
        found, given = v[box], v[issued_name]
        if found is not None and given is not None and found > given:
            out.append(
                (
                    "P.113",
                    (box, issued_name),
                    {
                        "box": Term(f"law.field.{box}"),
                        "found": found,
                        "issued_for": Term(f"law.field.{issued_name}"),
                        "issued": given,
                        "excess": found - given,
                    },
                )
            )
    return out


def import_okrug_results(
    session: Session,
    actor: Actor,
    path: Path,
    election: str,
    *,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    partial: bool = False,
    lang: str = "en",
    source_title: str | None = None,
    source_url: str | None = None,
) -> CommissionImport:
    """Store the okrug results a commission published (see the module docstring)."""
    from saylau.administration.lawctx import law_for
    from saylau.administration.nominations import registered_by_contest
    from saylau.law.catalogue import Finding, law_version

    data = _Election.load(session, election)
    display, rows = read_rows(path, sheet)
    outcome = CommissionImport(display, "okrug-results", election)
    problems = outcome.problems
    columns = _columns(rows, OKRUG_FIELDS, mapping or {}, data, display, problems)
    if columns is None:
        raise DatasetError(problems)
    if "okrug" not in columns.fields.values():
        problems.append(Problem(display, str(columns.header_line), "okrug", "I.001"))
        raise DatasetError(problems)
    row = session.get(ElectionRow, election)
    assert row is not None
    try:
        law = law_for(session, election)
    except AdminError:  # an election known only by published results: its law version
        law = law_version(row.law_version)
    registered = registered_by_contest(session, list(data.contests.values()))
    digest = _digest(path)
    code = f"published-{digest[:12]}"
    if session.get(SourceRow, code) is not None:
        raise DatasetError([Problem(display, None, None, "D.154", {"value": code})])
    session.add(
        SourceRow(
            code=code,
            kind="official",
            title=source_title or path.name,
            citation=f"{path.name} (SHA-256 {digest})",
            url=source_url,
            licence=None,
            synthetic=bool(row.synthetic),
            # Public: the commission the account acts for, never the account itself.
            note=f"Imported by {audit.public_actor(session, actor)[0]} on "
            f"{dt.date.today().isoformat()}",
        )
    )
    session.flush()
    tabulated = _tabulated(session, election)
    seen: dict[str, int] = {}
    for line, cells in rows:
        if line <= columns.header_line or all(_empty(c) for c in cells):
            continue
        if _is_total(cells, columns, "okrug"):
            outcome.skipped.append(line)
            continue
        name = _text(cells, columns, "okrug") or ""
        found = sorted(set(data.okrug_names.get(_loose(name), [])))
        if len(found) != 1:
            problems.append(
                Problem(
                    display,
                    str(line),
                    columns.header_of("okrug"),
                    "D.163",
                    {"value": name, "election": election},
                )
            )
            continue
        okrug = found[0]
        if okrug in seen:
            problems.append(
                Problem(
                    display,
                    str(line),
                    columns.header_of("okrug"),
                    "I.013",
                    {"value": okrug, "first": seen[okrug]},
                )
            )
            continue
        seen[okrug] = line
        values, votes, bad = _counts(cells, columns, display, line, problems)
        if bad:
            continue
        contest = data.contests[okrug]
        ballot = registered.get(contest, [])
        failed = False
        for candidate in sorted(votes):
            if candidate not in ballot:
                problems.append(
                    Problem(
                        display,
                        str(line),
                        columns.header_of(f"votes.{candidate}"),
                        "D.164",
                        {"candidate": candidate, "okrug": okrug},
                    )
                )
                failed = True
        for candidate in ballot:
            if candidate not in votes:
                problems.append(
                    Problem(
                        display,
                        str(line),
                        columns.header_of(f"votes.{candidate}"),
                        "D.165",
                        {"candidate": candidate, "okrug": okrug},
                    )
                )
                failed = True
        for rule_code, fields, params in _relations(values, votes):
            finding = Finding.of(rule_code, law, fields, **params)
            problems.append(
                TextProblem(
                    display,
                    str(line),
                    ", ".join(columns.header_of(f) for f in fields if f != "votes") or None,
                    rule_code,
                    {},
                    text=finding.message(lang),
                )
            )
            failed = True
        winner_text = _text(cells, columns, "winner")
        winner = None
        if winner_text is not None:
            codes = sorted(set(data.candidate_names.get(_loose(winner_text), [])) & set(ballot))
            if len(codes) != 1:
                problems.append(
                    Problem(
                        display,
                        str(line),
                        columns.header_of("winner"),
                        "D.166",
                        {"value": winner_text, "okrug": okrug},
                    )
                )
                failed = True
            else:
                winner = codes[0]
        if failed:
            continue
        reported, total = values.get("stations_reported"), values.get("stations_total")
        status = None
        if reported is not None and total is not None:
            status = (
                "completed" if reported >= total else "in-process" if reported else "not-processed"
            )
        result = PublishedResultRow(
            election=election,
            level="okrug",
            unit=okrug,
            contest=contest,
            **{k: values.get(k) for k in COUNTS},
            stations_reported=reported,
            stations_total=total,
            count_status=status,
            outcome="elected" if winner else None,
            winner=winner,
            source=code,
            location=f"{display}:{line}",
        )
        session.add(result)
        session.flush()
        for candidate, count in sorted(votes.items()):
            session.add(
                PublishedVoteRow(
                    result=result.id,
                    candidate=candidate,
                    votes=count,
                    location=f"{display}:{line}: {columns.header_of(f'votes.{candidate}')}",
                )
            )
        outcome.written.append(RowOutcome(line, okrug, "stored"))
        outcome.differences += _compare(okrug, values, votes, tabulated.get(okrug), lang)
    if problems and not partial:
        raise DatasetError(problems)
    if not outcome.written:
        session.delete(session.get(SourceRow, code))
    else:
        session.flush()
        entry = audit.record(
            session,
            actor=actor,
            action="results.import",
            entity="election",
            entity_id=election,
            payload={
                "file": path.name,
                "sha256": digest,
                "source": code,
                "okrugs": [r.unit for r in outcome.written],
                "differences": outcome.differences,
            },
        )
        outcome.entry = entry
    return outcome


def _tabulated(session: Session, election: str) -> dict[str, object]:
    from saylau.tabulate.aggregate import Level, tabulate

    return {
        item.unit: item
        for item in tabulate(session, election, Level.OKRUG)
        if item.stations_reported
    }


def _compare(
    okrug: str,
    values: Mapping[str, int | None],
    votes: Mapping[str, int],
    totals: object,
    lang: str,
) -> list[str]:
    """Where a published okrug result differs from the protocols saylau holds for it."""
    if totals is None:
        return []
    out = []
    for name, published in values.items():
        if name not in COUNTS or published is None:
            continue
        counted = getattr(totals, name)
        if counted is not None and counted != published:
            out.append(
                t(
                    "od.commission.differs",
                    lang,
                    okrug=okrug,
                    field=name,
                    published=published,
                    counted=counted,
                )
            )
    for candidate, published in sorted(votes.items()):
        counted = totals.votes.get(candidate, 0)  # type: ignore[attr-defined]
        if counted != published:
            out.append(
                t(
                    "od.commission.differs",
                    lang,
                    okrug=okrug,
                    field=f"votes.{candidate}",
                    published=published,
                    counted=counted,
                )
            )
    if totals.stations_reported < totals.stations_expected:  # type: ignore[attr-defined]
        out.append(
            t(
                "od.commission.partial",
                lang,
                okrug=okrug,
                reported=totals.stations_reported,  # type: ignore[attr-defined]
                expected=totals.stations_expected,  # type: ignore[attr-defined]
            )
        )
    return out
