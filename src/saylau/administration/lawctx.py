"""The law version an election runs under, with the commission's own settings applied."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saylau.administration.errors import AdminError
from saylau.administration.setup import setup_of
from saylau.law.catalogue import Finding, LawError, LawVersion, law_version
from saylau.store.schema import ElectionRow, StationRollRow, StationRow


def election_row(session: Session, election: str) -> ElectionRow:
    """The election, or S.004."""
    row = session.get(ElectionRow, election)
    if row is None:
        raise AdminError("S.004", "election", value=election)
    return row


def law_for(session: Session, election: str) -> LawVersion:
    """The election's law version; an explicit ballot setting of the commission overrides it.

    An override is marked unconfirmed by the law layer, so outputs never present it as law.
    """
    row = election_row(session, election)
    try:
        law = law_version(row.law_version)
    except LawError as exc:
        raise AdminError(
            "S.002", "law_version", value=row.law_version, allowed="saylau rules --versions"
        ) from exc
    setup = setup_of(session, election)
    if setup.against_all_on_ballot is not None and (
        setup.against_all_on_ballot != law.against_all_on_ballot
    ):
        law = law.with_settings(against_all_on_ballot=setup.against_all_on_ballot)
    return law


def okrug_voters(session: Session, election: str, okrug: str) -> int:
    """Voters registered at the okrug's stations for ``election``."""
    total = session.scalar(
        select(func.coalesce(func.sum(StationRollRow.registered_voters), 0))
        .join(StationRow, StationRow.code == StationRollRow.station)
        .where(StationRollRow.election == election, StationRow.okrug == okrug)
    )
    return int(total or 0)


def findings_json(findings: Sequence[Finding]) -> str:
    """Findings as stored JSON (code, severity, fields, params, confidence)."""
    return json.dumps(
        [
            {
                "code": f.code,
                "severity": f.severity.value,
                "fields": list(f.fields),
                "params": {k: str(v) for k, v in f.params.items()},
                "confidence": f.confidence.value,
            }
            for f in findings
        ],
        ensure_ascii=False,
        sort_keys=True,
    )


def findings_details(findings: Sequence[Finding], lang: str = "en") -> list[dict[str, object]]:
    """Findings as details of an :class:`AdminError` (what the caller shows by the fields)."""
    return [
        {
            "code": f.code,
            "severity": f.severity.value,
            "fields": list(f.fields),
            "message": f.message(lang),
            "reference": f.reference(lang),
            "source": f.rule.source,
            "confidence": f.confidence.value,
            "finding": f,
        }
        for f in findings
    ]
