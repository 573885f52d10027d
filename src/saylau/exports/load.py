"""Importing an open election into the database, through the service layer.

An election exported by saylau (any format) is written back the way it was made:

* an election **run with saylau** is called with its ground and call date
  (:func:`saylau.administration.setup.create_election`), its places loaded
  (:func:`~saylau.administration.setup.load_setup`); nominations, withdrawals
  (:func:`saylau.administration.steps.withdraw`) and extensions of nomination
  (:func:`~saylau.administration.steps.extend_nomination`) are replayed in the order they
  happened, so each step is checked against the law version's windows again; every accepted
  protocol version is submitted again (:func:`saylau.administration.protocols.submit`, with
  its control relations and home-voting split; warnings acknowledged with the source's note),
  the commission's draws of lots recorded (:func:`saylau.administration.results.record_lot_draw`),
  certifications stored after checking their fingerprints, and the money recorded through
  :mod:`saylau.administration.finance` (allocations with their budget lines, the campaign
  allowance, spending). Registration decisions are recorded as imported decisions (the facts
  behind them are not exported; only the time of the nomination is kept);
* published **figures** and **results** are stored as published, with their source, and so
  are the withdrawals a published election's file gives.

Everything happens in the caller's transaction and every change has its audit entry. At the
end the election is read back (:func:`saylau.exports.collect.collect`) and compared with the
file: totals, results and outcomes must follow from the imported protocols, and every core
table must come back as the file holds it; otherwise nothing is written. Any problem
raises :class:`saylau.datasets.reader.DatasetError` with every problem found.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.administration.access import Permission, require
from saylau.administration.errors import AdminError
from saylau.administration.nominations import HIGHER_AKIM, imported_facts
from saylau.administration.steps import aware
from saylau.datasets.reader import DatasetContent, DatasetError, Problem
from saylau.domain import ElectionType, Names
from saylau.exports.model import OpenElection, Row, comparable
from saylau.exports.spec import BY_NAME
from saylau.i18n import t
from saylau.security.actor import Actor
from saylau.store import audit
from saylau.store.datasets import scaled
from saylau.store.schema import (
    CandidateRow,
    CertificationRow,
    ContestRow,
    DistrictRow,
    ElectionRow,
    ElectionStepRow,
    FigureRow,
    NominationDecisionRow,
    OkrugRow,
    PartyLineageRow,
    PartyNameRow,
    PartyRow,
    PublishedResultRow,
    PublishedVoteRow,
    RegionRow,
    SourceRow,
    StationRow,
)

# Columns an import cannot carry over (they are the moments of this import), per table.
NOT_CARRIED = {
    "protocols": {"accepted_at", "warnings_note"},
}
# Tables compared after an import (the others may rightly differ: a region or party that
# was already in the database keeps its own record).
CHECKED = (
    "elections",
    "districts",
    "okrugs",
    "stations",
    "contests",
    "candidates",
    "withdrawals",
    "extensions",
    "protocols",
    "votes",
    "lot_draws",
    "certifications",
    "figures",
    "published_results",
    "published_votes",
    "budget",
    "spending",
    "allowances",
    "totals",
    "results",
    "outcomes",
)


@dataclass(frozen=True)
class ServiceProblem(Problem):
    """A row the service layer refused: the refusal's code, message and details."""

    error: AdminError | None = None
    lang: str = "en"

    def message(self, lang: str = "en") -> str:
        """The refusal in ``lang``, with its findings (control relations ...)."""
        assert self.error is not None
        text = self.error.message(lang)
        details = [
            f"{d.get('code', '')} {d.get('message', '')}".strip() for d in self.error.details
        ]
        return text + (": " + "; ".join(details) if details else "")

    def render(self, lang: str = "en") -> str:
        """``file:line: column: [code] message``."""
        where = self.file + (f":{self.line}" if self.line else "")
        col = f" {t('import.column', lang)} '{self.column}':" if self.column else ""
        return f"{where}:{col} [{self.rule}] {self.message(lang)}"


@dataclass
class LoadResult:
    """What an import wrote; ``audit_seq`` is the number of its last audit entry once the
    transaction has committed (entries are numbered at commit)."""

    election: str
    counts: dict[str, int] = field(default_factory=dict)
    entry: audit.PendingEntry | None = None

    @property
    def audit_seq(self) -> int | None:
        """The sequence number of the import's closing audit entry (None before commit)."""
        return self.entry.seq if self.entry is not None else None


class _Loader:
    def __init__(
        self, session: Session, actor: Actor, data: OpenElection, note: str, lang: str
    ) -> None:
        self.session = session
        self.actor = actor
        self.data = data
        self.note = note
        self.lang = lang
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}

    # problems

    def at(self, table: str, row: Row, column: str | None, rule: str, /, **params: object) -> None:
        file, line = self.data.where(table, row)
        self.problems.append(Problem(file, line, column, rule, params))

    def refused(self, table: str, row: Row, error: AdminError) -> None:
        file, line = self.data.where(table, row)
        self.problems.append(
            ServiceProblem(file, line, error.field, error.code, {}, error=error, lang=self.lang)
        )

    def stop(self) -> None:
        if self.problems:
            raise DatasetError(self.problems)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    # identity of records that may already be there

    def same(self, table: str, row: Row, existing: object, columns: Iterable[str]) -> bool:
        for column in columns:
            if getattr(existing, column) != row[column]:
                self.at(table, row, column, "D.140", value=row.get("code", ""), column=column)
                return False
        return True

    def registry(self) -> None:
        """Sources, regions and parties: added when new, compared when present."""
        s = self.session
        for row in self.data.rows("sources"):
            found = s.get(SourceRow, row["code"])
            if found is None:
                s.add(SourceRow(**{k: row[k] for k in BY_NAME["sources"].names}))
                self.count("sources")
            else:
                self.same("sources", row, found, ("kind", "title", "citation"))
        s.flush()
        for row in self.data.rows("regions"):
            found = s.get(RegionRow, row["code"])
            if found is None:
                s.add(RegionRow(**{k: row[k] for k in BY_NAME["regions"].names}))
                self.count("regions")
            else:
                self.same("regions", row, found, ("kind", "name_kk", "name_ru", "name_en"))
        new_parties = set()
        for row in self.data.rows("parties"):
            if s.get(PartyRow, row["code"]) is None:
                s.add(PartyRow(**{k: row[k] for k in BY_NAME["parties"].names}))
                new_parties.add(row["code"])
                self.count("parties")
        s.flush()
        for row in self.data.rows("party_names"):
            if row["party"] in new_parties:
                s.add(PartyNameRow(**{k: row[k] for k in BY_NAME["party_names"].names}))
        for row in self.data.rows("party_lineage"):
            exists = s.scalar(
                select(PartyLineageRow.id).where(
                    PartyLineageRow.predecessor == row["predecessor"],
                    PartyLineageRow.successor == row["successor"],
                )
            )
            if exists is None:
                s.add(PartyLineageRow(**{k: row[k] for k in BY_NAME["party_lineage"].names}))
        s.flush()

    def geography(self, *, write: bool) -> None:
        """Check districts, okrugs and stations already present; add the others if ``write``
        (an election run with saylau has them added by ``load_setup``)."""
        s = self.session
        for table, model, columns in (
            ("districts", DistrictRow, ("region", "kind", "name_kk", "name_ru", "name_en", "kato")),
            ("okrugs", OkrugRow, ("district", "kind", "name_kk", "name_ru", "name_en", "kato")),
            ("stations", StationRow, ("okrug", "number", "name_kk", "name_ru", "name_en")),
        ):
            for row in self.data.rows(table):
                found = s.get(model, row["code"])
                if found is not None:
                    self.same(table, row, found, columns)
                elif write:
                    values = {k: row[k] for k in ("code", *columns)}
                    if table == "okrugs":
                        values["population"] = row["population"]
                    if table == "stations":
                        values["registered_voters"] = None
                    s.add(model(**values))
                    self.count(table)
            s.flush()

    # the election

    def election(self) -> None:
        from saylau.administration import setup

        meta = self.data.meta
        code = str(meta["code"])
        if self.session.get(ElectionRow, code) is not None:
            self.at("elections", meta, "code", "D.130", value=code)
            self.stop()
        self.registry()
        self.stop()
        if self.data.administered:
            territory = str(meta["territory"])
            self.geography(write=False)
            self.stop()
            for row in self.data.rows("districts"):
                # The territory may be a district the setup below brings.
                if row["code"] == territory and self.session.get(DistrictRow, territory) is None:
                    self.session.add(DistrictRow(**{k: row[k] for k in BY_NAME["districts"].names}))
                    self.session.flush()
            ground = self._ground(meta)
            self.stop()
            try:
                setup.create_election(
                    self.session,
                    self.actor,
                    code=code,
                    type=ElectionType(str(meta["type"])),
                    date=meta["date"],  # type: ignore[arg-type]
                    law_version=str(meta["law_version"]),
                    names=Names(
                        kk=str(meta["name_kk"]), ru=str(meta["name_ru"]), en=str(meta["name_en"])
                    ),
                    territory=territory,
                    double_entry=False,
                    against_all_on_ballot=meta["against_all_on_ballot"],  # type: ignore[arg-type]
                    synthetic=bool(meta["synthetic"]),
                    known_law_versions=_law_versions(),
                    ground=ground,
                    called_on=meta["called_on"],  # type: ignore[arg-type]
                )
            except (AdminError, ValueError) as exc:
                self._refusal("elections", meta, exc)
                self.stop()
            row = self.session.get(ElectionRow, code)
            assert row is not None
            row.source, row.note = meta["source"], meta["note"]  # type: ignore[assignment]
            missing = [s for s in self.data.rows("stations") if s["registered_voters"] is None]
            for station in missing:
                self.at("stations", station, "registered_voters", "D.131", value=station["code"])
            self.stop()
            content = DatasetContent(
                rows={
                    name: list(self.data.rows(name))
                    for name in ("districts", "okrugs", "stations", "commissions")
                }
            )
            try:
                counts = setup.load_setup(self.session, self.actor, code, content)
            except AdminError as exc:
                self._refusal("elections", meta, exc)
                self.stop()
            self.counts.update(counts)
            made = {c.code: c for c in setup.contests(self.session, code)}
            for contest in self.data.rows("contests"):
                found = made.get(str(contest["code"]))
                if (
                    found is None
                    or found.okrug != contest["okrug"]
                    or found.seats != contest["seats"]
                ):
                    self.at("contests", contest, "code", "D.132", value=contest["code"])
            self.stop()
        else:
            for column in ("ground", "ground_date", "called_on"):
                if meta.get(column) is not None:  # kept only in a commission's setup
                    self.at("elections", meta, column, "D.146", column=column)
            self.stop()
            self.geography(write=True)
            self.stop()
            for row in self.data.rows("elections"):
                self.session.add(
                    ElectionRow(
                        **{
                            k: row[k]
                            for k in (
                                "code",
                                "type",
                                "date",
                                "law_version",
                                "name_kk",
                                "name_ru",
                                "name_en",
                                "synthetic",
                                "source",
                                "note",
                            )
                        }
                    )
                )
            self.session.flush()
            for contest in self.data.rows("contests"):
                require(self.session, self.actor, Permission.SETUP, str(contest["okrug"]))
                self.session.add(
                    ContestRow(
                        code=contest["code"],
                        election=code,
                        okrug=contest["okrug"],
                        seats=contest["seats"],
                    )
                )
                self.count("contests")
            self.session.flush()
            audit.record(
                self.session,
                actor=self.actor,
                action="election.import",
                entity="election",
                entity_id=code,
                payload={"source": meta["source"], "counts": dict(self.counts), "note": self.note},
            )

    def _ground(self, meta: Row) -> object:
        """The election's ground as the calendar takes it (None when not recorded)."""
        from saylau.law.calendar import Ground, GroundKind
        from saylau.law.catalogue import LawError

        if meta.get("ground") is None:
            if meta.get("ground_date") is not None:
                self.at("elections", meta, "ground_date", "D.147", value="")
            return None
        try:
            return Ground(GroundKind(str(meta["ground"])), meta["ground_date"])  # type: ignore[arg-type]
        except LawError:  # L.017, L.018: a dated ground without its day, or the reverse
            self.at("elections", meta, "ground_date", "D.147", value=meta["ground"])
            return None

    def _refusal(self, table: str, row: Row, error: Exception) -> None:
        if isinstance(error, AdminError):
            self.refused(table, row, error)
        else:
            self.at(
                table, row, "type", "I.008", value=row.get("type"), allowed=", ".join(ElectionType)
            )

    def candidates(self) -> None:
        """Nominations, withdrawals and extensions of nomination, in the order they happened
        (a nomination at the time it was submitted, a step at its time), so that each step
        meets the candidates standing when it was taken."""
        self._check_candidates()
        events: list[tuple[dt.datetime, int, str, Row]] = []
        first = dt.datetime.min.replace(tzinfo=dt.UTC)
        nominated: dict[str, dt.datetime] = {}
        for row in self.data.rows("candidates"):
            nominated[str(row["code"])] = row["nominated_at"] or first  # type: ignore[assignment]
            events.append((row["nominated_at"] or first, 0, "candidate", row))  # type: ignore[arg-type]
        for row in self.data.rows("withdrawals"):
            # never before the candidate's own nomination: a withdrawal dated earlier is
            # refused by the rule it breaks (K.011), not as an unknown candidate
            at = max(row["applied_at"], nominated.get(str(row["candidate"]), first))  # type: ignore[type-var]
            events.append((at, 1, "withdrawal", row))  # type: ignore[arg-type]
        for row in self.data.rows("extensions"):
            events.append((row["decided_at"], 1, "extension", row))  # type: ignore[arg-type]
        events.sort(key=lambda e: (e[0], e[1], e[2], str(e[3].get("code") or e[3]["contest"])))
        self.failed: set[str] = set()  # candidates not imported
        self.stuck: set[str] = set()  # contests whose step was refused: later ones are moot
        for _, _, kind, row in events:
            if kind == "candidate":
                self._candidate(row)
            elif kind == "withdrawal":
                self._withdrawal(row)
            else:
                self._extension(row)

    def _check_candidates(self) -> None:
        """The nomination kind fits the party (D.144); a candidate is withdrawn exactly when
        a withdrawal names them (D.145)."""
        withdrew = {str(w["candidate"]) for w in self.data.rows("withdrawals")}
        candidates = {str(c["code"]): c for c in self.data.rows("candidates")}
        for row in self.data.rows("candidates"):
            party, kind = row["party"], row["nomination"]
            if (kind == "party") != (party is not None):
                self.at("candidates", row, "nomination", "D.144", value=kind)
            if (row["registration"] == "withdrawn") != (str(row["code"]) in withdrew):
                self.at("candidates", row, "registration", "D.145", value=row["code"])
        for row in self.data.rows("withdrawals"):
            if str(row["candidate"]) not in candidates:
                self.at("withdrawals", row, "candidate", "D.145", value=row["candidate"])
        self.stop()

    def _candidate(self, row: Row) -> None:
        s = self.session
        if s.get(CandidateRow, row["code"]) is not None:
            self.at("candidates", row, "code", "D.133", value=row["code"])
            self.failed.add(str(row["code"]))
            return
        try:
            require(s, self.actor, Permission.NOMINATE, str(row["okrug"]))
        except AdminError as exc:
            self.refused("candidates", row, exc)
            self.failed.add(str(row["code"]))
            return
        s.add(
            CandidateRow(
                **{
                    k: row[k]
                    for k in (
                        "code",
                        "contest",
                        "name",
                        "party",
                        "sex",
                        "birth_date",
                        "incumbent",
                        "former_akim",
                    )
                },
                nominated_by=HIGHER_AKIM if row["nomination"] == HIGHER_AKIM else None,
            )
        )
        s.flush()
        rules = list(row["refusal_rules"] or [])  # type: ignore[arg-type]
        # A withdrawal cancels a registration: the decision itself was to register.
        decision = "registered" if row["registration"] == "withdrawn" else row["registration"]
        s.add(
            NominationDecisionRow(
                candidate=row["code"],
                decision=decision,
                findings=json.dumps(
                    [
                        {
                            "code": r,
                            "severity": "error",
                            "fields": [],
                            "params": {},
                            "confidence": "imported",
                        }
                        for r in rules
                    ]
                ),
                # kept in the commissions' zone, as nominations record it
                facts=imported_facts(
                    aware(row["nominated_at"]) if row["nominated_at"] else None  # type: ignore[arg-type]
                ),
                decided_by=self.actor.name,
                decided_at=dt.datetime.now(dt.UTC),
                appeal_of=None,
                reason=t("od.import.decision", "en", source=self.note),
            )
        )
        s.flush()
        audit.record(
            s,
            actor=self.actor,
            action="nomination.import",
            entity="candidate",
            entity_id=str(row["code"]),
            payload={
                "decision": decision,
                "refusal_rules": rules,
                "nominated_by": row["nomination"],
                "nominated_at": row["nominated_at"].isoformat()  # type: ignore[union-attr]
                if row["nominated_at"]
                else None,
                "source": self.note,
            },
        )
        self.count("candidates")

    def _withdrawal(self, row: Row) -> None:
        from saylau.administration import steps

        if str(row["candidate"]) in self.failed or row["contest"] in self.stuck:
            return
        try:
            if self.data.administered:
                steps.withdraw(
                    self.session,
                    self.actor,
                    candidate=str(row["candidate"]),
                    applied_at=row["applied_at"],  # type: ignore[arg-type]
                    ballots_printed=bool(row["ballots_printed"]),
                    document=row["document"],  # type: ignore[arg-type]
                    lang=self.lang,
                )
            else:
                self._published_step(row, steps.WITHDRAWAL)
        except AdminError as exc:
            self.refused("withdrawals", row, exc)
            self.stuck.add(str(row["contest"]))
            return
        self.count("withdrawals")

    def _extension(self, row: Row) -> None:
        from saylau.administration import steps

        if row["contest"] in self.stuck:
            return
        try:
            if self.data.administered:
                steps.extend_nomination(
                    self.session,
                    self.actor,
                    election=self.data.election,
                    okrug=str(row["okrug"]),
                    days=int(row["days"]),  # type: ignore[call-overload]
                    decided_at=row["decided_at"],  # type: ignore[arg-type]
                    document=row["document"],  # type: ignore[arg-type]
                    lang=self.lang,
                )
            else:
                self._published_step(row, steps.EXTENSION)
        except AdminError as exc:
            self.refused("extensions", row, exc)
            self.stuck.add(str(row["contest"]))
            return
        self.count("extensions")

    def _published_step(self, row: Row, kind: str) -> None:
        """A step of an election known by published results, stored as the file gives it
        (no commission's calendar to check it against)."""
        from saylau.administration import steps

        require(self.session, self.actor, Permission.NOMINATE, str(row["okrug"]))
        withdrawal = kind == steps.WITHDRAWAL
        taken_at = row["applied_at"] if withdrawal else row["decided_at"]
        step = ElectionStepRow(
            election=self.data.election,
            contest=row["contest"],
            candidate=row["candidate"] if withdrawal else None,
            kind=kind,
            taken_at=taken_at,
            days=None if withdrawal else row["days"],
            ballots_printed=row["ballots_printed"] if withdrawal else None,
            document=row["document"],
            recorded_by=self.actor.name,
            recorded_at=dt.datetime.now(dt.UTC),
        )
        self.session.add(step)
        self.session.flush()
        audit.record(
            self.session,
            actor=self.actor,
            action="candidate.withdraw.import" if withdrawal else "nomination.extend.import",
            entity="candidate" if withdrawal else "contest",
            entity_id=str(row["candidate"] if withdrawal else row["contest"]),
            payload={
                "step": step.id,
                "taken_at": taken_at.isoformat(),  # type: ignore[union-attr]
                "ballots_printed": row.get("ballots_printed"),
                "days": row.get("days"),
                "document": row["document"],
                "source": self.note,
            },
        )

    # protocols and draws, in the order they happened

    def events(self) -> None:
        from saylau.administration import protocols

        code = self.data.election
        votes: dict[tuple[str, int], dict[str, int]] = {}
        for v in self.data.rows("votes"):
            if v["line"] == "candidate":
                votes.setdefault((str(v["station"]), int(v["version"])), {})[
                    str(v["candidate"])
                ] = int(v["votes"])  # type: ignore[call-overload]
        # Protocol versions in the order they were accepted; a draw of lots is recorded as
        # soon as the tie it decided exists (draws are dated by the commission's clock, not
        # by when they were recorded, so their dates do not order them among protocols).
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        ordered = sorted(
            self.data.rows("protocols"),
            key=lambda p: (p["accepted_at"] or far, int(p["version"]), str(p["station"])),  # type: ignore[call-overload]
        )
        pending = sorted(self.data.rows("lot_draws"), key=lambda d: d["drawn_at"])  # type: ignore[arg-type, return-value]
        bad_stations: set[str] = set()
        for row in ordered:
            station = str(row["station"])
            if station in bad_stations:
                continue
            payload = {
                "election": code,
                "station": station,
                # A file written before the home-voting split has none of its columns.
                **{k: row.get(k) for k in protocols.COUNT_FIELDS},
                "votes": votes.get((station, int(row["version"])), {}),  # type: ignore[call-overload]
                "correction_reason": row["correction_reason"],
            }
            try:
                result = protocols.submit(
                    self.session, self.actor, protocols.parse(payload), lang=self.lang
                )
                if result.version != row["version"]:
                    self.at(
                        "protocols",
                        row,
                        "version",
                        "D.134",
                        value=row["version"],
                        found=result.version,
                    )
                    bad_stations.add(station)
                    continue
                if result.status == "held":
                    wanted = list(row["warnings"] or [])  # type: ignore[arg-type]
                    if sorted(wanted) != sorted(result.warnings):
                        self.at(
                            "protocols",
                            row,
                            "warnings",
                            "D.135",
                            found=", ".join(result.warnings),
                            given=", ".join(wanted) or "-",
                        )
                        bad_stations.add(station)
                        continue
                    protocols.acknowledge(
                        self.session,
                        self.actor,
                        result.entry_id,
                        str(row["warnings_note"] or t("od.import.ack", "en", source=self.note)),
                    )
                elif result.status != "accepted":
                    self.at("protocols", row, "station", "D.136", status=result.status)
                    bad_stations.add(station)
                    continue
                self.count("protocols")
            except AdminError as exc:
                self.refused("protocols", row, exc)
                bad_stations.add(station)
                continue
            pending = self._draws(pending, str(row["okrug"]))
        for draw in pending:
            try:  # the draw's tie never came about: the service says why
                self._draw(draw)
            except AdminError as exc:
                self.refused("lot_draws", draw, exc)

    def _draws(self, pending: list[Row], okrug: str) -> list[Row]:
        """Record the pending draws of ``okrug`` whose tie the count now shows."""
        from saylau.administration import results
        from saylau.law.winner import LotsRequired

        left = []
        for draw in pending:
            if draw["okrug"] != okrug:
                left.append(draw)
                continue
            outcome = results.okrug_result(self.session, self.data.election, okrug).outcome
            if isinstance(outcome, LotsRequired) and set(outcome.tied) == set(draw["tied"]):  # type: ignore[arg-type]
                try:
                    self._draw(draw)
                except AdminError as exc:
                    self.refused("lot_draws", draw, exc)
            else:
                left.append(draw)
        return left

    def _draw(self, draw: Row) -> None:
        from saylau.administration import results

        results.record_lot_draw(
            self.session,
            self.actor,
            election=self.data.election,
            okrug=str(draw["okrug"]),
            winner=str(draw["winner"]),
            drawn_by=str(draw["drawn_by"]),
            drawn_at=draw["drawn_at"],  # type: ignore[arg-type]
            witnesses=list(draw["witnesses"]),  # type: ignore[arg-type]
        )
        self.count("lot_draws")

    def certifications(self) -> None:
        from saylau.administration import results

        code = self.data.election
        current: dict[str, str] | None = None
        for row in sorted(self.data.rows("certifications"), key=lambda r: r["certified_at"]):  # type: ignore[arg-type, return-value]
            try:
                require(self.session, self.actor, Permission.CERTIFY, str(row["okrug"]))
            except AdminError as exc:
                self.refused("certifications", row, exc)
                continue
            record = str(row["record"])
            if audit_sha(record) != row["sha256"]:
                self.at("certifications", row, "sha256", "D.137", value=row["sha256"])
                continue
            if current is None:
                current = {
                    r.okrug: results.fingerprint(results.result_record(self.session, r))
                    for r in results.okrug_results(self.session, code)
                }
            matches = current.get(str(row["okrug"])) == row["sha256"]
            if matches != row["matches_data"]:
                self.at("certifications", row, "matches_data", "D.138", okrug=row["okrug"])
                continue
            self.session.add(
                CertificationRow(
                    contest=row["contest"],
                    outcome=row["outcome"],
                    winner=row["winner"],
                    record=record,
                    sha256=row["sha256"],
                    certified_by=row["certified_by"],
                    certified_at=row["certified_at"],
                )
            )
            self.session.flush()
            audit.record(
                self.session,
                actor=self.actor,
                action="result.certify.import",
                entity="contest",
                entity_id=str(row["contest"]),
                payload={
                    "sha256": row["sha256"],
                    "outcome": row["outcome"],
                    "winner": row["winner"],
                    "certified_by": row["certified_by"],
                    "certified_at": row["certified_at"].isoformat(),  # type: ignore[union-attr]
                    "source": self.note,
                },
            )
            self.count("certifications")

    def finance(self) -> None:
        """Allocations (with their budget lines), then the campaign allowances and spending,
        each in the order recorded, through the finance functions."""
        from saylau.administration import finance

        code = self.data.election
        calls: list[tuple[str, Row, object]] = []
        for row in sorted(self.data.rows("budget"), key=lambda r: r["position"]):  # type: ignore[arg-type, return-value]
            calls.append(
                (
                    "budget",
                    row,
                    lambda r=row: finance.allocate_budget(
                        self.session,
                        self.actor,
                        election=code,
                        commission=str(r["commission"]),
                        amount_tiyn=int(r["amount_tiyn"]),  # type: ignore[call-overload]
                        date=r["date"],  # type: ignore[arg-type]
                        document=r["document"],  # type: ignore[arg-type]
                        budget_line=r["budget_line"],  # type: ignore[arg-type]
                    ),
                )
            )
        for row in sorted(self.data.rows("allowances"), key=lambda r: r["position"]):  # type: ignore[arg-type, return-value]
            calls.append(
                (
                    "allowances",
                    row,
                    lambda r=row: finance.set_allowance(
                        self.session,
                        self.actor,
                        election=code,
                        amount_tiyn=int(r["amount_tiyn"]),  # type: ignore[call-overload]
                        date=r["date"],  # type: ignore[arg-type]
                        source=str(r["source"]),
                    ),
                )
            )
        for row in sorted(self.data.rows("spending"), key=lambda r: r["position"]):  # type: ignore[arg-type, return-value]
            calls.append(
                (
                    "spending",
                    row,
                    lambda r=row: finance.spend(
                        self.session,
                        self.actor,
                        election=code,
                        commission=str(r["commission"]),
                        item=finance.Item(str(r["item"])),
                        amount_tiyn=int(r["amount_tiyn"]),  # type: ignore[call-overload]
                        date=r["date"],  # type: ignore[arg-type]
                        okrug=r["okrug"],  # type: ignore[arg-type]
                        document=r["document"],  # type: ignore[arg-type]
                    ),
                )
            )
        for table, row, call in calls:
            try:
                call()  # type: ignore[operator]
            except AdminError as exc:
                self.refused(table, row, exc)
                continue
            self.count(table)

    def published(self) -> None:
        s = self.session
        code = self.data.election
        for row in self.data.rows("figures"):
            if s.get(FigureRow, row["id"]) is not None:
                self.at("figures", row, "id", "D.139", value=row["id"])
                continue
            value = row["value"]
            assert isinstance(value, Decimal)
            decimals = int(row["decimals"])  # type: ignore[call-overload]
            integer, scale = scaled(value.quantize(Decimal(1).scaleb(-decimals)))
            s.add(
                FigureRow(
                    id=row["id"],
                    dataset=str(row["source"]),
                    election=row["election"],
                    level=row["level"],
                    unit=row["unit"],
                    measure=row["measure"],
                    party=row["party"],
                    nomination=row["nomination"],
                    sex=row["sex"],
                    value=integer,
                    scale=scale,
                    approximate=row["approximate"],
                    source=row["source"],
                    source_table=row["table"],
                    source_row=row["row"],
                    source_column=row["column"],
                    source_page=None,
                    position=row["position"],
                    note=row["note"],
                )
            )
            self.count("figures")
        s.flush()
        parents: dict[tuple[object, object, object], PublishedResultRow] = {}
        for row in self.data.rows("published_results"):
            result = PublishedResultRow(
                election=code, **{k: row[k] for k in BY_NAME["published_results"].names}
            )
            s.add(result)
            parents[(row["level"], row["unit"], row["source"])] = result
            self.count("published_results")
        s.flush()
        for row in self.data.rows("published_votes"):
            parent = parents.get((row["level"], row["unit"], row["source"]))
            if parent is None:
                self.at("published_votes", row, "unit", "D.141", value=row["unit"])
                continue
            s.add(
                PublishedVoteRow(
                    result=parent.id,
                    candidate=row["candidate"],
                    votes=row["votes"],
                    location=row["location"],
                )
            )
            self.count("published_votes")
        s.flush()
        if self.data.rows("figures") or self.data.rows("published_results"):
            audit.record(
                s,
                actor=self.actor,
                action="results.import",
                entity="election",
                entity_id=code,
                payload={
                    "figures": len(self.data.rows("figures")),
                    "published_results": len(self.data.rows("published_results")),
                    "published_votes": len(self.data.rows("published_votes")),
                    "source": self.note,
                },
            )

    def verify(self) -> None:
        """Read the election back and compare it with the file."""
        from saylau.exports.collect import collect

        back = collect(self.session, self.data.election)
        skip = {
            table: NOT_CARRIED.get(table, set()) | self.data.absent.get(table, set())
            for table in {*NOT_CARRIED, *self.data.absent}
        }
        mine = comparable(self.data, skip=skip)
        theirs = comparable(back, skip=skip)
        for table in CHECKED:
            spec = BY_NAME[table]
            if spec.derived and not self.data.rows(table):
                continue  # the file does not give it: nothing to contradict
            missing = [row for row in mine[table] if row not in theirs[table]]
            extra = [row for row in theirs[table] if row not in mine[table]]
            if not missing and not extra:
                continue
            if missing:
                values = dict(missing[0])
                original = next(
                    (
                        r
                        for r in self.data.rows(table)
                        if all(r.get(k) == values.get(k) for k in spec.key)
                    ),
                    values,
                )
                self.at(
                    table, original, None, "D.142", table=table, count=len(missing) + len(extra)
                )
            else:
                self.problems.append(
                    Problem(table, None, None, "D.143", {"table": table, "count": len(extra)})
                )


def audit_sha(text: str) -> str:
    """SHA-256 of a certified record's canonical JSON text."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _law_versions() -> frozenset[str] | None:
    try:
        from saylau.law import catalogue
    except ImportError:  # pragma: no cover - law layer absent
        return None
    return frozenset(name for v in catalogue.law_versions() for name in (v.code, *v.aliases))


def load(
    session: Session, actor: Actor, data: OpenElection, *, note: str, lang: str = "en"
) -> LoadResult:
    """Write ``data`` into the database in ``session``'s transaction (see the module
    docstring); ``note`` names where it came from (file and digest) in the audit log.

    Raises DatasetError with every problem; the caller's transaction then writes nothing.
    """
    loader = _Loader(session, actor, data, note, lang)
    loader.election()
    loader.candidates()
    loader.stop()
    loader.events()
    loader.stop()
    loader.certifications()
    loader.finance()
    loader.published()
    loader.stop()
    loader.verify()
    loader.stop()
    entry = audit.record(
        session,
        actor=actor,
        action="election.import.done",
        entity="election",
        entity_id=data.election,
        payload={"counts": loader.counts, "source": note},
    )
    return LoadResult(data.election, loader.counts, entry)
