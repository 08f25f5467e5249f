/**
 * The RFI methods a {@link Spectra} can flag channels with (the core's
 * `rfi::plan`), and how each run is described in the mask record.
 */
import type { ChannelFlagRequest, ChannelFlagResult, IqrmStatistic, ZeroDmVariant } from "../native.js";
import type { MaskOrigin, MaskStep } from "./record.js";

/** What {@link Spectra.maskRfi} runs. Every method is off unless given. */
export interface RfiMethods {
  /** Zero-DM subtraction first (data at DM 0 only): a variant, or `recommended` (sigpyproc on power data, else jess). */
  zeroDm?: ZeroDmVariant | "recommended";
  /** Channels constant in time. */
  constant?: boolean;
  /** IQRM (Morello et al. 2022): `true` for the defaults (std, radius 10 % of the channels, 3 sigma). */
  iqrm?: boolean | { statistic?: IqrmStatistic; radiusChannels?: number; thresholdSigma?: number };
  /** Spectral kurtosis with `your`'s estimator: `true` for sigma 5. */
  sk?: boolean | { sigma?: number };
  /** MAD fence half-width (sigma) on the channel mean and variance. */
  mad?: number;
  /** Tukey fence factor on the channel mean and variance. */
  tukey?: number;
  /** cfod's CHIME/FRB catalogue rule. */
  cfod?: boolean;
  /** The automatic mask for unknown data: constant channels, IQRM on std/mean (power) or std, SK (power). */
  auto?: boolean;
}

/** What {@link Spectra.maskRfi} found: the core's report, with each channel's origin (null: kept). */
export type RfiFlags = Omit<ChannelFlagResult, "origin"> & { origin: (MaskOrigin | null)[] };

/** The core's request for `methods`. */
export function rfiRequest(methods: RfiMethods): ChannelFlagRequest {
  const iqrm = methods.iqrm === true ? {} : methods.iqrm || undefined;
  const sk = methods.sk === true ? {} : methods.sk || undefined;
  return {
    zeroDm: methods.zeroDm,
    constant: methods.constant,
    iqrm,
    sk,
    mad: methods.mad,
    tukey: methods.tukey,
    cfod: methods.cfod,
    auto: methods.auto,
  };
}

/** A step of the record with the channels it flagged (on the data's grid). */
export type FlagStep = Omit<MaskStep, "channels"> & { channels: number[] };

const STATISTIC_NAMES: Record<IqrmStatistic, string> = {
  std: "standard deviation",
  mean: "mean",
  variance: "variance",
  skewness: "skewness",
  kurtosis: "excess kurtosis",
  cv: "coefficient of variation (std/mean)",
};

/**
 * The steps of a run, in the order the core ran them, each with the channels
 * it took; a zero-DM step first. `options` names the option behind each method.
 */
export function describeRfiSteps(methods: RfiMethods, result: ChannelFlagResult, options: Partial<Record<keyof RfiMethods, string>>): FlagStep[] {
  const autoOrigin = result.autoOrigin ?? [];
  const explicit = (label: string) => result.origin.flatMap((o, c) => (o === label && !autoOrigin[c] ? [c] : []));
  const auto = (label: string) => autoOrigin.flatMap((o, c) => (o === label ? [c] : []));
  const radius = result.iqrmRadiusChannels;
  const steps: FlagStep[] = [];
  if (result.zeroDm) {
    const formula = result.zeroDm === "sigpyproc" ? "x - sum(x) bp/sum(bp) + bp" : "x - mean over channels + bp";
    steps.push({
      method: "zerodm",
      description: `zero-DM (${result.zeroDm}: ${formula}) subtracted`,
      option: options.zeroDm ?? options.auto,
      channels: [],
      parameters: { variant: result.zeroDm },
    });
  }
  if (methods.constant) steps.push({ method: "constant", description: "constant in time", option: options.constant, channels: explicit("constant") });
  if (methods.iqrm) {
    const o = methods.iqrm === true ? {} : methods.iqrm;
    const statistic = o.statistic ?? "std";
    const threshold = o.thresholdSigma ?? 3;
    steps.push({
      method: "iqrm",
      description: `IQRM on the channel ${STATISTIC_NAMES[statistic]}, radius ${radius} channels, threshold ${threshold} sigma`,
      option: options.iqrm,
      channels: explicit("iqrm"),
      parameters: { statistic, radiusChannels: radius ?? 0, thresholdSigma: threshold },
    });
  }
  if (methods.sk) {
    const sigma = (methods.sk === true ? undefined : methods.sk.sigma) ?? 5;
    steps.push({
      method: "sk",
      description: `spectral kurtosis outside median +- ${sigma} x 1.4826 MAD (N = ${result.skAccumulations}, d from the data)`,
      option: options.sk,
      channels: explicit("sk"),
      parameters: { sigma, accumulations: result.skAccumulations ?? 0 },
    });
  }
  if (methods.mad !== undefined)
    steps.push({
      method: "mad",
      description: `channel mean or variance outside median +- ${methods.mad} x 1.4826 MAD`,
      option: options.mad,
      channels: explicit("mad"),
      parameters: { k: methods.mad },
    });
  if (methods.tukey !== undefined)
    steps.push({
      method: "tukey",
      description: `channel mean or variance outside Q1 - ${methods.tukey} IQR .. Q3 + ${methods.tukey} IQR`,
      option: options.tukey,
      channels: explicit("tukey"),
      parameters: { k: methods.tukey },
    });
  if (methods.cfod)
    steps.push({
      method: "cfod",
      description: "cfod's CHIME/FRB catalogue rule: variance > 3 x the mean variance, or mean outside Q1 - 1.5 IQR .. Q3 + 1.5 IQR",
      option: options.cfod,
      channels: explicit("cfod"),
    });
  if (methods.auto) {
    const statistic = result.autoIqrmStatistic ?? "std";
    steps.push({ method: "constant", description: "automatic: constant in time", option: options.auto, channels: auto("constant") });
    steps.push({
      method: "iqrm",
      description: `automatic: IQRM on the channel ${STATISTIC_NAMES[statistic]}, radius ${radius} channels, threshold 3 sigma`,
      option: options.auto,
      channels: auto("iqrm"),
      parameters: { statistic, radiusChannels: radius ?? 0, thresholdSigma: 3 },
    });
    steps.push({
      method: "sk",
      description: result.autoSk
        ? `automatic: spectral kurtosis outside median +- 5 x 1.4826 MAD (N = ${result.skAccumulations}, d from the data)`
        : "automatic: spectral kurtosis skipped (the data are not power: normalised or zero-mean)",
      option: options.auto,
      channels: auto("sk"),
      parameters: { applied: result.autoSk ?? false },
    });
  }
  return steps;
}
