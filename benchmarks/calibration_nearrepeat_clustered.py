"""The clustered + summer null of the near-repeat calibration alone, with many replicates:
the false-alarm rate in the primary cell with its Wilson 95 % interval.

    python benchmarks/calibration_nearrepeat_clustered.py REPLICATES SEED
"""

import sys
import time
from pathlib import Path

import numpy as np
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, str(Path(__file__).parent))
from calibration_nearrepeat import ALPHA, _clustered, knox_test  # noqa: E402


def main(reps: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    hits = 0
    start = time.perf_counter()
    for _ in range(reps):
        x, y, t = _clustered(rng, 300)
        result = knox_test(x, y, t, seed=int(rng.integers(1 << 31)), alpha=ALPHA)
        hits += bool(result.primary["significant"])
    low, high = proportion_confint(hits, reps, method="wilson")
    print(
        f"seed={seed} reps={reps} hits={hits} rate={hits / reps:.4f} "
        f"wilson95=[{low:.4f},{high:.4f}] secs={time.perf_counter() - start:.1f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
