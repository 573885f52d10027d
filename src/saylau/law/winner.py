"""Who is elected akim of one okrug, from the okrug's totals, with the reasoning as a trace.

The order of the steps, each a rule of the catalogue (the article text of the election law's
akim chapter was not available; plurality, no quorum and the effect of "against all" rest on
what an oblast commission chairman said of the 2021 rural elections, the rest are settings
of the law version with the expected defaults of the research notes):

0. W.009 — candidates who withdrew after the ballots were printed (art. 113-6): their marks
   count for no one (``withdrawn_votes``: among the invalid ballots, or on their own line).
1. W.006 — no candidates: no result (``NoCandidates``).
2. W.004 — turnout quorum (``turnout_quorum``; 0 = none, the default): when set, more than
   that share of the voters on the list must have taken part (ballots in the boxes).
3. W.007 — no candidate has a single vote: a repeat election (saylau's reading).
4. W.005 — against all leads (more votes than every candidate): ``informational`` (default)
   records it and lets the candidates' votes decide; ``repeat_if_leads`` calls a repeat
   election.
5. W.003 — a single candidate needs more than ``single_candidate_threshold`` (1/2) of
   those who took part, else a repeat election.
6. W.001 — plurality: the candidate with most votes is elected.
7. W.002 — a tie for first place is decided by lot. saylau never draws lots: it returns
   ``LotsRequired`` until the commission's recorded :class:`LotDraw` is supplied, and then
   ``Elected`` citing the draw.
8. W.008 — who may stand in a repeat election (``repeat_candidate_pool``).

Every outcome is order-independent (candidates are ranked by votes, then by code) and
carries its trace for ``saylau explain``: rule, article, what was checked and the result,
in kk, ru and en.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import assert_never

from saylau.domain import Protocol
from saylau.i18n import DEFAULT_LANG, t
from saylau.law.catalogue import (
    AgainstAllEffect,
    Confidence,
    LawError,
    LawVersion,
    RepeatPool,
    Term,
    effective_confidence,
    localize_params,
    rule,
)

Standing = tuple[str, int]


class RepeatReason(StrEnum):
    """Why a repeat election is needed."""

    QUORUM_NOT_MET = "quorum_not_met"
    NO_VOTES = "no_votes"
    AGAINST_ALL_LEADS = "against_all_leads"
    SINGLE_CANDIDATE_BELOW_THRESHOLD = "single_candidate_below_threshold"


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LawError("L.005", name, field=name, value=value)
    return value


@dataclass(frozen=True)
class OkrugTotals:
    """An okrug's totals: votes per candidate, against all (``None`` without the line),
    voters on the list and ballots found in the boxes (those who took part).

    ``withdrawn`` maps each candidate who withdrew after the ballots were printed to the
    marks counted on their line (0 when such ballots are counted as invalid)."""

    votes: Mapping[str, int] = field(hash=False)
    against_all: int | None
    voters_on_list: int
    ballots_in_boxes: int
    withdrawn: Mapping[str, int] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        for candidate, votes in self.votes.items():
            _count(f"votes.{candidate}", votes)
        for candidate, votes in self.withdrawn.items():
            _count(f"votes.{candidate}", votes)
            if candidate in self.votes:
                raise LawError("L.002", "candidates", candidate=candidate)
        if self.against_all is not None:
            _count("against_all", self.against_all)
        _count("voters_on_list", self.voters_on_list)
        _count("ballots_in_boxes", self.ballots_in_boxes)


def sum_protocols(
    protocols: Iterable[Protocol], candidates: Sequence[str], withdrawn: Sequence[str] = ()
) -> OkrugTotals:
    """The okrug's totals as the sum of its stations' protocols (in any order).

    Every protocol must give a count for each candidate and for no one else but the
    ``withdrawn`` candidates still on the ballot (L.012, L.013), and either all or none must
    have an against-all count (L.014). Protocols are expected to have passed
    ``check_protocol`` already.
    """
    names = tuple(candidates)
    gone = dict.fromkeys(withdrawn, 0)
    if len(set(names)) != len(names):
        duplicate = next(c for c in names if names.count(c) > 1)
        raise LawError("L.002", "candidates", candidate=duplicate)
    votes = dict.fromkeys(names, 0)
    against_all: int | None = None
    seen_line: bool | None = None
    voters = in_boxes = 0
    for protocol in protocols:
        for candidate in names:
            if candidate not in protocol.votes:
                raise LawError("L.012", "votes", station=protocol.station, candidate=candidate)
        for candidate, count in protocol.votes.items():
            if candidate in gone:
                gone[candidate] += count
                continue
            if candidate not in votes:
                raise LawError("L.013", "votes", station=protocol.station, candidate=candidate)
            votes[candidate] += count
        has_line = protocol.against_all is not None
        if seen_line is not None and has_line != seen_line:
            raise LawError("L.014", "against_all", station=protocol.station)
        seen_line = has_line
        if protocol.against_all is not None:
            against_all = (against_all or 0) + protocol.against_all
        voters += protocol.voters_on_list
        in_boxes += protocol.ballots_in_boxes
    return OkrugTotals(votes, against_all, voters, in_boxes, gone)


@dataclass(frozen=True)
class LotDraw:
    """A draw of lots held and recorded by the commission; saylau only takes note of it.

    ``tied``: the candidates among whom lots were drawn; ``winner``: who drew the winning
    lot; ``drawn_by``: who conducted the draw; ``drawn_at``: when (time-zone aware);
    ``witnesses``: who was present; ``record``: the commission's record of the draw.
    """

    tied: tuple[str, ...]
    winner: str
    drawn_by: str
    drawn_at: datetime
    witnesses: tuple[str, ...] = ()
    record: str | None = None


@dataclass(frozen=True)
class TraceStep:
    """One step of a winner determination: the rule, what was checked and what followed."""

    rule: str
    check_key: str
    result_key: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)
    confidence: Confidence = Confidence.UNCONFIRMED

    def article(self, lang: str = DEFAULT_LANG) -> str:
        """The legal reference of the rule (or "article unconfirmed")."""
        return rule(self.rule).reference(lang)

    def check(self, lang: str = DEFAULT_LANG) -> str:
        """What was checked, in ``lang``."""
        return t(self.check_key, lang, **localize_params(self.params, lang))

    def result(self, lang: str = DEFAULT_LANG) -> str:
        """What followed, in ``lang``."""
        return t(self.result_key, lang, **localize_params(self.params, lang))

    def line(self, lang: str = DEFAULT_LANG) -> str:
        """The step as one line for ``saylau explain``."""
        mark = ""
        if self.confidence is Confidence.UNCONFIRMED:
            mark = f" [{t('law.confidence.unconfirmed', lang)}]"
        return f"{self.rule} ({self.article(lang)}): {self.check(lang)} {self.result(lang)}{mark}"


Trace = tuple[TraceStep, ...]


@dataclass(frozen=True)
class Elected:
    """``candidate`` is elected; ``lot_draw`` is set when a recorded draw decided a tie."""

    candidate: str
    votes: int
    standings: tuple[Standing, ...]
    trace: Trace
    lot_draw: LotDraw | None = None


@dataclass(frozen=True)
class LotsRequired:
    """A tie for first place: the commission must draw lots among ``tied`` and record it."""

    tied: tuple[str, ...]
    votes: int
    standings: tuple[Standing, ...]
    trace: Trace


@dataclass(frozen=True)
class RepeatElection:
    """No one is elected; a repeat election is needed for ``reason``.

    ``pool`` says who may stand again; ``excluded`` lists this election's candidates who may
    not (empty for an open pool).
    """

    reason: RepeatReason
    pool: RepeatPool
    excluded: tuple[str, ...]
    standings: tuple[Standing, ...]
    trace: Trace


@dataclass(frozen=True)
class NoCandidates:
    """No candidate stood: no vote can decide the okrug."""

    trace: Trace


Outcome = Elected | LotsRequired | RepeatElection | NoCandidates


def _standing_terms(standings: Sequence[Standing]) -> tuple[Term, ...]:
    return tuple(
        Term("law.trace.standing", (("candidate", candidate), ("votes", votes)))
        for candidate, votes in standings
    )


class _Trace:
    """Collects the steps of one determination."""

    def __init__(self, law: LawVersion) -> None:
        self.law = law
        self.steps: list[TraceStep] = []

    def add(self, code: str, check: str, result: str, /, **params: object) -> None:
        self.steps.append(
            TraceStep(
                rule=code,
                check_key=f"law.trace.{check}",
                result_key=f"law.trace.{result}",
                params=params,
                confidence=effective_confidence(rule(code), self.law),
            )
        )

    def done(self) -> Trace:
        return tuple(self.steps)


def _repeat(
    reason: RepeatReason,
    trace: _Trace,
    standings: tuple[Standing, ...],
) -> RepeatElection:
    """W.008: who may stand in the repeat election (``repeat_candidate_pool``)."""
    pool = trace.law.repeat_candidate_pool
    excluded: tuple[str, ...]
    match pool:
        case RepeatPool.OPEN:
            excluded = ()
        case RepeatPool.EXCLUDE_PREVIOUS:
            excluded = tuple(sorted(candidate for candidate, _ in standings))
        case _:
            assert_never(pool)
    trace.add(
        "W.008",
        "repeat_pool.check",
        f"repeat_pool.{pool.value}",
        reason=Term(f"law.repeat_reason.{reason.value}"),
        excluded=excluded,
    )
    return RepeatElection(reason, pool, excluded, standings, trace.done())


def _more_than(part: int, share: Fraction, whole: int) -> bool:
    """part > share * whole, exactly."""
    return part * share.denominator > share.numerator * whole


def _percent(part: int, whole: int) -> Fraction:
    return Fraction(100 * part, whole) if whole else Fraction(0)


def _check_draw(draw: LotDraw, tied: tuple[str, ...]) -> None:
    if set(draw.tied) != set(tied) or len(draw.tied) != len(tied):
        raise LawError("L.003", "lot_draw", drawn_among=tuple(sorted(draw.tied)), tied=tied)
    if draw.winner not in tied:
        raise LawError("L.004", "lot_draw", winner=draw.winner, tied=tied)
    if not draw.drawn_by.strip():
        raise LawError("L.015", "lot_draw")
    if draw.drawn_at.tzinfo is None or draw.drawn_at.utcoffset() is None:
        raise LawError("L.006", "lot_draw", field="lot_draw.drawn_at")


def _decide(totals: OkrugTotals, law: LawVersion, draw: LotDraw | None) -> Outcome:
    trace = _Trace(law)
    standings = tuple(sorted(totals.votes.items(), key=lambda item: (-item[1], item[0])))

    # W.009: candidates who withdrew after the ballots were printed count for no one.
    if totals.withdrawn:
        how = law.withdrawn_votes
        trace.add(
            "W.009",
            "withdrawn.check",
            f"withdrawn.{how.value}",
            withdrawn=tuple(sorted(totals.withdrawn)),
            marks=sum(totals.withdrawn.values()),
            remaining=len(standings),
        )

    # W.006: candidates on the ballot.
    if not standings:
        trace.add("W.006", "candidates.check", "candidates.none", count=0)
        return NoCandidates(trace.done())
    trace.add("W.006", "candidates.check", "candidates.some", count=len(standings))

    has_line = law.against_all_on_ballot
    if has_line and totals.against_all is None:
        raise LawError("L.008", "against_all", law=law.code)
    if not has_line and totals.against_all is not None:
        raise LawError("L.009", "against_all", law=law.code, against_all=totals.against_all)

    # W.004: turnout quorum.
    quorum = law.fraction("turnout_quorum")
    turnout = dict(
        in_boxes=totals.ballots_in_boxes,
        voters=totals.voters_on_list,
        turnout=_percent(totals.ballots_in_boxes, totals.voters_on_list),
        quorum=quorum * 100,
    )
    if quorum == 0:
        trace.add("W.004", "quorum.check", "quorum.none", **turnout)
    elif _more_than(totals.ballots_in_boxes, quorum, totals.voters_on_list):
        trace.add("W.004", "quorum.check", "quorum.met", **turnout)
    else:
        trace.add("W.004", "quorum.check", "quorum.not_met", **turnout)
        return _repeat(RepeatReason.QUORUM_NOT_MET, trace, standings)

    # W.007: any votes at all for candidates.
    total = sum(votes for _, votes in standings)
    if total == 0:
        trace.add("W.007", "no_votes.check", "no_votes.none", total=0)
        return _repeat(RepeatReason.NO_VOTES, trace, standings)
    trace.add("W.007", "no_votes.check", "no_votes.some", total=total)

    # W.005: against all.
    leader, top = standings[0]
    if totals.against_all is None:
        trace.add("W.005", "against_all.check_no_line", "against_all.no_line")
    elif totals.against_all <= top:
        trace.add(
            "W.005",
            "against_all.check",
            "against_all.not_leading",
            against_all=totals.against_all,
            top_votes=top,
        )
    else:
        effect = law.against_all_effect
        params = dict(against_all=totals.against_all, top_votes=top)
        match effect:
            case AgainstAllEffect.INFORMATIONAL:
                trace.add("W.005", "against_all.check", "against_all.leads_informational", **params)
            case AgainstAllEffect.REPEAT_IF_LEADS:
                trace.add("W.005", "against_all.check", "against_all.leads_repeat", **params)
                return _repeat(RepeatReason.AGAINST_ALL_LEADS, trace, standings)
            case _:
                assert_never(effect)

    # W.003: a single candidate.
    if len(standings) == 1:
        threshold = law.fraction("single_candidate_threshold")
        params = dict(
            candidate=leader,
            votes=top,
            in_boxes=totals.ballots_in_boxes,
            share=_percent(top, totals.ballots_in_boxes),
            threshold=threshold * 100,
        )
        if _more_than(top, threshold, totals.ballots_in_boxes):
            trace.add("W.003", "single.check", "single.met", **params)
            return Elected(leader, top, standings, trace.done())
        trace.add("W.003", "single.check", "single.not_met", **params)
        return _repeat(RepeatReason.SINGLE_CANDIDATE_BELOW_THRESHOLD, trace, standings)

    # W.001: plurality; W.002: a tie is decided by a recorded draw of lots.
    tied = tuple(candidate for candidate, votes in standings if votes == top)
    ranking = _standing_terms(standings)
    if len(tied) == 1:
        trace.add(
            "W.001",
            "plurality.check",
            "plurality.elected",
            standings=ranking,
            candidate=leader,
            votes=top,
        )
        return Elected(leader, top, standings, trace.done())
    trace.add("W.001", "plurality.check", "plurality.tie", standings=ranking, tied=tied, votes=top)
    if draw is None:
        trace.add("W.002", "lot.check_pending", "lot.pending", tied=tied)
        return LotsRequired(tied, top, standings, trace.done())
    _check_draw(draw, tied)
    trace.add(
        "W.002",
        "lot.check",
        "lot.elected",
        tied=tied,
        candidate=draw.winner,
        drawn_by=draw.drawn_by,
        drawn_at=draw.drawn_at,
        witnesses=draw.witnesses,
        record=draw.record or "—",
    )
    return Elected(draw.winner, top, standings, trace.done(), lot_draw=draw)


def determine_winner(
    totals: OkrugTotals, law: LawVersion, *, lot_draw: LotDraw | None = None
) -> Outcome:
    """Determine the outcome of one okrug's akim election from its totals under ``law``.

    Implements the winner rules W.001–W.008 of the catalogue (election law, akim chapter;
    articles unconfirmed) with the settings of ``law``. ``lot_draw`` is the commission's
    recorded draw for a tie; supplying one when the count does not end in a tie is an error
    (L.010), as is a draw among other candidates than the tied ones (L.003, L.004).
    A party-list law version has no winner settings (L.007).
    """
    law.setting("winner_rule")
    outcome = _decide(totals, law, lot_draw)
    if lot_draw is not None and not (isinstance(outcome, Elected) and outcome.lot_draw):
        raise LawError("L.010", "lot_draw")
    return outcome


def summary(outcome: Outcome, lang: str = DEFAULT_LANG) -> str:
    """The outcome in one sentence in ``lang``."""
    match outcome:
        case Elected(lot_draw=LotDraw() as draw):
            params: dict[str, object] = {"candidate": outcome.candidate, "drawn_at": draw.drawn_at}
            key = "law.outcome.elected_by_lot"
        case Elected():
            params = {"candidate": outcome.candidate, "votes": outcome.votes}
            key = "law.outcome.elected"
        case LotsRequired():
            params = {"tied": outcome.tied, "votes": outcome.votes}
            key = "law.outcome.lots_required"
        case RepeatElection():
            params = {"reason": Term(f"law.repeat_reason.{outcome.reason.value}")}
            key = "law.outcome.repeat_election"
        case NoCandidates():
            params = {}
            key = "law.outcome.no_candidates"
        case _:
            assert_never(outcome)
    return t(key, lang, **localize_params(params, lang))


def explain(outcome: Outcome, lang: str = DEFAULT_LANG) -> str:
    """The outcome and every step that led to it, one per line, in ``lang``."""
    lines = [summary(outcome, lang)]
    lines.extend(f"  {index}. {step.line(lang)}" for index, step in enumerate(outcome.trace, 1))
    return "\n".join(lines)
