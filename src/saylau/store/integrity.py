"""``saylau db verify``: the log checked, replayed and compared with every table.

1. The chain: sequence numbers without gaps, each entry's ``prev`` the hash of the one before,
   each hash recomputed from the entry's fields, each private part matching its digest.
2. The checkpoints: each signature valid with the server's key, each naming an entry that has
   the head it states; the newest checkpoint names the log's last entry (a log shorter than a
   signed checkpoint has lost entries; entries after it were never signed).
3. The state: the log replayed from its first entry gives every row of every recorded table;
   each table is compared with it row by row, column by column.
4. Signatures in the tables: accepted protocol versions, commissions' signatures on them, and
   certifications (whose fingerprint is recomputed from their record).

Every problem is a :class:`Problem` with a stable code (``I.0xx``) and its details.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.domain.record import (
    GENESIS,
    checkpoint_body,
    commission_protocol_body,
    sha256_hex,
    signing_input,
    verify_signature,
)
from saylau.i18n import t
from saylau.store import audit, signatures
from saylau.store.schema import (
    AuditRow,
    CertificationRow,
    CheckpointRow,
    ProtocolRow,
    ProtocolVoteRow,
    SigningKeyRow,
)

Key = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Problem:
    """One thing the check found wrong; ``code`` is stable, ``params`` fill its message."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        """The problem in ``lang``."""
        shown = {k: _show(v) for k, v in self.params.items()}
        return t(f"record.verify.{self.code}", lang, **shown)

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        """The problem as a JSON object: code, message and every detail."""
        return {"code": self.code, "message": self.message(lang), **dict(self.params)}


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _key(key: Mapping[str, Any]) -> Key:
    return tuple(sorted(key.items()))


def _key_text(key: Key) -> str:
    return ", ".join(f"{k}={v}" for k, v in key)


@dataclass
class Replay:
    """The state the log describes: table -> primary key -> row (every column)."""

    tables: dict[str, dict[Key, dict[str, Any]]] = field(default_factory=dict)

    def apply(self, ops: Iterable[Mapping[str, Any]]) -> None:
        """Apply one entry's state changes (public or private part)."""
        for op in ops:
            rows = self.tables.setdefault(str(op["table"]), {})
            key = _key(op["key"])
            if op["row"] is None:
                rows.pop(key, None)
            else:
                rows.setdefault(key, {}).update(op["row"])


def _check_chain(rows: list[AuditRow], problems: list[Problem]) -> None:
    prev = GENESIS
    expected = 1
    for row in rows:
        if row.seq != expected:
            problems.append(Problem("I.001", {"seq": row.seq, "expected": expected}))
        if row.prev_hash != prev:
            problems.append(Problem("I.002", {"seq": row.seq}))
        # Recomputed from the stored texts as they are: a payload, state or private part
        # changed in any way (even to an equivalent JSON text) no longer has its hash.
        if sha256_hex(audit.stored_entry_bytes(row)) != row.hash:
            problems.append(Problem("I.003", {"seq": row.seq, "detail": "hash"}))
        prev = row.hash
        expected = row.seq + 1


def _check_checkpoints(
    session: Session, rows: list[AuditRow], keys: Mapping[str, str], problems: list[Problem]
) -> None:
    by_seq = {row.seq: row.hash for row in rows}
    last_seq = rows[-1].seq if rows else 0
    newest = 0
    for cp in session.scalars(select(CheckpointRow).order_by(CheckpointRow.seq)):
        newest = max(newest, cp.seq)
        public = keys.get(cp.key)
        body = checkpoint_body(seq=cp.seq, head=cp.head, at=cp.at, key=cp.key)
        if public is None or not verify_signature(
            public, cp.signature, signing_input("checkpoint", body)
        ):
            problems.append(Problem("I.010", {"seq": cp.seq, "key": cp.key}))
        if cp.seq > last_seq:
            problems.append(Problem("I.012", {"checkpoint": cp.seq, "last": last_seq}))
        elif by_seq.get(cp.seq) != cp.head:
            problems.append(Problem("I.011", {"seq": cp.seq}))
    if last_seq > newest:
        problems.append(Problem("I.013", {"last": last_seq, "checkpoint": newest}))


def check_since(rows: list[AuditRow], since: Mapping[str, Any], keys: Mapping[str, str]) -> (
    list[Problem]
):
    """Whether the log still extends a checkpoint an observer kept."""
    problems: list[Problem] = []
    try:
        seq, head = int(since["seq"]), str(since["head"])
        body = checkpoint_body(seq=seq, head=head, at=str(since["at"]), key=str(since["key"]))
        signature = str(since["signature"])
    except (KeyError, TypeError, ValueError):
        return [Problem("I.041", {})]
    public = keys.get(body["key"])
    if public is None or not verify_signature(public, signature, signing_input("checkpoint", body)):
        problems.append(Problem("I.042", {"seq": seq}))
    by_seq = {row.seq: row.hash for row in rows}
    if seq not in by_seq:
        problems.append(Problem("I.040", {"seq": seq, "last": rows[-1].seq if rows else 0}))
    elif by_seq[seq] != head:
        problems.append(Problem("I.043", {"seq": seq}))
    return problems


def replay(rows: Iterable[AuditRow], problems: list[Problem] | None = None) -> Replay:
    """The state the log's entries build, public and private parts together."""
    state = Replay()
    for row in rows:
        try:
            public = json.loads(row.state)
            private = json.loads(row.private)
            state.apply(public)
            state.apply(private.get("state", []))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            if problems is not None:
                problems.append(Problem("I.004", {"seq": row.seq, "detail": str(exc)}))
    return state


def stored_state(session: Session) -> dict[str, dict[Key, dict[str, Any]]]:
    """Every row of every recorded table, encoded as the record holds it."""
    out: dict[str, dict[Key, dict[str, Any]]] = {}
    for name, table in audit.recorded_tables().items():
        rows = out.setdefault(name, {})
        for values in session.execute(select(table)).mappings():
            row = audit.encode_row(table, values)
            rows[_key(audit.table_key(table, row))] = row
    return out


def compare(
    logged: Replay, stored: Mapping[str, Mapping[Key, Mapping[str, Any]]]
) -> list[Problem]:
    """Each difference between the tables and the replayed log."""
    problems: list[Problem] = []
    for table in sorted(set(stored) | set(logged.tables)):
        in_log = logged.tables.get(table, {})
        in_db = stored.get(table, {})
        for key in sorted(set(in_log) | set(in_db), key=lambda k: json.dumps(k, default=str)):
            text = _key_text(key)
            if key not in in_db:
                problems.append(Problem("I.021", {"table": table, "key": text}))
                continue
            if key not in in_log:
                problems.append(Problem("I.022", {"table": table, "key": text}))
                continue
            row_db, row_log = in_db[key], in_log[key]
            for column in sorted(set(row_db) | set(row_log)):
                if row_db.get(column) != row_log.get(column):
                    problems.append(
                        Problem(
                            "I.020",
                            {
                                "table": table,
                                "key": text,
                                "column": column,
                                "stored": row_db.get(column),
                                "logged": row_log.get(column),
                            },
                        )
                    )
    return problems


def _check_signatures(
    session: Session,
    keys: Mapping[str, str],
    commission_keys: Mapping[str, str],
    problems: list[Problem],
) -> None:
    votes: dict[int, dict[str, int]] = {}
    for vote in session.scalars(select(ProtocolVoteRow)):
        votes.setdefault(vote.protocol, {})[vote.candidate] = vote.votes
    for row in session.scalars(select(ProtocolRow).order_by(ProtocolRow.id)):
        where = f"{row.election}/{row.station}/v{row.version}"
        body = signatures.protocol_signed_body(row, votes.get(row.id, {}))
        public = keys.get(row.signed_by or "")
        if (
            row.signature is None
            or public is None
            or not verify_signature(public, row.signature, signing_input("protocol", body))
        ):
            problems.append(Problem("I.030", {"protocol": where}))
        if row.commission_key is not None:
            commission = commission_keys.get(row.commission_key)
            signed = commission_protocol_body(
                election=row.election,
                station=row.station,
                corrects=row.version - 1,
                values=body["values"],
                correction_reason=row.correction_reason,
            )
            if (
                commission is None
                or row.commission_signature is None
                or not verify_signature(
                    commission,
                    row.commission_signature,
                    signing_input("commission-protocol", signed),
                )
            ):
                problems.append(Problem("I.033", {"protocol": where, "key": row.commission_key}))
    for cert in session.scalars(select(CertificationRow).order_by(CertificationRow.id)):
        if sha256_hex(cert.record) != cert.sha256:
            problems.append(Problem("I.032", {"contest": cert.contest, "id": cert.id}))
        body = signatures.certification_signed_body(cert)
        public = keys.get(cert.signed_by or "")
        if (
            cert.signature is None
            or public is None
            or not verify_signature(public, cert.signature, signing_input("certification", body))
        ):
            problems.append(Problem("I.031", {"contest": cert.contest, "id": cert.id}))


def verify_database(session: Session, *, since: Mapping[str, Any] | None = None) -> list[Problem]:
    """Every problem of the record in this database (empty: the tables are what the log says)."""
    problems: list[Problem] = []
    rows = list(session.scalars(select(AuditRow).order_by(AuditRow.seq)))
    _check_chain(rows, problems)
    logged = replay(rows, problems)
    # Keys are checked against the log's own record of them, so a key added to the table
    # outside the log is never trusted.
    logged_keys = list(logged.tables.get(SigningKeyRow.__tablename__, {}).values())
    keys = {
        str(row["fingerprint"]): str(row["public_key"])
        for row in logged_keys
        if row.get("kind") != "commission"
    }
    commission_keys = {
        str(row["fingerprint"]): str(row["public_key"])
        for row in logged_keys
        if row.get("kind") == "commission"
    }
    _check_checkpoints(session, rows, keys, problems)
    if since is not None:
        problems.extend(check_since(rows, since, keys))
    problems.extend(compare(logged, stored_state(session)))
    _check_signatures(session, keys, commission_keys, problems)
    return problems


#: Parameters that change as the log grows (left out of what an acknowledgement covers).
_VOLATILE = frozenset({"last"})


def problems_digest(problems: Iterable[Problem]) -> str:
    """A fingerprint of a set of problems (what an administrator's acknowledgement covers)."""
    items = sorted(
        json.dumps(
            {"code": p.code, **{k: v for k, v in p.params.items() if k not in _VOLATILE}},
            sort_keys=True,
            default=str,
        )
        for p in problems
    )
    return sha256_hex("\n".join(items))
