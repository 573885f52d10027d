"""NIST SP 1500-100 v2 (CDF) exports: every export validates against the official JSON Schema;
reporting units, parties, candidates, contests, against all, counts and certification are
where the mapping says; imports read it back and a round trip loses nothing the format holds;
bad files are refused with their JSON pointers, writing nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator
from sqlalchemy import func, select

from saylau.datasets.reader import DatasetError
from saylau.exports import cdf, collect, export_election, import_election, read_export
from saylau.exports.context import ExportContext
from saylau.exports.model import OpenElection, comparable, normalise
from saylau.exports.omissions import omissions
from saylau.exports.spec import BY_NAME
from saylau.security.actor import Actor, Role
from saylau.store.schema import AuditRow, CertificationRow, ElectionRow

from .conftest import ALL, BUNDLED, empty, output

SHARED = Path("/work/shared/specs/NIST_V2_election_results_reporting.json")
ACTOR = Actor("importer", Role.ADMIN)


def document(service, code):
    with service.session() as session:
        return cdf.to_cdf(collect(session, code))


def official_validator() -> Draft4Validator:
    schema = cdf.schema()
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def test_the_shipped_schema_is_nists_unchanged():
    shipped = json.loads(
        (Path(cdf.__file__).parent / "schemas" / cdf.SCHEMA_FILE).read_text("utf-8")
    )
    assert shipped["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert shipped["$ref"] == "#/definitions/ElectionResults.ElectionReport"
    assert (Path(cdf.__file__).parent / "schemas" / "NIST_LICENSE.md").exists()
    if SHARED.exists():  # the copy the project was given
        assert shipped == json.loads(SHARED.read_text("utf-8"))


@pytest.mark.parametrize("code", ALL)
def test_every_export_validates_against_the_official_schema(source, code):
    report = document(source, code)
    errors = list(official_validator().iter_errors(report))
    assert errors == []
    assert cdf.validate(report) == []  # and every reference points at an object of its kind


def units(report):
    return {u["@id"]: u for u in report["GpUnit"]}


def ident(obj, other_type):
    return next(
        (i["Value"] for i in obj.get("ExternalIdentifier", []) if i.get("OtherType") == other_type),
        None,
    )


def texts(value):
    return {t["Language"]: t["Content"] for t in value["Text"]}


def test_demo_reporting_units_codes_and_counts(source):
    report = document(source, "demo-2025")
    by_id = units(report)
    republic = by_id["gpu-KZ"]
    assert republic["Type"] == "country"
    assert texts(republic["Name"]) == {
        "kk": "Қазақстан Республикасы",
        "ru": "Республика Казахстан",
        "en": "Republic of Kazakhstan",
    }
    region = by_id["gpu-KZ-11"]
    assert (region["Type"], region["OtherType"]) == ("other", "oblast")
    assert ident(region, "ISO 3166-2") == "KZ-11"
    kato = [i for i in region["ExternalIdentifier"] if i["Type"] == "national-level"]
    assert kato == [
        {
            "@type": "ElectionResults.ExternalIdentifier",
            "Type": "national-level",
            "Label": "KATO",
            "Value": "110000000",
        }
    ]
    assert region["ComposingGpUnitIds"] == ["gpu-demo-district"]
    station = by_id["gpu-demo-ps-101"]
    assert (station["Type"], station["Number"]) == ("precinct", "101")
    # the protocol of station 101 (examples/demo-election/protocols.json)
    assert (station["VotersRegistered"], station["VotersParticipated"]) == (1650, 1190)
    assert by_id["gpu-demo-kokterek"]["Type"] == "village"  # okrug kind village
    assert by_id["gpu-demo-zhanaauyl"]["OtherType"] == "rural-okrug"
    assert by_id["gpu-demo-zhanaauyl"]["TotalSubUnits"] == 2
    ballots = {b["GpUnitId"]: b for b in report["Election"][0]["BallotCounts"]}
    assert (
        ballots["gpu-demo-ps-101"]["BallotsCast"],
        ballots["gpu-demo-ps-101"]["BallotsRejected"],
    ) == (1188, 14)
    assert report["Format"] == "precinct-level"
    assert report["IsTest"] is True  # synthetic
    assert report["Status"] == "certified"


def test_demo_contests_candidates_against_all_and_certification(source):
    report = document(source, "demo-2025")
    election = report["Election"][0]
    contests = {c["@id"]: c for c in election["Contest"]}
    contest = contests["con-demo-zhanaauyl"]
    assert contest["@type"] == "ElectionResults.CandidateContest"
    assert (contest["VotesAllowed"], contest["NumberElected"]) == (1, 1)
    assert texts(contest["BallotTitle"])["en"] == "Akim of Zhanaauyl rural okrug (synthetic)"
    selections = contest["ContestSelection"]
    counts = {
        s["CandidateIds"][0]: {v["GpUnitId"]: v["Count"] for v in s["VoteCounts"]}
        for s in selections
    }
    # 602 + 381 for demo-c01 at stations 101 and 102; 31 + 22 against all
    assert counts["can-demo-c01"] == {
        "gpu-demo-zhanaauyl": 983,
        "gpu-demo-ps-101": 602,
        "gpu-demo-ps-102": 381,
    }
    assert counts["can-against-all"] == {
        "gpu-demo-zhanaauyl": 53,
        "gpu-demo-ps-101": 31,
        "gpu-demo-ps-102": 22,
    }
    candidates = {c["@id"]: c for c in election["Candidate"]}
    assert texts(candidates["can-against-all"]["BallotName"]) == {
        "kk": "Барлығына қарсымын",
        "ru": "Против всех",
        "en": "Against all",
    }
    assert ident(candidates["can-against-all"], "saylau-ballot-line") == "against-all"
    assert candidates["can-demo-c01"]["PostElectionStatus"] == "winner"
    assert candidates["can-demo-c02"]["PostElectionStatus"] == "defeated"
    assert candidates["can-demo-c01"]["PartyId"] == "par-amanat"
    assert candidates["can-demo-c07"]["PreElectionStatus"] == "filed"  # refused: under 25
    assert "PostElectionStatus" not in candidates["can-demo-c07"]
    parties = {p["@id"]: p for p in report["Party"]}
    assert texts(parties["par-amanat"]["Abbreviation"]) == {
        "kk": "AMANAT",
        "ru": "AMANAT",
        "en": "AMANAT",
    }
    with source.session() as session:
        cert = session.scalars(
            select(CertificationRow).where(CertificationRow.contest == "demo-2025:demo-zhanaauyl")
        ).one()
        head = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).one()
    assert ident(contest, "saylau-certified-sha256") == cert.sha256
    assert ident(contest, "saylau-outcome") == "elected"
    assert ident(report, "saylau-audit-head") == head.hash
    assert f"#{head.seq}" in report["Notes"]


def test_every_rule_outcomes_and_the_corrected_protocol(source):
    report = document(source, "every-rule-2025")
    election = report["Election"][0]
    contests = {c["@id"]: c for c in election["Contest"]}
    assert ident(contests["con-er-single-below"], "saylau-outcome") == "repeat_election"
    candidates = {c["@id"]: c for c in election["Candidate"]}
    assert candidates["can-er-c09"]["PostElectionStatus"] == "defeated"
    # the tie decided by the recorded draw: er-c02 elected
    assert candidates["can-er-c02"]["PostElectionStatus"] == "winner"
    assert candidates["can-er-c01"]["PostElectionStatus"] == "defeated"
    # station 303 counts as its version 2 (protocol-correction.json)
    correction = json.loads(Path("examples/every-rule/protocol-correction.json").read_text("utf-8"))
    station = units(report)["gpu-er-ps-303"]
    assert station["VotersParticipated"] == correction["ballots_issued"]
    against = next(
        s for s in contests["con-er-against-all"]["ContestSelection"]
        if s["CandidateIds"] == ["can-against-all"]
    )  # fmt: skip
    assert against["VoteCounts"][0] == {
        "@type": "ElectionResults.VoteCounts",
        "GpUnitId": "gpu-er-against-all",
        "Type": "total",
        "Count": 400,
    }


def test_every_rule_withdrawals_and_home_voting(source):
    report = document(source, "every-rule-2025")
    election = report["Election"][0]
    candidates = {c["@id"]: c for c in election["Candidate"]}
    c17, c18 = candidates["can-er-c17"], candidates["can-er-c18"]
    assert (c17["PreElectionStatus"], c17["PostElectionStatus"]) == ("withdrawn", "withdrawn")
    assert ident(c17, "saylau-withdrawn-at") == "2025-06-26T04:00:00Z"  # 09:00 in Almaty
    assert ident(c18, "saylau-withdrawal-document") == "Written application of 15 Jul (synthetic)"
    contest = {c["@id"]: c for c in election["Contest"]}["con-er-withdrawal"]
    lines = [s["CandidateIds"][0] for s in contest["ContestSelection"]]
    # er-c18 withdrew after the ballots were printed: still a line of the ballot; er-c17 not
    assert "can-er-c18" in lines and "can-er-c17" not in lines
    boxes = {
        (b["GpUnitId"], b["OtherType"]): b["BallotsCast"]
        for b in election["BallotCounts"]
        if b["Type"] == "other"
    }
    # station 801 gives the split (protocols.json), and so its okrug; the district, region and
    # republic, whose other stations give none, would show partial sums: not written
    assert boxes == {
        ("gpu-er-ps-801", "stationary-boxes"): 800,
        ("gpu-er-ps-801", "portable-boxes"): 58,
        ("gpu-er-withdrawal", "stationary-boxes"): 800,
        ("gpu-er-withdrawal", "portable-boxes"): 58,
    }
    with source.session() as session:
        data = collect(session, "every-rule-2025")
    left = {o.key: o.count for o in omissions(data, "cdf")}
    assert (left["cdf.home_voting_issued"], left["cdf.extensions"], left["cdf.call"]) == (1, 1, 1)
    assert left["cdf.finance"] == 6  # an allocation, the allowance, four spendings
    assert left["cdf.nominated_at"] == len(data.rows("candidates"))
    back = cdf.from_cdf(report, source="cdf-test", name="er.json")
    assert back.rows("withdrawals") == data.rows("withdrawals")
    registration = {c["code"]: c["registration"] for c in back.rows("candidates")}
    assert registration["er-c17"] == registration["er-c18"] == "withdrawn"
    published = {(r["level"], r["unit"]): r for r in back.rows("published_results")}
    station = published[("station", "er-ps-801")]
    assert (
        station["ballots_in_stationary_boxes"],
        station["ballots_in_portable_boxes"],
        station["ballots_issued_outside"],
    ) == (800, 58, None)
    [outcome] = [o for o in back.rows("outcomes") if o["okrug"] == "er-withdrawal"]
    assert outcome["withdrawn"] == ["er-c18"]


def test_a_nomination_by_the_higher_akim(source):
    with source.session() as session:
        data = collect(session, "every-rule-2025")
    for row in data.rows("candidates"):
        if row["code"] == "er-c02":  # self-nominated in candidates.csv
            row["nomination"] = "higher_akim"
    report = cdf.to_cdf(data)
    candidates = report["Election"][0]["Candidate"]
    c02 = next(c for c in candidates if c["@id"] == "can-er-c02")
    assert ident(c02, "saylau-nominated-by") == "higher_akim" and "PartyId" not in c02
    back = cdf.from_cdf(report, source="cdf-test", name="er.json")
    assert {c["code"]: c["nomination"] for c in back.rows("candidates")}["er-c02"] == "higher_akim"
    index, c01 = next((i, c) for i, c in enumerate(candidates) if c["@id"] == "can-er-c01")
    c01["ExternalIdentifier"].append(cdf.ext("saylau-nominated-by", "higher_akim"))  # AMANAT's
    assert problems_of(report) == [(f"/Election/0/Candidate/{index}/ExternalIdentifier", "D.144")]


def test_a_withdrawal_without_its_time(source):
    report = document(source, "every-rule-2025")
    candidates = report["Election"][0]["Candidate"]
    index, c17 = next((i, c) for i, c in enumerate(candidates) if c["@id"] == "can-er-c17")
    c17["ExternalIdentifier"] = [
        i for i in c17["ExternalIdentifier"] if i["OtherType"] != "saylau-withdrawn-at"
    ]
    assert problems_of(report) == [(f"/Election/0/Candidate/{index}/ExternalIdentifier", "D.148")]


def test_the_2021_figures_are_seats_by_party_and_region(source):
    report = document(source, BUNDLED)
    assert report["Format"] == "summary-contest"
    assert report["IsTest"] is False
    [contest] = report["Election"][0]["Contest"]
    assert contest["@type"] == "ElectionResults.PartyContest"
    seats = {
        (s["PartyIds"][0], v["GpUnitId"]): v["Count"]
        for s in contest["ContestSelection"]
        for v in s["VoteCounts"]
    }
    assert all(v["Type"] == "seats" for s in contest["ContestSelection"] for v in s["VoteCounts"])
    with source.session() as session:
        data = collect(session, BUNDLED)
    winners = [
        f for f in data.rows("figures") if f["measure"] == "winners" and f["level"] == "region"
    ]
    assert len(seats) == len(winners) == 98
    for f in winners:
        party = f"par-{f['party']}" if f["party"] else "par-_self-nominated"
        assert seats[(party, f"gpu-{f['unit']}")] == f["value"]
    # Turkistan: 166 akims elected for 60 okrugs is published as is (saylau check flags it)
    assert sum(v for (p, u), v in seats.items() if u == "gpu-KZ-61") == 166
    self_party = next(p for p in report["Party"] if p["@id"] == "par-_self-nominated")
    assert self_party["IsRecognizedParty"] is False


def test_what_the_format_cannot_hold_is_listed(source):
    with source.session() as session:
        demo = collect(session, "demo-2025")
        bundled = collect(session, BUNDLED)
    left = {o.key: o.count for o in omissions(demo, "cdf")}
    assert left["cdf.ballot_paper"] == 5  # received and cancelled of five protocols
    assert left["cdf.roll"] == 5
    assert left["cdf.refusals"] == 1  # demo-c07
    assert left["nomination_facts"] == 7
    figures = {o.key: (o.count, o.detail) for o in omissions(bundled, "cdf")}
    # every figure of the bundled files, Table 1 (the registry of parties) included
    bundled_csv = Path("src/saylau/datasets/kz-2021-rural-akim/figures.csv")
    assert len(bundled.rows("figures")) == len(bundled_csv.read_text("utf-8").splitlines()) - 1
    assert figures["cdf.figures"][0] == len(bundled.rows("figures")) - 98
    assert "party_members" in figures["cdf.figures"][1]
    assert "voters" in figures["cdf.figures"][1]
    # the CSV holds all of them, so it lists only what no format carries
    assert "cdf.ballot_paper" not in {o.key for o in omissions(demo, "csv")}


def strip(report):
    """A report without what differs between two exports of the same data by design: when
    it was made, its notes, the record's state and the imported file's source code."""
    out = copy.deepcopy(report)
    for key in ("GeneratedDate", "Notes", "ExternalIdentifier"):
        out.pop(key, None)
    for election in out["Election"]:
        election["ExternalIdentifier"] = [
            i for i in election["ExternalIdentifier"] if i["OtherType"] != "saylau-source"
        ]
    return out


@pytest.mark.parametrize("code", ALL)
def test_round_trip_through_the_file(source, code):
    report = document(source, code)
    back = cdf.from_cdf(report, source="cdf-test", name="file.json")
    assert strip(cdf.to_cdf(back)) == strip(report)


@pytest.mark.parametrize("code", ALL)
def test_round_trip_through_a_database(source, db_url, tmp_path, code):
    path = output(tmp_path, code, "cdf")
    export_election(source, code, "cdf", path)
    target = empty(db_url)
    try:
        import_election(target, path, "cdf", actor=ACTOR)
        again = output(tmp_path / "again", code, "cdf")
        export_election(target, code, "cdf", again)
        assert strip(json.loads(again.read_text("utf-8"))) == strip(
            json.loads(path.read_text("utf-8"))
        )
        with target.session() as session:
            row = session.get(ElectionRow, code)
            assert row.source.startswith("cdf-")  # the file is recorded as the source
    finally:
        target.engine.dispose()


# --- bad input ----------------------------------------------------------------------------------


def problems_of(report, **kwargs):
    with pytest.raises(DatasetError) as error:
        cdf.from_cdf(report, source="cdf-test", name="bad.json", **kwargs)
    return [(p.column, p.rule) for p in error.value.problems]


def test_schema_errors_name_their_json_pointer(source):
    report = document(source, "demo-2025")
    del report["Issuer"]
    report["GpUnit"][3]["Type"] = "oblast"
    found = problems_of(report)
    assert ("/", "D.110") in found
    assert ("/GpUnit/3/Type", "D.110") in found


def test_broken_references_and_duplicate_ids(source):
    report = document(source, "demo-2025")
    report["Election"][0]["Contest"][0]["ElectionDistrictId"] = "gpu-nowhere"
    report["Party"][1]["@id"] = report["Party"][0]["@id"]
    found = problems_of(report)
    assert ("/Election/0/Contest/0/ElectionDistrictId", "D.111") in found
    assert ("/Party/1/@id", "D.112") in found


def test_a_foreign_file_without_saylau_identifiers(source):
    report = document(source, "demo-2025")
    report["Election"][0]["ExternalIdentifier"] = []
    found = problems_of(report)
    assert sorted(r for _, r in found) == ["D.120", "D.120", "D.120"]
    report["GpUnit"][1]["Type"] = "county"
    assert ("/GpUnit/1/Type", "D.116") in problems_of(report)


def test_counts_saylau_cannot_read_are_refused(source):
    report = document(source, "demo-2025")
    selection = report["Election"][0]["Contest"][0]["ContestSelection"][0]
    selection["VoteCounts"][0]["Type"] = "early"
    found = problems_of(report)
    assert found == [("/Election/0/Contest/0/ContestSelection/0/VoteCounts/0/Type", "D.125")]


def test_a_refused_import_writes_nothing(source, target, tmp_path):
    path = output(tmp_path, "demo-2025", "cdf")
    export_election(source, "demo-2025", "cdf", path)
    import_election(target, path, "cdf", actor=ACTOR)
    with target.session() as session:
        before = session.scalar(select(func.count(AuditRow.seq)))
    with pytest.raises(DatasetError) as error:
        import_election(target, path, "cdf", actor=ACTOR)  # the election is there already
    assert [p.rule for p in error.value.problems] == ["D.130"]
    with target.session() as session:
        assert session.scalar(select(func.count(AuditRow.seq))) == before
    broken = json.loads(path.read_text("utf-8"))
    broken["Election"][0]["ExternalIdentifier"][0]["Value"] = "another-code"
    broken["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"][0]["Count"] = -1
    path.write_text(json.dumps(broken), "utf-8")
    with pytest.raises(DatasetError) as error:
        read_export(path, "cdf")
    assert error.value.problems[0].column.endswith("/VoteCounts/0/Count")


# --- the mapping as a property ------------------------------------------------------------------

names = st.text(alphabet="абвгдеәіңқөұүһ xyz", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def published_elections(draw):
    """Small published elections: okrugs with stations, candidates, counts as published."""
    tables = {
        "elections": [
            {
                "code": "h-2025",
                "type": "rural_akim",
                "date": dt.date(2025, 7, 20),
                "law_version": "rural-akim-2023",
                "name_kk": draw(names),
                "name_ru": draw(names),
                "name_en": draw(names),
                "synthetic": True,
                "source": "src",
                "territory": None,
                "against_all_on_ballot": None,
                "note": None,
            }
        ],
        "sources": [
            {
                "code": "src",
                "kind": "dataset",
                "title": "t",
                "citation": "c",
                "url": None,
                "licence": None,
                "synthetic": True,
                "note": None,
            }
        ],
        "regions": [
            {
                "code": "KZ-15",
                "kind": "oblast",
                "name_kk": "a",
                "name_ru": "b",
                "name_en": "c",
                "kato": "150000000",
                "iso_legacy": None,
                "name_latin": None,
                "valid_from": None,
                "valid_to": None,
                "source": "src",
                "note": None,
            }
        ],
        "districts": [
            {
                "code": "h-d",
                "region": "KZ-15",
                "kind": "district",
                "name_kk": "a",
                "name_ru": "b",
                "name_en": "c",
                "kato": None,
            }
        ],
    }
    for spec in BY_NAME.values():
        tables.setdefault(spec.name, [])
    against = draw(st.booleans())
    for o in range(draw(st.integers(1, 3))):
        okrug = f"h-o{o}"
        tables["okrugs"].append(
            {
                "code": okrug,
                "district": "h-d",
                "kind": draw(
                    st.sampled_from(["rural_okrug", "village", "settlement", "city_district"])
                ),
                "name_kk": draw(names),
                "name_ru": draw(names),
                "name_en": draw(names),
                "kato": None,
                "population": None,
            }
        )
        contest = f"h-2025:{okrug}"
        tables["contests"].append({"code": contest, "okrug": okrug, "seats": 1})
        codes = [f"h-c{o}{c}" for c in range(draw(st.integers(1, 3)))]
        on_ballot = []
        for code in codes:
            # standing, or withdrawn (after the ballots were printed: still on them)
            withdrawn = draw(st.sampled_from([None, None, "before", "after"]))
            tables["candidates"].append(
                {
                    "code": code,
                    "contest": contest,
                    "okrug": okrug,
                    "name": draw(names),
                    "party": None,
                    "nomination": draw(st.sampled_from(["self", "higher_akim"])),
                    "sex": draw(st.sampled_from([None, "male", "female"])),
                    "birth_date": None,
                    "incumbent": draw(st.sampled_from([None, True, False])),
                    "former_akim": None,
                    "registration": "withdrawn" if withdrawn else "registered",
                    "refusal_rules": None,
                }
            )
            if withdrawn:
                applied = dt.datetime(2025, 7, 1, tzinfo=dt.UTC) + dt.timedelta(
                    minutes=draw(st.integers(0, 20 * 24 * 60))
                )
                tables["withdrawals"].append(
                    {
                        "contest": contest,
                        "okrug": okrug,
                        "candidate": code,
                        "applied_at": applied,
                        "ballots_printed": withdrawn == "after",
                        "document": draw(st.sampled_from([None, "заявление № 1"])),
                    }
                )
            if withdrawn != "before":
                on_ballot.append(code)
        stations = [f"h-s{o}{s}" for s in range(draw(st.integers(1, 3)))]
        for number, station in enumerate(stations, start=1):
            tables["stations"].append(
                {
                    "code": station,
                    "okrug": okrug,
                    "number": 10 * o + number,
                    "name_kk": "a",
                    "name_ru": "b",
                    "name_en": "c",
                    "registered_voters": None,
                }
            )
        for level, unit in [("okrug", okrug), *(("station", s) for s in stations)]:
            votes = {c: draw(st.integers(0, 10**6)) for c in on_ballot}
            split = draw(st.booleans())  # the ballots found by kind of box, when published
            tables["published_results"].append(
                {
                    "level": level,
                    "unit": unit,
                    "contest": contest,
                    "voters_on_list": draw(st.integers(0, 10**6)),
                    "ballots_received": None,
                    "ballots_issued": draw(st.integers(0, 10**6)),
                    "ballots_cancelled": None,
                    "ballots_in_boxes": draw(st.integers(0, 10**6)),
                    "invalid": draw(st.integers(0, 10**4)),
                    "against_all": draw(st.integers(0, 10**4)) if against else None,
                    "ballots_in_stationary_boxes": draw(st.integers(0, 10**6)) if split else None,
                    "ballots_in_portable_boxes": draw(st.integers(0, 10**4)) if split else None,
                    "stations_reported": None,
                    "stations_total": None,
                    "count_status": draw(st.sampled_from(["completed", "in-process"])),
                    "outcome": None,
                    "winner": None,
                    "certified_sha256": None,
                    "certified_at": None,
                    "certified_by": None,
                    "source": "src",
                    "location": None,
                }
            )
            tables["published_votes"] += [
                {
                    "level": level,
                    "unit": unit,
                    "candidate": c,
                    "votes": v,
                    "source": "src",
                    "location": None,
                }
                for c, v in votes.items()
            ]
    from saylau.exports.collect import derive_published

    derive_published(tables)
    data = OpenElection(
        "h-2025", context=ExportContext(dt.datetime(2025, 1, 1, tzinfo=dt.UTC), None, None)
    )
    # rows as every reader gives them: every column of the table (None where not drawn)
    data.tables = {
        name: [normalise(BY_NAME[name], r) for r in rows] for name, rows in tables.items()
    }
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(published_elections())
def test_published_counts_survive_the_cdf(data):
    """Counts, the home-voting split of the boxes, withdrawals and nomination kinds."""
    report = cdf.to_cdf(data)
    assert cdf.validate(report) == []
    back = cdf.from_cdf(report, source="src", name="h.json")
    skip = {"published_results": {"location"}, "published_votes": {"location"}}
    a, b = comparable(data, skip=skip), comparable(back, skip=skip)
    for table in (
        "okrugs",
        "stations",
        "contests",
        "candidates",
        "withdrawals",
        "published_results",
        "published_votes",
        "totals",
        "results",
    ):
        assert a[table] == b[table], table
    assert Decimal(1) == 1  # (the counts are integers; shares are recomputed alike)
