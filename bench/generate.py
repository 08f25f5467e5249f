"""Makes the benchmark workloads (never committed; cached in bench/.work):

    python bench/generate.py OUTDIR [--quick]

w1.npz   128 x 1024 tutorial waterfall (the paper figure)
w2.npz   16384 x 2048 float32 (128 MiB), full-resolution CHIME-like
w3.fil   4096 x 262144 8-bit SIGPROC filterbank (1 GiB; --quick: 1024 x 65536),
         a dispersed burst (DM 500) in noise, descending frequencies
w4/      4 different 128 x 1024 bursts for the 24-figure manifest
w5.fil   w2.npz's 16384 x 2048 as a 32-bit SIGPROC filterbank (for your's Candidate)
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from make_synthetic import synthetic, write  # noqa: E402

W3_FCH1, W3_TSAMP, W3_DM = 1530.0, 64e-6, 500.0


def header_bytes(fields):
    out = bytearray()

    def string(s):
        out.extend(len(s).to_bytes(4, "little") + s.encode())

    string("HEADER_START")
    for key, value in fields:
        string(key)
        if isinstance(value, str):
            string(value)
        elif isinstance(value, int):
            out.extend(np.int32(value).tobytes())
        else:
            out.extend(np.float64(value).tobytes())
    string("HEADER_END")
    return bytes(out)


def float_filterbank(path, npz):
    """The waterfall of a tutorial npz as a 32-bit filterbank, highest frequency first."""
    z = np.load(npz)
    x, df, fbottom = z["intensity"].astype(np.float32), float(z["df"]), float(z["fbottom"])
    nchan = x.shape[0]
    fields = [
        ("telescope_id", 0), ("machine_id", 0), ("data_type", 1), ("source_name", "bench"),
        ("fch1", fbottom + (nchan - 0.5) * df), ("foff", -df), ("nchans", nchan), ("nbits", 32), ("nifs", 1),
        ("tstart", 60000.0), ("tsamp", float(z["dt"])),
    ]
    with open(path, "wb") as f:
        f.write(header_bytes(fields))
        f.write(np.ascontiguousarray(x[::-1].T).tobytes())


def filterbank(path, nchan, ntime, seed):
    foff = -400.0 / nchan
    fields = [
        ("telescope_id", 0), ("machine_id", 0), ("data_type", 1), ("source_name", "bench"),
        ("fch1", W3_FCH1), ("foff", foff), ("nchans", nchan), ("nbits", 8), ("nifs", 1),
        ("tstart", 60000.0), ("tsamp", W3_TSAMP),
    ]
    rng = np.random.default_rng(seed)
    freqs = W3_FCH1 + foff * np.arange(nchan)  # file order: descending
    arrival = 0.5 * ntime + (1 / 2.41e-4) * W3_DM * (freqs**-2.0 - W3_FCH1**-2.0) / W3_TSAMP
    with open(path, "wb") as f:
        f.write(header_bytes(fields))
        step = max(1, (64 << 20) // nchan)
        for t0 in range(0, ntime, step):
            t = np.arange(t0, min(ntime, t0 + step))[:, None]
            block = rng.normal(100.0, 12.0, size=(len(t), nchan))
            block += 40.0 * np.exp(-0.5 * ((t - arrival[None, :]) / 8.0) ** 2)
            f.write(np.clip(np.round(block), 0, 255).astype(np.uint8).tobytes())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    made = []

    def make(name, fn):
        path = a.out / name
        if not path.exists():
            fn(path)
            made.append(name)
        return path

    make("w1.npz", lambda p: write(p, *synthetic(128, 1024, 1, 87.0, 87.77)))
    w2 = make("w2.npz", lambda p: write(p, *synthetic(16384, 2048, 2, 87.0, 87.77)))
    make("w5.fil", lambda p: float_filterbank(p, w2))
    nchan, ntime = (1024, 65536) if a.quick else (4096, 262144)
    make(f"w3_{nchan}x{ntime}.fil", lambda p: filterbank(p, nchan, ntime, 3))
    (a.out / "w4").mkdir(exist_ok=True)
    for k in range(4):
        make(f"w4/burst_{k}.npz", lambda p, k=k: write(p, *synthetic(128, 1024, 10 + k, 87.0, 87.77)))
    print("generated:", ", ".join(made) or "nothing new")


if __name__ == "__main__":
    main()
