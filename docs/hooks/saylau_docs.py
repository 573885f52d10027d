"""MkDocs hooks of saylau's documentation site: pages that are generated from the code, so
they can never drift from it.

* ``<!-- saylau:commands -->`` — every command of ``saylau`` with its options (from the
  Typer/Click application itself);
* ``<!-- saylau:open-data-tables -->`` — the tables and columns of the exports
  (:mod:`saylau.exports.spec`);
* ``<!-- saylau:rules -->`` — the rule catalogue of the law engine with references and
  confidence (:mod:`saylau.law.catalogue`);
* ``<!-- saylau:schema -->`` — the tables of the database (:mod:`saylau.store.schema`).

Links from a page to files outside ``docs/`` (examples, bundled data) are shown as paths in
the source tree, since the site does not contain those files.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import Any

LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)#\s]+)(#[^)]*)?\)")


def _commands() -> str:
    import click
    import typer

    from saylau.cli import app

    root = typer.main.get_command(app)
    lines: list[str] = []

    def walk(command: click.Command, path: list[str]) -> None:
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name], [*path, name])
            return
        name = " ".join(path)
        lines.append(f"## `saylau {name}`")
        lines.append("")
        help_text = (command.help or "").strip()
        if help_text:
            lines.extend([help_text.replace("\b\n", ""), ""])
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        options = [p for p in command.params if isinstance(p, click.Option) and p.name != "help"]
        usage = " ".join(
            [f"saylau {name}"]
            + [f"{p.name.upper()}{'...' if p.nargs == -1 else ''}" for p in arguments]
            + (["[OPTIONS]"] if options else [])
        )
        lines.extend(["```", usage, "```", ""])
        if arguments:
            lines.extend(["| argument | meaning |", "| --- | --- |"])
            for p in arguments:
                lines.append(f"| `{p.name.upper()}` | {_cell(getattr(p, 'help', None) or '')} |")
            lines.append("")
        if options:
            lines.extend(["| option | meaning | default |", "| --- | --- | --- |"])
            for p in options:
                names = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
                if isinstance(p.type, click.Choice):
                    names += " " + "\\|".join(f"`{c}`" for c in p.type.choices)
                default = p.default
                empty = default in (None, (), []) or (p.is_flag and default is False)
                shown = "" if empty else f"`{default}`"
                if p.required:
                    shown = "required"
                lines.append(f"| {names} | {_cell(p.help or '')} | {shown} |")
            lines.append("")

    walk(root, [])
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _tables() -> str:
    from saylau.exports.spec import TABLES

    lines: list[str] = []
    for spec in TABLES:
        kind = " (derived: recomputed on import)" if spec.derived else ""
        lines += [
            f"### `{spec.name}`{kind}",
            "",
            spec.description,
            "",
            f"Key: {', '.join(f'`{k}`' for k in spec.key)}.",
            "",
            "| column | type | meaning |",
            "| --- | --- | --- |",
        ]
        for column in spec.columns:
            allowed = f" One of {', '.join(f'`{e}`' for e in column.enum)}." if column.enum else ""
            required = " Required." if column.required else ""
            meaning = _cell(column.description) + allowed + required
            lines.append(f"| `{column.name}` | {column.type.value} | {meaning} |")
        lines.append("")
    return "\n".join(lines)


def _rules() -> str:
    from saylau.law import catalogue

    columns = catalogue.ROW_COLUMNS
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    for row in catalogue.catalogue_rows("en", None):
        lines.append("| " + " | ".join(_cell(str(getattr(row, c))) for c in columns) + " |")
    return "\n".join(lines)


def _schema() -> str:
    from saylau.store.schema import Base

    lines = ["| table | columns |", "| --- | --- |"]
    for table in Base.metadata.sorted_tables:
        columns = ", ".join(
            f"`{c.name}`" + (" (key)" if c.primary_key else "") for c in table.columns
        )
        lines.append(f"| `{table.name}` | {columns} |")
    return "\n".join(lines)


GENERATED = {
    "<!-- saylau:commands -->": _commands,
    "<!-- saylau:open-data-tables -->": _tables,
    "<!-- saylau:rules -->": _rules,
    "<!-- saylau:schema -->": _schema,
}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Fill the generated parts; show links to the source tree as paths."""
    for marker, make in GENERATED.items():
        if marker in markdown:
            markdown = markdown.replace(marker, make())
    docs = os.path.abspath(config["docs_dir"])
    root = os.path.dirname(docs)
    here = posixpath.dirname(page.file.src_uri)

    def outside(match: re.Match[str]) -> str:
        text, target, anchor = match.group(1), match.group(2), match.group(3) or ""
        if "://" in target or target.startswith(("mailto:", "/")):
            return match.group(0)
        resolved = os.path.normpath(os.path.join(docs, here, target))
        if resolved.startswith(docs + os.sep) or resolved == docs:
            return match.group(0)
        path = os.path.relpath(resolved, root).replace(os.sep, "/")
        label = text.strip("`")
        return f"{label} (`{path}` in the source tree)" if label != path else f"`{path}`" + anchor

    return LINK.sub(outside, markdown)
