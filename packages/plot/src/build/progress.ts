/**
 * Build progress on stderr: a bar redrawn in place on a terminal, one plain
 * line per figure otherwise (CI logs).
 */
export interface Progress {
  done(name: string, status: string): void;
  /** A figure found up to date: it leaves the count (the total is known only once every figure was checked). */
  skip(): void;
  finish(): void;
}

function duration(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export function createProgress(total: number, stream: NodeJS.WritableStream & { isTTY?: boolean }, now: () => number = () => performance.now()): Progress {
  const started = now();
  let count = 0;
  let shown: { total: number; last: string } | undefined; // what the bar last showed
  const tty = Boolean(stream.isTTY);
  const draw = (last: string) => {
    shown = { total, last };
    const elapsed = (now() - started) / 1000;
    const left = count > 0 ? (elapsed / count) * (total - count) : 0;
    const width = 24;
    const filled = Math.round((count / Math.max(total, 1)) * width);
    stream.write(
      `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${count}/${total} figures, ${duration(elapsed)}, ~${duration(left)} left  ${last}\x1b[K`,
    );
  };
  if (tty && total > 0) draw("");
  return {
    done(name, status) {
      count++;
      if (tty) draw(`${status} ${name}`);
      else stream.write(`[${count}/${total}] ${status} ${name} (${duration((now() - started) / 1000)})\n`);
    },
    skip() {
      total--;
    },
    finish() {
      if (!tty || !shown) return;
      if (shown.total !== total) draw(shown.last); // figures found up to date since
      stream.write("\n");
    },
  };
}
