"""Election forensics on station-level results, and loading SYNTHETIC elections.

* :mod:`saylau.forensics.methods` — distributions, the turnout × leader's-share fingerprint and
  four tests (integer percentages, within-okrug association, last digits, second-digit
  Benford), each with a p-value and a caveat;
* :mod:`saylau.forensics.stats` — the pure-Python distributions behind the p-values;
* :mod:`saylau.forensics.data` — the station frames, from the database or a generated election;
* :mod:`saylau.forensics.charts` — SVG charts rendered on the server;
* :mod:`saylau.forensics.report` — the tables of ``saylau forensics`` in kk, ru and en;
* :mod:`saylau.forensics.loader` — writing a generated election through the service layer;
* :mod:`saylau.forensics.cli` — ``saylau forensics`` and ``saylau synthetic``.

See ``docs/forensics.md``. Nothing is imported here, so importing a submodule stays cheap.
"""
