"""Open data: whole-election exports in standard formats, and imports of them.

The Python API behind ``saylau export`` and ``saylau import --format``::

    from saylau.exports import export_election, import_election
    from saylau.service import Saylau

    service = Saylau.open()
    result = export_election(service, "demo-2025", "cdf", Path("demo.json"))
    result.files, result.left_out          # what was written, what the format cannot hold

    import_election(other_service, Path("demo.json"), "cdf", actor=Actor("me", Role.ADMIN))

Formats (:data:`FORMATS`): ``cdf`` (NIST SP 1500-100 v2 JSON, one file), ``datapackage``
(a Frictionless data package: CSV files and ``datapackage.json``, a folder), ``csv`` (one
CSV per table, a folder), ``parquet`` (one Parquet file per table, a folder) and ``xlsx`` (an
Excel workbook, one file). :func:`collect` gives the tables as an
:class:`~saylau.exports.model.OpenElection`, :func:`saylau.exports.parquetfiles.frames` as
Polars frames.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from saylau.datasets.reader import DatasetError, Problem
from saylau.exports.collect import ExportError, collect
from saylau.exports.context import export_context
from saylau.exports.model import Omission, OpenElection
from saylau.exports.omissions import omissions
from saylau.security.actor import Actor
from saylau.service import Saylau

FORMATS = ("cdf", "datapackage", "csv", "parquet", "xlsx")
FOLDER_FORMATS = frozenset({"datapackage", "csv", "parquet"})
SUFFIX = {"cdf": ".json", "xlsx": ".xlsx"}

__all__ = [
    "FORMATS",
    "ExportError",
    "ExportResult",
    "collect",
    "detect_format",
    "export_context",
    "export_election",
    "import_election",
    "read_export",
    "write_export",
]


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote and what its format leaves out."""

    election: str
    format: str
    files: list[Path]
    left_out: list[Omission] = field(default_factory=list)


def write_export(data: OpenElection, fmt: str, output: Path, *, lang: str = "en") -> list[Path]:
    """Write ``data`` as ``fmt`` at ``output`` (a file or a folder, see :data:`FORMATS`)."""
    from saylau.exports import cdf, csvfiles, excel, parquetfiles

    writers: dict[str, Callable[[], list[Path]]] = {
        "cdf": lambda: _write_cdf(data, output),
        "datapackage": lambda: csvfiles.write_datapackage(data, output),
        "csv": lambda: csvfiles.write_csv(data, output),
        "parquet": lambda: parquetfiles.write_parquet(data, output),
        "xlsx": lambda: excel.write_xlsx(data, output, lang),
    }
    del cdf
    return writers[fmt]()


def _write_cdf(data: OpenElection, output: Path) -> list[Path]:
    from saylau.exports import cdf

    document = cdf.to_cdf(data)
    problems = cdf.validate(document)
    if problems:  # never publish a file that does not validate
        raise DatasetError(problems)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(cdf.dumps(document), encoding="utf-8")
    return [output]


def export_election(
    service: Saylau, election: str, fmt: str, output: Path, *, lang: str = "en"
) -> ExportResult:
    """Export one election; raises :class:`ExportError` for an unknown election."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    with service.session() as session:
        data = collect(session, election)
    files = write_export(data, fmt, output, lang=lang)
    return ExportResult(election, fmt, files, omissions(data, fmt))


def detect_format(path: Path) -> str | None:
    """The export format of ``path`` from what it is (a .json, .xlsx, or a folder)."""
    if path.is_dir():
        if (path / "datapackage.json").exists():
            return "datapackage"
        if any(path.glob("*.parquet")):
            return "parquet"
        if any(path.glob("*.csv")):
            return "csv"
        return None
    if path.name == "datapackage.json":
        return "datapackage"
    suffix = path.suffix.lower()
    return {".json": "cdf", ".xlsx": "xlsx", ".parquet": "parquet", ".csv": "csv"}.get(suffix)


def file_digest(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, in order)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(file.name.encode("utf-8") + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def read_export(
    path: Path, fmt: str, *, source: str | None = None, election: str | None = None
) -> OpenElection:
    """An export read back into an :class:`OpenElection`; DatasetError with every problem.

    For a CDF file, ``source`` is the code under which the file is recorded as the source of
    its numbers (default: ``cdf-`` and the start of its SHA-256) and ``election`` the code to
    give the election when the file names none.
    """
    from saylau.exports import cdf, csvfiles, excel, parquetfiles

    if not path.exists():
        raise DatasetError([Problem(str(path), None, None, "I.023")])
    if fmt == "cdf":
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise DatasetError(
                [Problem(path.name, None, None, "I.015", {"detail": str(exc)})]
            ) from exc
        if not isinstance(document, dict):
            raise DatasetError([Problem(path.name, None, "/", "D.108")])
        code = source or f"cdf-{file_digest(path)[:12]}"
        return cdf.from_cdf(document, source=code, name=path.name, election=election)
    if fmt in ("datapackage", "csv"):
        return csvfiles.read_folder(path)
    if fmt == "parquet":
        return parquetfiles.read_parquet(path)
    if fmt == "xlsx":
        return excel.read_xlsx(path)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def import_election(
    service: Saylau,
    path: Path,
    fmt: str,
    *,
    actor: Actor,
    lang: str = "en",
    election: str | None = None,
) -> tuple[OpenElection, object]:
    """Read an export and write it into ``service``'s database in one transaction.

    Returns the election read and the :class:`saylau.exports.load.LoadResult`; raises
    DatasetError (nothing written) with every problem.
    """
    from saylau.exports.load import load

    data = read_export(path, fmt, election=election)
    note = f"{path.name} ({fmt}, sha256 {file_digest(path)})"
    with service.transaction() as session:
        result = load(session, actor, data, note=note, lang=lang)
    return data, result
