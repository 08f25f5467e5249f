"""The few SIGPROC header values the numpy competitors need, read as numpy users do."""

import numpy as np


def header(path):
    """(end of the header in bytes, {nchans, nbits, tsamp, fch1, foff})."""
    with open(path, "rb") as f:
        head = f.read(4096)
    end = head.index(b"HEADER_END") + len("HEADER_END")

    def value(key, fmt):
        i = head.index(key.encode()) + len(key)
        return np.frombuffer(head[i : i + np.dtype(fmt).itemsize], fmt)[0]

    fields = dict(nchans=int(value("nchans", "<i4")), nbits=int(value("nbits", "<i4")))
    fields.update({key: float(value(key, "<f8")) for key in ("tsamp", "fch1", "foff")})
    return end, fields
