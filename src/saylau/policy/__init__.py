"""The seed paper's policy recommendations as numbers: village budgets and akimat staff.

See :mod:`saylau.policy.budget` and ``docs/policy.md``; the command is ``saylau budget FILE``
(:mod:`saylau.policy.cli`).
"""
