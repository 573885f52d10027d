"""What the law version's ``against_all_effect`` setting does to an okrug where "against all"
leads (synthetic example: okrug ``er-against-all`` of election ``every-rule-2025``).

saylau stores no per-election override of ``against_all_effect``: an election runs under its
law version, whose default is ``informational`` (the lead is recorded, the candidates' votes
decide). This script takes the okrug's tabulated totals from the database and applies the
winner rules twice, once under the law version as it is and once under a what-if copy made
with ``LawVersion.with_settings(against_all_effect="repeat_if_leads")``, which the law layer
marks ``unconfirmed`` with the source ``override``. Nothing is written to the database.

    python examples/every-rule/what_if_against_all.py --db "$SAYLAU_HOME/saylau.db"
"""

from __future__ import annotations

import argparse

from saylau.administration.lawctx import law_for
from saylau.administration.results import okrug_result
from saylau.law.winner import OkrugTotals, determine_winner, explain
from saylau.service import Saylau


def what_if(db: str | None, election: str, okrug: str, lang: str = "en") -> dict[str, str]:
    """The explained outcome of ``okrug`` under each value of ``against_all_effect``."""
    service = Saylau.open(db)
    try:
        with service.session() as session:
            result = okrug_result(session, election, okrug)
            law = law_for(session, election)
    finally:
        service.engine.dispose()
    totals = OkrugTotals(
        {c: result.totals.votes.get(c, 0) for c in result.candidates},
        result.totals.against_all,
        result.totals.voters_on_list,
        result.totals.ballots_in_boxes,
    )
    variants = {
        f"{law.against_all_effect.value} (law version {law.code} as it is)": law,
        "repeat_if_leads (what-if override, unconfirmed)": law.with_settings(
            against_all_effect="repeat_if_leads"
        ),
    }
    return {
        label: explain(determine_winner(totals, variant), lang)
        for label, variant in variants.items()
    }


def main(argv: list[str] | None = None) -> int:
    """Print the okrug's outcome under both settings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", default=None, help="Database path or URL (default: SAYLAU_HOME).")
    parser.add_argument("--election", default="every-rule-2025")
    parser.add_argument("--okrug", default="er-against-all")
    parser.add_argument("--lang", default="en", choices=("kk", "ru", "en"))
    args = parser.parse_args(argv)
    for label, text in what_if(args.db, args.election, args.okrug, args.lang).items():
        print(f"against_all_effect = {label}:")
        print(text)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
