"""Writing validated dataset content into the database, and reading keys back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.datasets.reader import DatasetContent, Row
from saylau.store import audit
from saylau.store.schema import (
    DatasetLoadRow,
    DistrictRow,
    ElectionRow,
    FigureRow,
    OkrugRow,
    PartyLineageRow,
    PartyNameRow,
    PartyRow,
    RegionRow,
    SourceRow,
)


def known_keys(session: Session) -> dict[str, set[str]]:
    """Keys already stored, for resolving references of an import."""
    return {
        "sources.code": set(session.scalars(select(SourceRow.code))),
        "regions.code": set(session.scalars(select(RegionRow.code))),
        "parties.code": set(session.scalars(select(PartyRow.code))),
        "elections.code": set(session.scalars(select(ElectionRow.code))),
        "districts.code": set(session.scalars(select(DistrictRow.code))),
        "okrugs.code": set(session.scalars(select(OkrugRow.code))),
    }


def scaled(value: Decimal) -> tuple[int, int]:
    """An exact decimal as (integer, scale): Decimal('38.2') -> (382, 1)."""
    exponent = value.as_tuple().exponent
    scale = max(0, -exponent) if isinstance(exponent, int) else 0
    return int(value.scaleb(scale)), scale


def unscaled(value: int, scale: int) -> Decimal:
    """The inverse of :func:`scaled`."""
    return Decimal(value).scaleb(-scale)


def _s(row: Row, key: str) -> str:
    value = row[key]
    assert value is not None, key
    return str(value)


def write(session: Session, dataset: str, content: DatasetContent, sha256: str) -> dict[str, int]:
    """Insert or replace every row of ``content``; return counts per resource.

    Rows are keyed by their codes, so loading the same files twice changes nothing.
    """
    counts: dict[str, int] = {}
    rows = content.rows
    for row in rows.get("sources", []):
        session.merge(
            SourceRow(
                **{
                    k: row[k]
                    for k in (
                        "code",
                        "kind",
                        "title",
                        "citation",
                        "url",
                        "licence",
                        "synthetic",
                        "note",
                    )
                }
            )
        )
    for row in rows.get("regions", []):
        session.merge(
            RegionRow(
                **{
                    k: row[k]
                    for k in (
                        "code",
                        "kind",
                        "name_kk",
                        "name_ru",
                        "name_en",
                        "kato",
                        "iso_legacy",
                        "name_latin",
                        "valid_from",
                        "valid_to",
                        "source",
                        "note",
                    )
                }
            )
        )
    for row in rows.get("parties", []):
        session.merge(
            PartyRow(**{k: row[k] for k in ("code", "registered", "dissolved", "source", "note")})
        )
    session.flush()
    names = rows.get("party_names", [])
    if names:
        audit.delete_where(
            session, PartyNameRow, PartyNameRow.party.in_({_s(r, "party") for r in names})
        )
        for row in names:
            session.add(
                PartyNameRow(
                    **{
                        k: row[k]
                        for k in (
                            "party",
                            "valid_from",
                            "valid_to",
                            "name_kk",
                            "name_ru",
                            "name_en",
                            "short_kk",
                            "short_ru",
                            "short_en",
                            "source",
                        )
                    }
                )
            )
    lineage = rows.get("party_lineage", [])
    for row in lineage:
        audit.delete_where(
            session,
            PartyLineageRow,
            PartyLineageRow.predecessor == row["predecessor"],
            PartyLineageRow.successor == row["successor"],
        )
        session.add(
            PartyLineageRow(
                **{
                    k: row[k]
                    for k in ("predecessor", "successor", "kind", "date", "source", "note")
                }
            )
        )
    for row in rows.get("elections", []):
        session.merge(
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
    session.flush()
    for row in rows.get("figures", []):
        value = row["value"]
        assert isinstance(value, Decimal)
        integer, scale = scaled(value)
        session.merge(
            FigureRow(
                id=row["id"],
                dataset=dataset,
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
    for name, items in rows.items():
        counts[name] = len(items)
    session.merge(DatasetLoadRow(dataset=dataset, sha256=sha256, loaded_at=dt.datetime.now(dt.UTC)))
    session.flush()
    return counts


def loaded_digest(session: Session, dataset: str) -> str | None:
    """The digest of ``dataset`` as last loaded, or None if it never was."""
    row = session.get(DatasetLoadRow, dataset)
    return row.sha256 if row else None
