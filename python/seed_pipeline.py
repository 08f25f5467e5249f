"""The tutorial's plot_intensity_wfalls.py as numpy + matplotlib users run it,
without CHIME's private iautils: Spectra.dedisperse is np.roll per channel,
Spectra.subband is a reshape-and-average, and the figure code is the
tutorial's, line for line (including its clipped labels and its percentile
blocks). It is the reference our figures are compared with, and the competitor
of the benchmarks.

    python python/seed_pipeline.py --fname X_wfall.npz --dm 87.81 --figname X.pdf [--nsub 128] [--masks]
"""

import argparse
import warnings

import numpy as np

K_DM = 1 / 2.41e-4
warnings.simplefilter("ignore", RuntimeWarning)


class Spectra:
    """What the tutorial uses of iautils.spectra.Spectra."""

    def __init__(self, intensity, fbottom, df, start, dt, weights, dm):
        self.intensity, self.weights = intensity, weights
        self.fbottom, self.df, self.start, self.dt, self.dm = fbottom, df, start, dt, dm

    @property
    def freqs(self):
        # channel centres: fbottom is the lower edge of the band (SPEC.md; the tutorial draws it from fbottom)
        return self.fbottom + self.df * (np.arange(self.intensity.shape[0]) + 0.5)

    @property
    def times(self):
        return self.start + self.dt * np.arange(self.intensity.shape[1])

    @property
    def center_times(self):
        return self.times + self.dt / 2

    def dedisperse(self, dm):
        f = self.freqs
        shifts = np.round(K_DM * (dm - self.dm) * (f**-2 - f[-1] ** -2) / self.dt).astype(int)
        for i, s in enumerate(shifts):
            self.intensity[i] = np.roll(self.intensity[i], -s)
            self.weights[i] = np.roll(self.weights[i], -s)
        self.dm = dm

    def subband(self, nsub):
        nchan, ntime = self.intensity.shape
        x = self.intensity.reshape(nsub, nchan // nsub, ntime)
        w = np.where(np.isnan(x), 0, self.weights.reshape(x.shape))
        total = w.sum(axis=1)
        self.intensity = np.where(total > 0, np.nansum(x * w, axis=1) / np.where(total > 0, total, 1), np.nan)
        self.weights = total / x.shape[1]
        self.df *= nchan // nsub


def plot_wfall(fname, ax, dm=None, nsub=128, masks=False):
    data = np.load(fname)
    intensity = data["intensity"]
    dt = data["dt"]
    df = data["df"]
    fbottom = data["fbottom"]
    dmtrial = data["dm"]

    weights = np.ones_like(intensity, dtype=float)
    weights[intensity == 0.0] = 0.0

    spec = Spectra(intensity, fbottom, df, 0.0, dt, weights=weights, dm=dmtrial)
    if dm is not None:
        spec.dedisperse(dm)
    if masks:
        mask = np.argwhere(np.abs(np.nansum(spec.intensity, axis=1)) > 2)
        spec.intensity[mask, ...] = np.nan
        mask = np.argwhere(np.abs(np.nanvar(spec.intensity, axis=1)) > 0.05)
        spec.intensity[mask, ...] = np.nan

    spec.subband(nsub)
    spec.intensity[spec.intensity == 0.0] = np.nan

    ts = np.nansum(spec.intensity, axis=0)
    pulse_peak_idx = np.argmax(ts)
    window = int(np.ceil(0.025 / dt))
    if pulse_peak_idx < window:
        pulse_peak_idx = window - 1

    vmin = np.nanpercentile(spec.intensity[..., pulse_peak_idx - window + 1 : pulse_peak_idx + window], 2.5)
    vmax = np.nanpercentile(spec.intensity[..., pulse_peak_idx - window - 40 : pulse_peak_idx - window + 1], 100 - 2.5)

    plot_times = (spec.times[pulse_peak_idx - window + 1 : pulse_peak_idx + window] - spec.center_times[pulse_peak_idx]) * 1000.0
    plot_times = np.append(plot_times, plot_times[-1] + spec.dt)
    ax[0].plot(
        plot_times,
        np.append(ts[pulse_peak_idx - window + 1 : pulse_peak_idx + window], ts[pulse_peak_idx - window + 1 : pulse_peak_idx + window][-1]),
        lw=1,
        drawstyle="steps-post",
        color="tab:blue",
    )
    ax[1].imshow(
        spec.intensity[..., pulse_peak_idx - window + 1 : pulse_peak_idx + window],
        origin="lower",
        aspect="auto",
        interpolation="nearest",
        extent=(plot_times.min(), plot_times.max(), fbottom, fbottom + 400.0),
        vmin=vmin,
        vmax=vmax,
        cmap="viridis",
    )
    ax[1].set_xlabel("Time [ms]", fontsize=9)
    ax[0].set_xlim(plot_times.min(), plot_times.max())
    ax[1].set_xlim(plot_times.min(), plot_times.max())
    ax[0].set_yticklabels([], visible=False)
    ax[0].set_yticks([])
    ax[0].set_xticklabels([], visible=False)
    ax[1].set_xticks([-20, 0, 20])
    ax[1].set_xticklabels([-20, 0, 20], fontsize=9)
    ax[1].set_yticks([400, 500, 600, 700, 800])
    ax[1].set_yticklabels([400, 500, 600, 700, 800], fontsize=9)
    ax[1].set_ylabel("Frequency [MHz]", fontsize=9)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fname", required=True)
    parser.add_argument("--dm", type=float)
    parser.add_argument("--figname")
    parser.add_argument("--nsub", type=int, default=128)
    parser.add_argument("--masks", action="store_true")
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(2, figsize=(4.26, 3), gridspec_kw={"height_ratios": [1, 3], "hspace": 0, "wspace": 0.1})
    plot_wfall(args.fname, ax, dm=args.dm, nsub=args.nsub, masks=args.masks)
    figname = args.figname or args.fname.replace(".npz", ".pdf")
    plt.savefig(figname)
    print("waterfall save to:", figname)


if __name__ == "__main__":
    main()
