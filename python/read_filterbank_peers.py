"""Reads a filterbank with sigpyproc or your (where installed) and saves the
samples as our channel-major float32 waterfall (row 0 = lowest frequency):

    python python/read_filterbank_peers.py TOOL FILE.fil OUT.npz
"""

import sys

import numpy as np

tool, path, out = sys.argv[1:4]
if tool == "sigpyproc":
    from sigpyproc.readers import FilReader

    fil = FilReader(path)
    block = np.asarray(fil.read_block(0, fil.header.nsamples).data, dtype=np.float32)  # (nchans, nsamples), file order
    foff = fil.header.foff
else:
    from your import Your

    y = Your(path)
    block = np.asarray(y.get_data(nstart=0, nsamp=y.your_header.nspectra), dtype=np.float32).T  # (nchans, nsamples)
    foff = y.your_header.foff
if foff < 0:
    block = block[::-1]
np.savez(out, intensity=np.ascontiguousarray(block))
