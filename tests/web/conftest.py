"""Fixtures of the web tests: an app over the bundled data, on SQLite (module-wide) or on both
backends (the ``service`` fixture of tests/conftest.py)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from saylau.security import accounts
from saylau.service import Saylau
from saylau.web.app import create_app

from .demo import load_demo

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def module_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Saylau]:
    """One SQLite database for a whole test module: the bundled data, and the synthetic demo
    election of examples/demo-election run through the service layer (all protocols in, the
    okrug demo-zhanaauyl certified), so the documented examples of the election pages hold."""
    instance = Saylau.open(str(tmp_path_factory.mktemp("web") / "site.db"))
    load_demo(instance, certify=("demo-zhanaauyl",))
    yield instance
    instance.engine.dispose()


@pytest.fixture(scope="module")
def client(module_service: Saylau) -> Iterator[TestClient]:
    """A test client of the public site on SQLite (no cookies kept between tests)."""
    with TestClient(create_app(module_service)) as test_client:
        yield test_client


@pytest.fixture
def fresh_client(module_service: Saylau) -> TestClient:
    """A client with an empty cookie jar."""
    return TestClient(create_app(module_service))


@pytest.fixture
def both_client(service: Saylau) -> TestClient:
    """A test client on each backend (SQLite and PostgreSQL)."""
    return TestClient(create_app(service))


ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(autouse=True)
def _forget_language(request: pytest.FixtureRequest) -> None:
    """Each test starts without a remembered language on the shared client."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies.clear()


@pytest.fixture
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for tests that create many accounts (the real ones cost
    about 0.2 s a hash by design); one test keeps the real parameters."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
