/**
 * A one-node Slurm cluster for tests, from Debian's slurm-wlm and munge
 * (installed by scripts/system-deps.sh): its own munged (own key and socket),
 * slurmctld and slurmd on free ports, all state in a temporary folder, so it
 * touches no system configuration. Clients find it through SLURM_CONF.
 * Anything missing or not starting throws, saying what: a test that needs
 * Slurm fails, never passes silently.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";

export interface SlurmCluster {
  /** Environment for sbatch, squeue, ... (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** Waits until none of these jobs is queued or running. */
  waitFor(jobIds: string[], timeoutMs: number): Promise<void>;
  /** Stops the daemons this cluster started (by their pid files), waits for them to exit, and removes its folder. */
  stop(): Promise<void>;
}

function which(program: string): string | null {
  for (const dir of ["/usr/sbin", "/usr/bin", "/sbin", "/bin", ...(process.env.PATH ?? "").split(":")])
    if (existsSync(join(dir, program))) return join(dir, program);
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function daemonPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Starts the cluster; resolves when its node is idle. */
export async function startSlurm(): Promise<SlurmCluster> {
  const missing = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"].filter((p) => !which(p));
  if (missing.length > 0)
    throw new Error(`Slurm test cluster: ${missing.join(", ")} not installed: run scripts/system-deps.sh (Debian packages slurm-wlm and munge)`);
  if (process.getuid?.() !== 0) throw new Error("Slurm test cluster: its daemons must start as root here (SlurmUser=root), and this test runs as another user");
  const dir = mkdtempSync(join(tmpdir(), "wfall-slurm-"));
  for (const sub of ["state", "spool"]) mkdirSync(join(dir, sub));
  const pidFiles = ["munged", "slurmctld", "slurmd"].map((d) => join(dir, `${d}.pid`));
  const alive = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8")); // a zombie has exited
    } catch {
      return false;
    }
  };
  const stop = async () => {
    const pids = [...pidFiles]
      .reverse()
      .map(daemonPid)
      .filter((pid): pid is number => pid !== null);
    for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGTERM");
    const end = Date.now() + 20_000; // slurmctld saves its state as it stops
    while (pids.some(alive) && Date.now() < end) await sleep(200);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    writeFileSync(join(dir, "munge.key"), execFileSync("head", ["-c", "1024", "/dev/urandom"]), { mode: 0o600 });
    const socket = join(dir, "munge.socket");
    const munge = spawnSync(
      which("munged")!,
      [
        "--force",
        `--socket=${socket}`,
        `--key-file=${join(dir, "munge.key")}`,
        `--pid-file=${pidFiles[0]}`,
        `--log-file=${join(dir, "munged.log")}`,
        `--seed-file=${join(dir, "munged.seed")}`,
      ],
      { encoding: "utf8" },
    );
    if (munge.status !== 0) throw new Error(`Slurm test cluster: munged did not start: ${munge.stderr.trim()}`);
    const node = hostname().split(".")[0];
    const conf = join(dir, "slurm.conf");
    writeFileSync(
      conf,
      `ClusterName=wfalltest
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=${await freePort()}
SlurmdPort=${await freePort()}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${socket}
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${pidFiles[1]}
SlurmdPidFile=${pidFiles[2]}
SlurmctldLogFile=${dir}/slurmctld.log
SlurmdLogFile=${dir}/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
MaxArraySize=1001
NodeName=${node} NodeAddr=127.0.0.1 CPUs=2 RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
`,
    );
    const env = { ...process.env, SLURM_CONF: conf };
    for (const daemon of ["slurmctld", "slurmd"]) {
      const r = spawnSync(which(daemon)!, ["-f", conf], { encoding: "utf8", env });
      if (r.status !== 0) throw new Error(`Slurm test cluster: ${daemon} did not start: ${r.stderr.trim()}`);
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = spawnSync(which("sinfo")!, ["-h", "-o", "%T"], { encoding: "utf8", env }).stdout?.trim();
      if (state === "idle") break;
      if (Date.now() > deadline) {
        const log = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8").split("\n").slice(-5).join(" | ") : "(no log)");
        throw new Error(`Slurm test cluster: the node is '${state}', not idle, after 30 s. slurmctld: ${log("slurmctld.log")} slurmd: ${log("slurmd.log")}`);
      }
      await sleep(300);
    }
    return {
      env,
      dir,
      stop,
      async waitFor(jobIds, timeoutMs) {
        const end = Date.now() + timeoutMs;
        for (;;) {
          const queued = spawnSync(which("squeue")!, ["-h", "-o", "%i %T", "-j", jobIds.join(",")], { encoding: "utf8", env }).stdout.trim();
          if (queued === "") return;
          if (Date.now() > end) throw new Error(`Slurm jobs still queued or running after ${timeoutMs / 1000} s: ${queued.replace(/\n/g, "; ")}`);
          await sleep(500);
        }
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
