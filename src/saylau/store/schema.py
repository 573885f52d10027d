"""The relational schema, one for SQLite and PostgreSQL (SQLAlchemy 2 declarative).

Names of places and bodies are stored in three columns (``name_kk``, ``name_ru``,
``name_en``). Counts are integers. A figure's value is an exact decimal held as an integer
``value`` scaled by ``10**-scale`` (38.2 is value 382, scale 1), so sums stay exact on both
databases and no float ever enters a published number.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE = String(64)


class Base(DeclarativeBase):
    """Declarative base with a fixed constraint naming convention (stable migrations)."""

    metadata = MetaData(naming_convention=NAMING)


class NamedMixin:
    """Three-language name columns."""

    name_kk: Mapped[str] = mapped_column(Text)
    name_ru: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)


class SourceRow(Base):
    __tablename__ = "source"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    citation: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    licence: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)


class RegionRow(NamedMixin, Base):
    __tablename__ = "region"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    kato: Mapped[str | None] = mapped_column(String(9))
    iso_legacy: Mapped[str | None] = mapped_column(String(8))
    name_latin: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(ForeignKey("source.code"))
    note: Mapped[str | None] = mapped_column(Text)


class DistrictRow(NamedMixin, Base):
    __tablename__ = "district"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    region: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    kato: Mapped[str | None] = mapped_column(String(9))


class OkrugRow(NamedMixin, Base):
    __tablename__ = "okrug"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    district: Mapped[str] = mapped_column(ForeignKey("district.code"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    kato: Mapped[str | None] = mapped_column(String(9))
    population: Mapped[int | None] = mapped_column(Integer)


class StationRow(NamedMixin, Base):
    __tablename__ = "station"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    okrug: Mapped[str] = mapped_column(ForeignKey("okrug.code"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    registered_voters: Mapped[int | None] = mapped_column(Integer)


class CommissionRow(NamedMixin, Base):
    __tablename__ = "commission"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    territory: Mapped[str] = mapped_column(CODE)


class PartyRow(Base):
    __tablename__ = "party"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    registered: Mapped[dt.date | None] = mapped_column(Date)
    dissolved: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(ForeignKey("source.code"))
    note: Mapped[str | None] = mapped_column(Text)


class PartyNameRow(NamedMixin, Base):
    __tablename__ = "party_name"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party: Mapped[str] = mapped_column(ForeignKey("party.code"), index=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    short_kk: Mapped[str] = mapped_column(Text)
    short_ru: Mapped[str] = mapped_column(Text)
    short_en: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(ForeignKey("source.code"))


class PartyLineageRow(Base):
    __tablename__ = "party_lineage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    predecessor: Mapped[str] = mapped_column(ForeignKey("party.code"))
    successor: Mapped[str] = mapped_column(ForeignKey("party.code"))
    kind: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(ForeignKey("source.code"))
    note: Mapped[str | None] = mapped_column(Text)


class ElectionRow(NamedMixin, Base):
    __tablename__ = "election"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date)
    law_version: Mapped[str] = mapped_column(String(64))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(ForeignKey("source.code"))
    note: Mapped[str | None] = mapped_column(Text)


class ContestRow(Base):
    __tablename__ = "contest"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), index=True)
    okrug: Mapped[str] = mapped_column(ForeignKey("okrug.code"), index=True)
    seats: Mapped[int] = mapped_column(SmallInteger, default=1)


class CandidateRow(Base):
    __tablename__ = "candidate"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    contest: Mapped[str] = mapped_column(ForeignKey("contest.code"), index=True)
    name: Mapped[str] = mapped_column(Text)
    party: Mapped[str | None] = mapped_column(ForeignKey("party.code"))
    sex: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    incumbent: Mapped[bool | None] = mapped_column(Boolean)
    former_akim: Mapped[bool | None] = mapped_column(Boolean)
    # "higher_akim" when the akim of the higher unit nominated; NULL: party or self (by party)
    nominated_by: Mapped[str | None] = mapped_column(String(16))


class ProtocolRow(Base):
    __tablename__ = "protocol"
    __table_args__ = (UniqueConstraint("station", "election", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station: Mapped[str] = mapped_column(ForeignKey("station.code"), index=True)
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    voters_on_list: Mapped[int] = mapped_column(Integer)
    ballots_received: Mapped[int] = mapped_column(Integer)
    ballots_issued: Mapped[int] = mapped_column(Integer)
    ballots_cancelled: Mapped[int] = mapped_column(Integer)
    ballots_in_boxes: Mapped[int] = mapped_column(Integer)
    invalid: Mapped[int] = mapped_column(Integer)
    against_all: Mapped[int | None] = mapped_column(Integer)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    signed_by: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(Text)
    commission_key: Mapped[str | None] = mapped_column(String(64))
    commission_signature: Mapped[str | None] = mapped_column(Text)
    # Home voting (portable boxes); NULL on protocols without the split.
    ballots_issued_in_station: Mapped[int | None] = mapped_column(Integer)
    ballots_issued_outside: Mapped[int | None] = mapped_column(Integer)
    ballots_in_stationary_boxes: Mapped[int | None] = mapped_column(Integer)
    ballots_in_portable_boxes: Mapped[int | None] = mapped_column(Integer)


class ProtocolVoteRow(Base):
    __tablename__ = "protocol_vote"
    protocol: Mapped[int] = mapped_column(ForeignKey("protocol.id"), primary_key=True)
    candidate: Mapped[str] = mapped_column(ForeignKey("candidate.code"), primary_key=True)
    votes: Mapped[int] = mapped_column(Integer)


class FigureRow(Base):
    __tablename__ = "figure"
    id: Mapped[str] = mapped_column(CODE, primary_key=True)
    dataset: Mapped[str] = mapped_column(CODE, index=True)
    election: Mapped[str | None] = mapped_column(ForeignKey("election.code"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(CODE)
    measure: Mapped[str] = mapped_column(String(32))
    party: Mapped[str | None] = mapped_column(ForeignKey("party.code"))
    nomination: Mapped[str] = mapped_column(String(8))
    sex: Mapped[str] = mapped_column(String(8))
    value: Mapped[int] = mapped_column(BigInteger)
    scale: Mapped[int] = mapped_column(SmallInteger, default=0)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(ForeignKey("source.code"))
    source_table: Mapped[str | None] = mapped_column(Text)
    source_row: Mapped[str | None] = mapped_column(Text)
    source_column: Mapped[str | None] = mapped_column(Text)
    source_page: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class DatasetLoadRow(Base):
    """Which bundled or imported dataset is in the database, and the digest of its files."""

    __tablename__ = "dataset_load"
    dataset: Mapped[str] = mapped_column(CODE, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """The election's record: an append-only, hash-chained log. Each entry is written in the
    transaction of its change and holds the complete new state of the rows it changed
    (``state``: the public part; ``private``: account names and personal data, hashed into
    the entry but never published). See ``docs/record.md``."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(Text)
    election: Mapped[str | None] = mapped_column(CODE, index=True)
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)
    private: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditV1Row(Base):
    """The log before the record (schema 0001-0003): read-only, kept for its history."""

    __tablename__ = "audit_log_v1"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class CheckpointRow(Base):
    """A signed statement of the log's length and head, written after every change."""

    __tablename__ = "checkpoint"
    # Keyed by (seq, head): after entries were removed outside saylau, a new checkpoint of the
    # same length is written beside the old one, whose head no longer matches (db verify says so).
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    head: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)


class SigningKeyRow(Base):
    """A public Ed25519 key: the server's, an election's or a commission's (no private key)."""

    __tablename__ = "signing_key"
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(CODE, index=True)
    public_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# --- Election administration (law engine) -------------------------------------------------


class ElectionSetupRow(Base):
    """Settings a commission chooses for one election, beside its law version."""

    __tablename__ = "election_setup"
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), primary_key=True)
    territory: Mapped[str] = mapped_column(CODE)
    double_entry: Mapped[bool] = mapped_column(Boolean, default=False)
    against_all_on_ballot: Mapped[bool | None] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The ground of the election (term_end, early_termination, first, repeat), its day (the
    # end of the term or the early termination) and the day of the call; NULL when not
    # recorded (elections set up before they were).
    ground: Mapped[str | None] = mapped_column(String(24))
    ground_date: Mapped[dt.date | None] = mapped_column(Date)
    called_on: Mapped[dt.date | None] = mapped_column(Date)


class ElectionStepRow(Base):
    """A step a commission records that moves an okrug's calendar: an extension of
    nomination (``kind`` "extension", with ``days``) or a withdrawal of candidacy ("withdrawal",
    with ``candidate`` and ``ballots_printed``). ``taken_at`` is when the application was made
    or the extension decided (time-zone aware, stored in UTC)."""

    __tablename__ = "election_step"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), index=True)
    contest: Mapped[str] = mapped_column(ForeignKey("contest.code"), index=True)
    candidate: Mapped[str | None] = mapped_column(ForeignKey("candidate.code"))
    kind: Mapped[str] = mapped_column(String(16))
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    days: Mapped[int | None] = mapped_column(Integer)
    ballots_printed: Mapped[bool | None] = mapped_column(Boolean)
    document: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StationRollRow(Base):
    """Registered voters of a station for one election."""

    __tablename__ = "station_roll"
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), primary_key=True)
    station: Mapped[str] = mapped_column(ForeignKey("station.code"), primary_key=True)
    registered_voters: Mapped[int] = mapped_column(Integer)


class NominationDecisionRow(Base):
    """A decision on a nomination (register or refuse), and re-decisions on appeal."""

    __tablename__ = "nomination_decision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate: Mapped[str] = mapped_column(ForeignKey("candidate.code"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    findings: Mapped[str] = mapped_column(Text)
    facts: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    appeal_of: Mapped[int | None] = mapped_column(ForeignKey("nomination_decision.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class ProtocolEntryRow(Base):
    """One data entry of a protocol version by one operator (double entry: two per version)."""

    __tablename__ = "protocol_entry"
    __table_args__ = (UniqueConstraint("station", "election", "version", "entry_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station: Mapped[str] = mapped_column(ForeignKey("station.code"), index=True)
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    entry_no: Mapped[int] = mapped_column(SmallInteger)
    operator: Mapped[str] = mapped_column(Text)
    values: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    findings: Mapped[str] = mapped_column(Text)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    commission_key: Mapped[str | None] = mapped_column(String(64))
    commission_signature: Mapped[str | None] = mapped_column(Text)


class LotDrawRow(Base):
    """The recorded outcome of a commission's physical drawing of lots."""

    __tablename__ = "lot_draw"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contest: Mapped[str] = mapped_column(ForeignKey("contest.code"), index=True)
    winner: Mapped[str] = mapped_column(ForeignKey("candidate.code"))
    tied: Mapped[str] = mapped_column(Text)
    drawn_by: Mapped[str] = mapped_column(Text)
    drawn_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    witnesses: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)


class CertificationRow(Base):
    """An okrug commission's certified result, with the fingerprint of its data."""

    __tablename__ = "certification"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contest: Mapped[str] = mapped_column(ForeignKey("contest.code"), index=True)
    outcome: Mapped[str] = mapped_column(String(24))
    winner: Mapped[str | None] = mapped_column(ForeignKey("candidate.code"))
    record: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    certified_by: Mapped[str] = mapped_column(Text)
    certified_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    signed_by: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(Text)


class RecallStepRow(Base):
    """A step of removal or early termination of an akim, and the by-election that follows."""

    __tablename__ = "recall_step"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    okrug: Mapped[str] = mapped_column(ForeignKey("okrug.code"), index=True)
    akim: Mapped[str | None] = mapped_column(ForeignKey("candidate.code"))
    step: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    document: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(32))
    by_election: Mapped[str | None] = mapped_column(ForeignKey("election.code"))
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class BudgetRow(Base):
    """Money allocated from the local budget to a territorial commission (election law art. 33)."""

    __tablename__ = "budget"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), index=True)
    commission: Mapped[str] = mapped_column(ForeignKey("commission.code"))
    amount_tiyn: Mapped[int] = mapped_column(BigInteger)
    document: Mapped[str | None] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    # The budget line the money comes from (e.g. "national budget 2021, rural akim elections").
    budget_line: Mapped[str | None] = mapped_column(Text)


class CampaignAllowanceRow(Base):
    """The campaign allowance each registered candidate receives from the budget (e.g.
    220,000 KZT per rural candidate in 2021), with its source; the newest row applies."""

    __tablename__ = "campaign_allowance"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), index=True)
    amount_tiyn: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ExpenditureRow(Base):
    """Spending of an allocation, by item, optionally for one okrug."""

    __tablename__ = "expenditure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), index=True)
    commission: Mapped[str] = mapped_column(ForeignKey("commission.code"))
    okrug: Mapped[str | None] = mapped_column(ForeignKey("okrug.code"))
    item: Mapped[str] = mapped_column(String(32))
    amount_tiyn: Mapped[int] = mapped_column(BigInteger)
    date: Mapped[dt.date] = mapped_column(Date)
    document: Mapped[str | None] = mapped_column(Text)


# --- Accounts of the commission workspace (web) ---------------------------------------------


class AccountRow(Base):
    """A person who signs in to the commission workspace: role and territory (no secrets but
    the argon2 hash of the password)."""

    __tablename__ = "account"
    name: Mapped[str] = mapped_column(CODE, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    territory: Mapped[str | None] = mapped_column(CODE)
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WebSessionRow(Base):
    """A signed-in browser: only the SHA-256 of its cookie token is stored."""

    __tablename__ = "web_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account: Mapped[str] = mapped_column(ForeignKey("account.name"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SignInAttemptRow(Base):
    """Every sign-in attempt (the name as typed, the address, the outcome): the rate limit."""

    __tablename__ = "sign_in_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(CODE, index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


# --- Results as published by commissions and other sources (open data imports) -------------


class PublishedResultRow(Base):
    """A unit's result as a source published it (a CDF file, a commission's okrug table),
    kept exactly as published beside the protocols; counts the source does not give are
    NULL. Never used to decide an outcome: saylau decides from protocols."""

    __tablename__ = "published_result"
    __table_args__ = (UniqueConstraint("election", "level", "unit", "source"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    election: Mapped[str] = mapped_column(ForeignKey("election.code"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(CODE)
    contest: Mapped[str | None] = mapped_column(ForeignKey("contest.code"))
    voters_on_list: Mapped[int | None] = mapped_column(BigInteger)
    ballots_received: Mapped[int | None] = mapped_column(BigInteger)
    ballots_issued: Mapped[int | None] = mapped_column(BigInteger)
    ballots_cancelled: Mapped[int | None] = mapped_column(BigInteger)
    ballots_in_boxes: Mapped[int | None] = mapped_column(BigInteger)
    invalid: Mapped[int | None] = mapped_column(BigInteger)
    against_all: Mapped[int | None] = mapped_column(BigInteger)
    stations_reported: Mapped[int | None] = mapped_column(Integer)
    stations_total: Mapped[int | None] = mapped_column(Integer)
    count_status: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(24))
    winner: Mapped[str | None] = mapped_column(ForeignKey("candidate.code"))
    certified_sha256: Mapped[str | None] = mapped_column(String(64))
    certified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    certified_by: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(ForeignKey("source.code"))
    location: Mapped[str | None] = mapped_column(Text)
    # Home voting, as published (0006_exports2); NULL when the source gives no split.
    ballots_issued_in_station: Mapped[int | None] = mapped_column(BigInteger)
    ballots_issued_outside: Mapped[int | None] = mapped_column(BigInteger)
    ballots_in_stationary_boxes: Mapped[int | None] = mapped_column(BigInteger)
    ballots_in_portable_boxes: Mapped[int | None] = mapped_column(BigInteger)


class PublishedVoteRow(Base):
    """A candidate's votes in a published result."""

    __tablename__ = "published_vote"
    result: Mapped[int] = mapped_column(ForeignKey("published_result.id"), primary_key=True)
    candidate: Mapped[str] = mapped_column(ForeignKey("candidate.code"), primary_key=True)
    votes: Mapped[int] = mapped_column(BigInteger)
    location: Mapped[str | None] = mapped_column(Text)
