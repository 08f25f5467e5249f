"""The automatic masks as a numpy user computes them: zero-DM (sigpyproc's formula, data at DM 0
only), per-channel statistics with numpy, IQRM with the `iqrm` package and spectral kurtosis as
`your` does, through python/rfi_reference.py (the same definitions wfall is checked against).
Prints JSON: the median seconds of the masking alone (the file is read once, outside the timing).

    python bench/competitors/numpy_masks.py FILE.npz REPEATS
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
from rfi_reference import accumulations_per_sample, auto_mask, channel_stats, valid_samples, zero_dm_sigpyproc  # noqa: E402

path, repeats = sys.argv[1], int(sys.argv[2])
with np.load(path) as z:
    raw = z["intensity"]
    dt, df, dm = float(z["dt"]), float(z["df"]), float(z["dm"])
times = []
for _ in range(repeats):
    t = time.perf_counter()
    x = valid_samples(raw, zeros_missing=True)
    if dm == 0:
        x = zero_dm_sigpyproc(x)
    auto_mask(channel_stats(x), accumulations_per_sample(dt, df))
    times.append(time.perf_counter() - t)
print(json.dumps({"seconds": sorted(times)[len(times) // 2]}))
