"""Makes the benchmark workloads (never committed; cached in bench/.work):

    python bench/generate.py OUTDIR [--quick]

w1.npz   128 x 1024 tutorial waterfall (the paper figure)
w2.npz   16384 x 2048 float32 (128 MiB), full-resolution CHIME-like
w3.fil   4096 x 262144 8-bit SIGPROC filterbank (1 GiB; --quick: 1024 x 65536),
         a dispersed burst (DM 500) in noise, descending frequencies
w4/      4 different 128 x 1024 bursts for the 24-figure manifest
w6.fits  PSRFITS search mode as Parkes UWL (Medusa) writes it: 4-bit, 4 pols AABBCRCI, ZERO_OFF 7.5,
         1024 channels, NSBLK 4096, 32 rows (256 MiB; --quick: 8 rows), random samples, per-pol
         DAT_SCL/DAT_OFFS, descending DAT_FREQ
w7.fil   w2.npz's 16384 x 2048 as a 32-bit SIGPROC filterbank (for your's Candidate)
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


def psrfits(path, nrows, seed, nchan=1024, nsblk=4096, npol=4):
    from astropy.io import fits

    rng = np.random.default_rng(seed)
    primary = fits.PrimaryHDU()
    # the primary keywords a Medusa file has (your's reader needs all of them)
    for key, value in [("FITSTYPE", "PSRFITS"), ("TELESCOP", "Parkes"), ("OBSERVER", "bench"), ("PROJID", "P000"), ("FRONTEND", "UWL"),
                       ("BACKEND", "Medusa"), ("OBS_MODE", "SEARCH"), ("DATE-OBS", "2023-02-25T01:00:00"), ("SRC_NAME", "J0534+2200"),
                       ("RA", "05:34:31.9"), ("DEC", "+22:00:52.1"), ("FD_POLN", "LIN"), ("TRK_MODE", "TRACK"), ("OBSFREQ", 2368.0),
                       ("OBSBW", -3328.0), ("OBSNCHAN", nchan), ("CHAN_DM", 0.0), ("BMIN", 0.1), ("STT_IMJD", 60000), ("STT_SMJD", 3600),
                       ("STT_OFFS", 0.0), ("ANT_X", -4554231.5), ("ANT_Y", 2816759.1), ("ANT_Z", -3454036.3), ("NRCVR", 2), ("FD_HAND", 1),
                       ("FD_SANG", 45.0), ("FD_XYPH", 0.0), ("FD_MODE", "FA"), ("FA_REQ", 0.0), ("BECONFIG", "N/A"), ("BE_PHASE", 0),
                       ("BE_DCC", 0), ("BE_DELAY", 0.0), ("TCYCLE", 0.0)]:
        primary.header[key] = value
    nbytes = nsblk * npol * nchan // 2
    freqs = 4030.0 - 3328.0 / nchan * np.arange(nchan)
    columns = [
        fits.Column(name="TSUBINT", format="1D", array=np.full(nrows, nsblk * 64e-6)),
        fits.Column(name="OFFS_SUB", format="1D", array=(np.arange(nrows) + 0.5) * nsblk * 64e-6),
        fits.Column(name="DAT_FREQ", format=f"{nchan}D", array=np.tile(freqs, (nrows, 1))),
        fits.Column(name="DAT_WTS", format=f"{nchan}E", array=np.ones((nrows, nchan), np.float32)),
        fits.Column(name="DAT_OFFS", format=f"{nchan * npol}E", array=rng.normal(0, 1, (nrows, nchan * npol)).astype(np.float32)),
        fits.Column(name="DAT_SCL", format=f"{nchan * npol}E", array=rng.uniform(0.5, 2, (nrows, nchan * npol)).astype(np.float32)),
        # TDIM in bytes, (NCHAN, NPOL, NSBLK/2) for 4 bits, as Medusa writes it
        fits.Column(name="DATA", format=f"{nbytes}B", dim=f"({nchan},{npol},{nsblk // 2})",
                    array=rng.integers(0, 256, (nrows, nsblk // 2, npol, nchan), dtype=np.uint8)),
    ]
    table = fits.BinTableHDU.from_columns(columns, name="SUBINT")
    for key, value in [("NPOL", npol), ("POL_TYPE", "AABBCRCI"), ("TBIN", 64e-6), ("NBIN", 1), ("NBITS", 4), ("NCHAN", nchan),
                       ("CHAN_BW", -3328.0 / nchan), ("NSBLK", nsblk), ("ZERO_OFF", 7.5), ("NSUBOFFS", 0), ("NCHNOFFS", 0), ("NSTOT", nrows * nsblk), ("SIGNINT", 0)]:
        table.header[key] = value
    fits.HDUList([primary, table]).writeto(path)


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
    make("w7.fil", lambda p: float_filterbank(p, w2))
    nchan, ntime = (1024, 65536) if a.quick else (4096, 262144)
    make(f"w3_{nchan}x{ntime}.fil", lambda p: filterbank(p, nchan, ntime, 3))
    (a.out / "w4").mkdir(exist_ok=True)
    for k in range(4):
        make(f"w4/burst_{k}.npz", lambda p, k=k: write(p, *synthetic(128, 1024, 10 + k, 87.0, 87.77)))
    make(f"w6_{8 if a.quick else 32}rows.fits", lambda p: psrfits(p, 8 if a.quick else 32, 5))
    print("generated:", ", ".join(made) or "nothing new")


if __name__ == "__main__":
    main()
