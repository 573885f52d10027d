"""Reading one election out of the database into an :class:`OpenElection`.

Three kinds of election are read the same way, each from where its numbers live:

* an election **run with saylau** (it has a commission's setup): places, candidates and their
  registration, every accepted protocol version, draws of lots, certifications; totals,
  results and outcomes are computed from the current protocols by the service layer
  (:func:`saylau.tabulate.aggregate.tabulate`, :func:`saylau.administration.results.okrug_results`);
* an election known by its **published figures** (the bundled 2021 data): the figures with
  their provenance, the regions and parties they refer to;
* an election known by **published results** (an imported CDF file or commission table):
  the results exactly as published.

Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saylau.administration.errors import AdminError
from saylau.administration.nominations import is_imported, nominated_at_of
from saylau.domain import HOME_VOTING_FIELDS
from saylau.exports.context import ExportContext, export_context
from saylau.exports.model import Omission, OpenElection, Row, normalise, sort_rows
from saylau.exports.spec import BY_NAME
from saylau.i18n import LANGS, t
from saylau.store.datasets import unscaled
from saylau.store.schema import (
    AuditRow,
    BudgetRow,
    CampaignAllowanceRow,
    CandidateRow,
    CertificationRow,
    CommissionRow,
    ContestRow,
    DistrictRow,
    ElectionRow,
    ElectionSetupRow,
    ElectionStepRow,
    ExpenditureRow,
    FigureRow,
    LotDrawRow,
    NominationDecisionRow,
    OkrugRow,
    PartyLineageRow,
    PartyNameRow,
    PartyRow,
    ProtocolEntryRow,
    ProtocolRow,
    ProtocolVoteRow,
    PublishedResultRow,
    PublishedVoteRow,
    RecallStepRow,
    RegionRow,
    SourceRow,
    StationRollRow,
    StationRow,
)

REPUBLIC = "KZ"
HUNDREDTH = Decimal("0.01")


class ExportError(AdminError):
    """An export that cannot be made (unknown election); the message names it."""


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored moment as an aware UTC datetime (SQLite keeps no offset)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC)


def count_status(reported: int | None, total: int | None) -> str:
    """completed, in-process or not-processed (CDF's CountItemStatus); unknown without data."""
    if total is None or reported is None:
        return "unknown"
    if reported == 0:
        return "not-processed"
    return "completed" if reported >= total else "in-process"


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """``100 * part / whole`` to two decimals (half-even), or None when undefined."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_EVEN)


def collect(
    session: Session, election: str, *, context: ExportContext | None = None
) -> OpenElection:
    """Everything of ``election`` the open-data tables hold; raise D.001 if it is unknown."""
    row = session.get(ElectionRow, election)
    if row is None:
        raise ExportError("D.001", "election", value=election)
    setup = session.get(ElectionSetupRow, election)
    data = OpenElection(election, context=context or export_context(session))
    tables: dict[str, list[Row]] = {spec.name: [] for spec in BY_NAME.values()}
    tables["elections"].append(
        {
            "code": row.code,
            "type": row.type,
            "date": row.date,
            "law_version": row.law_version,
            "name_kk": row.name_kk,
            "name_ru": row.name_ru,
            "name_en": row.name_en,
            "synthetic": bool(row.synthetic),
            "source": row.source,
            "territory": setup.territory if setup else None,
            "against_all_on_ballot": setup.against_all_on_ballot if setup else None,
            "ground": setup.ground if setup else None,
            "ground_date": setup.ground_date if setup else None,
            "called_on": setup.called_on if setup else None,
            "note": row.note,
        }
    )
    contests = list(
        session.scalars(
            select(ContestRow).where(ContestRow.election == election).order_by(ContestRow.code)
        )
    )
    tables["contests"] = [{"code": c.code, "okrug": c.okrug, "seats": c.seats} for c in contests]
    _steps(session, election, setup is not None, tables)
    candidates = _candidates(session, [c.code for c in contests], tables)
    published = _published(session, election, tables)
    figures = _figures(session, election, tables)
    stations: set[str] = set()
    if setup is not None:
        stations = _protocols(session, election, tables)
        _draws_and_certifications(session, election, contests, tables)
        _finance(session, election, tables)
    okrugs = {c.okrug for c in contests}
    units = _units(
        session,
        election,
        stations=stations,
        okrugs=okrugs,
        published=published,
        figures=figures,
        territory=setup.territory if setup else None,
        tables=tables,
    )
    _commissions(session, units, tables)
    parties = {str(c["party"]) for c in candidates if c["party"]} | {
        str(f["party"]) for f in figures if f["party"]
    }
    _parties(session, parties, tables)
    _sources(session, tables)
    if setup is not None:
        _derived_from_protocols(session, election, tables)
    else:
        derive_published(tables)
    data.not_exported = _not_exported(session, election, setup, candidates, okrugs)
    for spec in BY_NAME.values():
        data.tables[spec.name] = sort_rows(
            spec, [normalise(spec, r) for r in tables.get(spec.name, [])]
        )
    return data


# --- core tables ----------------------------------------------------------------------------


def _candidates(session: Session, contests: list[str], tables: dict[str, list[Row]]) -> list[Row]:
    if not contests:
        return []
    okrug_of = {c["code"]: c["okrug"] for c in tables["contests"]}
    latest = (
        select(NominationDecisionRow.candidate, func.max(NominationDecisionRow.id).label("id"))
        .group_by(NominationDecisionRow.candidate)
        .subquery()
    )
    decisions = {
        d.candidate: d
        for d in session.scalars(
            select(NominationDecisionRow).join(latest, latest.c.id == NominationDecisionRow.id)
        )
    }
    first = (
        select(NominationDecisionRow.candidate, func.min(NominationDecisionRow.id).label("id"))
        .group_by(NominationDecisionRow.candidate)
        .subquery()
    )
    submitted = {
        candidate: nominated_at_of(facts)
        for candidate, facts in session.execute(
            select(NominationDecisionRow.candidate, NominationDecisionRow.facts).join(
                first, first.c.id == NominationDecisionRow.id
            )
        )
    }
    withdrawn = {str(w["candidate"]) for w in tables["withdrawals"]}
    out: list[Row] = []
    for c in session.scalars(
        select(CandidateRow).where(CandidateRow.contest.in_(contests)).order_by(CandidateRow.code)
    ):
        decision = decisions.get(c.code)
        refusal: list[str] | None = None
        if decision is not None and decision.decision == "refused":
            refusal = [
                f["code"] for f in json.loads(decision.findings) if f.get("severity") == "error"
            ] or None
        registration = decision.decision if decision is not None else None
        if c.code in withdrawn:
            registration = "withdrawn"
        out.append(
            {
                "code": c.code,
                "contest": c.contest,
                "okrug": okrug_of[c.contest],
                "name": c.name,
                "party": c.party,
                "nomination": nomination_kind(c.party, c.nominated_by),
                "sex": c.sex,
                "birth_date": c.birth_date,
                "incumbent": c.incumbent,
                "former_akim": c.former_akim,
                "registration": registration,
                "refusal_rules": refusal,
                "nominated_at": utc(submitted.get(c.code)),
            }
        )
    tables["candidates"] = out
    return out


def nomination_kind(party: str | None, nominated_by: str | None) -> str:
    """party, self or higher_akim (the ``nomination`` column) from the stored candidate."""
    if nominated_by == "higher_akim":
        return "higher_akim"
    return "party" if party else "self"


def _steps(
    session: Session, election: str, administered: bool, tables: dict[str, list[Row]]
) -> None:
    """Withdrawals and extensions of nomination (``election_step``), with the extended
    window of each extension as the law version gives it (elections run with saylau)."""
    from saylau.administration import steps

    okrug_of = {str(c["code"]): str(c["okrug"]) for c in tables["contests"]}
    for step in session.scalars(
        select(ElectionStepRow)
        .where(ElectionStepRow.election == election)
        .order_by(ElectionStepRow.taken_at, ElectionStepRow.id)
    ):
        okrug = okrug_of[step.contest]
        if step.kind == steps.WITHDRAWAL:
            tables["withdrawals"].append(
                {
                    "contest": step.contest,
                    "okrug": okrug,
                    "candidate": step.candidate,
                    "applied_at": utc(step.taken_at),
                    "ballots_printed": step.ballots_printed,
                    "document": step.document,
                }
            )
        elif step.kind == steps.EXTENSION:
            extension = steps.contest_extension(session, election, okrug) if administered else None
            tables["extensions"].append(
                {
                    "contest": step.contest,
                    "okrug": okrug,
                    "decided_at": utc(step.taken_at),
                    "days": step.days,
                    "document": step.document,
                    "extended_from": utc(extension.base) if extension else None,
                    "extended_until": utc(extension.until) if extension else None,
                }
            )


def _finance(session: Session, election: str, tables: dict[str, list[Row]]) -> None:
    """Budget allocations (with their budget lines), spending and campaign allowances, each
    numbered in the order recorded."""
    for position, b in enumerate(
        session.scalars(
            select(BudgetRow).where(BudgetRow.election == election).order_by(BudgetRow.id)
        ),
        start=1,
    ):
        tables["budget"].append(
            {
                "position": position,
                "commission": b.commission,
                "amount_tiyn": int(b.amount_tiyn),
                "date": b.date,
                "document": b.document,
                "budget_line": b.budget_line,
            }
        )
    for position, e in enumerate(
        session.scalars(
            select(ExpenditureRow)
            .where(ExpenditureRow.election == election)
            .order_by(ExpenditureRow.id)
        ),
        start=1,
    ):
        tables["spending"].append(
            {
                "position": position,
                "commission": e.commission,
                "okrug": e.okrug,
                "item": e.item,
                "amount_tiyn": int(e.amount_tiyn),
                "date": e.date,
                "document": e.document,
            }
        )
    for position, a in enumerate(
        session.scalars(
            select(CampaignAllowanceRow)
            .where(CampaignAllowanceRow.election == election)
            .order_by(CampaignAllowanceRow.id)
        ),
        start=1,
    ):
        tables["allowances"].append(
            {
                "position": position,
                "amount_tiyn": int(a.amount_tiyn),
                "date": a.date,
                "source": a.source,
            }
        )


def _protocols(session: Session, election: str, tables: dict[str, list[Row]]) -> set[str]:
    """Every accepted version with its votes; returns the stations on the election's roll."""
    newest = dict(
        session.execute(
            select(ProtocolRow.station, func.max(ProtocolRow.version))
            .where(ProtocolRow.election == election)
            .group_by(ProtocolRow.station)
        ).all()
    )
    accepted = {
        (e.station, e.version): e
        for e in session.scalars(
            select(ProtocolEntryRow).where(
                ProtocolEntryRow.election == election, ProtocolEntryRow.status == "accepted"
            )
        )
    }
    okrug_of = dict(session.execute(select(StationRow.code, StationRow.okrug)).all())
    votes: dict[int, list[tuple[str, int]]] = {}
    for vote in session.execute(
        select(ProtocolVoteRow.protocol, ProtocolVoteRow.candidate, ProtocolVoteRow.votes)
        .join(ProtocolRow, ProtocolRow.id == ProtocolVoteRow.protocol)
        .where(ProtocolRow.election == election)
    ):
        votes.setdefault(vote.protocol, []).append((vote.candidate, vote.votes))
    for p in session.scalars(select(ProtocolRow).where(ProtocolRow.election == election)):
        entry = accepted.get((p.station, p.version))
        warnings = [f["code"] for f in json.loads(entry.findings)] if entry is not None else []
        current = newest[p.station] == p.version
        tables["protocols"].append(
            {
                "station": p.station,
                "okrug": okrug_of[p.station],
                "version": p.version,
                "current": current,
                "voters_on_list": p.voters_on_list,
                "ballots_received": p.ballots_received,
                "ballots_issued": p.ballots_issued,
                "ballots_cancelled": p.ballots_cancelled,
                "ballots_in_boxes": p.ballots_in_boxes,
                "invalid": p.invalid,
                "against_all": p.against_all,
                **{name: getattr(p, name) for name in HOME_VOTING_FIELDS},
                "correction_reason": p.correction_reason,
                "warnings": warnings,
                "warnings_note": entry.decision_note if entry is not None else None,
                "accepted_at": utc(p.entered_at),
            }
        )
        for candidate, count in votes.get(p.id, []):
            tables["votes"].append(
                {
                    "station": p.station,
                    "version": p.version,
                    "current": current,
                    "line": "candidate",
                    "candidate": candidate,
                    "votes": count,
                }
            )
        if p.against_all is not None:
            tables["votes"].append(
                {
                    "station": p.station,
                    "version": p.version,
                    "current": current,
                    "line": "against_all",
                    "candidate": None,
                    "votes": p.against_all,
                }
            )
    return set(
        session.scalars(select(StationRollRow.station).where(StationRollRow.election == election))
    )


def _draws_and_certifications(
    session: Session, election: str, contests: list[ContestRow], tables: dict[str, list[Row]]
) -> None:
    from saylau.administration import results

    okrug_of = {c.code: c.okrug for c in contests}
    codes = list(okrug_of)
    for draw in session.scalars(select(LotDrawRow).where(LotDrawRow.contest.in_(codes))):
        tables["lot_draws"].append(
            {
                "contest": draw.contest,
                "okrug": okrug_of[draw.contest],
                "tied": list(json.loads(draw.tied)),
                "winner": draw.winner,
                "drawn_by": draw.drawn_by,
                "drawn_at": utc(draw.drawn_at),
                "witnesses": list(json.loads(draw.witnesses)),
            }
        )
    certs = list(
        session.scalars(select(CertificationRow).where(CertificationRow.contest.in_(codes)))
    )
    current: dict[str, str] = {}
    if certs:
        for result in results.okrug_results(session, election):
            record = results.result_record(session, result)
            current[f"{election}:{result.okrug}"] = results.fingerprint(record)
    for cert in certs:
        tables["certifications"].append(
            {
                "contest": cert.contest,
                "okrug": okrug_of[cert.contest],
                "outcome": cert.outcome,
                "winner": cert.winner,
                "sha256": cert.sha256,
                "certified_by": cert.certified_by,
                "certified_at": utc(cert.certified_at),
                "record": cert.record,
                "matches_data": current.get(cert.contest) == cert.sha256,
            }
        )


def _figures(session: Session, election: str, tables: dict[str, list[Row]]) -> list[Row]:
    """The election's figures, and the figures without an election (a party registry, a
    paper's text) of the datasets that hold them (the 2021 data: Table 1 of the paper)."""
    datasets = select(FigureRow.dataset).where(FigureRow.election == election).distinct()
    query = select(FigureRow).where(
        (FigureRow.election == election)
        | (FigureRow.election.is_(None) & FigureRow.dataset.in_(datasets))
    )
    for f in session.scalars(query):
        tables["figures"].append(
            {
                "id": f.id,
                "election": f.election,
                "level": f.level,
                "unit": f.unit,
                "measure": f.measure,
                "party": f.party,
                "nomination": f.nomination,
                "sex": f.sex,
                "value": unscaled(f.value, f.scale),
                "decimals": f.scale,
                "approximate": bool(f.approximate),
                "source": f.source,
                "table": f.source_table,
                "row": f.source_row,
                "column": f.source_column,
                "position": f.position,
                "note": f.note,
            }
        )
    return tables["figures"]


def _published(session: Session, election: str, tables: dict[str, list[Row]]) -> list[Row]:
    rows = list(
        session.scalars(select(PublishedResultRow).where(PublishedResultRow.election == election))
    )
    by_id = {r.id: r for r in rows}
    for r in rows:
        tables["published_results"].append(
            {
                "level": r.level,
                "unit": r.unit,
                "contest": r.contest,
                "voters_on_list": r.voters_on_list,
                "ballots_received": r.ballots_received,
                "ballots_issued": r.ballots_issued,
                "ballots_cancelled": r.ballots_cancelled,
                "ballots_in_boxes": r.ballots_in_boxes,
                "invalid": r.invalid,
                "against_all": r.against_all,
                **{name: getattr(r, name) for name in HOME_VOTING_FIELDS},
                "stations_reported": r.stations_reported,
                "stations_total": r.stations_total,
                "count_status": r.count_status,
                "outcome": r.outcome,
                "winner": r.winner,
                "certified_sha256": r.certified_sha256,
                "certified_at": utc(r.certified_at),
                "certified_by": r.certified_by,
                "source": r.source,
                "location": r.location,
            }
        )
    if by_id:
        for v in session.scalars(
            select(PublishedVoteRow).where(PublishedVoteRow.result.in_(list(by_id)))
        ):
            parent = by_id[v.result]
            tables["published_votes"].append(
                {
                    "level": parent.level,
                    "unit": parent.unit,
                    "candidate": v.candidate,
                    "votes": v.votes,
                    "source": parent.source,
                    "location": v.location,
                }
            )
    return tables["published_results"]


def _units(
    session: Session,
    election: str,
    *,
    stations: set[str],
    okrugs: set[str],
    published: list[Row],
    figures: list[Row],
    territory: str | None,
    tables: dict[str, list[Row]],
) -> set[str]:
    """Regions, districts, okrugs and stations of the election; returns every unit code."""
    wanted: dict[str, set[str]] = {"region": set(), "district": set(), "okrug": set(okrugs)}
    wanted["station"] = set(stations)
    for item in [*published, *figures]:
        level = str(item["level"])
        if level in wanted:
            wanted[level].add(str(item["unit"]))
    if territory and territory != REPUBLIC:
        if session.get(RegionRow, territory) is not None:
            wanted["region"].add(territory)
        else:
            wanted["district"].add(territory)
    roll = dict(
        session.execute(
            select(StationRollRow.station, StationRollRow.registered_voters).where(
                StationRollRow.election == election
            )
        ).all()
    )
    for s in _rows(session, StationRow, wanted["station"]):
        wanted["okrug"].add(s.okrug)
        tables["stations"].append(
            {
                "code": s.code,
                "okrug": s.okrug,
                "number": s.number,
                "name_kk": s.name_kk,
                "name_ru": s.name_ru,
                "name_en": s.name_en,
                "registered_voters": roll.get(s.code),
            }
        )
    for o in _rows(session, OkrugRow, wanted["okrug"]):
        wanted["district"].add(o.district)
        tables["okrugs"].append(
            {
                "code": o.code,
                "district": o.district,
                "kind": o.kind,
                "name_kk": o.name_kk,
                "name_ru": o.name_ru,
                "name_en": o.name_en,
                "kato": o.kato,
                "population": o.population,
            }
        )
    for d in _rows(session, DistrictRow, wanted["district"]):
        wanted["region"].add(d.region)
        tables["districts"].append(
            {
                "code": d.code,
                "region": d.region,
                "kind": d.kind,
                "name_kk": d.name_kk,
                "name_ru": d.name_ru,
                "name_en": d.name_en,
                "kato": d.kato,
            }
        )
    for r in _rows(session, RegionRow, wanted["region"]):
        tables["regions"].append(
            {
                "code": r.code,
                "kind": r.kind,
                "name_kk": r.name_kk,
                "name_ru": r.name_ru,
                "name_en": r.name_en,
                "kato": r.kato,
                "iso_legacy": r.iso_legacy,
                "name_latin": r.name_latin,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
                "source": r.source,
                "note": r.note,
            }
        )
    return {REPUBLIC, *(code for codes in wanted.values() for code in codes)}


def _rows(session: Session, table: type, codes: Iterable[str]) -> list:
    codes = sorted(set(codes))
    if not codes:
        return []
    return list(session.scalars(select(table).where(table.code.in_(codes)).order_by(table.code)))


def _commissions(session: Session, units: set[str], tables: dict[str, list[Row]]) -> None:
    """The commissions of the election's units, and any other the finance tables name."""
    named = {str(r["commission"]) for t in ("budget", "spending") for r in tables[t]}
    for c in session.scalars(
        select(CommissionRow).where(
            CommissionRow.territory.in_(sorted(units)) | CommissionRow.code.in_(sorted(named))
        )
    ):
        tables["commissions"].append(
            {
                "code": c.code,
                "level": c.level,
                "territory": c.territory,
                "name_kk": c.name_kk,
                "name_ru": c.name_ru,
                "name_en": c.name_en,
            }
        )


def _parties(session: Session, codes: set[str], tables: dict[str, list[Row]]) -> None:
    for p in _rows(session, PartyRow, codes):
        tables["parties"].append(
            {
                "code": p.code,
                "registered": p.registered,
                "dissolved": p.dissolved,
                "source": p.source,
                "note": p.note,
            }
        )
    if not codes:
        return
    for n in session.scalars(select(PartyNameRow).where(PartyNameRow.party.in_(sorted(codes)))):
        tables["party_names"].append(
            {
                "party": n.party,
                "valid_from": n.valid_from,
                "valid_to": n.valid_to,
                "name_kk": n.name_kk,
                "name_ru": n.name_ru,
                "name_en": n.name_en,
                "short_kk": n.short_kk,
                "short_ru": n.short_ru,
                "short_en": n.short_en,
                "source": n.source,
            }
        )
    for lineage in session.scalars(select(PartyLineageRow)):
        if lineage.predecessor in codes and lineage.successor in codes:
            tables["party_lineage"].append(
                {
                    "predecessor": lineage.predecessor,
                    "successor": lineage.successor,
                    "kind": lineage.kind,
                    "date": lineage.date,
                    "source": lineage.source,
                    "note": lineage.note,
                }
            )


def _sources(session: Session, tables: dict[str, list[Row]]) -> None:
    codes: set[str] = set()
    for name in (
        "elections",
        "regions",
        "parties",
        "party_names",
        "party_lineage",
        "figures",
        "published_results",
    ):
        codes |= {str(r["source"]) for r in tables[name] if r.get("source")}
    for s in _rows(session, SourceRow, codes):
        tables["sources"].append(
            {
                "code": s.code,
                "kind": s.kind,
                "title": s.title,
                "citation": s.citation,
                "url": s.url,
                "licence": s.licence,
                "synthetic": bool(s.synthetic),
                "note": s.note,
            }
        )


# --- derived tables -------------------------------------------------------------------------


def _unit_names(tables: dict[str, list[Row]]) -> dict[tuple[str, str], dict[str, str]]:
    """(level, code) -> the unit's names as the ``name_kk``, ``name_ru``, ``name_en`` columns."""
    names = {("republic", REPUBLIC): {f"name_{lang}": t("od.republic", lang) for lang in LANGS}}
    for level, table in (
        ("region", "regions"),
        ("district", "districts"),
        ("okrug", "okrugs"),
        ("station", "stations"),
    ):
        for row in tables[table]:
            names[(level, str(row["code"]))] = {
                f"name_{lang}": str(row[f"name_{lang}"]) for lang in LANGS
            }
    return names


def _derived_from_protocols(session: Session, election: str, tables: dict[str, list[Row]]) -> None:
    from saylau.administration import results
    from saylau.tabulate.aggregate import Level, tabulate

    names = _unit_names(tables)
    okrug_totals = {}
    for level in Level:
        for item in tabulate(session, election, level):
            if level is Level.OKRUG:
                okrug_totals[item.unit] = item
            reported = item.stations_reported > 0
            tables["totals"].append(
                {
                    "level": level.value,
                    "unit": item.unit,
                    **names.get((level.value, item.unit), {}),
                    "basis": "protocols",
                    "stations_total": item.stations_expected,
                    "stations_reported": item.stations_reported,
                    "count_status": count_status(item.stations_reported, item.stations_expected),
                    "voters_on_list": item.voters_on_list if reported else None,
                    "ballots_received": item.ballots_received if reported else None,
                    "ballots_issued": item.ballots_issued if reported else None,
                    "ballots_cancelled": item.ballots_cancelled if reported else None,
                    "ballots_in_boxes": item.ballots_in_boxes if reported else None,
                    "invalid": item.invalid if reported else None,
                    "against_all": item.against_all,
                    **{name: getattr(item, name) for name in HOME_VOTING_FIELDS},
                    "stations_with_split": item.stations_with_split,
                    "valid": item.valid if reported else None,
                    "turnout_pct": percent(item.ballots_issued, item.voters_on_list)
                    if reported
                    else None,
                }
            )
    candidates = {str(c["code"]): c for c in tables["candidates"]}
    registered: dict[str, list[str]] = {}
    for c in tables["candidates"]:
        if c["registration"] == "registered":
            registered.setdefault(str(c["okrug"]), []).append(str(c["code"]))
    for p in tables["protocols"]:
        if not p["current"]:
            continue
        station = str(p["station"])
        votes = {
            str(v["candidate"]): int(v["votes"])  # type: ignore[arg-type]
            for v in tables["votes"]
            if v["station"] == station and v["current"] and v["line"] == "candidate"
        }
        _result_rows(
            tables,
            "station",
            station,
            str(p["okrug"]),
            votes,
            p["against_all"],  # type: ignore[arg-type]
            p["ballots_in_boxes"],  # type: ignore[arg-type]
            candidates,
        )
    for okrug, item in okrug_totals.items():
        if item.stations_reported == 0:
            continue
        votes = {c: item.votes.get(c, 0) for c in registered.get(okrug, [])}
        for code, count in item.votes.items():
            votes.setdefault(code, count)
        _result_rows(
            tables,
            "okrug",
            okrug,
            okrug,
            votes,
            item.against_all,
            item.ballots_in_boxes,
            candidates,
        )
    matching = {str(c["contest"]) for c in tables["certifications"] if c["matches_data"] is True}
    for result in results.okrug_results(session, election):
        outcome = result.outcome
        winner = getattr(outcome, "candidate", None) if outcome is not None else None
        contest = f"{election}:{result.okrug}"
        tables["outcomes"].append(
            {
                "contest": contest,
                "okrug": result.okrug,
                "outcome": results.outcome_kind(outcome),
                "winner": winner,
                "rules": [step.rule for step in outcome.trace] if outcome is not None else [],
                "certified": contest in matching,
                "withdrawn": list(result.withdrawn),
            }
        )


def _result_rows(
    tables: dict[str, list[Row]],
    level: str,
    unit: str,
    okrug: str,
    votes: dict[str, int],
    against_all: int | None,
    in_boxes: int | None,
    candidates: dict[str, Row],
) -> None:
    for code, count in sorted(votes.items()):
        candidate = candidates.get(code, {})
        tables["results"].append(
            {
                "level": level,
                "unit": unit,
                "okrug": okrug,
                "line": "candidate",
                "candidate": code,
                "candidate_name": candidate.get("name"),
                "party": candidate.get("party"),
                "votes": count,
                "share_pct": percent(count, in_boxes),
                "withdrawn": candidate.get("registration") == "withdrawn",
            }
        )
    if against_all is not None:
        tables["results"].append(
            {
                "level": level,
                "unit": unit,
                "okrug": okrug,
                "line": "against_all",
                "candidate": None,
                "candidate_name": None,
                "party": None,
                "votes": against_all,
                "share_pct": percent(against_all, in_boxes),
                "withdrawn": None,
            }
        )


def derive_published(tables: dict[str, list[Row]]) -> None:
    """Totals, results and outcomes exactly as published (the first source of each unit)."""
    names = _unit_names(tables)
    candidates = {str(c["code"]): c for c in tables["candidates"]}
    okrug_of_station = {str(s["code"]): str(s["okrug"]) for s in tables["stations"]}
    on_ballot: dict[str, list[str]] = {}
    for w in sorted(tables.get("withdrawals", []), key=lambda w: str(w["candidate"])):
        if w["ballots_printed"]:
            on_ballot.setdefault(str(w["contest"]), []).append(str(w["candidate"]))
    seen: set[tuple[str, str]] = set()
    for r in sorted(
        tables["published_results"], key=lambda r: (r["level"], r["unit"], r["source"])
    ):
        key = (str(r["level"]), str(r["unit"]))
        if key in seen:
            continue
        seen.add(key)
        candidate_votes = {
            str(v["candidate"]): int(v["votes"])  # type: ignore[arg-type]
            for v in tables["published_votes"]
            if (v["level"], v["unit"], v["source"]) == (r["level"], r["unit"], r["source"])
        }
        valid = None
        if candidate_votes or r["against_all"] is not None:
            valid = sum(candidate_votes.values()) + int(r["against_all"] or 0)  # type: ignore[call-overload]
        tables["totals"].append(
            {
                "level": r["level"],
                "unit": r["unit"],
                **names.get(key, {}),
                "basis": "published",
                "stations_total": r["stations_total"],
                "stations_reported": r["stations_reported"],
                "count_status": r["count_status"],
                "voters_on_list": r["voters_on_list"],
                "ballots_received": r["ballots_received"],
                "ballots_issued": r["ballots_issued"],
                "ballots_cancelled": r["ballots_cancelled"],
                "ballots_in_boxes": r["ballots_in_boxes"],
                "invalid": r["invalid"],
                "against_all": r["against_all"],
                **{name: r.get(name) for name in HOME_VOTING_FIELDS},
                "stations_with_split": None,
                "valid": valid,
                "turnout_pct": percent(r["ballots_issued"], r["voters_on_list"]),  # type: ignore[arg-type]
            }
        )
        if key[0] in ("okrug", "station"):
            okrug = key[1] if key[0] == "okrug" else okrug_of_station.get(key[1], "")
            _result_rows(
                tables,
                key[0],
                key[1],
                okrug,
                candidate_votes,
                r["against_all"],  # type: ignore[arg-type]
                r["ballots_in_boxes"],  # type: ignore[arg-type]
                candidates,
            )
        if key[0] == "okrug" and r["contest"] is not None and r["outcome"] is not None:
            tables["outcomes"].append(
                {
                    "contest": r["contest"],
                    "okrug": key[1],
                    "outcome": r["outcome"],
                    "winner": r["winner"],
                    "rules": [],
                    "certified": r["certified_sha256"] is not None,
                    "withdrawn": on_ballot.get(str(r["contest"]), []),
                }
            )


# --- what no format carries -----------------------------------------------------------------


def _not_exported(
    session: Session,
    election: str,
    setup: ElectionSetupRow | None,
    candidates: list[Row],
    okrugs: set[str],
) -> list[Omission]:
    out: list[Omission] = []
    codes = [str(c["code"]) for c in candidates]
    if codes:
        decisions = int(
            session.scalar(
                select(func.count(NominationDecisionRow.id)).where(
                    NominationDecisionRow.candidate.in_(codes)
                )
            )
            or 0
        )
        with_facts = sum(
            1
            for facts in session.scalars(
                select(NominationDecisionRow.facts).where(
                    NominationDecisionRow.candidate.in_(codes)
                )
            )
            if not is_imported(facts)
        )
        if with_facts:
            out.append(Omission("nomination_facts", with_facts))
        if decisions > len(codes):
            out.append(Omission("earlier_decisions", decisions - len(codes)))
    entries = int(
        session.scalar(
            select(func.count(ProtocolEntryRow.id)).where(ProtocolEntryRow.election == election)
        )
        or 0
    )
    if entries:
        out.append(Omission("protocol_entries", entries))
    if setup is not None and setup.double_entry:
        out.append(Omission("double_entry", 1))
    steps = int(
        session.scalar(
            select(func.count(RecallStepRow.id)).where(
                (RecallStepRow.by_election == election)
                | (RecallStepRow.akim.in_(codes) if codes else False)
            )
        )
        or 0
    )
    if steps:
        out.append(Omission("recall_steps", steps))
    log = int(session.scalar(select(func.count(AuditRow.seq))) or 0)
    if log:
        out.append(Omission("audit_log", log))
    del okrugs
    return out
