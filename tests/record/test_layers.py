"""The verifier stands apart: it imports only domain/, law/ and i18n/ (ElectionGuard's rule)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

VERIFY = Path(__file__).resolve().parents[2] / "src" / "saylau" / "verify"
ALLOWED = ("saylau.domain", "saylau.law", "saylau.i18n", "saylau.verify")


def test_verify_modules_import_only_domain_law_and_i18n() -> None:
    found = []
    for path in sorted(VERIFY.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("saylau") and not name.startswith(ALLOWED):
                    found.append(f"{path.name}: {name}")
    assert found == []


def test_importing_the_verifier_loads_no_storage_web_or_administration() -> None:
    code = (
        "import sys, saylau.verify, saylau.verify.cli; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('saylau'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded and not [m for m in loaded if not m.startswith(("saylau.domain",
                                                                   "saylau.law",
                                                                   "saylau.i18n",
                                                                   "saylau.verify"))
                           and m != "saylau"]
