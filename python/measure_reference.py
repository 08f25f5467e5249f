"""numpy reference of the burst measurements in native/crates/core/src/measure/.

Each definition is a few lines, written from the definitions in the Rust module docs (which
cite Heimdall, PRESTO's single_pulse_search.py, your's Candidate.get_snr, scatfit's
get_snr_weq and DM_phase). Sums that the Rust side runs in order are taken here with
`seq_sum` (np.cumsum is sequential, np.sum pairwise), so that integer-valued data give the
same bits and the same argmax on ties.

    python python/measure_reference.py fixtures/burst_64x2048.npz --dm-lo 290 --dm-hi 310 --ndm 201
    python python/measure_reference.py file.npz --normalise --snr-window 0:2048 --out expected.json

The input is a tutorial npz (intensity [nchan][ntime] row 0 lowest, dt, df, dm, fbottom: the
lower band edge, channel i centred at fbottom + (i + 0.5) df). Exactly-zero samples are missing
(the tutorial's rule) unless --zeros-valid. The JSON holds, at the file's DM: the S/N by each
definition of the band-summed time series and the boxcar peak; over the trial DMs: the S/N curve
with its best DM, and DM_phase's structure DM.
"""

import argparse
import json
import math
from pathlib import Path

import numpy as np

K_DM_CHIME = 1.0 / 2.41e-4
MAD_TO_SIGMA = 1.4826
MAD_TO_SIGMA_HEIMDALL = 1.4862
IQR_TO_SIGMA = 0.7413
HEIMDALL_BOXCAR_MAX = 4096
PRESTO_DOWNFACTS = [2, 3, 4, 6, 9, 14, 20, 30, 45, 70, 100, 150, 220, 300]


def seq_sum(a):
    """Sum in order (as a Rust loop does); 0 for an empty array."""
    a = np.asarray(a, dtype=np.float64)
    return float(np.cumsum(a)[-1]) if a.size else 0.0


# ---------------------------------------------------------------- boxcars


def prefix_sums(y):
    y = np.asarray(y, dtype=np.float64)
    return np.concatenate([[0.0], np.cumsum(np.where(np.isfinite(y), y, 0.0))])


def best_boxcar(prefix, sigma, widths, search=None):
    """(snr, width, start) of the largest (P[s+w]-P[s])/(sigma*sqrt(w)) over windows [s, s+w) inside
    `search` (start, end) (default the whole series); first on ties."""
    lo, hi = search or (0, len(prefix) - 1)
    best = (-math.inf, 0, 0)
    for w in widths:
        if w == 0 or w > hi - lo:
            continue
        snr = (prefix[lo + w : hi + 1] - prefix[lo : hi + 1 - w]) / (sigma * np.sqrt(np.float64(w)))
        snr = np.where(np.isfinite(snr), snr, -np.inf)
        s = int(np.argmax(snr))
        if snr[s] > best[0]:
            best = (float(snr[s]), int(w), lo + s)
    return None if best[0] == -math.inf else best


def result(definition, snr, width, peak, on_start, on_end):
    return dict(definition=definition, snr=snr, width_samples=float(width), peak_sample=int(peak), on_start=int(on_start), on_end=int(on_end))


def from_boxcar(definition, b):
    snr, w, s = b
    return result(definition, snr, w, s + w // 2, s, s + w)


def powers_of_two(maximum):
    out, w = [], 1
    while w <= maximum:
        out.append(w)
        w *= 2
    return out


def median_mad(x):
    v = x[np.isfinite(x)]
    if v.size == 0:
        return None
    med = np.median(v)
    return float(med), float(np.median(np.abs(v - med)))


# ---------------------------------------------------------------- S/N definitions


def span_of(x, search):
    return search or (0, len(x))


def heimdall_window(x, max_width=0, heimdall_constant=False, search=None):
    """The noise from the whole series; the window inside `search`."""
    med, mad = median_mad(x)
    rms = mad * (MAD_TO_SIGMA_HEIMDALL if heimdall_constant else MAD_TO_SIGMA)
    if not rms > 0:
        raise ValueError("no noise")
    cap = HEIMDALL_BOXCAR_MAX if max_width == 0 else max_width
    lo, hi = span_of(x, search)
    return best_boxcar(prefix_sums(x - med), rms, powers_of_two(min(cap, hi - lo)), (lo, hi))


def snr_heimdall(x, max_width=0, heimdall_constant=False, search=None):
    return from_boxcar("heimdall", heimdall_window(x, max_width, heimdall_constant, search))


def presto_normalised(x, detrend_len=1000):
    n = len(x)
    nblocks = max(n // detrend_len, 1)
    y = np.full(n, np.nan)
    for b in range(nblocks):
        start = b * detrend_len
        end = n if b + 1 == nblocks else start + detrend_len
        idx = start + np.flatnonzero(np.isfinite(x[start:end]))
        m = idx.size
        if m == 0:
            continue
        t = (idx - start).astype(np.float64)
        v = x[idx]
        tm, vm = seq_sum(t) / m, seq_sum(v) / m
        stt, stv = seq_sum((t - tm) * (t - tm)), seq_sum((t - tm) * (v - vm))
        slope = stv / stt if stt > 0 else 0.0
        r = v - (vm + slope * (t - tm))
        srt = np.sort(r)
        cut = m // 40
        kept = srt[cut : m - cut]
        sigma = 1.148 * math.sqrt(seq_sum(kept * kept) / (0.95 * m))
        y[idx] = r / sigma if sigma > 0 else 0.0
    return y


def snr_presto(x, max_width=30, detrend_len=1000, search=None):
    y = presto_normalised(x, detrend_len)
    lo, hi = span_of(x, search)
    widths = [1] + [w for w in PRESTO_DOWNFACTS if w <= min(max_width, hi - lo)]
    return from_boxcar("presto", best_boxcar(prefix_sums(y), 1.0, widths, (lo, hi)))


def snr_peak(x, width=0, search=None):
    lo, hi = span_of(x, search)
    xm = np.where(np.isfinite(x[lo:hi]), x[lo:hi], -np.inf)
    a = lo + int(np.argmax(xm))
    half = width // 2
    lo, hi = max(a - half, 0), min(a + half, len(x))
    keep = np.isfinite(x)
    keep[lo:hi] = False
    rest = x[keep]
    mu = seq_sum(rest) / rest.size
    sigma = math.sqrt(seq_sum((rest - mu) * (rest - mu)) / rest.size)
    on = (lo, hi) if hi > lo else (a, a + 1)
    return result("peak", (x[a] - mu) / sigma, width, a, *on)


def snr_weq(x, max_width=0, heimdall_constant=False, search=None):
    _, w, s = heimdall_window(x, max_width, heimdall_constant, search)
    inside = np.zeros(len(x), dtype=bool)
    inside[s : s + w] = True
    fin = np.isfinite(x)
    on, off = x[fin & inside], x[fin & ~inside]
    mu = seq_sum(off) / off.size
    sigma = IQR_TO_SIGMA * (np.percentile(off, 75.0) - np.percentile(off, 25.0))
    y = on - mu
    energy = seq_sum(y)
    w_eq = energy / y.max()
    snr = energy / (sigma * math.sqrt(w_eq)) if energy > 0 and sigma > 0 and w_eq > 0 else 0.0
    return result("weq", snr, w_eq, s + w // 2, s, s + w)


def measure_snr(x, definition="heimdall", **options):
    x = np.asarray(x, dtype=np.float64)
    return dict(heimdall=snr_heimdall, presto=snr_presto, peak=snr_peak, weq=snr_weq)[definition](x, **options)


# ---------------------------------------------------------------- boxcar peak


def boxcar_widths(maximum):
    widths = list(range(1, min(16, maximum) + 1))
    k = 1
    while True:
        w = int(np.round(16 * 2.0 ** (k / 8)))
        if w >= maximum:
            break
        if widths[-1] != w:
            widths.append(w)
        k += 1
    if maximum > 16:
        widths.append(maximum)
    return widths


def boxcar_peak(x, max_width):
    x = np.asarray(x, dtype=np.float64)
    med, mad = median_mad(x)
    sigma = MAD_TO_SIGMA * mad
    if not sigma > 0:
        v = x[np.isfinite(x)]
        mean = seq_sum(v) / v.size
        sigma = math.sqrt(seq_sum((v - mean) * (v - mean)) / v.size)
    snr, w, s = best_boxcar(prefix_sums(x - med), sigma, boxcar_widths(min(max_width, len(x))))
    return dict(centre_sample=s + w // 2, width_samples=w, start_sample=s, snr=snr)


# ---------------------------------------------------------------- dedispersion


def channel_centres(fbottom, df, nchan):
    return fbottom + (np.arange(nchan) + 0.5) * df


def inverse_square(f):
    return 1.0 / (f * f)  # Rust's f.powi(-2)


def inverse_square_reference(freqs, reference="top"):
    f = dict(top=freqs[-1], bottom=freqs[0], centre=0.5 * (freqs[0] + freqs[-1]))
    if reference == "infinite":
        return 0.0
    return inverse_square(f[reference] if reference in f else float(reference))


def channel_shifts(freqs, delta_dm, dt, k_dm=K_DM_CHIME, reference="top"):
    """round(K (dm - dm_now) (f^-2 - f_ref^-2) / dt), ties to even (dedisperse.rs)."""
    scale = k_dm * delta_dm / dt
    return np.round(scale * (inverse_square(freqs) - inverse_square_reference(freqs, reference))).astype(np.int64)


def trial_dms(start, step, count):
    return [start + j * step for j in range(count)]


def clean(intensity, weights=None):
    """Samples that do not count (non-finite, weight 0) become 0, in float64."""
    x = np.asarray(intensity, dtype=np.float64)
    ok = np.isfinite(x) if weights is None else np.isfinite(x) & (weights > 0)
    return np.where(ok, x, 0.0)


def shifted(row, s, wrap="roll"):
    """new[t] = row[t + s]: np.roll, or dropping what falls outside (0)."""
    n = len(row)
    if wrap == "roll":
        return np.roll(row, -s)
    out = np.zeros(n)
    if abs(s) >= n:
        return out
    if s >= 0:
        out[: n - s] = row[s:]
    else:
        out[-s:] = row[: n + s]
    return out


def dm_time_plane(intensity, freqs, dt, dm_now, dms, k_dm=K_DM_CHIME, reference="top", wrap="roll", weights=None):
    """[ndm][ntime]: each row the channel sum (in channel order) of the dedispersed waterfall."""
    x = clean(intensity, weights)
    plane = np.zeros((len(dms), x.shape[1]))
    for j, dm in enumerate(dms):
        shifts = channel_shifts(freqs, dm - dm_now, dt, k_dm, reference)
        acc = np.zeros(x.shape[1])
        for c in range(x.shape[0]):
            acc += shifted(x[c], int(shifts[c]), wrap)
        plane[j] = acc
    return plane


# ---------------------------------------------------------------- best DM by S/N


def within_one(dms, snr, best):
    thr = snr[best] - 1.0

    def crossing(i, o):
        a, b = snr[i], snr[o]
        if math.isnan(b):
            return dms[i]
        return dms[i] + (a - thr) / (a - b) * (dms[o] - dms[i])

    above = [j for j, v in enumerate(snr) if v >= thr]
    lo, hi = above[0], above[-1]
    low = crossing(lo, lo - 1) if lo > 0 else dms[0]
    high = crossing(hi, hi + 1) if hi + 1 < len(snr) else dms[-1]
    return low, high, lo > 0 and hi + 1 < len(snr)


def snr_curve(plane, dms, definition="heimdall", window=None, **options):
    start, end = window if window else (0, plane.shape[1])
    rows = []
    for row in plane:
        try:
            rows.append(measure_snr(row[start:end], definition, **options))
        except (ValueError, ZeroDivisionError, TypeError):
            rows.append(None)
    snr = [r["snr"] if r else math.nan for r in rows]
    best = int(np.nanargmax(snr))
    low, high, bounded = within_one(dms, snr, best)
    return dict(
        definition=definition,
        dms=list(dms),
        snr=snr,
        width_samples=[r["width_samples"] if r else math.nan for r in rows],
        peak_sample=[r["peak_sample"] + start if r else math.nan for r in rows],
        best_index=best,
        best_dm=dms[best],
        snr_max=snr[best],
        dm_low=low,
        dm_high=high,
        dm_uncertainty=0.5 * (high - low),
        dm_centre=0.5 * (low + high),
        bounded=bounded,
    )


# ---------------------------------------------------------------- best DM by structure (DM_phase)


def coherent_power(intensity, freqs, dt, dm_now, dms, k_dm=K_DM_CHIME, reference="top", weights=None, max_fourier_index=0):
    """P[k][j] = |sum_c U_c(k) exp(2 pi i k g_c (d_j - dm_now) / (dt n))|^2, U = X/|X| (0 where |X| is
    below 1e-10 of the channel's fluctuation); channels without two different valid samples are left out."""
    x = np.asarray(intensity, dtype=np.float64)
    ok = np.isfinite(x) if weights is None else np.isfinite(x) & (weights > 0)
    used = [c for c in range(x.shape[0]) if ok[c].any() and x[c][ok[c]].min() != x[c][ok[c]].max()]
    n = x.shape[1]
    kk = n // 2 if max_fourier_index == 0 else min(max_fourier_index, n // 2)
    rows = []
    for c in used:
        mean = seq_sum(x[c][ok[c]]) / ok[c].sum()
        full = np.fft.fft(np.where(ok[c], x[c], mean))
        tiny = 1e-10 * math.sqrt(np.sum(np.abs(full[1:]) ** 2))
        spec = full[:kk]
        amp = np.abs(spec)
        rows.append(np.where(amp > tiny, spec / np.where(amp > tiny, amp, 1.0), 0.0))
    u = np.array(rows)
    g = k_dm * (inverse_square(freqs[used]) - inverse_square_reference(freqs, reference))
    k = np.arange(kk)
    power = np.zeros((kk, len(dms)))
    for j, dm in enumerate(dms):
        theta = 2 * np.pi / (dt * n) * g * (dm - dm_now)
        power[:, j] = np.abs((u * np.exp(1j * np.outer(theta, k))).sum(axis=0)) ** 2
    return power, len(used)


def dm_phase_fit(power, dms, nchan, step):
    """DM_phase's automatic cut-off, curve, S/N, weights, fit range, fit and uncertainty."""
    kk, m = power.shape
    dms = np.asarray(dms, dtype=np.float64)
    total, total2 = np.cumsum(power, axis=0)[-1], np.cumsum(power * power, axis=0)[-1]
    count = (kk - np.arange(kk))[:, None].astype(np.float64)
    s = (total - np.cumsum(power, axis=0)) / count
    s2 = (total2 - np.cumsum(power * power, axis=0)) / count
    var = (s2 - s * s) / count
    sm = np.zeros_like(var)
    for a in range(9):
        for b in range(3):
            sm = sm + np.roll(var, (-(a - 4), -(b - 1)), axis=(0, 1)) * (1.0 / 27.0)
    raw = np.argmin(sm[: kk - 10], axis=0).astype(np.float64)
    third = 1.0 / 3.0
    padded = np.concatenate([[0.0], raw, [0.0]])
    cutoff = np.maximum((padded[:-2] * third + padded[1:-1] * third + padded[2:] * third).astype(np.int64), 1)
    curve, snr, sigma = np.zeros(m), np.zeros(m), np.zeros(m)
    for j in range(m):
        i = float(cutoff[j])
        ks = np.arange(min(cutoff[j], kk - 1) + 1)
        k2 = (ks * ks).astype(np.float64)
        p = power[ks, j]
        c, dn = seq_sum(p * k2), seq_sum(p * (p * k2))
        i2 = i * (i + 1.0) * (2.0 * i + 1.0) / 6.0
        i4 = i * (i + 1.0) * (2.0 * i + 1.0) * (3.0 * i + 3.0 * i - 1.0) / 30.0
        noise = 2.0 * nchan * i2
        sigma[j] = math.sqrt(2.0 * nchan * nchan * i4 + dn)
        val = (c - noise) / math.sqrt(2.0 * nchan * nchan * (i4 + 2.0 * i2))
        snr[j] = 0.0 if math.isnan(val) else val
        curve[j] = c
    att = np.where(snr < 5.0, curve / 1e6, curve)
    raw_w = np.where(snr < 5.0, 1e-6, snr)
    weight = raw_w / seq_sum(raw_w)
    dstd = sigma.max()
    peak = int(np.argmax(att))
    for fraction in (0.5, 0.25, 0.1):
        heavy = np.flatnonzero(att > fraction * att[peak])
        if heavy.size >= 5:
            break
    start, end = (int(heavy[0]), int(heavy[-1])) if heavy.size else (peak, peak)
    out = dict(
        dms=dms.tolist(), nfourier=kk, curve=curve.tolist(), snr=snr.tolist(), cutoff=cutoff.tolist(), best_dm=float(dms[peak]),
        dm_uncertainty=float(step), snr_max=float(snr.max()), fit_start=start, fit_end=end, fitted=False,
    )
    npts = end - start
    if npts < 3:
        return out
    x, y = dms[start:end], att[start:end]
    w = weight[start:end] / seq_sum(weight[start:end])
    x_mean = seq_sum(x) / npts
    dx = x - x_mean
    p = np.polyfit(dx, y, min(6, npts - 1), w=w)
    err = max(math.sqrt(seq_sum(w * (y - np.polyval(p, dx)) ** 2) / seq_sum(w)), dstd)
    dp, ddp = np.polyder(p), np.polyder(p, 2)
    roots = np.roots(dp)
    roots = roots[(roots.imag == 0)].real
    roots = roots[(roots >= dx[0]) & (roots <= dx[-1]) & (np.polyval(ddp, roots) < 0)]
    if roots.size:
        best = float(roots[np.argmax(np.polyval(p, roots))])
        delta = math.sqrt(abs(2.0 * err / np.polyval(ddp, best)))
    else:
        best, delta = 0.0, 0.0
    out.update(best_dm=best + x_mean, dm_uncertainty=delta, fitted=True)
    return out


def best_dm_by_structure(intensity, freqs, dt, dm_now, start, step, count, **options):
    dms = trial_dms(start, step, count)
    power, nused = coherent_power(intensity, freqs, dt, dm_now, dms, **options)
    out = dm_phase_fit(power, dms, float(nused), step)
    out["nchan_used"] = nused
    return out


# ---------------------------------------------------------------- helpers for the CLI


def timeseries(intensity, weights=None):
    """Channel sum per sample of the samples that count, in channel order (stats::timeseries)."""
    x = clean(intensity, weights)
    return np.cumsum(x, axis=0)[-1]


def normalise_robust(x):
    """Per channel (x - median) / (1.4826 MAD) over finite samples; a channel with MAD 0 becomes NaN."""
    out = np.full_like(x, np.nan, dtype=np.float64)
    for c in range(x.shape[0]):
        mm = median_mad(x[c])
        if mm and mm[1] > 0:
            out[c] = (x[c] - mm[0]) / (MAD_TO_SIGMA * mm[1])
    return out


def load(path, zeros_missing=True):
    z = np.load(path)
    x = np.array(z["intensity"], dtype=np.float64)
    if zeros_missing:
        x[x == 0] = np.nan
    return x, {k: float(z[k]) for k in ("dt", "df", "dm", "fbottom")}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("npz", type=Path)
    p.add_argument("--dm-lo", type=float, help="first trial DM (default: file DM - 5)")
    p.add_argument("--dm-hi", type=float, help="last trial DM (default: file DM + 5)")
    p.add_argument("--ndm", type=int, default=101)
    p.add_argument("--k-dm", type=float, default=K_DM_CHIME)
    p.add_argument("--reference", default="top")
    p.add_argument("--wrap", choices=["roll", "invalidate"], default="roll")
    p.add_argument("--normalise", action="store_true", help="robust per-channel normalisation first")
    p.add_argument("--zeros-valid", action="store_true", help="exact zeros are data, not missing")
    p.add_argument("--snr-window", help="start:end samples for the S/N of each trial (default all)")
    p.add_argument("--snr-dm", type=float, help="DM of the time series measured by each definition (default: the file's)")
    p.add_argument("--plane-out", type=Path, help="write the DM-time plane here (.npy)")
    p.add_argument("--peak-width", type=int, default=0, help="width for the 'peak' definition (default: heimdall's)")
    p.add_argument("--boxcar-max", type=int, default=0, help="largest boxcar of the boxcar peak (default: ceil(0.025/dt))")
    p.add_argument("--snr-search", help="start:end: also measure each definition with the burst looked for only there (out['snr_search'])")
    p.add_argument("--no-structure", action="store_true")
    p.add_argument("--out", type=Path)
    a = p.parse_args()

    x, meta = load(a.npz, zeros_missing=not a.zeros_valid)
    if a.normalise:
        x = normalise_robust(x).astype(np.float32).astype(np.float64)  # wfall normalises into float32
    freqs = channel_centres(meta["fbottom"], meta["df"], x.shape[0])
    dt, dm_now = meta["dt"], meta["dm"]
    window = tuple(int(v) for v in a.snr_window.split(":")) if a.snr_window else None
    snr_dm = dm_now if a.snr_dm is None else a.snr_dm
    ts = dm_time_plane(x, freqs, dt, dm_now, [snr_dm], a.k_dm, a.reference, a.wrap)[0]
    seg = ts[window[0] : window[1]] if window else ts
    heim = snr_heimdall(seg)
    width = a.peak_width or int(heim["width_samples"])
    snrs = dict(heimdall=heim, heimdall_constant=snr_heimdall(seg, heimdall_constant=True), presto=snr_presto(seg), peak=snr_peak(seg, width), weq=snr_weq(seg))
    if a.snr_search:
        search = tuple(int(v) for v in a.snr_search.split(":"))
        width = a.peak_width or int(snr_heimdall(seg, search=search)["width_samples"])
        snrs_search = dict(
            heimdall=snr_heimdall(seg, search=search),
            heimdall_constant=snr_heimdall(seg, heimdall_constant=True, search=search),
            presto=snr_presto(seg, search=search),
            peak=snr_peak(seg, width, search=search),
            weq=snr_weq(seg, search=search),
        )
    boxmax = a.boxcar_max or int(math.ceil(0.025 / dt))
    lo = dm_now - 5 if a.dm_lo is None else a.dm_lo
    hi = dm_now + 5 if a.dm_hi is None else a.dm_hi
    step = (hi - lo) / (a.ndm - 1)
    dms = trial_dms(lo, step, a.ndm)
    plane = dm_time_plane(x, freqs, dt, dm_now, dms, a.k_dm, a.reference, a.wrap)
    out = dict(
        file=str(a.npz), dm_now=dm_now, window=window, snr_dm=snr_dm, grid=dict(start=lo, step=step, count=a.ndm),
        snr=snrs, boxcar_peak=dict(max_width=boxmax, **boxcar_peak(seg, boxmax)),
        dm_snr=snr_curve(plane, dms, window=window),
        plane_sum=float(plane.sum()),
    )
    if a.snr_search:
        out["snr_search"] = dict(search=list(search), **snrs_search)
    if a.plane_out:
        np.save(a.plane_out, plane)
    if not a.no_structure:
        out["dm_phase"] = best_dm_by_structure(x, freqs, dt, dm_now, lo, step, a.ndm, k_dm=a.k_dm, reference=a.reference)
    text = json.dumps(out, indent=1, default=float)
    if a.out:
        a.out.write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
