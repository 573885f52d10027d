"""The law as data: law versions with their settings, and the catalogue of rules.

Two TOML files in ``saylau/law/data`` hold the law; this module loads them, validates them
(a malformed catalogue fails loudly, naming the place in the file) and gives typed, frozen
records:

* ``law_versions.toml`` — the acts cited, and each election type under each law version
  (``rural-akim-2021``, ``rural-akim-2023``, ``district-akim-2023``, ``majilis-list-2021``,
  ``majilis-list-2023``). Every setting carries its value, a confidence mark
  (``confirmed`` / ``unconfirmed``), its source and, when unconfirmed, a note saying why.
* ``rules.toml`` — every rule with a stable code: ``P.1xx`` protocol control relations,
  ``P.2xx`` plausibility warnings, ``E.xxx`` eligibility, ``W.xxx`` winner rules and
  ``K.xxx`` calendar rules, each with severity, fields, legal reference, dates in force,
  the law versions it applies to and a confidence mark.

The base act is Constitutional Law No. 2464 of 28 Sep 1995 "On Elections in the Republic of
Kazakhstan" as amended by Constitutional Law No. 41-VII of 24 May 2021 (in force 5 June
2021) and No. 156-VII of 5 Nov 2022 (in force 1 Jan 2023). Its rural-akim chapter numbers
its articles 113-x; the article text itself was not available to us, so every rule whose
article is not confirmed says "article unconfirmed" instead of guessing a number.

Messages (titles, operator and supervisor texts) live in the ``law`` domain of the message
catalogue (``i18n/locales/<lang>/LC_MESSAGES/law.po``) under ``law.rule.<code>.<part>``.

Errors of this layer are :class:`LawError` values with a code, the field concerned and a
message in kk, ru and en. Their codes (not rules of law, so not in ``rules.toml``):

======  ================================================================================
code    meaning
======  ================================================================================
L.000   the law catalogue (TOML) is malformed
L.001   unknown law version
L.002   a candidate is listed twice
L.003   a lot draw was made among other candidates than the tied ones
L.004   the winner of a lot draw is not among the tied candidates
L.005   a count must be a whole number not below zero
L.006   a date-time must carry a time zone
L.007   the law version has no such setting (e.g. a calendar for a party-list election)
L.008   the ballot has an against-all line but the totals have no against-all count
L.009   the ballot has no against-all line but the totals have an against-all count
L.010   a lot draw was supplied but the count does not end in a tie
L.011   unknown rule code
L.012   a protocol to be summed has no count for a candidate
L.013   a protocol to be summed has a count for someone who is not a candidate
L.014   protocols to be summed disagree on whether there is an against-all count
L.015   a lot draw must name who drew
L.016   a rule of the catalogue has no implementation
L.017   the ground of an election needs a date (end of the term, early termination)
L.018   the ground of an election takes no date (first or repeat election)
L.019   an extension of nomination must last at least one day
L.020   unknown way of nomination (party, self or higher_akim)
======  ================================================================================
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Literal, NoReturn, TypeVar, assert_never

from babel.dates import format_datetime

from saylau.domain import ElectionType, Protocol
from saylau.i18n import DEFAULT_LANG, babel_locale, check_lang, fmt_date, fmt_decimal, fmt_int, t

SCHEMA_VERSION = 1

_E = TypeVar("_E", bound=StrEnum)

Audience = Literal["operator", "supervisor"]
AUDIENCES: tuple[Audience, ...] = ("operator", "supervisor")


# --- closed sets ------------------------------------------------------------------------


class Confidence(StrEnum):
    """Whether a public source states the rule or value directly (research notes mark [S])."""

    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"


class Severity(StrEnum):
    """What a breach of a rule does.

    ``error`` blocks (a protocol is rejected, a nomination refused); ``warning`` needs a
    supervisor's acknowledgement; ``info`` marks decision rules (winner rules), which are
    applied and explained but never reported as findings.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class RuleKind(StrEnum):
    """The families of rules; the code prefix follows the kind."""

    PROTOCOL = "protocol"
    PLAUSIBILITY = "plausibility"
    ELIGIBILITY = "eligibility"
    WINNER = "winner"
    CALENDAR = "calendar"


class Family(StrEnum):
    """Election families sharing one set of settings."""

    AKIM = "akim"
    LIST = "list"


class SettingKind(StrEnum):
    """How a setting's TOML value is read."""

    BOOL = "bool"
    INT = "int"
    FRACTION = "fraction"
    CHOICE = "choice"
    TIME = "time"


class WinnerRule(StrEnum):
    """How one akim is chosen from the candidates' votes."""

    PLURALITY = "plurality"


class AgainstAllEffect(StrEnum):
    """What it means when "against all" gets more votes than every candidate.

    ``informational``: nothing in law; the candidates' votes still decide (what the CEC said
    of the 2022 presidential election). ``repeat_if_leads``: a repeat election is held.
    """

    INFORMATIONAL = "informational"
    REPEAT_IF_LEADS = "repeat_if_leads"


class RepeatPool(StrEnum):
    """Who may stand in a repeat election.

    ``open``: anyone eligible may be nominated, this election's candidates included.
    ``exclude_previous``: this election's candidates may not stand again.
    """

    OPEN = "open"
    EXCLUDE_PREVIOUS = "exclude_previous"


class AgeReference(StrEnum):
    """The day on which a candidate's minimum age is reckoned."""

    POLLING_DAY = "polling_day"
    NOMINATION_DAY = "nomination_day"


class WithdrawnVotes(StrEnum):
    """How marks for a candidate who withdrew after the ballots were printed are counted.

    ``invalid``: the ballots are counted among the invalid ones (the protocol gives no count
    for the withdrawn candidate, or zero). ``separate``: the protocol gives them on the
    candidate's line; they count for no one.
    """

    INVALID = "invalid"
    SEPARATE = "separate"


class AllocationMethodName(StrEnum):
    """Seat allocation of a party-list election (computed by ``saylau.law.allocation``)."""

    HARE = "hare"


SettingValue = bool | int | Fraction | str | time


@dataclass(frozen=True)
class SettingSpec:
    """What a setting is: its kind, the family of elections that has it, allowed choices."""

    name: str
    kind: SettingKind
    family: Family
    choices: tuple[str, ...] = ()


def _choice(name: str, family: Family, enum: type[StrEnum]) -> SettingSpec:
    return SettingSpec(name, SettingKind.CHOICE, family, tuple(member.value for member in enum))


_A = Family.AKIM
_L = Family.LIST

SETTING_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("against_all_on_ballot", SettingKind.BOOL, _A),
    _choice("winner_rule", _A, WinnerRule),
    SettingSpec("single_candidate_threshold", SettingKind.FRACTION, _A),
    SettingSpec("turnout_quorum", SettingKind.FRACTION, _A),
    _choice("against_all_effect", _A, AgainstAllEffect),
    _choice("repeat_candidate_pool", _A, RepeatPool),
    SettingSpec("min_candidate_age", SettingKind.INT, _A),
    _choice("age_reference_day", _A, AgeReference),
    SettingSpec("citizenship_required", SettingKind.BOOL, _A),
    SettingSpec("residency_required", SettingKind.BOOL, _A),
    SettingSpec("signature_share", SettingKind.FRACTION, _A),
    SettingSpec("party_nominee_signatures_required", SettingKind.BOOL, _A),
    SettingSpec("party_membership_required", SettingKind.BOOL, _A),
    SettingSpec("higher_akim_nomination", SettingKind.BOOL, _A),
    SettingSpec("higher_akim_max_nominees", SettingKind.INT, _A),
    SettingSpec("deposit_mzp", SettingKind.INT, _A),
    SettingSpec("call_days_before_term_end", SettingKind.INT, _A),
    SettingSpec("call_months_after_termination", SettingKind.INT, _A),
    SettingSpec("call_days_before_polling", SettingKind.INT, _A),
    SettingSpec("nomination_opens_days_after_call", SettingKind.INT, _A),
    SettingSpec("nomination_closes_days_before", SettingKind.INT, _A),
    SettingSpec("nomination_closes_time", SettingKind.TIME, _A),
    SettingSpec("registration_closes_days_before", SettingKind.INT, _A),
    SettingSpec("registration_closes_time", SettingKind.TIME, _A),
    SettingSpec("min_candidates_at_close", SettingKind.INT, _A),
    SettingSpec("nomination_extension_max_days", SettingKind.INT, _A),
    SettingSpec("registration_follows_extension", SettingKind.BOOL, _A),
    SettingSpec("withdrawal_closes_days_before", SettingKind.INT, _A),
    _choice("withdrawn_votes", _A, WithdrawnVotes),
    SettingSpec("campaign_ends_days_before", SettingKind.INT, _A),
    SettingSpec("silence_days_before", SettingKind.INT, _A),
    SettingSpec("polls_open", SettingKind.TIME, _A),
    SettingSpec("polls_close", SettingKind.TIME, _A),
    SettingSpec("results_within_days", SettingKind.INT, _A),
    SettingSpec("winner_registration_within_days", SettingKind.INT, _A),
    SettingSpec("against_all_on_ballot", SettingKind.BOOL, _L),
    SettingSpec("list_seats", SettingKind.INT, _L),
    SettingSpec("threshold_percent", SettingKind.INT, _L),
    SettingSpec("against_all_in_base", SettingKind.BOOL, _L),
    _choice("allocation_method", _L, AllocationMethodName),
)

FAMILY_OF: Mapping[ElectionType, Family] = {
    ElectionType.RURAL_AKIM: Family.AKIM,
    ElectionType.DISTRICT_AKIM: Family.AKIM,
    ElectionType.MAJILIS_LIST: Family.LIST,
}

_CODE_PATTERN: Mapping[RuleKind, re.Pattern[str]] = {
    RuleKind.PROTOCOL: re.compile(r"^P\.1\d\d$"),
    RuleKind.PLAUSIBILITY: re.compile(r"^P\.2\d\d$"),
    RuleKind.ELIGIBILITY: re.compile(r"^E\.\d{3}$"),
    RuleKind.WINNER: re.compile(r"^W\.\d{3}$"),
    RuleKind.CALENDAR: re.compile(r"^K\.\d{3}$"),
}

_SEVERITIES: Mapping[RuleKind, frozenset[Severity]] = {
    RuleKind.PROTOCOL: frozenset({Severity.ERROR}),
    RuleKind.PLAUSIBILITY: frozenset({Severity.WARNING}),
    RuleKind.ELIGIBILITY: frozenset({Severity.ERROR}),
    RuleKind.WINNER: frozenset({Severity.INFO}),
    RuleKind.CALENDAR: frozenset({Severity.ERROR}),
}

PROTOCOL_FIELDS: frozenset[str] = frozenset(
    {
        "voters_on_list",
        "ballots_received",
        "ballots_issued",
        "ballots_cancelled",
        "ballots_in_boxes",
        "invalid",
        "against_all",
        "votes",
        "ballots_issued_in_station",
        "ballots_issued_outside",
        "ballots_in_stationary_boxes",
        "ballots_in_portable_boxes",
    }
)
ELIGIBILITY_FIELDS: frozenset[str] = frozenset(
    {
        "citizen",
        "birth_date",
        "unexpunged_criminal_record",
        "corruption_offence",
        "legally_incapable",
        "civil_service_qualification_met",
        "signatures",
        "voters_in_okrug",
        "deposit_paid",
        "party",
        "party_member",
        "resident_in_okrug",
        "nominated_at",
        "nominated_by",
    }
)
WINNER_FIELDS: frozenset[str] = frozenset(
    {
        "candidates",
        "votes",
        "against_all",
        "voters_on_list",
        "ballots_in_boxes",
        "lot_draw",
        "withdrawn",
        "invalid",
    }
)
CALENDAR_FIELDS: frozenset[str] = frozenset(
    {
        "called_on",
        "nominated_at",
        "registered_at",
        "campaign",
        "polls",
        "results_established_on",
        "winner_registered_on",
        "ground",
        "term_ends_on",
        "terminated_on",
        "extension",
        "withdrawal",
        "law_version",
        "candidates",
    }
)
_FIELDS: Mapping[RuleKind, frozenset[str]] = {
    RuleKind.PROTOCOL: PROTOCOL_FIELDS | {"registered_voters"},
    RuleKind.PLAUSIBILITY: PROTOCOL_FIELDS | {"registered_voters"},
    RuleKind.ELIGIBILITY: ELIGIBILITY_FIELDS,
    RuleKind.WINNER: WINNER_FIELDS,
    RuleKind.CALENDAR: CALENDAR_FIELDS,
}

# The protocol's count fields must exist on the domain record.
assert PROTOCOL_FIELDS <= set(Protocol.model_fields), "PROTOCOL_FIELDS out of date"

_VERSION_CODE = re.compile(r"^[a-z][a-z0-9-]*$")
_ACT_CODE = re.compile(r"^[a-z][a-z0-9-]*$")
_ARTICLE = re.compile(r"^\d+(-\d+)?$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_FRACTION = re.compile(r"^\d+(/[1-9]\d*)?$")


# --- errors -----------------------------------------------------------------------------


class LawError(ValueError):
    """A request the law layer cannot answer, with a code, the field and a message key.

    ``str(error)`` is the English message; :meth:`message` gives it in kk, ru or en.
    """

    def __init__(self, code: str, field: str, /, **params: object) -> None:
        self.code = code
        self.field = field
        self.params: dict[str, object] = dict(params)
        super().__init__(self.message(DEFAULT_LANG))

    @property
    def key(self) -> str:
        """The catalogue key of the message."""
        return f"law.error.{self.code}"

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang``, with its parameters filled in."""
        return t(self.key, lang, **localize_params(self.params, lang))


class CatalogueError(LawError):
    """The TOML catalogue is malformed (L.000); ``problem`` names the place and the fault."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__("L.000", "catalogue", problem=problem)


def _fail(problem: str) -> NoReturn:
    raise CatalogueError(problem)


# --- records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Act:
    """A legal act (or, with ``legal = false``, saylau's own practice) that rules cite."""

    code: str
    citation: str
    url: str | None
    legal: bool

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The act's name in ``lang``."""
        return t(f"law.act.{self.code}", lang)


@dataclass(frozen=True)
class Setting:
    """One setting of a law version: value, confidence mark, source, and why if unconfirmed."""

    name: str
    value: SettingValue
    confidence: Confidence
    source: str
    note: str | None = None

    @property
    def title_key(self) -> str:
        """The catalogue key of the setting's title."""
        return f"law.setting.{self.name}"

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The setting's title in ``lang``."""
        return t(self.title_key, lang)

    def value_text(self, lang: str = DEFAULT_LANG) -> str:
        """The value as shown in tables (choices by their code, fractions as ``a/b``)."""
        value = self.value
        if isinstance(value, bool):
            return t("law.yes" if value else "law.no", lang)
        if isinstance(value, Fraction):
            return str(value)
        if isinstance(value, time):
            return value.strftime("%H:%M")
        return str(value)


@dataclass(frozen=True)
class LawVersion:
    """One election type under one version of the law, with all of its settings."""

    code: str
    election_type: ElectionType
    law: str
    amended_by: tuple[str, ...]
    in_force_from: date | None
    in_force_to: date | None
    in_force_confidence: Confidence
    aliases: tuple[str, ...]
    source: str
    note: str | None
    settings: tuple[Setting, ...]

    @cached_property
    def _by_name(self) -> dict[str, Setting]:
        return {setting.name: setting for setting in self.settings}

    @property
    def family(self) -> Family:
        """The family of elections this version belongs to (akim or party list)."""
        return FAMILY_OF[self.election_type]

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The version's name in ``lang``."""
        return t(f"law.version.{self.code}", lang)

    def has(self, name: str) -> bool:
        """Whether this version defines setting ``name``."""
        return name in self._by_name

    def setting(self, name: str) -> Setting:
        """Setting ``name``; L.007 when this version has no such setting."""
        try:
            return self._by_name[name]
        except KeyError:
            raise LawError(
                "L.007",
                name,
                law=self.code,
                setting=name,
                election_type=self.election_type.value,
            ) from None

    def flag(self, name: str) -> bool:
        """A yes/no setting."""
        value = self.setting(name).value
        if not isinstance(value, bool):
            raise TypeError(f"setting {name} is not a flag")
        return value

    def integer(self, name: str) -> int:
        """A whole-number setting."""
        value = self.setting(name).value
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"setting {name} is not an integer")
        return value

    def fraction(self, name: str) -> Fraction:
        """An exact share (``1/2``, ``1/100``)."""
        value = self.setting(name).value
        if not isinstance(value, Fraction):
            raise TypeError(f"setting {name} is not a fraction")
        return value

    def choice(self, name: str) -> str:
        """A setting chosen from a closed list."""
        value = self.setting(name).value
        if not isinstance(value, str):
            raise TypeError(f"setting {name} is not a choice")
        return value

    def time_of_day(self, name: str) -> time:
        """A local time of day (``18:00``)."""
        value = self.setting(name).value
        if not isinstance(value, time):
            raise TypeError(f"setting {name} is not a time of day")
        return value

    @property
    def against_all_on_ballot(self) -> bool:
        """Whether the ballot has the "against all" line."""
        return self.flag("against_all_on_ballot")

    @property
    def against_all_effect(self) -> AgainstAllEffect:
        """What an against-all lead means under this version."""
        return AgainstAllEffect(self.choice("against_all_effect"))

    @property
    def repeat_candidate_pool(self) -> RepeatPool:
        """Who may stand in a repeat election."""
        return RepeatPool(self.choice("repeat_candidate_pool"))

    @property
    def winner_rule(self) -> WinnerRule:
        """How the winner is chosen."""
        return WinnerRule(self.choice("winner_rule"))

    @property
    def withdrawn_votes(self) -> WithdrawnVotes:
        """How marks for a candidate who withdrew after the ballots were printed count."""
        return WithdrawnVotes(self.choice("withdrawn_votes"))

    def unconfirmed_settings(self) -> tuple[Setting, ...]:
        """The settings whose values no source states directly."""
        return tuple(s for s in self.settings if s.confidence is Confidence.UNCONFIRMED)

    def in_force_on(self, day: date) -> bool:
        """Whether this version was in force on ``day`` (an unrecorded start counts as open)."""
        if self.in_force_from is not None and day < self.in_force_from:
            return False
        return self.in_force_to is None or day <= self.in_force_to

    def with_settings(self, **values: SettingValue) -> LawVersion:
        """A copy with some settings changed, for what-if runs and tests.

        Each changed setting is validated like the catalogue and marked unconfirmed with the
        source ``override``: an overridden value is never presented as the law.
        """
        specs = {spec.name: spec for spec in SETTING_SPECS if spec.family is self.family}
        changed: dict[str, Setting] = {}
        for name, raw in values.items():
            spec = specs.get(name)
            if spec is None or not self.has(name):
                raise LawError(
                    "L.007",
                    name,
                    law=self.code,
                    setting=name,
                    election_type=self.election_type.value,
                )
            value = _coerce(spec, raw, f"override {name}")
            changed[name] = Setting(
                name, value, Confidence.UNCONFIRMED, "override", "set by the caller"
            )
        settings = tuple(changed.get(s.name, s) for s in self.settings)
        return replace(self, settings=settings)


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue: what it concerns, where it comes from, when it applies."""

    code: str
    kind: RuleKind
    severity: Severity
    fields: tuple[str, ...]
    act: str
    article: str | None
    in_force_from: date
    in_force_to: date | None
    law_versions: tuple[str, ...]
    confidence: Confidence
    source: str
    note: str | None
    settings: tuple[str, ...] = ()
    params: tuple[tuple[str, int], ...] = ()

    def key(self, part: Literal["title", "operator", "supervisor"]) -> str:
        """The catalogue key of the rule's title or message."""
        return f"law.rule.{self.code}.{part}"

    def param(self, name: str) -> int:
        """A numeric parameter of the rule (e.g. a plausibility threshold)."""
        for key, value in self.params:
            if key == name:
                return value
        raise KeyError(f"rule {self.code} has no parameter {name!r}")

    def applies_to(self, law_version: str) -> bool:
        """Whether the rule applies to law version ``law_version``."""
        return law_version in self.law_versions

    def in_force_on(self, day: date) -> bool:
        """Whether the rule was in force on ``day``."""
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The rule's title in ``lang``."""
        return t(self.key("title"), lang)

    def message(
        self,
        lang: str = DEFAULT_LANG,
        audience: Audience = "operator",
        params: Mapping[str, object] | None = None,
    ) -> str:
        """The operator's or the supervisor's message; without params, the template."""
        match audience:
            case "operator" | "supervisor":
                key = self.key(audience)
            case _:
                assert_never(audience)
        if params is None:
            return t(key, lang)
        return t(key, lang, **localize_params({**dict(self.params), **params}, lang))

    def reference(self, lang: str = DEFAULT_LANG) -> str:
        """The legal reference in ``lang``: act and article, or "article unconfirmed"."""
        return reference_text(self.act, self.article, lang)

    def in_force_text(self) -> str:
        """The dates in force as ISO dates (``2021-06-05 –`` when open-ended)."""
        end = self.in_force_to.isoformat() if self.in_force_to else ""
        return f"{self.in_force_from.isoformat()} – {end}".rstrip()


@dataclass(frozen=True)
class Catalogue:
    """All acts, law versions and rules, validated."""

    acts: tuple[Act, ...]
    versions: tuple[LawVersion, ...]
    rules: tuple[Rule, ...]

    @cached_property
    def _versions(self) -> dict[str, LawVersion]:
        found: dict[str, LawVersion] = {}
        for version in self.versions:
            found[version.code] = version
            for alias in version.aliases:
                found[alias] = version
        return found

    @cached_property
    def _rules(self) -> dict[str, Rule]:
        return {rule.code: rule for rule in self.rules}

    def version(self, code: str) -> LawVersion:
        """The law version named ``code`` or one of its aliases (L.001 if unknown)."""
        try:
            return self._versions[code]
        except KeyError:
            raise LawError("L.001", "law_version", code=code) from None

    def rule(self, code: str) -> Rule:
        """The rule with ``code`` (L.011 if unknown)."""
        try:
            return self._rules[code]
        except KeyError:
            raise LawError("L.011", "rule", code=code) from None

    def act(self, code: str) -> Act:
        """The act with ``code``."""
        for act in self.acts:
            if act.code == code:
                return act
        raise KeyError(code)

    def rules_for(
        self, law_version: LawVersion | str, on_date: date | None = None
    ) -> tuple[Rule, ...]:
        """The rules applying to ``law_version`` (and in force on ``on_date`` if given)."""
        code = law_version.code if isinstance(law_version, LawVersion) else law_version
        version = self.version(code)
        return tuple(
            rule
            for rule in self.rules
            if rule.applies_to(version.code) and (on_date is None or rule.in_force_on(on_date))
        )


# --- parsing ----------------------------------------------------------------------------


class _Table:
    """A TOML table being read: every key must be known, every value of the right type."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, dict):
            _fail(f"{path}: expected a table")
        self._data: dict[str, object] = data
        self.path = path
        self._seen: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def keys(self) -> list[str]:
        return list(self._data)

    def has(self, key: str) -> bool:
        return key in self._data

    def raw(self, key: str) -> object:
        self._seen.add(key)
        if key not in self._data:
            _fail(f"{self.at(key)}: missing")
        return self._data[key]

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str) or not value.strip():
            _fail(f"{self.at(key)}: expected a non-empty string")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else None

    def flag(self, key: str) -> bool:
        value = self.raw(key)
        if not isinstance(value, bool):
            _fail(f"{self.at(key)}: expected true or false")
        return value

    def day(self, key: str) -> date:
        value = self.raw(key)
        if isinstance(value, datetime) or not isinstance(value, date):
            _fail(f"{self.at(key)}: expected a date (YYYY-MM-DD)")
        return value

    def optional_day(self, key: str) -> date | None:
        return self.day(key) if self.has(key) else None

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        if not required and not self.has(key):
            return ()
        value = self.raw(key)
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            _fail(f"{self.at(key)}: expected a list of non-empty strings")
        if len(set(value)) != len(value):
            _fail(f"{self.at(key)}: repeated entries")
        return tuple(value)

    def table(self, key: str) -> _Table:
        return _Table(self.raw(key), self.at(key))

    def enum(self, key: str, enum: type[_E]) -> _E:
        value = self.text(key)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            _fail(f"{self.at(key)}: {value!r} is not one of {allowed}")

    def finish(self) -> None:
        unknown = sorted(set(self._data) - self._seen)
        if unknown:
            _fail(f"{self.path or 'top level'}: unknown keys {', '.join(unknown)}")


def _coerce(spec: SettingSpec, raw: object, where: str) -> SettingValue:
    """Read a setting value of ``spec``'s kind from TOML (or an override)."""
    match spec.kind:
        case SettingKind.BOOL:
            if not isinstance(raw, bool):
                _fail(f"{where}: expected true or false")
            return raw
        case SettingKind.INT:
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                _fail(f"{where}: expected a whole number >= 0")
            return raw
        case SettingKind.FRACTION:
            if isinstance(raw, Fraction):
                value = raw
            elif isinstance(raw, str) and _FRACTION.match(raw):
                value = Fraction(raw)
            else:
                _fail(f'{where}: expected an exact share written as a string like "1/2"')
            if not 0 <= value <= 1:
                _fail(f"{where}: a share must lie between 0 and 1")
            return value
        case SettingKind.CHOICE:
            if isinstance(raw, StrEnum):
                raw = raw.value
            if not isinstance(raw, str) or raw not in spec.choices:
                _fail(f"{where}: expected one of {', '.join(spec.choices)}")
            return raw
        case SettingKind.TIME:
            if isinstance(raw, time):
                return raw
            if not isinstance(raw, str) or not _TIME.match(raw):
                _fail(f'{where}: expected a local time written as a string like "18:00"')
            hours, minutes = raw.split(":")
            return time(int(hours), int(minutes))
        case _:
            assert_never(spec.kind)


def _parse_acts(table: _Table) -> tuple[Act, ...]:
    acts: list[Act] = []
    for code in table.keys():
        if not _ACT_CODE.match(code):
            _fail(f"{table.at(code)}: act codes are lower-case words joined by '-'")
        entry = table.table(code)
        acts.append(
            Act(
                code=code,
                citation=entry.text("citation"),
                url=entry.optional_text("url"),
                legal=entry.flag("legal"),
            )
        )
        entry.finish()
    table.finish()
    return tuple(acts)


def _parse_setting(spec: SettingSpec, entry: _Table) -> Setting:
    value = _coerce(spec, entry.raw("value"), entry.at("value"))
    confidence = entry.enum("confidence", Confidence)
    source = entry.text("source")
    note = entry.optional_text("note")
    if confidence is Confidence.UNCONFIRMED and note is None:
        _fail(f"{entry.path}: an unconfirmed setting needs a note saying why")
    entry.finish()
    return Setting(spec.name, value, confidence, source, note)


def _parse_version(code: str, entry: _Table, acts: set[str]) -> LawVersion:
    if not _VERSION_CODE.match(code):
        _fail(f"{entry.path}: law version codes are lower-case words joined by '-'")
    raw_type = entry.text("election_type")
    try:
        election_type = ElectionType(raw_type)
    except ValueError:
        _fail(f"{entry.at('election_type')}: unknown election type {raw_type!r}")
    family = FAMILY_OF.get(election_type)
    if family is None:
        _fail(f"{entry.at('election_type')}: {raw_type!r} has no settings family")
    law = entry.text("law")
    amended_by = entry.texts("amended_by", required=False)
    for act in (law, *amended_by):
        if act not in acts:
            _fail(f"{entry.path}: unknown act {act!r}")
    in_force_from = entry.optional_day("in_force_from")
    in_force_to = entry.optional_day("in_force_to")
    if in_force_from and in_force_to and in_force_to < in_force_from:
        _fail(f"{entry.path}: in_force_to is before in_force_from")
    in_force_confidence = entry.enum("in_force_confidence", Confidence)
    aliases = entry.texts("aliases", required=False)
    source = entry.text("source")
    note = entry.optional_text("note")
    if in_force_confidence is Confidence.UNCONFIRMED and note is None:
        _fail(f"{entry.path}: unconfirmed dates in force need a note saying why")
    settings_table = entry.table("settings")
    specs = [spec for spec in SETTING_SPECS if spec.family is family]
    known = {spec.name for spec in specs}
    unknown = sorted(set(settings_table.keys()) - known)
    if unknown:
        _fail(f"{settings_table.path}: unknown settings {', '.join(unknown)}")
    settings = tuple(_parse_setting(spec, settings_table.table(spec.name)) for spec in specs)
    settings_table.finish()
    entry.finish()
    return LawVersion(
        code=code,
        election_type=election_type,
        law=law,
        amended_by=amended_by,
        in_force_from=in_force_from,
        in_force_to=in_force_to,
        in_force_confidence=in_force_confidence,
        aliases=aliases,
        source=source,
        note=note,
        settings=settings,
    )


def _parse_rule(entry: _Table, versions: Mapping[str, LawVersion], acts: Mapping[str, Act]) -> Rule:
    code = entry.text("code")
    kind = entry.enum("kind", RuleKind)
    if not _CODE_PATTERN[kind].match(code):
        _fail(f"{entry.path} ({code}): code does not fit kind {kind.value}")
    severity = entry.enum("severity", Severity)
    if severity not in _SEVERITIES[kind]:
        _fail(f"{entry.path} ({code}): severity {severity.value} not allowed for {kind.value}")
    fields = entry.texts("fields")
    unknown_fields = sorted(set(fields) - _FIELDS[kind])
    if unknown_fields:
        _fail(f"{entry.path} ({code}): unknown fields {', '.join(unknown_fields)}")
    act_code = entry.text("act")
    act = acts.get(act_code)
    if act is None:
        _fail(f"{entry.path} ({code}): unknown act {act_code!r}")
    article = entry.optional_text("article")
    if article is not None and not act.legal:
        _fail(f"{entry.path} ({code}): act {act_code!r} is not law and has no articles")
    if article is not None and not _ARTICLE.match(article):
        _fail(f"{entry.path} ({code}): article {article!r} is not like '113-6'")
    in_force_from = entry.day("in_force_from")
    in_force_to = entry.optional_day("in_force_to")
    if in_force_to is not None and in_force_to < in_force_from:
        _fail(f"{entry.path} ({code}): in_force_to is before in_force_from")
    law_versions = entry.texts("law_versions")
    for version in law_versions:
        if version not in versions:
            _fail(f"{entry.path} ({code}): unknown law version {version!r}")
    confidence = entry.enum("confidence", Confidence)
    source = entry.text("source")
    note = entry.optional_text("note")
    if confidence is Confidence.UNCONFIRMED and note is None:
        _fail(f"{entry.path} ({code}): an unconfirmed rule needs a note saying why")
    settings = entry.texts("settings", required=False)
    for name in settings:
        for version in law_versions:
            if not versions[version].has(name):
                _fail(f"{entry.path} ({code}): law version {version} has no setting {name!r}")
    params: list[tuple[str, int]] = []
    if entry.has("params"):
        params_table = entry.table("params")
        for name in params_table.keys():
            value = params_table.raw(name)
            if isinstance(value, bool) or not isinstance(value, int):
                _fail(f"{params_table.at(name)}: rule parameters are whole numbers")
            params.append((name, value))
        params_table.finish()
    entry.finish()
    return Rule(
        code=code,
        kind=kind,
        severity=severity,
        fields=fields,
        act=act_code,
        article=article,
        in_force_from=in_force_from,
        in_force_to=in_force_to,
        law_versions=law_versions,
        confidence=confidence,
        source=source,
        note=note,
        settings=settings,
        params=tuple(params),
    )


def _check_schema(document: _Table) -> None:
    schema = document.raw("schema")
    if schema != SCHEMA_VERSION:
        _fail(f"{document.at('schema')}: expected {SCHEMA_VERSION}, found {schema!r}")


def parse_catalogue(
    versions_document: Mapping[str, object], rules_document: Mapping[str, object]
) -> Catalogue:
    """Validate parsed TOML documents and build the catalogue; L.000 on any fault."""
    versions_table = _Table(dict(versions_document), "")
    _check_schema(versions_table)
    acts = _parse_acts(versions_table.table("acts"))
    acts_by_code = {act.code: act for act in acts}
    entries = versions_table.table("versions")
    versions = tuple(
        _parse_version(code, entries.table(code), set(acts_by_code)) for code in entries.keys()
    )
    entries.finish()
    versions_table.finish()
    names: set[str] = set()
    for version in versions:
        for name in (version.code, *version.aliases):
            if name in names:
                _fail(f"versions.{version.code}: name {name!r} used twice")
            names.add(name)
    by_code = {version.code: version for version in versions}

    rules_table = _Table(dict(rules_document), "")
    _check_schema(rules_table)
    raw_rules = rules_table.raw("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        _fail("rules: expected a non-empty array of tables [[rules]]")
    rules = tuple(
        _parse_rule(_Table(item, f"rules[{index}]"), by_code, acts_by_code)
        for index, item in enumerate(raw_rules)
    )
    rules_table.finish()
    codes = [rule.code for rule in rules]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        _fail(f"rules: codes used twice: {', '.join(repeated)}")
    return Catalogue(acts=acts, versions=versions, rules=rules)


def _read_toml(path: Path | None, name: str) -> dict[str, object]:
    try:
        if path is None:
            text = (resources.files("saylau.law") / "data" / name).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        _fail(f"{path or name}: not valid TOML: {error}")


def load_catalogue(versions_path: Path | None = None, rules_path: Path | None = None) -> Catalogue:
    """Load the catalogue from the package's TOML files (or the given paths)."""
    return parse_catalogue(
        _read_toml(versions_path, "law_versions.toml"), _read_toml(rules_path, "rules.toml")
    )


@cache
def catalogue() -> Catalogue:
    """The package's own catalogue, loaded and validated once."""
    return load_catalogue()


def law_version(code: str) -> LawVersion:
    """The law version named ``code`` (or an alias, e.g. the dataset's ``kz-2021-05-24-41-VII``)."""
    return catalogue().version(code)


def law_versions() -> tuple[LawVersion, ...]:
    """All law versions, in catalogue order."""
    return catalogue().versions


def rule(code: str) -> Rule:
    """The rule with ``code``."""
    return catalogue().rule(code)


def version_in_force(election_type: ElectionType, day: date) -> LawVersion | None:
    """The law version of ``election_type`` in force on ``day`` (K.012), if any."""
    for version in catalogue().versions:
        if version.election_type is election_type and version.in_force_on(day):
            return version
    return None


def rules_for(law_version: LawVersion | str, on_date: date | None = None) -> tuple[Rule, ...]:
    """The rules that apply to ``law_version``, in catalogue order.

    With ``on_date``, only the rules in force on that day (their ``in_force_from`` /
    ``in_force_to``); without it, all the version's rules.
    """
    return catalogue().rules_for(law_version, on_date)


# --- messages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A message parameter that is itself a catalogue message (a field name, a standing)."""

    key: str
    params: tuple[tuple[str, object], ...] = ()


def localize(value: object, lang: str) -> str:
    """A message parameter as text in ``lang``: numbers grouped, dates and terms translated."""
    match value:
        case Term():
            return t(value.key, lang, **localize_params(dict(value.params), lang))
        case bool():
            return t("law.yes" if value else "law.no", lang)
        case int():
            return fmt_int(value, lang)
        case Fraction():
            exact = Decimal(value.numerator) / Decimal(value.denominator)
            return fmt_decimal(exact, lang, 1)
        case Decimal():
            return fmt_decimal(value, lang, 1)
        case datetime():
            return format_datetime(value, "medium", tzinfo=value.tzinfo, locale=babel_locale(lang))
        case date():
            return fmt_date(value, lang)
        case time():
            return value.strftime("%H:%M")
        case tuple() | list():
            return ", ".join(localize(item, lang) for item in value) if value else "—"
        case str():
            return value
        case _:
            return str(value)


def localize_params(params: Mapping[str, object], lang: str) -> dict[str, str]:
    """All parameters of a message as text in ``lang``."""
    return {name: localize(value, lang) for name, value in params.items()}


def reference_text(act: str, article: str | None, lang: str = DEFAULT_LANG) -> str:
    """A legal reference in ``lang``: the act, and the article or "article unconfirmed"."""
    found = catalogue().act(act)
    title = found.title(lang)
    if not found.legal:
        return title
    if article is None:
        return t("law.reference.unconfirmed", lang, act=title)
    return t("law.reference.article", lang, act=title, article=article)


def effective_confidence(
    rule: Rule, law: LawVersion, settings: Sequence[str] | None = None
) -> Confidence:
    """Unconfirmed when the rule or any setting it reads in ``law`` is unconfirmed.

    ``settings`` narrows the settings considered to those actually used (a subset of the
    rule's own), e.g. the start of nomination only counts when the day of the call is known.
    """
    used = rule.settings if settings is None else tuple(settings)
    unknown = set(used) - set(rule.settings)
    if unknown:
        raise ValueError(f"rule {rule.code} does not read settings {sorted(unknown)}")
    if rule.confidence is Confidence.UNCONFIRMED:
        return Confidence.UNCONFIRMED
    if any(law.setting(name).confidence is Confidence.UNCONFIRMED for name in used):
        return Confidence.UNCONFIRMED
    return Confidence.CONFIRMED


@dataclass(frozen=True)
class Finding:
    """One breach of one rule: code, severity, the fields concerned and message parameters.

    ``confidence`` is the rule's confidence in the law version checked (unconfirmed when the
    rule or a setting it reads is unconfirmed), so a supervisor sees how firm the ground is.
    """

    code: str
    severity: Severity
    fields: tuple[str, ...]
    params: Mapping[str, object] = field(default_factory=dict, hash=False)
    confidence: Confidence = Confidence.CONFIRMED

    @classmethod
    def of(
        cls,
        code: str,
        law: LawVersion,
        fields: Sequence[str],
        /,
        *,
        settings: Sequence[str] | None = None,
        **params: object,
    ) -> Finding:
        """A finding of rule ``code`` in ``law``; severity and confidence from the catalogue.

        ``settings``: the settings of the rule actually used, if not all of them.
        """
        found = rule(code)
        return cls(
            code=code,
            severity=found.severity,
            fields=tuple(fields),
            params=dict(params),
            confidence=effective_confidence(found, law, settings),
        )

    @property
    def rule(self) -> Rule:
        """The rule broken."""
        return rule(self.code)

    @property
    def blocks(self) -> bool:
        """Whether the finding blocks (an error) rather than needing acknowledgement."""
        return self.severity is Severity.ERROR

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The rule's title in ``lang``."""
        return self.rule.title(lang)

    def message(self, lang: str = DEFAULT_LANG, audience: Audience = "operator") -> str:
        """The message for the operator (what to fix) or the supervisor (what it means)."""
        return self.rule.message(check_lang(lang), audience, self.params)

    def reference(self, lang: str = DEFAULT_LANG) -> str:
        """The legal reference of the rule in ``lang``."""
        return self.rule.reference(lang)


# --- rendering --------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueRow:
    """One rule as shown by ``saylau rules`` and in the docs (message templates unfilled)."""

    code: str
    severity: str
    fields: str
    reference: str
    in_force: str
    law_versions: str
    confidence: str
    source: str
    title: str
    operator_message: str
    supervisor_message: str


ROW_COLUMNS: tuple[str, ...] = (
    "code",
    "severity",
    "fields",
    "reference",
    "in_force",
    "law_versions",
    "confidence",
    "source",
    "title",
    "operator_message",
    "supervisor_message",
)


def catalogue_rows(
    lang: str = DEFAULT_LANG,
    law_version: LawVersion | str | None = None,
    on_date: date | None = None,
) -> list[CatalogueRow]:
    """The rule catalogue as rows in ``lang``, optionally for one law version and day."""
    lang = check_lang(lang)
    rules: Sequence[Rule]
    if law_version is None:
        rules = [r for r in catalogue().rules if on_date is None or r.in_force_on(on_date)]
    else:
        rules = rules_for(law_version, on_date)
    return [
        CatalogueRow(
            code=r.code,
            severity=t(f"law.severity.{r.severity.value}", lang),
            fields=", ".join(r.fields),
            reference=r.reference(lang),
            in_force=r.in_force_text(),
            law_versions=", ".join(r.law_versions),
            confidence=t(f"law.confidence.{r.confidence.value}", lang),
            # The research notes exist in English only: kk and ru readers get the source.
            source=r.source + (f" — {r.note}" if r.note and lang == "en" else ""),
            title=r.title(lang),
            operator_message=r.message(lang, "operator"),
            supervisor_message=r.message(lang, "supervisor"),
        )
        for r in rules
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_table(header: Sequence[str], rows: Iterator[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(_cell(h) for h in header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
    ]
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def catalogue_markdown(lang: str = DEFAULT_LANG) -> str:
    """The whole rule catalogue as a Markdown table in ``lang`` (docs/law.md embeds it)."""
    lang = check_lang(lang)
    header = [t(f"law.column.{column}", lang) for column in ROW_COLUMNS]
    rows = catalogue_rows(lang)
    return _markdown_table(
        header, ([getattr(row, column) for column in ROW_COLUMNS] for row in rows)
    )


def settings_markdown(lang: str = DEFAULT_LANG, *, unconfirmed_only: bool = False) -> str:
    """The settings of every law version as a Markdown table (value, confidence, source, note)."""
    lang = check_lang(lang)
    columns = ("version", "setting", "value", "confidence", "source", "note")
    header = [t(f"law.column.{column}", lang) for column in columns]

    def rows() -> Iterator[list[str]]:
        for version in catalogue().versions:
            for setting in version.settings:
                if unconfirmed_only and setting.confidence is Confidence.CONFIRMED:
                    continue
                yield [
                    version.code,
                    f"`{setting.name}` — {setting.title(lang)}",
                    setting.value_text(lang),
                    t(f"law.confidence.{setting.confidence.value}", lang),
                    setting.source,
                    setting.note or "",
                ]

    return _markdown_table(header, rows())


def message_keys() -> frozenset[str]:
    """Every ``law.*`` message key the catalogue's data needs (rules, settings, versions, acts)."""
    data = catalogue()
    found: set[str] = set()
    for r in data.rules:
        found.update(r.key(part) for part in ("title", "operator", "supervisor"))
    for version in data.versions:
        found.add(f"law.version.{version.code}")
        found.update(setting.title_key for setting in version.settings)
    found.update(f"law.act.{act.code}" for act in data.acts)
    found.update(f"law.severity.{severity.value}" for severity in Severity)
    found.update(f"law.confidence.{confidence.value}" for confidence in Confidence)
    found.update(f"law.column.{column}" for column in ROW_COLUMNS)
    found.update(
        f"law.column.{c}" for c in ("version", "setting", "value", "confidence", "source", "note")
    )
    return frozenset(found)
