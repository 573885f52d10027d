"""The election calendar of an akim election: the call counted from its ground, the other
deadlines counted back and forward from polling day, and the steps that move them.

**The call (K.001, art. 113-1 paras 2–3 as cited by the CEC's model calendar, resolution
No. 7/411 of 24 Jun 2021).** The latest day of the call follows from the ground of the
election: at least ``call_days_before_term_end`` (40) days before the incumbent's term ends,
or within ``call_months_after_termination`` (one) month after an early termination of
powers; district akim elections are moreover called at least ``call_days_before_polling``
(50) days before polling day. A first or a repeat election has no date of its own; only the
polling-day bound applies, where the law version has one. The real calls are reproduced
without a false "late": 25 Jun 2021 for 25 Jul 2021 (the term ending 4 Aug 2021, polling
ten days before it as the press reported) and 9 Aug 2023 for 17 Sep 2023.

**The deadlines** are settings of the law version (``law_versions.toml``). For
``rural-akim-2021`` they reproduce the published worked timeline of the first direct
elections on 25 July 2021 (egemen.kz/article/280508; qazaqtv.com; ru.200.news): nomination
closed 9 Jul at 18:00, registration closed 14 Jul at 18:00, the campaign ran from then until
00:00 on 24 Jul, 24 Jul was the silence day, polls were open 07:00–20:00 on 25 Jul, results
were due within three days (28 Jul) and the winner's registration within seven (1 Aug). For
``rural-akim-2023`` nomination opens the day after the call and closes 26 days before
polling, registration 21 days before, at 18:00 (the 2023 calendar of Aktogay district:
called 9 Aug for 17 Sep, nomination 10–22 Aug, registration to 27 Aug).

**Steps that move the calendar of one okrug.** When fewer than ``min_candidates_at_close``
(two) candidates stand at the close of nomination, the commission may extend nomination by
up to ``nomination_extension_max_days`` (5 days for rural akims in 2021, 3 for district
akims in 2023): :func:`contest_calendar` applies a recorded :class:`Extension`. A candidate
may withdraw on written application (art. 113-6 para 1) until ``withdrawal_closes_days_before``
polling day (:func:`withdrawal_deadline`).

Times are local. Deadlines are set "at 18:00" in the region's own time; the default zone is
Asia/Almaty. Note that Asia/Almaty was UTC+6 until 1 Mar 2024 and UTC+5 since, and that
western regions had their own zones before; pass ``zone`` for a region with another clock.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from saylau.i18n import DEFAULT_LANG, t
from saylau.law.catalogue import (
    Confidence,
    Finding,
    LawError,
    LawVersion,
    Term,
    effective_confidence,
    localize_params,
    rule,
)

ALMATY = "Asia/Almaty"

Moment = date | datetime


class CalendarEventCode(StrEnum):
    """The events of the calendar, in order (``term_ends``/``terminated`` only with a ground
    that has a date, ``nomination_extended`` only with an extension)."""

    TERM_ENDS = "term_ends"
    TERMINATED = "terminated"
    CALL = "call"
    NOMINATION = "nomination"
    NOMINATION_EXTENDED = "nomination_extended"
    REGISTRATION = "registration"
    WITHDRAWAL = "withdrawal"
    CAMPAIGN = "campaign"
    SILENCE = "silence"
    POLLING = "polling"
    RESULTS = "results"
    WINNER_REGISTRATION = "winner_registration"


BASE_EVENTS: tuple[CalendarEventCode, ...] = (
    CalendarEventCode.CALL,
    CalendarEventCode.NOMINATION,
    CalendarEventCode.REGISTRATION,
    CalendarEventCode.WITHDRAWAL,
    CalendarEventCode.CAMPAIGN,
    CalendarEventCode.SILENCE,
    CalendarEventCode.POLLING,
    CalendarEventCode.RESULTS,
    CalendarEventCode.WINNER_REGISTRATION,
)


class GroundKind(StrEnum):
    """Why an election is held (art. 113-1 as cited by the CEC; repeat elections [?])."""

    TERM_END = "term_end"
    EARLY_TERMINATION = "early_termination"
    FIRST = "first"
    REPEAT = "repeat"


DATED_GROUNDS = frozenset({GroundKind.TERM_END, GroundKind.EARLY_TERMINATION})


@dataclass(frozen=True)
class Ground:
    """The ground of an election and, for the end of a term or an early termination, its day.

    ``on`` is the day the incumbent's term ends (``term_end``) or the day the powers were
    terminated early (``early_termination``); a first or repeat election has none (L.017,
    L.018 otherwise).
    """

    kind: GroundKind
    on: date | None = None

    def __post_init__(self) -> None:
        if self.kind in DATED_GROUNDS and self.on is None:
            raise LawError("L.017", "ground", ground=Term(f"law.ground.{self.kind.value}"))
        if self.kind not in DATED_GROUNDS and self.on is not None:
            raise LawError("L.018", "ground", ground=Term(f"law.ground.{self.kind.value}"))

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The ground in ``lang``."""
        return t(f"law.ground.{self.kind.value}", lang)


@dataclass(frozen=True)
class Extension:
    """A recorded extension of nomination in one okrug by ``days``, counted from ``base``.

    ``base`` is the moment nomination closed (or, after a withdrawal that left too few
    candidates once nomination had closed, the closing time on the day of that withdrawal).
    """

    days: int
    base: datetime

    def __post_init__(self) -> None:
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 1:
            raise LawError("L.019", "days", value=self.days)
        if self.base.tzinfo is None or self.base.utcoffset() is None:
            raise LawError("L.006", "base", field="extension.base")

    @property
    def until(self) -> datetime:
        """The moment the extended nomination closes."""
        return self.base + timedelta(days=self.days)


@dataclass(frozen=True)
class CalendarEvent:
    """One period or deadline: a whole day (``date``) or a local moment (``datetime``).

    ``start`` is ``None`` when it depends on a date not given (the day of the call);
    ``deadline`` is the last day, or the moment at which the period closes, ``None`` when
    the law version sets none. ``sources`` are the sources of the settings used (or of the
    rule); ``basis_key``/``params`` say how the deadline was counted (the call's ground).
    """

    code: CalendarEventCode
    title_key: str
    start: Moment | None
    deadline: Moment | None
    rule: str
    confidence: Confidence
    zone: str = ALMATY
    sources: tuple[str, ...] = ()
    basis_key: str | None = None
    params: tuple[tuple[str, object], ...] = field(default=(), hash=False)

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The event's name in ``lang``."""
        return t(self.title_key, lang)

    def reference(self, lang: str = DEFAULT_LANG) -> str:
        """The legal reference of the event's rule."""
        return rule(self.rule).reference(lang)

    def basis(self, lang: str = DEFAULT_LANG) -> str:
        """How the deadline was counted, in ``lang`` (empty when there is nothing to say)."""
        if self.basis_key is None:
            return ""
        return t(self.basis_key, lang, **localize_params(dict(self.params), lang))

    def source_text(self) -> str:
        """The sources, one string."""
        return " ; ".join(self.sources)


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the last day of a shorter month: 31 Jan + 1 = 28 Feb)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _sources(law: LawVersion, rule_code: str, settings: Sequence[str]) -> tuple[str, ...]:
    found: list[str] = []
    for name in settings:
        source = law.setting(name).source
        if source not in found:
            found.append(source)
    return tuple(found) or (rule(rule_code).source,)


def _event(
    code: CalendarEventCode,
    rule_code: str,
    law: LawVersion,
    start: Moment | None,
    deadline: Moment | None,
    zone: str,
    settings: tuple[str, ...] | None = None,
    *,
    basis_key: str | None = None,
    params: dict[str, object] | None = None,
) -> CalendarEvent:
    used = rule(rule_code).settings if settings is None else settings
    return CalendarEvent(
        code=code,
        title_key=f"law.calendar.{code.value}",
        start=start,
        deadline=deadline,
        rule=rule_code,
        confidence=effective_confidence(rule(rule_code), law, used),
        zone=zone,
        sources=_sources(law, rule_code, used),
        basis_key=basis_key,
        params=tuple((params or {}).items()),
    )


@dataclass(frozen=True)
class LatestCall:
    """The latest day the election may be called, and how it was counted.

    ``day`` is ``None`` when nothing bounds the call (a first or repeat election under a
    version without a polling-day bound). ``settings`` are those actually used.
    """

    day: date | None
    settings: tuple[str, ...]
    basis_key: str
    params: dict[str, object]


def latest_call(polling_day: date, law: LawVersion, ground: Ground | None) -> LatestCall:
    """K.001: the latest day of the call, by the ground and the polling-day bound.

    The end of a term: ``call_days_before_term_end`` days before it; an early termination:
    within ``call_months_after_termination`` months after it; and, where the version sets
    ``call_days_before_polling`` above 0 (district akims: 50), not later than that many days
    before polling day. The earliest bound wins.
    """
    bounds: list[tuple[date, str, str, dict[str, object]]] = []
    if ground is not None and ground.kind is GroundKind.TERM_END:
        assert ground.on is not None
        days = law.integer("call_days_before_term_end")
        bounds.append(
            (
                ground.on - timedelta(days=days),
                "call_days_before_term_end",
                "law.calendar.basis.term_end",
                {"days": days, "term_ends": ground.on},
            )
        )
    if ground is not None and ground.kind is GroundKind.EARLY_TERMINATION:
        assert ground.on is not None
        months = law.integer("call_months_after_termination")
        bounds.append(
            (
                add_months(ground.on, months),
                "call_months_after_termination",
                "law.calendar.basis.early_termination",
                {"months": months, "terminated": ground.on},
            )
        )
    before_polling = law.integer("call_days_before_polling")
    if before_polling > 0:
        bounds.append(
            (
                polling_day - timedelta(days=before_polling),
                "call_days_before_polling",
                "law.calendar.basis.polling",
                {"days": before_polling, "polling_day": polling_day},
            )
        )
    if not bounds:
        kind = "none" if ground is None else ground.kind.value
        return LatestCall(
            None, ("call_days_before_polling",), f"law.calendar.basis.unbounded.{kind}", {}
        )
    day, _used, key, params = min(bounds, key=lambda bound: bound[0])
    return LatestCall(day, tuple(b[1] for b in bounds), key, params)


def election_calendar(
    polling_day: date,
    law: LawVersion,
    *,
    called_on: date | None = None,
    ground: Ground | None = None,
    zone: str = ALMATY,
) -> list[CalendarEvent]:
    """The calendar of an akim election on ``polling_day`` under ``law`` (K.001–K.008, K.011).

    Implements the deadlines of the election law's akim chapter as the version's settings
    give them: the ground's own day (the end of the term or the early termination) when it
    has one, the call (K.001, art. 113-1 as cited by the CEC: its latest day counted from
    ``ground``), nomination (K.002), registration (K.003), the last day of a withdrawal
    (K.011, art. 113-6), campaign (K.004), silence day (K.005), polling hours (K.006),
    results (K.007) and the winner's registration (K.008). ``called_on``, the day the
    election was called, fixes the start of nomination. A version without calendar settings
    (a party-list election) raises L.007.
    """
    tz = ZoneInfo(zone)

    def before(setting: str) -> date:
        return polling_day - timedelta(days=law.integer(setting))

    def after(setting: str) -> date:
        return polling_day + timedelta(days=law.integer(setting))

    nomination_closes = _at(
        before("nomination_closes_days_before"), law.time_of_day("nomination_closes_time"), tz
    )
    registration_closes = _at(
        before("registration_closes_days_before"), law.time_of_day("registration_closes_time"), tz
    )
    nomination_opens = (
        called_on + timedelta(days=law.integer("nomination_opens_days_after_call"))
        if called_on is not None
        else None
    )
    campaign_ends = _at(before("campaign_ends_days_before"), time(0, 0), tz)
    silence_day = before("silence_days_before")
    call = latest_call(polling_day, law, ground)
    E = CalendarEventCode
    events: list[CalendarEvent] = []
    if ground is not None and ground.on is not None:
        code = E.TERM_ENDS if ground.kind is GroundKind.TERM_END else E.TERMINATED
        events.append(_event(code, "K.001", law, ground.on, ground.on, zone, call.settings))
    events += [
        _event(
            E.CALL,
            "K.001",
            law,
            called_on,
            call.day,
            zone,
            call.settings,
            basis_key=call.basis_key,
            params=call.params,
        ),
        _event(
            E.NOMINATION,
            "K.002",
            law,
            nomination_opens,
            nomination_closes,
            zone,
            # The start of nomination counts only when the day of the call is known.
            None if called_on else ("nomination_closes_days_before", "nomination_closes_time"),
        ),
        _event(E.REGISTRATION, "K.003", law, None, registration_closes, zone),
        _event(E.WITHDRAWAL, "K.011", law, None, withdrawal_deadline(polling_day, law), zone),
        _event(E.CAMPAIGN, "K.004", law, registration_closes, campaign_ends, zone),
        _event(E.SILENCE, "K.005", law, silence_day, silence_day, zone),
        _event(
            E.POLLING,
            "K.006",
            law,
            _at(polling_day, law.time_of_day("polls_open"), tz),
            _at(polling_day, law.time_of_day("polls_close"), tz),
            zone,
        ),
        _event(E.RESULTS, "K.007", law, polling_day, after("results_within_days"), zone),
        _event(
            E.WINNER_REGISTRATION,
            "K.008",
            law,
            polling_day,
            after("winner_registration_within_days"),
            zone,
        ),
    ]
    return events


def withdrawal_deadline(polling_day: date, law: LawVersion) -> date:
    """K.011: the last day a candidate may withdraw (art. 113-6 para 1; last day unconfirmed)."""
    return polling_day - timedelta(days=law.integer("withdrawal_closes_days_before"))


def contest_calendar(
    events: Sequence[CalendarEvent], law: LawVersion, extension: Extension | None
) -> list[CalendarEvent]:
    """One okrug's calendar: ``events`` with a recorded extension of nomination applied (K.010).

    The extended nomination closes ``extension.days`` after ``extension.base``; with
    ``registration_follows_extension`` the registration deadline moves by as much as the
    nomination deadline did, and the campaign starts at the moved registration deadline.
    Without an extension the events are returned unchanged.
    """
    if extension is None:
        return list(events)
    nomination = event(events, CalendarEventCode.NOMINATION)
    registration = event(events, CalendarEventCode.REGISTRATION)
    assert isinstance(nomination.deadline, datetime)
    assert isinstance(registration.deadline, datetime)
    until = extension.until
    moved = until - nomination.deadline
    new_registration = registration.deadline
    if law.flag("registration_follows_extension") and moved > timedelta(0):
        new_registration = registration.deadline + moved
    out: list[CalendarEvent] = []
    for item in events:
        match item.code:
            case CalendarEventCode.REGISTRATION:
                out.append(
                    replace(
                        item,
                        deadline=new_registration,
                        confidence=_lower(item.confidence, law, "registration_follows_extension"),
                    )
                )
            case CalendarEventCode.CAMPAIGN:
                out.append(replace(item, start=new_registration))
            case _:
                out.append(item)
        if item.code is CalendarEventCode.NOMINATION:  # the extension follows nomination
            out.append(
                _event(
                    CalendarEventCode.NOMINATION_EXTENDED,
                    "K.010",
                    law,
                    extension.base,
                    until,
                    item.zone,
                    ("min_candidates_at_close", "nomination_extension_max_days"),
                    basis_key="law.calendar.basis.extension",
                    params={"days": extension.days},
                )
            )
    return out


def _lower(confidence: Confidence, law: LawVersion, setting: str) -> Confidence:
    if law.setting(setting).confidence is Confidence.UNCONFIRMED:
        return Confidence.UNCONFIRMED
    return confidence


def nomination_window(events: Sequence[CalendarEvent]) -> tuple[date | None, datetime]:
    """The first day nomination is open (``None`` if the call is unknown) and the moment it
    closes, an extension included."""
    nomination = event(events, CalendarEventCode.NOMINATION)
    closes = nomination.deadline
    for item in events:
        if item.code is CalendarEventCode.NOMINATION_EXTENDED:
            closes = item.deadline
    assert isinstance(closes, datetime)
    start = nomination.start
    assert start is None or isinstance(start, date)
    return start, closes


def event(events: Sequence[CalendarEvent], code: CalendarEventCode | str) -> CalendarEvent:
    """The event with ``code`` from a calendar."""
    wanted = CalendarEventCode(code)
    for candidate in events:
        if candidate.code is wanted:
            return candidate
    raise KeyError(wanted.value)


def deadline_passed(event: CalendarEvent, at: datetime) -> bool:
    """Whether ``event``'s deadline has passed at the (time-zone aware) moment ``at``.

    A deadline moment ("closes at 18:00") has passed from that moment on: a nomination at
    18:00:00 is late. A deadline day has passed once that day is over in the event's zone.
    An event without a deadline never passes. A naive ``at`` raises L.006.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise LawError("L.006", "at", field="at")
    deadline = event.deadline
    if deadline is None:
        return False
    if isinstance(deadline, datetime):
        return at >= deadline
    return at.astimezone(ZoneInfo(event.zone)).date() > deadline


def local_day(at: datetime, zone: str = ALMATY) -> date:
    """The day of the aware moment ``at`` in ``zone``."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise LawError("L.006", "at", field="at")
    return at.astimezone(ZoneInfo(zone)).date()


# --- checks of the call --------------------------------------------------------------------


def _problem(
    law: LawVersion, key: str, settings: tuple[str, ...] | None = None, **params: object
) -> Finding:
    return Finding.of(
        "K.009",
        law,
        ("ground", "called_on"),
        settings=settings if settings is not None else (),
        problem=Term(f"law.calendar.problem.{key}", tuple(params.items())),
    )


def check_call(
    polling_day: date,
    law: LawVersion,
    *,
    called_on: date | None,
    ground: Ground | None,
    zone: str = ALMATY,
) -> list[Finding]:
    """Every fault of the call: K.009 when the dates contradict the ground, K.001 when the
    election was called after its latest day (art. 113-1 as cited by the CEC).

    K.009: polling day after the day the term ends; an early termination after the call or
    on or after polling day; a call on or after polling day; a call that leaves no day of
    nomination before it closes. Without ``called_on`` only what does not need it is checked.
    """
    findings: list[Finding] = []
    if ground is not None and ground.kind is GroundKind.TERM_END:
        assert ground.on is not None
        if polling_day > ground.on:
            findings.append(
                _problem(law, "polling_after_term", term_ends=ground.on, polling_day=polling_day)
            )
    if ground is not None and ground.kind is GroundKind.EARLY_TERMINATION:
        assert ground.on is not None
        if ground.on >= polling_day:
            findings.append(
                _problem(
                    law, "terminated_after_polling", terminated=ground.on, polling_day=polling_day
                )
            )
        elif called_on is not None and ground.on > called_on:
            findings.append(
                _problem(law, "terminated_after_call", terminated=ground.on, called_on=called_on)
            )
    if called_on is None:
        return findings
    if called_on >= polling_day:
        findings.append(
            _problem(law, "called_after_polling", called_on=called_on, polling_day=polling_day)
        )
        return findings
    events = election_calendar(polling_day, law, called_on=called_on, ground=ground, zone=zone)
    opens, closes = nomination_window(events)
    assert opens is not None
    if opens > closes.date():
        findings.append(
            _problem(
                law,
                "no_nomination",
                ("nomination_opens_days_after_call", "nomination_closes_days_before"),
                called_on=called_on,
                opens=opens,
                closes=closes,
            )
        )
    call = latest_call(polling_day, law, ground)
    if call.day is not None and called_on > call.day:
        findings.append(
            Finding.of(
                "K.001",
                law,
                ("called_on", "ground"),
                settings=call.settings,
                called_on=called_on,
                deadline=call.day,
                basis=Term(call.basis_key, tuple(call.params.items())),
            )
        )
    return findings


# --- checks of the steps that move one okrug's calendar -------------------------------------


def extension_base(
    events: Sequence[CalendarEvent], law: LawVersion, withdrawal_at: datetime | None
) -> datetime:
    """The moment an extension of nomination is counted from (K.010).

    The close of nomination; or, when a withdrawal after that close left too few
    candidates, the closing time of nomination on the day of that withdrawal.
    """
    nomination = event(events, CalendarEventCode.NOMINATION)
    closes = nomination.deadline
    assert isinstance(closes, datetime)
    if withdrawal_at is None or withdrawal_at < closes:
        return closes
    day = local_day(withdrawal_at, nomination.zone)
    return _at(day, law.time_of_day("nomination_closes_time"), ZoneInfo(nomination.zone))


def _step_problem(key: str, **params: object) -> Term:
    return Term(f"law.calendar.problem.{key}", tuple(params.items()))


def check_extension(
    events: Sequence[CalendarEvent],
    law: LawVersion,
    *,
    okrug: str,
    candidates: int,
    days: int,
    decided_at: datetime,
    already_extended: bool,
    withdrawal_at: datetime | None = None,
) -> tuple[list[Finding], Extension | None]:
    """K.010: whether nomination in ``okrug`` may be extended by ``days``, and the extension.

    Allowed once per okrug, after nomination closed, when fewer than
    ``min_candidates_at_close`` candidates stand (``candidates``), by 1 to
    ``nomination_extension_max_days`` days, and only if the registration deadline it leads
    to still comes before the end of the campaign. ``withdrawal_at`` is the withdrawal that
    left too few candidates, if it came after nomination closed.
    """
    if decided_at.tzinfo is None or decided_at.utcoffset() is None:
        raise LawError("L.006", "decided_at", field="decided_at")
    least = law.integer("min_candidates_at_close")
    most = law.integer("nomination_extension_max_days")
    problems: list[Term] = []
    nomination = event(events, CalendarEventCode.NOMINATION)
    assert isinstance(nomination.deadline, datetime)
    if already_extended:
        problems.append(_step_problem("already_extended"))
    if decided_at < nomination.deadline:
        problems.append(_step_problem("nomination_open", closes=nomination.deadline))
    if candidates >= least:
        problems.append(_step_problem("enough_candidates", count=candidates, min=least))
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= most:
        problems.append(_step_problem("extension_days", days=days, max=most))
    extension: Extension | None = None
    if not problems:
        extension = Extension(days, extension_base(events, law, withdrawal_at))
        moved = contest_calendar(events, law, extension)
        registration = event(moved, CalendarEventCode.REGISTRATION).deadline
        campaign_ends = event(moved, CalendarEventCode.CAMPAIGN).deadline
        assert isinstance(registration, datetime) and isinstance(campaign_ends, datetime)
        if registration >= campaign_ends:
            problems.append(
                _step_problem(
                    "extension_too_late", registration=registration, campaign_ends=campaign_ends
                )
            )
            extension = None
    findings = [
        Finding.of(
            "K.010",
            law,
            ("extension", "candidates"),
            okrug=okrug,
            min=least,
            max=most,
            problem=problem,
        )
        for problem in problems
    ]
    return findings, extension


def check_withdrawal(
    polling_day: date,
    law: LawVersion,
    *,
    candidate: str,
    applied_at: datetime,
    nominated_at: datetime | None,
    registered: bool,
    withdrawn: bool,
    zone: str = ALMATY,
) -> list[Finding]:
    """K.011: a withdrawal on written application (art. 113-6 para 1) of a registered
    candidate, applied for between the nomination and ``withdrawal_closes_days_before``
    polling day (that last day is unconfirmed). ``nominated_at`` is None when the time of the
    nomination is not known (a decision imported from a file that does not give it)."""
    if applied_at.tzinfo is None or applied_at.utcoffset() is None:
        raise LawError("L.006", "applied_at", field="applied_at")
    deadline = withdrawal_deadline(polling_day, law)
    problems: list[Term] = []
    if withdrawn:
        problems.append(_step_problem("already_withdrawn"))
    elif not registered:
        problems.append(_step_problem("not_registered"))
    if nominated_at is not None and applied_at < nominated_at:
        problems.append(_step_problem("before_nomination", nominated_at=nominated_at))
    if local_day(applied_at, zone) > deadline:
        problems.append(_step_problem("withdrawal_too_late", applied_at=applied_at))
    return [
        Finding.of(
            "K.011",
            law,
            ("withdrawal",),
            candidate=candidate,
            deadline=deadline,
            problem=problem,
        )
        for problem in problems
    ]
