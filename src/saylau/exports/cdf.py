"""NIST SP 1500-100 version 2 (Election Results Common Data Format), JSON: write, read,
validate.

The mapping (the docs' formats page has the full table):

* **reporting units** (``GpUnit``): the republic (``country``), regions, districts, okrugs
  (``other`` with the kind as ``OtherType``; villages as ``village``, cities as ``city``) and
  polling stations (``precinct``, with their ``Number``); their saylau code, KATO code
  (``national-level``, label ``KATO``) and ISO 3166-2 codes as external identifiers;
  ``VotersRegistered`` = voters on the lists of the protocols, ``VotersParticipated`` =
  ballots issued, ``SubUnitsReported``/``TotalSubUnits`` = stations reported/expected and the
  unit's ``CountStatus``;
* **parties** with their full and short names in force on polling day; **persons** and
  **candidates** (``BallotName`` as registered, party, incumbency, ``PreElectionStatus``
  ``qualified`` for registered, ``filed`` for refused nominations and ``withdrawn`` for a
  candidate who withdrew, with the moment of the application and its document as
  ``saylau-withdrawn-at`` and ``saylau-withdrawal-document``; ``PostElectionStatus`` from the
  outcome, ``withdrawn`` for them; a nomination by the higher akim as
  ``saylau-nominated-by``);
* one **office** (akim) and one ``CandidateContest`` per okrug: a selection per registered
  candidate and one for the **against-all** line ("барлығына қарсымын" / "против всех", a
  ballot line held as a candidate whose external identifier ``saylau-ballot-line`` is
  ``against-all``), with ``VoteCounts`` (type ``total``) per station and for the okrug; a
  candidate who withdrew after the ballots were printed keeps the selection of the ballot
  line; the contest's outcome and its certification (SHA-256, time, who) as external
  identifiers;
* ``BallotCounts`` per unit: ``BallotsCast`` = ballots in the boxes, ``BallotsRejected`` =
  invalid ballots (type ``total``), and the home-voting split of the ballots found as counts
  of type ``other``: ``stationary-boxes`` and ``portable-boxes`` (for units whose reported
  stations all give the split; a partial sum is left to the stations' own counts);
* published **figures** of akims elected by party and region (the 2021 data) as a
  ``PartyContest`` whose counts have type ``seats`` (self-nominees as a selection of a
  non-party marked ``IsRecognizedParty: false``);
* the report's ``Status`` (``certified`` when every okrug's certification matches the data),
  ``IsTest`` for synthetic data, and in ``Notes`` and the report's external identifiers the
  audit head and signed checkpoint of the record and what the file leaves out.

Kazakh, Russian and English names go into ``InternationalizedText`` (``kk``, ``ru``, ``en``).
What the format cannot hold is listed by :func:`cdf_omissions`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from saylau import __version__
from saylau.datasets.reader import DatasetError, Problem
from saylau.exports.context import utc_text
from saylau.exports.model import Omission, OpenElection, Row, normalise, sort_rows
from saylau.exports.spec import BY_NAME
from saylau.i18n import LANGS, t

SCHEMA_FILE = "NIST_V2_election_results_reporting.json"
LANG_ORDER = ("kk", "ru", "en")
AGAINST_ALL = "against-all"
SELF = "self"
# BallotCounts of type "other": the ballots found in each kind of box (home voting).
BOX_COUNTS = {
    "stationary-boxes": "ballots_in_stationary_boxes",
    "portable-boxes": "ballots_in_portable_boxes",
}

# Kinds of unit <-> ReportingUnit Type / OtherType.
UNIT_TYPES: dict[tuple[str, str], tuple[str, str | None]] = {
    ("republic", "republic"): ("country", None),
    ("region", "oblast"): ("other", "oblast"),
    ("region", "city_republican"): ("other", "city-of-republican-significance"),
    ("district", "district"): ("other", "district"),
    ("district", "city_regional"): ("other", "city-of-regional-significance"),
    ("okrug", "rural_okrug"): ("other", "rural-okrug"),
    ("okrug", "village"): ("village", None),
    ("okrug", "settlement"): ("other", "settlement"),
    ("okrug", "city_district"): ("city", None),
    ("station", "station"): ("precinct", None),
}
UNIT_KINDS = {value: key for key, value in UNIT_TYPES.items()}
LEVEL_TABLE = {
    "region": "regions",
    "district": "districts",
    "okrug": "okrugs",
    "station": "stations",
}
CHILD = {"republic": "region", "region": "district", "district": "okrug", "okrug": "station"}


# --- the schema -----------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    """The NIST SP 1500-100 v2 JSON Schema shipped with saylau."""
    text = (resources.files("saylau.exports") / "schemas" / SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


@cache
def _validator() -> Any:
    """The reference validator (jsonschema, draft 4, with formats): it says what is wrong."""
    from jsonschema import Draft4Validator

    return Draft4Validator(schema(), format_checker=Draft4Validator.FORMAT_CHECKER)


@cache
def _fast_validator() -> Any:
    """The same schema compiled by jsonschema-rs: it answers valid or not in milliseconds
    (a national election's file takes seconds with jsonschema); a file it finds invalid is
    validated again by :func:`_validator`, whose errors are reported."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - an installation without it is only slower
        return None
    return jsonschema_rs.Draft4Validator(schema(), validate_formats=True)


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def validate(document: Mapping[str, Any], *, limit: int = 50) -> list[Problem]:
    """Every problem of ``document``: JSON Schema errors, then broken references.

    Each problem names the JSON pointer of the value and the rule (D.110 schema, D.111
    reference, D.112 duplicate ``@id``).
    """
    fast = _fast_validator()
    if fast is not None and fast.is_valid(document):
        return _references(document)[:limit]
    validator = _validator()
    problems: list[Problem] = []
    for top in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        for error in _leaves(top):
            problems.append(
                Problem(
                    "cdf", None, _pointer(error.absolute_path), "D.110", {"detail": error.message}
                )
            )
            if len(problems) >= limit:
                return problems
    if problems:
        return problems
    return _references(document)[:limit]


def _leaves(error: Any) -> Iterator[Any]:
    """The errors that say what is wrong: inside a ``oneOf`` of typed objects (GpUnit, Party,
    Contest ...), those of the branch whose ``@type`` the object has."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[object, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        fitting = [
            errors
            for errors in branches.values()
            if not any(list(e.relative_path) == ["@type"] for e in errors)
        ]
        if len(fitting) == 1:
            for sub in fitting[0]:
                yield from _leaves(sub)
            return
    yield error


def _objects(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict]]:
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _objects(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _objects(item, (*path, index))


def _references(document: Mapping[str, Any]) -> list[Problem]:
    definitions = schema()["definitions"]
    ids: dict[str, str] = {}
    problems: list[Problem] = []
    for path, obj in _objects(document):
        if "@id" in obj and isinstance(obj.get("@type"), str):
            if obj["@id"] in ids:
                problems.append(
                    Problem("cdf", None, _pointer((*path, "@id")), "D.112", {"value": obj["@id"]})
                )
            ids[obj["@id"]] = obj["@type"]
    for path, obj in _objects(document):
        kind = obj.get("@type")
        properties = (
            definitions.get(kind, {}).get("properties", {}) if isinstance(kind, str) else {}
        )
        for name, prop in properties.items():
            if name not in obj:
                continue
            allowed = prop.get("refTypes") or prop.get("items", {}).get("refTypes")
            if not allowed:
                continue
            values = obj[name] if isinstance(obj[name], list) else [obj[name]]
            for index, ref in enumerate(values):
                where = (*path, name, index) if isinstance(obj[name], list) else (*path, name)
                if ids.get(ref) not in allowed:
                    problems.append(
                        Problem(
                            "cdf",
                            None,
                            _pointer(where),
                            "D.111",
                            {"value": ref, "allowed": ", ".join(allowed)},
                        )
                    )
    return problems


# --- small builders -------------------------------------------------------------------------


def intl(texts: Mapping[str, object], label: str | None = None) -> dict[str, Any]:
    """InternationalizedText with one LanguageString per language given (kk, ru, en order)."""
    out: dict[str, Any] = {
        "@type": "ElectionResults.InternationalizedText",
        "Text": [
            {
                "@type": "ElectionResults.LanguageString",
                "Content": str(texts[lang]),
                "Language": lang,
            }
            for lang in LANG_ORDER
            if texts.get(lang)
        ],
    }
    if label:
        out["Label"] = label
    return out


def names_of(row: Row, prefix: str = "name") -> dict[str, object]:
    """``{"kk": row[name_kk], ...}``."""
    return {lang: row.get(f"{prefix}_{lang}") for lang in LANGS}


def ext(other_type: str, value: object, *, label: str | None = None) -> dict[str, Any]:
    """An ExternalIdentifier of type ``other``."""
    out: dict[str, Any] = {
        "@type": "ElectionResults.ExternalIdentifier",
        "Type": "other",
        "OtherType": other_type,
        "Value": str(value),
    }
    if label:
        out["Label"] = label
    return out


def _kato(value: object) -> dict[str, Any]:
    return {
        "@type": "ElectionResults.ExternalIdentifier",
        "Type": "national-level",
        "Label": "KATO",
        "Value": str(value),
    }


class Ids:
    """Stable, unique ``@id`` values (XML NCNames) for saylau codes."""

    def __init__(self) -> None:
        self._by_code: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()

    def __call__(self, prefix: str, code: str) -> str:
        key = (prefix, code)
        if key not in self._by_code:
            base = f"{prefix}-" + re.sub(r"[^A-Za-z0-9._-]", "_", code)
            candidate, n = base, 1
            while candidate in self._used:
                n += 1
                candidate = f"{base}-{n}"
            self._used.add(candidate)
            self._by_code[key] = candidate
        return self._by_code[key]


def _status(item: Mapping[str, Any]) -> dict[str, Any]:
    return {"@type": "ElectionResults.CountStatus", "Status": item, "Type": "total"}


# --- writing --------------------------------------------------------------------------------


def report_status(data: OpenElection) -> str:
    """The CDF ResultsStatus of the whole report."""
    outcomes = data.rows("outcomes")
    totals = {(r["level"], r["unit"]): r for r in data.rows("totals")}
    if outcomes and all(o["certified"] for o in outcomes):
        return "certified"
    republic = totals.get(("republic", "KZ"))
    if not outcomes and not totals:
        return "unofficial-complete" if data.rows("figures") else "pre-election"
    if republic is not None and republic["count_status"] is not None:
        status = str(republic["count_status"])
    else:
        okrugs = [r for r in data.rows("totals") if r["level"] == "okrug"]
        statuses = {r["count_status"] for r in okrugs}
        status = "completed" if statuses == {"completed"} else "in-process"
    return {
        "completed": "unofficial-complete",
        "in-process": "unofficial-partial",
        "not-processed": "pre-election",
    }.get(status, "unofficial-partial")


def to_cdf(data: OpenElection) -> dict[str, Any]:
    """The election as a NIST SP 1500-100 v2 ``ElectionReport``."""
    ids = Ids()
    meta = data.meta
    context = data.context.as_json() if data.context else {}
    totals = {(str(r["level"]), str(r["unit"])): r for r in data.rows("totals")}
    day = meta["date"]
    assert isinstance(day, dt.date)
    units = _gp_units(data, ids, totals)
    parties, self_party = _parties(data, ids, day)
    persons, candidates = _candidates(data, ids)
    contests = _contests(data, ids)
    if (figure_contest := _figure_contest(data, ids, self_party)) is not None:
        contests.append(figure_contest)
        if self_party is not None:
            parties.append(self_party)
    scope = ids("gpu", scope_of(data))
    election: dict[str, Any] = {
        "@type": "ElectionResults.Election",
        "Name": intl(names_of(meta)),
        "StartDate": day.isoformat(),
        "EndDate": day.isoformat(),
        "Type": "general",
        "ElectionScopeId": scope,
        "ExternalIdentifier": [
            ext("saylau-code", meta["code"]),
            ext("saylau-election-type", meta["type"]),
            ext("saylau-law-version", meta["law_version"]),
            *([ext("saylau-source", meta["source"])] if meta.get("source") else []),
        ],
    }
    republic = totals.get(("republic", "KZ"))
    if republic is not None and republic["count_status"] is not None:
        election["CountStatus"] = [_status(republic["count_status"])]
    ballots = []
    for (_level, unit), r in sorted(totals.items(), key=lambda kv: _unit_order(kv[0])):
        if r["ballots_in_boxes"] is not None or r["invalid"] is not None:
            ballots.append(
                {
                    "@type": "ElectionResults.BallotCounts",
                    "GpUnitId": ids("gpu", unit),
                    "Type": "total",
                    **(
                        {"BallotsCast": r["ballots_in_boxes"]}
                        if r["ballots_in_boxes"] is not None
                        else {}
                    ),
                    **({"BallotsRejected": r["invalid"]} if r["invalid"] is not None else {}),
                }
            )
        # The split of a unit whose reported stations do not all give it is a partial sum;
        # it is left to the stations' own counts (which the file holds) rather than shown as
        # if it covered the unit.
        complete = r["stations_with_split"] is None or (
            r["stations_with_split"] == r["stations_reported"]
        )
        for other, column in BOX_COUNTS.items():
            if complete and r[column] is not None:
                ballots.append(
                    {
                        "@type": "ElectionResults.BallotCounts",
                        "GpUnitId": ids("gpu", unit),
                        "Type": "other",
                        "OtherType": other,
                        "BallotsCast": r[column],
                    }
                )
    if ballots:
        election["BallotCounts"] = ballots
    if candidates:
        election["Candidate"] = candidates
    if contests:
        election["Contest"] = contests
    report: dict[str, Any] = {
        "@type": "ElectionResults.ElectionReport",
        "Format": "precinct-level"
        if any(r["level"] == "station" for r in data.rows("results"))
        else "summary-contest",
        "GeneratedDate": context.get("generated_at") or utc_text(dt.datetime.now(dt.UTC)),
        "Issuer": "saylau",
        "IssuerAbbreviation": "saylau",
        "VendorApplicationId": f"saylau {context.get('saylau_version') or __version__}",
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": report_status(data),
        "IsTest": data.synthetic,
        "Notes": _notes(data),
        "GpUnit": units,
        "Election": [election],
    }
    if data.synthetic:
        report["TestType"] = "synthetic data (generated, not real)"
    record = _record_ids(context)
    if record:
        report["ExternalIdentifier"] = record
    if parties:
        report["Party"] = parties
    if persons:
        report["Person"] = persons
    offices = _offices(data, ids)
    if offices:
        report["Office"] = offices
    return report


def scope_of(data: OpenElection) -> str:
    """The smallest unit that holds every okrug of the election (the republic without any)."""
    district_of = {str(o["code"]): str(o["district"]) for o in data.rows("okrugs")}
    region_of = {str(d["code"]): str(d["region"]) for d in data.rows("districts")}
    okrugs = sorted({str(c["okrug"]) for c in data.rows("contests")})
    if not okrugs:
        return "KZ"
    if len(okrugs) == 1:
        return okrugs[0]
    districts = {district_of.get(o) for o in okrugs}
    if len(districts) == 1 and None not in districts:
        return str(next(iter(districts)))
    regions = {region_of.get(str(d)) for d in districts}
    if len(regions) == 1 and None not in regions:
        return str(next(iter(regions)))
    return "KZ"


def _unit_order(key: tuple[str, str]) -> tuple[int, str]:
    order = ("republic", "region", "district", "okrug", "station")
    return order.index(key[0]) if key[0] in order else 9, key[1]


def _record_ids(context: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    head = context.get("audit_head")
    if head:
        out.append(
            ext("saylau-audit-head", head["hash"], label=f"entry {head['seq']} at {head['at']}")
        )
    checkpoint = context.get("checkpoint")
    if checkpoint:
        for key in ("seq", "head", "at", "key", "signature"):
            if checkpoint.get(key) is not None:
                out.append(ext(f"saylau-checkpoint-{key}", checkpoint[key]))
    return out


def _notes(data: OpenElection) -> str:
    from saylau.exports.omissions import omissions

    context = data.context.as_json() if data.context else {}
    parts = [t("od.cdf.notes.made", "en", version=context.get("saylau_version") or __version__)]
    if data.synthetic:
        parts.append(t("od.cdf.notes.synthetic", "en"))
    head = context.get("audit_head")
    if head:
        parts.append(t("od.cdf.notes.head", "en", seq=head["seq"], hash=head["hash"]))
    checkpoint = context.get("checkpoint")
    parts.append(
        t("od.cdf.notes.checkpoint", "en", seq=checkpoint.get("seq"), head=checkpoint.get("head"))
        if checkpoint
        else t("od.cdf.notes.no_checkpoint", "en")
    )
    for source in data.rows("sources"):
        parts.append(
            t(
                "od.cdf.notes.source",
                "en",
                code=source["code"],
                citation=str(source["citation"]).rstrip("."),
            )
        )
    left = omissions(data, "cdf")
    if left:
        parts.append(
            t("od.cdf.notes.left_out", "en")
            + " "
            + "; ".join(f"{t(f'od.omit.{o.key}', 'en')}: {o.count}" for o in left)
        )
    return " ".join(parts)


def _gp_units(
    data: OpenElection, ids: Ids, totals: Mapping[tuple[str, str], Row]
) -> list[dict[str, Any]]:
    children: dict[tuple[str, str], list[str]] = {}
    rows: list[tuple[str, Row]] = []
    for level, table, parent_key in (
        ("region", "regions", None),
        ("district", "districts", "region"),
        ("okrug", "okrugs", "district"),
        ("station", "stations", "okrug"),
    ):
        for row in data.rows(table):
            rows.append((level, row))
            parent = (
                ("republic", "KZ")
                if parent_key is None
                else (
                    {"district": "region", "okrug": "district", "station": "okrug"}[level],
                    str(row[parent_key]),
                )
            )
            children.setdefault(parent, []).append(ids("gpu", str(row["code"])))
    republic: Row = {
        "code": "KZ",
        "name_kk": t("od.republic.full", "kk"),
        "name_ru": t("od.republic.full", "ru"),
        "name_en": t("od.republic.full", "en"),
    }
    out = [_gp_unit("republic", republic, ids, children, totals)]
    out += [_gp_unit(level, row, ids, children, totals) for level, row in rows]
    return out


def _gp_unit(
    level: str,
    row: Row,
    ids: Ids,
    children: Mapping[tuple[str, str], list[str]],
    totals: Mapping[tuple[str, str], Row],
) -> dict[str, Any]:
    code = str(row["code"])
    kind = (
        "station" if level == "station" else "republic" if level == "republic" else str(row["kind"])
    )
    unit_type, other = UNIT_TYPES[(level, kind)]
    unit: dict[str, Any] = {
        "@id": ids("gpu", code),
        "@type": "ElectionResults.ReportingUnit",
        "Type": unit_type,
        "Name": intl(names_of(row)),
    }
    if other:
        unit["OtherType"] = other
    identifiers = [ext("saylau-code", code)]
    if level == "republic":
        identifiers.append(ext("ISO 3166-1", "KZ"))
    if level == "region":
        identifiers.append(ext("ISO 3166-2", code))
        if row.get("iso_legacy"):
            identifiers.append(ext("ISO 3166-2 (before 2022)", row["iso_legacy"]))
    if row.get("kato"):
        identifiers.append(_kato(row["kato"]))
    unit["ExternalIdentifier"] = identifiers
    if level == "station":
        unit["Number"] = str(row["number"])
    composing = children.get((level, code))
    if composing:
        unit["ComposingGpUnitIds"] = composing
    total = totals.get((level, code))
    if total is not None:
        if total["voters_on_list"] is not None:
            unit["VotersRegistered"] = total["voters_on_list"]
        if total["ballots_issued"] is not None:
            unit["VotersParticipated"] = total["ballots_issued"]
        if total["stations_total"] is not None and level != "station":
            unit["TotalSubUnits"] = total["stations_total"]
        if total["stations_reported"] is not None and level != "station":
            unit["SubUnitsReported"] = total["stations_reported"]
        if total["count_status"] is not None:
            unit["CountStatus"] = [_status(total["count_status"])]
    return unit


def _names_on(data: OpenElection, party: str, day: dt.date) -> Row | None:
    for row in data.rows("party_names"):
        start, end = row["valid_from"], row["valid_to"]
        if (
            row["party"] == party
            and (start is None or start <= day)
            and (end is None or day <= end)
        ):  # type: ignore[operator]
            return row
    return None


def _parties(
    data: OpenElection, ids: Ids, day: dt.date
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    out = []
    for party in data.rows("parties"):
        code = str(party["code"])
        names = _names_on(data, code, day)
        entry: dict[str, Any] = {
            "@id": ids("par", code),
            "@type": "ElectionResults.Party",
            "Name": intl(names_of(names) if names else {"en": code}),
            "IsRecognizedParty": True,
            "ExternalIdentifier": [ext("saylau-code", code)],
        }
        if names:
            entry["Abbreviation"] = intl(names_of(names, "short"))
        out.append(entry)
    self_party = None
    if any(f["nomination"] == "self" and f["measure"] == "winners" for f in data.rows("figures")):
        self_party = {
            "@id": ids("par", "_self-nominated"),
            "@type": "ElectionResults.Party",
            "Name": intl({lang: t("od.cdf.self", lang) for lang in LANGS}),
            "IsRecognizedParty": False,
            "ExternalIdentifier": [ext("saylau-nomination", SELF)],
        }
    return out, self_party


def _post_status(data: OpenElection) -> dict[str, str]:
    out: dict[str, str] = {}
    by_okrug: dict[str, list[str]] = {}
    for c in data.rows("candidates"):
        if c["registration"] == "registered":
            by_okrug.setdefault(str(c["okrug"]), []).append(str(c["code"]))
        elif c["registration"] == "withdrawn":
            out[str(c["code"])] = "withdrawn"
    for o in data.rows("outcomes"):
        okrug, outcome = str(o["okrug"]), o["outcome"]
        if outcome == "elected":
            for code in by_okrug.get(okrug, []):
                out[code] = "winner" if code == o["winner"] else "defeated"
        elif outcome in ("repeat_election",):
            for code in by_okrug.get(okrug, []):
                out[code] = "defeated"
    return out


PRE_STATUS = {"registered": "qualified", "refused": "filed", "withdrawn": "withdrawn"}


def on_ballot(data: OpenElection) -> set[str]:
    """Candidates whose line is on the ballot: those standing, and those who withdrew after
    the ballots were printed."""
    printed = {str(w["candidate"]) for w in data.rows("withdrawals") if w["ballots_printed"]}
    return {
        str(c["code"])
        for c in data.rows("candidates")
        if c["registration"] == "registered" or str(c["code"]) in printed
    }


def _candidates(data: OpenElection, ids: Ids) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    persons, candidates = [], []
    status = _post_status(data)
    withdrawals = {str(w["candidate"]): w for w in data.rows("withdrawals")}
    for c in data.rows("candidates"):
        code = str(c["code"])
        person: dict[str, Any] = {
            "@id": ids("per", code),
            "@type": "ElectionResults.Person",
            "FullName": intl({"kk": c["name"], "ru": c["name"]}),
            "ExternalIdentifier": [ext("saylau-code", code)],
        }
        if c["sex"]:
            person["Gender"] = str(c["sex"])
        if c["birth_date"]:
            person["DateOfBirth"] = c["birth_date"].isoformat()  # type: ignore[union-attr]
        if c["party"]:
            person["PartyId"] = ids("par", str(c["party"]))
        persons.append(person)
        identifiers = [ext("saylau-code", code), ext("saylau-contest", c["contest"])]
        if c["nomination"] == "higher_akim":
            identifiers.append(ext("saylau-nominated-by", "higher_akim"))
        withdrawal = withdrawals.get(code)
        if withdrawal is not None:
            identifiers.append(ext("saylau-withdrawn-at", utc_text(withdrawal["applied_at"])))  # type: ignore[arg-type]
            if withdrawal["document"]:
                identifiers.append(ext("saylau-withdrawal-document", withdrawal["document"]))
        candidate: dict[str, Any] = {
            "@id": ids("can", code),
            "@type": "ElectionResults.Candidate",
            "BallotName": intl({"kk": c["name"], "ru": c["name"]}),
            "PersonId": ids("per", code),
            "PreElectionStatus": PRE_STATUS[str(c["registration"])],
            "ExternalIdentifier": identifiers,
        }
        if c["party"]:
            candidate["PartyId"] = ids("par", str(c["party"]))
        if c["incumbent"] is not None:
            candidate["IsIncumbent"] = bool(c["incumbent"])
        if code in status:
            candidate["PostElectionStatus"] = status[code]
        candidates.append(candidate)
    if any(r["line"] == "against_all" for r in data.rows("results")):
        candidates.append(
            {
                "@id": ids("can", AGAINST_ALL),
                "@type": "ElectionResults.Candidate",
                "BallotName": intl({lang: t("od.cdf.against_all", lang) for lang in LANGS}),
                "ExternalIdentifier": [ext("saylau-ballot-line", AGAINST_ALL)],
            }
        )
    return persons, candidates


def _offices(data: OpenElection, ids: Ids) -> list[dict[str, Any]]:
    okrugs = {str(o["code"]): o for o in data.rows("okrugs")}
    out = []
    for contest in data.rows("contests"):
        okrug = okrugs.get(str(contest["okrug"]))
        if okrug is None:
            continue
        out.append(
            {
                "@id": ids("off", str(contest["okrug"])),
                "@type": "ElectionResults.Office",
                "Name": intl(
                    {lang: t("od.cdf.office", lang, okrug=okrug[f"name_{lang}"]) for lang in LANGS}
                ),
                "ElectionDistrictId": ids("gpu", str(contest["okrug"])),
                "ExternalIdentifier": [ext("saylau-code", f"akim:{contest['okrug']}")],
            }
        )
    return out


def _contests(data: OpenElection, ids: Ids) -> list[dict[str, Any]]:
    okrugs = {str(o["code"]): o for o in data.rows("okrugs")}
    totals = {(str(r["level"]), str(r["unit"])): r for r in data.rows("totals")}
    outcomes = {str(o["contest"]): o for o in data.rows("outcomes")}
    certs = {
        str(c["contest"]): c
        for c in sorted(data.rows("certifications"), key=lambda c: c["certified_at"])  # type: ignore[arg-type, return-value]
        if c["matches_data"]
    }
    published = {
        str(r["contest"]): r
        for r in data.rows("published_results")
        if r["level"] == "okrug" and r["contest"] is not None
    }
    results: dict[tuple[str, str], list[Row]] = {}
    for r in data.rows("results"):
        key = (str(r["okrug"]), "aa" if r["line"] == "against_all" else str(r["candidate"]))
        results.setdefault(key, []).append(r)
    out = []
    for position, contest in enumerate(data.rows("contests"), start=1):
        code, okrug = str(contest["code"]), str(contest["okrug"])
        names = okrugs.get(okrug, {})
        entry: dict[str, Any] = {
            "@id": ids("con", okrug),
            "@type": "ElectionResults.CandidateContest",
            "Name": t("od.cdf.office", "en", okrug=names.get("name_en", okrug)),
            "BallotTitle": intl(
                {
                    lang: t("od.cdf.office", lang, okrug=names.get(f"name_{lang}", okrug))
                    for lang in LANGS
                }
            ),
            "ElectionDistrictId": ids("gpu", okrug),
            "VotesAllowed": 1,
            "NumberElected": contest["seats"],
            "OfficeIds": [ids("off", okrug)],
            "VoteVariation": "plurality",
            "SequenceOrder": position,
        }
        identifiers = [ext("saylau-code", code)]
        outcome = outcomes.get(code)
        if outcome is not None:
            identifiers.append(ext("saylau-outcome", outcome["outcome"]))
        cert = certs.get(code)
        pub = published.get(code)
        if cert is not None:
            identifiers += [
                ext("saylau-certified-sha256", cert["sha256"]),
                ext("saylau-certified-at", utc_text(cert["certified_at"])),  # type: ignore[arg-type]
                ext("saylau-certified-by", cert["certified_by"]),
            ]
        elif pub is not None and pub["certified_sha256"]:
            identifiers.append(ext("saylau-certified-sha256", pub["certified_sha256"]))
            if pub["certified_at"]:
                identifiers.append(ext("saylau-certified-at", utc_text(pub["certified_at"])))  # type: ignore[arg-type]
            if pub["certified_by"]:
                identifiers.append(ext("saylau-certified-by", pub["certified_by"]))
        entry["ExternalIdentifier"] = identifiers
        total = totals.get(("okrug", okrug))
        if total is not None:
            if total["stations_total"] is not None:
                entry["TotalSubUnits"] = total["stations_total"]
            if total["stations_reported"] is not None:
                entry["SubUnitsReported"] = total["stations_reported"]
            if total["count_status"] is not None:
                entry["CountStatus"] = [_status(total["count_status"])]
        selections = []
        ballot = on_ballot(data)
        registered = [
            c for c in data.rows("candidates") if c["contest"] == code and str(c["code"]) in ballot
        ]
        for order, c in enumerate(registered, start=1):
            selections.append(
                {
                    "@id": ids("sel", str(c["code"])),
                    "@type": "ElectionResults.CandidateSelection",
                    "CandidateIds": [ids("can", str(c["code"]))],
                    "SequenceOrder": order,
                    "VoteCounts": _vote_counts(ids, results.get((okrug, str(c["code"])), [])),
                }
            )
        against = results.get((okrug, "aa"), [])
        if against:
            selections.append(
                {
                    "@id": ids("sel", f"{okrug}:{AGAINST_ALL}"),
                    "@type": "ElectionResults.CandidateSelection",
                    "CandidateIds": [ids("can", AGAINST_ALL)],
                    "SequenceOrder": len(registered) + 1,
                    "VoteCounts": _vote_counts(ids, against),
                }
            )
        entry["ContestSelection"] = selections
        out.append(entry)
    return out


def _vote_counts(ids: Ids, rows: list[Row]) -> list[dict[str, Any]]:
    ordered = sorted(rows, key=lambda r: (r["level"] != "okrug", str(r["unit"])))
    return [
        {
            "@type": "ElectionResults.VoteCounts",
            "GpUnitId": ids("gpu", str(r["unit"])),
            "Type": "total",
            "Count": r["votes"],
        }
        for r in ordered
    ]


def _figure_contest(
    data: OpenElection, ids: Ids, self_party: dict[str, Any] | None
) -> dict[str, Any] | None:
    seats = [f for f in data.rows("figures") if _seat_figure(f)]
    if not seats:
        return None
    by_party: dict[str, list[Row]] = {}
    for f in seats:
        by_party.setdefault(str(f["party"]) if f["party"] else "", []).append(f)
    selections = []
    for order, party in enumerate(sorted(by_party, key=lambda p: (p == "", p)), start=1):
        party_id = ids("par", party) if party else (self_party or {}).get("@id")
        selections.append(
            {
                "@id": ids("sel", f"seats:{party or SELF}"),
                "@type": "ElectionResults.PartySelection",
                "PartyIds": [party_id],
                "SequenceOrder": order,
                "VoteCounts": [
                    {
                        "@type": "ElectionResults.VoteCounts",
                        "GpUnitId": ids("gpu", str(f["unit"])),
                        "Type": "seats",
                        "Count": int(f["value"]),  # type: ignore[arg-type]
                    }
                    for f in sorted(by_party[party], key=lambda f: str(f["unit"]))
                ],
            }
        )
    return {
        "@id": ids("con", "_akims-elected"),
        "@type": "ElectionResults.PartyContest",
        "Name": t("od.cdf.seats", "en"),
        "BallotTitle": intl({lang: t("od.cdf.seats", lang) for lang in LANGS}),
        "ElectionDistrictId": ids("gpu", "KZ"),
        "ExternalIdentifier": [ext("saylau-figures", "winners")],
        "ContestSelection": selections,
    }


def _seat_figure(f: Row) -> bool:
    value = f["value"]
    return (
        f["measure"] == "winners"
        and f["sex"] == "all"
        and f["nomination"] in ("party", "self")
        and f["level"] in ("republic", "region")
        and not f["approximate"]
        and isinstance(value, Decimal)
        and value == value.to_integral_value()
    )


# --- what the CDF cannot hold ----------------------------------------------------------------


def cdf_omissions(data: OpenElection) -> list[Omission]:
    """Every kind of value of ``data`` the CDF file does not carry, with counts."""
    out: list[Omission] = []

    def add(key: str, count: int, detail: str = "") -> None:
        if count:
            out.append(Omission(key, count, detail))

    current = [p for p in data.rows("protocols") if p["current"]]
    add(
        "cdf.ballot_paper",
        sum(1 for p in current if p["ballots_received"] is not None)
        + sum(1 for r in data.rows("published_results") if r["ballots_received"] is not None),
        "ballots_received, ballots_cancelled",
    )
    add(
        "cdf.home_voting_issued",
        sum(1 for r in [*current, *data.rows("published_results")] if _issued_split(r)),
        "ballots_issued_in_station, ballots_issued_outside",
    )
    add("cdf.versions", sum(1 for p in data.rows("protocols") if not p["current"]))
    add("cdf.corrections", sum(1 for p in data.rows("protocols") if p["correction_reason"]))
    add("cdf.warnings", sum(1 for p in data.rows("protocols") if p["warnings"]))
    add("cdf.times", len(data.rows("protocols")))
    add("cdf.roll", sum(1 for s in data.rows("stations") if s["registered_voters"] is not None))
    add("cdf.refusals", sum(1 for c in data.rows("candidates") if c["refusal_rules"]))
    add("cdf.nominated_at", sum(1 for c in data.rows("candidates") if c["nominated_at"]))
    add("cdf.extensions", len(data.rows("extensions")))
    meta = data.meta
    add(
        "cdf.call",
        int(any(meta.get(k) is not None for k in ("ground", "ground_date", "called_on"))),
        "ground, ground_date, called_on",
    )
    add(
        "cdf.finance",
        len(data.rows("budget")) + len(data.rows("allowances")) + len(data.rows("spending")),
        "budget, allowances, spending",
    )
    add("cdf.former_akim", sum(1 for c in data.rows("candidates") if c["former_akim"] is not None))
    add("cdf.population", sum(1 for o in data.rows("okrugs") if o["population"] is not None))
    add("cdf.commissions", len(data.rows("commissions")))
    add(
        "cdf.party_history",
        max(0, len(data.rows("party_names")) - len(data.rows("parties")))
        + len(data.rows("party_lineage")),
    )
    add("cdf.sources", len(data.rows("sources")), "citations are in Notes")
    add("cdf.lot_draws", len(data.rows("lot_draws")))
    stale = sum(1 for c in data.rows("certifications") if not c["matches_data"])
    add("cdf.certifications", len(data.rows("certifications")), "records; SHA-256 kept")
    add("cdf.stale_certifications", stale)
    add("cdf.rules", sum(1 for o in data.rows("outcomes") if o["rules"]))
    figures = data.rows("figures")
    unmapped = [f for f in figures if not _seat_figure(f)]
    if unmapped:
        measures = sorted({str(f["measure"]) for f in unmapped})
        add("cdf.figures", len(unmapped), ", ".join(measures))
    add("cdf.provenance", len(figures) - len(unmapped))
    add(
        "cdf.published_location",
        sum(1 for r in data.rows("published_results") if r["location"]),
    )
    return out


def _issued_split(row: Row) -> bool:
    return any(row[k] is not None for k in ("ballots_issued_in_station", "ballots_issued_outside"))


# --- reading --------------------------------------------------------------------------------


class _Reader:
    """Builds the tables of a published election from a validated CDF document."""

    def __init__(self, document: Mapping[str, Any], source: str, election: str | None) -> None:
        self.doc = document
        self.source = source
        self.code_override = election
        self.problems: list[Problem] = []
        self.tables: dict[str, list[Row]] = {spec.name: [] for spec in BY_NAME.values()}
        self.by_id: dict[str, tuple[str, dict[str, Any]]] = {}
        for path, obj in _objects(document):
            if "@id" in obj:
                self.by_id[obj["@id"]] = (_pointer(path), obj)

    def problem(self, where: str, rule: str, **params: object) -> None:
        self.problems.append(Problem("cdf", None, where, rule, params))

    # identifiers and texts

    @staticmethod
    def other_id(obj: Mapping[str, Any], other_type: str) -> str | None:
        for item in obj.get("ExternalIdentifier", []):
            if item.get("Type") == "other" and item.get("OtherType") == other_type:
                return str(item["Value"])
        return None

    def code(self, obj: Mapping[str, Any]) -> str:
        return self.other_id(obj, "saylau-code") or str(obj["@id"])

    @staticmethod
    def texts(value: Mapping[str, Any] | None) -> dict[str, str]:
        out: dict[str, str] = {}
        for item in (value or {}).get("Text", []):
            language = str(item.get("Language", "")).lower().split("-")[0]
            out.setdefault(language, str(item.get("Content", "")))
        return out

    def names(self, value: Mapping[str, Any] | None, where: str, prefix: str = "name") -> Row:
        texts = self.texts(value)
        if not texts:
            self.problem(where, "D.113")
            return {f"{prefix}_{lang}": "?" for lang in LANGS}
        first = next(iter(texts.values()))
        # A language the file does not give shows the name as published in another one.
        return {
            f"{prefix}_{lang}": texts.get(lang) or texts.get("en") or texts.get("ru") or first
            for lang in LANGS
        }

    # the parts

    def read(self) -> dict[str, list[Row]]:
        elections = self.doc.get("Election", [])
        if len(elections) != 1:
            self.problem("/Election", "D.114", count=len(elections))
            return self.tables
        self.election = elections[0]
        self.units()
        if self.problems:
            return self.tables
        self.parties()
        self.election_row()
        self.contests()
        self.ballot_counts()
        self.finish()
        return self.tables

    def units(self) -> None:
        self.unit_of: dict[str, tuple[str, str]] = {}  # @id -> (level, code)
        parents: dict[str, str] = {}
        gp = self.doc.get("GpUnit", [])
        for index, unit in enumerate(gp):
            where = f"/GpUnit/{index}"
            if unit.get("@type") != "ElectionResults.ReportingUnit":
                self.problem(where, "D.115", value=unit.get("@type"))
                continue
            found = UNIT_KINDS.get((unit["Type"], unit.get("OtherType")))
            if found is None:
                self.problem(
                    f"{where}/Type", "D.116", value=f"{unit['Type']}/{unit.get('OtherType', '')}"
                )
                continue
            self.unit_of[unit["@id"]] = (found[0], self.code(unit))
            for child in unit.get("ComposingGpUnitIds", []):
                parents[child] = unit["@id"]
        self.unit_rows: dict[str, dict[str, Any]] = {}
        for index, unit in enumerate(gp):
            where = f"/GpUnit/{index}"
            if unit.get("@id") not in self.unit_of:
                continue
            level, code = self.unit_of[unit["@id"]]
            kind = UNIT_KINDS[(unit["Type"], unit.get("OtherType"))][1]
            self.unit_rows[unit["@id"]] = {"where": where, "unit": unit}
            if level == "republic":
                continue
            parent = self.unit_of.get(parents.get(unit["@id"], ""))
            expected = {
                "region": "republic",
                "district": "region",
                "okrug": "district",
                "station": "okrug",
            }[level]
            if level != "region" and (parent is None or parent[0] != expected):
                self.problem(where, "D.117", value=code, level=level, parent=expected)
                continue
            row: Row = {"code": code, **self.names(unit.get("Name"), f"{where}/Name")}
            kato = next(
                (
                    str(i["Value"])
                    for i in unit.get("ExternalIdentifier", [])
                    if i.get("Type") == "national-level" and i.get("Label") == "KATO"
                ),
                None,
            )
            if level == "region":
                iso = self.other_id(unit, "ISO 3166-2") or code
                if not re.fullmatch(r"KZ-\d{2}", iso):
                    self.problem(where, "D.118", value=iso)
                    continue
                row.update(
                    code=iso,
                    kind=kind,
                    kato=kato,
                    iso_legacy=self.other_id(unit, "ISO 3166-2 (before 2022)"),
                    name_latin=None,
                    valid_from=None,
                    valid_to=None,
                    source=self.source,
                    note=None,
                )
                self.unit_of[unit["@id"]] = ("region", iso)
            elif level == "district":
                row.update(region=parent[1], kind=kind, kato=kato)  # type: ignore[index]
            elif level == "okrug":
                row.update(district=parent[1], kind=kind, kato=kato, population=None)  # type: ignore[index]
            else:
                number = str(unit.get("Number", "")).strip()
                if not number.isdigit() or int(number) < 1:
                    self.problem(f"{where}/Number", "D.119", value=number)
                    continue
                row.update(okrug=parent[1], number=int(number), registered_voters=None)  # type: ignore[index]
            self.tables[LEVEL_TABLE[level]].append(row)

    def parties(self) -> None:
        self.party_code: dict[str, str | None] = {}  # @id -> code (None: self-nominated)
        for index, party in enumerate(self.doc.get("Party", [])):
            where = f"/Party/{index}"
            if self.other_id(party, "saylau-nomination") == SELF:
                self.party_code[party["@id"]] = None
                continue
            code = self.code(party)
            self.party_code[party["@id"]] = code
            self.tables["parties"].append(
                {
                    "code": code,
                    "registered": None,
                    "dissolved": None,
                    "source": self.source,
                    "note": None,
                }
            )
            names = self.names(party.get("Name"), f"{where}/Name")
            short = (
                self.names(party["Abbreviation"], f"{where}/Abbreviation", "short")
                if party.get("Abbreviation")
                else {f"short_{lang}": names[f"name_{lang}"] for lang in LANGS}
            )
            self.tables["party_names"].append(
                {
                    "party": code,
                    "valid_from": None,
                    "valid_to": None,
                    **names,
                    **short,
                    "source": self.source,
                }
            )

    def election_row(self) -> None:
        e = self.election
        code = self.code_override or self.other_id(e, "saylau-code")
        kind = self.other_id(e, "saylau-election-type")
        law = self.other_id(e, "saylau-law-version")
        if code is None:
            self.problem("/Election/0/ExternalIdentifier", "D.120", what="saylau-code")
        if kind is None:
            self.problem("/Election/0/ExternalIdentifier", "D.120", what="saylau-election-type")
        if law is None:
            self.problem("/Election/0/ExternalIdentifier", "D.120", what="saylau-law-version")
        self.code_value = code or "?"
        try:
            day = dt.date.fromisoformat(e["StartDate"])
        except ValueError:
            self.problem("/Election/0/StartDate", "I.007", value=e["StartDate"])
            day = dt.date(1970, 1, 1)
        self.tables["elections"].append(
            {
                "code": self.code_value,
                "type": kind,
                "date": day,
                "law_version": law,
                **self.names(e.get("Name"), "/Election/0/Name"),
                "synthetic": bool(self.doc.get("IsTest", False)),
                "source": self.source,
                "territory": None,
                "against_all_on_ballot": None,
                "note": None,
            }
        )

    def contests(self) -> None:
        self.candidate_code: dict[str, str] = {}
        self.against_all_ids: set[str] = set()
        candidates = self.election.get("Candidate", [])
        persons = {p["@id"]: p for p in self.doc.get("Person", [])}
        meta: dict[str, dict[str, Any]] = {}
        for index, c in enumerate(candidates):
            if self.other_id(c, "saylau-ballot-line") == AGAINST_ALL:
                self.against_all_ids.add(c["@id"])
                continue
            self.candidate_code[c["@id"]] = self.code(c)
            meta[c["@id"]] = {"where": f"/Election/0/Candidate/{index}", "obj": c}
        placed: set[str] = set()
        self.votes: list[
            tuple[str, str | None, str, int, str]
        ] = []  # unit id, cand, contest, n, where
        self.contest_of_okrug: dict[str, str] = {}
        self.contest_meta: dict[str, tuple[str, dict[str, Any]]] = {}
        for index, contest in enumerate(self.election.get("Contest", [])):
            where = f"/Election/0/Contest/{index}"
            if contest["@type"] == "ElectionResults.PartyContest":
                self.seats(contest, where)
                continue
            if contest["@type"] != "ElectionResults.CandidateContest":
                self.problem(where, "D.121", value=contest["@type"])
                continue
            district = self.unit_of.get(contest["ElectionDistrictId"])
            if district is None or district[0] != "okrug":
                self.problem(
                    f"{where}/ElectionDistrictId", "D.122", value=contest["ElectionDistrictId"]
                )
                continue
            code = self.code(contest)
            okrug = district[1]
            self.contest_of_okrug[okrug] = code
            self.contest_meta[code] = (where, contest)
            self.tables["contests"].append(
                {"code": code, "okrug": okrug, "seats": int(contest.get("NumberElected", 1))}
            )
            for s_index, selection in enumerate(contest.get("ContestSelection", [])):
                s_where = f"{where}/ContestSelection/{s_index}"
                if selection["@type"] != "ElectionResults.CandidateSelection":
                    self.problem(s_where, "D.121", value=selection["@type"])
                    continue
                ids = selection.get("CandidateIds", [])
                if len(ids) != 1:
                    self.problem(f"{s_where}/CandidateIds", "D.123", count=len(ids))
                    continue
                candidate = None if ids[0] in self.against_all_ids else ids[0]
                if candidate is not None:
                    if candidate in placed:
                        self.problem(f"{s_where}/CandidateIds/0", "D.124", value=candidate)
                        continue
                    placed.add(candidate)
                    withdrawn = meta[candidate]["obj"].get("PreElectionStatus") == "withdrawn"
                    self.candidate_row(
                        meta[candidate],
                        code,
                        okrug,
                        persons,
                        "withdrawn" if withdrawn else "registered",
                        on_ballot=True,
                    )
                for v_index, count in enumerate(selection.get("VoteCounts", [])):
                    v_where = f"{s_where}/VoteCounts/{v_index}"
                    if count["Type"] != "total":
                        self.problem(f"{v_where}/Type", "D.125", value=count["Type"])
                        continue
                    value = count["Count"]
                    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                        if not (isinstance(value, float) and value.is_integer() and value >= 0):
                            self.problem(f"{v_where}/Count", "I.004", value=value)
                            continue
                    self.votes.append(
                        (
                            count["GpUnitId"],
                            self.candidate_code.get(candidate) if candidate else None,
                            code,
                            int(value),
                            v_where,
                        )
                    )
        for cid, info in meta.items():
            if cid in placed:
                continue
            c = info["obj"]
            if c.get("PreElectionStatus") not in ("filed", "withdrawn"):
                self.problem(info["where"], "D.126", value=self.candidate_code[cid])
                continue
            # A filed nomination on no ballot was refused, a withdrawn one withdrew before the
            # ballots were printed; the contest is named by saylau.
            contest_code = self.other_id(c, "saylau-contest")
            found = self.contest_meta.get(contest_code or "")
            if found is None:
                self.problem(info["where"], "D.127", value=self.candidate_code[cid])
                continue
            okrug = next(o for o, k in self.contest_of_okrug.items() if k == contest_code)
            registration = "withdrawn" if c.get("PreElectionStatus") == "withdrawn" else "refused"
            self.candidate_row(info, str(contest_code), okrug, persons, registration)

    def candidate_row(
        self,
        info: Mapping[str, Any],
        contest: str,
        okrug: str,
        persons: Mapping[str, Mapping[str, Any]],
        registration: str,
        *,
        on_ballot: bool = False,
    ) -> None:
        c, where = info["obj"], info["where"]
        code = self.candidate_code[c["@id"]]
        person = persons.get(c.get("PersonId", ""), {})
        names = self.texts(c.get("BallotName"))
        name = names.get("kk") or names.get("ru") or next(iter(names.values()), "")
        if not name:
            self.problem(f"{where}/BallotName", "D.113")
        party = self.party_code.get(c.get("PartyId", "")) if c.get("PartyId") else None
        sex = person.get("Gender")
        if sex is not None and sex not in ("male", "female"):
            self.problem(f"{where}/PersonId", "I.008", value=sex, allowed="male, female")
            sex = None
        birth = None
        if person.get("DateOfBirth"):
            try:
                birth = dt.date.fromisoformat(person["DateOfBirth"])
            except ValueError:
                self.problem(f"{where}/PersonId", "I.007", value=person["DateOfBirth"])
        by = self.other_id(c, "saylau-nominated-by")
        if by is not None and (by != "higher_akim" or party is not None):
            self.problem(f"{where}/ExternalIdentifier", "D.144", value=by)
        nomination = "higher_akim" if by == "higher_akim" else "party" if party else "self"
        self.tables["candidates"].append(
            {
                "code": code,
                "contest": contest,
                "okrug": okrug,
                "name": name,
                "party": party,
                "nomination": nomination,
                "sex": sex,
                "birth_date": birth,
                "incumbent": c.get("IsIncumbent"),
                "former_akim": None,
                "registration": registration,
                "refusal_rules": None,
                "nominated_at": None,
            }
        )
        if registration == "withdrawn":
            self.withdrawal(c, where, code, contest, okrug, on_ballot)
        self.post_status = getattr(self, "post_status", {})
        if c.get("PostElectionStatus"):
            self.post_status[self.candidate_code[c["@id"]]] = c["PostElectionStatus"]

    def withdrawal(
        self,
        c: Mapping[str, Any],
        where: str,
        code: str,
        contest: str,
        okrug: str,
        on_ballot: bool,
    ) -> None:
        """The withdrawal of a candidate the file marks ``withdrawn``: on the ballot (a
        selection) when the ballots were already printed."""
        at = self.other_id(c, "saylau-withdrawn-at")
        applied = None
        if at is None:
            self.problem(f"{where}/ExternalIdentifier", "D.148", value=code)
        else:
            try:
                applied = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
            except ValueError:
                applied = None
            if applied is None or applied.tzinfo is None:
                self.problem(f"{where}/ExternalIdentifier", "I.027", value=at)
                return
        if applied is None:
            return
        self.tables["withdrawals"].append(
            {
                "contest": contest,
                "okrug": okrug,
                "candidate": code,
                "applied_at": applied.astimezone(dt.UTC),
                "ballots_printed": on_ballot,
                "document": self.other_id(c, "saylau-withdrawal-document"),
            }
        )

    def seats(self, contest: Mapping[str, Any], where: str) -> None:
        code = self.code_override or self.other_id(self.election, "saylau-code") or "cdf"
        for s_index, selection in enumerate(contest.get("ContestSelection", [])):
            s_where = f"{where}/ContestSelection/{s_index}"
            if (
                selection["@type"] != "ElectionResults.PartySelection"
                or len(selection["PartyIds"]) != 1
            ):
                self.problem(s_where, "D.121", value=selection["@type"])
                continue
            pid = selection["PartyIds"][0]
            if pid not in self.party_code:
                self.problem(
                    f"{s_where}/PartyIds/0", "D.111", value=pid, allowed="ElectionResults.Party"
                )
                continue
            party = self.party_code[pid]
            for v_index, count in enumerate(selection.get("VoteCounts", [])):
                v_where = f"{s_where}/VoteCounts/{v_index}"
                unit = self.unit_of.get(count["GpUnitId"])
                if (
                    count["Type"] != "seats"
                    or unit is None
                    or unit[0] not in ("republic", "region")
                ):
                    self.problem(v_where, "D.128", value=count["Type"])
                    continue
                value = count["Count"]
                if isinstance(value, bool) or not float(value).is_integer() or value < 0:
                    self.problem(f"{v_where}/Count", "I.004", value=value)
                    continue
                self.tables["figures"].append(
                    {
                        "id": f"{code}-winners-{unit[1]}-{party or SELF}",
                        "election": None,  # set in finish()
                        "level": unit[0],
                        "unit": unit[1],
                        "measure": "winners",
                        "party": party,
                        "nomination": "party" if party else "self",
                        "sex": "all",
                        "value": Decimal(int(value)),
                        "decimals": 0,
                        "approximate": False,
                        "source": self.source,
                        "table": "CDF",
                        "row": v_where,
                        "column": None,
                        "position": None,
                        "note": None,
                    }
                )

    def ballot_counts(self) -> None:
        self.ballots: dict[str, tuple[dict[str, Any], str]] = {}
        self.boxes: dict[str, dict[str, int]] = {}  # unit id -> home-voting column -> count
        for index, count in enumerate(self.election.get("BallotCounts", [])):
            where = f"/Election/0/BallotCounts/{index}"
            if count["Type"] == "other" and count.get("OtherType") in BOX_COUNTS:
                value = count.get("BallotsCast")
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    self.problem(f"{where}/BallotsCast", "I.004", value=value)
                    continue
                column = BOX_COUNTS[count["OtherType"]]
                self.boxes.setdefault(count["GpUnitId"], {})[column] = value
                continue
            if count["Type"] != "total":
                self.problem(f"{where}/Type", "D.125", value=count["Type"])
                continue
            self.ballots[count["GpUnitId"]] = (count, where)

    def finish(self) -> None:
        code = self.code_value
        for figure in self.tables["figures"]:
            figure["election"] = code
        by_unit_votes: dict[str, list[tuple[str | None, str, int, str]]] = {}
        for unit_id, candidate, contest, value, where in self.votes:
            by_unit_votes.setdefault(unit_id, []).append((candidate, contest, value, where))
        okrug_of_station = {str(s["code"]): str(s["okrug"]) for s in self.tables["stations"]}
        post = getattr(self, "post_status", {})
        for unit_id, info in self.unit_rows.items():
            unit, where = info["unit"], info["where"]
            level, unit_code = self.unit_of[unit_id]
            ballots, _ = self.ballots.get(unit_id, ({}, None))
            votes = by_unit_votes.get(unit_id, [])
            has_data = (
                any(
                    k in unit
                    for k in (
                        "VotersRegistered",
                        "VotersParticipated",
                        "SubUnitsReported",
                        "TotalSubUnits",
                    )
                )
                or ballots
                or votes
                or unit_id in self.boxes
            )
            if not has_data:
                continue
            contest = None
            if level == "okrug":
                contest = self.contest_of_okrug.get(unit_code)
            elif level == "station":
                contest = self.contest_of_okrug.get(okrug_of_station.get(unit_code, ""))
            against = [v for c, _, v, _ in votes if c is None]
            statuses = unit.get("CountStatus", [])
            status = next((s["Status"] for s in statuses if s.get("Type") == "total"), None)
            row: Row = {
                "level": level,
                "unit": unit_code,
                "contest": contest,
                "voters_on_list": unit.get("VotersRegistered"),
                "ballots_received": None,
                "ballots_issued": unit.get("VotersParticipated"),
                "ballots_cancelled": None,
                "ballots_in_boxes": ballots.get("BallotsCast"),
                "invalid": ballots.get("BallotsRejected"),
                "against_all": against[0] if against else None,
                "ballots_issued_in_station": None,
                "ballots_issued_outside": None,
                "ballots_in_stationary_boxes": self.boxes.get(unit_id, {}).get(
                    "ballots_in_stationary_boxes"
                ),
                "ballots_in_portable_boxes": self.boxes.get(unit_id, {}).get(
                    "ballots_in_portable_boxes"
                ),
                "stations_reported": unit.get("SubUnitsReported"),
                "stations_total": unit.get("TotalSubUnits"),
                "count_status": status,
                "outcome": None,
                "winner": None,
                "certified_sha256": None,
                "certified_at": None,
                "certified_by": None,
                "source": self.source,
                "location": where,
            }
            if level == "okrug" and contest is not None:
                self.okrug_result(row, contest, post)
            self.tables["published_results"].append(row)
            for candidate, _, value, v_where in votes:
                if candidate is None:
                    continue
                self.tables["published_votes"].append(
                    {
                        "level": level,
                        "unit": unit_code,
                        "candidate": candidate,
                        "votes": value,
                        "source": self.source,
                        "location": v_where,
                    }
                )

    def okrug_result(self, row: Row, contest: str, post: Mapping[str, str]) -> None:
        where, obj = self.contest_meta[contest]
        statuses = obj.get("CountStatus", [])
        total = next((s for s in statuses if s.get("Type") == "total"), None)
        if row["count_status"] is None and total is not None:
            row["count_status"] = total["Status"]
        if row["stations_total"] is None and "TotalSubUnits" in obj:
            row["stations_total"] = obj["TotalSubUnits"]
        if row["stations_reported"] is None and "SubUnitsReported" in obj:
            row["stations_reported"] = obj["SubUnitsReported"]
        candidates = [
            c
            for c in self.tables["candidates"]
            if c["contest"] == contest and c["registration"] != "withdrawn"
        ]
        winners = [str(c["code"]) for c in candidates if post.get(str(c["code"])) == "winner"]
        outcome = self.other_id(obj, "saylau-outcome")
        if outcome is None:
            if winners:
                outcome = "elected"
            elif candidates and all(post.get(str(c["code"])) == "defeated" for c in candidates):
                outcome = "repeat_election"
        if len(winners) > 1:
            self.problem(where, "D.129", count=len(winners))
        row["outcome"] = outcome
        row["winner"] = winners[0] if winners else None
        row["certified_sha256"] = self.other_id(obj, "saylau-certified-sha256")
        at = self.other_id(obj, "saylau-certified-at")
        if at:
            try:
                row["certified_at"] = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
            except ValueError:
                self.problem(f"{where}/ExternalIdentifier", "I.027", value=at)
        row["certified_by"] = self.other_id(obj, "saylau-certified-by")


def source_row(document: Mapping[str, Any], code: str, name: str, digest: str) -> Row:
    """The source that records where an imported CDF file came from."""
    title = " / ".join(
        v for v in _Reader.texts((document.get("Election") or [{}])[0].get("Name")).values()
    )
    return {
        "code": code,
        "kind": "dataset",
        "title": f"{document.get('Issuer', '?')}: {title or name}",
        "citation": (
            f"NIST SP 1500-100 v2 file {name} (SHA-256 {digest}), generated "
            f"{document.get('GeneratedDate', '?')} by {document.get('VendorApplicationId', '?')}"
        ),
        "url": None,
        "licence": None,
        "synthetic": bool(document.get("IsTest", False)),
        "note": (document.get("Notes") or None),
    }


def from_cdf(
    document: Mapping[str, Any],
    *,
    source: str,
    name: str = "cdf",
    election: str | None = None,
) -> OpenElection:
    """The published election a CDF document describes; DatasetError with every problem
    (schema, references, what saylau cannot read), each with its JSON pointer."""
    problems = validate(document)
    if problems:
        raise DatasetError(_named(problems, name))
    reader = _Reader(document, source, election)
    tables = reader.read()
    if reader.problems:
        raise DatasetError(_named(reader.problems, name))
    digest = hashlib.sha256(
        json.dumps(document, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    tables["sources"].append(source_row(document, source, name, digest))
    from saylau.exports.collect import derive_published

    derive_published(tables)
    data = OpenElection(str(tables["elections"][0]["code"]))
    for spec in BY_NAME.values():
        data.tables[spec.name] = sort_rows(spec, [normalise(spec, r) for r in tables[spec.name]])
    return data


def _named(problems: list[Problem], name: str) -> list[Problem]:
    return [Problem(name, p.line, p.column, p.rule, p.params) for p in problems]


def dumps(document: Mapping[str, Any]) -> str:
    """The CDF document as the JSON text saylau writes (UTF-8, indented, keys in order)."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
