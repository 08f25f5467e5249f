"""The bounded-memory workload (issue 18), made under a temporary directory and deleted by the harness:

    python bench/generate_bounded.py OUT.npz [NTIME]

OUT.npz   16384 x NTIME (default 16384: 1 GiB) float32 CHIME-like raw power in the tutorial's layout
          (400-800 MHz, 0.98304 ms): a bandpass times noise, a burst at DM 87.77 at 40% of the span,
          stored uncompressed as np.savez writes it.
"""

import sys

import numpy as np

out = sys.argv[1]
nchan, ntime = 16384, int(sys.argv[2]) if len(sys.argv) > 2 else 16384
dt, df, fbottom, dm = 0.00098304, 400.0 / nchan, 400.0, 0.0
rng = np.random.default_rng(18)
intensity = rng.standard_normal((nchan, ntime), dtype=np.float32)
intensity *= 0.1
intensity += 1
bandpass = (5 + 200 * np.sin(np.linspace(0.1, 3, nchan)) ** 2).astype(np.float32)
intensity *= bandpass[:, None]
freqs = fbottom + (np.arange(nchan) + 0.5) * df
delays = np.round(4148.808 * 87.77 * (freqs**-2 - freqs[-1] ** -2) / dt).astype(np.int64)
rows = np.arange(nchan)
for width in range(4):
    intensity[rows, (int(0.4 * ntime) + delays + width) % ntime] += 0.5 * bandpass
np.savez(out, intensity=intensity, dt=dt, df=df, fbottom=fbottom, dm=dm)
