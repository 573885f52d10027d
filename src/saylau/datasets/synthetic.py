"""A generator of SYNTHETIC rural akim elections, with optional injected anomalies.

Everything generated here is labelled synthetic: the election is marked ``synthetic=True``, its
names and the names of its districts, okrugs, stations and commissions say "synthetic" (in
Kazakh, Russian and English), and it cites a source row of kind ``synthetic`` that records the
seed and the anomalies. None of it describes a real place, person or result: the regions are
real (so that maps and groupings work), everything below them is invented.

The model, per station, is built from votes upward so that every control relation of the
protocol holds by construction (``saylau.law.protocol``):

1. registered voters ~ log-normal (median 650, clipped to 120–3,000); voters on the list add
   about 1% registered on polling day;
2. turnout: each okrug draws a mean from Beta(mean 0.70, α+β = 20) and each station its own
   rate from Beta(okrug mean, α+β = 80); the voters who come ~ Binomial(list, rate);
3. a few take a ballot but do not put it in the box (Binomial, 0.2%); of the ballots in the
   boxes, invalid ~ Binomial(1.2% on average), against all ~ Binomial(2.5% on average) when the
   ballot has the line, and the rest go to the candidates ~ Multinomial(station shares), with
   okrug shares ~ Dirichlet(2, …, 2) over 2–4 candidates and station shares ~
   Dirichlet(150 × okrug shares);
4. ballots in the boxes = invalid + against all + candidates' votes; ballots issued = in the
   boxes + not put in; ballots received = voters on the list (+ a reserve at some stations);
   cancelled = received − issued.

Anomalies (each at a random ``fraction`` of stations, drawn from its own random stream so that
the clean part of an election is the same for a seed whatever is injected):

* ``stuffing`` — ballots for the okrug's leading candidate are added, a share (uniform
  0.3–0.8, times ``intensity``) of the voters who did not come, so turnout and the leader's share
  rise together (the signature of Klimek et al. 2012);
* ``rounding`` — turnout and the leader's share of valid votes are set to the count nearest an
  integer percentage (Kobak et al. 2016), the difference taken from or given to the leader and
  the other lines;
* ``digits`` — the last digit of every candidate count ≥ 10 is replaced by a digit drawn from a
  non-uniform "human" distribution (Beber & Scacco 2012), the totals recomputed upward.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from saylau.datasets.reader import DatasetContent, Row
from saylau.domain import Names, Protocol
from saylau.forensics.stats import (
    beta_mean,
    binomial,
    dirichlet,
    multinomial,
    round_half_up,
)

ALMATY = ZoneInfo("Asia/Almaty")
DEFAULT_DATE = dt.date(2025, 7, 20)
DEFAULT_LAW = "rural-akim-2023"
GENERATOR = "saylau.datasets.synthetic v1"

# Oblasts of the 2021 division (the seed's Tables 3-4); cities of republican significance have
# no rural akims.
REGIONS_2021: tuple[str, ...] = (
    "KZ-11",
    "KZ-15",
    "KZ-19",
    "KZ-23",
    "KZ-27",
    "KZ-31",
    "KZ-35",
    "KZ-39",
    "KZ-43",
    "KZ-47",
    "KZ-55",
    "KZ-59",
    "KZ-61",
    "KZ-63",
)
# Parties registered on the default polling day (ADAL merged into AMANAT in 2022).
PARTIES: tuple[str, ...] = ("amanat", "auyl", "ak-zhol", "qhp", "nsdp", "respublica", "baytaq")
SELF_NOMINATED_SHARE = 1419 / 2297  # seed paper, Table 2: self-nominated among all candidates

# A "human" last-digit preference used to fabricate counts (illustrative, not estimated).
HUMAN_DIGITS: tuple[float, ...] = (0.05, 0.10, 0.13, 0.12, 0.10, 0.07, 0.12, 0.14, 0.10, 0.07)


class AnomalyKind(StrEnum):
    """Kinds of manipulation the generator can inject."""

    STUFFING = "stuffing"
    ROUNDING = "rounding"
    DIGITS = "digits"


DEFAULT_FRACTION: dict[AnomalyKind, float] = {
    AnomalyKind.STUFFING: 0.10,
    AnomalyKind.ROUNDING: 0.20,
    AnomalyKind.DIGITS: 0.75,
}


@dataclass(frozen=True)
class Anomaly:
    """One manipulation, applied to ``fraction`` of the stations (rounded to whole stations)."""

    kind: AnomalyKind
    fraction: float | None = None
    intensity: float = 1.0

    @property
    def share(self) -> float:
        """The fraction of stations affected (the kind's default when not given)."""
        return DEFAULT_FRACTION[self.kind] if self.fraction is None else self.fraction

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"anomaly fraction must be within 0..1 (got {self.share})")
        if not 0.0 < self.intensity <= 1.25:
            raise ValueError(f"anomaly intensity must be within (0, 1.25] (got {self.intensity})")


def parse_anomalies(text: str | None) -> list[Anomaly]:
    """``stuffing,rounding:0.3,digits`` → anomalies (an optional ``:fraction`` per kind)."""
    out: list[Anomaly] = []
    if not text:
        return out
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, fraction = part.partition(":")
        kind = AnomalyKind(name.strip())
        out.append(Anomaly(kind, float(fraction) if fraction else None))
    return out


@dataclass
class _Counts:
    """A station's counts before assembly into a protocol."""

    registered: int
    voters_on_list: int
    reserve: int
    not_in_box: int
    invalid: int
    against_all: int | None
    votes: dict[str, int]
    leader: str

    @property
    def valid(self) -> int:
        return sum(self.votes.values()) + (self.against_all or 0)

    @property
    def in_boxes(self) -> int:
        return self.valid + self.invalid

    @property
    def issued(self) -> int:
        return self.in_boxes + self.not_in_box


@dataclass(frozen=True)
class SyntheticElection:
    """A generated election: setup rows (dataset format), candidates, protocols, ground truth."""

    code: str
    seed: int
    date: dt.date
    law_version: str
    names: Names
    anomalies: tuple[Anomaly, ...]
    source: Row
    districts: list[Row]
    okrugs: list[Row]
    stations: list[Row]
    commissions: list[Row]
    candidates: list[Row]
    protocols: list[Protocol]
    truth: dict[str, tuple[AnomalyKind, ...]] = field(default_factory=dict)
    # False: a ballot without the against-all line, set for the election (an override of the
    # law version, which every outcome then marks unconfirmed); None: as the version says.
    against_all_on_ballot: bool | None = None

    def setup_content(self) -> DatasetContent:
        """Districts, okrugs, stations and commissions, as ``load_setup`` takes them."""
        return DatasetContent(
            rows={
                "districts": self.districts,
                "okrugs": self.okrugs,
                "stations": self.stations,
                "commissions": self.commissions,
            }
        )

    def candidate_content(self) -> DatasetContent:
        """The nominations, as ``nominations.nominate`` takes them."""
        return DatasetContent(rows={"candidates": self.candidates})

    @property
    def okrug_of(self) -> dict[str, str]:
        """Station code → okrug code."""
        return {str(row["code"]): str(row["okrug"]) for row in self.stations}

    @property
    def candidates_of(self) -> dict[str, list[str]]:
        """Okrug code → candidate codes, in ballot order."""
        out: dict[str, list[str]] = {}
        for row in self.candidates:
            out.setdefault(str(row["okrug"]), []).append(str(row["code"]))
        return out

    def affected(self, kind: AnomalyKind) -> list[str]:
        """Stations where ``kind`` was injected."""
        return sorted(s for s, kinds in self.truth.items() if kind in kinds)


def _names(kind_kk: str, kind_ru: str, kind_en: str, number: int) -> dict[str, str]:
    return {
        "name_kk": f"Синтетикалық {kind_kk} №{number}",
        "name_ru": f"Синтетический {kind_ru} №{number}",
        "name_en": f"Synthetic {kind_en} No. {number}",
    }


def _lognormal_voters(rng: random.Random) -> int:
    return int(min(3000, max(120, round(rng.lognormvariate(math.log(650), 0.55)))))


def _candidate_count(rng: random.Random) -> int:
    return rng.choices((2, 3, 4), weights=(0.35, 0.40, 0.25))[0]


def generate(
    seed: int,
    n_okrugs: int = 60,
    stations_per_okrug: int = 4,
    *,
    code: str | None = None,
    date: dt.date = DEFAULT_DATE,
    law_version: str | None = None,
    against_all: bool = True,
    mean_turnout: float = 0.70,
    anomalies: Sequence[Anomaly] | None = None,
) -> SyntheticElection:
    """Generate a synthetic election, deterministic for ``seed`` (see the module docstring).

    ``law_version`` defaults to ``rural-akim-2023``. Every akim law version has the
    against-all line (the July 2021 rural ballots had it too), so ``against_all=False`` sets
    the election's ballot without it (``against_all_on_ballot``), an override that the law
    layer marks unconfirmed.
    """
    if n_okrugs < 1 or stations_per_okrug < 1:
        raise ValueError("need at least one okrug and one station per okrug")
    if not 0.05 < mean_turnout < 0.95:
        raise ValueError("mean turnout must be within (0.05, 0.95)")
    code = code or f"synthetic-{seed}"
    law_version = law_version or DEFAULT_LAW
    rng = random.Random(seed)
    anomalies = tuple(anomalies or ())
    label = ", ".join(f"{a.kind.value}:{a.share:g}" for a in anomalies) or "none"
    source_code = f"{code}-source"
    source: Row = {
        "code": source_code,
        "kind": "synthetic",
        "title": f"SYNTHETIC election {code} (generated by saylau, not real data)",
        "citation": f"{GENERATOR}; seed {seed}; {n_okrugs} okrugs x {stations_per_okrug} "
        f"stations; anomalies: {label}",
        "url": None,
        "licence": "CC0-1.0",
        "synthetic": True,
        "note": "Generated data for testing and teaching; it describes no real election.",
    }
    names = Names(
        kk=f"Синтетикалық сайлау {code} (нақты емес)",
        ru=f"Синтетические выборы {code} (не реальные)",
        en=f"Synthetic election {code} (not real)",
    )
    n_districts = max(1, math.ceil(n_okrugs / 10))
    regions = list(REGIONS_2021)
    rng.shuffle(regions)
    districts: list[Row] = []
    commissions: list[Row] = []
    for d in range(1, n_districts + 1):
        district = f"{code}-d{d:02d}"
        districts.append(
            {
                "code": district,
                "region": regions[(d - 1) % len(regions)],
                "kind": "district",
                **_names("аудан", "район", "district", d),
                "kato": None,
            }
        )
        commissions.append(
            {
                "code": f"{district}-tec",
                "level": "territorial",
                "territory": district,
                **_names("аумақтық комиссия", "ТИК", "territorial commission", d),
            }
        )
    okrugs: list[Row] = []
    stations: list[Row] = []
    candidates: list[Row] = []
    counts: dict[str, _Counts] = {}
    nominated_at = dt.datetime.combine(date - dt.timedelta(days=35), dt.time(10, 0), tzinfo=ALMATY)
    number = 100
    for o in range(1, n_okrugs + 1):
        okrug = f"{code}-o{o:03d}"
        district = districts[(o - 1) % n_districts]["code"]
        k = _candidate_count(rng)
        okrug_shares = dirichlet(rng, [2.0] * k)
        codes = [f"{okrug}-c{i}" for i in range(1, k + 1)]
        leader = codes[max(range(k), key=lambda i: okrug_shares[i])]
        okrug_turnout = beta_mean(rng, mean_turnout, 20.0)
        q_invalid = beta_mean(rng, 0.012, 200.0)
        q_against = beta_mean(rng, 0.025, 60.0) if against_all else 0.0
        voters_total = 0
        for _s in range(stations_per_okrug):
            number += 1
            station = f"{code}-s{number:05d}"
            registered = _lognormal_voters(rng)
            voters_total += registered
            on_list = registered + binomial(rng, registered, 0.01)
            rate = beta_mean(rng, okrug_turnout, 80.0)
            came = binomial(rng, on_list, rate)
            not_in_box = binomial(rng, came, 0.002)
            in_boxes = came - not_in_box
            invalid = binomial(rng, in_boxes, q_invalid)
            against = binomial(rng, in_boxes - invalid, q_against) if against_all else None
            shares = dirichlet(rng, [150.0 * s for s in okrug_shares])
            votes = multinomial(rng, in_boxes - invalid - (against or 0), shares)
            reserve = rng.choice((0, 0, 0, 10, 20))
            counts[station] = _Counts(
                registered=registered,
                voters_on_list=on_list,
                reserve=reserve,
                not_in_box=not_in_box,
                invalid=invalid,
                against_all=against,
                votes=dict(zip(codes, votes, strict=True)),
                leader=leader,
            )
            stations.append(
                {
                    "code": station,
                    "okrug": okrug,
                    "number": number,
                    **_names("учаске", "участок", "station", number),
                    "registered_voters": registered,
                }
            )
            commissions.append(
                {
                    "code": f"{station}-pec",
                    "level": "precinct",
                    "territory": station,
                    **_names("учаскелік комиссия", "УИК", "precinct commission", number),
                }
            )
        okrugs.append(
            {
                "code": okrug,
                "district": district,
                "kind": "rural_okrug",
                **_names("ауылдық округ", "сельский округ", "rural okrug", o),
                "kato": None,
                "population": round(voters_total * rng.uniform(1.45, 1.75)),
            }
        )
        for i, candidate in enumerate(codes, start=1):
            party = None if rng.random() < SELF_NOMINATED_SHARE else rng.choice(PARTIES)
            candidates.append(
                {
                    "code": candidate,
                    "okrug": okrug,
                    "name": f"Synthetic candidate {o:03d}-{i}",
                    "party": party,
                    "sex": "female" if rng.random() < 458 / 2297 else "male",
                    "birth_date": dt.date(rng.randint(1962, 1995), rng.randint(1, 12), 15),
                    "citizen": True,
                    "criminal_record": False,
                    "legally_incapable": False,
                    "corruption_offence": False,
                    "qualified": True,
                    "party_member": True if party else None,
                    "signatures": 0
                    if party
                    else math.ceil(voters_total / 100) + rng.randint(5, 60),
                    "deposit_paid": True,
                    "declarations_filed": True,
                    "nominated_at": nominated_at,
                    "incumbent": False,
                    "former_akim": False,
                }
            )
    truth: dict[str, list[AnomalyKind]] = {}
    order = sorted(counts)
    for anomaly in sorted(anomalies, key=lambda a: list(AnomalyKind).index(a.kind)):
        stream = random.Random(f"{seed}:{anomaly.kind.value}")
        chosen = stream.sample(order, round(anomaly.share * len(order)))
        for station in sorted(chosen):
            if _INJECT[anomaly.kind](stream, counts[station], anomaly.intensity):
                truth.setdefault(station, []).append(anomaly.kind)
    protocols = [_protocol(code, station, counts[station]) for station in order]
    return SyntheticElection(
        code=code,
        seed=seed,
        date=date,
        law_version=law_version,
        against_all_on_ballot=None if against_all else False,
        names=names,
        anomalies=anomalies,
        source=source,
        districts=districts,
        okrugs=okrugs,
        stations=stations,
        commissions=commissions,
        candidates=candidates,
        protocols=protocols,
        truth={s: tuple(k) for s, k in sorted(truth.items())},
    )


def _protocol(election: str, station: str, c: _Counts) -> Protocol:
    received = c.voters_on_list + c.reserve
    return Protocol(
        station=station,
        election=election,
        voters_on_list=c.voters_on_list,
        ballots_received=received,
        ballots_issued=c.issued,
        ballots_cancelled=received - c.issued,
        ballots_in_boxes=c.in_boxes,
        invalid=c.invalid,
        against_all=c.against_all,
        votes=dict(c.votes),
    )


# --- anomalies ------------------------------------------------------------------------------


def _stuff(rng: random.Random, c: _Counts, intensity: float) -> bool:
    room = c.voters_on_list - c.issued
    added = min(room, round(rng.uniform(0.3, 0.8) * intensity * room))
    if added <= 0:
        return False
    c.votes[c.leader] += added
    return True


def _spread(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders; equal if all zero)."""
    if not weights:
        return []
    base = sum(weights)
    if base == 0:
        weights, base = [1] * len(weights), len(weights)
    shares = [total * w // base for w in weights]
    rest = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % base), i))
    for i in order[:rest]:
        shares[i] += 1
    return shares


def _round(rng: random.Random, c: _Counts, intensity: float) -> bool:
    del rng, intensity
    n = c.voters_on_list
    if n < 100:
        return False
    # 1. turnout (ballots issued / voters on the list) to the count nearest an integer percent
    m1 = min(100, round_half_up(100 * c.issued, n))
    target_issued = min(n, round_half_up(m1 * n, 100))
    delta = target_issued - c.issued
    if c.votes[c.leader] + delta < 0:
        return False
    c.votes[c.leader] += delta
    # 2. the leader's share of valid votes to the count nearest an integer percent
    valid = c.valid
    if valid <= 0:
        return False
    leader = c.votes[c.leader]
    m2 = round_half_up(100 * leader, valid)
    target = round_half_up(m2 * valid, 100)
    others = [k for k in c.votes if k != c.leader]
    lines = [c.votes[k] for k in others] + [c.against_all or 0]
    rest = valid - target
    if rest < 0 or target < 0:
        return False
    new_lines = _spread(rest, lines)
    c.votes[c.leader] = target
    for key, value in zip(others, new_lines, strict=False):
        c.votes[key] = value
    if c.against_all is not None:
        c.against_all = new_lines[-1]
    elif new_lines and new_lines[-1]:  # no against-all line: give its part to the others
        if others:
            c.votes[others[0]] += new_lines[-1]
        else:
            c.votes[c.leader] += new_lines[-1]
    return True


def _digits(rng: random.Random, c: _Counts, intensity: float) -> bool:
    del intensity
    changed = False
    for key in sorted(c.votes):
        value = c.votes[key]
        if value >= 10:
            digit = rng.choices(range(10), weights=HUMAN_DIGITS)[0]
            c.votes[key] = value - value % 10 + digit
            changed = True
    # Keep ballots issued within the list: take whole tens off the largest counts.
    while c.issued > c.voters_on_list:
        biggest = max(c.votes, key=lambda k: c.votes[k])
        if c.votes[biggest] < 20:
            break
        c.votes[biggest] -= 10
    _fit(c)
    return changed


def _fit(c: _Counts) -> None:
    """Last resort: take any excess of ballots issued over the list off the largest count."""
    excess = c.issued - c.voters_on_list
    if excess <= 0:
        return
    taken = min(excess, c.not_in_box)
    c.not_in_box -= taken
    excess -= taken
    while excess > 0:
        biggest = max(c.votes, key=lambda k: c.votes[k])
        taken = min(excess, c.votes[biggest])
        if taken == 0:
            break
        c.votes[biggest] -= taken
        excess -= taken


_INJECT = {
    AnomalyKind.STUFFING: _stuff,
    AnomalyKind.ROUNDING: _round,
    AnomalyKind.DIGITS: _digits,
}


def kinds(values: Iterable[str]) -> list[AnomalyKind]:
    """Anomaly kinds from their names."""
    return [AnomalyKind(v) for v in values]
