import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { esbuildOptions, LAMBDA_ENTRIES, mjmlWorkerCommand } from '#infra/bundling.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

export interface BuiltBundle {
  readonly name: string;
  readonly dir: string;
  readonly file: string;
  readonly bytes: number;
}

/** Bundles the mjml worker into `dir` with the command the CDK construct runs. */
export async function bundleMjmlWorker(dir: string): Promise<void> {
  await run('bash', ['-c', mjmlWorkerCommand(root.replace(/\/$/, ''), dir)]);
}

/** Bundles every Lambda entry as the CDK construct does (same esbuild options, same files beside it). */
export async function buildLambdaBundles(): Promise<BuiltBundle[]> {
  const out = await mkdtemp(path.join(tmpdir(), 'herald-bundles-'));
  const bundles: BuiltBundle[] = [];
  for (const [name, extras] of Object.entries(LAMBDA_ENTRIES)) {
    const dir = path.join(out, name);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'index.mjs');
    await build({
      entryPoints: [path.join(root, 'functions/handlers', `${name}.ts`)],
      outfile: file,
      ...esbuildOptions(extras),
    });
    if (extras.mjmlWorker) await bundleMjmlWorker(dir);
    if (extras.templates)
      await cp(path.join(root, 'templates'), path.join(dir, 'templates'), { recursive: true });
    if (extras.widget) {
      await mkdir(path.join(dir, 'assets'));
      await cp(
        path.join(root, 'node_modules/altcha/dist/main/altcha.i18n.min.js'),
        path.join(dir, 'assets/altcha.i18n.min.js'),
      );
    }
    bundles.push({ name, dir, file, bytes: (await stat(file)).size });
  }
  return bundles;
}

/** The environment a bundle's cold start reads, with placeholders: enough to load, not to reach AWS. */
export function bundleEnvironment(dir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'placeholder',
    AWS_SECRET_ACCESS_KEY: 'placeholder',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    HERALD_TABLE: 'herald',
    HERALD_BUCKET: 'herald-documents',
    HERALD_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/send',
    HERALD_PUBLIC_MAIL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/public-mail',
    HERALD_PUBLIC_BASE_URL: 'https://news.example.org/',
    HERALD_FROM_ADDRESS: 'Press <news@example.org>',
    HERALD_MAX_SEND_RATE: '14',
    HERALD_DAILY_QUOTA: '50000',
    HERALD_TEMPLATES_DIR: path.join(dir, 'templates'),
    HERALD_ASSETS_DIR: path.join(dir, 'assets'),
    HERALD_TOKEN_KEYS: JSON.stringify({ current: 'k1', k1: 'b'.repeat(40) }),
    HERALD_ADDRESS_KEY: 'c'.repeat(40),
  };
}
