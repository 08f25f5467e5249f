"""Workload 5 with peers' tools: a 4-bit AABBCRCI PSRFITS search-mode file to the total-intensity
waterfall (nchan x ntime, AA + BB). Prints JSON with the wall time and the peak resident memory.

    python bench/competitors/w6_peers.py TOOL FILE

TOOL: numpy (astropy's SUBINT table, nibbles unpacked with shifts, per-pol scales and offsets,
      AA + BB, the band flipped to ascending: what a numpy user writes),
      your (Your.get_data, which averages AA and BB),
      sigpyproc (PFITSReader.read_block).
"""

import json
import sys
import time

import numpy as np

tool, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if tool == "your":
    from your import Your

    y = Your(path)
    out = y.get_data(nstart=0, nsamp=y.your_header.nspectra).T
elif tool == "sigpyproc":
    from sigpyproc.readers import PFITSReader

    f = PFITSReader(path)
    out = f.read_block(0, f.header.nsamples).data
else:
    from astropy.io import fits

    with fits.open(path, memmap=True) as hdul:
        sub = hdul["SUBINT"]
        h = sub.header
        nsblk, npol, nchan, zero = h["NSBLK"], h["NPOL"], h["NCHAN"], h["ZERO_OFF"]
        rows = []
        for r in range(h["NAXIS2"]):
            raw = np.asarray(sub.data["DATA"][r]).ravel()  # TDIM (NCHAN, NPOL, NSBLK/2) gives bytes, not samples
            nibbles = np.empty(raw.size * 2, np.uint8)
            nibbles[0::2] = raw >> 4
            nibbles[1::2] = raw & 15
            v = nibbles.reshape(nsblk, npol, nchan).astype(np.float32)
            scl = np.asarray(sub.data["DAT_SCL"][r], np.float32).reshape(npol, nchan)
            offs = np.asarray(sub.data["DAT_OFFS"][r], np.float32).reshape(npol, nchan)
            w = np.asarray(sub.data["DAT_WTS"][r], np.float32)
            rows.append((((v[:, 0] - zero) * scl[0] + offs[0]) + ((v[:, 1] - zero) * scl[1] + offs[1])) * w)
        out = np.concatenate(rows).T[::-1].copy()
seconds = time.perf_counter() - start
# VmHWM is this process's own peak (ru_maxrss would include the parent it was forked from).
with open("/proc/self/status") as status:
    peak = int(next(line for line in status if line.startswith("VmHWM")).split()[1])
print(json.dumps({"seconds": seconds, "maxRssKiB": peak, "shape": list(out.shape)}))
