"""The election calendar of an akim election, counted back and forward from polling day.

The offsets are settings of the law version (``law_versions.toml``); for ``rural-akim-2021``
they reproduce the published worked timeline of the first direct elections on 25 July 2021
(egemen.kz/article/280508; qazaqtv.com; ru.200.news): nomination closed 9 Jul at 18:00,
registration closed 14 Jul at 18:00, the campaign ran from then until 00:00 on 24 Jul, 24 Jul
was the silence day, polls were open 07:00–20:00 on 25 Jul, results were due within three
days (28 Jul) and the winner's registration within seven (1 Aug). Article numbers of the
rural-akim chapter (113-x) for these deadlines are unconfirmed.

Times are local. Deadlines are set "at 18:00" in the region's own time; the default zone is
Asia/Almaty. Note that Asia/Almaty was UTC+6 until 1 Mar 2024 and UTC+5 since, and that
western regions had their own zones before; pass ``zone`` for a region with another clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from saylau.i18n import DEFAULT_LANG, t
from saylau.law.catalogue import (
    Confidence,
    LawError,
    LawVersion,
    effective_confidence,
    rule,
)

ALMATY = "Asia/Almaty"

Moment = date | datetime


class CalendarEventCode(StrEnum):
    """The events of the calendar, in order."""

    CALL = "call"
    NOMINATION = "nomination"
    REGISTRATION = "registration"
    CAMPAIGN = "campaign"
    SILENCE = "silence"
    POLLING = "polling"
    RESULTS = "results"
    WINNER_REGISTRATION = "winner_registration"


@dataclass(frozen=True)
class CalendarEvent:
    """One period or deadline: a whole day (``date``) or a local moment (``datetime``).

    ``start`` is ``None`` when it depends on a date not given (the day of the call);
    ``deadline`` is the last day, or the moment at which the period closes.
    """

    code: CalendarEventCode
    title_key: str
    start: Moment | None
    deadline: Moment | None
    rule: str
    confidence: Confidence
    zone: str = ALMATY

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The event's name in ``lang``."""
        return t(self.title_key, lang)

    def reference(self, lang: str = DEFAULT_LANG) -> str:
        """The legal reference of the event's rule."""
        return rule(self.rule).reference(lang)


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def _event(
    code: CalendarEventCode,
    rule_code: str,
    law: LawVersion,
    start: Moment | None,
    deadline: Moment | None,
    zone: str,
    settings: tuple[str, ...] | None = None,
) -> CalendarEvent:
    return CalendarEvent(
        code=code,
        title_key=f"law.calendar.{code.value}",
        start=start,
        deadline=deadline,
        rule=rule_code,
        confidence=effective_confidence(rule(rule_code), law, settings),
        zone=zone,
    )


def election_calendar(
    polling_day: date,
    law: LawVersion,
    *,
    called_on: date | None = None,
    zone: str = ALMATY,
) -> list[CalendarEvent]:
    """The calendar of an akim election on ``polling_day`` under ``law`` (K.001–K.008).

    Implements the deadlines of the election law's akim chapter (articles unconfirmed) as
    the version's settings give them: the call (K.001, not later than ``call_days_before``),
    nomination (K.002), registration (K.003), campaign (K.004), silence day (K.005), polling
    hours (K.006), results (K.007) and the winner's registration (K.008). ``called_on``, the
    day the election was called, fixes the start of nomination. A version without calendar
    settings (a party-list election) raises L.007.
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
    E = CalendarEventCode
    return [
        _event(E.CALL, "K.001", law, called_on, before("call_days_before"), zone),
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


def event(events: list[CalendarEvent], code: CalendarEventCode | str) -> CalendarEvent:
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
