"""Commands of the record: ``saylau publish``, ``saylau key add|list|sign``, ``saylau db
acknowledge``, ``saylau db grant``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from saylau.i18n import t

DbOpt = Annotated[
    str | None, typer.Option("--db", help="Database path or URL.", show_default=False)
]
LangOpt = Annotated[str, typer.Option("--lang", "-l", help="kk, ru or en.")]
ActorOpt = Annotated[str, typer.Option("--as", help="Who acts (recorded in the audit log).")]
DEFAULT_ACTOR = os.environ.get("USER", "cli")

key_app = typer.Typer(help="Signing keys: the server's, the elections', commissions'.",
                      no_args_is_help=True)


def _lang(value: str) -> str:
    from saylau.administration.cli import _lang as check

    return check(value)


def publish_command(
    folder: Annotated[Path, typer.Argument(help="Folder to write the public record into.")],
    election: Annotated[
        str | None,
        typer.Option("--election", help="The election (default: every administered election, "
                     "each in a subfolder named by its code)."),
    ] = None,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Write the public record of an election as plain files (manifest, keys, checkpoint,
    audit.jsonl, protocols/, results/, stations, okrugs, candidates, election), after checking
    that the database is what its log says."""
    from sqlalchemy import select

    from saylau.administration.cli import run
    from saylau.publication.publish import PublishError, publish
    from saylau.service import Saylau
    from saylau.store.schema import ElectionSetupRow

    lang = _lang(lang)

    def action(service: Saylau) -> list[tuple[str, Path, int, int]]:
        if election is not None:
            targets = [(election, folder)]
        else:
            with service.session() as session:
                codes = list(session.scalars(select(ElectionSetupRow.election).order_by(
                    ElectionSetupRow.election)))
            targets = [(code, folder / code) for code in codes]
        done = []
        for code, target in targets:
            publication = publish(service, target, code)
            done.append((code, target, len(publication.files),
                         int(publication.checkpoint["seq"])))
        return done

    try:
        done = run(location, lang, action)
    except PublishError as exc:
        for problem in exc.problems:
            typer.echo(f"{problem.code}: {problem.message(lang)}", err=True)
        typer.echo(t(f"record.publish.{exc.code}", lang, **exc.params), err=True)
        raise typer.Exit(1) from exc
    if not done:
        typer.echo(t("record.publish.none", lang), err=True)
        raise typer.Exit(1)
    for code, target, count, seq in done:
        typer.echo(t("record.publish.done", lang, election=code, folder=str(target),
                     files=count, seq=seq))


@key_app.command("add")
def key_add(
    commission: Annotated[str, typer.Argument(help="The commission's code.")],
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", help="File with the commission's Ed25519 public key "
                     "(PEM, or base64 or hex of its 32 bytes)."),
    ] = None,
    private_key_out: Annotated[
        Path | None,
        typer.Option("--private-key-out", help="Generate a key pair here instead: the private "
                     "key is written to this file (readable by its owner only) for the "
                     "commission's client, and only the public key is registered."),
    ] = None,
    actor: ActorOpt = DEFAULT_ACTOR,
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Register a commission's signing key; protocols it signs are verified on arrival."""
    from saylau.administration.cli import cli_actor, run
    from saylau.administration.keys import add_commission_key
    from saylau.service import Saylau
    from saylau.store import keys

    lang = _lang(lang)
    if (public_key is None) == (private_key_out is None):
        typer.echo(t("record.key.cli.one_of", lang), err=True)
        raise typer.Exit(2)
    if public_key is not None:
        try:
            text = public_key.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            typer.echo(f"--public-key: {public_key}: {exc}", err=True)
            raise typer.Exit(2) from exc
    else:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        assert private_key_out is not None
        if private_key_out.exists():
            typer.echo(t("record.key.cli.exists", lang, path=str(private_key_out)), err=True)
            raise typer.Exit(2)
        generated = Ed25519PrivateKey.generate()
        text = keys.public_b64(generated.public_key())

    def action(service: Saylau) -> str:
        with service.transaction() as session:
            row = add_commission_key(session, cli_actor(actor), commission, text)
            if private_key_out is not None:
                keys.Keyring(private_key_out.parent).write_to(private_key_out, generated)
            return row.fingerprint

    fingerprint = run(location, lang, action)
    typer.echo(t("record.key.cli.added", lang, commission=commission, fingerprint=fingerprint))


@key_app.command("list")
def key_list(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    lang: LangOpt = "en",
    location: DbOpt = None,
) -> None:
    """Every public key of the record with its fingerprint (never a private key)."""
    from saylau.administration.cli import run
    from saylau.domain.record import fingerprint_for_paper
    from saylau.publication.publish import key_list as rows_of
    from saylau.service import Saylau

    lang = _lang(lang)

    def action(service: Saylau) -> list[dict[str, object]]:
        with service.session() as session:
            return rows_of(session)

    rows = run(location, lang, action)
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(t("record.key.cli.row", lang, kind=t(f"verify.key.{row['kind']}", lang),
                     owner=row["owner"],
                     fingerprint=fingerprint_for_paper(str(row["fingerprint"]))))


@key_app.command("sign")
def key_sign(
    path: Annotated[Path, typer.Argument(help="JSON file of protocols (object or list).")],
    private_key: Annotated[Path, typer.Option("--key", help="The commission's private key "
                                              "(PEM).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the signed "
                                         "protocols.")],
    lang: LangOpt = "en",
) -> None:
    """Sign protocols as a commission's client does before sending them (offline): each gets
    ``corrects`` (0 unless given) and a ``signature`` of its values, reason and version."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from saylau.administration import protocols
    from saylau.administration.errors import AdminError
    from saylau.domain.record import commission_protocol_body, signing_input
    from saylau.store import keys

    lang = _lang(lang)
    try:
        key = serialization.load_pem_private_key(private_key.read_bytes(), password=None)
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError) as exc:
        typer.echo(f"{exc}", err=True)
        raise typer.Exit(2) from exc
    if not isinstance(key, Ed25519PrivateKey):
        typer.echo(t("record.key.cli.not_ed25519", lang, path=str(private_key)), err=True)
        raise typer.Exit(2)
    items = data if isinstance(data, list) else [data]
    fingerprint = keys.fingerprint_of(keys.public_b64(key.public_key()))
    signed = []
    for index, item in enumerate(items, start=1):
        try:
            protocol = protocols.parse({k: v for k, v in item.items() if k != "signature"})
        except (AdminError, AttributeError) as exc:
            message = exc.message(lang) if isinstance(exc, AdminError) else str(exc)
            typer.echo(f"{path} #{index}: {message}", err=True)
            raise typer.Exit(2) from exc
        corrects = protocol.corrects or 0
        body = commission_protocol_body(
            election=protocol.election,
            station=protocol.station,
            corrects=corrects,
            values=protocols.values_of(protocol),
            correction_reason=(protocol.correction_reason or "").strip() or None,
        )
        import base64

        value = base64.b64encode(key.sign(signing_input("commission-protocol", body))).decode()
        signed.append({**item, "corrects": corrects,
                       "signature": {"key": fingerprint, "value": value}})
    output.write_text(json.dumps(signed if isinstance(data, list) else signed[0],
                                 ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    typer.echo(t("record.key.cli.signed", lang, count=len(signed), path=str(output),
                 fingerprint=fingerprint))


def register(app: typer.Typer) -> None:
    """Mount the record's commands."""
    app.command("publish")(publish_command)
    app.add_typer(key_app, name="key")
