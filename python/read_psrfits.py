"""An independent reader of PSRFITS search-mode files, the oracle for the Rust decoder's cross-checks.

    python python/read_psrfits.py FILE [FILE ...] [--pol sum|mean|K] [--no-scales] [--no-offsets]
        [--no-weights] [--samples A:B] [--trim-padding] [--out OUT.npy] [--info]

Reads the SUBINT table with astropy (`fits.open(f)['SUBINT'].data`, which applies TZERO/TSCAL) and
computes, in float32 and in this order, for pol p and channel c:

    v = ((raw - ZERO_OFF) * DAT_SCL[p, c] + DAT_OFFS[p, c]) * DAT_WTS[c]     (DAT_WTS = 0 -> NaN)

raw: NBITS 1/2/4 unpacked most significant bits first (two's complement if SIGNINT = 1); 8 as uint8 or
int8 (SIGNINT = 1); 16 as astropy's column (I: big-endian int16, or uint16 via TZERO = 32768; B: two
bytes little-endian, uint16 or int16 with SIGNINT); 32 as float32. --pol: 'sum' (default) or 'mean'
gives pol 0 for one pol, AA+BB, INTEN, IQUV, and pol0 + pol1 (times 0.5 for mean) for AABB, AABBCRCI
or any two-pol file; K picks pol K. Dropped parts (--no-*) are 1 (scales, weights) or 0 (offsets).
Channels are sorted by DAT_FREQ of row 0 (stable), so row 0 is the lowest frequency. NSTOT (default
NSBLK * NAXIS2) trims the last row; --trim-padding drops trailing all-zero samples of the last row when
NSTOT is absent (as SearchInfo::trim_trailing_padding does). Several files are placed by start time,
round(((IMJD_i - IMJD_0) * 86400 + s_i - s_0) / TBIN) with s = STT_SMJD + STT_OFFS + NSUBOFFS*NSBLK*TBIN,
gaps NaN, overlaps keeping the earlier file.

Writes the (nchan, ntime) float32 waterfall to --out as .npy; --info prints a JSON summary.
With --manifest M --out-dir D (M from fixtures/make_psrfits.py), decodes every file set and case of
M in one run: D/<entry>-<case>.npy for each, and D/index.json listing them (with --trim-padding
applied to every case, as wfall's reader does; an error case records its message instead).
Float32 results equal the Rust decoder's bit for bit: every step is one IEEE single operation in the
same order. The exception is TSCAL != 1 or a non-integer TZERO on the DATA column (astropy scales in
float64 and so does the decoder, but neither is exercised by the fixtures).
"""

import argparse
import json
import sys

import numpy as np
from astropy.io import fits


def unpack(raw_bytes, nbits, signed):
    bits = np.unpackbits(raw_bytes, bitorder="big").reshape(-1, nbits)
    values = (bits * (1 << np.arange(nbits - 1, -1, -1))).sum(axis=1)
    if signed:
        values = np.where(values >= 1 << (nbits - 1), values - (1 << nbits), values)
    return values.astype(np.float32)


def header_int(header, key, default=0):
    value = header.get(key, default)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return default
    return int(value)


class File:
    def __init__(self, path):
        self.hdul = fits.open(path, memmap=True)
        self.primary = self.hdul[0].header
        self.sub = self.hdul["SUBINT"]
        h = self.sub.header
        mode = str(self.primary.get("OBS_MODE", "SEARCH")).strip()
        if mode not in ("SEARCH", "SRCH"):
            raise SystemExit(f"E_UNSUPPORTED: {path} is fold mode (OBS_MODE = {mode})")
        self.nbits, self.npol, self.nchan, self.nsblk = h["NBITS"], h["NPOL"], h["NCHAN"], h["NSBLK"]
        self.pol_type = str(h.get("POL_TYPE", "")).strip().upper()
        self.tbin = float(h["TBIN"])
        self.zero_off = float(h.get("ZERO_OFF", 0.0))
        self.signint = header_int(h, "SIGNINT") != 0
        self.nrows = h["NAXIS2"]
        nstot = header_int(h, "NSTOT", 0)
        self.nstot_declared = nstot > 0
        self.nstot = min(nstot if nstot > 0 else self.nsblk * self.nrows, self.nsblk * self.nrows)
        self.data = self.sub.data
        self.data_format = self.sub.columns["DATA"].format
        self.freqs = np.asarray(self.data["DAT_FREQ"][0][: self.nchan], dtype=np.float64)
        self.order = np.argsort(self.freqs, kind="stable")
        nsuboffs = header_int(h, "NSUBOFFS", 0)
        self.imjd = int(self.primary["STT_IMJD"])
        self.seconds = float(self.primary.get("STT_SMJD", 0)) + float(self.primary.get("STT_OFFS", 0.0)) + nsuboffs * self.nsblk * self.tbin

    def raw_row(self, r):
        """(nsblk, npol, nchan) float32 raw samples of row r."""
        cell = np.asarray(self.data["DATA"][r])
        n = self.nsblk * self.npol * self.nchan
        if self.nbits < 8:
            values = unpack(cell.ravel().astype(np.uint8), self.nbits, self.signint)[:n]
        elif self.nbits == 8:
            values = cell.ravel().astype(np.uint8)
            values = (values.view(np.int8) if self.signint else values).astype(np.float32)
        elif self.nbits == 16 and self.data_format.endswith("B"):
            values = cell.ravel().astype(np.uint8).view("<i2" if self.signint else "<u2").astype(np.float32)
        else:
            values = cell.ravel().astype(np.float32)
        return values[:n].reshape(self.nsblk, self.npol, self.nchan)

    def per_pol(self, column, r, default):
        if column not in self.data.columns.names:
            return np.full((self.npol, self.nchan), default, np.float32)
        v = np.asarray(self.data[column][r], dtype=np.float32)
        if v.size >= self.npol * self.nchan:
            return v[: self.npol * self.nchan].reshape(self.npol, self.nchan)
        return np.tile(v[: self.nchan], (self.npol, 1))

    def pols(self, pol):
        if pol not in ("sum", "mean"):
            k = int(pol)
            if not 0 <= k < self.npol:
                raise SystemExit(f"E_ARGUMENT: pol {k} of {self.npol}")
            return [k], False
        if self.npol == 1 or self.pol_type in ("AA+BB", "INTEN", "IQUV"):
            return [0], False
        if any(self.pol_type.startswith(p) for p in ("AABB", "XXYY", "RRLL", "LLRR", "PPQQ")) or self.npol == 2:
            return [0, 1], pol == "mean"
        raise SystemExit(f"E_UNSUPPORTED: POL_TYPE {self.pol_type} with {self.npol} pols")

    def trim_padding(self):
        if self.nstot_declared or self.nstot != self.nrows * self.nsblk:
            return 0
        raw = self.raw_row(self.nrows - 1)
        zero = np.all(raw.reshape(self.nsblk, -1) == 0, axis=1)
        padding = 0
        while padding < self.nsblk and zero[self.nsblk - 1 - padding]:
            padding += 1
        if 0 < padding < self.nsblk:
            self.nstot -= padding
            return padding
        return 0

    def decode(self, pol="sum", scales=True, offsets=True, weights=True):
        """(nchan, nstot) float32, row 0 lowest."""
        pols, half = self.pols(pol)
        z = np.float32(self.zero_off)
        rows = []
        for r in range((self.nstot + self.nsblk - 1) // self.nsblk):
            raw = self.raw_row(r)
            scl = self.per_pol("DAT_SCL", r, 1.0) if scales else np.ones((self.npol, self.nchan), np.float32)
            offs = self.per_pol("DAT_OFFS", r, 0.0) if offsets else np.zeros((self.npol, self.nchan), np.float32)
            if weights and "DAT_WTS" in self.data.columns.names:
                w = np.asarray(self.data["DAT_WTS"][r][: self.nchan], dtype=np.float32).copy()
                w[w == 0] = np.nan
            else:
                w = np.ones(self.nchan, np.float32)
            v = [((raw[:, p, :] - z) * scl[p] + offs[p]) * w for p in pols]
            out = v[0] if len(v) == 1 else (v[0] + v[1]) * np.float32(0.5) if half else v[0] + v[1]
            rows.append(out)
        spectra = np.concatenate(rows)[: self.nstot]
        return np.ascontiguousarray(spectra.T[self.order]).astype(np.float32)

    def info(self):
        f = self.freqs[self.order]
        df = (f[-1] - f[0]) / (len(f) - 1) if len(f) > 1 else abs(float(self.sub.header.get("CHAN_BW", 0)))
        return {"nbits": self.nbits, "npol": self.npol, "pol_type": self.pol_type, "nchan": self.nchan, "nsblk": self.nsblk,
                "nrows": self.nrows, "nstot": self.nstot, "tbin": self.tbin, "zero_off": self.zero_off, "signint": self.signint,
                "df": df, "fbottom": f[0] - df / 2, "descending": bool(self.freqs[0] > self.freqs[-1]),
                "start_mjd": self.imjd + self.seconds / 86400.0, "freqs": f.tolist()}


def combine(files, decoded):
    """Places several files' waterfalls on one time axis."""
    tbin = files[0].tbin
    delta = [(f.imjd - files[0].imjd) * 86400.0 + (f.seconds - files[0].seconds) for f in files]
    order = sorted(range(len(files)), key=lambda i: delta[i])
    earliest = delta[order[0]]
    pieces, cursor = [], 0
    for i in order:
        offset = int(np.floor((delta[i] - earliest) / tbin + 0.5))
        end = offset + decoded[i].shape[1]
        if end <= cursor:
            continue
        skip = max(cursor - offset, 0)
        pieces.append((offset + skip, decoded[i][:, skip:]))
        cursor = end
    out = np.full((decoded[0].shape[0], cursor), np.nan, np.float32)
    for at, block in pieces:
        out[:, at : at + block.shape[1]] = block
    return out


def decode_files(paths, pol="sum", scales=True, offsets=True, weights=True, trim_padding=False):
    files = [File(p) for p in paths]
    padding = [f.trim_padding() if trim_padding else 0 for f in files]
    decoded = [f.decode(pol, scales, offsets, weights) for f in files]
    return files, padding, decoded[0] if len(files) == 1 else combine(files, decoded)


def run_manifest(manifest, out_dir, trim_padding):
    """Every entry and case of a fixtures manifest, in one process."""
    import os

    base = os.path.dirname(manifest)
    os.makedirs(out_dir, exist_ok=True)
    index = []
    for i, entry in enumerate(json.load(open(manifest))):
        paths = [os.path.join(base, f) for f in entry["files"]]
        cases = entry["cases"] or [{}]
        for j, case in enumerate(cases):
            item = {"entry": i, "case": j, "files": entry["files"], "options": case}
            try:
                files, padding, out = decode_files(paths, case.get("pol", "sum"), not case.get("no_scales"), not case.get("no_offsets"),
                                               not case.get("no_weights"), trim_padding or case.get("trim_padding", False))
                item["npy"] = f"{i}-{j}.npy"
                item["shape"] = list(out.shape)
                item["info"] = [dict(f.info(), padding=p) for f, p in zip(files, padding)]
                np.save(os.path.join(out_dir, item["npy"]), np.ascontiguousarray(out, dtype=np.float32))
            except SystemExit as e:
                item["error"] = str(e)
            index.append(item)
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump(index, f, indent=1)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--manifest")
    parser.add_argument("--out-dir")
    parser.add_argument("--pol", default="sum")
    parser.add_argument("--no-scales", action="store_true")
    parser.add_argument("--no-offsets", action="store_true")
    parser.add_argument("--no-weights", action="store_true")
    parser.add_argument("--samples")
    parser.add_argument("--trim-padding", action="store_true")
    parser.add_argument("--out")
    parser.add_argument("--info", action="store_true")
    args = parser.parse_args(argv)
    if args.manifest:
        return run_manifest(args.manifest, args.out_dir, args.trim_padding)
    files = [File(p) for p in args.files]
    padding = [f.trim_padding() if args.trim_padding else 0 for f in files]
    if args.info:
        print(json.dumps([dict(f.info(), padding=p) for f, p in zip(files, padding)]))
    decoded = [f.decode(args.pol, not args.no_scales, not args.no_offsets, not args.no_weights) for f in files]
    out = decoded[0] if len(files) == 1 else combine(files, decoded)
    if args.samples:
        a, b = (int(x) for x in args.samples.split(":"))
        out = out[:, a:b]
    if args.out:
        np.save(args.out, np.ascontiguousarray(out, dtype=np.float32))


if __name__ == "__main__":
    main(sys.argv[1:])
