"""numpy reference for the cross-checks: applies the operations of each case in
a JSON case file to a waterfall npz, the way a numpy user writes them (np.roll
per channel, reshape-and-average subbanding, nanpercentile), following
SPEC.md's semantics, and saves every result to one npz.

    python python/crosscheck.py CASES.json TAG INPUT.npz OUTPUT.npz

runs the cases whose "inputs" list TAG. The TypeScript tests run the same cases
through `Spectra` and compare.
"""

import json
import sys
import warnings

import numpy as np

# All-NaN channels are part of the fixtures; numpy's warnings about them are noise here.
warnings.simplefilter("ignore", RuntimeWarning)
np.seterr(all="ignore")

K_DM_CHIME = 1 / 2.41e-4


class Waterfall:
    def __init__(self, path):
        d = np.load(path)
        self.x = d["intensity"].astype(np.float32)
        # Spectra.fromWaterfall: weight 0 where the intensity is exactly 0 (or NaN)
        self.w = np.where((self.x == 0) | np.isnan(self.x), 0, 1).astype(np.float32)
        self.dt, self.df, self.dm, self.fbottom = (float(d[k]) for k in ("dt", "df", "dm", "fbottom"))
        self.normalised = False

    @property
    def freqs(self):
        return self.fbottom + self.df * (np.arange(self.x.shape[0]) + 0.5)  # channel centres; fbottom is the band's lower edge

    def valid(self):
        return ~np.isnan(self.x) & (self.w > 0)

    # --- operations -------------------------------------------------------
    def dedisperse(self, dm, kdm=K_DM_CHIME, reference="top", wrap="roll"):
        f = self.freqs
        fref = {"top": f[-1], "bottom": f[0], "centre": 0.5 * (f[0] + f[-1]), "infinite": np.inf}.get(reference, reference)
        shifts = np.round(kdm * (dm - self.dm) * (f**-2 - float(fref) ** -2) / self.dt).astype(np.int64)
        n = self.x.shape[1]
        for i, s in enumerate(shifts):
            self.x[i] = np.roll(self.x[i], -s)
            self.w[i] = np.roll(self.w[i], -s)
            if wrap == "invalidate":
                j = np.arange(n) + s
                wrapped = (j < 0) | (j >= n)
                self.x[i, wrapped] = np.nan
                self.w[i, wrapped] = 0
        self.dm = dm

    def maskChannels(self, channels):
        self.x[channels] = np.nan
        self.w[channels] = 0

    def _mask_where(self, bad):
        self.maskChannels(np.flatnonzero(bad | np.all(np.isnan(self.x), axis=1)))

    def maskBySum(self, threshold=2):
        self._mask_where(np.abs(np.nansum(self.x.astype(np.float64), axis=1)) > threshold)

    def maskByVariance(self, threshold=0.05):
        self._mask_where(np.nanvar(self.x.astype(np.float64), axis=1) > threshold)

    def zerosToNaN(self):
        zero = self.x == 0
        self.x[zero] = np.nan
        self.w[zero] = 0

    def _block_mean(self, reshape, axis):
        valid = self.valid()
        w = np.where(valid, self.w, 0).astype(np.float64)
        xw = np.where(valid, self.x, 0).astype(np.float64) * w
        num, den = reshape(xw).sum(axis=axis), reshape(w).sum(axis=axis)
        out = np.where(den > 0, num / den, np.nan)
        return out.astype(np.float32), (den / reshape(w).shape[axis]).astype(np.float32)

    def subband(self, nsub):
        nchan, n = self.x.shape
        f = nchan // nsub
        self.x, self.w = self._block_mean(lambda a: a.reshape(nsub, f, n), 1)
        self.df *= f

    def downsample(self, factor):
        nchan, n = self.x.shape
        m = n // factor
        self.x, self.w = self._block_mean(lambda a: a[:, : m * factor].reshape(nchan, m, factor), 2)
        self.dt *= factor

    def normalise(self, method="fractional"):
        self.normalised = True
        valid = self.valid()
        x = np.where(valid, self.x, np.nan).astype(np.float64)
        if method == "fractional":
            centre, scale, offset = 0.0, np.nanmean(x, axis=1), 1.0
        elif method == "zscore":
            centre, scale, offset = np.nanmean(x, axis=1), np.nanstd(x, axis=1), 0.0
        else:
            med = np.nanmedian(x, axis=1)
            centre, scale, offset = med, 1.4826 * np.nanmedian(np.abs(x - med[:, None]), axis=1), 0.0
        centre = np.broadcast_to(centre, scale.shape)
        out = (self.x.astype(np.float64) - centre[:, None]) / scale[:, None] - offset
        dead = ~(np.isfinite(scale) & (scale != 0) & np.isfinite(centre))
        out[dead] = np.nan
        self.x = out.astype(np.float32)
        self.w[dead] = 0

    # --- results ----------------------------------------------------------
    def timeseries(self):
        return np.nansum(self.x.astype(np.float64), axis=0)

    def stats(self, weighted=False):
        x = self.x.astype(np.float64)
        if weighted:
            x = np.where(self.w > 0, x, np.nan)
        count = np.sum(~np.isnan(x), axis=1).astype(np.float64)
        med = np.nanmedian(x, axis=1)
        return dict(
            count=count,
            sum=np.where(count > 0, np.nansum(x, axis=1), np.nan),
            mean=np.nanmean(x, axis=1),
            variance=np.nanvar(x, axis=1),
            median=med,
            mad=np.nanmedian(np.abs(x - med[:, None]), axis=1),
        )

    def figure(self, window_s=0.025):
        """The tutorial's figure arithmetic with SPEC.md's clamps."""
        x = self.x if self.normalised else np.where(self.x == 0, np.nan, self.x)
        n = x.shape[1]
        ts = np.nansum(x.astype(np.float64), axis=0)
        peak = int(np.argmax(ts))
        window = int(np.ceil(window_s / self.dt))
        peak = min(max(peak, window - 1), n - window)
        start, end = peak - window + 1, peak + window
        off = (max(0, start - 41), start) if start > 0 else (end, min(n, end + 41))
        return dict(
            peak=peak,
            window=window,
            sampleStart=start,
            vmin=np.nanpercentile(x[:, start:end], 2.5),
            vmax=np.nanpercentile(x[:, off[0] : off[1]], 97.5),
            timeseries=ts[start:end],
        )


def run(case, path):
    wf = Waterfall(path)
    for op in case["ops"]:
        args = {k: v for k, v in op.items() if k != "op"}
        getattr(wf, op["op"])(**args)
    out = {}
    for result in case["results"]:
        kind = result["kind"]
        if kind == "intensity":
            out["intensity"], out["weights"] = wf.x, wf.w
        elif kind == "timeseries":
            out["timeseries"] = wf.timeseries()
            out["peak"] = np.int64(np.argmax(out["timeseries"]))
        elif kind == "percentile":
            c0, c1 = result.get("channels", [0, wf.x.shape[0]])
            s0, s1 = result.get("samples", [0, wf.x.shape[1]])
            out[f"percentile_{result['name']}"] = np.nanpercentile(wf.x[c0:c1, s0:s1], result["q"])
        elif kind == "stats":
            for k, v in wf.stats(result.get("weighted", False)).items():
                out[f"stats_{k}"] = v
        elif kind == "figure":
            for k, v in wf.figure().items():
                out[f"figure_{k}"] = np.asarray(v)
        else:
            raise ValueError(kind)
    return out


def main(cases_path, tag, input_path, output_path):
    with open(cases_path) as f:
        cases = json.load(f)
    results = {}
    for case in (c for c in cases if tag in c["inputs"]):
        for k, v in run(case, input_path).items():
            results[f"{case['name']}.{k}"] = v
    np.savez(output_path, **results)


if __name__ == "__main__":
    main(*sys.argv[1:5])
