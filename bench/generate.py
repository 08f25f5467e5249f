"""Makes the benchmark workloads (never committed; cached in bench/.work):

    python bench/generate.py OUTDIR [--quick]

w1.npz   128 x 1024 tutorial waterfall (the paper figure)
w2.npz   16384 x 2048 float32 (128 MiB), full-resolution CHIME-like
w3.fil   4096 x 262144 8-bit SIGPROC filterbank (1 GiB; --quick: 1024 x 65536),
         a dispersed burst (DM 500) in noise, descending frequencies
w4/      4 different 128 x 1024 bursts for the 24-figure manifest
w5.npz   16384 x 16384 float32 (1 GiB, stored), a CHIME-like full-resolution
         burst written channel block by channel block (--quick: 4096 x 16384)
w6.fil   4096 x 2097152 8-bit filterbank (8 GiB; not with --quick), the w3
         burst in noise blocks that repeat (the content does not change the work)
"""

import argparse
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from make_synthetic import BANDWIDTH, DT, FBOTTOM, K_DM, synthetic, write  # noqa: E402

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


def npy_header(shape, descr="<f4"):
    """The bytes np.save writes before the data of a C-ordered array."""
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    text += " " * (64 - (10 + len(text) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode()


def big_npz(path, nchan, ntime, seed=5, file_dm=87.0, burst_dm=87.77, block=256):
    """A tutorial npz (stored, like np.savez) written block by block of channels, never whole in
    memory: noise, a dispersed burst at 60% of the span, dropped and noisy channels."""
    rng = np.random.default_rng(seed)
    df = BANDWIDTH / nchan
    freqs = FBOTTOM + df * (np.arange(nchan) + 0.5)
    t = (np.arange(ntime) + 0.5) * DT
    delay = K_DM * (burst_dm - file_dm) * (freqs**-2 - freqs[-1] ** -2)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        with z.open("intensity.npy", "w", force_zip64=True) as f:
            f.write(npy_header((nchan, ntime)))
            for c0 in range(0, nchan, block):
                c = np.arange(c0, min(nchan, c0 + block))
                x = rng.normal(0.0, 1.0, size=(len(c), ntime)).astype(np.float32) * rng.uniform(0.02, 0.04, size=(len(c), 1)).astype(np.float32)
                band = np.exp(-0.5 * ((freqs[c] - 600.0) / 70.0) ** 2)
                x += (0.35 * band[:, None] * np.exp(-0.5 * ((t[None, :] - 0.6 * ntime * DT - delay[c, None]) / 1.5e-3) ** 2)).astype(np.float32)
                x[rng.random(len(c)) < 1 / 32] *= 10.0
                x[rng.random(len(c)) < 1 / 32] = 0.0
                f.write(x.tobytes())
        for key, value in dict(dt=DT, df=df, dm=file_dm, fbottom=FBOTTOM).items():
            with z.open(f"{key}.npy", "w") as f:
                f.write(npy_header(()).replace(b"'<f4'", b"'<f8'") + np.float64(value).tobytes())


def repeated_filterbank(path, nchan, ntime, seed=6, distinct_bytes=1 << 30):
    """A large 8-bit filterbank: the w3 burst, in noise blocks that repeat after `distinct_bytes`."""
    foff = -400.0 / nchan
    fields = [
        ("telescope_id", 0), ("machine_id", 0), ("data_type", 1), ("source_name", "bench"),
        ("fch1", W3_FCH1), ("foff", foff), ("nchans", nchan), ("nbits", 8), ("nifs", 1),
        ("tstart", 60000.0), ("tsamp", W3_TSAMP),
    ]
    rng = np.random.default_rng(seed)
    step = (64 << 20) // nchan
    blocks = [np.clip(np.round(rng.normal(100.0, 12.0, size=(step, nchan))), 0, 255).astype(np.uint8) for _ in range(distinct_bytes // (step * nchan))]
    freqs = W3_FCH1 + foff * np.arange(nchan)
    arrival = 0.5 * ntime + (1 / 2.41e-4) * W3_DM * (freqs**-2.0 - W3_FCH1**-2.0) / W3_TSAMP
    with open(path, "wb") as f:
        f.write(header_bytes(fields))
        for k, t0 in enumerate(range(0, ntime, step)):
            block = blocks[k % len(blocks)][: min(step, ntime - t0)]
            t = np.arange(t0, t0 + len(block))[:, None]
            near = np.abs(t - arrival[None, :]) < 64
            if near.any():
                block = np.clip(block + 40.0 * np.exp(-0.5 * ((t - arrival[None, :]) / 8.0) ** 2), 0, 255).astype(np.uint8)
            f.write(block.tobytes())


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
    make("w2.npz", lambda p: write(p, *synthetic(16384, 2048, 2, 87.0, 87.77)))
    nchan, ntime = (1024, 65536) if a.quick else (4096, 262144)
    make(f"w3_{nchan}x{ntime}.fil", lambda p: filterbank(p, nchan, ntime, 3))
    make(f"w5_{16384 if not a.quick else 4096}x16384.npz", lambda p: big_npz(p, 16384 if not a.quick else 4096, 16384))
    if not a.quick:
        make("w6_4096x2097152.fil", lambda p: repeated_filterbank(p, 4096, 2097152))
    (a.out / "w4").mkdir(exist_ok=True)
    for k in range(4):
        make(f"w4/burst_{k}.npz", lambda p, k=k: write(p, *synthetic(128, 1024, 10 + k, 87.0, 87.77)))
    print("generated:", ", ".join(made) or "nothing new")


if __name__ == "__main__":
    main()
