"""``/record``: the election record as the public can check it: the newest signed checkpoint,
the public keys with their fingerprints, the server's latest integrity check, and how to
verify a publication with ``saylau verify``."""

from __future__ import annotations

from pydantic import Field

from saylau.domain.record import fingerprint_for_paper
from saylau.store import keys
from saylau.web.live import almaty_text, audit_version
from saylau.web.models import Model, PageBase
from saylau.web.pages import Context, Page, PageRouter, integrity_of

pages = PageRouter()
COMMANDS = (
    "saylau publish DIR --election ELECTION",
    "saylau verify DIR",
    "saylau verify DIR --since checkpoint.json",
)


class KeyOut(Model):
    """A public signing key of the record."""

    fingerprint: str
    fingerprint_text: str = Field(description="In groups of four, as printed on paper")
    kind: str
    kind_text: str
    owner: str
    public_key: str = Field(description="Ed25519 public key, base64 of its 32 bytes")


class IntegrityOut(Model):
    """The server's latest check of its database against the log."""

    state: str = Field(description="ok, failed or unchecked")
    checked_at: str | None
    checked_at_text: str | None
    problems: int
    codes: list[str] = Field(description="Codes of the problems found (see docs/record.md)")
    acknowledged: bool


class RecordPage(PageBase):
    """The record: checkpoint, keys, integrity."""

    keys: list[KeyOut]
    integrity: IntegrityOut
    commands: list[str] = Field(description="How to verify a publication of this server")


@pages.page(
    "/record",
    model=RecordPage,
    summary="The signed record: checkpoint, public keys, integrity check",
    csv=False,
    version=audit_version,
)
def record_page(ctx: Context) -> Page:
    """The newest signed checkpoint, every public key and the latest integrity check."""
    with ctx.service.session() as session:
        rows = keys.key_rows(session)
    status = integrity_of(ctx)
    if status is None or status.checked_at is None:
        integrity = IntegrityOut(state="unchecked", checked_at=None, checked_at_text=None,
                                 problems=0, codes=[], acknowledged=False)
    else:
        integrity = IntegrityOut(
            state="ok" if status.ok else "failed",
            checked_at=status.checked_at.isoformat(),
            checked_at_text=almaty_text(status.checked_at, ctx.lang),
            problems=len(status.problems),
            codes=sorted({p.code for p in status.problems}),
            acknowledged=status.acknowledged,
        )
    model = RecordPage(
        page="record",
        lang=ctx.lang,
        title=ctx.t("record.web.page.title"),
        synthetic=False,
        links=ctx.twins(False),
        alternates=ctx.alternates(),
        keys=[
            KeyOut(
                fingerprint=row.fingerprint,
                fingerprint_text=fingerprint_for_paper(row.fingerprint),
                kind=row.kind,
                kind_text=ctx.t(f"verify.key.{row.kind}"),
                owner=row.owner,
                public_key=row.public_key,
            )
            for row in rows
            if row.revoked_at is None
        ],
        integrity=integrity,
        commands=list(COMMANDS),
    )
    return Page(model, "record.html")
