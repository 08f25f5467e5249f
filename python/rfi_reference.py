"""numpy references of wfall's RFI kernels (native/crates/core/src/rfi), for cross-checks.

Each function restates a published definition (see the Rust module docs for sources):
spectral kurtosis as `your` computes and flags it, MAD and Tukey fences, cfod's CHIME/FRB
catalogue rule, both zero-DM variants (sigpyproc, jess), dead channels, and IQRM through the
`iqrm` package itself (v-morello/iqrm), so that the Rust port is checked against the reference
implementation rather than against a second port.

Waterfalls are [nchan, ntime] float arrays, row 0 = lowest frequency. Missing samples are NaN
or +-inf (and exact zeros with --zeros-missing); a channel without a valid sample has NaN
statistics and is never flagged (already masked).

    python python/rfi_reference.py WATERFALL.npz --out expected.json [--zeros-missing]
        [--tsamp S --df MHZ] [--zerodm sigpyproc|jess] [--zerodm-out zerodm.npz]
        [--truth fixtures/rfi_256x2048.truth.json]

The JSON holds per-channel statistics, IQRM flags on std, mean and kurtosis, SK values and
flags, MAD and Tukey fences on mean and variance, cfod's flags, dead channels and the
automatic mask. --zerodm cleans the data with one zero-DM variant before everything else (the
automatic mask's step 0); --zerodm-out writes both zero-DM outputs of the input (keys
sigpyproc, jess; sigpyproc only when the bandpass sum is positive). --truth prints how much of a
make_rfi.py injection the automatic mask catches.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from iqrm import iqrm_mask

MAD_TO_SIGMA = 1.4826


def valid_samples(x, zeros_missing=False, weights=None):
    """x as float64 with every missing sample set to NaN."""
    x = np.array(x, dtype=np.float64)
    bad = ~np.isfinite(x)
    if zeros_missing:
        bad |= x == 0
    if weights is not None:
        bad |= ~(np.asarray(weights) > 0)
    x[bad] = np.nan
    return x


def channel_stats(x):
    """count, mean, variance (ddof 0), skewness, excess kurtosis, S1, S2 per channel (NaN-aware)."""
    count = np.sum(~np.isnan(x), axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        empty = count == 0
        s1 = np.where(empty, np.nan, np.nansum(x, axis=1))
        s2 = np.where(empty, np.nan, np.nansum(x * x, axis=1))
        mean = s1 / count
        dev = x - mean[:, None]
        m2 = np.nansum(dev**2, axis=1) / count
        m3 = np.nansum(dev**3, axis=1) / count
        m4 = np.nansum(dev**4, axis=1) / count
        constant = m2 <= (1e-15 * mean) ** 2  # scipy.stats.skew/kurtosis: NaN for constant data
        skew = np.where(constant, np.nan, m3 / m2**1.5)
        kurt = np.where(constant, np.nan, m4 / m2**2 - 3.0)
    m2[empty] = np.nan
    return dict(count=count, mean=mean, variance=m2, skewness=skew, kurtosis=kurt, s1=s1, s2=s2)


def accumulations_per_sample(tsamp_s, channel_width_mhz):
    """your's calc_N: round(tsamp / (1 / |df|)), numpy rounding."""
    return float(np.round(tsamp_s / np.abs(1 / (channel_width_mhz * 10**6))))


def spectral_kurtosis(stats, n_acc, d=None):
    """your's SK estimator with M = the channel's number of valid samples; d = (mean/std)^2 of
    all valid samples when not given."""
    count, s1, s2 = stats["count"], stats["s1"], stats["s2"]
    if d is None:
        ok = count > 0
        n = count[ok].sum()
        mean = s1[ok].sum() / n
        # global variance by pooling the channels' moments
        var = (np.sum(stats["variance"][ok] * count[ok]) + np.sum(count[ok] * (stats["mean"][ok] - mean) ** 2)) / n
        d = (mean / np.sqrt(var)) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        m = count
        sk = ((m * d * n_acc) + 1) * ((m * s2 / (s1**2)) - 1) / (m - 1)
    sk[count == 0] = np.nan
    return sk


def sk_flags(sk, count, sigma=5.0):
    """your's sk_filter rule: flagged unless med - s*1.4826*MAD < SK < med + s*1.4826*MAD
    (median_abs_deviation with scale 1); channels without data never flagged."""
    sk_c = sk[~np.isnan(sk)]
    med = np.median(sk_c)
    mad = np.median(np.abs(sk_c - med))
    std = MAD_TO_SIGMA * mad
    with np.errstate(invalid="ignore"):
        inside = (sk < med + sigma * std) & (sk > med - sigma * std)
    return (~inside) & (count > 0)


def mad_fence(values, k):
    v = values[np.isfinite(values)]
    med = np.median(v)
    half = k * MAD_TO_SIGMA * np.median(np.abs(v - med))
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & ((values < med - half) | (values > med + half))


def tukey_fence(values, k):
    v = values[np.isfinite(values)]
    q1, q3 = np.quantile(v, [0.25, 0.75])
    iqr = q3 - q1
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & ((values < q1 - k * iqr) | (values > q3 + k * iqr))


def cfod_flags(spectrum, variance):
    """cfod remove_rfi: var > 3 * nanmean(var) or spec outside Tukey k=1.5 (row order)."""
    q1 = np.nanquantile(spectrum, 0.25)
    q3 = np.nanquantile(spectrum, 0.75)
    iqr = q3 - q1
    with np.errstate(invalid="ignore"):
        return (variance > 3 * np.nanmean(variance)) | (spectrum < q1 - 1.5 * iqr) | (spectrum > q3 + 1.5 * iqr)


def iqrm_flags(statistic, radius, threshold=3.0):
    """The iqrm package on the statistic, non-finite values as NaN (its ignorechans semantics)."""
    x = np.array(statistic, dtype=np.float64)
    x[~np.isfinite(x)] = np.nan
    mask, _votes = iqrm_mask(x, radius=radius, threshold=threshold)
    return mask & np.isfinite(x)


def default_radius(nchan):
    return max(nchan // 10, 1)


def coefficient_of_variation(stats):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(stats["variance"]) / stats["mean"]


def dead_channels(stats):
    return (stats["count"] > 0) & (stats["variance"] == 0)


def zero_dm_bandpass(x):
    """Mean over time of each channel's valid samples (NaN without one)."""
    count = np.sum(~np.isnan(x), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, np.nansum(x, axis=1) / count, np.nan)


def zero_dm_sigpyproc(x, bandpass=None):
    """x - sum_c x * bp / sum_c bp + bp, sums over the channels valid at each sample."""
    bp = zero_dm_bandpass(x) if bandpass is None else np.asarray(bandpass, dtype=np.float64)
    valid = ~np.isnan(x) & np.isfinite(bp)[:, None]
    z = np.where(valid, x, 0).sum(axis=0)
    b = np.where(valid, bp[:, None], 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = x - z[None, :] * bp[:, None] / b[None, :] + bp[:, None]
    return np.where(valid & (b != 0)[None, :], out, x)


def zero_dm_jess(x, bandpass=None):
    """x - mean over valid channels + bp (np.ma semantics)."""
    bp = zero_dm_bandpass(x) if bandpass is None else np.asarray(bandpass, dtype=np.float64)
    valid = ~np.isnan(x) & np.isfinite(bp)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        ts = np.where(valid, x, 0).sum(axis=0) / valid.sum(axis=0)
        out = x - ts[None, :] + bp[:, None]
    return np.where(valid, out, x)


def is_power_like(stats):
    """Every varying channel's mean > 0 and median(mean/std) >= 1 over them (constant channels,
    dead ones included, left out)."""
    ok = (stats["count"] > 0) & (stats["variance"] > 0)
    mean, var = stats["mean"][ok], stats["variance"][ok]
    if mean.size == 0 or np.any(~(mean > 0)):
        return False
    return bool(np.median(mean / np.sqrt(var)) >= 1)


def auto_mask(stats, n_acc=None, radius=None, threshold=3.0, sk_sigma=5.0):
    """The --mask-auto combination (rfi/auto.rs) on the statistics of the (zero-DM cleaned) data:
    dead channels, IQRM on std/mean (power-like data) or std, then SK (power-like data, N given).
    Returns the origin label of each channel (None: clean or already masked)."""
    nchan = len(stats["count"])
    radius = default_radius(nchan) if radius is None else radius
    origin = np.array([None] * nchan, dtype=object)
    origin[dead_channels(stats)] = "constant"
    power = is_power_like(stats)
    x = coefficient_of_variation(stats) if power else np.sqrt(stats["variance"])
    free = origin == None  # noqa: E711 (element-wise)
    f = iqrm_flags(np.where(free, x, np.nan), radius, threshold)
    origin[f & free] = "iqrm"
    if power and n_acc is not None:
        sk = spectral_kurtosis(stats, n_acc)
        free = origin == None  # noqa: E711
        flags = sk_flags(np.where(free, sk, np.nan), np.where(free, stats["count"], 0), sk_sigma)
        origin[flags & free] = "sk"
    return origin


def detection_report(truth, masked):
    """How many injected bad channels a mask catches (flagged or already masked) and how many clean
    channels it takes."""
    bad = sorted({c for chans in truth["bad_channels"].values() for c in chans})
    clean = sorted(set(range(truth["nchan"])) - set(bad))
    caught = [c for c in bad if masked[c]]
    taken = [c for c in clean if masked[c]]
    missed = {c: truth["reasons"][str(c)] for c in bad if not masked[c]}
    return (
        f"caught {len(caught)}/{len(bad)} bad channels ({len(caught) / len(bad):.1%}), "
        f"flagged {len(taken)}/{len(clean)} clean ones ({len(taken) / len(clean):.1%}) {taken}; missed {missed}"
    )


def load(path):
    path = Path(path)
    if path.suffix == ".npz":
        with np.load(path) as z:
            x = z["intensity"] if "intensity" in z else z[z.files[0]]
            weights = z["weights"] if "weights" in z else None
            meta = {k: float(z[k]) for k in ("dt", "df", "dm", "fbottom") if k in z}
        return x, weights, meta
    return np.load(path), None, {}


def jsonable(a):
    a = np.asarray(a)
    if a.dtype == bool:
        return [bool(v) for v in a]
    if a.dtype == object:
        return [None if v is None else str(v) for v in a]
    return [None if not np.isfinite(v) else float(v) for v in a.astype(np.float64)]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("waterfall", type=Path)
    p.add_argument("--out", type=Path, required=True, help="JSON of the expected per-channel values")
    p.add_argument("--zeros-missing", action="store_true")
    p.add_argument("--tsamp", type=float, help="sample time, s (default: the npz's dt)")
    p.add_argument("--df", type=float, help="channel width, MHz (default: the npz's df)")
    p.add_argument("--radius", type=int)
    p.add_argument("--threshold", type=float, default=3.0)
    p.add_argument("--sk-sigma", type=float, default=5.0)
    p.add_argument("--fence-k", type=float, default=5.0, help="k of the MAD fence (Tukey uses 1.5 and 3)")
    p.add_argument("--zerodm", choices=["sigpyproc", "jess"], help="clean the data with this zero-DM variant first")
    p.add_argument("--zerodm-out", type=Path, help="npz of both zero-DM outputs of the input (keys sigpyproc, jess)")
    p.add_argument("--truth", type=Path, help="a make_rfi.py truth JSON: print the automatic mask's detection rates")
    a = p.parse_args(argv)

    raw, weights, meta = load(a.waterfall)
    x = valid_samples(raw, a.zeros_missing, weights)
    if a.zerodm_out:
        kw = {"jess": zero_dm_jess(x).astype(np.float32)}
        if np.nansum(zero_dm_bandpass(x)) > 0:
            kw["sigpyproc"] = zero_dm_sigpyproc(x).astype(np.float32)
        np.savez(a.zerodm_out, **kw)
    if a.zerodm:
        # wfall keeps waterfalls in float32: round the cleaned data as the Rust kernel does
        x = (zero_dm_sigpyproc if a.zerodm == "sigpyproc" else zero_dm_jess)(x).astype(np.float32).astype(np.float64)
    nchan = x.shape[0]
    radius = default_radius(nchan) if a.radius is None else a.radius
    st = channel_stats(x)
    std = np.sqrt(st["variance"])
    tsamp = a.tsamp if a.tsamp is not None else meta.get("dt")
    df = a.df if a.df is not None else meta.get("df")
    n_acc = accumulations_per_sample(tsamp, df) if tsamp and df else None
    out = {
        "nchan": nchan,
        "ntime": x.shape[1],
        "radius": radius,
        "threshold": a.threshold,
        "stats": {k: jsonable(v) for k, v in st.items()},
        "iqrm": {
            "std": jsonable(iqrm_flags(std, radius, a.threshold)),
            "mean": jsonable(iqrm_flags(st["mean"], radius, a.threshold)),
            "kurtosis": jsonable(iqrm_flags(st["kurtosis"], radius, a.threshold)),
            "cv": jsonable(iqrm_flags(coefficient_of_variation(st), radius, a.threshold)),
        },
        "dead": jsonable(dead_channels(st)),
        "fences": {
            f"{name}_{which}": jsonable(fn(st[which], k))
            for which in ("mean", "variance")
            for name, fn, k in (("mad", mad_fence, a.fence_k), ("tukey1.5", tukey_fence, 1.5), ("tukey3", tukey_fence, 3.0))
        },
        "cfod": jsonable(cfod_flags(st["mean"], st["variance"])),
    }
    if n_acc is not None:
        sk = spectral_kurtosis(st, n_acc)
        out["sk"] = {"accumulations": n_acc, "values": jsonable(sk), "flags": jsonable(sk_flags(sk, st["count"], a.sk_sigma))}
    out["power_like"] = is_power_like(st)
    out["auto"] = jsonable(auto_mask(st, n_acc, radius, a.threshold, a.sk_sigma))
    a.out.write_text(json.dumps(out))
    if a.truth:
        print(detection_report(json.loads(a.truth.read_text()), np.array([o is not None for o in out["auto"]]) | (st["count"] == 0)))
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
