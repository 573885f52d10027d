"""What the verifier reports: a stable code, where (file, line, station...), expected and found."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from saylau.i18n import t


@dataclass(frozen=True)
class Problem:
    """One problem of a publication; ``params`` fill the message of ``verify.<code>``."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        """The problem in ``lang``."""
        return t(f"verify.{self.code}", lang, **{k: show(v) for k, v in self.params.items()})

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        """The problem as a JSON object: code, message and every detail."""
        return {"code": self.code, "message": self.message(lang), **dict(self.params)}


def show(value: Any) -> str:
    """A value in a message: text as is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
