"""A synthetic election set up through the workspace, its dates counted from today so that
the calendar has days left: polling in 10 days, the incumbent's term ending 5 days later,
called 30 days ago; nomination closed 16 days ago. The places are those of the demo election
(examples/demo-election); the candidates are new (codes ``ws-c..``) and synthetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from .demo import DEMO

CODE = "ws-2026"
TZ = ZoneInfo("Asia/Almaty")
SETUP_FILES = ("districts", "okrugs", "stations", "commissions")
HEADER = (
    "code,okrug,name,party,sex,birth_date,citizen,criminal_record,legally_incapable,"
    "corruption_offence,qualified,party_member,signatures,deposit_paid,declarations_filed,"
    "nominated_at,incumbent,former_akim"
)


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


def days(n: int) -> str:
    return (today() + dt.timedelta(days=n)).isoformat()


def call_form(csrf: str, **changes: str) -> dict[str, str]:
    """The call form of the story's election."""
    data = {
        "csrf": csrf,
        "code": CODE,
        "type": "rural_akim",
        "date": days(10),
        "ground": "term_end",
        "ground_date": days(15),
        "called_on": days(-30),
        "territory": "demo-district",
        "name_kk": "Жұмыс кеңістігі сайлауы (синтетикалық)",
        "name_ru": "Выборы из рабочего места (синтетические)",
        "name_en": "Workspace election (synthetic)",
        "synthetic": "on",
    }
    data.update(changes)
    return data


def setup_files() -> list[tuple[str, bytes]]:
    """The demo's districts, okrugs, stations and commissions files."""
    return [(f"{name}.csv", (DEMO / f"{name}.csv").read_bytes()) for name in SETUP_FILES]


def broken_okrugs() -> bytes:
    """okrugs.csv with an unknown district on line 3 and a bad kind on line 4."""
    lines = (DEMO / "okrugs.csv").read_text("utf-8").splitlines()
    lines[2] = lines[2].replace("demo-district", "no-such-district")
    cells = lines[3].split(",")
    cells[2] = "megapolis"  # the kind
    lines[3] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode("utf-8")


def candidates_csv() -> bytes:
    """Five nominations made 20 days ago; ws-c04 is under 25 (E.002)."""
    when = f"{days(-20)}T10:00"
    common = "true,false,false,false,true"  # citizen, no record, capable, no offence, qualified
    rows = [
        ("ws-c01", "demo-zhanaauyl", "Сынақов Ерлан", "amanat", "male", "1978-03-14", "true", 0),
        ("ws-c02", "demo-zhanaauyl", "Сынақова Айгүл", "", "female", "1986-11-02", "", 45),
        ("ws-c03", "demo-birlik", "Бірліков Нұрлан", "", "male", "1982-01-30", "", 30),
        ("ws-c04", "demo-birlik", "Жасова Динара", "", "female", days(-20 * 365), "", 30),
        ("ws-c05", "demo-kokterek", "Көктеров Талғат", "amanat", "male", "1975-09-17", "true", 0),
    ]
    lines = [
        f"{code},{okrug},{name} (синтетикалық),{party},{sex},{birth},{common},{member},"
        f"{signatures},true,true,{when},false,false"
        for code, okrug, name, party, sex, birth, member, signatures in rows
    ]
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
