import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptions, extrasOf, LAMBDA_ENTRIES, MJML_WORKER } from '#infra/bundling.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The node_modules packages an entry's bundle holds, bundled the way the CDK function construct bundles it. */
async function bundledPackages(handler: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [handler.endsWith('.ts') ? `${root}${handler}` : `${root}functions/handlers/${handler}.ts`],
    ...esbuildOptions(extrasOf(handler)),
    minify: false,
    write: false,
    metafile: true,
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

  it('keep the X-Ray SDK out of the sender (its tracer a stand-in reporting tracing off), and in the others', async () => {
    const sender = await bundledPackages('sender');
    expect(extrasOf('sender').untraced).toBe(true);
    expect(sender.has('@aws-lambda-powertools/tracer')).toBe(false);
    expect(sender.has('aws-xray-sdk-core')).toBe(false);
    expect((await bundledPackages('ses-events')).has('aws-xray-sdk-core')).toBe(true);
  });

  it("put mjml in the function that renders the public's mail, in the mjml worker for those that render digests", async () => {
    expect((await bundledPackages('public-mail')).has('mjml')).toBe(true);
    // The public pages only queue mail: no renderer.
    for (const page of ['subscribe', 'suggest', 'confirm', 'preferences'])
      expect((await bundledPackages(page)).has('mjml'), page).toBe(false);
    for (const planner of ['ingest', 'scheduled-digest']) {
      expect(extrasOf(planner).mjmlWorker, planner).toBe(true);
      expect((await bundledPackages(planner)).has('mjml'), planner).toBe(false);
    }
    expect((await bundledPackages(MJML_WORKER.entry)).has('mjml')).toBe(true);
  });

  it('leave out what mjml and cheerio load but Herald never calls (fetching, sniffing, minifying)', async () => {
    const worker = await bundledPackages(MJML_WORKER.entry);
    const ingest = await bundledPackages('ingest');
    expect(worker.has('juice')).toBe(true);
    expect(ingest.has('cheerio')).toBe(true);
    for (const unused of ['undici', 'encoding-sniffer', 'whatwg-encoding', 'js-beautify', 'htmlnano']) {
      expect(worker.has(unused), unused).toBe(false);
      expect(ingest.has(unused), unused).toBe(false);
    }
  });

  it('hold only production dependencies: no emulator, nothing that only a development install has', async () => {
    const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    for (const entry of [...Object.keys(LAMBDA_ENTRIES), MJML_WORKER.entry]) {
      const devOnly = [...(await bundledPackages(entry))].filter(
        (name) => lock.packages[`node_modules/${name}`]?.dev === true,
      );
      expect(devOnly, entry).toEqual([]);
    }
  });
});
