"""Numbers the site computes from stored figures, each with an id that says how.

A computed number carries the query that made it (DESIGN.md): its id names the operation
and the stored figures it uses, so ``/figure/{id}`` can recompute it from the id alone and
show every input with its source. Ids:

``sum:A,B,...``         the sum of the figures
``ratio:A,B~C,D``       (A + B) / (C + D), two decimals
``pct:A~B,C,...``       100 × A / (B + C + ...), one decimal
``enp-bin:A,B,...``     effective number of parties by seats (Laakso–Taagepera) over the
                        winners figures given, the self-nominated counted as one bin
``enp-excl:A,B,...``    the same with the self-nominated left out

In place of a figure id a list may hold a *selector*, a named query over the figures of
the default election (the seed's 2021 election):

``@winners.U[.P]``      akims elected in region U (``KZ``: every region), all nominations,
                        or only party P, or only the self-nominated (P = ``self``)
``@candidates.U``       registered candidates of region U (``KZ``: every region)
``@okrugs.U``           okrugs where elections were held in region U (``KZ``: every region)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from saylau.analytics import indices
from saylau.domain import Figure, Level, Measure, Nomination, Sex

Op = Literal["sum", "ratio", "pct", "enp-bin", "enp-excl"]
OPS: tuple[Op, ...] = ("sum", "ratio", "pct", "enp-bin", "enp-excl")
SELF_BIN = "self-nominated"
_MAX_INPUTS = 400


class DerivationError(ValueError):
    """An id that is not a derivation, or that names unknown figures."""


@dataclass(frozen=True)
class Derived:
    """A computed number: operation, inputs (stored figures) and the exact result."""

    id: str
    op: Op
    value: Decimal
    digits: int
    numerator: tuple[Figure, ...]
    denominator: tuple[Figure, ...] = ()

    @property
    def inputs(self) -> tuple[Figure, ...]:
        """Every stored figure the number is computed from."""
        return self.numerator + self.denominator


def _q(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


Inputs = Iterable[Figure | str] | str


def _tokens(inputs: Inputs) -> str:
    if isinstance(inputs, str):
        return inputs
    return ",".join(x if isinstance(x, str) else x.id for x in inputs)


def sum_id(inputs: Inputs) -> str:
    """Id of the sum of figures (or selectors)."""
    return "sum:" + _tokens(inputs)


def ratio_id(top: Inputs, bottom: Inputs) -> str:
    """Id of sum(top) / sum(bottom)."""
    return "ratio:" + _tokens(top) + "~" + _tokens(bottom)


def pct_id(part: Inputs, whole: Inputs) -> str:
    """Id of 100 × sum(part) / sum(whole)."""
    return "pct:" + _tokens(part) + "~" + _tokens(whole)


def enp_id(winners: Inputs, mode: Literal["bin", "excl"]) -> str:
    """Id of the effective number of parties by seats over winners figures."""
    return f"enp-{mode}:" + _tokens(winners)


SELECTOR_MEASURES = {
    "winners": Measure.WINNERS,
    "candidates": Measure.CANDIDATES_REGISTERED,
    "okrugs": Measure.OKRUGS_CONTESTED,
}
DEFAULT_ELECTION = "kz-2021-rural-akim"


def selector(measure: str, unit: str = "KZ", who: str | None = None) -> str:
    """A selector token (see the module docstring)."""
    return "@" + ".".join(x for x in (measure, unit, who) if x)


def select(token: str, figures: Iterable[Figure], election: str = DEFAULT_ELECTION) -> list[Figure]:
    """The figures a selector names, in stored order."""
    parts = token.removeprefix("@").split(".")
    if len(parts) not in (2, 3) or parts[0] not in SELECTOR_MEASURES:
        raise DerivationError(f"unknown selector {token!r}")
    measure = SELECTOR_MEASURES[parts[0]]
    unit = parts[1]
    who = parts[2] if len(parts) == 3 else None
    if who is not None and measure is not Measure.WINNERS:
        raise DerivationError(f"only @winners takes a party: {token!r}")

    def wanted(f: Figure) -> bool:
        if f.election != election or f.level is not Level.REGION or f.measure is not measure:
            return False
        if unit != "KZ" and f.unit != unit:
            return False
        if measure is Measure.WINNERS:
            if f.nomination is Nomination.ALL:
                return False
            if who == "self":
                return f.nomination is Nomination.SELF
            return who is None or f.party == who
        return f.party is None and f.nomination is Nomination.ALL and f.sex is Sex.ALL

    found = [f for f in figures if wanted(f)]
    if not found:
        raise DerivationError(f"the selector {token!r} names no figures")
    return found


def is_derived(identifier: str) -> bool:
    """Whether ``identifier`` looks like a derivation id (``op:...``)."""
    op, sep, _ = identifier.partition(":")
    return bool(sep) and op in OPS


def seats_by_party(winners: Iterable[Figure], mode: Literal["bin", "excl"]) -> dict[str, float]:
    """Seats per party from winners figures; the self-nominated as one bin or left out."""
    seats: dict[str, float] = {}
    self_keys: set[str] = set()
    for figure in winners:
        if figure.measure is not Measure.WINNERS:
            raise DerivationError(f"{figure.id} is not a count of akims elected")
        key = figure.party or SELF_BIN
        if figure.nomination is Nomination.SELF:
            self_keys.add(key)
        seats[key] = seats.get(key, 0.0) + float(figure.value)
    mode_name: indices.SelfNominatedMode = "single_bin" if mode == "bin" else "exclude"
    return indices.group_self_nominated(seats, self_keys, mode_name, bin_key=SELF_BIN)


def derive(identifier: str, figures: Mapping[str, Figure]) -> Derived:
    """Recompute the number named by ``identifier`` from the stored ``figures``."""
    op_text, _, args = identifier.partition(":")
    if op_text not in OPS:
        raise DerivationError(f"unknown operation {op_text!r}")
    op: Op = op_text  # type: ignore[assignment]
    top_text, sep, bottom_text = args.partition("~")

    def resolve(text: str) -> tuple[Figure, ...]:
        tokens = [part for part in text.split(",") if part]
        if not tokens or len(tokens) > _MAX_INPUTS:
            raise DerivationError("a derivation needs between 1 and 400 figures")
        missing = [i for i in tokens if not i.startswith("@") and i not in figures]
        if missing:
            raise DerivationError(f"unknown figure(s): {', '.join(missing)}")
        out: dict[str, Figure] = {}
        for token in tokens:
            found = select(token, figures.values()) if token.startswith("@") else [figures[token]]
            for item in found:
                out.setdefault(item.id, item)
        return tuple(out.values())

    top = resolve(top_text)
    total = sum((f.value for f in top), Decimal(0))
    match op:
        case "sum":
            if sep:
                raise DerivationError("a sum takes one list of figures")
            digits = max((_digits(f.value) for f in top), default=0)
            return Derived(identifier, op, total, digits, top)
        case "ratio" | "pct":
            if not sep:
                raise DerivationError("a ratio needs '~' between numerator and denominator")
            bottom = resolve(bottom_text)
            whole = sum((f.value for f in bottom), Decimal(0))
            if whole == 0:
                raise DerivationError("the denominator is zero")
            if op == "ratio":
                return Derived(identifier, op, _q(total / whole, 2), 2, top, bottom)
            return Derived(identifier, op, _q(total * 100 / whole, 1), 1, top, bottom)
        case "enp-bin" | "enp-excl":
            if sep:
                raise DerivationError("an effective number takes one list of figures")
            seats = seats_by_party(top, "bin" if op == "enp-bin" else "excl")
            try:
                value = indices.effective_number_of_parties(seats)
            except indices.IndexInputError as error:
                raise DerivationError(str(error)) from error
            return Derived(identifier, op, _q(Decimal(repr(value)), 2), 2, top)


def _digits(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def plain_value(value: Decimal) -> str:
    """An exact value as plain text (no grouping): 1200000, 38.2."""
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
