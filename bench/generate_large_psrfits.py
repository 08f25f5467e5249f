"""The bounded-memory PSRFITS workload (issue 18), made under a temporary directory and deleted by the harness:

    python bench/generate_large_psrfits.py OUT.fits GIB

OUT.fits  a PSRFITS search-mode file of 4096 channels (1500 -> 1100 MHz, descending as most backends write
          them, 64 us samples), 8-bit, one pol (AA+BB), 2048 samples per subint (8 MiB of DATA), and GIB
          GiB of samples (262144 samples per GiB): the samples of bench/generate_large_filterbank.py (noise
          on a bandpass, a burst dispersed at DM 500 every 2^18 samples), with DAT_SCL, DAT_OFFS and DAT_WTS
          different in every subint. The headers come from astropy (a one-row table); the rows are written
          a subint at a time, so that memory stays small.
"""

import sys

import numpy as np
from astropy.io import fits

out, gib = sys.argv[1], float(sys.argv[2])
nchan, nsblk, tbin, dm = 4096, 2048, 64e-6, 500.0
nrows = max(1, int(gib * (1 << 18)) // nsblk)
rng = np.random.default_rng(18)
freqs = 1500.0 - 0.05 - 0.1 * np.arange(nchan)
bandpass = (40 + 60 * np.sin(np.linspace(0.2, 2.9, nchan)) ** 2).astype(np.float32)
block = 1 << 15  # samples of noise, repeated with different bursts
noise = np.clip(bandpass[None, :] * (1 + 0.15 * rng.standard_normal((block, nchan), dtype=np.float32)), 0, 255).astype(np.uint8)
delays = np.round(4148.808 * dm * (freqs**-2 - freqs[0] ** -2) / tbin).astype(np.int64)

columns = [
    fits.Column(name="TSUBINT", format="1D", unit="s", array=np.zeros(1)),
    fits.Column(name="OFFS_SUB", format="1D", unit="s", array=np.zeros(1)),
    fits.Column(name="DAT_FREQ", format=f"{nchan}D", unit="MHz", array=freqs[None, :]),
    fits.Column(name="DAT_WTS", format=f"{nchan}E", array=np.ones((1, nchan), np.float32)),
    fits.Column(name="DAT_OFFS", format=f"{nchan}E", array=np.zeros((1, nchan), np.float32)),
    fits.Column(name="DAT_SCL", format=f"{nchan}E", array=np.ones((1, nchan), np.float32)),
    fits.Column(name="DATA", format=f"{nsblk * nchan}B", dim=f"({nchan},1,{nsblk})", array=np.zeros((1, nsblk, 1, nchan), np.uint8)),
]
table = fits.BinTableHDU.from_columns(columns, name="SUBINT")
for key, value in [("INT_TYPE", "TIME"), ("NPOL", 1), ("POL_TYPE", "AA+BB"), ("TBIN", tbin), ("NBIN", 1), ("NBITS", 8), ("NSUBOFFS", 0),
                   ("NCHAN", nchan), ("CHAN_BW", -0.1), ("NCHNOFFS", 0), ("NSBLK", nsblk)]:
    table.header[key] = value
table.header["NAXIS2"] = nrows
primary = fits.PrimaryHDU()
for key, value in [("FITSTYPE", "PSRFITS"), ("TELESCOP", "bench"), ("OBS_MODE", "SEARCH"), ("OBSFREQ", 1300.0), ("OBSBW", -409.6),
                   ("OBSNCHAN", nchan), ("CHAN_DM", 0.0), ("SRC_NAME", "bench"), ("STT_IMJD", 60000), ("STT_SMJD", 0), ("STT_OFFS", 0.0)]:
    primary.header[key] = value

row = np.dtype([("TSUBINT", ">f8"), ("OFFS_SUB", ">f8"), ("DAT_FREQ", ">f8", nchan), ("DAT_WTS", ">f4", nchan), ("DAT_OFFS", ">f4", nchan),
                ("DAT_SCL", ">f4", nchan), ("DATA", "u1", nsblk * nchan)])
assert row.itemsize == table.header["NAXIS1"]
with open(out, "wb") as f:
    f.write(primary.header.tostring().encode())
    f.write(table.header.tostring().encode())
    for r in range(nrows):
        start = r * nsblk
        samples = noise[start % block:start % block + nsblk].copy()
        burst = (1 << 17) - (start % (1 << 18))
        t = burst + delays
        inside = (t >= 0) & (t < nsblk)
        samples[t[inside], np.nonzero(inside)[0]] = 255
        rec = np.zeros(1, row)
        rec["TSUBINT"], rec["OFFS_SUB"], rec["DAT_FREQ"] = nsblk * tbin, (r + 0.5) * nsblk * tbin, freqs
        rec["DAT_WTS"] = 1 + 0.01 * (r % 7)
        rec["DAT_OFFS"] = 0.5 * (r % 3)
        rec["DAT_SCL"] = 1 + 0.001 * (r % 5)
        rec["DATA"] = samples.ravel()
        f.write(rec.tobytes())
    f.write(b"\0" * (-(nrows * row.itemsize) % 2880))
