"""Validated dataset content as domain records (for reading files without a database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from saylau.datasets.reader import DatasetContent
from saylau.domain import Figure, Level, Measure, Names, Nomination, Provenance, Sex

SEED_DAY = dt.date(2021, 7, 25)


def figures(content: DatasetContent) -> list[Figure]:
    """The figures of ``content`` as domain records."""
    out: list[Figure] = []
    for row in content.rows.get("figures", []):
        value = row["value"]
        assert isinstance(value, Decimal)
        out.append(
            Figure(
                id=str(row["id"]),
                election=row["election"],  # type: ignore[arg-type]
                level=Level(str(row["level"])),
                unit=str(row["unit"]),
                measure=Measure(str(row["measure"])),
                party=row["party"],  # type: ignore[arg-type]
                nomination=Nomination(str(row["nomination"])),
                sex=Sex(str(row["sex"])),
                value=value,
                approximate=bool(row["approximate"]),
                provenance=Provenance(
                    source=str(row["source"]),
                    table=row["table"],  # type: ignore[arg-type]
                    row=row["row"],  # type: ignore[arg-type]
                    column=row["column"],  # type: ignore[arg-type]
                    position=row["position"],  # type: ignore[arg-type]
                    note=row["note"],  # type: ignore[arg-type]
                ),
            )
        )
    return out


def _names(row: dict[str, object], prefix: str = "name") -> Names:
    return Names(
        kk=str(row[f"{prefix}_kk"]), ru=str(row[f"{prefix}_ru"]), en=str(row[f"{prefix}_en"])
    )


def party_periods(
    content: DatasetContent,
) -> list[tuple[str, dt.date | None, dt.date | None, Names, Names]]:
    """(party, valid_from, valid_to, full names, short names) for every name period."""
    return [
        (str(r["party"]), r["valid_from"], r["valid_to"], _names(r), _names(r, "short"))  # type: ignore[misc]
        for r in content.rows.get("party_names", [])
    ]


def region_names(content: DatasetContent) -> dict[str, Names]:
    """Region names by code."""
    return {str(r["code"]): _names(r) for r in content.rows.get("regions", [])}


def inputs_from_content(content: DatasetContent, day: dt.date = SEED_DAY):  # noqa: ANN201
    """The inputs of the seed tables (:class:`saylau.reports.seed_tables.SeedInputs`)."""
    from saylau.reports.seed_tables import SeedInputs, party_names_at

    full, short = party_names_at(party_periods(content), day)
    return SeedInputs(figures(content), full, short, region_names(content))
