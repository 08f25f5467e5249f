"""Workload 3 with peers' tools, reading the filterbank and producing the
dedispersed waterfall downsampled in time by TFACTOR and in frequency to NSUB
subbands. Prints JSON with the wall time and the peak resident memory.

    python bench/competitors/w3_peers.py TOOL FILE DM TFACTOR NSUB

TOOL: numpy (np.fromfile, np.roll per channel, reshape-and-average),
      your (Your.get_data + your.utils.astro.dedisperse),
      sigpyproc (FilReader.read_block -> dedisperse -> downsample).
"""

import json
import sys
import time

import numpy as np

tool, path, dm, tfactor, nsub = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])


def reduce(block):
    """(nchan, nt) -> (nsub, nt // tfactor) by averaging."""
    nchan, nt = block.shape
    nt -= nt % tfactor
    return block[:, :nt].reshape(nsub, nchan // nsub, nt // tfactor, tfactor).mean(axis=(1, 3))


start = time.perf_counter()
if tool == "sigpyproc":
    from sigpyproc.readers import FilReader

    fil = FilReader(path)
    block = fil.read_block(0, fil.header.nsamples)
    out = block.dedisperse(dm).downsample(tfactor=tfactor, ffactor=block.data.shape[0] // nsub).data
elif tool == "your":
    from your import Your
    from your.utils.astro import dedisperse

    y = Your(path)
    data = y.get_data(nstart=0, nsamp=y.your_header.nspectra)  # (nt, nchan)
    out = reduce(dedisperse(data.T, dm, y.your_header.tsamp, chan_freqs=y.chan_freqs))
else:
    from fil_header import header

    end, h = header(path)
    nchan, tsamp, fch1, foff = h["nchans"], h["tsamp"], h["fch1"], h["foff"]
    data = np.fromfile(path, dtype=np.uint8, offset=end).reshape(-1, nchan).T.astype(np.float32)
    freqs = fch1 + foff * np.arange(nchan)
    shifts = np.round((1 / 2.41e-4) * dm * (freqs**-2 - freqs.max() ** -2) / tsamp).astype(int)
    for i, s in enumerate(shifts):
        data[i] = np.roll(data[i], -s)
    out = reduce(data)
seconds = time.perf_counter() - start
# VmHWM is this process's own peak (ru_maxrss would include the parent it was forked from).
with open("/proc/self/status") as status:
    peak = int(next(line for line in status if line.startswith("VmHWM")).split()[1])
print(json.dumps({"seconds": seconds, "maxRssKiB": peak, "shape": list(out.shape)}))
