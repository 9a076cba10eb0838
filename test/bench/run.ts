/**
 * `npm run bench`: one JSON object per line, one per scenario. Speed and memory targets are checked
 * here, by reading these numbers — never as timing assertions in tests.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { personalize } from '#core/digests/personalize.ts';
import { renderDigest } from '#core/digests/render-digest.ts';
import { sampleArticles } from '#core/mail/samples.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import { fanout } from './fanout.ts';
import { ingest } from './ingest.ts';
import { proof } from './proof.ts';
import { tracerCost } from './tracer.ts';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

async function digestRender() {
  const templates = new FileTemplateSource();
  const articles = await sampleArticles(templates, 'en', 10);
  const digest = {
    id: 'd_000000000000000000000000',
    cadence: 'immediate' as const,
    lang: 'en' as const,
    articles,
  };
  const settings = {
    publisher: 'Press Office',
    publicBaseUrl: 'https://news.example.org/',
    postalAddress: '1 Harbour Road',
  };
  for (let i = 0; i < 3; i++) await renderDigest(digest, templates, settings);
  const renders: number[] = [];
  let rendered = await renderDigest(digest, templates, settings);
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    rendered = await renderDigest(digest, templates, settings);
    renders.push(performance.now() - start);
  }

  const keys = { current: 'k1', keys: new Map([['k1', 'x'.repeat(40)]]) };
  const perRecipient: number[] = [];
  const recipients = 2000;
  for (let round_ = 0; round_ < 7; round_++) {
    const start = performance.now();
    for (let i = 0; i < recipients; i++) {
      personalize(
        rendered,
        personalLinks(settings.publicBaseUrl, keys, `s_${i.toString(16).padStart(24, '0')}`),
      );
    }
    perRecipient.push(((performance.now() - start) * 1000) / recipients);
  }
  return {
    scenario: 'digest-render',
    articles: articles.length,
    htmlBytes: Buffer.byteLength(rendered.html),
    renderMsPerDigest: round(median(renders), 2),
    personalizeUsPerRecipient: round(median(perRecipient), 1),
  };
}

/**
 * Each Lambda bundle's size, and how long a fresh Node process takes to load it (median of 5); for the
 * functions that compile MJML in a worker, the worker's size too (it loads on the first render).
 */
async function bundles() {
  const { stat } = await import('node:fs/promises');
  const { MJML_WORKER } = await import('#infra/bundling.ts');
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { buildLambdaBundles, bundleEnvironment } = await import('../support/bundles.ts');
  const run = promisify(execFile);
  const functions: Record<string, { kb: number; coldLoadMs: number; mjmlWorkerKb?: number }> = {};
  for (const bundle of await buildLambdaBundles()) {
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const script = `const t = performance.now(); await import(${JSON.stringify(bundle.file)}); process.stdout.write(String(performance.now() - t));`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: bundleEnvironment(bundle.dir),
        cwd: bundle.dir,
      });
      loads.push(Number(stdout));
    }
    const worker = await stat(`${bundle.dir}/${MJML_WORKER.file}`).catch(() => undefined);
    functions[bundle.name] = {
      kb: Math.round(bundle.bytes / 1024),
      coldLoadMs: round(median(loads), 1),
      ...(worker ? { mjmlWorkerKb: Math.round(worker.size / 1024) } : {}),
    };
  }
  return { scenario: 'lambda-bundles', senderKb: functions.sender?.kb, functions };
}

const scenarios = {
  'digest-render': digestRender,
  ingest,
  'lambda-bundles': bundles,
  proof,
  tracer: tracerCost,
  fanout,
};
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { recipients: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log(`npm run bench -- [SCENARIO ...] [--recipients N]

Scenarios: ${Object.keys(scenarios).join(', ')} (default: all). One JSON object per line.
  --recipients N   subscribers in the fan-out scenario (default 100000)`);
  process.exit(0);
}
const chosen = positionals.length > 0 ? positionals : Object.keys(scenarios);
for (const name of chosen) {
  const scenario = scenarios[name as keyof typeof scenarios];
  if (!scenario) throw new Error(`no scenario "${name}": choose from ${Object.keys(scenarios).join(', ')}`);
  console.log(JSON.stringify(await scenario()));
}
