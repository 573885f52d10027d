"""The datasets shipped inside the package, with their provenance."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import polars as pl

from saylau.datasets.format import BY_NAME, FieldType

DEFAULT = "kz-2021-rural-akim"
BUNDLED = (DEFAULT, "kz-rural-akim-timeline")


class UnknownDatasetError(ValueError):
    """The named dataset is not bundled."""


def folder(dataset: str = DEFAULT) -> Path:
    """The folder of a bundled dataset."""
    if dataset not in BUNDLED:
        raise UnknownDatasetError(
            f"dataset {dataset!r} is not bundled; bundled: {', '.join(BUNDLED)}"
        )
    return Path(str(resources.files("saylau.datasets") / dataset))


def digest(path: Path) -> str:
    """SHA-256 over the dataset's CSV files, in name order (detects any change)."""
    sha = hashlib.sha256()
    for file in sorted(path.glob("*.csv")):
        sha.update(file.name.encode())
        sha.update(b"\0")
        sha.update(file.read_bytes())
    return sha.hexdigest()


_POLARS = {
    FieldType.COUNT: pl.Int64,
    FieldType.INTEGER: pl.Int64,
    FieldType.BOOLEAN: pl.Boolean,
    FieldType.DATE: pl.Date,
}


def frames(dataset: str = DEFAULT) -> dict[str, pl.DataFrame]:
    """Every resource of a bundled dataset as a Polars frame (columns typed per the format).

    ``figures.value`` is a string holding the exact published number ("38.2", "1847");
    ``figures.value_num`` is the same as a float for convenience in notebooks.
    """
    base = folder(dataset)
    out: dict[str, pl.DataFrame] = {}
    for file in sorted(base.glob("*.csv")):
        resource = BY_NAME[file.stem]
        overrides = {c.name: _POLARS.get(c.type, pl.String) for c in resource.columns}
        frame = pl.read_csv(file, schema_overrides=overrides, infer_schema=False)
        if resource.name == "figures":
            frame = frame.with_columns(pl.col("value").cast(pl.Float64).alias("value_num"))
        out[resource.name] = frame
    return out
