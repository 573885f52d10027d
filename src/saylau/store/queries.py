"""Reading stored records back as domain records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.domain import (
    Election,
    ElectionType,
    Figure,
    Level,
    Measure,
    Names,
    Nomination,
    PartyName,
    Provenance,
    Region,
    Sex,
    Source,
)
from saylau.store.datasets import unscaled
from saylau.store.schema import ElectionRow, FigureRow, PartyNameRow, RegionRow, SourceRow


def figures(session: Session, election: str | None = None) -> list[Figure]:
    """All figures, or those of one election plus the election-less ones (registry, text)."""
    # NULLS LAST explicitly: SQLite sorts NULL first, PostgreSQL last.
    query = select(FigureRow).order_by(
        FigureRow.source, FigureRow.position.asc().nulls_last(), FigureRow.id
    )
    if election is not None:
        query = query.where((FigureRow.election == election) | (FigureRow.election.is_(None)))
    return [
        Figure(
            id=row.id,
            election=row.election,
            level=Level(row.level),
            unit=row.unit,
            measure=Measure(row.measure),
            party=row.party,
            nomination=Nomination(row.nomination),
            sex=Sex(row.sex),
            value=unscaled(row.value, row.scale),
            approximate=row.approximate,
            provenance=Provenance(
                source=row.source,
                table=row.source_table,
                row=row.source_row,
                column=row.source_column,
                page=row.source_page,
                position=row.position,
                note=row.note,
            ),
        )
        for row in session.scalars(query)
    ]


def regions(session: Session) -> dict[str, Region]:
    """Regions by code."""
    return {
        row.code: Region(
            code=row.code,
            kind=row.kind,  # type: ignore[arg-type]
            names=Names(kk=row.name_kk, ru=row.name_ru, en=row.name_en),
            kato=row.kato,
            iso_legacy=row.iso_legacy,
            name_latin=row.name_latin,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            note=row.note,
        )
        for row in session.scalars(select(RegionRow).order_by(RegionRow.code))
    }


def party_names(session: Session) -> list[tuple[PartyName, Names]]:
    """Every (full name, short name) period of every party."""
    out: list[tuple[PartyName, Names]] = []
    for row in session.scalars(select(PartyNameRow).order_by(PartyNameRow.party, PartyNameRow.id)):
        out.append(
            (
                PartyName(
                    party=row.party,
                    names=Names(kk=row.name_kk, ru=row.name_ru, en=row.name_en),
                    valid_from=row.valid_from,
                    valid_to=row.valid_to,
                ),
                Names(kk=row.short_kk, ru=row.short_ru, en=row.short_en),
            )
        )
    return out


def elections(session: Session) -> dict[str, Election]:
    """Elections by code."""
    return {
        row.code: Election(
            code=row.code,
            type=ElectionType(row.type),
            date=row.date,
            law_version=row.law_version,
            names=Names(kk=row.name_kk, ru=row.name_ru, en=row.name_en),
            synthetic=row.synthetic,
            source=row.source,
        )
        for row in session.scalars(select(ElectionRow).order_by(ElectionRow.date))
    }


def sources(session: Session) -> dict[str, Source]:
    """Sources by code."""
    return {
        row.code: Source(
            code=row.code,
            kind=row.kind,  # type: ignore[arg-type]
            title=row.title,
            citation=row.citation,
            url=row.url,
            licence=row.licence,
            synthetic=row.synthetic,
            note=row.note,
        )
        for row in session.scalars(select(SourceRow).order_by(SourceRow.code))
    }
