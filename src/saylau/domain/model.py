"""The domain records: places, bodies, parties, elections, candidates, protocols and figures.

Sources publish at different levels of detail: the seed paper gives only aggregates by region
and party, a precinct commission enters station protocols. Both are held honestly: a
:class:`Figure` is one number a source gives at the level it gives it, with its provenance;
a :class:`Protocol` is one station's signed result sheet. Nothing here invents the detail a
source does not give.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"


class Record(BaseModel):
    """Base of all domain records: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Names(Record):
    """A name in Kazakh (Cyrillic), Russian and English; every displayed name has all three."""

    kk: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The name in ``lang`` (kk, ru or en)."""
        match lang:
            case "kk":
                return self.kk
            case "ru":
                return self.ru
            case "en":
                return self.en
            case _:
                raise ValueError(f"unknown language {lang!r}")


class Provenance(Record):
    """Where a number comes from: a source document and the place in it."""

    source: str = Field(pattern=CODE_PATTERN)
    table: str | None = None
    row: str | None = None
    column: str | None = None
    page: str | None = None
    position: int | None = Field(default=None, ge=1)
    note: str | None = None


class Source(Record):
    """A document that numbers come from."""

    code: str = Field(pattern=CODE_PATTERN)
    kind: Literal["paper", "official", "press", "dataset", "law", "synthetic", "derived"]
    title: str
    citation: str
    url: str | None = None
    licence: str | None = None
    synthetic: bool = False
    note: str | None = None


class AdminUnitKind(StrEnum):
    """Kinds of administrative-territorial units."""

    OBLAST = "oblast"
    CITY_REPUBLICAN = "city_republican"
    DISTRICT = "district"
    CITY_REGIONAL = "city_regional"
    RURAL_OKRUG = "rural_okrug"
    VILLAGE = "village"
    SETTLEMENT = "settlement"
    CITY_DISTRICT = "city_district"


class Level(StrEnum):
    """Levels at which results are held and tabulated, top to bottom."""

    REPUBLIC = "republic"
    REGION = "region"
    DISTRICT = "district"
    OKRUG = "okrug"
    STATION = "station"


class Region(Record):
    """An oblast or a city of republican significance.

    ``code`` is the current ISO 3166-2 code (``KZ-11``); ``iso_legacy`` the alphabetic code
    used before the 2022 revision of ISO 3166-2:KZ (``KZ-AKM``), as in the bundled boundaries.
    """

    code: str = Field(pattern=r"^KZ-\d{2}$")
    kind: Literal[AdminUnitKind.OBLAST, AdminUnitKind.CITY_REPUBLICAN]
    names: Names
    kato: str | None = Field(default=None, pattern=r"^\d{9}$")
    iso_legacy: str | None = None
    name_latin: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str | None = None


class District(Record):
    """A district (аудан) or a city of regional significance."""

    code: str = Field(pattern=CODE_PATTERN)
    region: str
    kind: Literal[AdminUnitKind.DISTRICT, AdminUnitKind.CITY_REGIONAL]
    names: Names
    kato: str | None = Field(default=None, pattern=r"^\d{9}$")


class Okrug(Record):
    """A unit that elects one akim: rural okrug, village, settlement, city of district rank."""

    code: str = Field(pattern=CODE_PATTERN)
    district: str
    kind: Literal[
        AdminUnitKind.RURAL_OKRUG,
        AdminUnitKind.VILLAGE,
        AdminUnitKind.SETTLEMENT,
        AdminUnitKind.CITY_DISTRICT,
    ]
    names: Names
    kato: str | None = Field(default=None, pattern=r"^\d{9}$")
    population: int | None = Field(default=None, ge=0)


class Station(Record):
    """A polling station (сайлау учаскесі) within an okrug."""

    code: str = Field(pattern=CODE_PATTERN)
    okrug: str
    number: int = Field(ge=1)
    names: Names
    registered_voters: int | None = Field(default=None, ge=0)


class CommissionLevel(StrEnum):
    """Election commissions, from the CEC down to the precinct."""

    CENTRAL = "central"
    TERRITORIAL = "territorial"
    OKRUG = "okrug"
    PRECINCT = "precinct"


class Commission(Record):
    """An election commission and the territory it serves (a unit code at its level)."""

    code: str = Field(pattern=CODE_PATTERN)
    level: CommissionLevel
    territory: str
    names: Names


class Party(Record):
    """A political party, identified by a stable code; names change over time (see PartyName)."""

    code: str = Field(pattern=CODE_PATTERN)
    names: Names
    abbreviation: Names | None = None
    registered: dt.date | None = None
    dissolved: dt.date | None = None


class PartyName(Record):
    """A party's name during a period (e.g. Nur Otan until 2022-03-01, then Amanat)."""

    party: str
    names: Names
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class PartyLineage(Record):
    """A party continuing as another: renamed, or merged into another."""

    predecessor: str
    successor: str
    kind: Literal["renamed", "merged_into"]
    date: dt.date
    source: str


class ElectionType(StrEnum):
    """Types of election saylau knows."""

    RURAL_AKIM = "rural_akim"
    DISTRICT_AKIM = "district_akim"
    MAJILIS_LIST = "majilis_list"
    RURAL_AKIM_INDIRECT = "rural_akim_indirect"


class Election(Record):
    """An election event: type, polling day, the law version it runs under."""

    code: str = Field(pattern=CODE_PATTERN)
    type: ElectionType
    date: dt.date
    law_version: str
    names: Names
    synthetic: bool = False
    source: str | None = None


class Contest(Record):
    """One akim seat in one okrug at one election."""

    code: str = Field(pattern=CODE_PATTERN)
    election: str
    okrug: str
    seats: int = Field(default=1, ge=1)


class Nomination(StrEnum):
    """How a candidate was put forward; ``all`` is used by figures that do not split.

    ``higher_akim``: nominated by the akim of the higher unit (confirmed by the CEC for
    district akims; a setting of the law version for rural akims).
    """

    PARTY = "party"
    SELF = "self"
    HIGHER_AKIM = "higher_akim"
    ALL = "all"


class Sex(StrEnum):
    """Candidate sex as published; ``all`` is used by figures that do not split."""

    MALE = "male"
    FEMALE = "female"
    ALL = "all"


class Candidate(Record):
    """A candidate in a contest, nominated by a party or self-nominated."""

    code: str = Field(pattern=CODE_PATTERN)
    contest: str
    name: str = Field(min_length=1)
    party: str | None = None
    sex: Literal[Sex.MALE, Sex.FEMALE] | None = None
    birth_date: dt.date | None = None
    incumbent: bool | None = None
    former_akim: bool | None = None
    nominated_by: Literal[Nomination.HIGHER_AKIM] | None = None

    @property
    def nomination(self) -> Nomination:
        """Nominated by the higher akim when so recorded; else party-nominated when a party
        is named, else self-nominated."""
        if self.nominated_by is Nomination.HIGHER_AKIM:
            return Nomination.HIGHER_AKIM
        return Nomination.PARTY if self.party else Nomination.SELF


class Protocol(Record):
    """A precinct protocol (хаттама): one station's count, one version of it.

    The control relations between these counts are law, checked in ``saylau.law``;
    the record itself only forbids what can never be a count (negative numbers).

    Home voting: ``ballots_issued_in_station`` / ``ballots_issued_outside`` split the ballots
    issued between the station and voters visited with portable boxes, and
    ``ballots_in_stationary_boxes`` / ``ballots_in_portable_boxes`` split the ballots found
    in the boxes. The split is optional (``None``): protocols without it stay valid.
    """

    station: str
    election: str
    version: int = Field(default=1, ge=1)
    voters_on_list: int = Field(ge=0)
    ballots_received: int = Field(ge=0)
    ballots_issued: int = Field(ge=0)
    ballots_cancelled: int = Field(ge=0)
    ballots_in_boxes: int = Field(ge=0)
    invalid: int = Field(ge=0)
    against_all: int | None = Field(default=None, ge=0)
    votes: dict[str, int] = Field(default_factory=dict)
    correction_reason: str | None = None
    #: The accepted version this protocol replaces (0 for the first); when given, a protocol
    #: written against an older version is refused instead of silently replacing a newer one.
    corrects: int | None = Field(default=None, ge=0)
    ballots_issued_in_station: int | None = Field(default=None, ge=0)
    ballots_issued_outside: int | None = Field(default=None, ge=0)
    ballots_in_stationary_boxes: int | None = Field(default=None, ge=0)
    ballots_in_portable_boxes: int | None = Field(default=None, ge=0)

    @property
    def has_home_voting_split(self) -> bool:
        """Whether any count of the home-voting split is given."""
        return any(getattr(self, name) is not None for name in HOME_VOTING_FIELDS)

    @model_validator(mode="after")
    def _votes_non_negative(self) -> Protocol:
        for candidate, count in self.votes.items():
            if count < 0:
                raise ValueError(f"votes for {candidate} must be >= 0")
        return self


HOME_VOTING_FIELDS = (
    "ballots_issued_in_station",
    "ballots_issued_outside",
    "ballots_in_stationary_boxes",
    "ballots_in_portable_boxes",
)


class Measure(StrEnum):
    """What a figure counts. Unlike measures are never added together."""

    OKRUGS_CONTESTED = "okrugs_contested"
    CANDIDATES_REGISTERED = "candidates_registered"
    CANDIDATES_NOMINATED = "candidates_nominated"
    CANDIDATES_SHARE_PCT = "candidates_share_pct"
    WINNERS = "winners"
    VOTERS = "voters"
    POLLING_STATIONS = "polling_stations"
    AKIM_POSTS = "akim_posts"
    AKIMS_TO_BE_ELECTED = "akims_to_be_elected"
    PARTY_MEMBERS = "party_members"
    PARTY_FOUNDED_YEAR = "party_founded_year"
    WINNERS_SHARE_PCT = "winners_share_pct"
    TURNOUT_PCT = "turnout_pct"
    VOTERS_PARTICIPATED = "voters_participated"
    WINNERS_INCUMBENT = "winners_incumbent"
    AKIMS_IN_OFFICE = "akims_in_office"


class Figure(Record):
    """One number as a source gives it: what it counts, where, for whom, and where it is from.

    ``party`` set means the figure is for that party's nominees; ``nomination`` and ``sex``
    describe a breakdown (``all`` when none). ``approximate`` marks figures the source gives
    as rounded ("1 million 200 thousand", "about 2,346").
    """

    id: str = Field(pattern=CODE_PATTERN)
    election: str | None
    level: Level
    unit: str
    measure: Measure
    party: str | None = None
    nomination: Nomination = Nomination.ALL
    sex: Sex = Sex.ALL
    value: Decimal
    approximate: bool = False
    provenance: Provenance

    @model_validator(mode="after")
    def _party_implies_party_nomination(self) -> Figure:
        if self.party is not None and self.nomination is not Nomination.PARTY:
            raise ValueError("a figure for a party must have nomination 'party'")
        return self
