"""The election calendar: the published timeline of 25 July 2021, reproduced exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.i18n import LANGS
from saylau.law.calendar import (
    CalendarEvent,
    CalendarEventCode,
    deadline_passed,
    election_calendar,
    event,
)
from saylau.law.catalogue import Confidence, LawError, law_version

ALMATY = ZoneInfo("Asia/Almaty")
RURAL_2021 = law_version("rural-akim-2021")
POLLING_2021 = date(2021, 7, 25)
E = CalendarEventCode


def at(*parts: int, zone: ZoneInfo = ALMATY) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


@pytest.fixture
def calendar_2021() -> list[CalendarEvent]:
    return election_calendar(POLLING_2021, RURAL_2021)


def test_the_2021_worked_timeline_is_reproduced_exactly(calendar_2021: list[CalendarEvent]):
    timeline = {e.code: (e.start, e.deadline) for e in calendar_2021}
    assert timeline == {
        E.CALL: (None, date(2021, 6, 15)),
        E.NOMINATION: (None, at(2021, 7, 9, 18, 0)),
        E.REGISTRATION: (None, at(2021, 7, 14, 18, 0)),
        E.CAMPAIGN: (at(2021, 7, 14, 18, 0), at(2021, 7, 24, 0, 0)),
        E.SILENCE: (date(2021, 7, 24), date(2021, 7, 24)),
        E.POLLING: (at(2021, 7, 25, 7, 0), at(2021, 7, 25, 20, 0)),
        E.RESULTS: (POLLING_2021, date(2021, 7, 28)),
        E.WINNER_REGISTRATION: (POLLING_2021, date(2021, 8, 1)),
    }


def test_events_come_in_order_with_their_rules(calendar_2021: list[CalendarEvent]):
    assert [e.code for e in calendar_2021] == list(CalendarEventCode)
    assert [e.rule for e in calendar_2021] == [f"K.00{n}" for n in range(1, 9)]


def test_almaty_was_six_hours_ahead_of_utc_in_2021(calendar_2021: list[CalendarEvent]):
    nomination = event(calendar_2021, "nomination")
    assert nomination.deadline == datetime(2021, 7, 9, 12, 0, tzinfo=UTC)


def test_a_region_with_its_own_clock_can_pass_its_zone():
    aqtobe = election_calendar(POLLING_2021, RURAL_2021, zone="Asia/Aqtobe")
    deadline = event(aqtobe, E.NOMINATION).deadline
    assert isinstance(deadline, datetime)
    assert deadline.utcoffset() == timedelta(hours=5)


def test_the_call_day_fixes_the_start_of_nomination():
    events = election_calendar(POLLING_2021, RURAL_2021, called_on=date(2021, 6, 10))
    nomination = event(events, E.NOMINATION)
    assert nomination.start == date(2021, 6, 11)
    assert event(events, E.CALL).start == date(2021, 6, 10)
    # The start uses an unconfirmed setting for 2021, so the event is unconfirmed with it.
    assert nomination.confidence is Confidence.UNCONFIRMED


def test_confidence_follows_rule_and_settings(calendar_2021: list[CalendarEvent]):
    marks = {e.code: e.confidence for e in calendar_2021}
    assert marks[E.CALL] is Confidence.UNCONFIRMED  # "not later than 40 days" is [M]
    for code in (
        E.NOMINATION,
        E.REGISTRATION,
        E.CAMPAIGN,
        E.SILENCE,
        E.POLLING,
        E.RESULTS,
        E.WINNER_REGISTRATION,
    ):
        assert marks[code] is Confidence.CONFIRMED, code


def test_the_2023_district_akim_model():
    events = election_calendar(date(2023, 11, 5), law_version("district-akim-2023"))
    assert event(events, E.NOMINATION).deadline == at(2023, 10, 6, 18, 0)
    assert event(events, E.REGISTRATION).deadline == at(2023, 10, 11, 18, 0)
    assert event(events, E.CAMPAIGN).deadline == at(2023, 11, 4, 0, 0)
    assert event(events, E.NOMINATION).confidence is Confidence.UNCONFIRMED  # no time given
    assert event(events, E.REGISTRATION).confidence is Confidence.CONFIRMED


def test_rural_2023_timing_is_unconfirmed():
    events = election_calendar(date(2024, 8, 25), law_version("rural-akim-2023"))
    assert all(e.confidence is Confidence.UNCONFIRMED for e in events)
    # Since 1 Mar 2024 Kazakhstan keeps one time zone, UTC+5.
    deadline = event(events, E.REGISTRATION).deadline
    assert isinstance(deadline, datetime) and deadline.utcoffset() == timedelta(hours=5)


def test_a_party_list_election_has_no_akim_calendar():
    with pytest.raises(LawError) as raised:
        election_calendar(date(2023, 3, 19), law_version("majilis-list-2023"))
    assert raised.value.code == "L.007"


# --- deadline_passed -----------------------------------------------------------------------


def test_a_deadline_moment_has_passed_from_that_moment_on(calendar_2021: list[CalendarEvent]):
    nomination = event(calendar_2021, E.NOMINATION)
    assert not deadline_passed(nomination, at(2021, 7, 9, 17, 59, 59))
    assert deadline_passed(nomination, at(2021, 7, 9, 18, 0))
    assert deadline_passed(nomination, datetime(2021, 7, 9, 12, 0, 1, tzinfo=UTC))


def test_a_deadline_day_has_passed_when_the_day_is_over(calendar_2021: list[CalendarEvent]):
    results = event(calendar_2021, E.RESULTS)
    assert not deadline_passed(results, at(2021, 7, 28, 23, 59))
    assert deadline_passed(results, at(2021, 7, 29, 0, 0))
    # 28 Jul 20:00 UTC is already 29 Jul in Almaty.
    assert deadline_passed(results, datetime(2021, 7, 28, 20, 0, tzinfo=UTC))


def test_an_event_without_a_deadline_never_passes():
    open_ended = CalendarEvent(
        E.CALL, "law.calendar.call", None, None, "K.001", Confidence.UNCONFIRMED
    )
    assert not deadline_passed(open_ended, at(2030, 1, 1, 0, 0))


def test_a_moment_without_a_time_zone_is_refused(calendar_2021: list[CalendarEvent]):
    with pytest.raises(LawError) as raised:
        deadline_passed(event(calendar_2021, E.NOMINATION), datetime(2021, 7, 9, 18, 0))
    assert raised.value.code == "L.006"


def test_events_have_titles_and_references_in_all_languages(calendar_2021: list[CalendarEvent]):
    for e in calendar_2021:
        for lang in LANGS:
            assert e.title(lang) and e.reference(lang)
    assert event(calendar_2021, E.SILENCE).title("kk") == "Үнсіздік күні"


@given(
    st.dates(date(2021, 6, 1), date(2030, 12, 31)),
    st.sampled_from(["rural-akim-2021", "rural-akim-2023", "district-akim-2023"]),
)
def test_the_calendar_is_always_in_order(polling_day: date, code: str):
    events = {e.code: e for e in election_calendar(polling_day, law_version(code))}

    def instant(value: object) -> datetime:
        if isinstance(value, datetime):
            return value
        assert isinstance(value, date)
        return datetime.combine(value, datetime.min.time(), tzinfo=ALMATY)

    nomination = instant(events[E.NOMINATION].deadline)
    registration = instant(events[E.REGISTRATION].deadline)
    campaign = events[E.CAMPAIGN]
    polls = events[E.POLLING]
    assert instant(events[E.CALL].deadline) < nomination < registration
    assert campaign.start == events[E.REGISTRATION].deadline
    assert instant(campaign.start) < instant(campaign.deadline) <= instant(polls.start)
    assert events[E.SILENCE].deadline == polling_day - timedelta(days=1)
    assert instant(polls.start) < instant(polls.deadline)
    assert events[E.RESULTS].deadline > polling_day
    assert events[E.WINNER_REGISTRATION].deadline >= events[E.RESULTS].deadline
