"""The checks of a publication, in the order ``docs/record.md`` gives them.

Nothing here reads a database or calls the code that produced the files: the log is replayed
from ``audit.jsonl`` and everything else is compared with that replay or recomputed from it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saylau.domain import Protocol
from saylau.domain.record import (
    ENTRY_FIELDS,
    FORMAT,
    GENESIS,
    PROTOCOL_META,
    RecordFormatError,
    certification_body,
    checkpoint_body,
    commission_protocol_body,
    dumps_unchecked,
    protocol_body,
    sha256_hex,
    signing_input,
    verify_signature,
)
from saylau.law.catalogue import LawError, LawVersion, law_version
from saylau.law.protocol import check_protocol
from saylau.law.winner import Elected, LotDraw, OkrugTotals, Outcome, determine_winner
from saylau.verify.problems import Problem

REQUIRED = (
    "manifest.json",
    "keys.json",
    "checkpoint.json",
    "audit.jsonl",
    "election.json",
    "stations.json",
    "okrugs.json",
    "candidates.json",
    "results/levels.json",
)
COUNTS = (
    "voters_on_list",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid",
)
Key = tuple[tuple[str, Any], ...]
Rows = dict[Key, dict[str, Any]]


@dataclass
class Report:
    """The outcome of a verification: every problem, and what was checked."""

    folder: Path
    lang: str = "en"
    problems: list[Problem] = field(default_factory=list)
    election: str | None = None
    entries: int = 0
    head: str | None = None
    protocols: int = 0
    okrugs: int = 0
    certifications: int = 0
    keys: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the record is honest (no problem at all)."""
        return not self.problems

    def add(self, code: str, **params: Any) -> None:
        """Report one problem."""
        self.problems.append(Problem(code, params))


class _Duplicate(ValueError):
    pass


class _Float(ValueError):
    pass


def _float(text: str) -> Any:
    raise _Float(f"{text}: a number that is not an integer")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _parse(report: Report, path: str, data: bytes, line: int | None = None) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        report.add("P.003", file=path, line=line or 1, column=exc.start + 1, detail="UTF-8")
        return None
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicates, parse_float=_float, parse_constant=_float
        )
    except _Float as exc:
        report.add("P.003", file=path, line=line or 1, column=1, detail=str(exc))
    except json.JSONDecodeError as exc:
        report.add("P.003", file=path, line=line or exc.lineno, column=exc.colno, detail=exc.msg)
    except _Duplicate as exc:
        report.add("P.003", file=path, line=line or 1, column=1, detail=f"key {exc} twice")
    return None


def _read(report: Report, folder: Path, path: str) -> Any:
    file = folder / path
    if not file.is_file():
        report.add("P.002", file=path)
        return None
    return _parse(report, path, file.read_bytes())


def _key(key: Mapping[str, Any]) -> Key:
    return tuple(sorted(key.items()))


class State:
    """The public state the log describes: table -> key -> row."""

    def __init__(self) -> None:
        self.tables: dict[str, Rows] = {}

    def apply(self, ops: Iterable[Mapping[str, Any]]) -> None:
        for op in ops:
            rows = self.tables.setdefault(str(op["table"]), {})
            key = _key(op["key"])
            if op["row"] is None:
                rows.pop(key, None)
            else:
                rows.setdefault(key, {}).update(op["row"])

    def rows(self, table: str) -> list[dict[str, Any]]:
        return list(self.tables.get(table, {}).values())

    def by(self, table: str, column: str) -> dict[Any, dict[str, Any]]:
        return {row[column]: row for row in self.rows(table)}


def _valid_op(op: Any) -> bool:
    return (
        isinstance(op, dict)
        and set(op) == {"table", "key", "row"}
        and isinstance(op["table"], str)
        and isinstance(op["key"], dict)
        and (op["row"] is None or isinstance(op["row"], dict))
    )


def _replay_log(report: Report, folder: Path) -> tuple[State, dict[int, str]]:
    """Check the chain of ``audit.jsonl`` line by line and replay its state."""
    state = State()
    hashes: dict[int, str] = {}
    file = folder / "audit.jsonl"
    if not file.is_file():
        return state, hashes
    data = file.read_bytes()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    prev = GENESIS
    for number, line in enumerate(lines, start=1):
        entry = _parse(report, "audit.jsonl", line, number)
        if entry is None:
            prev = sha256_hex(line)
            continue
        if not isinstance(entry, dict) or tuple(sorted(entry)) != ENTRY_FIELDS:
            report.add("P.010", line=number, detail="fields")
            prev = sha256_hex(line)
            continue
        # Parsed without floats, so the canonical form needs no further check.
        canonical = dumps_unchecked(entry).encode("utf-8") == line
        if not canonical:
            report.add("P.010", line=number, detail="canonical form")
        if entry["seq"] != number:
            report.add("P.011", line=number, seq=entry["seq"], expected=number)
        if entry["prev"] != prev:
            report.add("P.012", line=number, seq=entry["seq"])
        digest = sha256_hex(line)
        hashes[number] = digest
        prev = digest
        if not isinstance(entry["state"], list) or not all(_valid_op(o) for o in entry["state"]):
            report.add("P.010", line=number, detail="state")
            continue
        state.apply(entry["state"])
    report.entries = len(lines)
    report.head = prev if lines else None
    return state, hashes


def _check_checkpoint(
    report: Report, checkpoint: Any, hashes: dict[int, str], keys: Mapping[str, dict[str, Any]],
    *, file: str, kept: bool = False,
) -> None:
    fields = {"seq", "head", "at", "key", "signature"}
    if not isinstance(checkpoint, dict) or set(checkpoint) != fields:
        report.add("P.003", file=file, line=1, column=1,
                   detail="fields " + ", ".join(sorted(fields)))
        return
    body = checkpoint_body(
        seq=checkpoint["seq"], head=checkpoint["head"], at=checkpoint["at"], key=checkpoint["key"]
    )
    key = keys.get(str(checkpoint["key"]))
    valid = (
        key is not None
        and key.get("kind") == "server"
        and verify_signature(
            str(key["public_key"]), str(checkpoint["signature"]), signing_input("checkpoint", body)
        )
    )
    seq = checkpoint["seq"]
    last = max(hashes, default=0)
    if kept:
        if not valid:
            report.add("P.016", file=file, seq=seq)
        if not isinstance(seq, int) or seq > last:
            report.add("P.017", seq=seq, last=last)
        elif hashes.get(seq) != checkpoint["head"]:
            report.add("P.018", seq=seq)
        return
    if not valid:
        report.add("P.014", seq=seq, key=checkpoint["key"])
    if seq != last or hashes.get(seq) != checkpoint["head"]:
        report.add("P.013", seq=seq, last=last)


def _check_manifest(
    report: Report, folder: Path, manifest: Any, keys: Mapping[str, dict[str, Any]]
) -> str | None:
    fields = {"format", "election", "checkpoint", "keys", "files", "signature"}
    if not isinstance(manifest, dict) or set(manifest) != fields:
        report.add("P.003", file="manifest.json", line=1, column=1,
                   detail="fields " + ", ".join(sorted(fields)))
        return None
    if manifest["format"] != FORMAT:
        report.add("P.007", found=manifest["format"], expected=FORMAT)
    election = manifest["election"] if isinstance(manifest["election"], str) else None
    listed: set[str] = set()
    files = manifest["files"] if isinstance(manifest["files"], list) else []
    for item in files:
        if not isinstance(item, dict) or set(item) != {"path", "sha256", "bytes"}:
            report.add("P.003", file="manifest.json", line=1, column=1, detail="files")
            continue
        path = str(item["path"])
        listed.add(path)
        target = folder / path
        if ".." in Path(path).parts or not target.is_file():
            report.add("P.002", file=path)
            continue
        data = target.read_bytes()
        found = sha256_hex(data)
        if found != item["sha256"]:
            report.add("P.004", file=path, expected=item["sha256"], found=found)
    for missing in REQUIRED:
        if missing != "manifest.json" and missing not in listed:
            report.add("P.005", file=missing)
    for present in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = present.relative_to(folder).as_posix()
        if relative != "manifest.json" and relative not in listed:
            report.add("P.015", file=relative)
    signature = manifest["signature"]
    body = {k: manifest[k] for k in ("checkpoint", "election", "files", "format", "keys")}
    key = keys.get(str(signature.get("key"))) if isinstance(signature, dict) else None
    try:
        data = signing_input("manifest", body)
    except RecordFormatError:
        data = b""
    if (
        key is None
        or key.get("kind") != "election"
        or key.get("owner") != election
        or not verify_signature(str(key["public_key"]), str(signature.get("value")), data)
    ):
        report.add("P.006", key=signature.get("key") if isinstance(signature, dict) else None)
    return election


def _compare(report: Report, file: str, key: str, expected: Any, found: Any) -> None:
    """Report every field where ``found`` (the file) differs from ``expected`` (the log)."""
    if isinstance(expected, dict) and isinstance(found, dict):
        for name in sorted(set(expected) | set(found)):
            sub = f"{key}.{name}" if key else name
            if name not in found:
                report.add("P.050", file=file, field=sub, expected=expected[name], found="—")
            elif name not in expected:
                report.add("P.050", file=file, field=sub, expected="—", found=found[name])
            else:
                _compare(report, file, sub, expected[name], found[name])
        return
    if expected != found:
        report.add("P.050", file=file, field=key, expected=expected, found=found)


def _names(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"kk": row["name_kk"], "ru": row["name_ru"], "en": row["name_en"]}


def _listed(report: Report, file: str, data: Any, expected: dict[str, dict[str, Any]]) -> None:
    """Compare a list file (objects with a ``code``) with what the log says, code by code."""
    if not isinstance(data, list):
        if data is not None:
            report.add("P.003", file=file, line=1, column=1, detail="a list")
        return
    found = {str(item.get("code")): item for item in data if isinstance(item, dict)}
    for code in sorted(set(expected) | set(found)):
        if code not in found:
            report.add("P.050", file=file, field=code, expected="present", found="—")
        elif code not in expected:
            report.add("P.050", file=file, field=code, expected="—", found="present")
        else:
            _compare(report, file, code, expected[code], found[code])


def effective_law(code: str, against_all_on_ballot: bool | None) -> LawVersion:
    """The law version with the commission's explicit ballot setting applied."""
    law = law_version(code)
    if against_all_on_ballot is not None and against_all_on_ballot != law.against_all_on_ballot:
        law = law.with_settings(against_all_on_ballot=against_all_on_ballot)
    return law


@dataclass
class _Tally:
    stations_expected: int = 0
    stations_reported: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    against_all: int | None = None
    votes: dict[str, int] = field(default_factory=dict)

    def add(self, values: Mapping[str, Any]) -> None:
        self.stations_reported += 1
        for name in COUNTS:
            self.counts[name] += int(values.get(name) or 0)
        if values.get("against_all") is not None:
            self.against_all = (self.against_all or 0) + int(values["against_all"])
        for candidate, count in (values.get("votes") or {}).items():
            self.votes[candidate] = self.votes.get(candidate, 0) + int(count)

    def as_dict(self, candidates: Iterable[str] | None = None) -> dict[str, Any]:
        votes = (
            {c: self.votes.get(c, 0) for c in candidates}
            if candidates is not None
            else dict(sorted(self.votes.items()))
        )
        return {
            "stations_expected": self.stations_expected,
            "stations_reported": self.stations_reported,
            **self.counts,
            "against_all": self.against_all,
            "votes": votes,
        }


def _outcome_dict(outcome: Outcome | None) -> dict[str, Any]:
    kinds = {
        "Elected": "elected",
        "LotsRequired": "lots_required",
        "RepeatElection": "repeat_election",
        "NoCandidates": "no_candidates",
    }
    if outcome is None:
        return {"kind": "incomplete", "winner": None, "rules": []}
    return {
        "kind": kinds[type(outcome).__name__],
        "winner": outcome.candidate if isinstance(outcome, Elected) else None,
        "rules": [step.rule for step in outcome.trace],
    }


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


class _Election:
    """Everything of one election the checks need, from the replayed state."""

    def __init__(self, state: State, code: str) -> None:
        self.code = code
        self.row = state.by("election", "code").get(code)
        self.setup = state.by("election_setup", "election").get(code)
        self.roll = {r["station"]: r for r in state.rows("station_roll") if r["election"] == code}
        self.stations = state.by("station", "code")
        self.okrugs = state.by("okrug", "code")
        self.districts = state.by("district", "code")
        self.regions = state.by("region", "code")
        self.commissions = state.by("commission", "code")
        self.contests = {
            r["code"]: r for r in state.rows("contest") if r["election"] == code
        }
        self.candidates = {
            r["code"]: r for r in state.rows("candidate") if r["contest"] in self.contests
        }
        decisions: dict[str, dict[str, Any]] = {}
        for row in sorted(state.rows("nomination_decision"), key=lambda r: r["id"]):
            if row["candidate"] in self.candidates:
                decisions[row["candidate"]] = row
        self.decisions = decisions
        self.protocols = sorted(
            (r for r in state.rows("protocol") if r["election"] == code),
            key=lambda r: (r["station"], r["version"]),
        )
        votes: dict[int, dict[str, int]] = {}
        for vote in state.rows("protocol_vote"):
            votes.setdefault(vote["protocol"], {})[vote["candidate"]] = vote["votes"]
        self.votes = votes
        self.draws = sorted(
            (r for r in state.rows("lot_draw") if r["contest"] in self.contests),
            key=lambda r: r["id"],
        )
        self.withdrawals = [
            r for r in state.rows("election_step")
            if r["kind"] == "withdrawal" and r["contest"] in self.contests and r["candidate"]
        ]
        self.certifications = sorted(
            (r for r in state.rows("certification") if r["contest"] in self.contests),
            key=lambda r: r["id"],
        )

    def registered(self, contest: str) -> list[str]:
        """Candidates registered and not withdrawn."""
        gone = {w["candidate"] for w in self.withdrawals}
        return sorted(
            code
            for code, cand in self.candidates.items()
            if cand["contest"] == contest
            and self.decisions.get(code, {}).get("decision") == "registered"
            and code not in gone
        )

    def withdrawn_on_ballot(self, contest: str) -> list[str]:
        """Candidates who withdrew after the ballots were printed (still on the ballot)."""
        return sorted(
            w["candidate"] for w in self.withdrawals
            if w["contest"] == contest and w.get("ballots_printed")
        )

    def ancestry(self, unit: str) -> list[str]:
        chain = [unit]
        if unit in self.stations:
            unit = self.stations[unit]["okrug"]
            chain.append(unit)
        if unit in self.okrugs:
            unit = self.okrugs[unit]["district"]
            chain.append(unit)
        if unit in self.districts:
            unit = self.districts[unit]["region"]
            chain.append(unit)
        return [*chain, "KZ"]

    def values(self, row: Mapping[str, Any]) -> dict[str, Any]:
        values = {k: v for k, v in row.items() if k not in PROTOCOL_META}
        values["votes"] = dict(sorted(self.votes.get(row["id"], {}).items()))
        return values


def _check_protocols(report: Report, folder: Path, election: _Election,
                     keys: Mapping[str, dict[str, Any]], law: LawVersion | None) -> None:
    expected_files: set[str] = set()
    for row in election.protocols:
        path = f"protocols/{row['station']}/v{row['version']}.json"
        expected_files.add(path)
        values = election.values(row)
        signature = (
            {"key": row["signed_by"], "value": row["signature"]}
            if row.get("signed_by") and row.get("signature") else None
        )
        commission = (
            {"key": row["commission_key"], "value": row["commission_signature"]}
            if row.get("commission_key") and row.get("commission_signature") else None
        )
        expected = {
            "election": row["election"],
            "station": row["station"],
            "version": row["version"],
            "values": values,
            "correction_reason": row["correction_reason"],
            "entered_at": row["entered_at"],
            "signature": signature,
            "commission_signature": commission,
        }
        if (folder / path).is_file():
            found = _parse(report, path, (folder / path).read_bytes())
            if found is not None:
                _compare(report, path, "", expected, found)
        else:
            report.add("P.021", file=path, station=row["station"], version=row["version"])
        body = protocol_body(
            election=row["election"],
            station=row["station"],
            version=row["version"],
            values=values,
            correction_reason=row["correction_reason"],
            commission_key=row.get("commission_key"),
            commission_signature=row.get("commission_signature"),
        )
        key = keys.get(str(row.get("signed_by")))
        if (
            signature is None
            or key is None
            or key.get("kind") != "election"
            or key.get("owner") != election.code
            or not verify_signature(key["public_key"], signature["value"],
                                    signing_input("protocol", body))
        ):
            report.add("P.023", file=path, station=row["station"], version=row["version"])
        if commission is not None:
            ckey = keys.get(commission["key"])
            owner = election.commissions.get(ckey.get("owner")) if ckey else None
            signed = commission_protocol_body(
                election=row["election"],
                station=row["station"],
                corrects=row["version"] - 1,
                values=values,
                correction_reason=row["correction_reason"],
            )
            if (
                ckey is None
                or ckey.get("kind") != "commission"
                or owner is None
                or owner["territory"] not in election.ancestry(row["station"])
                or not verify_signature(ckey["public_key"], commission["value"],
                                        signing_input("commission-protocol", signed))
            ):
                report.add("P.024", file=path, station=row["station"], key=commission["key"])
        if law is not None:
            _check_relations(report, path, election, row, values, law)
    base = folder / "protocols"
    if base.is_dir():
        for present in sorted(base.rglob("*")):
            relative = present.relative_to(folder).as_posix()
            if present.is_file() and relative not in expected_files:
                report.add("P.022", file=relative)
    report.protocols = len(election.protocols)


def _check_relations(report: Report, path: str, election: _Election, row: Mapping[str, Any],
                     values: Mapping[str, Any], law: LawVersion) -> None:
    station = election.stations.get(row["station"])
    contest = f"{election.code}:{station['okrug']}" if station else None
    known = set(Protocol.model_fields)
    try:
        protocol = Protocol.model_validate(
            {
                "election": row["election"],
                "station": row["station"],
                "version": row["version"],
                **{k: v for k, v in values.items() if k in known},
                "correction_reason": row["correction_reason"],
            }
        )
    except ValueError as exc:
        report.add("P.030", file=path, station=row["station"], rule="V.001", detail=str(exc))
        return
    roll = election.roll.get(row["station"])
    for finding in check_protocol(
        protocol,
        candidates=election.registered(contest) if contest else [],
        law=law,
        registered_voters=roll["registered_voters"] if roll else None,
        withdrawn=election.withdrawn_on_ballot(contest) if contest else [],
    ):
        if finding.blocks:
            report.add("P.030", file=path, station=row["station"], rule=finding.code,
                       detail=finding.message(report.lang))


def _lot_draw(row: Mapping[str, Any]) -> LotDraw:
    return LotDraw(
        tied=tuple(json.loads(row["tied"])),
        winner=row["winner"],
        drawn_by=row["drawn_by"],
        drawn_at=_parse_time(row["drawn_at"]),
        witnesses=tuple(json.loads(row["witnesses"])),
    )


def _check_results(report: Report, folder: Path, election: _Election,
                   keys: Mapping[str, dict[str, Any]], law: LawVersion | None) -> None:
    latest: dict[str, Mapping[str, Any]] = {}
    for row in election.protocols:
        latest[row["station"]] = row
    okrug_tally: dict[str, _Tally] = {}
    levels: dict[str, dict[str, _Tally]] = {"district": {}, "region": {}, "republic": {}}
    for station in sorted(election.roll):
        okrug = election.stations.get(station, {}).get("okrug")
        district = election.okrugs.get(okrug, {}).get("district")
        region = election.districts.get(district, {}).get("region")
        tallies = [
            okrug_tally.setdefault(okrug, _Tally()),
            levels["district"].setdefault(district, _Tally()),
            levels["region"].setdefault(region, _Tally()),
            levels["republic"].setdefault("KZ", _Tally()),
        ]
        for tally in tallies:
            tally.stations_expected += 1
            if station in latest:
                tally.add(election.values(latest[station]))
    for contest, row in sorted(election.contests.items()):
        okrug = row["okrug"]
        path = f"results/{okrug}.json"
        tally = okrug_tally.get(okrug, _Tally())
        candidates = election.registered(contest)
        outcome: Outcome | None = None
        if law is not None and tally.stations_reported == tally.stations_expected:
            votes = {c: tally.votes.get(c, 0) for c in candidates}
            against = tally.against_all if law.against_all_on_ballot else None
            if law.against_all_on_ballot and against is None:
                against = 0
            withdrawn = {c: tally.votes.get(c, 0) for c in election.withdrawn_on_ballot(contest)}
            totals = OkrugTotals(votes, against, tally.counts["voters_on_list"],
                                 tally.counts["ballots_in_boxes"], withdrawn)
            draws = [d for d in election.draws if d["contest"] == contest]
            try:
                outcome = determine_winner(
                    totals, law, lot_draw=_lot_draw(draws[-1]) if draws else None
                )
            except LawError:
                outcome = determine_winner(totals, law)
        if not (folder / path).is_file():
            report.add("P.045", file=path, okrug=okrug)
            continue
        found = _parse(report, path, (folder / path).read_bytes())
        if not isinstance(found, dict):
            continue
        expected_totals = tally.as_dict(candidates)
        for name, value in expected_totals.items():
            given = (found.get("totals") or {}).get(name)
            if name == "votes":
                for cand in sorted(set(value) | set(given or {})):
                    if (given or {}).get(cand) != value.get(cand):
                        report.add("P.040", file=path, field=f"votes.{cand}",
                                   expected=value.get(cand), found=(given or {}).get(cand))
            elif given != value:
                report.add("P.040", file=path, field=name, expected=value, found=given)
        if law is not None:
            expected_outcome = _outcome_dict(outcome)
            for name, value in expected_outcome.items():
                given = (found.get("outcome") or {}).get(name)
                if given != value:
                    report.add("P.041", file=path, field=name, expected=value, found=given)
        _check_certifications(report, path, election, contest, found, keys,
                              expected_totals, _outcome_dict(outcome) if law else None)
        report.okrugs += 1
    found_levels = _parse(report, "results/levels.json",
                          (folder / "results/levels.json").read_bytes()) if (
        folder / "results/levels.json").is_file() else None
    if isinstance(found_levels, dict):
        for level, tallies in levels.items():
            given_level = found_levels.get(level) or {}
            for unit in sorted(set(tallies) | set(given_level)):
                expected = tallies[unit].as_dict() if unit in tallies else None
                given = given_level.get(unit)
                if expected != given:
                    for name in sorted(set(expected or {}) | set(given or {})):
                        e = (expected or {}).get(name)
                        g = (given or {}).get(name)
                        if e != g:
                            report.add("P.040", file="results/levels.json",
                                       field=f"{level}.{unit}.{name}", expected=e, found=g)


def _check_certifications(report: Report, path: str, election: _Election, contest: str,
                          found: Mapping[str, Any], keys: Mapping[str, dict[str, Any]],
                          totals: Mapping[str, Any], outcome: Mapping[str, Any] | None) -> None:
    rows = [c for c in election.certifications if c["contest"] == contest]
    expected = []
    for row in rows:
        try:
            record = json.loads(row["record"])
        except (TypeError, ValueError):
            record = None
        if sha256_hex(row["record"]) != row["sha256"]:
            report.add("P.042", file=path, id=row["id"])
        body = certification_body(
            contest=row["contest"],
            sha256=row["sha256"],
            outcome=row["outcome"],
            winner=row["winner"],
            certified_at=row["certified_at"],
            certified_by=row["certified_by"],
        )
        key = keys.get(str(row.get("signed_by")))
        if (
            not row.get("signature")
            or key is None
            or key.get("kind") != "election"
            or key.get("owner") != election.code
            or not verify_signature(key["public_key"], row["signature"],
                                    signing_input("certification", body))
        ):
            report.add("P.043", file=path, id=row["id"])
        expected.append(
            {
                "id": row["id"],
                "outcome": row["outcome"],
                "winner": row["winner"],
                "record": record,
                "sha256": row["sha256"],
                "certified_by": row["certified_by"],
                "certified_at": row["certified_at"],
                "signature": {"key": row["signed_by"], "value": row["signature"]}
                if row.get("signed_by") and row.get("signature") else None,
            }
        )
    given = found.get("certifications")
    if given != expected:
        _compare_list(report, path, expected, given if isinstance(given, list) else [])
    report.certifications += len(rows)
    if rows and outcome is not None:
        record = expected[-1]["record"] or {}
        for name in (*COUNTS, "stations_expected", "stations_reported", "against_all"):
            if record.get(name) != totals.get(name):
                report.add("P.046", file=path, field=name, certified=record.get(name),
                           recomputed=totals.get(name))
        votes = {c.get("code"): c.get("votes") for c in record.get("candidates", [])}
        if votes != totals.get("votes"):
            report.add("P.046", file=path, field="votes", certified=votes,
                       recomputed=totals.get("votes"))
        if (record.get("outcome"), record.get("winner")) != (outcome["kind"], outcome["winner"]):
            report.add("P.046", file=path, field="outcome",
                       certified=[record.get("outcome"), record.get("winner")],
                       recomputed=[outcome["kind"], outcome["winner"]])


def _compare_list(report: Report, path: str, expected: list[Any], found: list[Any]) -> None:
    for index in range(max(len(expected), len(found))):
        e = expected[index] if index < len(expected) else None
        f = found[index] if index < len(found) else None
        if e != f:
            if isinstance(e, dict) and isinstance(f, dict):
                _compare(report, path, f"certifications[{index}]", e, f)
            else:
                report.add("P.044", file=path, index=index)


def _check_tables(report: Report, folder: Path, election: _Election) -> LawVersion | None:
    if election.row is None or election.setup is None:
        report.add("P.053", election=election.code)
        return None
    row, setup = election.row, election.setup
    data = _read(report, folder, "election.json")
    law: LawVersion | None
    try:
        law = effective_law(row["law_version"], setup["against_all_on_ballot"])
    except LawError:
        report.add("P.051", law=row["law_version"])
        law = None
    if isinstance(data, dict):
        _compare(report, "election.json", "election", {
            "code": row["code"], "type": row["type"], "date": row["date"],
            "law_version": row["law_version"], "names": _names(row),
            "synthetic": row["synthetic"],
        }, data.get("election"))
        _compare(report, "election.json", "setup", {
            "territory": setup["territory"], "double_entry": setup["double_entry"],
            "against_all_on_ballot": setup["against_all_on_ballot"],
        }, data.get("setup"))
        base = law_version(row["law_version"]) if law is not None else None
        if base is not None:
            mine = {s.name: {"value": s.value_text("en"), "confidence": s.confidence.value}
                    for s in base.settings}
            theirs = (data.get("law") or {}).get("settings")
            if (data.get("law") or {}).get("version") != base.code or theirs != mine:
                report.add("P.052", law=base.code)
    stations = {
        code: {
            "code": code,
            "okrug": election.stations[code]["okrug"],
            "number": election.stations[code]["number"],
            "names": _names(election.stations[code]),
            "registered_voters": roll["registered_voters"],
        }
        for code, roll in election.roll.items()
        if code in election.stations
    }
    _listed(report, "stations.json", _read(report, folder, "stations.json"), stations)
    okrugs = {}
    for contest in election.contests.values():
        okrug = election.okrugs.get(contest["okrug"])
        if okrug is None:
            continue
        district = election.districts.get(okrug["district"], {})
        region = election.regions.get(district.get("region"), {})
        okrugs[okrug["code"]] = {
            "code": okrug["code"],
            "contest": contest["code"],
            "seats": contest["seats"],
            "kind": okrug["kind"],
            "kato": okrug["kato"],
            "population": okrug["population"],
            "names": _names(okrug),
            "district": {"code": district.get("code"), "kato": district.get("kato"),
                         "names": _names(district) if district else None},
            "region": {"code": region.get("code"), "kato": region.get("kato"),
                       "names": _names(region) if region else None},
        }
    _listed(report, "okrugs.json", _read(report, folder, "okrugs.json"), okrugs)
    candidates = {
        code: {
            "code": code,
            "contest": cand["contest"],
            "name": cand["name"],
            "party": cand["party"],
            "sex": cand["sex"],
            "incumbent": cand["incumbent"],
            "former_akim": cand["former_akim"],
            "decision": election.decisions.get(code, {}).get("decision"),
            "decision_id": election.decisions.get(code, {}).get("id"),
        }
        for code, cand in election.candidates.items()
    }
    _listed(report, "candidates.json", _read(report, folder, "candidates.json"), candidates)
    return law


def _check_keys(report: Report, data: Any, keys: Mapping[str, dict[str, Any]]) -> None:
    expected = {
        fp: {
            "fingerprint": fp,
            "kind": row["kind"],
            "owner": row["owner"],
            "algorithm": "ed25519",
            "public_key": row["public_key"],
            "created_at": row["created_at"],
            "revoked_at": row["revoked_at"],
        }
        for fp, row in keys.items()
    }
    if not isinstance(data, list):
        return
    found = {str(k.get("fingerprint")): k for k in data if isinstance(k, dict)}
    for fp in sorted(set(expected) | set(found)):
        if expected.get(fp) != found.get(fp):
            report.add("P.060", fingerprint=fp)


def verify_publication(
    folder: Path, *, since: Mapping[str, Any] | None = None, lang: str = "en"
) -> Report:
    """Check the publication in ``folder``; ``since``: a checkpoint kept earlier. ``lang`` is
    the language of the rule texts quoted in problems."""
    report = Report(folder, lang=lang)
    if not folder.is_dir():
        report.add("P.001", folder=str(folder))
        return report
    for path in REQUIRED:
        if not (folder / path).is_file():
            report.add("P.002", file=path)
    state, hashes = _replay_log(report, folder)
    keys = {str(row["fingerprint"]): row for row in state.rows("signing_key")}
    manifest = None
    if (folder / "manifest.json").is_file():
        manifest = _read(report, folder, "manifest.json")
    election_code = None
    if manifest is not None:
        election_code = _check_manifest(report, folder, manifest, keys)
    checkpoint_file = folder / "checkpoint.json"
    if checkpoint_file.is_file():
        checkpoint = _parse(report, "checkpoint.json", checkpoint_file.read_bytes())
        if checkpoint is not None:
            _check_checkpoint(report, checkpoint, hashes, keys, file="checkpoint.json")
            if isinstance(manifest, dict) and isinstance(checkpoint, dict) and manifest.get(
                "checkpoint"
            ) != {"seq": checkpoint.get("seq"), "head": checkpoint.get("head")}:
                report.add("P.008")
    if since is not None:
        _check_checkpoint(report, since, hashes, keys, file="--since", kept=True)
    if (folder / "keys.json").is_file():
        key_data = _parse(report, "keys.json", (folder / "keys.json").read_bytes())
        _check_keys(report, key_data, keys)
        if isinstance(manifest, dict) and isinstance(key_data, list) and manifest.get(
            "keys"
        ) != sorted(str(k.get("fingerprint")) for k in key_data if isinstance(k, dict)):
            report.add("P.009")
    report.keys = [
        {"fingerprint": fp, "kind": row["kind"], "owner": row["owner"]}
        for fp, row in sorted(keys.items(), key=lambda kv: (kv[1]["kind"], kv[1]["owner"]))
        if row["kind"] == "server" or row["owner"] == election_code
        or (row["kind"] == "commission")
    ]
    if election_code is None:
        return report
    report.election = election_code
    election = _Election(state, election_code)
    law = _check_tables(report, folder, election)
    _check_protocols(report, folder, election, keys, law)
    _check_results(report, folder, election, keys, law)
    return report
