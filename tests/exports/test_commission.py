"""Importing results as commissions publish them: station protocols and okrug results in CSV
or Excel with Kazakh, Russian or English headers, title and total rows, mappings for other
headers; every bad row reported with its row, column and rule, nothing written unless all
pass (or --partial); protocols pass the same control relations, warnings, double entry and
audit as entered ones."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from saylau.administration import protocols
from saylau.datasets.reader import DatasetError
from saylau.exports import collect
from saylau.exports.commission import import_okrug_results, import_protocols, read_mapping
from saylau.security.actor import Actor, Role
from saylau.store.schema import (
    AuditRow,
    ProtocolEntryRow,
    ProtocolRow,
    PublishedResultRow,
    PublishedVoteRow,
    SourceRow,
)
from web.demo import load_demo, protocol_payloads

ELECTION = "demo-2025"
ACTOR = Actor("tec-import", Role.ADMIN)
PROTOCOLS = {p["station"]: p for p in protocol_payloads()}

RU = [
    "Номер участка", "Избирателей, включённых в списки", "Получено бюллетеней",
    "Выдано бюллетеней избирателям", "Погашено бюллетеней", "Бюллетеней в ящиках",
    "Недействительных бюллетеней", "Против всех",
]  # fmt: skip
KK = [
    "Учаске №", "Тізімдегі сайлаушылар саны", "Алынған бюллетеньдер",
    "Сайлаушыларға берілген бюллетеньдер", "Жойылған бюллетеньдер", "Жәшіктердегі бюллетеньдер",
    "Жарамсыз бюллетеньдер", "Барлығына қарсы",
]  # fmt: skip
COUNTS = (
    "voters_on_list", "ballots_received", "ballots_issued", "ballots_cancelled",
    "ballots_in_boxes", "invalid", "against_all",
)  # fmt: skip
NAMES = {  # the candidates as registered (examples/demo-election/candidates.csv)
    "demo-c01": "Ахметов Ерлан Серікұлы",
    "demo-c02": "Жұмабаева Айгүл Қайратқызы",
    "demo-c03": "Сейітов Марат Болатұлы",
}


def station_row(station: str, **changes: object) -> list[object]:
    payload = {**PROTOCOLS[station], **changes}
    return [
        station.removeprefix("demo-ps-"),
        *(payload[k] for k in COUNTS),
        *(payload["votes"].get(c, "") for c in NAMES),
    ]


def write_csv(path: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), "utf-8-sig")  # with the BOM Excel writes
    return path


@pytest.fixture
def demo(service):
    """The demo election, set up and nominated, with no protocol yet."""
    load_demo(service, stations=())
    return service


def counts(service):
    with service.session() as session:
        return (
            session.scalar(select(func.count(ProtocolRow.id))),
            session.scalar(select(func.count(ProtocolEntryRow.id))),
            session.scalar(select(func.count(AuditRow.seq))),
        )


def test_a_russian_table_with_a_title_and_a_total_row(demo, tmp_path):
    path = write_csv(
        tmp_path / "uik.csv",
        [
            ["Протоколы участковых комиссий Жанаауыльского округа (синтетические)"],
            [*RU, *NAMES.values()],
            station_row("demo-ps-101"),
            station_row("demo-ps-102"),
            ["Итого", 2860, 2950, 2095, 855, 2093, 23, 53, 983, 810, 224],
        ],
        delimiter=";",
    )
    with demo.transaction() as session:
        result = import_protocols(session, ACTOR, path, ELECTION, lang="ru")
    assert [(r.line, r.unit, r.status) for r in result.written] == [
        (3, "demo-ps-101", "accepted"),
        (4, "demo-ps-102", "accepted"),
    ]
    assert result.skipped == [5]
    with demo.session() as session:
        versions = protocols.versions(session, ELECTION, "demo-ps-101")
        assert [v.ballots_in_boxes for v in versions] == [1188]
        entry = session.scalars(
            select(ProtocolEntryRow).where(ProtocolEntryRow.station == "demo-ps-101")
        ).one()
        assert entry.operator == "tec-import"
        log = session.scalars(select(AuditRow).where(AuditRow.action == "protocol.import")).one()
        assert json.loads(log.payload)["rows"][0]["station"] == "demo-ps-101"


def test_kazakh_headers_codes_and_a_mapping(demo, tmp_path):
    header = [*KK, "demo-c01", "Ж. Айгүл", "votes.demo-c03", "Ескерту"]
    path = write_csv(
        tmp_path / "uchaske.csv", [header, [*station_row("demo-ps-101"), "қолмен тексерілді"]]
    )
    with pytest.raises(DatasetError) as error:
        with demo.transaction() as session:
            import_protocols(session, ACTOR, path, ELECTION)
    assert {(p.column, p.rule) for p in error.value.problems} == {
        ("Ж. Айгүл", "D.161"),
        ("Ескерту", "D.161"),
    }
    mapping = read_mapping(None, ["Ж. Айгүл=votes.demo-c02", "Ескерту=ignore"])
    with demo.transaction() as session:
        result = import_protocols(session, ACTOR, path, ELECTION, mapping=mapping)
    assert [r.status for r in result.written] == ["accepted"]


def test_an_excel_workbook_with_a_mapping_file(demo, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "PEC results"
    sheet.append(
        [
            "station",
            "Voters",
            "Received",
            "Ballots issued",
            "Cancelled",
            "Ballots cast",
            "Invalid ballots",
            "Against all",
            "Akhmetov",
            "Zhumabayeva",
            "Seitov",
        ]
    )
    for station in ("demo-ps-101", "demo-ps-102"):
        row = station_row(station)
        row[0] = station
        sheet.append(row)
    book.save(tmp_path / "pec.xlsx")
    (tmp_path / "map.toml").write_text(
        '[columns]\nReceived = "ballots_received"\nCancelled = "ballots_cancelled"\n'
        'Akhmetov = "votes.demo-c01"\nZhumabayeva = "votes.demo-c02"\nSeitov = "votes.demo-c03"\n',
        "utf-8",
    )
    with demo.transaction() as session:
        result = import_protocols(
            session,
            ACTOR,
            tmp_path / "pec.xlsx",
            ELECTION,
            mapping=read_mapping(tmp_path / "map.toml", []),
        )
    assert [r.unit for r in result.written] == ["demo-ps-101", "demo-ps-102"]


def test_every_bad_row_is_named_and_nothing_is_written(demo, tmp_path):
    before = counts(demo)
    path = write_csv(
        tmp_path / "bad.csv",
        [
            [*RU, *NAMES.values()],
            station_row("demo-ps-101", ballots_cancelled=500),  # received 1700 != 1190 + 500
            station_row("demo-ps-102", invalid="9,5"),
            ["199", *station_row("demo-ps-101")[1:]],
            station_row("demo-ps-101"),
        ],
    )
    with pytest.raises(DatasetError) as error:
        with demo.transaction() as session:
            import_protocols(session, ACTOR, path, ELECTION, lang="kk")
    found = [(p.line, p.column, p.rule) for p in error.value.problems]
    assert found == [
        ("2", "Получено бюллетеней, Выдано бюллетеней избирателям, Погашено бюллетеней", "P.101"),
        ("3", "Недействительных бюллетеней", "I.004"),
        ("4", "Номер участка", "D.150"),
    ]
    # the messages are in the operator's language
    assert "бюллетеньдер" in error.value.problems[0].message("kk")
    assert counts(demo) == before  # not even the good fifth row


def test_partial_writes_the_rows_that_pass(demo, tmp_path):
    path = write_csv(
        tmp_path / "some.csv",
        [
            [*RU, *NAMES.values()],
            station_row("demo-ps-101", invalid=-3),
            station_row("demo-ps-102"),
        ],
    )
    with demo.transaction() as session:
        result = import_protocols(session, ACTOR, path, ELECTION, partial=True)
    assert [r.unit for r in result.written] == ["demo-ps-102"]
    assert [(p.line, p.rule) for p in result.problems] == [("2", "I.005")]
    assert counts(demo)[0] == 1


def test_warnings_hold_an_imported_protocol_as_an_entered_one(demo, tmp_path):
    # 120 invalid ballots of 1,188 (10%): the P.201 warning holds it for a supervisor
    row = station_row("demo-ps-101", invalid=120)
    row[-3] = 602 - 106  # keep valid + invalid = ballots in the boxes
    path = write_csv(tmp_path / "held.csv", [[*RU, *NAMES.values()], row])
    with demo.transaction() as session:
        [result] = import_protocols(session, ACTOR, path, ELECTION).written
    assert (result.status, result.warnings) == ("held", ("P.201",))
    assert counts(demo)[0] == 0  # held: it does not count yet


def test_double_entry_counts_an_import_as_one_entry(service, tmp_path):
    load_demo(service, stations=(), double_entry=True)
    path = write_csv(tmp_path / "one.csv", [[*RU, *NAMES.values()], station_row("demo-ps-101")])
    with service.transaction() as session:
        [first] = import_protocols(session, ACTOR, path, ELECTION).written
    assert first.status == "awaiting_second"
    with service.transaction() as session:
        second = protocols.submit(
            session, Actor("op-2", Role.ADMIN), protocols.parse(PROTOCOLS["demo-ps-101"])
        )
    assert second.status == "accepted"


# --- okrug results ------------------------------------------------------------------------------


def okrug_table(path: Path, *, c01: int = 983, winner: str = "Ахметов Ерлан Серікұлы") -> Path:
    return write_csv(
        path,
        [
            ["Итоги выборов акимов (синтетические данные)"],
            [
                "Сельский округ",
                "Избирателей, включённых в списки",
                "Выдано бюллетеней избирателям",
                "Бюллетеней в ящиках",
                "Недействительных бюллетеней",
                "Против всех",
                *NAMES.values(),
                "Избран",
                "Всего участков",
                "Участков обработано",
            ],
            [
                "Жанаауыльский сельский округ (синтетический)",
                2860,
                2095,
                2093,
                23,
                53,
                c01,
                810,
                224,
                winner,
                2,
                2,
            ],
        ],
    )


def test_okrug_results_are_stored_as_published_and_compared(service, tmp_path):
    load_demo(service)  # the protocols of every station are in
    path = okrug_table(tmp_path / "okrugs.csv", c01=983)
    with service.transaction() as session:
        result = import_okrug_results(
            session, ACTOR, path, ELECTION, lang="en", source_title="TEC decision No. 7 (synthetic)"
        )
    assert [(r.unit, r.status) for r in result.written] == [("demo-zhanaauyl", "stored")]
    assert result.differences == []  # the published table agrees with the protocols
    with service.session() as session:
        row = session.scalars(select(PublishedResultRow)).one()
        assert (row.level, row.unit, row.winner, row.ballots_in_boxes) == (
            "okrug",
            "demo-zhanaauyl",
            "demo-c01",
            2093,
        )
        assert row.ballots_received is None  # not published: not made up
        assert row.count_status == "completed" and row.location == "okrugs.csv:3"
        assert session.get(SourceRow, row.source).title == "TEC decision No. 7 (synthetic)"
        votes = {v.candidate: v.votes for v in session.scalars(select(PublishedVoteRow))}
        assert votes == {"demo-c01": 983, "demo-c02": 810, "demo-c03": 224}
        data = collect(session, ELECTION)
    [published] = data.rows("published_results")
    assert published["winner"] == "demo-c01"  # exported with the election


def test_a_published_okrug_result_that_differs_from_the_protocols(service, tmp_path):
    load_demo(service)
    # 1,000 for demo-c01 would break valid + invalid = ballots in the boxes (P.103) ...
    with pytest.raises(DatasetError) as error:
        with service.transaction() as session:
            import_okrug_results(
                session, ACTOR, okrug_table(tmp_path / "a.csv", c01=1000), ELECTION
            )
    assert [(p.line, p.rule) for p in error.value.problems] == [("3", "P.103")]
    # ... a consistent table that is not the protocols' sum is stored, and the difference said
    path = write_csv(
        tmp_path / "b.csv",
        [
            ["okrug", "ballots_in_boxes", "invalid", "against_all", *NAMES],
            ["demo-zhanaauyl", 2093, 23, 53, 973, 820, 224],
        ],
    )
    with service.transaction() as session:
        result = import_okrug_results(session, ACTOR, path, ELECTION)
    assert result.differences == [
        "okrug demo-zhanaauyl: votes.demo-c01 is 973 as published, 983 in the protocols",
        "okrug demo-zhanaauyl: votes.demo-c02 is 820 as published, 810 in the protocols",
    ]


def test_okrug_results_with_a_candidate_not_on_the_ballot(service, tmp_path):
    load_demo(service, stations=())
    before = counts(service)
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["okrug", "demo-c01", "demo-c02", "demo-c04"],
            ["demo-zhanaauyl", 1, 2, 3],
            ["Nowhere", 1, 1, 1],
        ],
    )
    with pytest.raises(DatasetError) as error:
        with service.transaction() as session:
            import_okrug_results(session, ACTOR, path, ELECTION)
    assert [(p.line, p.column, p.rule) for p in error.value.problems] == [
        ("2", "demo-c04", "D.164"),
        ("2", "votes.demo-c03", "D.165"),  # no such column: the field is named
        ("3", "okrug", "D.163"),
    ]
    assert counts(service) == before
    with service.session() as session:
        assert (
            session.scalar(
                select(func.count(SourceRow.code)).where(SourceRow.code.like("published-%"))
            )
            == 0
        )


def test_a_mapping_to_an_unknown_field(demo, tmp_path):
    path = write_csv(tmp_path / "x.csv", [[*RU, *NAMES.values()], station_row("demo-ps-101")])
    with pytest.raises(DatasetError) as error:
        with demo.transaction() as session:
            import_protocols(
                session, ACTOR, path, ELECTION, mapping=read_mapping(None, ["Номер участка=number"])
            )
    [problem] = error.value.problems
    assert (problem.column, problem.rule) == ("number", "D.159")
    with pytest.raises(DatasetError):
        read_mapping(None, ["no equals sign"])


HOME_RU = [
    "Бюллетеней выдано в помещении для голосования",
    "Бюллетеней выдано вне помещения для голосования (на дому)",
    "Бюллетеней в стационарных ящиках",
    "Бюллетеней в переносных ящиках",
]


def test_station_protocols_with_the_home_voting_split(demo, tmp_path):
    # station 101: 1,190 ballots issued, 1,188 in the boxes; 40 issued at home, 38 found
    good = [*station_row("demo-ps-101"), 1150, 40, 1150, 38]
    # station 102: 905 issued and found; 800 + 10 issued, 900 in the stationary boxes
    bad = [*station_row("demo-ps-102"), 800, 10, 900, 5]
    path = write_csv(tmp_path / "home.csv", [[*RU, *NAMES.values(), *HOME_RU], good, bad])
    before = counts(demo)
    with pytest.raises(DatasetError) as error:
        with demo.transaction() as session:
            import_protocols(session, ACTOR, path, ELECTION, lang="ru")
    found = {(p.line, p.rule) for p in error.value.problems}
    assert found == {("3", "P.111"), ("3", "P.113")}
    assert counts(demo) == before  # nothing written
    with demo.transaction() as session:
        result = import_protocols(session, ACTOR, path, ELECTION, partial=True)
    assert [(r.unit, r.status) for r in result.written] == [("demo-ps-101", "accepted")]
    with demo.session() as session:
        [stored] = protocols.versions(session, ELECTION, "demo-ps-101")
        assert (
            stored.ballots_issued_in_station,
            stored.ballots_issued_outside,
            stored.ballots_in_stationary_boxes,
            stored.ballots_in_portable_boxes,
        ) == (1150, 40, 1150, 38)


def test_okrug_results_with_the_home_voting_split(service, tmp_path):
    load_demo(service)
    header = ["okrug", "ballots_issued", "ballots_in_boxes", *HOME_RU, *NAMES]
    path = write_csv(
        tmp_path / "okrug-home.csv",
        [header, ["demo-zhanaauyl", 2095, 2093, 2000, 95, 2000, 96, 983, 810, 224]],
    )
    with pytest.raises(DatasetError) as error:
        with service.transaction() as session:
            import_okrug_results(session, ACTOR, path, ELECTION)
    # 96 ballots in the portable boxes, 95 issued outside; 2,000 + 96 found, 2,093 in the boxes
    assert {p.rule for p in error.value.problems} == {"P.112", "P.113"}
    path = write_csv(
        tmp_path / "okrug-home-2.csv",
        [header, ["demo-zhanaauyl", 2095, 2093, 2000, 95, 2000, 93, 983, 810, 224]],
    )
    with service.transaction() as session:
        import_okrug_results(session, ACTOR, path, ELECTION)
    with service.session() as session:
        row = session.scalars(select(PublishedResultRow)).one()
        assert (row.ballots_issued_outside, row.ballots_in_portable_boxes) == (95, 93)
        [published] = collect(session, ELECTION).rows("published_results")
    assert published["ballots_in_portable_boxes"] == 93  # exported with the election
