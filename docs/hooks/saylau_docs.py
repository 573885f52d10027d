"""MkDocs hooks of saylau's documentation site: pages that are generated from the code, so
they can never drift from it.

* ``<!-- saylau:commands -->`` — every command of ``saylau`` with its options (from the
  Typer/Click application itself);
* ``<!-- saylau:open-data-tables -->`` — the tables and columns of the exports
  (:mod:`saylau.exports.spec`);
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
    import typer

    from saylau.cli import app

    # Typer ships its own copy of Click, so commands are told apart by what they have.
    root = typer.main.get_command(app)
    lines: list[str] = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            for name in sorted(command.commands):
                walk(command.commands[name], [*path, name])
            return
        name = " ".join(path)
        lines.extend([f"## `saylau {name}`", ""])
        help_text = (command.help or "").strip()
        if help_text:
            lines.extend([help_text.replace("\b\n", ""), ""])
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        options = [p for p in command.params if p.param_type_name == "option" and p.name != "help"]
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
                choices = _choices(p)
                if choices:
                    names += ": " + " \\| ".join(f"`{c}`" for c in choices)
                default = p.default
                empty = default in (None, (), []) or (
                    getattr(p, "is_flag", False) and default is False
                )
                shown = "required" if p.required else "" if empty else f"`{_plain(default)}`"
                lines.append(f"| {names} | {_cell(p.help or '')} | {shown} |")
            lines.append("")

    walk(root, [])
    return "\n".join(lines)


def _choices(param: Any) -> list[str]:
    """The allowed values of an option whose type is an enumeration."""
    import enum

    kind = getattr(param, "type", None)
    if kind is not None and getattr(kind, "choices", None):
        return [str(c) for c in kind.choices]
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(m.value) for m in annotation]
    return []


def _plain(value: object) -> str:
    return str(getattr(value, "value", value))


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
