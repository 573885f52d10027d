"""The documentation site: its configuration lists no pages (every page under docs/ is in the
navigation), and the pages generated from the code hold every command and every table. CI
builds the site with ``mkdocs build --strict`` (.ci/run)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import typer

from saylau.cli import app
from saylau.exports.spec import TABLES

ROOT = Path(__file__).resolve().parents[1]


def hook():
    spec = importlib.util.spec_from_file_location("saylau_docs", ROOT / "docs/hooks/saylau_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_navigation_is_every_page():
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    assert "\nnav:" not in config
    assert "mkdocstrings" in config and "name: material" in config and "font: false" in config


def test_the_command_reference_has_every_command():
    text = hook()._commands()
    root = typer.main.get_command(app)
    names = []

    def walk(command, path):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
        else:
            names.append(" ".join(path))

    walk(root, [])
    assert len(names) > 30
    for name in names:
        assert f"## `saylau {name}`" in text, name
    assert "`--format`, `-f`: `cdf` \\| `datapackage`" in text


def test_the_formats_page_has_every_table_and_links_outside_are_paths():
    module = hook()
    tables = module._tables()
    for spec in TABLES:
        assert f"### `{spec.name}`" in tables
    assert "| `share_pct` | number |" in tables

    class Page:
        class file:
            src_uri = "administration.md"

    text = module.on_page_markdown(
        "see [`examples/README.md`](../examples/README.md) and [law](law.md)",
        Page,
        {"docs_dir": str(ROOT / "docs")},
        None,
    )
    assert text == "see `examples/README.md` and [law](law.md)"
