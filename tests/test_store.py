"""The store: migrations, loading the bundled data once, the audit chain, exact decimals, URLs."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

from saylau.cli import app
from saylau.datasets import bundled
from saylau.service import Saylau
from saylau.store import audit, datasets, db
from saylau.store.schema import AuditRow, Base, DatasetLoadRow, FigureRow

# --- migrations ------------------------------------------------------------------------------


def test_db_upgrade_creates_the_schema(db_url: str) -> None:
    result = CliRunner().invoke(app, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    engine = db.make_engine(db_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert "alembic_version" in tables
        head = db.head_revision(engine)
        assert head is not None and db.current_revision(engine) == head
        assert db.is_current(engine)
        assert head in result.stdout
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM figure")).scalar_one() > 0
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_metadata(db_url: str) -> None:
    engine = db.make_engine(db_url)
    try:
        assert db.current_revision(engine) is None
        assert not db.is_current(engine)
        db.upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        db.upgrade(engine)
        engine.dispose()
        before = path.read_bytes()
        db.upgrade(engine)
        engine.dispose()
        assert path.read_bytes() == before
    finally:
        engine.dispose()


def test_sqlite_enforces_foreign_keys(sqlite_service: Saylau) -> None:
    with sqlite_service.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


# --- loading the bundled data ----------------------------------------------------------------


def _load_entries(service: Saylau) -> list[AuditRow]:
    with service.session() as session:
        return list(session.scalars(
            select(AuditRow).where(AuditRow.action == "dataset.load").order_by(AuditRow.seq)))


def _table_counts(service: Saylau) -> dict[str, int]:
    with service.engine.connect() as connection:
        return {
            name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in sorted(Base.metadata.tables)
        }


def test_bundled_data_loads_once_and_idempotently(service: Saylau) -> None:
    entries = _load_entries(service)
    assert [e.entity_id for e in entries] == list(bundled.BUNDLED)  # one load per dataset
    assert all(e.actor == "system" for e in entries)
    with service.session() as session:
        load = session.get(DatasetLoadRow, bundled.DEFAULT)
        assert load is not None
        assert load.sha256 == bundled.digest(bundled.folder())
        loaded_at = load.loaded_at
    counts = _table_counts(service)
    assert counts["figure"] >= 150 and counts["region"] >= 14 and counts["party"] >= 6

    service.ensure_ready()
    Saylau.open(str(service.engine.url.render_as_string(hide_password=False))).engine.dispose()

    assert len(_load_entries(service)) == len(bundled.BUNDLED)
    assert _table_counts(service) == counts
    with service.session() as session:
        load = session.get(DatasetLoadRow, bundled.DEFAULT)
        assert load is not None and load.loaded_at == loaded_at


def test_second_open_does_not_touch_the_sqlite_file(sqlite_service: Saylau) -> None:
    path = Path(sqlite_service.engine.url.database or "")
    sqlite_service.engine.dispose()
    before = path.read_bytes()
    sqlite_service.ensure_ready()
    sqlite_service.engine.dispose()
    assert path.read_bytes() == before


def _changed_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "changed"
    shutil.copytree(bundled.folder(), copy)
    figures = copy / "figures.csv"
    lines = figures.read_text(encoding="utf-8").splitlines(keepends=True)
    # Correct one number (as a later transcription fix would) and drop another figure.
    lines = [line.replace("t2-stations,kz-2021-rural-akim,republic,KZ,polling_stations,,all,all,"
                          "1847,", "t2-stations,kz-2021-rural-akim,republic,KZ,polling_stations,"
                          ",all,all,1848,") for line in lines]
    lines = [line for line in lines if not line.startswith("text-akim-posts,")]
    figures.write_text("".join(lines), encoding="utf-8")
    return copy


def test_changed_dataset_digest_reloads(service: Saylau, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    original = bundled.digest(bundled.folder())
    copy = _changed_copy(tmp_path)
    changed = bundled.digest(copy)
    assert changed != original
    real_folder = bundled.folder
    def folder(dataset: str = bundled.DEFAULT) -> Path:
        return copy if dataset == bundled.DEFAULT else real_folder(dataset)

    monkeypatch.setattr(bundled, "folder", folder)

    service.ensure_ready()

    entries = [e for e in _load_entries(service) if e.entity_id == bundled.DEFAULT]
    assert len(entries) == 2
    assert changed in entries[1].payload
    by_id = {f.id: f for f in service.figures()}
    assert by_id["t2-stations"].value == Decimal(1848)
    assert "text-akim-posts" not in by_id, "a figure removed from the dataset must go"
    with service.session() as session:
        assert datasets.loaded_digest(session, bundled.DEFAULT) == changed
        assert audit.verify_chain(session) == []
    service.ensure_ready()
    assert len([e for e in _load_entries(service) if e.entity_id == bundled.DEFAULT]) == 2


# --- exact decimals --------------------------------------------------------------------------


def test_decimal_survives_the_round_trip(service: Saylau) -> None:
    with service.session() as session:
        row = session.get(FigureRow, "t2-candidates-party-pct")
        assert row is not None and (row.value, row.scale) == (382, 1)
    by_id = {f.id: f for f in service.figures()}
    assert by_id["t2-candidates-party-pct"].value == Decimal("38.2")
    assert str(by_id["t2-candidates-party-pct"].value) == "38.2"
    assert str(by_id["t2-candidates-self-pct"].value) == "61.8"
    assert str(by_id["t2-voters"].value) == "1200000"
    frame = service.figures_frame()
    share = frame.filter(frame["id"] == "t2-candidates-party-pct").row(0, named=True)
    assert share["value"] == "38.2"


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4,
                   min_value=Decimal("-1e12"), max_value=Decimal("1e12")))
def test_scaled_and_unscaled_are_inverse(value: Decimal) -> None:
    integer, scale = datasets.scaled(value)
    assert isinstance(integer, int) and 0 <= scale <= 4
    back = datasets.unscaled(integer, scale)
    assert back == value
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent <= 0:
        assert str(back) == str(value)


def test_scaled_examples() -> None:
    assert datasets.scaled(Decimal("38.2")) == (382, 1)
    assert datasets.scaled(Decimal("1847")) == (1847, 0)
    assert datasets.scaled(Decimal("0.05")) == (5, 2)
    assert datasets.unscaled(382, 1) == Decimal("38.2")


# --- resolving the database location ---------------------------------------------------------


def test_resolve_url_path(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "x.db"
    assert db.resolve_url(str(path)) == f"sqlite:///{path.resolve()}"
    assert path.parent.is_dir()


def test_resolve_url_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert db.resolve_url("rel.db") == f"sqlite:///{(tmp_path / 'rel.db').resolve()}"


def test_resolve_url_url_is_kept() -> None:
    url = "postgresql+psycopg://user:secret@db.example:5432/saylau"
    assert db.resolve_url(url) == url
    assert db.resolve_url("sqlite:///:memory:") == "sqlite:///:memory:"


def test_resolve_url_rejects_a_bad_url() -> None:
    with pytest.raises(db.DatabaseURLError):
        db.resolve_url("not a driver://x")


def test_resolve_url_env_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(db.ENV_URL, "postgresql+psycopg://u@h/env")
    assert db.resolve_url() == "postgresql+psycopg://u@h/env"
    # --db wins over the environment.
    assert db.resolve_url(str(tmp_path / "a.db")).endswith("a.db")


def test_resolve_url_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(db.ENV_HOME, str(tmp_path / "home"))
    assert db.resolve_url() == f"sqlite:///{tmp_path / 'home' / 'saylau.db'}"
    assert (tmp_path / "home").is_dir()
    monkeypatch.delenv(db.ENV_HOME)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert db.default_home() == tmp_path / "xdg" / "saylau"
    assert db.resolve_url() == f"sqlite:///{tmp_path / 'xdg' / 'saylau' / 'saylau.db'}"


def test_cli_rejects_a_bad_db_url() -> None:
    result = CliRunner().invoke(app, ["db", "upgrade", "--db", "not a driver://x"])
    assert result.exit_code == 2
    assert "not valid" in result.stderr


def test_figures_come_back_in_the_same_order_on_every_backend(service: Saylau,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    header = ("id,election,level,unit,measure,party,nomination,sex,value,approximate,source,"
              "table,row,position")
    rows = [
        "zz-b,,republic,KZ,voters,,all,all,1,false,research-notes,t,r,",
        "zz-a,,republic,KZ,voters,,all,all,1,false,research-notes,t,r,",
        "zz-c,,republic,KZ,polling_stations,,all,all,1,false,research-notes,t,r,7",
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    service.import_files([path], actor="tester")
    ids = [f.id for f in service.figures() if f.provenance.source == "research-notes"]
    # By position, figures without one last, then by id.
    assert ids == ["zz-c", "zz-a", "zz-b"]
    seed = [f.provenance.position for f in service.figures()
            if f.provenance.source == "seed-serikbayev-sergazin"]
    assert seed == list(range(1, 151))
