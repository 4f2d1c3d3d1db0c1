"""Calibration of every test the pages draw a conclusion from: how often it cries wolf on data
with no effect by construction, and how often it finds a planted effect of realistic size.

    DEBUG=1 .venv/bin/python benchmarks/calibration.py [--replicates N] [--seed S] [--only PART]

Each part lives in ``benchmarks/calibration_<part>.py`` and gives ``scenarios(replicates,
seed)``: a list of rows (test, scenario, replicates, measure, rate, unit, target, seconds).
``--replicates`` scales every part's own default (1.0 = the default; 0.1 for a quick look).
The figures are quoted in docs/statistics.md. Every row also says the Monte Carlo sampling
error of a rate (the binomial standard error over the replicates) when the rate is a share.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
os.environ.setdefault("DEBUG", "1")

PARTS = ("hotspots", "periods", "weekly", "nearrepeat", "sources", "evaluation")


def standard_error(row: dict) -> str:
    if not str(row.get("unit", "")).startswith("andel") or not row.get("replicates"):
        return ""
    p, n = float(row["rate"]), int(row["replicates"])
    return f"± {100 * math.sqrt(max(p * (1 - p), 1e-12) / n):.1f} %"


def formatted_rate(row: dict) -> str:
    if str(row.get("unit", "")).startswith("andel"):
        return f"{100 * float(row['rate']):.1f} %"
    return f"{float(row['rate']):.2f} {row.get('unit', '')}".strip()


def print_table(rows: list[dict]) -> None:
    header = ("test", "scenario", "mått", "värde", "medelfel", "enhet", "mål", "replikat", "s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        line = (
            r["test"],
            r["scenario"],
            r["measure"],
            formatted_rate(r),
            standard_error(r),
            r.get("unit", ""),
            r.get("target", ""),
            str(r["replicates"]),
            f"{float(r.get('seconds', 0)):.1f}",
        )
        print("| " + " | ".join(line) + " |")


def run_alone(part: str) -> None:
    """One part on its own: ``python benchmarks/calibration_<part>.py [--replicates N]``."""
    module = importlib.import_module(f"calibration_{part}")
    parser = argparse.ArgumentParser(description=module.__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=module.DEFAULT_REPLICATES)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print_table(module.scenarios(args.replicates, args.seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=float, default=1.0, help="scale of each default")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--only", choices=PARTS, action="append")
    args = parser.parse_args()

    import django

    django.setup()

    rows = []
    for part in args.only or PARTS:
        module = importlib.import_module(f"calibration_{part}")
        replicates = max(1, round(module.DEFAULT_REPLICATES * args.replicates))
        started = time.perf_counter()
        rows += module.scenarios(replicates, args.seed)
        print(f"# {part}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print_table(rows)


if __name__ == "__main__":
    main()
