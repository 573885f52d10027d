"""Response models of the election-night pages (``/elections``, ``/election/{code}/…``).

Every live page carries ``live``: the texts that change while protocols arrive, keyed as the
page's elements are marked (``data-live``), so a poller can update a page in place.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from saylau.web.models import ElectionItem, Model, PageBase


class ElectionsPage(PageBase):
    """``/elections``: every election in the database."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "elections",
                    "elections": [
                        {"code": "kz-2021-rural-akim", "run": False, "href": "/"},
                        {"code": "demo-2025", "run": True, "synthetic": True},
                    ],
                }
            ]
        }
    )
    elections: list[ElectionItem]


class PlaceRef(Model):
    """A place with its page."""

    level: str
    code: str
    name: str
    href: str


class Progress(Model):
    """Polling stations reported of those expected, and when the last protocol came in."""

    expected: int
    reported: int
    percent: float | None
    text: str
    last_update: str | None = Field(description="UTC, ISO 8601")
    last_update_text: str | None = Field(description="Local time in Almaty, in the page language")


class TotalsOut(Model):
    """Summed counts of the accepted protocols of a unit."""

    voters_registered: int
    voters_on_list: int
    ballots_issued: int
    ballots_in_boxes: int
    valid: int
    invalid: int
    against_all: int | None
    turnout: float | None = Field(description="Ballots issued / voters on the list, percent")
    turnout_text: str
    stations_with_split: int = Field(
        0, description="Stations whose protocols split home voting (portable boxes) out"
    )
    ballots_issued_in_station: int | None = Field(None, description="Over those stations")
    ballots_issued_outside: int | None = Field(
        None, description="Ballots issued outside the station (home voting), over those stations"
    )
    ballots_in_stationary_boxes: int | None = Field(None, description="Over those stations")
    ballots_in_portable_boxes: int | None = Field(None, description="Over those stations")


class CandidateOut(Model):
    """A candidate with votes and share of those who took part (ballots in the boxes)."""

    code: str
    name: str
    party: str | None
    party_name: str
    votes: int
    votes_text: str
    share: float | None
    share_text: str
    elected: bool
    href: str | None = Field(default=None, description="The candidate's page")


class TraceStepOut(Model):
    """One step of the winner determination: rule, article, what was checked, what followed."""

    rule: str
    title: str
    article: str
    check: str
    result: str
    confidence: str
    confidence_text: str


class OutcomeOut(Model):
    """The outcome by the law (provisional until certified) and its explanation."""

    kind: str = Field(
        description="elected, lots_required, repeat_election, no_candidates, incomplete"
    )
    status: str = Field(
        description="no_data, provisional, certified, lots_required, repeat_election, no_candidates"
    )
    status_text: str
    summary: str
    winner: str | None
    winner_name: str | None
    leader: str | None = Field(description="Candidate with most votes so far")
    leader_name: str | None
    trace: list[TraceStepOut]


class CertificationOut(Model):
    """A certified result: the SHA-256 of the certified record."""

    sha256: str
    certified_at: str
    certified_at_text: str
    certified_by: str
    outcome: str
    winner: str | None
    current: bool = Field(description="False when accepted protocols changed after certifying")


class OkrugItem(Model):
    """An okrug in a list: progress, leader or winner, status."""

    code: str
    name: str
    href: str
    district: str
    reported: int
    expected: int
    progress_text: str
    leader_name: str | None
    status: str
    status_text: str


class UnitItem(Model):
    """A region or district in a list, with its progress."""

    code: str
    name: str
    href: str
    reported: int
    expected: int
    progress_text: str
    turnout: float | None = Field(default=None, description="Ballots issued / voters, percent")
    turnout_text: str


class StationItem(Model):
    """A polling station in a list: reported or not."""

    code: str
    number: int | None
    name: str
    href: str
    reported: bool
    version: int | None
    status_text: str


class RecallStepOut(Model):
    """A recorded step of recall, early termination or by-election."""

    date: str
    step: str
    step_text: str
    body: str
    outcome: str | None
    document: str | None
    by_election: str | None
    legal_basis: str


class ProtocolOut(Model):
    """One accepted version of a station's protocol."""

    version: int
    entered_at: str
    entered_at_text: str
    correction_reason: str | None
    voters_on_list: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_in_boxes: int
    invalid: int
    against_all: int | None
    votes: dict[str, int]
    changed: list[str] = Field(description="Fields that differ from the previous version")
    ballots_issued_in_station: int | None = None
    ballots_issued_outside: int | None = Field(None, description="Home voting (portable boxes)")
    ballots_in_stationary_boxes: int | None = None
    ballots_in_portable_boxes: int | None = None


class PartyChange(Model):
    """A party's (or the self-nominated) share of the votes then and now."""

    party: str | None
    name: str
    before: float | None
    now: float | None
    change: float | None
    text: str


class ChangeOut(Model):
    """An okrug against the newest earlier election run with saylau on it."""

    election: str
    election_name: str
    date_text: str
    href: str
    winner_before: str | None
    turnout_before: float | None
    turnout_now: float | None
    turnout_change_text: str
    parties: list[PartyChange]


class PartyBar(Model):
    """Votes for a party's candidates (or the self-nominated) summed over the okrugs."""

    party: str | None
    name: str
    votes: int
    share: float | None
    share_text: str


class LivePage(PageBase):
    """What every page of an election carries."""

    election: ElectionItem
    crumbs: list[PlaceRef]
    progress: Progress
    live: dict[str, str] = Field(description="Texts that change while protocols arrive")
    live_seconds: int = Field(description="How often the page polls its JSON twin")


class ElectionPage(LivePage):
    """``/election/{code}``: progress, turnout, regions and okrugs with winners and status."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "election",
                    "synthetic": True,
                    "election": {"code": "demo-2025"},
                    "progress": {"expected": 5, "reported": 5},
                    "okrugs": [{"code": "demo-zhanaauyl", "status": "certified"}],
                }
            ]
        }
    )
    totals: TotalsOut
    regions: list[UnitItem]
    districts: list[UnitItem]
    okrugs: list[OkrugItem]
    parties: list[PartyBar] = Field(default_factory=list, description="Votes by party")
    downloads: dict[str, str] = Field(
        default_factory=dict, description="Every station's results: csv, excel, parquet"
    )


class AreaPage(LivePage):
    """One area (region or district) of an election."""

    area: PlaceRef
    totals: TotalsOut
    districts: list[UnitItem]
    okrugs: list[OkrugItem]
    stations: list[StationItem]


class ElectionRegionPage(AreaPage):
    """``/election/{code}/region/{r}``: a region of an election, its districts and okrugs."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "election_region",
                    "area": {"level": "region", "code": "KZ-11"},
                    "districts": [{"code": "demo-district"}],
                }
            ]
        }
    )


class ElectionDistrictPage(AreaPage):
    """``/election/{code}/district/{d}``: a district of an election, okrugs and stations."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "election_district",
                    "area": {"level": "district", "code": "demo-district"},
                    "okrugs": [{"code": "demo-birlik"}],
                    "stations": [{"code": "demo-ps-103", "reported": True}],
                }
            ]
        }
    )


class OkrugPage(LivePage):
    """``/election/{code}/okrug/{o}``: candidates, votes, outcome, explanation, certification."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "election_okrug",
                    "okrug": {"code": "demo-zhanaauyl"},
                    "candidates": [{"code": "demo-c01", "votes": 983, "elected": True}],
                    "outcome": {"kind": "elected", "winner": "demo-c01"},
                }
            ]
        }
    )
    okrug: PlaceRef
    totals: TotalsOut
    candidates: list[CandidateOut]
    against_all: CandidateOut | None
    outcome: OutcomeOut
    certification: CertificationOut | None
    recall: list[RecallStepOut]
    stations: list[StationItem]
    change: ChangeOut | None = Field(
        default=None, description="Against the newest earlier election on the okrug"
    )


class StationPage(LivePage):
    """``/election/{code}/station/{s}``: the accepted protocol and every version of it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "page": "election_station",
                    "station": {"code": "demo-ps-101"},
                    "protocol": {"version": 1, "voters_on_list": 1650},
                }
            ]
        }
    )
    station: PlaceRef
    registered_voters: int | None
    candidates: dict[str, str] = Field(description="Candidate code → name (party)")
    protocol: ProtocolOut | None
    versions: list[ProtocolOut]
