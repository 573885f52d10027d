"""Fixtures of the record tests: the demo election run through the service layer, and the
means of an attacker who has the database owner's rights (triggers switched off)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, text

from saylau.service import Saylau
from saylau.store.grants import APPEND_ONLY
from saylau.store.integrity import Problem, verify_database
from web.demo import load_demo


@pytest.fixture
def demo(service: Saylau) -> Saylau:
    """The demo election: all protocols in, okrug demo-zhanaauyl certified."""
    load_demo(service, certify=("demo-zhanaauyl",))
    return service


@contextmanager
def attacker(service: Saylau) -> Iterator[Connection]:
    """A connection that can rewrite history: the append-only triggers are switched off, as
    the owner of the database (or someone with its file) can do."""
    with service.engine.begin() as connection:
        for table in APPEND_ONLY:
            if service.engine.dialect.name == "postgresql":
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            else:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
                connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
        yield connection


def problems(service: Saylau, **kwargs: object) -> list[Problem]:
    """What saylau db verify finds."""
    with service.session() as session:
        return verify_database(session, **kwargs)  # type: ignore[arg-type]


def codes(found: list[Problem]) -> set[str]:
    """The codes of the problems found."""
    return {p.code for p in found}
