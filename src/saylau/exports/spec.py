"""The tables of an election export: names, keys, columns, types and what each column means.

This module is the single description of the open-data tables. It drives every tabular
format (CSV, Parquet, Excel and the Frictionless data package), the readers that import them
back, the column headers in kk/ru/en (message ids ``od.col.<column>``) and the formats page
of the documentation.

Tables are *long* (one row per unit × ballot line, as OpenElections publishes results) and
hold numbers as numbers. Two kinds of table:

* **core** tables hold what an election *is* (places, candidates, protocols, draws of lots,
  certifications, published figures and results); an import writes them;
* **derived** tables (``totals``, ``results``, ``outcomes``) are computed from the core tables
  for the reader's convenience; an import recomputes them and refuses a file whose derived
  tables do not follow from its core tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    """Types of export columns."""

    STRING = "string"
    CODE = "code"
    COUNT = "count"  # an integer >= 0
    INTEGER = "integer"
    NUMBER = "number"  # a decimal number
    DATE = "date"
    DATETIME = "datetime"  # ISO 8601 with the zone (UTC)
    BOOLEAN = "boolean"
    LIST = "list"  # a JSON array of strings


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its name (also the CSV header), type and meaning."""

    name: str
    type: ColumnType
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None

    @property
    def header_key(self) -> str:
        """Message id of the column's header in kk/ru/en."""
        return f"od.col.{self.name}"


@dataclass(frozen=True)
class TableSpec:
    """One table of the export."""

    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    derived: bool = False

    @property
    def title_key(self) -> str:
        """Message id of the table's title (sheet name) in kk/ru/en."""
        return f"od.table.{self.name}"

    @property
    def filename(self) -> str:
        """File name of the table's CSV."""
        return f"{self.name}.csv"

    def column(self, name: str) -> ColumnSpec:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        """Column names, in order."""
        return tuple(c.name for c in self.columns)


S, C, N, I, F, D, DT, B, L = (  # noqa: E741 - short aliases keep the tables readable
    ColumnType.STRING,
    ColumnType.CODE,
    ColumnType.COUNT,
    ColumnType.INTEGER,
    ColumnType.NUMBER,
    ColumnType.DATE,
    ColumnType.DATETIME,
    ColumnType.BOOLEAN,
    ColumnType.LIST,
)

LEVELS = ("republic", "region", "district", "okrug", "station")
LINES = ("candidate", "against_all")
OUTCOMES = ("incomplete", "elected", "lots_required", "repeat_election", "no_candidates")
COUNT_STATUS = ("completed", "in-process", "not-processed", "unknown")
GROUNDS = ("term_end", "early_termination", "first", "repeat")
NOMINATIONS = ("party", "self", "higher_akim")
REGISTRATIONS = ("registered", "refused", "withdrawn")
SPENDING_ITEMS = (
    "ballots",
    "commission_pay",
    "premises",
    "equipment",
    "transport",
    "communication",
    "publicity",
    "other",
)


def _names(what: str) -> tuple[ColumnSpec, ...]:
    return (
        ColumnSpec("name_kk", S, f"Name of the {what} in Kazakh.", True),
        ColumnSpec("name_ru", S, f"Name of the {what} in Russian.", True),
        ColumnSpec("name_en", S, f"Name of the {what} in English.", True),
    )


PROTOCOL_COUNTS = (
    ColumnSpec("voters_on_list", N, "Voters on the list of the station (protocol line 1)."),
    ColumnSpec("ballots_received", N, "Ballots the station received."),
    ColumnSpec("ballots_issued", N, "Ballots issued to voters (those who took part)."),
    ColumnSpec("ballots_cancelled", N, "Unused ballots cancelled."),
    ColumnSpec("ballots_in_boxes", N, "Ballots found in the ballot boxes."),
    ColumnSpec("invalid", N, "Invalid ballots."),
    ColumnSpec(
        "against_all", N, "Votes against all candidates (empty when the ballot has no such line)."
    ),
)

# Home voting (voting outside the station, with portable boxes): the split of the ballots
# issued and of the ballots found. Empty when the protocol or source does not give it
# (protocols entered before the split was recorded stay valid).
HOME_VOTING = (
    ColumnSpec(
        "ballots_issued_in_station",
        N,
        "Of the ballots issued: in the station (home-voting split; empty when not given).",
    ),
    ColumnSpec(
        "ballots_issued_outside",
        N,
        "Of the ballots issued: outside the station, to voters voting at home (portable boxes).",
    ),
    ColumnSpec(
        "ballots_in_stationary_boxes", N, "Of the ballots in the boxes: in the stationary boxes."
    ),
    ColumnSpec(
        "ballots_in_portable_boxes", N, "Of the ballots in the boxes: in the portable boxes."
    ),
)

ELECTIONS = TableSpec(
    "elections",
    "The election: type, polling day, the law version it runs under.",
    ("code",),
    (
        ColumnSpec("code", C, "Stable code of the election.", True),
        ColumnSpec("type", S, "Type of election (rural_akim, ...).", True),
        ColumnSpec("date", D, "Polling day.", True),
        ColumnSpec("law_version", S, "Law version whose rules apply (saylau rules).", True),
        *_names("election"),
        ColumnSpec("synthetic", B, "true when the data are generated, not real.", True),
        ColumnSpec("source", C, "Source of the election's published figures, if any."),
        ColumnSpec(
            "territory",
            C,
            "Region or district of the territorial commission that runs the election (empty "
            "when saylau only holds published figures or results).",
        ),
        ColumnSpec(
            "against_all_on_ballot",
            B,
            "The commission's setting for the against-all line (empty: as the law version).",
        ),
        ColumnSpec(
            "ground",
            S,
            "Why the election is held: term_end (the incumbent's term ends), early_termination, "
            "first or repeat (empty: not recorded).",
            False,
            GROUNDS,
        ),
        ColumnSpec(
            "ground_date",
            D,
            "The day the incumbent's term ends (term_end) or the powers were terminated early "
            "(early_termination).",
        ),
        ColumnSpec("called_on", D, "The day the election was called (empty: not recorded)."),
        ColumnSpec("note", S, "Remarks."),
    ),
)

SOURCES = TableSpec(
    "sources",
    "Documents the numbers come from.",
    ("code",),
    (
        ColumnSpec("code", C, "Stable identifier of the source.", True),
        ColumnSpec(
            "kind",
            S,
            "Kind of document.",
            True,
            ("paper", "official", "press", "dataset", "law", "synthetic", "derived"),
        ),
        ColumnSpec("title", S, "Title of the document.", True),
        ColumnSpec("citation", S, "Full citation.", True),
        ColumnSpec("url", S, "Where the document can be found, if online."),
        ColumnSpec("licence", S, "Terms under which the figures are reused."),
        ColumnSpec("synthetic", B, "true when the data are generated, not real.", True),
        ColumnSpec("note", S, "Remarks on the source."),
    ),
)

REGIONS = TableSpec(
    "regions",
    "Regions (oblasts and cities of republican significance) the election concerns.",
    ("code",),
    (
        ColumnSpec("code", C, "Current ISO 3166-2 code (KZ-11 ...).", True),
        ColumnSpec("kind", S, "oblast or city_republican.", True, ("oblast", "city_republican")),
        *_names("region"),
        ColumnSpec("kato", S, "Code in the national classifier KATO."),
        ColumnSpec("iso_legacy", S, "Alphabetic ISO 3166-2 code before 2022 (KZ-AKM ...)."),
        ColumnSpec("name_latin", S, "Name in the Latin alphabet of Kazakh."),
        ColumnSpec("valid_from", D, "First day the region existed in this form."),
        ColumnSpec("valid_to", D, "Last day the region existed in this form."),
        ColumnSpec("source", C, "Source of the region's codes.", True),
        ColumnSpec("note", S, "Remarks."),
    ),
)

DISTRICTS = TableSpec(
    "districts",
    "Districts (аудан) and cities of regional significance.",
    ("code",),
    (
        ColumnSpec("code", C, "Stable code of the district.", True),
        ColumnSpec("region", C, "The region.", True),
        ColumnSpec("kind", S, "district or city_regional.", True, ("district", "city_regional")),
        *_names("district"),
        ColumnSpec("kato", S, "Code in the national classifier KATO."),
    ),
)

OKRUGS = TableSpec(
    "okrugs",
    "Rural okrugs, villages, settlements and cities of district significance: each elects "
    "one akim.",
    ("code",),
    (
        ColumnSpec("code", C, "Stable code of the okrug.", True),
        ColumnSpec("district", C, "The district.", True),
        ColumnSpec(
            "kind",
            S,
            "Kind of unit.",
            True,
            ("rural_okrug", "village", "settlement", "city_district"),
        ),
        *_names("okrug"),
        ColumnSpec("kato", S, "Code in the national classifier KATO."),
        ColumnSpec("population", N, "Population, if known."),
    ),
)

STATIONS = TableSpec(
    "stations",
    "Polling stations, with the voters registered for this election.",
    ("code",),
    (
        ColumnSpec("code", C, "Stable code of the station.", True),
        ColumnSpec("okrug", C, "The okrug.", True),
        ColumnSpec("number", N, "Number of the station.", True),
        *_names("station"),
        ColumnSpec("registered_voters", N, "Voters on the election's roll of the station (setup)."),
    ),
)

COMMISSIONS = TableSpec(
    "commissions",
    "Election commissions and the territory each serves.",
    ("code",),
    (
        ColumnSpec("code", C, "Stable code of the commission.", True),
        ColumnSpec(
            "level",
            S,
            "Level of the commission.",
            True,
            ("central", "territorial", "okrug", "precinct"),
        ),
        ColumnSpec("territory", C, "Code of the unit it serves.", True),
        *_names("commission"),
    ),
)

PARTIES = TableSpec(
    "parties",
    "Political parties whose nominees or figures appear.",
    ("code",),
    (
        ColumnSpec("code", C, "Stable code of the party.", True),
        ColumnSpec("registered", D, "Date of registration, if known."),
        ColumnSpec("dissolved", D, "Date of dissolution, if any."),
        ColumnSpec("source", C, "Source of the party record.", True),
        ColumnSpec("note", S, "Remarks."),
    ),
)

PARTY_NAMES = TableSpec(
    "party_names",
    "Names of the parties over time (full and short, in three languages).",
    ("party", "valid_from"),
    (
        ColumnSpec("party", C, "The party.", True),
        ColumnSpec("valid_from", D, "First day of the name (empty: since founding)."),
        ColumnSpec("valid_to", D, "Last day of the name (empty: still in use)."),
        *_names("party"),
        ColumnSpec("short_kk", S, "Short name in Kazakh.", True),
        ColumnSpec("short_ru", S, "Short name in Russian.", True),
        ColumnSpec("short_en", S, "Short name in English.", True),
        ColumnSpec("source", C, "Source of the name.", True),
    ),
)

PARTY_LINEAGE = TableSpec(
    "party_lineage",
    "Parties continuing as others (renamed, merged).",
    ("predecessor", "successor"),
    (
        ColumnSpec("predecessor", C, "The party that ended.", True),
        ColumnSpec("successor", C, "The party it continued as.", True),
        ColumnSpec("kind", S, "renamed or merged_into.", True, ("renamed", "merged_into")),
        ColumnSpec("date", D, "Date.", True),
        ColumnSpec("source", C, "Source.", True),
        ColumnSpec("note", S, "Remarks."),
    ),
)

CONTESTS = TableSpec(
    "contests",
    "Akim contests: one per okrug, with the number of seats.",
    ("code",),
    (
        ColumnSpec("code", C, "Stable code of the contest.", True),
        ColumnSpec("okrug", C, "The okrug whose akim is elected.", True),
        ColumnSpec("seats", N, "Seats (1 for an akim).", True),
    ),
)

CANDIDATES = TableSpec(
    "candidates",
    "Candidates: registered (on the ballot) and refused nominations.",
    ("code",),
    (
        ColumnSpec("code", C, "Stable code of the candidate.", True),
        ColumnSpec("contest", C, "The contest.", True),
        ColumnSpec("okrug", C, "The okrug.", True),
        ColumnSpec("name", S, "Full name as registered.", True),
        ColumnSpec("party", C, "Nominating party (empty: self-nominated or by the higher akim)."),
        ColumnSpec(
            "nomination",
            S,
            "Who nominated: party, self or higher_akim (the akim of the higher unit).",
            True,
            NOMINATIONS,
        ),
        ColumnSpec("sex", S, "male or female, if published.", False, ("male", "female")),
        ColumnSpec("birth_date", D, "Date of birth, if published."),
        ColumnSpec("incumbent", B, "Whether the candidate is the akim in office."),
        ColumnSpec("former_akim", B, "Whether the candidate was an akim before."),
        ColumnSpec(
            "registration",
            S,
            "The candidate's standing: registered or refused (the commission's decision in "
            "force), or withdrawn (registered, then withdrew: the registration is cancelled, "
            "see `withdrawals`).",
            True,
            REGISTRATIONS,
        ),
        ColumnSpec("refusal_rules", L, "Rule codes of the refusal (JSON array)."),
        ColumnSpec("nominated_at", DT, "When the nomination was submitted (UTC), if recorded."),
    ),
)

WITHDRAWALS = TableSpec(
    "withdrawals",
    "Withdrawals of registered candidates on written application (art. 113-6): the "
    "registration is cancelled; a candidate whose ballots were already printed stays on them.",
    ("candidate",),
    (
        ColumnSpec("contest", C, "The contest.", True),
        ColumnSpec("okrug", C, "The okrug.", True),
        ColumnSpec("candidate", C, "The candidate who withdrew.", True),
        ColumnSpec("applied_at", DT, "When the written application was made (UTC).", True),
        ColumnSpec(
            "ballots_printed",
            B,
            "Whether the ballots were already printed (the name stays on them; marks for the "
            "candidate count as the law version's withdrawn_votes setting says).",
            True,
        ),
        ColumnSpec("document", S, "The application or decision, as the commission cites it."),
    ),
)

EXTENSIONS = TableSpec(
    "extensions",
    "Extensions of nomination in okrugs where fewer candidates stood than the law version "
    "requires when nomination closed (K.010).",
    ("contest",),
    (
        ColumnSpec("contest", C, "The contest.", True),
        ColumnSpec("okrug", C, "The okrug.", True),
        ColumnSpec("decided_at", DT, "When the commission decided the extension (UTC).", True),
        ColumnSpec("days", N, "Days by which nomination is extended.", True),
        ColumnSpec("document", S, "The commission's decision, as it cites it."),
        ColumnSpec(
            "extended_from",
            DT,
            "The moment the extension counts from (UTC; the close of nomination, or of the "
            "day of a later withdrawal), by the law version.",
        ),
        ColumnSpec(
            "extended_until", DT, "When the extended nomination closes (UTC), by the law version."
        ),
    ),
)

PROTOCOLS = TableSpec(
    "protocols",
    "Accepted precinct protocols, every version; `current` marks the version that counts.",
    ("station", "version"),
    (
        ColumnSpec("station", C, "The station.", True),
        ColumnSpec("okrug", C, "The okrug of the station.", True),
        ColumnSpec("version", N, "Version (1, then one per correction).", True),
        ColumnSpec(
            "current", B, "true for the newest accepted version, the one that counts.", True
        ),
        *PROTOCOL_COUNTS,
        *HOME_VOTING,
        ColumnSpec("correction_reason", S, "Why the version corrects the previous one."),
        ColumnSpec("warnings", L, "Codes of the warnings a supervisor acknowledged (JSON array)."),
        ColumnSpec("warnings_note", S, "The supervisor's note on the warnings or discrepancy."),
        ColumnSpec("accepted_at", DT, "When the version was accepted (UTC)."),
    ),
)

VOTES = TableSpec(
    "votes",
    "Votes of every accepted protocol version, one row per station × version × ballot line.",
    ("station", "version", "line", "candidate"),
    (
        ColumnSpec("station", C, "The station.", True),
        ColumnSpec("version", N, "Version of the protocol.", True),
        ColumnSpec("current", B, "true for the version that counts.", True),
        ColumnSpec("line", S, "candidate or against_all.", True, LINES),
        ColumnSpec("candidate", C, "The candidate (empty for against all)."),
        ColumnSpec("votes", N, "Votes.", True),
    ),
)

LOT_DRAWS = TableSpec(
    "lot_draws",
    "Draws of lots the commissions held for ties (saylau records them, it draws none).",
    ("contest", "drawn_at"),
    (
        ColumnSpec("contest", C, "The contest.", True),
        ColumnSpec("okrug", C, "The okrug.", True),
        ColumnSpec("tied", L, "The tied candidates (JSON array).", True),
        ColumnSpec("winner", C, "Who drew the winning lot.", True),
        ColumnSpec("drawn_by", S, "Who conducted the draw.", True),
        ColumnSpec("drawn_at", DT, "When the lots were drawn (UTC).", True),
        ColumnSpec("witnesses", L, "Witnesses present (JSON array).", True),
    ),
)

CERTIFICATIONS = TableSpec(
    "certifications",
    "Okrug results certified by the commission, with the SHA-256 of the certified record.",
    ("contest", "certified_at"),
    (
        ColumnSpec("contest", C, "The contest.", True),
        ColumnSpec("okrug", C, "The okrug.", True),
        ColumnSpec("outcome", S, "Certified outcome.", True, OUTCOMES),
        ColumnSpec("winner", C, "Certified winner (empty when none)."),
        ColumnSpec("sha256", S, "SHA-256 of `record` (printed on the final protocol).", True),
        ColumnSpec("certified_by", S, "Account that certified.", True),
        ColumnSpec("certified_at", DT, "When (UTC).", True),
        ColumnSpec("record", S, "The certified record, canonical JSON.", True),
        ColumnSpec(
            "matches_data", B, "Whether the record still matches the accepted protocols.", True
        ),
    ),
)

FIGURES = TableSpec(
    "figures",
    "Numbers as a source publishes them (aggregates by region and party), with provenance.",
    ("id",),
    (
        ColumnSpec("id", C, "Stable identifier of the figure.", True),
        ColumnSpec("election", C, "The election (empty: registry or text figures)."),
        ColumnSpec("level", S, "Level of the unit.", True, LEVELS),
        ColumnSpec("unit", C, "Code of the unit (KZ for the republic).", True),
        ColumnSpec("measure", S, "What the number counts.", True),
        ColumnSpec("party", C, "The party, for a party's nominees."),
        ColumnSpec("nomination", S, "party, self or all.", True, ("party", "self", "all")),
        ColumnSpec("sex", S, "male, female or all.", True, ("male", "female", "all")),
        ColumnSpec("value", F, "The number as published.", True),
        ColumnSpec("decimals", N, "Decimal places as published (38.2 has 1).", True),
        ColumnSpec("approximate", B, "true when the source rounds it.", True),
        ColumnSpec("source", C, "Source.", True),
        ColumnSpec("table", S, "Table of the source."),
        ColumnSpec("row", S, "Row label in the source's words."),
        ColumnSpec("column", S, "Column label in the source's words."),
        ColumnSpec("position", N, "Position in the source's reading order."),
        ColumnSpec("note", S, "Remarks."),
    ),
)

PUBLISHED_RESULTS = TableSpec(
    "published_results",
    "Results as a commission or another source published them, at the level published "
    "(station or okrug and above), kept exactly; saylau holds them beside, not instead of, "
    "protocols.",
    ("level", "unit", "source"),
    (
        ColumnSpec("level", S, "Level of the unit.", True, LEVELS),
        ColumnSpec("unit", C, "Code of the unit.", True),
        ColumnSpec("contest", C, "The contest, for okrug and station results."),
        *PROTOCOL_COUNTS,
        *HOME_VOTING,
        ColumnSpec("stations_reported", N, "Stations whose results are included."),
        ColumnSpec("stations_total", N, "Stations of the unit."),
        ColumnSpec("count_status", S, "Status of the count.", False, COUNT_STATUS),
        ColumnSpec("outcome", S, "Published outcome (okrugs).", False, OUTCOMES),
        ColumnSpec("winner", C, "Published winner (okrugs)."),
        ColumnSpec("certified_sha256", S, "SHA-256 of the certified record, if published."),
        ColumnSpec("certified_at", DT, "When the result was certified (UTC), if published."),
        ColumnSpec("certified_by", S, "Who certified, if published."),
        ColumnSpec("source", C, "Source of the numbers.", True),
        ColumnSpec("location", S, "Where in the source (JSON pointer, sheet/row/column)."),
    ),
)

PUBLISHED_VOTES = TableSpec(
    "published_votes",
    "Candidates' votes as published, one row per unit × candidate.",
    ("level", "unit", "candidate", "source"),
    (
        ColumnSpec("level", S, "Level of the unit.", True, LEVELS),
        ColumnSpec("unit", C, "Code of the unit.", True),
        ColumnSpec("candidate", C, "The candidate.", True),
        ColumnSpec("votes", N, "Votes.", True),
        ColumnSpec("source", C, "Source of the numbers.", True),
        ColumnSpec("location", S, "Where in the source."),
    ),
)

TOTALS = TableSpec(
    "totals",
    "Totals of every unit (republic, regions, districts, okrugs, stations): progress, "
    "voters, ballots, turnout. Computed from the current protocols, or as published.",
    ("level", "unit"),
    (
        ColumnSpec("level", S, "Level of the unit.", True, LEVELS),
        ColumnSpec("unit", C, "Code of the unit.", True),
        ColumnSpec("name_kk", S, "Name of the unit in Kazakh."),
        ColumnSpec("name_ru", S, "Name of the unit in Russian."),
        ColumnSpec("name_en", S, "Name of the unit in English."),
        ColumnSpec("basis", S, "protocols or published.", True, ("protocols", "published")),
        ColumnSpec("stations_total", N, "Stations of the unit."),
        ColumnSpec("stations_reported", N, "Stations whose protocol counts."),
        ColumnSpec("count_status", S, "Status of the count.", False, COUNT_STATUS),
        *PROTOCOL_COUNTS,
        *HOME_VOTING,
        ColumnSpec(
            "stations_with_split",
            N,
            "Stations whose counted protocol gives the home-voting split (the four home-voting "
            "columns are sums over them; empty for published totals).",
        ),
        ColumnSpec("valid", N, "Valid ballots: candidates' votes plus against all."),
        ColumnSpec("turnout_pct", F, "Ballots issued per 100 voters on the list."),
    ),
    derived=True,
)

RESULTS = TableSpec(
    "results",
    "Votes by ballot line in every okrug and station (long format: one row per unit × "
    "candidate or against all), with shares of the ballots in the boxes.",
    ("level", "unit", "line", "candidate"),
    (
        ColumnSpec("level", S, "okrug or station.", True, ("okrug", "station")),
        ColumnSpec("unit", C, "Code of the unit.", True),
        ColumnSpec("okrug", C, "The okrug (the contest's territory).", True),
        ColumnSpec("line", S, "candidate or against_all.", True, LINES),
        ColumnSpec("candidate", C, "The candidate (empty for against all)."),
        ColumnSpec("candidate_name", S, "The candidate's name."),
        ColumnSpec("party", C, "The candidate's party (empty: self-nominated)."),
        ColumnSpec("votes", N, "Votes.", True),
        ColumnSpec("share_pct", F, "Votes per 100 ballots in the boxes."),
        ColumnSpec(
            "withdrawn",
            B,
            "true for marks for a candidate who withdrew after the ballots were printed.",
        ),
    ),
    derived=True,
)

OUTCOMES_TABLE = TableSpec(
    "outcomes",
    "Each okrug's outcome by the law version's rules, computed from the current protocols.",
    ("contest",),
    (
        ColumnSpec("contest", C, "The contest.", True),
        ColumnSpec("okrug", C, "The okrug.", True),
        ColumnSpec("outcome", S, "The outcome.", True, OUTCOMES),
        ColumnSpec("winner", C, "The winner (empty when none)."),
        ColumnSpec("rules", L, "Rule codes applied, in order (JSON array; saylau explain)."),
        ColumnSpec("certified", B, "Whether a certification matches the data.", True),
        ColumnSpec(
            "withdrawn",
            L,
            "Candidates who withdrew after the ballots were printed: on the ballot, not "
            "standing (JSON array).",
        ),
    ),
    derived=True,
)

BUDGET = TableSpec(
    "budget",
    "Money allocated from the budget to the territorial commission (art. 33), with the "
    "budget line it comes from.",
    ("position",),
    (
        ColumnSpec("position", N, "Order in which the allocation was recorded (1, 2 ...).", True),
        ColumnSpec("commission", C, "The territorial commission that disposes of the funds.", True),
        ColumnSpec("amount_tiyn", N, "Amount in tiyn (1 tenge = 100 tiyn).", True),
        ColumnSpec("date", D, "Date of the allocation.", True),
        ColumnSpec("document", S, "The budget document, as cited."),
        ColumnSpec(
            "budget_line", S, "The budget line (national, oblast or local budget programme)."
        ),
    ),
)

SPENDING = TableSpec(
    "spending",
    "Spending of the commissions by item, in the order recorded.",
    ("position",),
    (
        ColumnSpec("position", N, "Order in which the spending was recorded (1, 2 ...).", True),
        ColumnSpec("commission", C, "The commission that spent.", True),
        ColumnSpec("okrug", C, "The okrug the spending is for (empty: the whole election)."),
        ColumnSpec("item", S, "Item of spending.", True, SPENDING_ITEMS),
        ColumnSpec("amount_tiyn", N, "Amount in tiyn (1 tenge = 100 tiyn).", True),
        ColumnSpec("date", D, "Date.", True),
        ColumnSpec("document", S, "The invoice or decision, as cited."),
    ),
)

ALLOWANCES = TableSpec(
    "allowances",
    "The campaign allowance each registered candidate receives from the budget; the newest "
    "is in force.",
    ("position",),
    (
        ColumnSpec("position", N, "Order in which the allowance was recorded (1, 2 ...).", True),
        ColumnSpec(
            "amount_tiyn", N, "Allowance per candidate in tiyn (1 tenge = 100 tiyn).", True
        ),
        ColumnSpec("date", D, "Date of the decision.", True),
        ColumnSpec(
            "source", S, "Where the figure comes from (a decision, a document, a URL).", True
        ),
    ),
)

TABLES: tuple[TableSpec, ...] = (
    ELECTIONS,
    SOURCES,
    REGIONS,
    DISTRICTS,
    OKRUGS,
    STATIONS,
    COMMISSIONS,
    PARTIES,
    PARTY_NAMES,
    PARTY_LINEAGE,
    CONTESTS,
    CANDIDATES,
    WITHDRAWALS,
    EXTENSIONS,
    PROTOCOLS,
    VOTES,
    LOT_DRAWS,
    CERTIFICATIONS,
    FIGURES,
    PUBLISHED_RESULTS,
    PUBLISHED_VOTES,
    BUDGET,
    SPENDING,
    ALLOWANCES,
    TOTALS,
    RESULTS,
    OUTCOMES_TABLE,
)
BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}
CORE: tuple[TableSpec, ...] = tuple(t for t in TABLES if not t.derived)
DERIVED: tuple[TableSpec, ...] = tuple(t for t in TABLES if t.derived)
