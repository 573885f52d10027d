"""Fixtures of the analytics tests: the seed on SQLite, and the demo election."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from saylau.service import Saylau

sys.path.insert(0, str(Path(__file__).parent))

from analytics_demo import run_demo


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Saylau]:
    """SQLite with the bundled seed only (module-wide: the tests only read it)."""
    instance = Saylau.open(str(tmp_path_factory.mktemp("seed") / "seed.db"))
    yield instance
    instance.engine.dispose()


@pytest.fixture(scope="module")
def timeline_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Saylau]:
    """SQLite with the seed and the bundled timeline loaded."""
    from saylau.analytics.timeline import ensure_loaded

    instance = Saylau.open(str(tmp_path_factory.mktemp("timeline") / "timeline.db"))
    ensure_loaded(instance)
    yield instance
    instance.engine.dispose()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Saylau]:
    """SQLite with the synthetic demo election run through the service layer."""
    instance = Saylau.open(str(tmp_path_factory.mktemp("demo") / "demo.db"))
    run_demo(instance)
    yield instance
    instance.engine.dispose()
