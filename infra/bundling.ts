import path from 'node:path';
import type { LambdaExtras } from '#config/contract/entries.ts';

// Which entries there are, and what each bundle carries, is the contract's (`#config/contract/entries.ts`).
export { extrasOf, LAMBDA_ENTRIES, type LambdaExtras } from '#config/contract/entries.ts';

/**
 * How every Lambda entry is bundled (esbuild): one place, used by the CDK function construct, the bundle
 * tests and the bundle benchmark, so what is tested is what is deployed.
 */
export const BUNDLING = {
  format: 'esm',
  target: 'node24',
  minify: true,
  // mjml and its dependencies are CommonJS that call require(); give the ESM bundle one.
  banner:
    "import { createRequire as __heraldRequire } from 'node:module'; const require = __heraldRequire(import.meta.url);",
  external: ['typescript'],
  /**
   * Packages bundled as an empty module: mjml and cheerio import them at load time, Herald never calls
   * them (no fetching by URL, no encoding sniffing of byte streams, no minify or beautify option).
   */
  alias: Object.fromEntries(
    ['undici', 'encoding-sniffer', 'whatwg-encoding', 'js-beautify', 'htmlnano'].map((name) => [
      name,
      './infra/stubs/unused-module.cjs',
    ]),
  ) as Readonly<Record<string, string>>,
  mainFields: ['module', 'main'],
} as const;

/**
 * How the sender function's Node runs: it sends for minutes at a steady pace with a live heap of about
 * 25 MB, and V8's defaults would let that heap grow to several times its size between collections. An
 * 8 MB young generation, a 64 MB old space and one malloc arena keep it small; the fan-out benchmark
 * runs Herald with the same settings.
 */
export const LEAN_RUNTIME = {
  nodeOptions: ['--max-semi-space-size=8', '--max-old-space-size=64'],
  environment: { MALLOC_ARENA_MAX: '1' },
} as const;

/**
 * The mjml worker (`functions/core/mail/mjml-worker.ts`), bundled as `mjml-worker.mjs` beside the index
 * of the functions that render digests and then plan them: they compile MJML in that thread and leave
 * mjml out of their own bundle, so a long planning run does not carry mjml's memory.
 */
export const MJML_WORKER = { entry: 'functions/core/mail/mjml-worker.ts', file: 'mjml-worker.mjs' } as const;

/** The X-Ray tracer's stand-in, for the bundles of `untraced` entries. */
export const NO_TRACER = { '@aws-lambda-powertools/tracer': './infra/stubs/no-tracer.mjs' } as const;

/** The stand-ins an entry's bundle takes: `BUNDLING.alias`, and the tracer's for an `untraced` one. */
export function aliasesOf(extras: LambdaExtras): Record<string, string> {
  return { ...BUNDLING.alias, ...(extras.untraced ? NO_TRACER : {}) };
}

/** The stand-ins of an entry's bundle (`aliasesOf`), as absolute paths under the project root `root`. */
export function aliasesUnder(root: string, extras: LambdaExtras = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(aliasesOf(extras)).map(([name, stub]) => [name, path.join(root, stub)]),
  );
}

/**
 * esbuild's options for an entry with these extras, as the CDK construct sets them: for the bundle
 * tests and the benchmark, which call esbuild themselves (from the project root).
 */
export function esbuildOptions(extras: LambdaExtras) {
  return {
    bundle: true,
    platform: 'node' as const,
    format: BUNDLING.format,
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    banner: { js: BUNDLING.banner },
    external: externalsFor(extras),
    alias: aliasesOf(extras),
    mainFields: [...BUNDLING.mainFields] as string[],
    logLevel: 'silent' as const,
  };
}

/** What a main bundle leaves out: with the mjml worker beside it, mjml too. */
export function externalsFor(extras: LambdaExtras): string[] {
  return [...BUNDLING.external, ...(extras.mjmlWorker ? ['mjml'] : [])];
}

/**
 * The shell command that bundles the mjml worker into `outputDir` with the same options as the
 * functions (run by the CDK construct after bundling, by the bundle tests and by the benchmark).
 */
export function mjmlWorkerCommand(inputDir: string, outputDir: string): string {
  const args = [
    `${inputDir}/node_modules/.bin/esbuild`,
    `${inputDir}/${MJML_WORKER.entry}`,
    '--bundle',
    '--platform=node',
    `--format=${BUNDLING.format}`,
    `--target=${BUNDLING.target}`,
    ...(BUNDLING.minify ? ['--minify'] : []),
    '--sourcemap',
    `--main-fields=${BUNDLING.mainFields.join(',')}`,
    `--banner:js=${BUNDLING.banner}`,
    ...BUNDLING.external.map((name) => `--external:${name}`),
    ...Object.entries(aliasesUnder(inputDir)).map(([name, stub]) => `--alias:${name}=${stub}`),
    `--outfile=${outputDir}/${MJML_WORKER.file}`,
    '--log-level=warning',
  ];
  return args.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
}
