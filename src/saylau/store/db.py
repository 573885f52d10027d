"""Database location, engines, sessions and schema migrations.

The default database is an embedded SQLite file at ``$SAYLAU_HOME/saylau.db`` where
``SAYLAU_HOME`` defaults to ``$XDG_DATA_HOME/saylau`` (``~/.local/share/saylau``).
``--db`` or ``SAYLAU_DATABASE_URL`` override it with a path or any SQLAlchemy URL, e.g.
``postgresql+psycopg://user@host:5432/dbname``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

ENV_URL = "SAYLAU_DATABASE_URL"
ENV_HOME = "SAYLAU_HOME"


class DatabaseURLError(ValueError):
    """The database location is neither a path nor a valid SQLAlchemy URL."""


def default_home() -> Path:
    """The folder of the default SQLite database."""
    if home := os.environ.get(ENV_HOME):
        return Path(home)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "saylau"


def resolve_url(db: str | None = None) -> str:
    """Turn ``--db`` (a path or URL), ``SAYLAU_DATABASE_URL`` or the default into a URL."""
    value = db or os.environ.get(ENV_URL)
    if not value:
        home = default_home()
        home.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{home / 'saylau.db'}"
    if "://" not in value:
        path = Path(value).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    try:
        make_url(value)
    except ArgumentError as exc:
        raise DatabaseURLError(f"database URL {value!r} is not valid: {exc}") from exc
    return value


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys enforced."""
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit (records are read after writing)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration pointing at the migrations shipped in the package."""
    config = Config()
    location = resources.files("saylau.store") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest schema revision shipped in the package."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def is_current(engine: Engine) -> bool:
    """Whether the schema is at the newest shipped revision."""
    return current_revision(engine) == head_revision(engine)
