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

/** Every Lambda entry under functions/handlers, and what its bundle carries beside the code. */
export const LAMBDA_ENTRIES: Readonly<Record<string, { templates?: boolean; widget?: boolean }>> = {
  ingest: { templates: true },
  sender: {},
  'scheduled-digest': { templates: true },
  'ses-events': {},
  unsubscribe: { templates: true },
  preferences: { templates: true },
  subscribe: { templates: true },
  confirm: { templates: true },
  'my-data': { templates: true },
  suggest: { templates: true },
  'suggestions-stop': { templates: true },
  article: { templates: true },
  'digest-page': { templates: true },
  archive: { templates: true },
  assets: { widget: true },
};
