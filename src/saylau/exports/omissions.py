"""What an export leaves out, per format: listed in every export and printed by the command.

Some things no format carries (the facts behind nominations, the operators' entries, the
audit log itself, which the export points to by its head and checkpoint); the CDF also cannot
hold some protocol lines and saylau records (see :func:`saylau.exports.cdf.cdf_omissions`).
"""

from __future__ import annotations

from saylau.exports.model import Omission, OpenElection


def omissions(data: OpenElection, fmt: str) -> list[Omission]:
    """Everything ``fmt`` does not carry of ``data``, with counts."""
    out = list(data.not_exported)
    if fmt == "cdf":
        from saylau.exports.cdf import cdf_omissions

        out += cdf_omissions(data)
    return out
