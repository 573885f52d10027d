"""Eligibility of a nominee for akim: every unmet requirement, each with its rule and article.

The requirements are those the research notes source for rural akims (time.kz 2021-06-07,
Kursiv 2021-05-28, RFE/RL) and the CEC's 2023 document list for district akims: citizenship
of Kazakhstan, at least 25 years of age, the qualification requirements of the civil-service
post, no unexpunged criminal record, no corruption offence, not declared legally incapable,
signatures of at least 1% of the okrug's voters for self-nominees, the election deposit, and
for party nominees membership of the nominating party. The akim of the higher unit may
nominate one or two candidates (confirmed by the CEC for district akims; a setting for rural
akims). What is uncertain (signatures of party nominees, residence, the deposit's amount,
the day the age is reckoned on) is a setting of the law version. Articles of the akim
chapter (113-x) are unconfirmed.

A nomination must come within the nomination period (K.002): from the day after the call,
when the day of the call is known, until nomination closes, or until the end of an
extension recorded for the okrug (K.010).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import assert_never
from zoneinfo import ZoneInfo

from saylau.law.calendar import (
    ALMATY,
    Extension,
    contest_calendar,
    election_calendar,
    local_day,
    nomination_window,
)
from saylau.law.catalogue import (
    AgeReference,
    Finding,
    LawError,
    LawVersion,
    RuleKind,
    Term,
    rules_for,
)

HIGHER_AKIM = "higher_akim"


@dataclass(frozen=True)
class NominationFacts:
    """What the commission knows about a nominee when checking the nomination.

    ``party`` is the nominating party's code, ``None`` for a self-nominee or a nominee of the
    higher akim (``nominated_by="higher_akim"``). ``signatures`` counts the valid signatures
    verified; ``voters_in_okrug`` the okrug's voters the share is reckoned on.
    ``party_member`` and ``resident_in_okrug`` are ``None`` when not shown; a requirement
    that is not shown to be met is reported as unmet. ``higher_akim_nominees`` counts the
    higher akim's nominees already registered in the okrug (for E.013).
    """

    candidate: str
    party: str | None
    citizen: bool
    birth_date: date
    unexpunged_criminal_record: bool
    corruption_offence: bool
    legally_incapable: bool
    civil_service_qualification_met: bool
    signatures: int
    voters_in_okrug: int
    deposit_paid: bool
    nominated_at: datetime
    party_member: bool | None = None
    resident_in_okrug: bool | None = None
    nominated_by: str | None = None
    higher_akim_nominees: int = 0

    @property
    def by_higher_akim(self) -> bool:
        """Whether the akim of the higher unit nominated the candidate."""
        return self.nominated_by == HIGHER_AKIM

    @property
    def self_nominated(self) -> bool:
        """Whether the nominee put themselves forward."""
        return self.party is None and not self.by_higher_akim


@dataclass(frozen=True)
class NominationCase:
    """A nomination being checked: the facts, the law version, polling day, the zone, and
    the day of the call and the okrug's extension of nomination when known."""

    facts: NominationFacts
    law: LawVersion
    polling_day: date
    zone: str
    called_on: date | None = None
    extension: Extension | None = None

    def finding(
        self,
        code: str,
        fields: tuple[str, ...],
        /,
        *,
        settings: tuple[str, ...] | None = None,
        **params: object,
    ) -> Finding:
        """A finding of rule ``code`` under this case's law version."""
        return Finding.of(
            code, self.law, fields, settings=settings, candidate=self.facts.candidate, **params
        )


NominationCheck = Callable[[NominationCase], list[Finding]]

ELIGIBILITY_CHECKS: dict[str, NominationCheck] = {}


def _check(code: str) -> Callable[[NominationCheck], NominationCheck]:
    def register(function: NominationCheck) -> NominationCheck:
        ELIGIBILITY_CHECKS[code] = function
        return function

    return register


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on ``day`` (a person born on 29 Feb turns a year older on 1 Mar)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def required_signatures(voters: int, share: Fraction) -> int:
    """The least whole number of signatures that is at least ``share`` of ``voters``.

    "At least 1% of the voters": 1% of 1,234 voters is 12.34, so 13 signatures are needed.
    """
    exact = voters * share
    return -(-exact.numerator // exact.denominator)


@_check("E.001")
def _citizenship(case: NominationCase) -> list[Finding]:
    """Citizen of the Republic of Kazakhstan (election law, akim chapter; article unconfirmed)."""
    if case.law.flag("citizenship_required") and not case.facts.citizen:
        return [case.finding("E.001", ("citizen",))]
    return []


@_check("E.002")
def _age(case: NominationCase) -> list[Finding]:
    """At least ``min_candidate_age`` (25) years old (article unconfirmed)."""
    reference = AgeReference(case.law.choice("age_reference_day"))
    match reference:
        case AgeReference.POLLING_DAY:
            day = case.polling_day
        case AgeReference.NOMINATION_DAY:
            day = case.facts.nominated_at.astimezone(ZoneInfo(case.zone)).date()
        case _:
            assert_never(reference)
    minimum = case.law.integer("min_candidate_age")
    age = age_on(case.facts.birth_date, day)
    if age >= minimum:
        return []
    return [case.finding("E.002", ("birth_date",), age=age, min_age=minimum, on=day)]


@_check("E.003")
def _criminal_record(case: NominationCase) -> list[Finding]:
    """No unexpunged or outstanding criminal record (article unconfirmed)."""
    if case.facts.unexpunged_criminal_record:
        return [case.finding("E.003", ("unexpunged_criminal_record",))]
    return []


@_check("E.004")
def _corruption(case: NominationCase) -> list[Finding]:
    """No corruption offence (article unconfirmed)."""
    if case.facts.corruption_offence:
        return [case.finding("E.004", ("corruption_offence",))]
    return []


@_check("E.005")
def _incapacity(case: NominationCase) -> list[Finding]:
    """Not declared legally incapable by a court (article unconfirmed)."""
    if case.facts.legally_incapable:
        return [case.finding("E.005", ("legally_incapable",))]
    return []


@_check("E.006")
def _qualification(case: NominationCase) -> list[Finding]:
    """Meets the qualification requirements of the civil-service post (article unconfirmed)."""
    if not case.facts.civil_service_qualification_met:
        return [case.finding("E.006", ("civil_service_qualification_met",))]
    return []


def _signatures(case: NominationCase, code: str) -> list[Finding]:
    share = case.law.fraction("signature_share")
    required = required_signatures(case.facts.voters_in_okrug, share)
    if case.facts.signatures >= required:
        return []
    return [
        case.finding(
            code,
            ("signatures", "voters_in_okrug", "party"),
            signatures=case.facts.signatures,
            required=required,
            voters=case.facts.voters_in_okrug,
            share=share * 100,
        )
    ]


@_check("E.007")
def _self_nominee_signatures(case: NominationCase) -> list[Finding]:
    """A self-nominee needs signatures of at least 1% of the okrug's voters (unconfirmed art.)."""
    if not case.facts.self_nominated:
        return []
    return _signatures(case, "E.007")


@_check("E.008")
def _party_nominee_signatures(case: NominationCase) -> list[Finding]:
    """A party nominee needs signatures too when the version says so (unconfirmed)."""
    if case.facts.party is None or not case.law.flag("party_nominee_signatures_required"):
        return []
    return _signatures(case, "E.008")


@_check("E.009")
def _deposit(case: NominationCase) -> list[Finding]:
    """The election deposit (``deposit_mzp`` minimum wages) is paid (article unconfirmed)."""
    multiple = case.law.integer("deposit_mzp")
    if multiple == 0 or case.facts.deposit_paid:
        return []
    return [case.finding("E.009", ("deposit_paid",), mzp=multiple)]


@_check("E.010")
def _party_member(case: NominationCase) -> list[Finding]:
    """A party nominates from among its members (article unconfirmed)."""
    facts = case.facts
    if facts.party is None or not case.law.flag("party_membership_required"):
        return []
    if facts.party_member is True:
        return []
    return [case.finding("E.010", ("party", "party_member"), party=facts.party or "")]


@_check("E.012")
def _higher_akim_allowed(case: NominationCase) -> list[Finding]:
    """Nomination by the higher akim, where the law version provides it."""
    if case.facts.by_higher_akim and not case.law.flag("higher_akim_nomination"):
        return [case.finding("E.012", ("nominated_by",))]
    return []


@_check("E.013")
def _higher_akim_limit(case: NominationCase) -> list[Finding]:
    """The higher akim nominates at most ``higher_akim_max_nominees`` (two) per okrug."""
    facts = case.facts
    if not facts.by_higher_akim or not case.law.flag("higher_akim_nomination"):
        return []
    limit = case.law.integer("higher_akim_max_nominees")
    if facts.higher_akim_nominees < limit:
        return []
    return [
        case.finding("E.013", ("nominated_by",), limit=limit, already=facts.higher_akim_nominees)
    ]


@_check("E.011")
def _residency(case: NominationCase) -> list[Finding]:
    """Residence in the okrug, only when the version requires it (unconfirmed; off by default)."""
    if not case.law.flag("residency_required") or case.facts.resident_in_okrug is True:
        return []
    return [case.finding("E.011", ("resident_in_okrug",))]


def _outside_window(case: NominationCase) -> list[Finding]:
    """K.002: a nomination outside the nomination period is refused (article unconfirmed):
    before it opens (the day after the call) or from the moment it closes (or its
    extension in the okrug ends, K.010)."""
    calendar = contest_calendar(
        election_calendar(case.polling_day, case.law, called_on=case.called_on, zone=case.zone),
        case.law,
        case.extension,
    )
    opens, closes = nomination_window(calendar)
    at = case.facts.nominated_at
    early = opens is not None and local_day(at, case.zone) < opens
    if not early and at < closes:
        return []
    settings = ["nomination_closes_days_before", "nomination_closes_time"]
    if opens is not None:
        settings.append("nomination_opens_days_after_call")
    window = Term(
        "law.window.nomination_extended" if case.extension else "law.window.nomination",
        (("opens", opens if opens is not None else "—"), ("closes", closes)),
    )
    return [
        case.finding(
            "K.002",
            ("nominated_at",),
            settings=tuple(settings),
            nominated_at=at,
            deadline=closes,
            window=window,
        )
    ]


def _validate(facts: NominationFacts) -> None:
    if facts.nominated_by not in (None, "party", "self", HIGHER_AKIM):
        raise LawError("L.020", "nominated_by", value=facts.nominated_by)
    for name in ("signatures", "voters_in_okrug", "higher_akim_nominees"):
        value = getattr(facts, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise LawError("L.005", name, field=name, value=value)
    if facts.nominated_at.tzinfo is None or facts.nominated_at.utcoffset() is None:
        raise LawError("L.006", "nominated_at", field="nominated_at")


def check_nomination(
    facts: NominationFacts,
    law: LawVersion,
    polling_day: date,
    *,
    zone: str = ALMATY,
    called_on: date | None = None,
    extension: Extension | None = None,
) -> list[Finding]:
    """Every unmet requirement of a nomination (E.xxx), and K.002 if it came outside the
    nomination period.

    Implements the eligibility requirements of the election law's akim chapter (articles
    unconfirmed; see each rule's reference) under the settings of ``law``. An empty list
    means the nomination meets every requirement saylau knows of. ``zone`` is the local
    time zone of the nomination deadline (default Asia/Almaty); ``called_on`` (the day of
    the call) opens the period, and ``extension`` (recorded for the okrug) prolongs it.
    """
    _validate(facts)
    case = NominationCase(facts, law, polling_day, zone, called_on, extension)
    findings: list[Finding] = []
    for applicable in rules_for(law):
        if applicable.kind is not RuleKind.ELIGIBILITY:
            continue
        check = ELIGIBILITY_CHECKS.get(applicable.code)
        if check is None:
            raise LawError("L.016", "rule", code=applicable.code)
        findings.extend(check(case))
    if any(r.code == "K.002" for r in rules_for(law)):
        findings.extend(_outside_window(case))
    return findings
