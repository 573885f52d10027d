"""The documented file format of saylau datasets: one CSV per resource, or one JSON object.

This module is the single description of every resource and column. It drives validation of
imported files (:mod:`saylau.datasets.reader`), the Frictionless ``datapackage.json``
(:func:`saylau.datasets.package.descriptor`) and the format page of the docs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from saylau.domain import (
    AdminUnitKind,
    CommissionLevel,
    ElectionType,
    Level,
    Measure,
    Nomination,
    Sex,
)


class FieldType(StrEnum):
    """Column types; ``count`` is a non-negative integer, ``decimal`` an exact decimal."""

    STRING = "string"
    CODE = "code"
    COUNT = "count"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    """One column of a resource."""

    name: str
    type: FieldType
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    ref: str | None = None  # "resource.column" this column must match
    max_decimals: int = 4


@dataclass(frozen=True)
class Resource:
    """One table of a dataset: its file name, key and columns."""

    name: str
    title: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def filename(self) -> str:
        """File name of the resource's CSV."""
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


S, C, N, I, D, DT, TS, B = (  # noqa: E741 - short aliases keep the tables below readable
    FieldType.STRING,
    FieldType.CODE,
    FieldType.COUNT,
    FieldType.INTEGER,
    FieldType.DECIMAL,
    FieldType.DATE,
    FieldType.DATETIME,
    FieldType.BOOLEAN,
)

SOURCES = Resource(
    "sources",
    "Sources",
    "Documents the numbers come from.",
    ("code",),
    (
        Column("code", C, "Stable identifier of the source.", True),
        Column(
            "kind",
            S,
            "Kind of document.",
            True,
            ("paper", "official", "press", "dataset", "law", "synthetic", "derived"),
        ),
        Column("title", S, "Title of the document.", True),
        Column("citation", S, "Full citation.", True),
        Column("url", S, "Where the document can be found, if online."),
        Column("licence", S, "Terms under which the figures are reused."),
        Column("synthetic", B, "true when the data are generated, not real.", True),
        Column("note", S, "Remarks on the source."),
    ),
)

REGIONS = Resource(
    "regions",
    "Regions",
    "Oblasts and cities of republican significance.",
    ("code",),
    (
        Column("code", C, "Current ISO 3166-2 code (KZ-11 ...).", True),
        Column(
            "kind",
            S,
            "oblast or city of republican significance.",
            True,
            (AdminUnitKind.OBLAST.value, AdminUnitKind.CITY_REPUBLICAN.value),
        ),
        Column("name_kk", S, "Name in Kazakh (Cyrillic).", True),
        Column("name_ru", S, "Name in Russian.", True),
        Column("name_en", S, "Name in English.", True),
        Column("kato", S, "Code in the classifier of administrative-territorial objects (KATO)."),
        Column("iso_legacy", S, "Alphabetic ISO 3166-2 code used before the 2022 revision."),
        Column("name_latin", S, "Kazakh name in Latin script (ISO 3166-2 romanisation)."),
        Column("valid_from", DT, "First day the unit existed with these borders, if known."),
        Column("valid_to", DT, "Last day the unit existed, if it no longer does."),
        Column("source", C, "Source of the row.", True, ref="sources.code"),
        Column("note", S, "Remarks, e.g. border changes."),
    ),
)

PARTIES = Resource(
    "parties",
    "Parties",
    "The registry of political parties, identified by stable codes.",
    ("code",),
    (
        Column("code", C, "Stable identifier of the party.", True),
        Column("registered", DT, "Date of state registration, if sourced."),
        Column("dissolved", DT, "Date the party ceased (dissolved or merged), if it did."),
        Column("source", C, "Source of the row.", True, ref="sources.code"),
        Column("note", S, "History and remarks."),
    ),
)

PARTY_NAMES = Resource(
    "party_names",
    "Party names",
    "Each party's names over time, in three languages.",
    ("party", "valid_from"),
    (
        Column("party", C, "The party.", True, ref="parties.code"),
        Column("valid_from", DT, "First day of the name (empty: since founding)."),
        Column("valid_to", DT, "Last day of the name (empty: still in use)."),
        Column("name_kk", S, "Full name in Kazakh.", True),
        Column("name_ru", S, "Full name in Russian.", True),
        Column("name_en", S, "Full name in English.", True),
        Column("short_kk", S, "Short name in Kazakh.", True),
        Column("short_ru", S, "Short name in Russian.", True),
        Column("short_en", S, "Short name in English.", True),
        Column("source", C, "Source of the row.", True, ref="sources.code"),
    ),
)

PARTY_LINEAGE = Resource(
    "party_lineage",
    "Party lineage",
    "Parties that continued as another party.",
    ("predecessor", "successor"),
    (
        Column("predecessor", C, "The party that ceased.", True, ref="parties.code"),
        Column("successor", C, "The party it continued as.", True, ref="parties.code"),
        Column("kind", S, "How it continued.", True, ("renamed", "merged_into")),
        Column("date", DT, "Date of the decision.", True),
        Column("source", C, "Source of the row.", True, ref="sources.code"),
        Column("note", S, "Remarks."),
    ),
)

ELECTIONS = Resource(
    "elections",
    "Elections",
    "Election events.",
    ("code",),
    (
        Column("code", C, "Stable identifier of the election.", True),
        Column("type", S, "Type of election.", True, _values(ElectionType)),
        Column("date", DT, "Polling day (ISO 8601).", True),
        Column("law_version", S, "The version of the election law it runs under.", True),
        Column("name_kk", S, "Name in Kazakh.", True),
        Column("name_ru", S, "Name in Russian.", True),
        Column("name_en", S, "Name in English.", True),
        Column("synthetic", B, "true when the election is generated, not real.", True),
        Column("source", C, "Source of the row.", ref="sources.code"),
        Column("note", S, "Remarks."),
    ),
)

FIGURES = Resource(
    "figures",
    "Figures",
    "Numbers as a source gives them, at the level it gives them, each with its provenance.",
    ("id",),
    (
        Column("id", C, "Stable identifier of the figure.", True),
        Column(
            "election", C, "The election the figure is about (empty: none).", ref="elections.code"
        ),
        Column("level", S, "Level of the unit.", True, _values(Level)),
        Column("unit", C, "Code of the unit: KZ for the republic, a region code, ...", True),
        Column("measure", S, "What is counted.", True, _values(Measure)),
        Column(
            "party", C, "The party, for figures about one party's nominees.", ref="parties.code"
        ),
        Column(
            "nomination",
            S,
            "Breakdown by way of nomination.",
            True,
            (Nomination.PARTY.value, Nomination.SELF.value, Nomination.ALL.value),
        ),
        Column("sex", S, "Breakdown by sex.", True, _values(Sex)),
        Column("value", D, "The number exactly as published.", True),
        Column("approximate", B, "true when the source gives the number as rounded.", True),
        Column("source", C, "Source of the number.", True, ref="sources.code"),
        Column("table", S, "Table of the source (or 'text').", True),
        Column("row", S, "Row label in the source's own words.", True),
        Column("column", S, "Column label in the source's own words."),
        Column("position", N, "Reading order of the figure in the source (rows, then columns)."),
        Column("note", S, "Remarks."),
    ),
)

_OKRUG_KINDS = (
    AdminUnitKind.RURAL_OKRUG.value,
    AdminUnitKind.VILLAGE.value,
    AdminUnitKind.SETTLEMENT.value,
    AdminUnitKind.CITY_DISTRICT.value,
)

DISTRICTS = Resource(
    "districts",
    "Districts",
    "Districts (аудан) and cities of regional significance.",
    ("code",),
    (
        Column("code", C, "Stable identifier (KATO code where known).", True),
        Column("region", C, "The region it belongs to.", True, ref="regions.code"),
        Column(
            "kind",
            S,
            "District or city of regional significance.",
            True,
            (AdminUnitKind.DISTRICT.value, AdminUnitKind.CITY_REGIONAL.value),
        ),
        Column("name_kk", S, "Name in Kazakh (Cyrillic).", True),
        Column("name_ru", S, "Name in Russian.", True),
        Column("name_en", S, "Name in English.", True),
        Column("kato", S, "KATO code, if known."),
    ),
)

OKRUGS = Resource(
    "okrugs",
    "Okrugs",
    "Units that elect one akim: rural okrugs, villages, settlements, cities of district "
    "significance.",
    ("code",),
    (
        Column("code", C, "Stable identifier (KATO code where known).", True),
        Column("district", C, "The district it belongs to.", True, ref="districts.code"),
        Column("kind", S, "Kind of unit.", True, _OKRUG_KINDS),
        Column("name_kk", S, "Name in Kazakh (Cyrillic).", True),
        Column("name_ru", S, "Name in Russian.", True),
        Column("name_en", S, "Name in English.", True),
        Column("kato", S, "KATO code, if known."),
        Column("population", N, "Residents, if known."),
    ),
)

STATIONS = Resource(
    "stations",
    "Polling stations",
    "Polling stations with the voters registered for the election being set up.",
    ("code",),
    (
        Column("code", C, "Stable identifier of the station.", True),
        Column("okrug", C, "The okrug it serves.", True, ref="okrugs.code"),
        Column("number", N, "The station's official number.", True),
        Column("name_kk", S, "Name or address in Kazakh.", True),
        Column("name_ru", S, "Name or address in Russian.", True),
        Column("name_en", S, "Name or address in English.", True),
        Column("registered_voters", N, "Voters on the list for this election.", True),
    ),
)

COMMISSIONS = Resource(
    "commissions",
    "Election commissions",
    "Commissions and the territory each serves.",
    ("code",),
    (
        Column("code", C, "Stable identifier.", True),
        Column("level", S, "Level of the commission.", True, _values(CommissionLevel)),
        Column(
            "territory", C, "Code of the unit it serves (region, district, okrug, station).", True
        ),
        Column("name_kk", S, "Name in Kazakh.", True),
        Column("name_ru", S, "Name in Russian.", True),
        Column("name_en", S, "Name in English.", True),
    ),
)

CANDIDATES = Resource(
    "candidates",
    "Candidates",
    "Nominations for akim, with the facts the eligibility rules need.",
    ("code",),
    (
        Column("code", C, "Stable identifier.", True),
        Column(
            "okrug", C, "The okrug whose akim the candidate stands for.", True, ref="okrugs.code"
        ),
        Column("name", S, "Full name as on the ballot.", True),
        Column(
            "party",
            C,
            "Nominating party; empty for a self-nominated candidate.",
            ref="parties.code",
        ),
        Column(
            "nominated_by",
            S,
            "Who nominated: party, self or higher_akim (the akim of the higher unit); empty: "
            "party when a party is named, else self.",
            False,
            (Nomination.PARTY.value, Nomination.SELF.value, Nomination.HIGHER_AKIM.value),
        ),
        Column("sex", S, "Sex.", False, (Sex.MALE.value, Sex.FEMALE.value)),
        Column("birth_date", DT, "Date of birth.", True),
        Column("citizen", B, "Citizen of the Republic of Kazakhstan.", True),
        Column("criminal_record", B, "Has an unexpunged criminal record.", True),
        Column("legally_incapable", B, "Declared legally incapable by a court.", True),
        Column("corruption_offence", B, "Has committed a corruption offence barring office.", True),
        Column("qualified", B, "Meets the civil-service qualification of the post.", True),
        Column("party_member", B, "Member of the nominating party (party nominees).", False),
        Column("signatures", N, "Valid supporting signatures (self-nominees)."),
        Column("deposit_paid", B, "Election deposit paid.", True),
        Column("declarations_filed", B, "Asset declarations of candidate and spouse filed.", True),
        Column(
            "nominated_at",
            TS,
            "When the nomination was submitted (ISO 8601; local time "
            "Asia/Almaty if no zone is given).",
            True,
        ),
        Column("incumbent", B, "The sitting akim of this okrug."),
        Column("former_akim", B, "Was an akim before (here or elsewhere)."),
    ),
)

RESOURCES: tuple[Resource, ...] = (
    SOURCES,
    REGIONS,
    PARTIES,
    PARTY_NAMES,
    PARTY_LINEAGE,
    ELECTIONS,
    FIGURES,
    DISTRICTS,
    OKRUGS,
    STATIONS,
    COMMISSIONS,
    CANDIDATES,
)
SETUP_RESOURCES = frozenset({"districts", "okrugs", "stations", "commissions", "candidates"})
BY_NAME: dict[str, Resource] = {r.name: r for r in RESOURCES}

# Measures that count people or things, never negative; shares are percentages 0..100.
PERCENT_MEASURES = frozenset(
    {
        Measure.CANDIDATES_SHARE_PCT.value,
        Measure.WINNERS_SHARE_PCT.value,
        Measure.TURNOUT_PCT.value,
    }
)


def format_markdown() -> str:
    """The format page of the docs (docs/format.md), generated from :data:`RESOURCES`."""
    lines = [
        "# Dataset format",
        "",
        "A saylau dataset is a folder of CSV files (UTF-8, comma-separated, header row), one per",
        "resource, with a Frictionless `datapackage.json`; or one JSON file holding an object",
        "whose keys are resource names and whose values are lists of row objects. `saylau import`",
        "accepts a folder, a `datapackage.json`, a single CSV named after its resource (or with",
        "`--resource`), or a JSON file. Empty cells are missing values. This page is generated",
        "from `saylau.datasets.format`.",
        "",
        "Types: `code` is letters, digits and `.` `_` `:` `-`; `count` is a whole number ≥ 0;",
        "`decimal` is an exact decimal number (at most 4 decimal places); `date` is ISO 8601",
        "(YYYY-MM-DD); `datetime` is ISO 8601 with a time (local time Asia/Almaty when no",
        "zone is given); `boolean` is `true` or `false`.",
        "",
    ]
    for resource in RESOURCES:
        lines += [
            f"## `{resource.filename}` — {resource.title}",
            "",
            resource.description,
            "",
            f"Key: {', '.join(f'`{k}`' for k in resource.key)}",
            "",
            "| column | type | required | description |",
            "| --- | --- | --- | --- |",
        ]
        for column in resource.columns:
            extra = ""
            if column.enum:
                extra = " One of: " + ", ".join(f"`{v}`" for v in column.enum) + "."
            if column.ref:
                extra += f" Must match `{column.ref}`."
            lines.append(
                f"| `{column.name}` | {column.type.value} | "
                f"{'yes' if column.required else ''} | {column.description}{extra} |"
            )
        lines.append("")
    lines += [
        "## Rules checked on import",
        "",
        "Every problem of every file is reported in one run, each with file, line (or JSON",
        "pointer), column and rule code; if any row is rejected nothing is written.",
        "",
        "| rule | meaning |",
        "| --- | --- |",
    ]
    from saylau.i18n import t

    for number in range(1, 34):
        code = f"I.{number:03d}"
        lines.append(f"| {code} | {t(f'import.{code}', 'en').replace('|', '/')} |")
    lines += [
        "",
        "Figures also obey: a count measure is a whole number ≥ 0 (I.004, I.005); a percentage",
        "is at most 100 (I.017); level `republic` has unit `KZ` (I.021); level `region` names a",
        "known region (I.009); a figure for a party has nomination `party` (I.020). A",
        "candidate's `nominated_by` fits the `party` column: `party` names a party, `self` and",
        "`higher_akim` name none (I.033).",
        "",
    ]
    return "\n".join(lines)
