"""Everything the public pages read, loaded once per request in one read session."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from saylau import consistency
from saylau.domain import Election, Figure, Level, Measure, Nomination, Region, Sex, Source
from saylau.reports.seed_tables import ELECTION, SeedInputs, party_names_at
from saylau.service import Saylau
from saylau.store import queries
from saylau.web import data
from saylau.web.data import PartyRecord, Place


@dataclass
class Snapshot:
    """Figures, registry, sources and the consistency findings, as stored now."""

    figures: list[Figure]
    regions: dict[str, Region]
    parties: dict[str, PartyRecord]
    sources: dict[str, Source]
    elections: dict[str, Election]
    places: list[Place] = field(default_factory=list)

    @classmethod
    def load(cls, service: Saylau, *, places: bool = False) -> Snapshot:
        """Read everything in one session (places only when asked: they may be many)."""
        with service.session() as session:
            return cls(
                figures=queries.figures(session),
                regions=queries.regions(session),
                parties=data.parties(session),
                sources=queries.sources(session),
                elections=queries.elections(session),
                places=data.places(session) if places else [],
            )

    @cached_property
    def by_id(self) -> dict[str, Figure]:
        """Figures by id."""
        return {f.id: f for f in self.figures}

    @cached_property
    def findings(self) -> list[tuple[str, consistency.Finding]]:
        """Every finding of ``saylau check`` with a stable anchor id (rule and unit)."""
        out: list[tuple[str, consistency.Finding]] = []
        seen: dict[str, int] = {}
        for finding in consistency.check(self.figures):
            base = f"{finding.rule}-{finding.unit}"
            seen[base] = seen.get(base, 0) + 1
            out.append((base if seen[base] == 1 else f"{base}-{seen[base]}", finding))
        return out

    def findings_about(
        self, ids: set[str], unit: str | None = None, measure: str | None = None
    ) -> list[tuple[str, consistency.Finding]]:
        """Findings that involve any of the figures ``ids``, or that recompute ``measure``
        for ``unit`` (e.g. the akims elected in the republic)."""
        return [
            (anchor, finding)
            for (anchor, finding), involved in zip(self.findings, self._involved, strict=True)
            if not ids.isdisjoint(involved)
            or (unit is not None and finding.unit == unit and measure in finding.computed)
        ]

    @cached_property
    def _involved(self) -> list[frozenset[str]]:
        return [frozenset(f.id for f in finding.involved) for _, finding in self.findings]

    def election(self, code: str = ELECTION) -> Election | None:
        """An election by code."""
        return self.elections.get(code)

    def is_synthetic(self, figure: Figure) -> bool:
        """Whether a figure is synthetic: its source or its election says so."""
        source = self.sources.get(figure.provenance.source)
        election = self.elections.get(figure.election or "")
        return bool((source and source.synthetic) or (election and election.synthetic))

    def election_figures(self, election: str = ELECTION) -> list[Figure]:
        """Figures of one election."""
        return [f for f in self.figures if f.election == election]

    def winners(self, election: str = ELECTION, unit: str | None = None) -> list[Figure]:
        """Regional figures of akims elected (by party and self-nominated)."""
        return [
            f
            for f in self.figures
            if f.election == election
            and f.level is Level.REGION
            and f.measure is Measure.WINNERS
            and f.nomination is not Nomination.ALL
            and (unit is None or f.unit == unit)
        ]

    def regional(self, measure: Measure, unit: str, election: str = ELECTION) -> Figure | None:
        """A region's total figure of ``measure`` (no breakdown)."""
        for f in self.figures:
            if (
                f.election == election
                and f.level is Level.REGION
                and f.unit == unit
                and f.measure is measure
                and f.party is None
                and f.nomination is Nomination.ALL
                and f.sex is Sex.ALL
            ):
                return f
        return None

    def seed_inputs(self, election: str = ELECTION) -> SeedInputs:
        """The inputs of the seed paper's tables, from this snapshot."""
        found = self.elections.get(election)
        day = found.date if found else None
        periods = [
            (code, p.valid_from, p.valid_to, p.names, p.short)
            for code, record in self.parties.items()
            for p in record.periods
        ]
        full, short = party_names_at(periods, day) if day else ({}, {})
        figures = [f for f in self.figures if f.election in (election, None)]
        return SeedInputs(figures, full, short, {c: r.names for c, r in self.regions.items()})

    def total(self, figures: list[Figure]) -> Decimal:
        """The sum of figures' values."""
        return sum((f.value for f in figures), Decimal(0))
