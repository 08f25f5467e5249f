/**
 * Kubernetes without a cluster: the shard command runs as N local processes
 * with JOB_COMPLETION_INDEX set, as an Indexed Job's pods would, and their
 * outputs are byte-identical to one process's build; the Job that
 * `plot emit k8s` prints is validated offline against the Kubernetes API's
 * schema (kubernetes-models; the emitter is also typed with kubernetes-types).
 */
import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";

import { Job } from "kubernetes-models/batch/v1/Job";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { buildManifest } from "@wfall/plot";

import { repoRoot } from "../../../test-utils/helpers.js";
import { filesUnder, surveyProject } from "../../../test-utils/survey.js";

const run = promisify(execFile);
const plot = join(repoRoot, "packages/plot/bin/plot.js");
const COUNT = 60;
const SHARDS = 3;
const withoutSlurm = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SLURM_")));

describe("a Kubernetes Indexed Job", () => {
  it(`as ${SHARDS} local processes with JOB_COMPLETION_INDEX builds the same bytes as one process`, { timeout: 600_000 }, async () => {
    const single = surveyProject(COUNT);
    const sharded = surveyProject(COUNT);
    expect((await buildManifest(join(single, "figures.yaml"), { progress: new PassThrough(), jobs: 2 })).ok).toBe(true);
    const pods = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) =>
        run(process.execPath, [plot, "build", "figures.yaml", "--shard", "auto", "--shards", String(SHARDS), "--jobs", "1"], {
          cwd: sharded,
          env: { ...withoutSlurm, JOB_COMPLETION_INDEX: String(i) },
        }),
      ),
    );
    for (const [i, pod] of pods.entries()) {
      expect(pod.stderr).toContain(`plot: building shard ${i}/${SHARDS} (Kubernetes completion index ${i} of ${SHARDS} (JOB_COMPLETION_INDEX, --shards))`);
    }
    const merge = await run(process.execPath, [plot, "merge", "figures.yaml"], { cwd: sharded });
    expect(merge.stdout).toContain(`${COUNT} figure(s): ${COUNT} done, 0 failed, 0 missing (${SHARDS} shard report(s))`);
    const one = filesUnder(single, "thumbs");
    const many = filesUnder(sharded, "thumbs");
    expect([...many.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [path, bytes] of one) expect(many.get(path)!.equals(bytes), path).toBe(true);
  });

  it("plot emit k8s prints a Job the API's schema accepts, one completion index per shard", () => {
    const dir = surveyProject(4);
    const text = execFileSync(
      process.execPath,
      [plot, "emit", "k8s", "figures.yaml", "--shards", "5", "--parallel", "2", "--cpus", "3", "--image", "registry.example/wfall:1", "--claim", "survey"],
      {
        cwd: dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const job = parse(text);
    expect(() => new Job(job).validate()).not.toThrow();
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 5, parallelism: 2 });
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual(["plot", "build", "/data/figures.yaml", "--shard", "auto", "--shards", "5", "--jobs", "3"]);
    expect(container.image).toBe("registry.example/wfall:1");
    expect(container.resources.requests.cpu).toBe("3");
    expect(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe("survey");
    expect(job.spec.podFailurePolicy.rules[0]).toEqual({ action: "FailIndex", onExitCodes: { containerName: "plot", operator: "In", values: [2] } });
    // the validator is not vacuous: a wrong type or a missing required field is refused
    expect(() => new Job({ ...job, spec: { ...job.spec, completions: "5" } }).validate()).toThrow(/completions must be integer/);
    const nameless = structuredClone(job);
    delete nameless.spec.template.spec.containers[0].name;
    expect(() => new Job(nameless).validate()).toThrow(/containers\/0 must have required property name/);
  });
});
