"""Party-list seat allocation: Hare quota with largest remainders, D'Hondt, Sainte-Laguë.

Kazakhstan fills the party-list seats of the Majilis by the Hare quota with largest
remainders under art. 97-1 of Constitutional Law No. 2464 of 28 Sep 1995 "On Elections in
the Republic of Kazakhstan". The article number is cited by CEC resolution No. 142/206 of
27 Sep 2004 (https://prg.kz/m/amp/document/1050745) and its quota wording is quoted for the
2023 election by https://qmonitor.kz/politics/5001; the consolidated article text itself was
not read, so its current wording is unconfirmed. The method reproduces the published 2021
(98 seats: 76/12/10) and 2023 (69 list seats: 40/8/6/6/5/4) allocations exactly.

Why the code looks the way it does:

* Every number is an ``int`` or a :class:`fractions.Fraction`. A float can turn an exact tie
  into a false winner (or hide a real one), and seat counts must be reproducible by anyone.
* A tie is never decided silently. The rule that the list registered earlier wins equal
  remainders (:attr:`TieRule.EARLIER_REGISTRATION`) is *unconfirmed* (marked [M] in the
  research notes), so it applies only when the caller supplies the registration order; each
  use is recorded in :attr:`Allocation.ties` so that it can be logged and reviewed.
* Methods are small functions registered with their citation (:data:`METHODS`), so adding a
  method is one enum member and one function in this module, and tests run over all of them.

Error codes (:class:`AllocationError`, messages in ``i18n/locales/*/LC_MESSAGES/allocation.po``):

======  ====================  ===================================================
code    field                 rule
======  ====================  ===================================================
A.001   seats                 seats must be an integer >= 1
A.002   threshold             threshold must lie in [0, 1)
A.003   threshold             threshold must be exact (not a float)
A.004   votes                 votes must not be negative
A.005   votes                 votes must be an integer
A.006   votes / reg. order    party name must not be empty
A.007   votes / reg. order    party name must not repeat
A.008   against_all           against-all votes must be an integer >= 0
A.009   votes                 at least one party is required
A.010   votes                 the percentage base must not be 0
A.011   threshold             some party with votes must pass the threshold
A.012   registration_order    a tie needs the registration order of the tied lists
A.013   registration_order    the registration order may name only known parties
A.020   threshold             (command line) the threshold must be a number
A.021   method                (command line) unknown method
A.022   format                (command line) unknown output format
A.023   lang                  (command line) unknown language
A.100   votes_csv             the votes CSV has problems (A.101-A.107, one per row)
======  ====================  ===================================================
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from os import PathLike
from pathlib import Path
from typing import NoReturn, Protocol

from saylau.i18n import DEFAULT_LANG, t


class AllocationMethod(StrEnum):
    """Seat allocation methods; the values are the command-line spellings."""

    HARE = "hare"
    DHONDT = "dhondt"
    SAINTE_LAGUE = "sainte-lague"

    @classmethod
    def _missing_(cls, value: object) -> AllocationMethod | None:
        # Accept the Python spelling ("sainte_lague") and any letter case as well.
        if isinstance(value, str):
            wanted = value.strip().lower().replace("_", "-")
            for member in cls:
                if member.value == wanted:
                    return member
        return None


class TieRule(StrEnum):
    """How an exact tie for the last seat(s) is decided.

    ``earlier_registration``: the party list registered earlier by the Central Election
    Commission wins. Unconfirmed: research notes mark it [M] (from memory); check it against
    art. 97-1 of Constitutional Law No. 2464 before treating it as law.
    """

    EARLIER_REGISTRATION = "earlier_registration"


# --- errors -----------------------------------------------------------------------------


class AllocationError(ValueError):
    """An allocation request the law cannot answer, with a code, the field and a message key.

    ``str(error)`` is the English message; :meth:`message` gives it in kk, ru or en.
    """

    def __init__(self, code: str, field: str, key: str, **params: object) -> None:
        self.code = code
        self.field = field
        self.key = key
        self.params: dict[str, object] = dict(params)
        super().__init__(self.message(DEFAULT_LANG))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang``, with its parameters filled in."""
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class InputProblem:
    """One problem found in a votes CSV: where it is and which rule it breaks."""

    code: str
    rule: str
    file: str
    line: int
    column: str | None = None
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    @property
    def key(self) -> str:
        """The catalogue key of the message."""
        return f"allocation.input.{self.rule}"

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The problem in ``lang``, naming file, line and column."""
        return t(
            self.key, lang, file=self.file, line=self.line, column=self.column or "", **self.params
        )


class AllocationInputError(AllocationError):
    """A votes file with problems; every problem of the file is listed, not just the first."""

    def __init__(self, file: str, problems: Sequence[InputProblem]) -> None:
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        super().__init__(
            "A.100", "votes_csv", "allocation.error.input_invalid", file=file, count=len(problems)
        )

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The summary line, then one line per problem (its code and message), in ``lang``."""
        lines = [t(self.key, lang, **self.params)]
        lines.extend(f"  {problem.code} {problem.message(lang)}" for problem in self.problems)
        return "\n".join(lines)


def _fail(code: str, field: str, rule: str, **params: object) -> NoReturn:
    raise AllocationError(code, field, f"allocation.error.{rule}", **params)


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TieResolution:
    """An exact tie for the last seat(s), and how the tie rule decided it.

    ``parties`` lists the tied parties in input order, ``seats_contested`` how many of them
    get a seat, ``winners`` who got it, ``value`` the equal remainder (Hare) or average
    (divisor methods), ``stage`` which step of the method produced the tie.
    """

    parties: tuple[str, ...]
    seats_contested: int
    winners: tuple[str, ...]
    value: Fraction
    stage: str
    rule: TieRule = TieRule.EARLIER_REGISTRATION

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """A sentence for the log or the command line saying what was decided and why."""
        return t(
            "allocation.tie.resolved",
            lang,
            parties=", ".join(self.parties),
            seats=self.seats_contested,
            winners=", ".join(self.winners),
            value=_fraction_text(self.value),
            rule=self.rule.value,
        )


@dataclass(frozen=True)
class AllocationRow:
    """One party's result. ``share`` is exact (votes / base).

    ``remainder`` is the fractional part of votes / quota for parties that passed the
    threshold under the Hare method (the number the law ranks remaining seats by); it is
    ``None`` for divisor methods and for parties below the threshold.
    """

    party: str
    votes: int
    share: Fraction
    passed_threshold: bool
    seats: int
    remainder: Fraction | None


@dataclass(frozen=True)
class Allocation:
    """The full, explainable result of one allocation; rows are in input order."""

    method: AllocationMethod
    seats: int
    threshold: Fraction
    base: int
    quota: Fraction | None
    rows: tuple[AllocationRow, ...]
    ties: tuple[TieResolution, ...] = ()
    against_all: int = 0
    against_all_in_base: bool = True

    @property
    def citation(self) -> str:
        """The legal (or scholarly) basis of the method used."""
        return METHODS[self.method].citation

    def seats_by_party(self) -> dict[str, int]:
        """Seats per party, in input order."""
        return {row.party: row.seats for row in self.rows}


# --- methods ----------------------------------------------------------------------------


class TieBreaker(Protocol):
    """Decides an exact tie: which ``seats`` of the tied ``parties`` get a seat."""

    def __call__(
        self, parties: Sequence[str], seats: int, value: Fraction, stage: str
    ) -> TieResolution: ...


@dataclass(frozen=True)
class Distribution:
    """What a method function returns: seats for the parties that passed the threshold."""

    seats: Mapping[str, int]
    quota: Fraction | None = None
    remainders: Mapping[str, Fraction] = dataclasses.field(default_factory=dict)
    ties: tuple[TieResolution, ...] = ()


MethodFunction = Callable[[Sequence[tuple[str, int]], int, TieBreaker], Distribution]


@dataclass(frozen=True)
class MethodSpec:
    """A registered allocation method: its function and the basis it implements."""

    method: AllocationMethod
    citation: str
    distribute: MethodFunction


METHODS: dict[AllocationMethod, MethodSpec] = {}


def _register(
    method: AllocationMethod, citation: str
) -> Callable[[MethodFunction], MethodFunction]:
    def decorator(function: MethodFunction) -> MethodFunction:
        METHODS[method] = MethodSpec(method, citation, function)
        return function

    return decorator


@_register(
    AllocationMethod.HARE,
    "Constitutional Law No. 2464 of 28 Sep 1995 'On Elections in the Republic of Kazakhstan', "
    "art. 97-1 (Majilis party lists): quota = votes of the lists past the threshold / seats; "
    "integer parts first, remaining seats by largest fractional part. Article number as cited "
    "by CEC resolution No. 142/206 of 27 Sep 2004; tie rule unconfirmed.",
)
def _hare(passing: Sequence[tuple[str, int]], seats: int, tie_break: TieBreaker) -> Distribution:
    """Hare quota, integer parts, then largest remainders (art. 97-1; tie rule unconfirmed)."""
    quota = Fraction(sum(votes for _, votes in passing), seats)
    quotients = {party: votes / quota for party, votes in passing}
    won = {party: q.numerator // q.denominator for party, q in quotients.items()}
    remainders = {party: quotients[party] - won[party] for party in won}
    left = seats - sum(won.values())
    ties: list[TieResolution] = []
    # Rank distinct remainders from the top; a group that does not fit is an exact tie.
    for value in sorted(set(remainders.values()), reverse=True):
        if left == 0:
            break
        group = [party for party in won if remainders[party] == value]
        if len(group) > left:
            tie = tie_break(group, left, value, "largest_remainder")
            ties.append(tie)
            group = list(tie.winners)
        for party in group:
            won[party] += 1
        left -= len(group)
    return Distribution(won, quota, remainders, tuple(ties))


def _highest_averages(
    passing: Sequence[tuple[str, int]],
    seats: int,
    tie_break: TieBreaker,
    divisor: Callable[[int], int],
) -> Distribution:
    """Give seats one at a time to the largest votes / divisor(seats won so far).

    When several parties share the largest average and all of them fit in the seats left,
    the order among them does not matter, so they all get a seat at once; only a group
    larger than the seats left is a real tie.
    """
    votes = dict(passing)
    won = dict.fromkeys(votes, 0)
    ties: list[TieResolution] = []
    left = seats
    while left > 0:
        averages = {party: Fraction(votes[party], divisor(won[party])) for party in won}
        best = max(averages.values())
        group = [party for party in won if averages[party] == best]
        if len(group) > left:
            tie = tie_break(group, left, best, "highest_average")
            ties.append(tie)
            group = list(tie.winners)
        for party in group:
            won[party] += 1
        left -= len(group)
    return Distribution(won, None, {}, tuple(ties))


@_register(
    AllocationMethod.DHONDT,
    "Not used for the Majilis; for comparison. D'Hondt highest averages, divisors 1, 2, 3, ...",
)
def _dhondt(passing: Sequence[tuple[str, int]], seats: int, tie_break: TieBreaker) -> Distribution:
    """D'Hondt: divisors 1, 2, 3, ... (favours larger parties; comparison only)."""
    return _highest_averages(passing, seats, tie_break, lambda won: won + 1)


@_register(
    AllocationMethod.SAINTE_LAGUE,
    "Not used for the Majilis; for comparison. Sainte-Laguë highest averages, "
    "divisors 1, 3, 5, ...",
)
def _sainte_lague(
    passing: Sequence[tuple[str, int]], seats: int, tie_break: TieBreaker
) -> Distribution:
    """Sainte-Laguë: odd divisors 1, 3, 5, ... (comparison only)."""
    return _highest_averages(passing, seats, tie_break, lambda won: 2 * won + 1)


_unregistered = set(AllocationMethod) - set(METHODS)
if _unregistered:  # pragma: no cover - a programming error caught at import time
    raise RuntimeError(f"allocation methods without a function: {sorted(_unregistered)}")


def method_citation(method: AllocationMethod) -> str:
    """The basis of ``method``: an article of law or, for comparison methods, a note."""
    return METHODS[method].citation


# --- allocate ---------------------------------------------------------------------------


def _registration_tie_breaker(registration_order: Sequence[str] | None) -> TieBreaker:
    position = (
        None if registration_order is None else {p: i for i, p in enumerate(registration_order)}
    )

    def decide(parties: Sequence[str], seats: int, value: Fraction, stage: str) -> TieResolution:
        missing = [p for p in parties if position is None or p not in position]
        if missing or position is None:
            _fail(
                "A.012",
                "registration_order",
                "tie_needs_registration_order",
                parties=", ".join(parties),
                seats=seats,
                missing=", ".join(missing),
            )
        ranked = sorted(parties, key=position.__getitem__)
        return TieResolution(
            parties=tuple(parties),
            seats_contested=seats,
            winners=tuple(ranked[:seats]),
            value=value,
            stage=stage,
        )

    return decide


def _check_names(names: Sequence[str], field: str) -> None:
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name.strip():
            _fail("A.006", field, "party_empty")
        key = name.strip()
        if key in seen:
            _fail("A.007", field, "party_duplicate", party=key)
        seen.add(key)


def _is_count(value: object) -> bool:
    # bool is an int subclass, but True votes is a bug, not one vote.
    return isinstance(value, int) and not isinstance(value, bool)


def _validate(
    votes: Mapping[str, int],
    seats: int,
    threshold: Fraction,
    against_all: int,
    registration_order: Sequence[str] | None,
) -> Fraction:
    if not _is_count(seats) or seats < 1:
        _fail("A.001", "seats", "seats_invalid", value=seats)
    if isinstance(threshold, float) or not isinstance(threshold, Fraction | int | Decimal):
        _fail("A.003", "threshold", "threshold_not_exact", value=repr(threshold))
    exact_threshold = Fraction(threshold)
    if not 0 <= exact_threshold < 1:
        _fail("A.002", "threshold", "threshold_out_of_range", value=percent_text(exact_threshold))
    if not _is_count(against_all) or against_all < 0:
        _fail("A.008", "against_all", "against_all_invalid", value=against_all)
    if not votes:
        _fail("A.009", "votes", "no_parties")
    _check_names(list(votes), "votes")
    for party, count in votes.items():
        if not _is_count(count):
            _fail("A.005", "votes", "votes_not_integer", party=party, value=repr(count))
        if count < 0:
            _fail("A.004", "votes", "votes_negative", party=party, value=count)
    if registration_order is not None:
        _check_names(list(registration_order), "registration_order")
        for party in registration_order:
            if party not in votes:
                _fail(
                    "A.013", "registration_order", "registration_order_unknown_party", party=party
                )
    return exact_threshold


def allocate(
    votes: Mapping[str, int],
    seats: int,
    threshold: Fraction,
    method: AllocationMethod = AllocationMethod.HARE,
    against_all: int = 0,
    against_all_in_base: bool = True,
    registration_order: Sequence[str] | None = None,
) -> Allocation:
    """Allocate ``seats`` among party lists by ``method``, exactly.

    ``threshold`` is a share (``Fraction(5, 100)`` for 5 %) of the percentage base: the sum
    of party votes, plus ``against_all`` when ``against_all_in_base``. The base is a
    parameter because the published percentages use different bases: valid party votes in
    2021 (7,241,562) and party votes plus "against all" in 2023 (6,366,441) [derived from the
    CEC figures; the article text was not read]. A party passes when its share is at least
    the threshold (art. 97-1: "seven/five and more percent").

    Seats go only to parties that passed. Hare: quota = their votes / seats, integer parts
    first, then the largest fractional remainders. D'Hondt and Sainte-Laguë: highest
    averages. An exact tie for the last seat(s) is decided by :attr:`TieRule.EARLIER_REGISTRATION`
    (unconfirmed) using ``registration_order`` (earliest first) and recorded in
    :attr:`Allocation.ties`; without the order of every tied party, :class:`AllocationError`
    ``A.012`` ("tie requires registration order") is raised.

    Raises :class:`AllocationError` for invalid input (see the module docstring for codes).
    """
    exact_threshold = _validate(votes, seats, threshold, against_all, registration_order)
    party_total = sum(votes.values())
    base = party_total + (against_all if against_all_in_base else 0)
    if base == 0:
        _fail("A.010", "votes", "base_zero")
    shares = {party: Fraction(count, base) for party, count in votes.items()}
    passing = [(party, count) for party, count in votes.items() if shares[party] >= exact_threshold]
    if sum(count for _, count in passing) == 0:
        _fail(
            "A.011",
            "threshold",
            "nobody_passes",
            threshold=percent_text(exact_threshold),
            base=base,
            seats=seats,
        )
    distribution = METHODS[method].distribute(
        passing, seats, _registration_tie_breaker(registration_order)
    )
    passed = {party for party, _ in passing}
    rows = tuple(
        AllocationRow(
            party=party,
            votes=count,
            share=shares[party],
            passed_threshold=party in passed,
            seats=distribution.seats.get(party, 0),
            remainder=distribution.remainders.get(party),
        )
        for party, count in votes.items()
    )
    return Allocation(
        method=method,
        seats=seats,
        threshold=exact_threshold,
        base=base,
        quota=distribution.quota,
        rows=rows,
        ties=distribution.ties,
        against_all=against_all,
        against_all_in_base=against_all_in_base,
    )


# --- input and output -------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?[0-9]+")
_REQUIRED_COLUMNS = ("party", "votes")


def read_votes_csv(path: str | PathLike[str]) -> dict[str, int]:
    """Read a UTF-8 CSV with header ``party,votes`` into ``{party: votes}`` in file order.

    Every row is checked before anything is returned, and all problems are raised together
    as one :class:`AllocationInputError`, so a commission fixes a file in one pass rather
    than one error per run. Extra columns are ignored; names and numbers are stripped of
    surrounding spaces; votes must be plain digits (no thousands separators).
    """
    name = str(path)
    problems: list[InputProblem] = []
    try:
        # utf-8-sig: spreadsheets on Windows often write a byte-order mark.
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise AllocationInputError(
            name, [InputProblem("A.101", "file_unreadable", name, 0, None, {"reason": reason})]
        ) from error

    columns = [cell.strip().lower() for cell in header or []]
    for column in _REQUIRED_COLUMNS:
        if column not in columns:
            problems.append(InputProblem("A.102", "missing_column", name, 1, column))
    if problems:
        raise AllocationInputError(name, problems)
    party_at, votes_at = columns.index("party"), columns.index("votes")

    result: dict[str, int] = {}
    first_line: dict[str, int] = {}
    data_rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not data_rows:
        problems.append(InputProblem("A.103", "no_rows", name, 1))
    for line, row in data_rows:
        party = row[party_at].strip() if party_at < len(row) else ""
        raw_votes = row[votes_at].strip() if votes_at < len(row) else ""
        if not party:
            problems.append(InputProblem("A.104", "empty_party", name, line, "party"))
        elif party in first_line:
            problems.append(
                InputProblem(
                    "A.105",
                    "duplicate_party",
                    name,
                    line,
                    "party",
                    {"party": party, "first_line": first_line[party]},
                )
            )
        else:
            first_line[party] = line
        if not _INTEGER.fullmatch(raw_votes):
            problems.append(
                InputProblem(
                    "A.106", "votes_not_integer", name, line, "votes", {"value": raw_votes}
                )
            )
            continue
        count = int(raw_votes)
        if count < 0:
            problems.append(
                InputProblem("A.107", "votes_negative", name, line, "votes", {"value": count})
            )
        elif party and first_line.get(party) == line:
            result[party] = count
    if problems:
        raise AllocationInputError(name, problems)
    return result


def allocation_rows_for_output(allocation: Allocation) -> list[dict[str, object]]:
    """Rows as plain JSON-ready dicts: party, votes, share, passed_threshold, seats.

    ``share`` is rounded exactly to 6 decimal places and only then turned into a float; it is
    for display and JSON, never for computing seats.
    """
    return [
        {
            "party": row.party,
            "votes": row.votes,
            "share": float(round(row.share, 6)),
            "passed_threshold": row.passed_threshold,
            "seats": row.seats,
        }
        for row in allocation.rows
    ]


def round_half_up(value: Fraction, digits: int) -> Decimal:
    """``value`` rounded half up to ``digits`` decimals, exactly (as published percentages)."""
    scale = 10**digits
    scaled = value * scale + Fraction(1, 2)
    return Decimal(scaled.numerator // scaled.denominator).scaleb(-digits)


def percent_text(share: Fraction) -> str:
    """A share as an exact percentage string: ``Fraction(11, 200)`` -> ``"5.5"``.

    A terminating decimal is written in full; otherwise the exact fraction ``"100/3"``.
    """
    percent = share * 100
    twos = fives = 0
    rest = percent.denominator
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return f"{percent.numerator}/{percent.denominator}"
    digits = max(twos, fives)
    scaled = percent.numerator * 10**digits // percent.denominator  # exact: no remainder
    return format(Decimal(scaled).scaleb(-digits), "f")


def _fraction_text(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


__all__ = [
    "METHODS",
    "Allocation",
    "AllocationError",
    "AllocationInputError",
    "AllocationMethod",
    "AllocationRow",
    "Distribution",
    "InputProblem",
    "MethodSpec",
    "TieBreaker",
    "TieResolution",
    "TieRule",
    "allocate",
    "allocation_rows_for_output",
    "method_citation",
    "percent_text",
    "read_votes_csv",
    "round_half_up",
]
