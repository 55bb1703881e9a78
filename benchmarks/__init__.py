"""Runnable benchmarks: ``python -m benchmarks [NAME ...]``.

Each module here (not starting with ``_``) is one benchmark with a ``run(report)`` function. It calls
``report(name, value, unit)`` for each figure; figures print as ``NAME = VALUE UNIT`` lines after any progress
output, so a script can read them. A figure measured against a baseline reports the baseline as its own figure
and the ratio beside it, since these machines are noisy. A figure that is the median of several runs passes
``spread=(min, max, runs)`` (see ``_util.report_median``), printed beside it; timings are the median of at least
seven runs.
"""
