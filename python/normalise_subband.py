"""numpy reference for a waterfall normalised per channel and averaged into
subbands, as a numpy user writes it: robust `(x - median) / (1.4826 MAD)`,
z-scores `(x - mean) / std` or fractions `x / mean - 1`; a channel without a
spread (or a mean, for fractions) is left out (NaN), and so are the channels
listed; subbands are the mean of their channels' valid samples.

    python python/normalise_subband.py WATERFALL.npz METHOD NSUB OUT.npz [CHANNEL ...]

WATERFALL.npz holds `intensity` (channel-major, row 0 the lowest frequency),
as python/read_filterbank.py writes it.
"""

import sys
import warnings

import numpy as np

warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN channels and subbands are expected
path, method, nsub, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
left_out = [int(c) for c in sys.argv[5:]]
x = np.load(path)["intensity"].astype(np.float64)
if method == "robust":
    centre = np.median(x, axis=1, keepdims=True)
    scale = 1.4826 * np.median(np.abs(x - centre), axis=1, keepdims=True)
    offset = 0.0
elif method == "zscore":
    centre, scale, offset = x.mean(axis=1, keepdims=True), x.std(axis=1, keepdims=True), 0.0
elif method == "fractional":
    centre, scale, offset = 0.0, x.mean(axis=1, keepdims=True), 1.0
else:
    raise SystemExit(f"unknown method {method}")
with np.errstate(divide="ignore", invalid="ignore"):
    y = (x - centre) / scale - offset
y[(scale[:, 0] == 0) | ~np.isfinite(scale[:, 0])] = np.nan
y[left_out] = np.nan
subbands = np.nanmean(y.reshape(nsub, -1, y.shape[1]), axis=1)
np.savez(out, intensity=subbands.astype(np.float32))
