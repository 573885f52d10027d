"""A small synthetic world for the service-layer tests, on SQLite and PostgreSQL.

Election ``t-2025`` (region KZ-15) has two districts:

* ``t-da`` with okrug ``t-oa``: stations ``t-sa1`` (1,000 voters) and ``t-sa2`` (800);
  candidates ``t-ca1`` (amanat) and ``t-ca2`` (self-nominated);
* ``t-db`` with okrug ``t-ob``: station ``t-sb1`` (900); candidates ``t-cb1``, ``t-cb2``.

Election ``t-other-2025`` has district ``t-dc``, okrug ``t-oc`` and station ``t-sc1``.
"""

from __future__ import annotations

import pytest

from saylau.service import Saylau

from .builders import Okrug, create

ELECTION = "t-2025"
OTHER = "t-other-2025"
OKRUG_A = Okrug(
    "t-oa", "t-da", {"t-sa1": 1000, "t-sa2": 800}, ["t-ca1", "t-ca2"], {"t-ca1": "amanat"}
)
OKRUG_B = Okrug("t-ob", "t-db", {"t-sb1": 900}, ["t-cb1", "t-cb2"])
OKRUG_C = Okrug("t-oc", "t-dc", {"t-sc1": 700}, ["t-cc1", "t-cc2"])


@pytest.fixture
def world(service: Saylau) -> Saylau:
    """The two synthetic elections, created and nominated."""
    with service.transaction() as session:
        create(session, ELECTION, [OKRUG_A, OKRUG_B])
        create(session, OTHER, [OKRUG_C])
    return service


@pytest.fixture
def double_world(service: Saylau) -> Saylau:
    """Election ``t-2025`` with double entry of protocols."""
    with service.transaction() as session:
        create(session, ELECTION, [OKRUG_A, OKRUG_B], double_entry=True)
    return service
