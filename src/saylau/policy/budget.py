"""The seed paper's recommendations as numbers: village budgets and akimat staff per resident.

Serikbayev & Sergazin end with two recommendations: budget support for small northern villages
(under 1,000 people, whose own tax base is small), and staff of the village akimat in
proportion to population (southern villages of 40–50 thousand have about as many staff as
small northern ones). This module reads a table of okrugs with population, budget and staff
(the documented CSV format below, ``docs/policy.md``) and computes:

* budget per resident (tenge) and staff per 1,000 residents of each okrug, and their
  distributions (min, 10th percentile, median, 90th percentile, max);
* the comparison of small northern okrugs (population < ``small``, default 1,000, in Akmola,
  Kostanay, North Kazakhstan or Pavlodar Region) with large southern ones (population >
  ``large``, default 40,000, in Turkistan, Zhambyl, Kyzylorda or Almaty Region — with Zhetisu,
  part of Almaty Region until June 2022);
* the Gini coefficient of staff per resident across okrugs (0 when staff is exactly
  proportional to population), and the staff each okrug would have if the same total were
  shared in proportion to population.

CSV columns (UTF-8, header row, one okrug per row):
``code, name, region, population, budget_tiyn, staff, year, source, example``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import polars as pl

from saylau.analytics.indices import gini
from saylau.datasets import bundled

COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "region",
    "population",
    "budget_tiyn",
    "staff",
    "year",
    "source",
    "example",
)
REQUIRED: tuple[str, ...] = (
    "code",
    "name",
    "region",
    "population",
    "budget_tiyn",
    "staff",
    "source",
    "example",
)
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
MAX_INT = 2**63 - 1

# The paper's grouping, by ISO 3166-2 code (see the module docstring and docs/policy.md).
NORTH: tuple[str, ...] = ("KZ-11", "KZ-39", "KZ-59", "KZ-55")
SOUTH: tuple[str, ...] = ("KZ-61", "KZ-31", "KZ-43", "KZ-19", "KZ-33")
SMALL = 1_000
LARGE = 40_000


class Group(StrEnum):
    """The groups the paper compares."""

    NORTH_SMALL = "north_small"
    SOUTH_LARGE = "south_large"
    OTHER = "other"


@dataclass(frozen=True)
class OkrugBudget:
    """One okrug's population, yearly budget (tiyn) and akimat staff, with its source."""

    code: str
    name: str
    region: str
    population: int
    budget_tiyn: int
    staff: int
    year: int | None
    source: str
    example: bool

    @property
    def budget_per_resident(self) -> float:
        """Budget per resident, in tenge."""
        return self.budget_tiyn / 100 / self.population

    @property
    def staff_per_1000(self) -> float:
        """Akimat staff per 1,000 residents."""
        return 1000 * self.staff / self.population


@dataclass(frozen=True)
class Problem:
    """One violation of the format: line, column and rule (``policy.rule.B.xxx``)."""

    line: int | None
    column: str | None
    rule: str
    params: Mapping[str, object] = field(default_factory=dict)


class BudgetFileError(ValueError):
    """Raised with every problem of the file; nothing is computed from a bad file."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the budget file")
        self.problems = problems


def known_regions() -> dict[str, dict[str, str]]:
    """Region code → its names (``kk``, ``ru``, ``en``), from the bundled regions."""
    path = bundled.folder() / "regions.csv"
    with path.open(encoding="utf-8") as handle:
        return {
            row["code"]: {"kk": row["name_kk"], "ru": row["name_ru"], "en": row["name_en"]}
            for row in csv.DictReader(handle)
        }


def _count(text: str) -> int | None:
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"\d+", text):
        return None
    value = int(text)
    return value if value <= MAX_INT else None


def parse(text: str) -> list[OkrugBudget]:
    """Rows of a budget CSV; :class:`BudgetFileError` naming every problem."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise BudgetFileError([Problem(None, None, "B.010")]) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BudgetFileError([Problem(1, None, "B.001", {"columns": ", ".join(missing)})])
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        problems.append(Problem(1, None, "B.011", {"columns": ", ".join(unknown)}))
    regions = known_regions()
    rows: list[OkrugBudget] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(line, None, "B.009", {"found": len(cells), "expected": len(header)})
            )
            continue
        raw = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        before = len(problems)
        for column in REQUIRED:
            if not raw.get(column):
                problems.append(Problem(line, column, "B.002"))
        if len(problems) > before:
            continue
        code = raw["code"]
        if not CODE_RE.match(code):
            problems.append(Problem(line, "code", "B.008", {"value": code}))
        elif code in seen:
            problems.append(Problem(line, "code", "B.006", {"value": code, "first": seen[code]}))
        else:
            seen[code] = line
        if raw["region"] not in regions:
            problems.append(Problem(line, "region", "B.004", {"value": raw["region"]}))
        numbers: dict[str, int] = {}
        for column in ("population", "budget_tiyn", "staff"):
            value = _count(raw[column])
            if value is None:
                problems.append(Problem(line, column, "B.003", {"value": raw[column]}))
            else:
                numbers[column] = value
        if numbers.get("population") == 0:
            problems.append(Problem(line, "population", "B.007"))
        year: int | None = None
        if raw.get("year"):
            year = _count(raw["year"])
            if year is None or not 1991 <= year <= 2100:
                problems.append(Problem(line, "year", "B.012", {"value": raw["year"]}))
        flag = raw["example"].lower()
        if flag not in ("true", "false"):
            problems.append(Problem(line, "example", "B.005", {"value": raw["example"]}))
        if len(problems) > before:
            continue
        rows.append(
            OkrugBudget(
                code=code,
                name=raw["name"],
                region=raw["region"],
                population=numbers["population"],
                budget_tiyn=numbers["budget_tiyn"],
                staff=numbers["staff"],
                year=year,
                source=raw["source"],
                example=flag == "true",
            )
        )
    if not rows and not problems:
        problems.append(Problem(None, None, "B.010"))
    if problems:
        raise BudgetFileError(problems)
    return rows


def read(path: Path) -> list[OkrugBudget]:
    """Rows of the budget CSV at ``path``."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BudgetFileError([Problem(None, None, "B.013", {"detail": exc.reason})]) from exc
    return parse(text)


# --- computations ---------------------------------------------------------------------------


def group_of(row: OkrugBudget, small: int = SMALL, large: int = LARGE) -> Group:
    """The paper's group of an okrug."""
    if row.region in NORTH and row.population < small:
        return Group.NORTH_SMALL
    if row.region in SOUTH and row.population > large:
        return Group.SOUTH_LARGE
    return Group.OTHER


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q``-quantile by linear interpolation between order statistics (type 7)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Distribution:
    """Summary of one measure across okrugs."""

    n: int
    minimum: float
    p10: float
    median: float
    p90: float
    maximum: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Distribution:
        """The summary of ``values``."""
        return cls(
            n=len(values),
            minimum=min(values),
            p10=quantile(values, 0.1),
            median=quantile(values, 0.5),
            p90=quantile(values, 0.9),
            maximum=max(values),
        )


@dataclass(frozen=True)
class GroupSummary:
    """One group's okrugs, residents, budgets and staff."""

    group: Group
    okrugs: int
    population: int
    budget_tiyn: int
    staff: int
    median_budget_tiyn: float | None
    median_budget_per_resident: float | None
    median_staff_per_1000: float | None

    @property
    def budget_per_resident(self) -> float | None:
        """Pooled budget per resident (tenge): total budget over total population."""
        return self.budget_tiyn / 100 / self.population if self.population else None

    @property
    def staff_per_1000(self) -> float | None:
        """Pooled staff per 1,000 residents."""
        return 1000 * self.staff / self.population if self.population else None


@dataclass(frozen=True)
class BudgetAnalysis:
    """Everything ``saylau budget`` reports."""

    rows: tuple[OkrugBudget, ...]
    small: int
    large: int
    groups: tuple[GroupSummary, ...]
    budget_per_resident: Distribution
    staff_per_1000: Distribution
    staff_gini: float | None
    examples: int

    def group(self, group: Group | str) -> GroupSummary:
        """The summary of ``group``."""
        return next(g for g in self.groups if g.group == Group(group))

    @property
    def staff_ratio(self) -> float | None:
        """Staff per 1,000 residents, small northern over large southern (pooled)."""
        north = self.group(Group.NORTH_SMALL).staff_per_1000
        south = self.group(Group.SOUTH_LARGE).staff_per_1000
        return north / south if north is not None and south else None


def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return quantile(values, 0.5) if values else None


def analyse(rows: Sequence[OkrugBudget], small: int = SMALL, large: int = LARGE) -> BudgetAnalysis:
    """Distributions, group comparison and the Gini of staff per resident."""
    if not rows:
        raise ValueError("no okrugs")
    groups = []
    for group in Group:
        members = [r for r in rows if group_of(r, small, large) is group]
        groups.append(
            GroupSummary(
                group=group,
                okrugs=len(members),
                population=sum(r.population for r in members),
                budget_tiyn=sum(r.budget_tiyn for r in members),
                staff=sum(r.staff for r in members),
                median_budget_tiyn=_median(r.budget_tiyn for r in members),
                median_budget_per_resident=_median(r.budget_per_resident for r in members),
                median_staff_per_1000=_median(r.staff_per_1000 for r in members),
            )
        )
    per_resident = [r.staff / r.population for r in rows]
    staff_gini = gini(per_resident) if any(v > 0 for v in per_resident) else None
    return BudgetAnalysis(
        rows=tuple(rows),
        small=small,
        large=large,
        groups=tuple(groups),
        budget_per_resident=Distribution.of([r.budget_per_resident for r in rows]),
        staff_per_1000=Distribution.of([r.staff_per_1000 for r in rows]),
        staff_gini=staff_gini,
        examples=sum(1 for r in rows if r.example),
    )


def frame(analysis: BudgetAnalysis) -> pl.DataFrame:
    """One row per okrug with its group, per-resident measures and proportional staff.

    ``proportional_staff`` is the okrug's share of all staff if staff were allotted in
    proportion to population; ``staff_gap`` is actual minus proportional.
    """
    rows = analysis.rows
    total_staff = sum(r.staff for r in rows)
    total_population = sum(r.population for r in rows)
    records = []
    for r in rows:
        proportional = total_staff * r.population / total_population
        records.append(
            {
                "code": r.code,
                "name": r.name,
                "region": r.region,
                "group": group_of(r, analysis.small, analysis.large).value,
                "population": r.population,
                "budget_tiyn": r.budget_tiyn,
                "staff": r.staff,
                "budget_per_resident_tenge": r.budget_per_resident,
                "staff_per_1000": r.staff_per_1000,
                "proportional_staff": proportional,
                "staff_gap": r.staff - proportional,
                "year": r.year,
                "source": r.source,
                "example": r.example,
            }
        )
    return pl.DataFrame(records, infer_schema_length=None)
