"""Workload 5 with numpy and your: the DM-time plane of a filterbank window, trials over
0 .. 2 DM (FETCH's range), timed on data already in memory. Both cost the same per trial
whatever the DM, so SUBSET trials (spread over the range) are timed and the time per trial
is reported with the time for TRIALS trials (linear: every trial is one full pass).

    python bench/competitors/plane_peers.py TOOL FILE DM TRIALS SUBSET [NSTART NSAMP]

TOOL: numpy (per trial: np.roll of each channel by its shift, summed: numpy users' brute force),
      your (Candidate.dmtime's CPU path: Candidate.dedispersets per trial on the (nt, nf) chunk).
Prints JSON: seconds per trial, extrapolated seconds for TRIALS, peak RSS.
"""

import json
import sys
import time

import numpy as np

tool, path, dm, trials, subset = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
nstart, nsamp = (int(sys.argv[6]), int(sys.argv[7])) if len(sys.argv) > 7 else (0, None)
dms = np.linspace(0, 2 * dm, trials)[np.linspace(0, trials - 1, subset).round().astype(int)]

if tool == "your":
    from your import Your
    from your.candidate import Candidate

    y = Your(path)
    nsamp = nsamp or y.your_header.nspectra
    cand = Candidate(fp=path, dm=dm, tcand=0, width=1, snr=10)
    cand.data = y.get_data(nstart=nstart, nsamp=nsamp).astype(np.float32)  # (nt, nf), as get_chunk leaves it
    start = time.perf_counter()
    plane = np.zeros((len(dms), cand.data.shape[0]), dtype=np.float32)
    for i, trial in enumerate(dms):
        plane[i] = cand.dedispersets(dms=trial)  # what Candidate.dmtime does for each of its trials
    seconds = time.perf_counter() - start
else:
    from fil_header import header

    end, h = header(path)
    nchan, nbits, tsamp, fch1, foff = h["nchans"], h["nbits"], h["tsamp"], h["fch1"], h["foff"]
    dtype = np.uint8 if nbits == 8 else np.float32
    itemsize = np.dtype(dtype).itemsize
    count = -1 if nsamp is None else nsamp * nchan
    data = np.fromfile(path, dtype=dtype, offset=end + nstart * nchan * itemsize, count=count).reshape(-1, nchan).T.astype(np.float32)
    freqs = fch1 + foff * np.arange(nchan)
    start = time.perf_counter()
    plane = np.zeros((len(dms), data.shape[1]))
    for i, trial in enumerate(dms):
        shifts = np.round((1 / 2.41e-4) * trial * (freqs**-2 - freqs.max() ** -2) / tsamp).astype(int)
        for c, s in enumerate(shifts):
            plane[i] += np.roll(data[c], -s)
    seconds = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak = int(next(line for line in status if line.startswith("VmHWM")).split()[1])
per_trial = seconds / len(dms)
print(json.dumps({"perTrial": per_trial, "seconds": per_trial * trials, "timedTrials": len(dms), "maxRssKiB": peak}))
