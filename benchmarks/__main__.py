"""Run the benchmarks named on the command line (all when none is named) and print their figures."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

import benchmarks


def available() -> list[str]:
    folder = Path(benchmarks.__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(names)}")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in names]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; choose from {', '.join(names)}")
    figures: list[tuple[str, float, str, tuple[float, float, int] | None]] = []
    for name in args.names or names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        module.run(lambda fig, value, unit="", spread=None: figures.append((fig, value, unit, spread)))
    for fig, value, unit, spread in figures:
        line = f"{fig} = {value:.4g} {unit}".rstrip()
        if spread is not None:  # a median: its runs' range beside it, so one noisy run cannot pass for a trend
            low, high, runs = spread
            line += f"  (min {low:.4g}, max {high:.4g}, median of {runs})"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
