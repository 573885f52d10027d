"""Fixtures of the open-data tests: one SQLite database (module-wide) holding the bundled
2021 data, the demo election of examples/demo-election (every okrug certified) and the three
elections of examples/every-rule; and an empty database to import into."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from saylau.service import Saylau
from saylau.store import db
from web.demo import load_demo

from .every_rule import ELECTIONS, load_every_rule

DEMO_OKRUGS = ("demo-zhanaauyl", "demo-birlik", "demo-kokterek")
BUNDLED = "kz-2021-rural-akim"
# Every election the issue names: the bundled 2021 data, the demo, examples/every-rule.
ALL = (BUNDLED, "demo-2025", *ELECTIONS)


def load_examples(service: Saylau) -> None:
    """The demo election (certified) and examples/every-rule, through the service layer."""
    load_demo(service, certify=DEMO_OKRUGS)
    load_every_rule(service)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Saylau]:
    """The database every export is made from (SQLite, shared by a test module)."""
    instance = Saylau.open(str(tmp_path_factory.mktemp("exports") / "source.db"))
    load_examples(instance)
    yield instance
    instance.engine.dispose()


def empty(url: str) -> Saylau:
    """A migrated database without the bundled data (an import must bring everything)."""
    instance = Saylau.open(url, prepare=False)
    db.upgrade(instance.engine)
    return instance


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Saylau]:
    """An empty SQLite database to import into."""
    instance = empty(f"sqlite:///{tmp_path / 'target.db'}")
    yield instance
    instance.engine.dispose()


def output(folder: Path, code: str, fmt: str) -> Path:
    """Where an export of ``code`` as ``fmt`` goes."""
    suffix = {"cdf": ".json", "xlsx": ".xlsx"}.get(fmt, "")
    return folder / f"{code}.{fmt}{suffix}"
