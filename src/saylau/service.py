"""The service layer: every state change goes through here, with its audit entry.

The CLI and the web only parse input, call these methods and format output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from saylau.datasets import bundled, reader
from saylau.domain import Figure
from saylau.reports.seed_tables import SeedInputs, party_names_at
from saylau.store import audit, datasets, db, keys, queries
from saylau.store.schema import FigureRow

SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    dataset: str
    counts: dict[str, int]
    audit_seq: int


class Saylau:
    """A handle on one database, with the operations users perform."""

    def __init__(self, engine: Engine, *, key_dir: Path | None = None) -> None:
        self.engine = engine
        self.keyring = keys.Keyring(key_dir or keys.default_dir())
        keys.bind(engine, self.keyring)

    @classmethod
    def open(
        cls, db_location: str | None = None, *, prepare: bool = True, key_dir: Path | None = None
    ) -> Saylau:
        """Open the database at ``db_location`` (path, URL, env or default).

        With ``prepare``, migrate the schema and load the bundled data if needed. Private
        signing keys are read from ``key_dir`` (default: setting ``SAYLAU_KEY_DIR``).
        """
        service = cls(db.make_engine(db.resolve_url(db_location)), key_dir=key_dir)
        if prepare:
            service.ensure_ready()
        return service

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (no commit)."""
        with db.session_factory(self.engine)() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: the change and its audit entries commit together or not at all."""
        with db.transaction(self.engine) as session:
            yield session

    def ensure_ready(self) -> None:
        """Migrate to the newest schema and load every bundled dataset once (idempotent)."""
        if not db.is_current(self.engine):
            db.upgrade(self.engine)
        with self.session() as session:
            needs_baseline = audit.head_seq(session) == 0 and audit.has_state(session)
        if needs_baseline:
            with self.transaction() as session:
                audit.write_baseline(session)
        for dataset in bundled.BUNDLED:  # the seed first: later datasets refer to its parties
            self.load_bundled(dataset)

    def load_bundled(self, dataset: str) -> bool:
        """Load one bundled dataset unless this version of it is loaded; True if it wrote."""
        folder = bundled.folder(dataset)
        digest = bundled.digest(folder)
        with self.session() as session:
            if datasets.loaded_digest(session, dataset) == digest:
                return False
            known = datasets.known_keys(session)
        content = reader.read([folder], known=known)
        with db.transaction(self.engine) as session:
            if datasets.loaded_digest(session, dataset) == digest:
                return False  # another process loaded it meanwhile
            # A figure dropped from the bundled files (e.g. a corrected transcription) must not
            # linger from an earlier load.
            kept = {str(row["id"]) for row in content.rows.get("figures", [])}
            audit.delete_where(
                session, FigureRow, FigureRow.dataset == dataset, FigureRow.id.not_in(kept)
            )
            counts = datasets.write(session, dataset, content, digest)
            audit.record(
                session,
                actor=SYSTEM_ACTOR,
                action="dataset.load",
                entity="dataset",
                entity_id=dataset,
                payload={"sha256": digest, "counts": counts},
            )
        return True

    def import_files(
        self,
        paths: Iterable[Path],
        *,
        actor: str,
        dataset: str = "imported",
        resource: str | None = None,
    ) -> ImportResult:
        """Validate files completely, then write all of them in one transaction.

        Raises :class:`saylau.datasets.reader.DatasetError` with every problem; in that case
        nothing at all has been written.
        """
        paths = list(paths)
        with self.session() as session:
            known = datasets.known_keys(session)
        content = reader.read(paths, known=known, resource_name=resource)
        digest = audit.canonical_json(sorted(str(p) for p in paths))
        with db.transaction(self.engine) as session:
            counts = datasets.write(session, dataset, content, _sha(digest))
            entry = audit.record(
                session,
                actor=actor,
                action="dataset.import",
                entity="dataset",
                entity_id=dataset,
                payload={
                    "files": [str(p) for p in paths],
                    "counts": counts,
                    "at": dt.datetime.now(dt.UTC).isoformat(),
                },
            )
        assert entry.seq is not None  # numbered when the transaction committed
        return ImportResult(dataset, counts, entry.seq)

    def figures(self, election: str | None = None) -> list[Figure]:
        """Stored figures (see :func:`saylau.store.queries.figures`)."""
        with self.session() as session:
            return queries.figures(session, election)

    def seed_inputs(self, election: str = "kz-2021-rural-akim") -> SeedInputs:
        """What the seed paper's tables are built from, read from the database."""
        with self.session() as session:
            day = queries.elections(session)[election].date
            periods = [
                (name.party, name.valid_from, name.valid_to, name.names, short)
                for name, short in queries.party_names(session)
            ]
            full, short = party_names_at(periods, day)
            regions = {code: r.names for code, r in queries.regions(session).items()}
            return SeedInputs(queries.figures(session, election), full, short, regions)

    def figures_frame(self, election: str | None = None) -> pl.DataFrame:
        """Stored figures as a Polars frame, the exact value as text and as a float."""
        rows = [
            {
                "id": f.id,
                "election": f.election,
                "level": f.level.value,
                "unit": f.unit,
                "measure": f.measure.value,
                "party": f.party,
                "nomination": f.nomination.value,
                "sex": f.sex.value,
                "value": str(f.value),
                "value_num": float(f.value),
                "approximate": f.approximate,
                "source": f.provenance.source,
                "table": f.provenance.table,
                "row": f.provenance.row,
                "column": f.provenance.column,
                "note": f.provenance.note,
            }
            for f in self.figures(election)
        ]
        return pl.DataFrame(rows, infer_schema_length=None)


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()
