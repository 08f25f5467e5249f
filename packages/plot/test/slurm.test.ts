/**
 * A real Slurm cluster (one node, Debian's slurm-wlm and munge, started and
 * stopped here) runs the job array that `plot emit slurm` prints, over a
 * manifest of 300 candidates; its merge job finds everything done, and the
 * outputs are byte-identical to one process's build. If Slurm is not
 * installed or does not start, this test fails saying why.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildManifest } from "@wfall/plot";

import { repoRoot } from "../../../test-utils/helpers.js";
import { startSlurm, type SlurmCluster } from "../../../test-utils/slurm.js";
import { filesUnder, surveyProject } from "../../../test-utils/survey.js";

const COUNT = 300;
const SHARDS = 4;
const plot = join(repoRoot, "packages/plot/bin/plot.js");

describe("a Slurm job array from plot emit slurm", () => {
  let cluster: SlurmCluster;
  beforeAll(async () => {
    cluster = await startSlurm();
  });
  afterAll(async () => cluster?.stop());

  it(`builds ${COUNT} candidates in ${SHARDS} array tasks and a merge job, byte-identical to one process`, { timeout: 900_000 }, async () => {
    const single = surveyProject(COUNT);
    const sharded = surveyProject(COUNT);
    expect((await buildManifest(join(single, "figures.yaml"), { progress: new PassThrough(), jobs: 2 })).ok).toBe(true);

    const script = execFileSync(process.execPath, [plot, "emit", "slurm", "figures.yaml", "--shards", String(SHARDS), "--parallel", "2", "--cpus", "1"], {
      cwd: sharded,
      encoding: "utf8",
    });
    expect(script).toContain(`--array=0-${SHARDS - 1}%2 --cpus-per-task=1`);
    expect(script).toContain("--dependency=afterany:$array");
    writeFileSync(join(sharded, "submit.sh"), script);
    const submitted = execFileSync("bash", [join(sharded, "submit.sh")], { encoding: "utf8", env: cluster.env });
    const [, array, merge] = /submitted array job (\d+) \(\d+ shards\) and merge job (\d+)/.exec(submitted) ?? [];
    expect(array, submitted).toBeDefined();
    await cluster.waitFor([array, merge], 840_000);

    const logs = join(sharded, ".slurm-logs");
    for (let i = 0; i < SHARDS; i++)
      expect(readFileSync(join(logs, `shard-${i}.out`), "utf8")).toContain(`plot: building shard ${i}/${SHARDS} (Slurm array task ${i} of ${SHARDS}`);
    const merged = readFileSync(join(logs, "merge.out"), "utf8");
    expect(merged).toContain(`${COUNT} figure(s): ${COUNT} done, 0 failed, 0 missing (${SHARDS} shard report(s))`);
    expect(merged).toContain(`gallery: gallery/index.html (${COUNT} figures)`);

    const one = filesUnder(single, "thumbs");
    const many = filesUnder(sharded, "thumbs");
    expect(one.size).toBe(2 * COUNT);
    expect([...many.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [path, bytes] of one) expect(many.get(path)!.equals(bytes), path).toBe(true);
  });
});
