"""An independent numpy reader of SIGPROC filterbanks, for cross-checks:
writes the samples as a channel-major float32 waterfall (row 0 = lowest
frequency) and the header values to an npz.

    python python/read_filterbank.py FILE.fil OUT.npz
"""

import sys

import numpy as np

INTS = {"telescope_id", "machine_id", "data_type", "barycentric", "pulsarcentric", "nbits", "nsamples", "nchans", "nifs", "nbeams", "ibeam"}
STRINGS = {"source_name", "rawdatafile"}
BYTES = {"signed"}

path, out = sys.argv[1], sys.argv[2]
raw = np.fromfile(path, dtype=np.uint8)
at = 0


def string():
    global at
    n = int(raw[at : at + 4].view("<i4")[0])
    s = raw[at + 4 : at + 4 + n].tobytes().decode()
    at += 4 + n
    return s


assert string() == "HEADER_START"
header = {}
while (key := string()) != "HEADER_END":
    if key in STRINGS:
        header[key] = string()
    elif key in BYTES:
        header[key] = int(raw[at])
        at += 1
    elif key in INTS:
        header[key] = int(raw[at : at + 4].view("<i4")[0])
        at += 4
    else:
        header[key] = float(raw[at : at + 8].view("<f8")[0])
        at += 8
nbits, nchans = header["nbits"], header["nchans"]
signed = header.get("signed", 0) != 0  # two's complement 8- and 16-bit samples
body = raw[at:]
if nbits == 32:
    values = body.view("<f4").astype(np.float32)
elif nbits == 16:
    values = body.view("<i2" if signed else "<u2").astype(np.float32)
elif nbits == 8:
    values = (body.view(np.int8) if signed else body).astype(np.float32)
else:
    bits = np.unpackbits(body, bitorder="little").reshape(-1, nbits)
    values = (bits * (1 << np.arange(nbits))).sum(axis=1).astype(np.float32)
data = values[: values.size // nchans * nchans].reshape(-1, nchans).T
if header["foff"] < 0:
    data = data[::-1]
# fch1 and foff give channel centres: the band's lower edge is half a channel below the lowest one
centres = header["fch1"] + header["foff"] * np.arange(nchans)
lower_edge = centres.min() - abs(header["foff"]) / 2
np.savez(out, intensity=np.ascontiguousarray(data), band_lower_edge=lower_edge, **{k: v for k, v in header.items() if k not in STRINGS})
