"""The election calendar: the real calendars of 2021 and 2023 reproduced exactly, the call
counted from its ground, extensions of nomination and the last day of a withdrawal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.i18n import LANGS
from saylau.law.calendar import (
    BASE_EVENTS,
    CalendarEvent,
    CalendarEventCode,
    Extension,
    Ground,
    GroundKind,
    add_months,
    check_call,
    check_extension,
    check_withdrawal,
    contest_calendar,
    deadline_passed,
    election_calendar,
    event,
    extension_base,
    latest_call,
    nomination_window,
)
from saylau.law.catalogue import Confidence, LawError, law_version

ALMATY = ZoneInfo("Asia/Almaty")
RURAL_2021 = law_version("rural-akim-2021")
RURAL_2023 = law_version("rural-akim-2023")
DISTRICT_2023 = law_version("district-akim-2023")
POLLING_2021 = date(2021, 7, 25)
# "Voting held 10 days before the incumbent's term expires" (Kursiv, 2021): 4 Aug 2021.
TERM_2021 = Ground(GroundKind.TERM_END, date(2021, 8, 4))
E = CalendarEventCode


def at(*parts: int, zone: ZoneInfo = ALMATY) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


@pytest.fixture
def calendar_2021() -> list[CalendarEvent]:
    return election_calendar(POLLING_2021, RURAL_2021)


# --- the real calendars ---------------------------------------------------------------------


def test_the_real_2021_calendar_called_25_june_for_25_july():
    events = election_calendar(
        POLLING_2021, RURAL_2021, called_on=date(2021, 6, 25), ground=TERM_2021
    )
    timeline = {e.code: (e.start, e.deadline) for e in events}
    assert timeline == {
        E.TERM_ENDS: (date(2021, 8, 4), date(2021, 8, 4)),
        E.CALL: (date(2021, 6, 25), date(2021, 6, 25)),
        E.NOMINATION: (date(2021, 6, 26), at(2021, 7, 9, 18, 0)),
        E.REGISTRATION: (None, at(2021, 7, 14, 18, 0)),
        E.WITHDRAWAL: (None, date(2021, 7, 24)),
        E.CAMPAIGN: (at(2021, 7, 14, 18, 0), at(2021, 7, 24, 0, 0)),
        E.SILENCE: (date(2021, 7, 24), date(2021, 7, 24)),
        E.POLLING: (at(2021, 7, 25, 7, 0), at(2021, 7, 25, 20, 0)),
        E.RESULTS: (POLLING_2021, date(2021, 7, 28)),
        E.WINNER_REGISTRATION: (POLLING_2021, date(2021, 8, 1)),
    }
    # 30 days before polling, and not late: the 40 days count back from the end of the term.
    assert check_call(POLLING_2021, RURAL_2021, called_on=date(2021, 6, 25), ground=TERM_2021) == []
    assert event(events, E.CALL).confidence is Confidence.CONFIRMED


def test_the_real_2023_calendar_called_9_august_for_17_september():
    polling = date(2023, 9, 17)
    # Called 39 days before polling: in time for any term ending 18 Sep or later.
    for term_ends in (date(2023, 9, 18), date(2023, 9, 27)):
        ground = Ground(GroundKind.TERM_END, term_ends)
        assert check_call(polling, RURAL_2023, called_on=date(2023, 8, 9), ground=ground) == []
    events = election_calendar(
        polling,
        RURAL_2023,
        called_on=date(2023, 8, 9),
        ground=Ground(GroundKind.TERM_END, date(2023, 9, 18)),
    )
    assert event(events, E.NOMINATION).start == date(2023, 8, 10)
    assert event(events, E.NOMINATION).deadline == at(2023, 8, 22, 18, 0)
    assert event(events, E.REGISTRATION).deadline == at(2023, 8, 27, 18, 0)
    assert event(events, E.CALL).deadline == date(2023, 8, 9)
    for code in (E.CALL, E.NOMINATION, E.REGISTRATION, E.POLLING, E.RESULTS):
        assert event(events, code).confidence is Confidence.CONFIRMED, code


def test_the_other_2023_call_14_june_for_23_july_is_not_late():
    ground = Ground(GroundKind.TERM_END, date(2023, 7, 24))
    assert (
        check_call(date(2023, 7, 23), RURAL_2023, called_on=date(2023, 6, 14), ground=ground) == []
    )


def test_the_old_model_would_have_reported_the_real_calls_late():
    # 40 days before polling day (the first pass) gave 15 Jun 2021 and 8 Aug 2023.
    assert POLLING_2021 - timedelta(days=40) < date(2021, 6, 25)
    assert date(2023, 9, 17) - timedelta(days=40) < date(2023, 8, 9)


# --- the call by its ground -----------------------------------------------------------------


def test_the_latest_call_by_each_ground():
    polling = date(2025, 7, 20)
    term = latest_call(polling, RURAL_2023, Ground(GroundKind.TERM_END, date(2025, 7, 30)))
    assert term.day == date(2025, 6, 20)
    assert term.settings == ("call_days_before_term_end",)
    early = latest_call(
        polling, RURAL_2023, Ground(GroundKind.EARLY_TERMINATION, date(2025, 5, 31))
    )
    assert early.day == date(2025, 6, 30)
    assert latest_call(polling, RURAL_2023, Ground(GroundKind.FIRST)).day is None
    assert latest_call(polling, RURAL_2023, Ground(GroundKind.REPEAT)).day is None
    assert latest_call(polling, RURAL_2023, None).day is None


def test_district_akims_are_called_at_least_50_days_before_polling():
    polling = date(2023, 11, 5)
    first = latest_call(polling, DISTRICT_2023, Ground(GroundKind.FIRST))
    assert first.day == date(2023, 9, 16)
    # the earlier of the two bounds wins: the term rule when the term ends soon ...
    term = latest_call(polling, DISTRICT_2023, Ground(GroundKind.TERM_END, date(2023, 11, 10)))
    assert term.day == date(2023, 9, 16)
    assert set(term.settings) == {"call_days_before_term_end", "call_days_before_polling"}
    findings = check_call(polling, DISTRICT_2023, called_on=date(2023, 9, 20), ground=None)
    assert [f.code for f in findings] == ["K.001"]
    assert "50" in findings[0].message("en")


def test_one_month_after_an_early_termination_keeps_to_the_end_of_a_short_month():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


def test_a_late_call_names_the_window_and_its_basis_in_each_language():
    ground = Ground(GroundKind.EARLY_TERMINATION, date(2025, 3, 3))
    findings = check_call(date(2025, 6, 1), RURAL_2023, called_on=date(2025, 4, 4), ground=ground)
    assert [f.code for f in findings] == ["K.001"]
    finding = findings[0]
    assert "3 Apr 2025" in finding.message("en")
    assert "1 month" in finding.message("en")
    assert finding.message("kk") and finding.message("ru")
    assert finding.rule.article == "113-1"


@pytest.mark.parametrize(
    ("polling", "called", "ground", "problem"),
    [
        (date(2025, 7, 20), date(2025, 5, 1), Ground(GroundKind.TERM_END, date(2025, 7, 10)),
         "polling day"),
        (date(2025, 7, 20), date(2025, 5, 1),
         Ground(GroundKind.EARLY_TERMINATION, date(2025, 5, 10)), "after the election was called"),
        (date(2025, 7, 20), date(2025, 5, 1),
         Ground(GroundKind.EARLY_TERMINATION, date(2025, 7, 20)), "not before polling day"),
        (date(2025, 7, 20), date(2025, 7, 20), Ground(GroundKind.FIRST), "not before polling day"),
        (date(2025, 7, 20), date(2025, 6, 24), Ground(GroundKind.FIRST), "no day for nomination"),
    ],
)  # fmt: skip
def test_dates_that_contradict_the_ground_are_k009(polling, called, ground, problem):
    findings = check_call(polling, RURAL_2023, called_on=called, ground=ground)
    assert "K.009" in [f.code for f in findings]
    texts = " ".join(f.message("en") for f in findings if f.code == "K.009")
    assert problem in texts
    assert all(f.blocks for f in findings)


def test_a_ground_needs_its_date_and_only_then():
    with pytest.raises(LawError) as raised:
        Ground(GroundKind.TERM_END)
    assert raised.value.code == "L.017"
    with pytest.raises(LawError) as raised:
        Ground(GroundKind.REPEAT, date(2025, 1, 1))
    assert raised.value.code == "L.018"
    assert "term" in Ground(GroundKind.TERM_END, date(2025, 1, 1)).title("en")


# --- the worked timeline, polling-day deadlines ------------------------------------------------


def test_the_2021_worked_timeline_without_a_call(calendar_2021: list[CalendarEvent]):
    timeline = {e.code: (e.start, e.deadline) for e in calendar_2021}
    assert timeline[E.CALL] == (None, None)  # no ground: the latest call cannot be counted
    assert timeline[E.NOMINATION] == (None, at(2021, 7, 9, 18, 0))
    assert timeline[E.REGISTRATION] == (None, at(2021, 7, 14, 18, 0))
    assert "not recorded" in event(calendar_2021, E.CALL).basis("en")


def test_events_come_in_order_with_their_rules(calendar_2021: list[CalendarEvent]):
    assert tuple(e.code for e in calendar_2021) == BASE_EVENTS
    assert [e.rule for e in calendar_2021] == [
        "K.001", "K.002", "K.003", "K.011", "K.004", "K.005", "K.006", "K.007", "K.008"
    ]  # fmt: skip


def test_every_event_names_its_sources(calendar_2021: list[CalendarEvent]):
    for e in calendar_2021:
        assert e.sources and all(e.sources), e.code
    assert "egemen.kz" in event(calendar_2021, E.NOMINATION).source_text()
    rural_2023 = election_calendar(date(2023, 9, 17), RURAL_2023)
    assert "karaganda-aktogay" in event(rural_2023, E.NOMINATION).source_text()


def test_almaty_was_six_hours_ahead_of_utc_in_2021(calendar_2021: list[CalendarEvent]):
    nomination = event(calendar_2021, "nomination")
    assert nomination.deadline == datetime(2021, 7, 9, 12, 0, tzinfo=UTC)


def test_a_region_with_its_own_clock_can_pass_its_zone():
    aqtobe = election_calendar(POLLING_2021, RURAL_2021, zone="Asia/Aqtobe")
    deadline = event(aqtobe, E.NOMINATION).deadline
    assert isinstance(deadline, datetime)
    assert deadline.utcoffset() == timedelta(hours=5)


def test_confidence_follows_rule_and_settings(calendar_2021: list[CalendarEvent]):
    marks = {e.code: e.confidence for e in calendar_2021}
    assert marks[E.CALL] is Confidence.UNCONFIRMED  # no bound: call_days_before_polling [?]
    assert marks[E.WITHDRAWAL] is Confidence.UNCONFIRMED  # the last day is not found
    for code in (E.NOMINATION, E.REGISTRATION, E.CAMPAIGN, E.SILENCE, E.POLLING, E.RESULTS,
                 E.WINNER_REGISTRATION):  # fmt: skip
        assert marks[code] is Confidence.CONFIRMED, code


def test_the_2023_district_akim_model():
    events = election_calendar(date(2023, 11, 5), DISTRICT_2023)
    assert event(events, E.CALL).deadline == date(2023, 9, 16)
    assert event(events, E.CALL).confidence is Confidence.CONFIRMED
    assert event(events, E.NOMINATION).deadline == at(2023, 10, 6, 18, 0)
    assert event(events, E.REGISTRATION).deadline == at(2023, 10, 11, 18, 0)
    assert event(events, E.CAMPAIGN).deadline == at(2023, 11, 4, 0, 0)
    assert event(events, E.NOMINATION).confidence is Confidence.UNCONFIRMED  # no time given
    assert event(events, E.REGISTRATION).confidence is Confidence.CONFIRMED


def test_rural_deadlines_after_2022_are_26_and_21_days_confirmed():
    events = election_calendar(date(2025, 7, 20), RURAL_2023)
    assert event(events, E.NOMINATION).deadline == at(2025, 6, 24, 18, 0)
    assert event(events, E.REGISTRATION).deadline == at(2025, 6, 29, 18, 0)
    assert event(events, E.REGISTRATION).confidence is Confidence.CONFIRMED
    # Since 1 Mar 2024 Kazakhstan keeps one time zone, UTC+5.
    deadline = event(events, E.REGISTRATION).deadline
    assert isinstance(deadline, datetime) and deadline.utcoffset() == timedelta(hours=5)


def test_a_party_list_election_has_no_akim_calendar():
    with pytest.raises(LawError) as raised:
        election_calendar(date(2023, 3, 19), law_version("majilis-list-2023"))
    assert raised.value.code == "L.007"


# --- too few candidates: the extension --------------------------------------------------------

POLLING_2025 = date(2025, 7, 20)


def _base_2025() -> list[CalendarEvent]:
    return election_calendar(POLLING_2025, RURAL_2023, called_on=date(2025, 6, 1))


def test_an_extension_moves_nomination_registration_and_the_start_of_the_campaign():
    base = _base_2025()
    extended = contest_calendar(base, RURAL_2023, Extension(5, at(2025, 6, 24, 18, 0)))
    codes = [e.code for e in extended]
    assert codes.index(E.NOMINATION_EXTENDED) == codes.index(E.NOMINATION) + 1
    assert event(extended, E.NOMINATION_EXTENDED).deadline == at(2025, 6, 29, 18, 0)
    assert event(extended, E.REGISTRATION).deadline == at(2025, 7, 4, 18, 0)
    assert event(extended, E.CAMPAIGN).start == at(2025, 7, 4, 18, 0)
    assert event(extended, E.REGISTRATION).confidence is Confidence.UNCONFIRMED
    assert nomination_window(extended) == (date(2025, 6, 2), at(2025, 6, 29, 18, 0))
    assert contest_calendar(base, RURAL_2023, None) == base
    assert "5 day" in event(extended, E.NOMINATION_EXTENDED).basis("en")


def test_an_extension_is_allowed_when_too_few_stand_after_nomination_closed():
    base = _base_2025()
    findings, extension = check_extension(
        base, RURAL_2023, okrug="o", candidates=1, days=5, decided_at=at(2025, 6, 25, 10, 0),
        already_extended=False,
    )  # fmt: skip
    assert findings == []
    assert extension == Extension(5, at(2025, 6, 24, 18, 0))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"candidates": 2}, "2 candidate(s) stand"),
        ({"days": 6}, "1 to 5"),
        ({"days": 0}, "1 to 5"),
        ({"decided_at": at(2025, 6, 24, 17, 0)}, "still open"),
        ({"already_extended": True}, "already been extended"),
    ],
)
def test_an_extension_outside_its_window_names_the_window(changes, problem):
    arguments: dict[str, object] = {
        "okrug": "o", "candidates": 1, "days": 5, "decided_at": at(2025, 6, 25, 10, 0),
        "already_extended": False,
    }  # fmt: skip
    arguments.update(changes)
    findings, extension = check_extension(_base_2025(), RURAL_2023, **arguments)  # type: ignore[arg-type]
    assert extension is None
    assert [f.code for f in findings] == ["K.010"]
    assert problem in findings[0].message("en")
    assert "aktobe-khobda" in findings[0].rule.source


def test_district_akims_extend_by_three_days_at_most():
    base = election_calendar(date(2023, 11, 5), DISTRICT_2023)
    findings, _ = check_extension(
        base, DISTRICT_2023, okrug="o", candidates=1, days=4,
        decided_at=at(2023, 10, 7, 9, 0), already_extended=False,
    )  # fmt: skip
    assert "1 to 3" in findings[0].message("en")


def test_after_a_late_withdrawal_the_extension_counts_from_that_day_and_must_fit():
    base = _base_2025()
    assert extension_base(base, RURAL_2023, at(2025, 6, 20, 9, 0)) == at(2025, 6, 24, 18, 0)
    assert extension_base(base, RURAL_2023, at(2025, 7, 1, 9, 0)) == at(2025, 7, 1, 18, 0)
    findings, extension = check_extension(
        base, RURAL_2023, okrug="o", candidates=1, days=3, decided_at=at(2025, 7, 1, 12, 0),
        already_extended=False, withdrawal_at=at(2025, 7, 1, 9, 0),
    )  # fmt: skip
    assert findings == [] and extension is not None
    assert extension.until == at(2025, 7, 4, 18, 0)
    # A withdrawal on 15 Jul leaves no time: registration would end after the campaign.
    late, none = check_extension(
        base, RURAL_2023, okrug="o", candidates=1, days=1, decided_at=at(2025, 7, 15, 12, 0),
        already_extended=False, withdrawal_at=at(2025, 7, 15, 9, 0),
    )  # fmt: skip
    assert none is None and "campaign ends" in late[0].message("en")


def test_an_extension_needs_a_whole_day_and_an_aware_base():
    with pytest.raises(LawError) as raised:
        Extension(0, at(2025, 6, 24, 18, 0))
    assert raised.value.code == "L.019"
    with pytest.raises(LawError):
        Extension(1, datetime(2025, 6, 24, 18, 0))


# --- withdrawal --------------------------------------------------------------------------------


def test_a_withdrawal_up_to_the_day_before_polling_day():
    def check(applied: datetime, **changes: object) -> list[str]:
        arguments: dict[str, object] = {
            "candidate": "c", "applied_at": applied, "nominated_at": at(2025, 6, 3, 10, 0),
            "registered": True, "withdrawn": False,
        }  # fmt: skip
        arguments.update(changes)
        findings = check_withdrawal(POLLING_2025, RURAL_2023, **arguments)  # type: ignore[arg-type]
        return [f.message("en") for f in findings]

    assert check(at(2025, 7, 19, 23, 0)) == []
    assert "after the last day" in check(at(2025, 7, 20, 8, 0))[0]
    assert "before the nomination" in check(at(2025, 6, 2, 8, 0))[0]
    assert "not registered" in check(at(2025, 7, 1, 8, 0), registered=False)[0]
    assert "already withdrawn" in check(at(2025, 7, 1, 8, 0), withdrawn=True)[0]


# --- deadline_passed -------------------------------------------------------------------------


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


def test_events_have_titles_and_references_in_all_languages():
    events = election_calendar(
        POLLING_2021, RURAL_2021, called_on=date(2021, 6, 25), ground=TERM_2021
    )
    events = contest_calendar(events, RURAL_2021, Extension(2, at(2021, 7, 9, 18, 0)))
    for e in events:
        for lang in LANGS:
            assert e.title(lang) and e.reference(lang)
            assert e.basis_key is None or e.basis(lang)
    assert event(events, E.SILENCE).title("kk") == "Үнсіздік күні"
    assert event(events, E.CALL).reference("en").endswith("art. 113-1")


@given(
    st.dates(date(2021, 6, 1), date(2030, 12, 31)),
    st.sampled_from(["rural-akim-2021", "rural-akim-2023", "district-akim-2023"]),
    st.integers(0, 5),
)
def test_the_calendar_is_always_in_order(polling_day: date, code: str, extra: int):
    law = law_version(code)
    events = election_calendar(polling_day, law)
    days = min(extra, law.integer("nomination_extension_max_days"))
    if days:
        nomination = event(events, E.NOMINATION).deadline
        assert isinstance(nomination, datetime)
        events = contest_calendar(events, law, Extension(days, nomination))
    found = {e.code: e for e in events}

    def instant(value: object) -> datetime:
        if isinstance(value, datetime):
            return value
        assert isinstance(value, date)
        return datetime.combine(value, datetime.min.time(), tzinfo=ALMATY)

    _, nomination = nomination_window(events)
    registration = instant(found[E.REGISTRATION].deadline)
    campaign = found[E.CAMPAIGN]
    polls = found[E.POLLING]
    assert nomination < registration
    assert campaign.start == found[E.REGISTRATION].deadline
    assert instant(campaign.start) < instant(campaign.deadline) <= instant(polls.start)
    assert found[E.SILENCE].deadline == polling_day - timedelta(days=1)
    assert instant(polls.start) < instant(polls.deadline)
    assert found[E.RESULTS].deadline > polling_day
    assert found[E.WINNER_REGISTRATION].deadline >= found[E.RESULTS].deadline
