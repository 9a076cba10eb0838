import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { LambdaEntry } from '#config/contract/entries.ts';
import { HeraldFunction } from '#infra/constructs/herald-function.ts';

/** Synthesizes one function with real bundling (the local esbuild, as `cdk deploy` does); its asset dir. */
function bundledAsset(handler: LambdaEntry): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'herald-cdk-'));
  const app = new App({ outdir });
  new HeraldFunction(new Stack(app, 'Bundled'), 'Fn', { handler, description: handler, withTemplates: true });
  app.synth();
  const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  return path.join(outdir, assets[0]!);
}

describe('the function construct, bundling for real', () => {
  it('puts the mjml worker beside the ingest function, and mjml only there', () => {
    const asset = bundledAsset('ingest');
    expect(existsSync(path.join(asset, 'mjml-worker.mjs'))).toBe(true);
    // mj-accordion is one of mjml's own components: in the worker's code, not in the function's.
    expect(readFileSync(path.join(asset, 'mjml-worker.mjs'), 'utf8')).toContain('mj-accordion');
    expect(readFileSync(path.join(asset, 'index.mjs'), 'utf8')).not.toContain('mj-accordion');
    expect(existsSync(path.join(asset, 'templates/digest.mjml'))).toBe(true);
  }, 120_000);

  it('gives the public-mail function mjml in its own bundle, and no worker', () => {
    const asset = bundledAsset('public-mail');
    expect(existsSync(path.join(asset, 'mjml-worker.mjs'))).toBe(false);
    expect(readFileSync(path.join(asset, 'index.mjs'), 'utf8')).toContain('mj-accordion');
  }, 120_000);
});
