"""Runnable benchmarks: ``python -m benchmarks [NAME ...]``.

Each module here (not starting with ``_``) is one benchmark with a ``run(report)`` function. It calls
``report(name, value, unit)`` for each figure; figures print as ``NAME = VALUE UNIT`` lines after any progress
output, so a script can read them. A figure measured against a baseline reports the baseline as its own figure
and the ratio beside it, since these machines are noisy.
"""
