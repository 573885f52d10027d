"""The command line reproduces the published Majilis allocations from the example files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "majilis"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--seats", "98", "--threshold", "7", "votes-2021.csv"],
         {"amanat": 76, "ak-zhol": 12, "qhp": 10, "auyl": 0, "adal": 0}),
        (["--seats", "69", "--threshold", "5", "--against-all", "248291", "votes-2023.csv"],
         {"amanat": 40, "auyl": 8, "respublica": 6, "ak-zhol": 6, "qhp": 5, "nsdp": 4,
          "baytaq": 0}),
    ],
)
def test_published_majilis_allocations_are_reproduced(args: list[str], expected: dict) -> None:
    args = [*args[:-1], str(EXAMPLES / args[-1])]
    result = CliRunner().invoke(app, ["allocate", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["party"]: r["seats"] for r in rows} == expected
    assert set(rows[0]) == {"party", "votes", "share", "passed_threshold", "seats"}
