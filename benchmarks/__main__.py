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
    figures: list[tuple[str, float, str]] = []
    for name in args.names or names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        module.run(lambda fig, value, unit="": figures.append((fig, value, unit)))
    for fig, value, unit in figures:
        print(f"{fig} = {value:.4g} {unit}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
