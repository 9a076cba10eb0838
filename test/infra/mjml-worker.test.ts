import { execFile } from 'node:child_process';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { MjmlWorkerPool } from '#core/mail/mjml.ts';
import { esbuildOptions, MJML_WORKER } from '#infra/bundling.ts';
import { bundleMjmlWorker } from '../support/bundles.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const MJML = `<mjml><mj-body><mj-section><mj-column><mj-text>Press release of the day</mj-text></mj-column></mj-section></mj-body></mjml>`;

let dir: string;
let workerFile: URL;
beforeAll(async () => {
  // Outside the project, so nothing can fall back on node_modules: only what the bundles hold.
  dir = await mkdtemp(path.join(tmpdir(), 'herald-mjml-worker-'));
  await bundleMjmlWorker(dir);
  workerFile = pathToFileURL(path.join(dir, MJML_WORKER.file));
}, 60_000);

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
};

describe('the mjml worker', () => {
  it('compiles MJML in a thread of its own, and ends when idle', async () => {
    const pool = new MjmlWorkerPool(workerFile, 100);
    const output = await pool.compile(MJML);
    expect(output.errors).toEqual([]);
    expect(output.html).toContain('Press release of the day');
    expect(pool.running).toBe(true);
    expect(await until(() => !pool.running)).toBe(true);
    // A later compile starts a new worker.
    expect((await pool.compile(MJML)).html).toContain('Press release of the day');
  });

  it('compiles several at once in one worker', async () => {
    const pool = new MjmlWorkerPool(workerFile, 100);
    const outputs = await Promise.all(
      ['one', 'two', 'three'].map((word) => pool.compile(MJML.replace('of the day', word))),
    );
    expect(outputs.map((output) => /Press release (\w+)/.exec(output.html)?.[1])).toEqual([
      'one',
      'two',
      'three',
    ]);
  });

  it('gives back strict validation errors, as mjml does in this thread', async () => {
    const output = await new MjmlWorkerPool(workerFile, 100).compile(
      '<mjml><mj-body><mj-section><mj-text>not in a column</mj-text></mj-section></mj-body></mjml>',
    );
    expect(output.errors.join(' ')).toMatch(/mj-text.*cannot be used inside mj-section/);
  });

  it('fails what it was compiling when the worker dies, and says so', async () => {
    const dying = path.join(dir, 'dying-worker.mjs');
    await writeFile(
      dying,
      "import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(3));",
    );
    const pool = new MjmlWorkerPool(pathToFileURL(dying), 100);
    await expect(pool.compile(MJML)).rejects.toThrow(/mjml worker stopped \(exit code 3\)/);
    expect(pool.running).toBe(false);
  });

  it('is what a digest-rendering bundle compiles with: mjml is not in the bundle itself', async () => {
    const bundleDir = await mkdtemp(path.join(tmpdir(), 'herald-mjml-bundle-'));
    const entry = `import { FileTemplateSource } from '#adapters/fs-templates.ts';
      import { renderSample } from '#core/mail/samples.ts';
      const sample = await renderSample(new FileTemplateSource(process.env.HERALD_TEMPLATES_DIR), 'digest', 'ar',
        { publisher: 'Press office', publicBaseUrl: 'https://news.example.org/' });
      process.stdout.write(JSON.stringify({ rtl: sample.html.includes('dir="rtl"'), bytes: sample.html.length }));`;
    const result = await build({
      stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'render-sample.ts' },
      outfile: path.join(bundleDir, 'index.mjs'),
      absWorkingDir: root,
      ...esbuildOptions({ mjmlWorker: true }),
      metafile: true,
    });
    expect(Object.keys(result.metafile.inputs).some((input) => input.includes('node_modules/mjml'))).toBe(
      false,
    );
    await bundleMjmlWorker(bundleDir);
    await cp(path.join(root, 'templates'), path.join(bundleDir, 'templates'), { recursive: true });

    const { stdout } = await run(process.execPath, [path.join(bundleDir, 'index.mjs')], {
      cwd: bundleDir,
      env: { PATH: process.env.PATH ?? '', HERALD_TEMPLATES_DIR: path.join(bundleDir, 'templates') },
    });
    const rendered = JSON.parse(stdout) as { rtl: boolean; bytes: number };
    expect(rendered.rtl).toBe(true);
    expect(rendered.bytes).toBeGreaterThan(5_000);
  }, 60_000);
});
