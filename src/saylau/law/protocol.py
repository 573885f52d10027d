"""Control relations and plausibility checks of a precinct protocol (хаттама).

``check_protocol`` returns every finding at once, so an operator fixes a rejected protocol in
one pass: ``P.1xx`` errors block the protocol, ``P.2xx`` warnings need a supervisor's
acknowledgement. Each check is a small function registered under its rule code in
:data:`PROTOCOL_CHECKS`; the rules themselves (fields, reference, confidence, thresholds)
are data in ``rules.toml``.

Legal basis: the count and the protocol are governed by Constitutional Law No. 2464 "On
Elections in the Republic of Kazakhstan" (article unconfirmed) and the protocol form of CEC
resolution No. 4/408 of June 2021 and its Nov 2022 update; the control relations below are
those the research notes expect from the form and are marked unconfirmed until checked
against the form itself.

Home voting (P.111–P.114): ballots issued in the station and outside it (portable boxes),
and the ballots found in each kind of box, are checked when the protocol gives them; a
protocol without the split stays valid. A candidate who withdrew after the ballots were
printed (art. 113-6) is still on the ballot: P.110 applies the setting ``withdrawn_votes``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from saylau.domain import HOME_VOTING_FIELDS, Protocol
from saylau.law.catalogue import (
    Finding,
    LawError,
    LawVersion,
    RuleKind,
    Term,
    WithdrawnVotes,
    rule,
    rules_for,
)


@dataclass(frozen=True)
class ProtocolSheet:
    """A protocol with what it is checked against: the contest's candidates and the law."""

    protocol: Protocol
    candidates: tuple[str, ...]
    law: LawVersion
    registered_voters: int | None
    withdrawn: tuple[str, ...] = ()

    @property
    def against_all(self) -> int:
        """The against-all count, 0 when the protocol has none."""
        return self.protocol.against_all or 0

    @property
    def candidate_votes(self) -> int:
        """All votes entered for candidates (known or not)."""
        return sum(self.protocol.votes.values())

    @property
    def valid(self) -> int:
        """Valid ballots: votes for candidates plus against all."""
        return self.candidate_votes + self.against_all

    def finding(self, code: str, fields: Sequence[str], /, **params: object) -> Finding:
        """A finding of rule ``code`` under this sheet's law version."""
        return Finding.of(code, self.law, fields, **params)


ProtocolCheck = Callable[[ProtocolSheet], list[Finding]]

PROTOCOL_CHECKS: dict[str, ProtocolCheck] = {}


def _check(code: str) -> Callable[[ProtocolCheck], ProtocolCheck]:
    def register(function: ProtocolCheck) -> ProtocolCheck:
        PROTOCOL_CHECKS[code] = function
        return function

    return register


def _field(name: str) -> Term:
    return Term(f"law.field.{name}")


# --- P.1xx control relations --------------------------------------------------------------


@_check("P.101")
def _received_balance(sheet: ProtocolSheet) -> list[Finding]:
    """Ballots received = ballots issued + ballots cancelled (form; article unconfirmed)."""
    p = sheet.protocol
    difference = p.ballots_received - p.ballots_issued - p.ballots_cancelled
    if difference == 0:
        return []
    return [
        sheet.finding(
            "P.101",
            ("ballots_received", "ballots_issued", "ballots_cancelled"),
            received=p.ballots_received,
            issued=p.ballots_issued,
            cancelled=p.ballots_cancelled,
            difference=difference,
        )
    ]


@_check("P.102")
def _boxes_not_above_issued(sheet: ProtocolSheet) -> list[Finding]:
    """Ballots in the boxes <= ballots issued (form; article unconfirmed)."""
    p = sheet.protocol
    if p.ballots_in_boxes <= p.ballots_issued:
        return []
    return [
        sheet.finding(
            "P.102",
            ("ballots_in_boxes", "ballots_issued"),
            in_boxes=p.ballots_in_boxes,
            issued=p.ballots_issued,
            excess=p.ballots_in_boxes - p.ballots_issued,
        )
    ]


@_check("P.103")
def _boxes_balance(sheet: ProtocolSheet) -> list[Finding]:
    """Valid (candidates' votes + against all) + invalid = ballots in the boxes (form)."""
    p = sheet.protocol
    difference = p.ballots_in_boxes - sheet.valid - p.invalid
    if difference == 0:
        return []
    return [
        sheet.finding(
            "P.103",
            ("ballots_in_boxes", "invalid", "against_all", "votes"),
            in_boxes=p.ballots_in_boxes,
            candidate_votes=sheet.candidate_votes,
            against_all=sheet.against_all,
            invalid=p.invalid,
            valid=sheet.valid,
            difference=difference,
        )
    ]


@_check("P.104")
def _issued_not_above_list(sheet: ProtocolSheet) -> list[Finding]:
    """Ballots issued <= voters on the list (form; article unconfirmed)."""
    p = sheet.protocol
    if p.ballots_issued <= p.voters_on_list:
        return []
    return [
        sheet.finding(
            "P.104",
            ("ballots_issued", "voters_on_list"),
            issued=p.ballots_issued,
            voters=p.voters_on_list,
            excess=p.ballots_issued - p.voters_on_list,
        )
    ]


@_check("P.105")
def _counts_not_above_list(sheet: ProtocolSheet) -> list[Finding]:
    """No count of ballots cast exceeds the voters on the list (form; article unconfirmed)."""
    p = sheet.protocol
    counts: list[tuple[str, Term | str, int]] = [
        ("ballots_in_boxes", _field("ballots_in_boxes"), p.ballots_in_boxes),
        ("invalid", _field("invalid"), p.invalid),
    ]
    if p.against_all is not None:
        counts.append(("against_all", _field("against_all"), p.against_all))
    counts.extend(
        (f"votes.{candidate}", Term("law.field.votes_for", (("candidate", candidate),)), votes)
        for candidate, votes in sorted(p.votes.items())
    )
    return [
        sheet.finding(
            "P.105", ("voters_on_list", name), field=label, value=value, voters=p.voters_on_list
        )
        for name, label, value in counts
        if value > p.voters_on_list
    ]


@_check("P.106")
def _against_all_missing(sheet: ProtocolSheet) -> list[Finding]:
    """The ballot has the against-all line, so the protocol must give its count."""
    if sheet.law.against_all_on_ballot and sheet.protocol.against_all is None:
        return [sheet.finding("P.106", ("against_all",), law=sheet.law.code)]
    return []


@_check("P.107")
def _against_all_unexpected(sheet: ProtocolSheet) -> list[Finding]:
    """The ballot has no against-all line, so the protocol may not give a count for it."""
    if not sheet.law.against_all_on_ballot and sheet.protocol.against_all is not None:
        return [
            sheet.finding(
                "P.107",
                ("against_all",),
                law=sheet.law.code,
                against_all=sheet.protocol.against_all,
            )
        ]
    return []


@_check("P.108")
def _candidate_missing(sheet: ProtocolSheet) -> list[Finding]:
    """Every candidate on the ballot has a count (zero included)."""
    return [
        sheet.finding("P.108", (f"votes.{candidate}",), candidate=candidate)
        for candidate in sheet.candidates
        if candidate not in sheet.protocol.votes
    ]


@_check("P.109")
def _candidate_unknown(sheet: ProtocolSheet) -> list[Finding]:
    """No count for anyone who is not on the ballot (a withdrawn candidate whose name was
    printed is on it)."""
    known = set(sheet.candidates) | set(sheet.withdrawn)
    return [
        sheet.finding("P.109", (f"votes.{candidate}",), candidate=candidate, votes=votes)
        for candidate, votes in sorted(sheet.protocol.votes.items())
        if candidate not in known
    ]


@_check("P.110")
def _withdrawn_line(sheet: ProtocolSheet) -> list[Finding]:
    """Marks for a candidate who withdrew after the ballots were printed (art. 113-6):
    ``invalid`` — no count on their line (they are among the invalid ballots), zero allowed;
    ``separate`` — a count on their line is required."""
    if not sheet.withdrawn:
        return []
    how = sheet.law.withdrawn_votes
    out: list[Finding] = []
    for candidate in sheet.withdrawn:
        votes = sheet.protocol.votes.get(candidate)
        match how:
            case WithdrawnVotes.INVALID:
                if votes:
                    out.append(
                        sheet.finding(
                            "P.110",
                            (f"votes.{candidate}", "invalid"),
                            candidate=candidate,
                            votes=votes,
                            how=Term(f"law.withdrawn_votes.{how.value}"),
                        )
                    )
            case WithdrawnVotes.SEPARATE:
                if votes is None:
                    out.append(
                        sheet.finding(
                            "P.110",
                            (f"votes.{candidate}",),
                            candidate=candidate,
                            votes="—",
                            how=Term(f"law.withdrawn_votes.{how.value}"),
                        )
                    )
    return out


def _split(sheet: ProtocolSheet) -> dict[str, int | None]:
    return {name: getattr(sheet.protocol, name) for name in HOME_VOTING_FIELDS}


@_check("P.111")
def _issued_split(sheet: ProtocolSheet) -> list[Finding]:
    """Ballots issued in the station + outside it (portable boxes) = ballots issued."""
    p = sheet.protocol
    inside, outside = p.ballots_issued_in_station, p.ballots_issued_outside
    if inside is None or outside is None:
        return []
    difference = p.ballots_issued - inside - outside
    if difference == 0:
        return []
    return [
        sheet.finding(
            "P.111",
            ("ballots_issued_in_station", "ballots_issued_outside", "ballots_issued"),
            issued=p.ballots_issued,
            in_station=inside,
            outside=outside,
            difference=difference,
        )
    ]


@_check("P.112")
def _boxes_split(sheet: ProtocolSheet) -> list[Finding]:
    """Ballots in the stationary boxes + in the portable boxes = ballots in the boxes."""
    p = sheet.protocol
    stationary, portable = p.ballots_in_stationary_boxes, p.ballots_in_portable_boxes
    if stationary is None or portable is None:
        return []
    difference = p.ballots_in_boxes - stationary - portable
    if difference == 0:
        return []
    return [
        sheet.finding(
            "P.112",
            ("ballots_in_stationary_boxes", "ballots_in_portable_boxes", "ballots_in_boxes"),
            in_boxes=p.ballots_in_boxes,
            stationary=stationary,
            portable=portable,
            difference=difference,
        )
    ]


@_check("P.113")
def _box_not_above_issued(sheet: ProtocolSheet) -> list[Finding]:
    """A kind of box holds no more ballots than were issued for it."""
    p = sheet.protocol
    pairs = (
        ("ballots_in_portable_boxes", p.ballots_in_portable_boxes,
         "ballots_issued_outside", p.ballots_issued_outside),
        ("ballots_in_stationary_boxes", p.ballots_in_stationary_boxes,
         "ballots_issued_in_station", p.ballots_issued_in_station),
    )  # fmt: skip
    return [
        sheet.finding(
            "P.113",
            (box, issued_name),
            box=_field(box),
            found=found,
            issued_for=_field(issued_name),
            issued=issued,
            excess=found - issued,
        )
        for box, found, issued_name, issued in pairs
        if found is not None and issued is not None and found > issued
    ]


@_check("P.114")
def _split_complete(sheet: ProtocolSheet) -> list[Finding]:
    """The home-voting split is given in full or not at all."""
    values = _split(sheet)
    missing = [name for name, value in values.items() if value is None]
    if not missing or len(missing) == len(values):
        return []
    return [
        sheet.finding(
            "P.114",
            tuple(missing),
            missing=tuple(_field(name) for name in missing),
        )
    ]


# --- P.2xx plausibility -----------------------------------------------------------------


def _percent(part: int, whole: int) -> Fraction:
    return Fraction(100 * part, whole)


@_check("P.201")
def _invalid_share(sheet: ProtocolSheet) -> list[Finding]:
    """Invalid ballots above the plausibility threshold (saylau check, not law)."""
    p = sheet.protocol
    limit = rule("P.201").param("max_invalid_pct")
    if p.ballots_in_boxes == 0 or 100 * p.invalid <= limit * p.ballots_in_boxes:
        return []
    return [
        sheet.finding(
            "P.201",
            ("invalid", "ballots_in_boxes"),
            invalid=p.invalid,
            in_boxes=p.ballots_in_boxes,
            share=_percent(p.invalid, p.ballots_in_boxes),
        )
    ]


@_check("P.202")
def _empty_boxes(sheet: ProtocolSheet) -> list[Finding]:
    """No ballot in the boxes (saylau check, not law)."""
    p = sheet.protocol
    if p.ballots_in_boxes != 0:
        return []
    return [sheet.finding("P.202", ("ballots_in_boxes",), voters=p.voters_on_list)]


@_check("P.203")
def _turnout_high(sheet: ProtocolSheet) -> list[Finding]:
    """Turnout (ballots issued / voters on the list) above the threshold (saylau check)."""
    p = sheet.protocol
    limit = rule("P.203").param("max_turnout_pct")
    if p.voters_on_list == 0 or 100 * p.ballots_issued <= limit * p.voters_on_list:
        return []
    return [
        sheet.finding(
            "P.203",
            ("ballots_issued", "voters_on_list"),
            issued=p.ballots_issued,
            voters=p.voters_on_list,
            turnout=_percent(p.ballots_issued, p.voters_on_list),
        )
    ]


@_check("P.204")
def _turnout_low(sheet: ProtocolSheet) -> list[Finding]:
    """Turnout (ballots issued / voters on the list) below the threshold (saylau check)."""
    p = sheet.protocol
    limit = rule("P.204").param("min_turnout_pct")
    if p.voters_on_list == 0 or 100 * p.ballots_issued >= limit * p.voters_on_list:
        return []
    return [
        sheet.finding(
            "P.204",
            ("ballots_issued", "voters_on_list"),
            issued=p.ballots_issued,
            voters=p.voters_on_list,
            turnout=_percent(p.ballots_issued, p.voters_on_list),
        )
    ]


@_check("P.205")
def _unanimous(sheet: ProtocolSheet) -> list[Finding]:
    """One candidate has every valid vote although voters had a choice (saylau check)."""
    p = sheet.protocol
    had_choice = len(sheet.candidates) > 1 or p.against_all is not None
    if not had_choice or sheet.valid == 0:
        return []
    return [
        sheet.finding("P.205", (f"votes.{candidate}",), candidate=candidate, votes=votes)
        for candidate, votes in sorted(p.votes.items())
        if votes == sheet.valid and candidate in sheet.candidates
    ]


@_check("P.206")
def _list_changed(sheet: ProtocolSheet) -> list[Finding]:
    """Voters on the list far from the station's registered voters (saylau check)."""
    registered = sheet.registered_voters
    voters = sheet.protocol.voters_on_list
    if registered is None or voters == registered:
        return []
    limit = rule("P.206").param("max_list_change_pct")
    change = abs(voters - registered)
    if registered > 0 and 100 * change <= limit * registered:
        return []
    share = _percent(change, registered) if registered > 0 else Fraction(100)
    return [
        sheet.finding(
            "P.206",
            ("voters_on_list", "registered_voters"),
            voters=voters,
            registered=registered,
            change=share,
        )
    ]


# --- entry point ------------------------------------------------------------------------


def _candidates(candidates: Sequence[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    for candidate in candidates:
        if candidate in seen:
            raise LawError("L.002", "candidates", candidate=candidate)
        seen.add(candidate)
    return tuple(candidates)


def check_protocol(
    protocol: Protocol,
    *,
    candidates: Sequence[str],
    law: LawVersion,
    registered_voters: int | None = None,
    withdrawn: Sequence[str] = (),
) -> list[Finding]:
    """All findings of the protocol rules (P.1xx, P.2xx) that apply to ``law``, at once.

    ``candidates`` are the codes of the contest's registered candidates (the keys expected in
    ``protocol.votes``); ``withdrawn`` those who withdrew after the ballots were printed (on
    the ballot, counted as ``withdrawn_votes`` says, P.110); ``registered_voters`` is the
    station's registered voters, if known, for the P.206 plausibility check. Findings come
    in catalogue order. Legal basis: Constitutional Law No. 2464, article unconfirmed;
    protocol form of CEC resolution No. 4/408 (see each rule's reference).
    """
    if registered_voters is not None and (
        isinstance(registered_voters, bool) or registered_voters < 0
    ):
        raise LawError(
            "L.005", "registered_voters", field="registered_voters", value=registered_voters
        )
    active = _candidates(candidates)
    gone = _candidates(withdrawn)
    both = set(active) & set(gone)
    if both:
        raise LawError("L.002", "candidates", candidate=sorted(both)[0])
    sheet = ProtocolSheet(protocol, active, law, registered_voters, gone)
    findings: list[Finding] = []
    for applicable in rules_for(law):
        if applicable.kind not in (RuleKind.PROTOCOL, RuleKind.PLAUSIBILITY):
            continue
        check = PROTOCOL_CHECKS.get(applicable.code)
        if check is None:
            raise LawError("L.016", "rule", code=applicable.code)
        findings.extend(check(sheet))
    return findings


def errors(findings: Sequence[Finding]) -> list[Finding]:
    """The findings that block (severity ``error``)."""
    return [finding for finding in findings if finding.blocks]


def by_code(findings: Sequence[Finding]) -> Mapping[str, list[Finding]]:
    """Findings grouped by rule code, in order of first appearance."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.code, []).append(finding)
    return grouped
