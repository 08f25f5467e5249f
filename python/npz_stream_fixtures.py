"""npz files for the streaming tests (channel blocks against the whole array):

    python python/npz_stream_fixtures.py OUTDIR

raw.npz         tutorial layout, 256 channels x 1001 samples of raw power (bandpass, noise, a dispersed
                burst), a NaN channel, scattered exact zeros (missing samples)
dead.npz        raw.npz's power without missing samples but a dead channel of zeros (the file's own mask):
                the only zeros, in one block
normalised.npz  tutorial layout, zero-mean data (normalise "auto" leaves it), a constant channel
descending.npz  frbgui layout, frequencies listed from the highest (rows flipped on reading)
counts.npz      raw.npz as 8-bit counts (an integer type: 'auto' normalises without looking)
corrupt.npz     raw.npz with one data byte changed (the CRC no longer matches)
"""

import sys
from pathlib import Path

import numpy as np

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(18)
nchan, ntime = 256, 1001
dt, df, fbottom, dm = 0.00098304, 1.5625, 400.0, 0.0
bandpass = 5 + 200 * np.sin(np.linspace(0.1, 3, nchan)) ** 2
raw = (bandpass[:, None] * (1 + 0.1 * rng.standard_normal((nchan, ntime)))).astype(np.float32)
freqs = fbottom + (np.arange(nchan) + 0.5) * df
delays = 4148.808 * 30 * (freqs**-2 - freqs[-1] ** -2) / dt
for c in range(nchan):
    raw[c, (400 + int(round(delays[c]))) % ntime] += 30
dead = raw.copy()
dead[17] = 0
raw[rng.integers(0, nchan, 500), rng.integers(0, ntime, 500)] = 0
raw[90] = np.nan
np.savez(out / "raw.npz", intensity=raw, dt=dt, df=df, fbottom=fbottom, dm=dm)
np.savez(out / "dead.npz", intensity=dead, dt=dt, df=df, fbottom=fbottom, dm=dm)

normalised = rng.standard_normal((nchan, ntime)).astype(np.float32) * 0.2
normalised[33] = 0.5
normalised[200, 3:9] = 5
np.savez(out / "normalised.npz", intensity=normalised, dt=dt, df=df, fbottom=fbottom, dm=dm)

np.savez(out / "descending.npz", wfall=raw[::-1].copy(), dt=dt, dfs=freqs[::-1].copy(), DM=dm)

counts = np.clip(np.nan_to_num(raw), 0, 255).astype(np.uint8)
np.savez(out / "counts.npz", intensity=counts, dt=dt, df=df, fbottom=fbottom, dm=dm)

data = bytearray((out / "raw.npz").read_bytes())
data[len(data) // 2] ^= 0x5A
(out / "corrupt.npz").write_bytes(bytes(data))
