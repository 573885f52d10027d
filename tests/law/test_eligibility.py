"""Eligibility of a nominee for akim: every unmet requirement is named with its rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from saylau.i18n import LANGS
from saylau.law.catalogue import Confidence, LawError, LawVersion, Severity, law_version
from saylau.law.eligibility import (
    NominationFacts,
    age_on,
    check_nomination,
    required_signatures,
)

ALMATY = ZoneInfo("Asia/Almaty")
RURAL_2021 = law_version("rural-akim-2021")
DISTRICT_2023 = law_version("district-akim-2023")
POLLING = date(2021, 7, 25)

SELF_NOMINEE = NominationFacts(
    candidate="Aigerim Sarsenova",
    party=None,
    citizen=True,
    birth_date=date(1980, 3, 1),
    unexpunged_criminal_record=False,
    corruption_offence=False,
    legally_incapable=False,
    civil_service_qualification_met=True,
    signatures=30,
    voters_in_okrug=2500,
    deposit_paid=True,
    nominated_at=datetime(2021, 7, 1, 10, 0, tzinfo=ALMATY),
)
PARTY_NOMINEE = replace(SELF_NOMINEE, party="amanat", party_member=True, signatures=0)


def codes(
    facts: NominationFacts, law: LawVersion = RURAL_2021, polling_day: date = POLLING
) -> list[str]:
    return [f.code for f in check_nomination(facts, law, polling_day)]


def test_an_eligible_self_nominee_has_no_findings():
    assert codes(SELF_NOMINEE) == []


def test_an_eligible_party_nominee_needs_no_signatures_by_default():
    assert codes(PARTY_NOMINEE) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"citizen": False}, "E.001"),
        ({"birth_date": date(1996, 7, 26)}, "E.002"),
        ({"unexpunged_criminal_record": True}, "E.003"),
        ({"corruption_offence": True}, "E.004"),
        ({"legally_incapable": True}, "E.005"),
        ({"civil_service_qualification_met": False}, "E.006"),
        ({"signatures": 24}, "E.007"),
        ({"deposit_paid": False}, "E.009"),
        ({"nominated_at": datetime(2021, 7, 9, 18, 0, tzinfo=ALMATY)}, "K.002"),
    ],
)
def test_each_unmet_requirement_is_named_alone(change: dict[str, object], code: str):
    findings = check_nomination(replace(SELF_NOMINEE, **change), RURAL_2021, POLLING)  # type: ignore[arg-type]
    assert [f.code for f in findings] == [code]
    assert findings[0].severity is Severity.ERROR
    assert findings[0].params["candidate"] == "Aigerim Sarsenova"


def test_every_unmet_requirement_is_named_at_once():
    hopeless = replace(
        SELF_NOMINEE,
        citizen=False,
        birth_date=date(2000, 1, 1),
        unexpunged_criminal_record=True,
        corruption_offence=True,
        legally_incapable=True,
        civil_service_qualification_met=False,
        signatures=0,
        deposit_paid=False,
        nominated_at=datetime(2021, 7, 20, 9, 0, tzinfo=ALMATY),
    )
    assert codes(hopeless) == [
        "E.001",
        "E.002",
        "E.003",
        "E.004",
        "E.005",
        "E.006",
        "E.007",
        "E.009",
        "K.002",
    ]


def test_a_party_nominee_must_be_a_member_of_the_nominating_party():
    assert codes(replace(PARTY_NOMINEE, party_member=False)) == ["E.010"]
    assert codes(replace(PARTY_NOMINEE, party_member=None)) == ["E.010"]


def test_party_nominee_signatures_when_the_version_requires_them():
    law = RURAL_2021.with_settings(party_nominee_signatures_required=True)
    findings = check_nomination(PARTY_NOMINEE, law, POLLING)
    assert [f.code for f in findings] == ["E.008"]
    assert findings[0].confidence is Confidence.UNCONFIRMED
    assert codes(replace(PARTY_NOMINEE, signatures=25), law) == []


def test_signatures_are_at_least_one_percent_rounded_up():
    assert required_signatures(1234, Fraction(1, 100)) == 13
    assert required_signatures(1200, Fraction(1, 100)) == 12
    assert required_signatures(0, Fraction(1, 100)) == 0
    short = replace(SELF_NOMINEE, voters_in_okrug=1234, signatures=12)
    (finding,) = check_nomination(short, RURAL_2021, POLLING)
    assert finding.code == "E.007"
    assert (finding.params["required"], finding.params["signatures"]) == (13, 12)
    assert codes(replace(short, signatures=13)) == []


def test_the_minimum_age_of_25_is_reckoned_on_polling_day():
    assert codes(replace(SELF_NOMINEE, birth_date=date(1996, 7, 25))) == []
    (finding,) = check_nomination(
        replace(SELF_NOMINEE, birth_date=date(1996, 7, 26)), RURAL_2021, POLLING
    )
    assert (finding.params["age"], finding.params["min_age"]) == (24, 25)
    assert finding.confidence is Confidence.UNCONFIRMED  # the reckoning day is unconfirmed


def test_the_day_of_reckoning_is_a_setting():
    law = RURAL_2021.with_settings(age_reference_day="nomination_day")
    turning_25_in_july = replace(SELF_NOMINEE, birth_date=date(1996, 7, 20))
    assert codes(turning_25_in_july, law) == ["E.002"]  # 24 on 1 July
    assert codes(turning_25_in_july) == []


def test_age_on_counts_full_years():
    assert age_on(date(2000, 2, 29), date(2025, 2, 28)) == 24
    assert age_on(date(2000, 2, 29), date(2025, 3, 1)) == 25
    assert age_on(date(1996, 7, 25), date(2021, 7, 25)) == 25


def test_residence_is_not_required_unless_the_version_says_so():
    assert codes(replace(SELF_NOMINEE, resident_in_okrug=False)) == []
    law = RURAL_2021.with_settings(residency_required=True)
    assert codes(replace(SELF_NOMINEE, resident_in_okrug=False), law) == ["E.011"]
    assert codes(replace(SELF_NOMINEE, resident_in_okrug=None), law) == ["E.011"]
    assert codes(replace(SELF_NOMINEE, resident_in_okrug=True), law) == []


def test_no_deposit_needed_when_the_version_sets_none():
    assert (
        codes(replace(SELF_NOMINEE, deposit_paid=False), RURAL_2021.with_settings(deposit_mzp=0))
        == []
    )


def test_district_akim_2023_deadline_is_30_days_before():
    facts = replace(SELF_NOMINEE, nominated_at=datetime(2023, 10, 6, 17, 0, tzinfo=ALMATY))
    assert codes(facts, DISTRICT_2023, date(2023, 11, 5)) == []
    late = replace(facts, nominated_at=datetime(2023, 10, 7, 9, 0, tzinfo=ALMATY))
    assert codes(late, DISTRICT_2023, date(2023, 11, 5)) == ["K.002"]


def test_a_late_nomination_finding_is_confirmed_for_2021():
    late = replace(SELF_NOMINEE, nominated_at=datetime(2021, 7, 10, 9, 0, tzinfo=ALMATY))
    (finding,) = check_nomination(late, RURAL_2021, POLLING)
    assert finding.confidence is Confidence.CONFIRMED
    assert finding.params["deadline"] == datetime(2021, 7, 9, 18, 0, tzinfo=ALMATY)


def test_facts_must_be_well_formed():
    with pytest.raises(LawError) as naive:
        check_nomination(
            replace(SELF_NOMINEE, nominated_at=datetime(2021, 7, 1, 10, 0)), RURAL_2021, POLLING
        )
    assert naive.value.code == "L.006"
    with pytest.raises(LawError) as negative:
        check_nomination(replace(SELF_NOMINEE, signatures=-1), RURAL_2021, POLLING)
    assert negative.value.code == "L.005"


def test_a_party_list_version_has_no_eligibility_rules():
    assert check_nomination(SELF_NOMINEE, law_version("majilis-list-2023"), POLLING) == []


def test_every_finding_has_messages_and_a_reference_in_all_three_languages():
    findings = [
        *check_nomination(
            replace(
                SELF_NOMINEE,
                citizen=False,
                birth_date=date(2000, 1, 1),
                unexpunged_criminal_record=True,
                corruption_offence=True,
                legally_incapable=True,
                civil_service_qualification_met=False,
                signatures=0,
                deposit_paid=False,
                nominated_at=datetime(2021, 7, 20, 9, 0, tzinfo=ALMATY),
            ),
            RURAL_2021.with_settings(residency_required=True),
            POLLING,
        ),
        *check_nomination(
            replace(PARTY_NOMINEE, party_member=False),
            RURAL_2021.with_settings(party_nominee_signatures_required=True),
            POLLING,
        ),
    ]
    assert {f.code for f in findings} == {f"E.0{n:02}" for n in range(1, 12)} | {"K.002"}
    for finding in findings:
        for lang in LANGS:
            for audience in ("operator", "supervisor"):
                text = finding.message(lang, audience)
                assert text and "{" not in text, (finding.code, lang, audience)
            assert "article unconfirmed" in finding.reference("en")


# --- the nomination period, the extension, the higher akim -----------------------------------


def test_a_nomination_before_the_day_after_the_call_is_refused():
    called = date(2021, 6, 25)
    early = replace(SELF_NOMINEE, nominated_at=datetime(2021, 6, 25, 17, 0, tzinfo=ALMATY))
    found = check_nomination(early, RURAL_2021, POLLING, called_on=called)
    assert [f.code for f in found] == ["K.002"]
    assert "26 Jun 2021" in found[0].message("en")
    on_time = replace(SELF_NOMINEE, nominated_at=datetime(2021, 6, 26, 9, 0, tzinfo=ALMATY))
    assert check_nomination(on_time, RURAL_2021, POLLING, called_on=called) == []
    # Without the day of the call only the close is known.
    assert codes(early) == []


def test_an_extension_recorded_for_the_okrug_lets_a_later_nomination_in():
    from saylau.law.calendar import Extension

    late = replace(SELF_NOMINEE, nominated_at=datetime(2021, 7, 12, 10, 0, tzinfo=ALMATY))
    assert codes(late) == ["K.002"]
    extension = Extension(5, datetime(2021, 7, 9, 18, 0, tzinfo=ALMATY))
    assert check_nomination(late, RURAL_2021, POLLING, extension=extension) == []
    too_late = replace(late, nominated_at=datetime(2021, 7, 14, 18, 0, tzinfo=ALMATY))
    found = check_nomination(too_late, RURAL_2021, POLLING, extension=extension)
    assert [f.code for f in found] == ["K.002"]
    assert "extension recorded for the okrug" in found[0].message("en")
    assert "продления" in found[0].message("ru")


def test_the_higher_akim_nominates_at_most_two_without_signatures():
    nominee = replace(
        SELF_NOMINEE,
        nominated_by="higher_akim",
        signatures=0,
        nominated_at=datetime(2023, 10, 1, 10, 0, tzinfo=ALMATY),
        higher_akim_nominees=1,
    )
    assert nominee.by_higher_akim and not nominee.self_nominated
    assert codes(nominee, DISTRICT_2023, date(2023, 11, 5)) == []  # no signatures needed
    third = replace(nominee, higher_akim_nominees=2)
    found = check_nomination(third, DISTRICT_2023, date(2023, 11, 5))
    assert [f.code for f in found] == ["E.013"]
    assert found[0].confidence is Confidence.CONFIRMED  # the CEC: one or two candidates
    assert "at most 2" in found[0].message("en")


def test_where_the_version_provides_no_higher_akim_nomination_it_is_refused():
    law = RURAL_2021.with_settings(higher_akim_nomination=False)
    nominee = replace(SELF_NOMINEE, nominated_by="higher_akim", signatures=0)
    found = check_nomination(nominee, law, POLLING)
    assert [f.code for f in found] == ["E.012"]
    for lang in LANGS:
        assert found[0].message(lang) and found[0].message(lang, "supervisor")


def test_an_unknown_way_of_nomination_is_an_error():
    with pytest.raises(LawError) as raised:
        check_nomination(replace(SELF_NOMINEE, nominated_by="maslikhat"), RURAL_2021, POLLING)
    assert raised.value.code == "L.020"
