"""The observer's verifier: checks a published election record and trusts nothing in it.

It reads only the files ``saylau publish`` wrote (specified in ``docs/record.md``) and imports
nothing of saylau's storage, web or administration code: only :mod:`saylau.domain` (the byte
formats), :mod:`saylau.law` (the rules of the election's law version) and :mod:`saylau.i18n`
(messages). It checks every file against the manifest and every signature and hash link,
replays the log and confirms that the published protocols and results are exactly what the log
says, and recomputes every control relation, every total at every level, every winner and every
certification fingerprint.

Use :func:`verify_publication` from Python, or ``saylau verify DIR`` from the command line.
"""

from saylau.verify.checks import Report, verify_publication
from saylau.verify.problems import Problem

__all__ = ["Problem", "Report", "verify_publication"]
