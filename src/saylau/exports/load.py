"""Importing an open election into the database, through the service layer.

An election exported by saylau (any format) is written back the way it was made:

* an election **run with saylau** is called (:func:`saylau.administration.setup.create_election`),
  its places loaded (:func:`~saylau.administration.setup.load_setup`), every accepted protocol
  version submitted again (:func:`saylau.administration.protocols.submit`, with its control
  relations; warnings acknowledged with the source's note), the commission's draws of lots
  recorded (:func:`saylau.administration.results.record_lot_draw`) and certifications stored
  after checking their fingerprints; registration decisions are recorded as imported
  decisions (the facts behind them are not exported);
* published **figures** and **results** are stored as published, with their source.

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
    "districts",
    "okrugs",
    "stations",
    "contests",
    "candidates",
    "protocols",
    "votes",
    "lot_draws",
    "certifications",
    "figures",
    "published_results",
    "published_votes",
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
    """What an import wrote."""

    election: str
    counts: dict[str, int] = field(default_factory=dict)
    audit_seq: int | None = None


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

    def _refusal(self, table: str, row: Row, error: Exception) -> None:
        if isinstance(error, AdminError):
            self.refused(table, row, error)
        else:
            self.at(
                table, row, "type", "I.008", value=row.get("type"), allowed=", ".join(ElectionType)
            )

    def candidates(self) -> None:
        s = self.session
        now = dt.datetime.now(dt.UTC)
        for row in self.data.rows("candidates"):
            if s.get(CandidateRow, row["code"]) is not None:
                self.at("candidates", row, "code", "D.133", value=row["code"])
                continue
            try:
                require(s, self.actor, Permission.NOMINATE, str(row["okrug"]))
            except AdminError as exc:
                self.refused("candidates", row, exc)
                continue
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
                    }
                )
            )
            s.flush()
            rules = list(row["refusal_rules"] or [])  # type: ignore[arg-type]
            s.add(
                NominationDecisionRow(
                    candidate=row["code"],
                    decision=row["registration"],
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
                    facts="{}",
                    decided_by=self.actor.name,
                    decided_at=now,
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
                    "decision": row["registration"],
                    "refusal_rules": rules,
                    "source": self.note,
                },
            )
            self.count("candidates")

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
                **{k: row[k] for k in protocols.COUNT_FIELDS},
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
        mine = comparable(self.data, skip=NOT_CARRIED)
        theirs = comparable(back, skip=NOT_CARRIED)
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
    return LoadResult(data.election, loader.counts, entry.seq)
