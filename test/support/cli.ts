import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/herald.mjs', import.meta.url));

/** Runs the `herald` command as a user would, against the stack whose HERALD_HOME is `home`. */
export function herald(home: string, ...args: string[]) {
  return heraldWith({ ...process.env, HERALD_HOME: home }, ...args);
}

/** Runs the `herald` command with exactly this environment. */
export async function heraldWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
