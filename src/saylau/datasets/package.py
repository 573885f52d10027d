"""The Frictionless data package descriptor of a dataset, generated from the format.

``datapackage.json`` beside each bundled dataset is this function's output; a test checks the
file is current and valid, so the descriptor can never drift from the format.
"""

from __future__ import annotations

import json
from pathlib import Path

from saylau.datasets.format import RESOURCES, Column, FieldType, Resource

_TYPES = {
    FieldType.STRING: "string",
    FieldType.CODE: "string",
    FieldType.COUNT: "integer",
    FieldType.INTEGER: "integer",
    FieldType.DECIMAL: "number",
    FieldType.DATE: "date",
    FieldType.BOOLEAN: "boolean",
}

_DESCRIPTIONS = {
    "kz-2021-rural-akim": {
        "title": "First elections of rural akims in Kazakhstan, 2021 (seed paper, Tables 1-4)",
        "description": (
            "The figures of Serikbayev & Sergazin's paper on the first direct elections of rural "
            "akims in Kazakhstan (2021), transcribed unchanged: Table 1 (registered parties), "
            "Table 2 (national figures), Tables 3-4 (results by region and party, from the "
            "Central Election Commission) and the figures in its text, with the party registry "
            "(names over time, lineage) and the regions (ISO 3166-2, KATO). Real data, not "
            "synthetic. The paper's tables contain inconsistencies, kept as published; "
            "`saylau check` lists them."
        ),
    },
}


def _field(column: Column) -> dict[str, object]:
    field: dict[str, object] = {
        "name": column.name,
        "type": _TYPES[column.type],
        "description": column.description,
    }
    constraints: dict[str, object] = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if column.type is FieldType.COUNT:
        constraints["minimum"] = 0
    if column.type is FieldType.CODE:
        constraints["pattern"] = "[A-Za-z0-9][A-Za-z0-9._:-]*"
    if column.type is FieldType.BOOLEAN:
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    if constraints:
        field["constraints"] = constraints
    return field


def _resource(resource: Resource) -> dict[str, object]:
    schema: dict[str, object] = {
        "fields": [_field(c) for c in resource.columns],
        "primaryKey": list(resource.key),
        "missingValues": [""],
    }
    foreign = [
        {
            "fields": c.name,
            "reference": {"resource": c.ref.split(".")[0], "fields": c.ref.split(".")[1]},
        }
        for c in resource.columns
        if c.ref
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    return {
        "name": resource.name,
        "path": resource.filename,
        "title": resource.title,
        "description": resource.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def descriptor(name: str, folder: Path) -> dict[str, object]:
    """The data package descriptor of the dataset ``name`` stored in ``folder``."""
    present = [r for r in RESOURCES if (folder / r.filename).exists()]
    texts = _DESCRIPTIONS.get(name, {"title": name, "description": name})
    return {
        "name": name,
        "title": texts["title"],
        "description": texts["description"],
        "version": "1.0.0",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0 (the transcription and metadata); "
                "the figures are facts reported by the sources named in sources.csv",
            }
        ],
        "sources": [
            {
                "title": "Serikbayev B., Sergazin E. The role of election of rural akims in "
                "Kazakhstan in increasing competition between parties (Tables 1-4 and text)"
            },
            {"title": "ISO 3166-2:KZ via pycountry", "path": "https://pypi.org/project/pycountry/"},
            {
                "title": "geokz (A. Rodionov), CC BY 4.0",
                "path": "https://github.com/arodionoff/geokz",
            },
        ],
        "keywords": ["Kazakhstan", "elections", "rural akims", "local government", "parties"],
        "synthetic": False,
        "resources": [_resource(r) for r in present],
    }


def render(name: str, folder: Path) -> str:
    """The descriptor as the JSON text stored in ``datapackage.json``."""
    return json.dumps(descriptor(name, folder), ensure_ascii=False, indent=2) + "\n"
