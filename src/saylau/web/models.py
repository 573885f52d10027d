"""Response models of the JSON twins (pydantic), as documented in ``/openapi.json``.

Every page's JSON twin is a :class:`PageBase` with the page's own fields. A number shown on
a page is a :class:`Number`: value, the text shown, and the figure (stored or computed) it
links to, so a program can follow the same "one click" to its source as a reader.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["kk", "ru", "en"]
Scalar = int | float | str | bool | None


class Model(BaseModel):
    """Base of the response models: no unknown fields."""

    model_config = ConfigDict(extra="forbid")


class Twins(Model):
    """The same page as HTML, JSON and (when it has tables) CSV."""

    html: str
    json_url: str
    csv_url: str | None = None


class NamesOut(Model):
    """A name in the three languages."""

    kk: str
    ru: str
    en: str


class Number(Model):
    """A number as shown, with the figure it comes from (``/figure/{figure}``)."""

    value: int | float | None
    text: str
    figure: str | None = Field(
        None, description="Stored figure id, or a derivation id (sum:…, pct:…, ratio:…, enp-…)"
    )
    href: str | None = None
    approximate: bool = False
    computed: bool = Field(False, description="Computed by saylau from stored figures")
    caveats: list[str] = Field(
        default_factory=list, description="Ids of consistency findings that affect this number"
    )


class TableColumn(Model):
    """A column of a table: stable key and header."""

    key: str
    header: str


class Table(Model):
    """A table as shown (the CSV download has the same columns and raw values)."""

    name: str
    title: str
    columns: list[TableColumn]
    rows: list[dict[str, Scalar]]
    flags: list[list[str]] = Field(description="Per row, the keys of cells marked ⚠")
    refs: list[dict[str, str]] = Field(description="Per row, the figure id behind each cell")
    notes: list[str]
    source: str | None = None


class RecordStamp(Model):
    """The election record this page was made from: the newest signed checkpoint of the log
    (verify it with ``saylau verify``; see /record)."""

    seq: int = Field(description="Entries in the log")
    head: str = Field(description="SHA-256 of the newest entry")
    at: str = Field(description="When the checkpoint was signed (UTC)")
    key: str = Field(description="Fingerprint of the results server key that signed it")
    signature: str = Field(description="Ed25519 signature (base64), see docs/record.md")
    integrity: Literal["ok", "failed", "unchecked"] = Field(
        description="The server's latest check of its database against the log"
    )


class PageBase(Model):
    """What every JSON twin carries."""

    page: str = Field(description="Kind of page")
    lang: Lang
    title: str
    synthetic: bool = Field(description="True when the page shows synthetic (generated) data")
    links: Twins
    alternates: dict[str, str] = Field(description="This page in each language")
    tables: list[Table] = Field(default_factory=list)
    record: RecordStamp | None = Field(
        None, description="The signed checkpoint of the record the page shows"
    )


class FigureRef(Model):
    """A stored figure as cited by a finding or a derivation."""

    id: str
    value: str
    href: str
    source: str
    table: str | None
    row: str | None
    column: str | None


class FindingOut(Model):
    """One inconsistency found by ``saylau check``, explained in the page's language."""

    id: str
    rule: str
    severity: str
    level: str
    unit: str
    unit_name: str
    title: str
    explanation: str
    computed: dict[str, str]
    figures: list[FigureRef]
    href: str


class ElectionOut(Model):
    """An election."""

    code: str
    name: str
    date: str
    date_text: str
    synthetic: bool


class ElectionItem(Model):
    """An election in the database, with where its results are shown."""

    code: str
    name: str
    names: NamesOut
    date: str
    date_text: str
    type: str
    synthetic: bool
    run: bool = Field(description="Run with saylau (protocols); false: published figures only")
    territory: str | None
    href: str


class PartySeats(Model):
    """Akims elected from one party (or self-nominated), summed over the regions."""

    party: str | None = Field(description="Party code; null for the self-nominated")
    name: str
    href: str | None
    seats: Number
    share: Number


class Competition(Model):
    """Effective number of parties by seats (Laakso–Taagepera)."""

    enp_single_bin: Number = Field(description="Self-nominated counted as one party")
    enp_excluded: Number = Field(description="Self-nominated left out")


class MapRegion(Model):
    """A region on the map with its value of the chosen measure."""

    code: str
    name: str
    href: str
    value: Number | None


class MeasureOption(Model):
    """A measure the map can show."""

    key: str
    label: str
    href: str
    selected: bool


class MapOut(Model):
    """The map of regions coloured by a measure."""

    measure: str
    label: str
    measures: list[MeasureOption]
    regions: list[MapRegion]
    attribution: str


class RepublicPage(PageBase):
    """``/``: the 2021 election in the republic."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "republic",
                    "election": {"code": "kz-2021-rural-akim", "date": "2021-07-25"},
                    "total_winners": {"value": 836, "computed": True},
                }
            ]
        }
    )
    election: ElectionOut
    results: list[PartySeats]
    total_winners: Number
    competition: Competition
    map: MapOut
    caveats: list[FindingOut]
    elections: list[ElectionItem] = Field(
        default_factory=list, description="Every election in the database (live ones linked)"
    )


class LabelledNumber(Model):
    """A labelled number of a region or party page."""

    key: str
    label: str
    number: Number


class RegionOut(Model):
    """A region: codes and names."""

    code: str
    kind: str
    name: str
    names: NamesOut
    name_latin: str | None
    kato: str | None
    iso_legacy: str | None
    note: str | None


class RegionPage(PageBase):
    """``/region/{code}``: one region's figures and the findings about them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "region",
                    "region": {"code": "KZ-61", "names": {"en": "Turkistan Region"}},
                    "table": 4,
                    "figures": [{"key": "okrugs", "number": {"value": 60}}],
                }
            ]
        }
    )
    region: RegionOut
    table: int | None
    figures: list[LabelledNumber]
    findings: list[FindingOut]


class NamePeriodOut(Model):
    """A party name during a period."""

    name: str
    short: str
    valid_from: str | None
    valid_to: str | None
    period_text: str


class LineageOut(Model):
    """A renaming or merger."""

    kind: str
    predecessor: str
    successor: str
    date: str
    text: str
    href: str


class PartyOut(Model):
    """A party of the registry."""

    code: str
    name: str
    name_2021: str
    short: str
    href: str
    registered: str | None
    dissolved: str | None
    names: list[NamePeriodOut]
    lineage: list[LineageOut]
    founded: Number | None
    members: Number | None
    seats_2021: Number | None
    note: str | None


class PartiesPage(PageBase):
    """``/parties``: the party registry."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "parties",
                    "parties": [{"code": "adal", "dissolved": "2022-03-16"}],
                }
            ]
        }
    )
    parties: list[PartyOut]


class RegionSeats(Model):
    """A party's akims elected in one region."""

    region: str
    name: str
    href: str
    seats: Number
    share: Number | None


class PartyPage(PageBase):
    """``/party/{code}``: one party, its names over time and its seats by region."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "party",
                    "party": {
                        "code": "amanat",
                        "names": [{"short": "Nur Otan"}, {"short": "AMANAT"}],
                        "founded": {"value": 1999, "figure": "t1-amanat-founded"},
                    },
                }
            ]
        }
    )
    party: PartyOut
    by_region: list[RegionSeats]


class TableLink(Model):
    """A table of the seed paper."""

    key: str
    title: str
    href: str


class TablesPage(PageBase):
    """``/tables``: the seed paper's tables."""

    items: list[TableLink]


class TablePage(PageBase):
    """``/tables/{n}``: one table of the seed paper, rebuilt from the stored figures."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"page": "table", "key": "2", "tables": [{"name": "table2"}]}]
        }
    )
    key: str


class CheckPage(PageBase):
    """``/check``: every inconsistency of the published figures."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"page": "check", "findings": [{"rule": "C.02", "unit": "KZ-61"}]}]
        }
    )
    findings: list[FindingOut]


class SourceOut(Model):
    """A source document."""

    code: str
    kind: str
    title: str
    citation: str
    url: str | None
    licence: str | None
    synthetic: bool
    note: str | None
    figures: int
    kind_text: str = Field(default="", description="The kind in the page language")
    licence_text: str | None = Field(default=None, description="The licence in the page language")


class FigureOut(Model):
    """A stored figure with its full provenance."""

    id: str
    href: str
    election: str | None
    level: str
    unit: str
    unit_name: str
    measure: str
    measure_label: str
    party: str | None
    nomination: str
    sex: str
    value: str
    text: str
    approximate: bool
    source: str
    table: str | None
    row: str | None
    column: str | None
    page: str | None
    note: str | None
    synthetic: bool


class SourcesPage(PageBase):
    """``/sources``: every source and every stored figure with its place in the source."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"page": "sources", "sources": [{"code": "seed-serikbayev-sergazin"}]}]
        }
    )
    sources: list[SourceOut]
    figures: list[FigureOut]


class DerivationOut(Model):
    """A computed number: the operation, its inputs, the result."""

    id: str
    op: str
    formula: str
    value: Number
    numerator: list[FigureRef]
    denominator: list[FigureRef]


class FigurePage(PageBase):
    """``/figure/{id}``: where one number comes from."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "figure",
                    "figure": {
                        "id": "t4-KZ-61-self",
                        "value": "89",
                        "table": "4",
                        "source": "seed-serikbayev-sergazin",
                    },
                }
            ]
        }
    )
    figure: FigureOut | None
    source: SourceOut | None
    derivation: DerivationOut | None
    findings: list[FindingOut]


class PlaceOut(Model):
    """A place found by search."""

    kind: str
    kind_label: str
    code: str
    name: str
    names: NamesOut
    latin: str | None
    href: str


class SearchPage(PageBase):
    """``/search?q=``: places by name in any language or script."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "search",
                    "query": "Qaraghandy",
                    "results": [{"kind": "region", "code": "KZ-35"}],
                }
            ]
        }
    )
    query: str
    results: list[PlaceOut]


class Section(Model):
    """A section of text."""

    id: str
    heading: str
    paragraphs: list[str]


class AboutPage(PageBase):
    """``/about``: what saylau is, data honesty, licences."""

    sections: list[Section]


class ParameterProblem(Model):
    """A malformed parameter: which one, and the rule it breaks."""

    parameter: str
    location: str
    rule: str


class ErrorPage(Model):
    """An error (404, 405, 422) as JSON."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": 422,
                    "title": "Invalid request",
                    "problems": [
                        {"parameter": "lang", "location": "query", "rule": "one of: kk, ru, en"}
                    ],
                }
            ]
        }
    )
    status: int
    title: str
    detail: str
    problems: list[ParameterProblem] = Field(default_factory=list)
