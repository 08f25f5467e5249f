/**
 * HDF5 files: FETCH/your candidates and CHIME/FRB catalogue waterfalls, told
 * apart by their datasets. h5wasm reads the file (see `h5.ts` for the filters
 * and the error handling).
 */
import { WaterfallError } from "../../errors.js";
import type { Source } from "../../io/files.js";
import type { ReadOptions } from "../../options/read.js";
import type { OpenedFile, WaterfallFormat } from "../format.js";
import { isCandidate, openCandidate } from "./candidate.js";
import { isChimeCatalogue, openChimeCatalogue } from "./chime.js";
import { openHdf5 } from "./h5.js";

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89HDF\r\n\x1a\n

export const hdf5Format: WaterfallFormat = {
  name: "hdf5",
  sniff: (head) => SIGNATURE.every((b, i) => head[i] === b),
  ownOptions: [],
  open: openHdf5Waterfall,
};

async function openHdf5Waterfall(_source: Source, file: string, options: ReadOptions): Promise<OpenedFile> {
  const f = await openHdf5(file);
  try {
    const opened = isChimeCatalogue(f) ? openChimeCatalogue(f, file, options) : isCandidate(f) ? openCandidate(f, file, options) : undefined;
    if (!opened) {
      const keys = (() => {
        try {
          return f.keys().join(", ");
        } catch {
          return "?";
        }
      })();
      throw new WaterfallError(
        "E_MISSING_KEY",
        `no 2-D 'data_freq_time' dataset (the file has: ${keys}): not a FETCH/your candidate, nor a CHIME/FRB catalogue waterfall (frb/wfall)`,
        { file },
      );
    }
    return { ...opened, close: () => f.close() };
  } catch (error) {
    f.close();
    throw error;
  }
}
