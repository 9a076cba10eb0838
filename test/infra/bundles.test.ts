import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLING } from '#infra/bundling.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The node_modules packages an entry's bundle holds, bundled the way the CDK function construct bundles it. */
async function bundledPackages(handler: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [`${root}functions/handlers/${handler}.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    external: [...BUNDLING.external],
    alias: { ...BUNDLING.alias },
    mainFields: [...BUNDLING.mainFields],
    logLevel: 'silent',
  });
  return new Set(
    Object.keys(result.metafile.inputs)
      .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
      .filter((name): name is string => Boolean(name)),
  );
}

describe('bundles', () => {
  it('keep mjml out of the sender: it only substitutes into digests rendered once', async () => {
    const sender = await bundledPackages('sender');
    expect(sender.has('mjml')).toBe(false);
    expect([...sender].some((name) => name.startsWith('mjml'))).toBe(false);
    expect(sender.has('@aws-sdk/client-sesv2')).toBe(true);
  });

  it('put mjml in the functions that render mail', async () => {
    expect((await bundledPackages('ingest')).has('mjml')).toBe(true);
    expect((await bundledPackages('scheduled-digest')).has('mjml')).toBe(true);
  });

  it('leave out what mjml and cheerio load but Herald never calls (fetching, sniffing, minifying)', async () => {
    const ingest = await bundledPackages('ingest');
    expect(ingest.has('juice')).toBe(true);
    for (const unused of ['undici', 'encoding-sniffer', 'whatwg-encoding', 'js-beautify', 'htmlnano'])
      expect(ingest.has(unused), unused).toBe(false);
  });
});
