/**
 * The viewer's staged pipeline: every figure it shows is the figure `plot
 * build` makes from the same description (spec equal value for value, heatmap
 * image included), whatever sequence of changes led to it; and a change
 * recomputes only its own stage and those after it.
 */
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { figureOf } from "../src/figure/build.js";
import { FilePipeline } from "../src/view/pipeline.js";
import { describeState, type ViewState } from "../src/view/state.js";
import { fixtures, realDataDir } from "../../../test-utils/helpers.js";

const burst = join(fixtures, "burst_64x2048.npz");

const state = (options: ViewState["options"], extra: Partial<ViewState> = {}): ViewState => ({ read: {}, options, figure: {}, ...extra });

async function expectSameAsBuild(pipeline: FilePipeline, s: ViewState) {
  const shown = await pipeline.figure(s);
  const built = await figureOf(describeState(pipeline.file, s, ["x.pdf"]));
  expect(shown.spec).toEqual(built.spec);
  return shown.ran;
}

describe("the viewer's pipeline", () => {
  it("gives plot build's figure after every change, recomputing only what changed", async () => {
    const p = new FilePipeline(burst);
    expect(Object.keys(await expectSameAsBuild(p, state({ dm: 80 })))).toEqual(["read", "channels", "time", "figure", "spec"]);
    // DM: one pass along time, then the figure; never the read or the channel statistics.
    expect(Object.keys(await expectSameAsBuild(p, state({ dm: 87.77 })))).toEqual(["time", "figure", "spec"]);
    expect(Object.keys(await expectSameAsBuild(p, state({ dm: 87.77, nsub: 16 })))).toEqual(["time", "figure", "spec"]);
    // colours and window: the figure data and the spec only
    expect(Object.keys(await expectSameAsBuild(p, state({ dm: 87.77, nsub: 16, cmap: "magma", vminPercentile: 5 })))).toEqual(["figure", "spec"]);
    expect(Object.keys(await expectSameAsBuild(p, state({ dm: 87.77, nsub: 16, cmap: "magma", vminPercentile: 5 }, { title: "B" })))).toEqual(["spec"]);
    // masks and normalisation: from the channel steps on
    const masked = { dm: 87.77, nsub: 16, maskChannels: [3, 4, 5, 40], normalise: "zscore" as const };
    expect(Object.keys(await expectSameAsBuild(p, state(masked)))).toEqual(["channels", "time", "figure", "spec"]);
    expect(Object.keys(await expectSameAsBuild(p, state({ ...masked, dm: 90, downsample: 2 })))).toEqual(["time", "figure", "spec"]);
    // nothing changed: nothing recomputed
    expect(await expectSameAsBuild(p, state({ ...masked, dm: 90, downsample: 2 }))).toEqual({});
    // the window centred on a chosen time
    expect(Object.keys(await expectSameAsBuild(p, state({ ...masked, peakTime: 0.05 })))).toEqual(["time", "figure", "spec"]);
    // another time range: everything again
    expect(Object.keys(await expectSameAsBuild(p, state({ dm: 87.77 }, { read: { start: 0.01, duration: 0.08 } })))).toEqual([
      "read",
      "channels",
      "time",
      "figure",
      "spec",
    ]);
  });

  it("keeps the data it was read with unchanged (no stage writes into an earlier one's arrays)", async () => {
    const p = new FilePipeline(burst);
    // without subbands, dedispersion works in place: the pipeline must copy first
    const all = { nsub: 64 };
    await expectSameAsBuild(p, state({ ...all, dm: 50 }));
    await expectSameAsBuild(p, state({ ...all, dm: 87.77 }));
    await expectSameAsBuild(p, state({ ...all, dm: 50 }));
    await expectSameAsBuild(p, state({ dm: 87.77 }));
  });

  it("reports a figure that cannot be made as the library's error, and recovers", async () => {
    const p = new FilePipeline(burst);
    await expect(p.figure(state({ dm: 87.77, windowMs: 1e6 }))).rejects.toMatchObject({ code: "E_EMPTY_WINDOW" });
    await expect(p.figure(state({ dm: 87.77, peakTime: 99 }))).rejects.toThrow(/peak time 99 s is outside the data read \(0 \.\. 2\.013266 s\)/);
    await expectSameAsBuild(p, state({ dm: 87.77 }));
  });

  const real = realDataDir();
  it.runIf(real)("gives plot build's figure for the real filterbank of FRB 121102 B58", async () => {
    const p = new FilePipeline(join(real!, "arecibo_FRB121102_B58", "tcand_2_dm_565.30000_snr_11.92560.fil"));
    await expectSameAsBuild(p, state({ dm: 560, downsample: 8, nsub: 16, maskChannels: [0, 1, 2, 40] }));
    // the 11 lowest channels hold zeros (README of the real data): masked as constant, and listed as masked
    expect((await p.figure(state({ dm: 560, downsample: 8, nsub: 16, maskChannels: [0, 1, 2, 40] }))).masked).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40]);
    expect(Object.keys(await expectSameAsBuild(p, state({ dm: 565.3, downsample: 8, nsub: 16, maskChannels: [0, 1, 2, 40] })))).toEqual([
      "time",
      "figure",
      "spec",
    ]);
  });
});
