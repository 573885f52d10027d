"""The one exception type of the administration layer."""

from __future__ import annotations

from collections.abc import Mapping

from saylau.i18n import t


class AdminError(Exception):
    """A refused operation: stable code, the field concerned, message parameters.

    ``details`` carries structured findings (e.g. every failed control relation) so a caller
    can show them next to the fields.
    """

    def __init__(
        self,
        code: str,
        field: str | None = None,
        /,
        *,
        details: list[Mapping[str, object]] | None = None,
        **params: object,
    ) -> None:
        super().__init__(f"{code}: {t(f'admin.{code}', 'en', **params)}")
        self.code = code
        self.field = field
        self.params = params
        self.details = details or []

    def message(self, lang: str = "en") -> str:
        """The refusal in ``lang``."""
        return t(f"admin.{self.code}", lang, **self.params)
