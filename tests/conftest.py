"""Shared fixtures: a fresh database per test on SQLite always, and on PostgreSQL when reachable.

PostgreSQL: each test run creates its own database on the server named by
``SAYLAU_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) and drops
it at the end, so runs never see each other's data. Outside CI an unreachable server skips the
PostgreSQL variants with the reason; in CI (``CI`` set) it fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from saylau.service import Saylau
from saylau.store import db

PG_ADMIN_URL = os.environ.get(
    "SAYLAU_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = bool(os.environ.get("CI"))


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure means unreachable
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """URL of a database created for this test run (dropped afterwards)."""
    problem = _pg_reachable()
    if problem:
        if IN_CI:
            pytest.fail(problem + " (CI requires PostgreSQL)")
        pytest.skip(problem)
    name = f"saylau_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def empty_pg_url(pg_database: str) -> Iterator[str]:
    """The run's PostgreSQL database, emptied before and after the test."""
    _reset_postgres(pg_database)
    yield pg_database
    _reset_postgres(pg_database)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'saylau.db'}"
    url: str = request.getfixturevalue("pg_database")
    _reset_postgres(url)
    return url


def assert_record_holds(instance: Saylau) -> None:
    """The tables are exactly what the log says (every test that writes leaves an honest
    record, so a write path that bypasses the log fails the test that exercises it)."""
    from saylau.store.integrity import verify_database

    with instance.session() as session:
        problems = verify_database(session)
    assert problems == [], [p.message() for p in problems[:10]]


@pytest.fixture
def service(db_url: str, request: pytest.FixtureRequest) -> Iterator[Saylau]:
    """A migrated database with the bundled data loaded, on each backend.

    At teardown the record is verified, unless the test is marked ``tampers``.
    """
    instance = Saylau.open(db_url)
    yield instance
    if request.node.get_closest_marker("tampers") is None:
        assert_record_holds(instance)
    instance.engine.dispose()


@pytest.fixture
def sqlite_service(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Saylau]:
    """SQLite only, for tests about the file itself."""
    instance = Saylau.open(str(tmp_path / "only.db"))
    yield instance
    if request.node.get_closest_marker("tampers") is None:
        assert_record_holds(instance)
    instance.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _key_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One key folder for the run (keys are named by fingerprint, so databases never clash),
    set before any module-wide database is opened."""
    from saylau.store import keys

    previous = os.environ.get(keys.ENV_KEY_DIR)
    os.environ[keys.ENV_KEY_DIR] = str(tmp_path_factory.mktemp("keys"))
    yield
    if previous is None:
        os.environ.pop(keys.ENV_KEY_DIR, None)
    else:
        os.environ[keys.ENV_KEY_DIR] = previous


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real default database from tests."""
    monkeypatch.setenv(db.ENV_HOME, str(tmp_path / "home"))
    monkeypatch.delenv(db.ENV_URL, raising=False)
