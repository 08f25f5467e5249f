/**
 * What masks did, in words: for the error when masks leave nothing to draw,
 * naming each mask, how many channels it removed, and the way out.
 */
import type { ChannelMask, MaskStep } from "./record.js";

/** How to undo a step, in the words of the command line (and manifests); empty for masks that cannot be undone. */
function wayOut(step: MaskStep): string {
  const tutorial = step.option?.startsWith("the tutorial's");
  switch (step.method) {
    case "manual":
      return "drop those channels from --mask-channels / --mask-file-channels";
    case "freq":
      return "narrow --mask-freq";
    case "maskfile":
    case "rfifind":
      return "use another --masks-in file";
    case "constant":
      return step.option?.includes("--mask-auto") ? "drop --mask-auto" : "--keep-constant (manifest: maskConstant: false)";
    case "normalise":
      return "choose another --normalise";
    case "sum":
      return tutorial ? "drop --masks (manifest: masks: false)" : "raise --mask-sum";
    case "variance":
      return tutorial ? "drop --masks (manifest: masks: false)" : "raise --mask-var";
    case "iqrm":
    case "sk":
      return step.option?.includes("--mask-auto") ? "drop --mask-auto" : step.method === "iqrm" ? "raise --iqrm-threshold" : "raise --sk-sigma";
    case "mad":
      return "raise --mask-mad";
    case "tukey":
      return "raise --mask-tukey";
    case "cfod":
      return "drop --mask-cfod";
    default:
      return "";
  }
}

/** `variance over time > 0.05 (--mask-var 0.05): 128 channels` for each step that masked something. */
export function describeSteps(mask: ChannelMask): string[] {
  return mask.steps
    .filter((s) => s.method !== "zerodm" && s.channels > 0)
    .map((s) => `${s.method}: ${s.description}${s.option ? ` (${s.option})` : ""}: ${s.channels} channel${s.channels === 1 ? "" : "s"}`);
}

/**
 * Why a window has no valid sample: every channel masked (each mask, how many
 * channels it removed, and how to undo the ones that can be undone), or the
 * data there are missing.
 */
export function explainEmpty(mask: ChannelMask, window: string): string {
  const masked = mask.origins.filter((o) => o !== null).length;
  if (masked < mask.grid.nchan) {
    return `no valid (finite, non-zero) sample in ${window}: ${mask.grid.nchan - masked} of ${mask.grid.nchan} channels are unmasked, but their samples there are all missing or zero`;
  }
  const ways = [...new Set(mask.steps.filter((s) => s.channels > 0).map(wayOut))].filter(Boolean);
  const normalised = mask.steps.some((s) => s.method === "variance" && s.channels > 0 && /--normalise (zscore|robust)/.test(s.option ?? ""))
    ? "; after zscore or robust normalisation every channel has a variance near 1"
    : "";
  return `no valid (finite, non-zero) sample in ${window}: every one of the ${mask.grid.nchan} channels is masked (${describeSteps(mask).join("; ")})${normalised}${ways.length ? `; to keep some: ${ways.join(", or ")}` : ""}`;
}
