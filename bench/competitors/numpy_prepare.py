"""Workload 2 as numpy users write it (whole process): load the tutorial npz,
dedisperse with np.roll per channel, the tutorial's two masks, subband by
reshape-and-average, the colour-limit percentiles, save an npz.

    python bench/competitors/numpy_prepare.py IN.npz DM NSUB OUT.npz
"""

import sys
import warnings

import numpy as np

warnings.simplefilter("ignore", RuntimeWarning)
src, dm, nsub, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
d = np.load(src)
x = d["intensity"]
dt, df, fbottom, dm0 = (float(d[k]) for k in ("dt", "df", "fbottom", "dm"))
w = np.ones_like(x)
w[x == 0] = 0
f = fbottom + df * np.arange(x.shape[0])
shifts = np.round((1 / 2.41e-4) * (dm - dm0) * (f**-2 - f[-1] ** -2) / dt).astype(int)
for i, s in enumerate(shifts):
    x[i] = np.roll(x[i], -s)
    w[i] = np.roll(w[i], -s)
x[np.argwhere(np.abs(np.nansum(x, axis=1)) > 2), ...] = np.nan
x[np.argwhere(np.nanvar(x, axis=1) > 0.05), ...] = np.nan
per = x.shape[0] // nsub
xs = x.reshape(nsub, per, -1)
ws = np.where(np.isnan(xs), 0, w.reshape(xs.shape))
total = ws.sum(axis=1)
sub = np.where(total > 0, np.nansum(xs * ws, axis=1) / np.where(total > 0, total, 1), np.nan)
vmin, vmax = np.nanpercentile(sub, [2.5, 97.5])
np.savez(out, intensity=sub.astype(np.float32), weights=(total / per).astype(np.float32), dt=dt, df=df * per, dm=dm, fbottom=fbottom)
print(f"vmin {vmin:.4g} vmax {vmax:.4g}")
