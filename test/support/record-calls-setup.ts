import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Each run records into a folder of its own (`run-<pid>`, see vitest.config.ts), so the IAM proof reads
 * this run's calls only; the folders of runs that have ended are removed here.
 */
export function setup(): void {
  const folder = process.env.HERALD_RECORD_AWS_CALLS;
  if (!folder) return;
  const parent = path.dirname(folder);
  let runs: string[] = [];
  try {
    runs = readdirSync(parent);
  } catch {
    return;
  }
  for (const run of runs) {
    const pid = Number(/^run-(\d+)$/.exec(run)?.[1]);
    if (pid && path.join(parent, run) !== folder && !alive(pid))
      rmSync(path.join(parent, run), { recursive: true, force: true });
  }
}
