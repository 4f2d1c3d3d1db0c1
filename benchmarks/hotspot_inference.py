"""How fast the hot-spot decision is: conditional permutation and the exact binomial test.

Times ``getis_ord_gi_star(grid, test="permutation", permutations=999)`` on a 200 × 200 grid
(the target: under 2 s on 2 cores) and the exact test (``test="binomial"``, the default) on
the same grid, medians of several runs, against esda's ``G_Local(y, w, star=True,
transform="B", permutations=999)`` in the same run. esda draws 999 permutations per cell in a
loop (with numba when installed, which this environment does not have); it runs on the
full grid by default (about 15 s a run here, median of 3); give --esda-size for a smaller
grid when it takes too long, and our permutation test is timed on that grid too for the
ratio; the per-cell times are printed as well.

    PYTHONPATH=. python benchmarks/hotspot_inference.py [--size 200] [--esda-size 200]
"""

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from samverkan.analysis.hotspots import Grid, getis_ord_gi_star  # noqa: E402


def a_map(size: int, seed: int) -> np.ndarray:
    """Sparse counts (mean 0.3 per cell) with a few clusters, like a year of events."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(0.3, (size, size))
    for _ in range(max(1, size // 20)):
        r, c = rng.integers(2, size - 2, 2)
        counts[r - 1 : r + 2, c - 1 : c + 2] += rng.poisson(3, (3, 3))
    return counts


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--esda-size", type=int, default=200)
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    big = Grid(0.0, 0.0, 250.0, a_map(args.size, args.seed))
    perm = median_seconds(
        lambda: getis_ord_gi_star(big, test="permutation", permutations=args.permutations),
        args.repeat,
    )
    exact = median_seconds(lambda: getis_ord_gi_star(big), args.repeat)
    normal = median_seconds(lambda: getis_ord_gi_star(big, test="normal"), args.repeat)
    cells = args.size**2
    print(f"{args.size} × {args.size} rutor ({cells} celler), {big.total} händelser")
    print(f"  permutation, {args.permutations} dragningar: {perm:8.3f} s (mål < 2 s)")
    print(f"  exakt binomialtest:              {exact:8.3f} s")
    print(f"  normalapproximation (jämförelse): {normal:8.3f} s")

    import esda
    import libpysal

    small_counts = a_map(args.esda_size, args.seed)
    small = Grid(0.0, 0.0, 250.0, small_counts)
    w = libpysal.weights.lat2W(args.esda_size, args.esda_size, rook=False)
    y = small_counts.ravel().astype(float)

    def run_esda():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            esda.getisord.G_Local(
                y, w, star=True, transform="B", permutations=args.permutations, seed=1
            )

    theirs = median_seconds(run_esda, max(1, min(args.repeat, 3)))
    ours = median_seconds(
        lambda: getis_ord_gi_star(small, test="permutation", permutations=args.permutations),
        args.repeat,
    )
    n = args.esda_size**2
    print(f"{args.esda_size} × {args.esda_size} rutor ({n} celler), samma körning:")
    print(f"  esda G_Local, {args.permutations} permutationer: {theirs:8.3f} s "
          f"({theirs / n * 1e3:.3f} ms per cell)")  # fmt: skip
    print(f"  vår permutation:                    {ours:8.3f} s "
          f"({ours / n * 1e3:.4f} ms per cell)")  # fmt: skip
    print(f"  kvot esda / vår: {theirs / ours:.0f}")
    print(f"  esda per cell × {cells} celler ≈ {theirs / n * cells:.0f} s för {args.size}²")


if __name__ == "__main__":
    main()
