"""The bounded-memory filterbank workloads (issue 18), made under a temporary directory and deleted by the harness:

    python bench/generate_large_filterbank.py OUT.fil GIB [NBITS] [--signed]

OUT.fil   an 8-bit (or NBITS = 32: float32) SIGPROC filterbank of 4096 channels (1500 -> 1100 MHz,
          descending as most telescopes write them, 64 us samples) and GIB GiB of samples (262144
          samples per GiB at 8 bits, 65536 at 32): Gaussian-like noise on a bandpass, with a burst
          dispersed at DM 500 every 2^18 samples. Written a block at a time (one 256 MiB block of noise
          repeated with different bursts), so that memory stays small.
--signed  8-bit two's complement samples (the header's `signed` = 1): the same samples less 128.
"""

import sys

import numpy as np

args = [a for a in sys.argv[1:] if a != "--signed"]
signed = "--signed" in sys.argv[1:]
out, gib = args[0], float(args[1])
nbits = int(args[2]) if len(args) > 2 else 8
if signed and nbits != 8:
    raise SystemExit("--signed: 8-bit samples only")
nchan, tsamp, fch1, foff, dm = 4096, 64e-6, 1500.0 - 0.05, -0.1, 500.0
block = (1 << 31) // (nchan * nbits)  # samples per block: 256 MiB as stored
nsamples = int(gib * (1 << 33) // (nchan * nbits))
rng = np.random.default_rng(18)
bandpass = (40 + 60 * np.sin(np.linspace(0.2, 2.9, nchan)) ** 2).astype(np.float32)
noise = bandpass[None, :] * (1 + 0.15 * rng.standard_normal((block, nchan), dtype=np.float32))
noise = noise if nbits == 32 else np.clip(noise, 0, 255).astype(np.uint8)
if signed:
    noise = (noise.astype(np.int16) - 128).astype(np.int8)
top = 127 if signed else 255  # the burst's value
freqs = fch1 + np.arange(nchan) * foff
delays = np.round(4148.808 * dm * (freqs**-2 - freqs[0] ** -2) / tsamp).astype(np.int64)


def field(key, value, kind):
    name = key.encode()
    head = np.int32(len(name)).tobytes() + name
    if kind == "int":
        return head + np.int32(value).tobytes()
    if kind == "double":
        return head + np.float64(value).tobytes()
    text = value.encode()
    return head + np.int32(len(text)).tobytes() + text


header = np.int32(12).tobytes() + b"HEADER_START"
header += field("source_name", "bench", "str") + field("telescope_id", 0, "int") + field("machine_id", 0, "int")
header += field("data_type", 1, "int") + field("fch1", fch1, "double") + field("foff", foff, "double")
header += field("nchans", nchan, "int") + field("nbits", nbits, "int") + field("nifs", 1, "int")
header += field("tstart", 60000.0, "double") + field("tsamp", tsamp, "double")
if signed:
    header += np.int32(6).tobytes() + b"signed" + np.uint8(1).tobytes()  # SIGPROC's one-byte keyword
header += np.int32(10).tobytes() + b"HEADER_END"

with open(out, "wb") as f:
    f.write(header)
    for start in range(0, nsamples, block):
        rows = min(block, nsamples - start)
        chunk = noise[:rows].copy()
        burst = (1 << 17) - (start % (1 << 18))  # the burst's arrival at the top of the band, within this block
        t = burst + delays
        inside = (t >= 0) & (t < rows)
        chunk[t[inside], np.nonzero(inside)[0]] = top
        f.write(chunk.tobytes())
