"""Workload 2's in-memory core in numpy: dedisperse (np.roll per channel) and
subband (reshape-and-average) on data already in memory. Prints JSON.

    python bench/competitors/numpy_core.py IN.npz DM NSUB REPEATS
"""

import json
import sys
import time

import numpy as np

src, dm, nsub, repeats = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
d = np.load(src)
x0 = d["intensity"]
dt, df, fbottom, dm0 = (float(d[k]) for k in ("dt", "df", "fbottom", "dm"))
f = fbottom + df * (np.arange(x0.shape[0]) + 0.5)  # channel centres (fbottom is the lower band edge)
shifts = np.round((1 / 2.41e-4) * (dm - dm0) * (f**-2 - f[-1] ** -2) / dt).astype(int)
times = []
for _ in range(repeats):
    x = x0.copy()
    t = time.perf_counter()
    for i, s in enumerate(shifts):
        x[i] = np.roll(x[i], -s)
    sub = np.nanmean(x.reshape(nsub, x.shape[0] // nsub, -1), axis=1)
    times.append(time.perf_counter() - t)
print(json.dumps({"seconds": sorted(times)[len(times) // 2]}))
