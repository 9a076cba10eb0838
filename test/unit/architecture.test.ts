import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportEdge, importCircles, importGraph, importsOf, REPO } from '../support/import-graph.ts';

const graph = importGraph('functions');
const functionFiles = [...graph.keys()].filter((file) => file.startsWith('functions/'));

/** `core`, `adapters`, `handlers`, … for a file of functions/; undefined elsewhere. */
const layerOf = (file: string) => (file.startsWith('functions/') ? file.split('/')[1] : undefined);

/** What each layer must not import: handlers above adapters above the core. */
const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  core: ['adapters', 'builders', 'handlers', 'local', 'cli'],
  adapters: ['builders', 'handlers', 'local', 'cli'],
  builders: ['handlers', 'local', 'cli'],
  handlers: ['local', 'cli'],
};
const SDK = /^(?:@aws-sdk\/|aws-sdk$|aws-cdk-lib|@smithy\/)/;
const PORTS_FILE = /^functions\/core\/[^/]+\/ports\.ts$/;

const edgesOf = (file: string): readonly ImportEdge[] => graph.get(file) ?? [];

/** The first chain of imports from `file` to an SDK package, if any: `a.ts → b.ts → @aws-sdk/…`. */
function chainToSdk(file: string): string[] | undefined {
  const cameFrom = new Map<string, string>([[file, file]]);
  const queue = [file];
  for (let at = queue.shift(); at !== undefined; at = queue.shift())
    for (const { specifier, target } of edgesOf(at)) {
      if (!target && SDK.test(specifier)) {
        const chain = [specifier];
        for (let step: string | undefined = at; step !== file; step = cameFrom.get(step ?? file))
          chain.unshift(step ?? file);
        return [file, ...chain];
      }
      if (target && graph.has(target) && !cameFrom.has(target)) {
        cameFrom.set(target, at);
        queue.push(target);
      }
    }
  return undefined;
}

describe('the import graph of functions/', () => {
  it('is read whole: static, type-only, re-exported and dynamic imports, not those in comments', () => {
    const source = [
      "import type {\n  Mailer,\n  OutgoingMail as Mail,\n} from '#core/mail/ports.ts';",
      "import { z } from 'zod';",
      "export { renderDigest } from './render-digest.ts';",
      "import './side-effect.ts';",
      "const load = () => import('#handlers/sender.ts');",
      "// import { old } from '#core/old.ts';",
      " * const example = await import('#cli/main.ts');",
    ].join('\n');

    const found = importsOf(source);

    expect(found).toEqual([
      { specifier: '#core/mail/ports.ts', names: ['Mailer', 'Mail'] },
      { specifier: 'zod', names: ['z'] },
      { specifier: './render-digest.ts', names: ['renderDigest'] },
      { specifier: './side-effect.ts', names: [] },
      { specifier: '#handlers/sender.ts', names: [] },
    ]);
  });

  it('names only files that exist (every # alias and relative import resolves)', () => {
    const unresolved = functionFiles.flatMap((file) =>
      edgesOf(file)
        .filter(({ target }) => target !== undefined && !existsSync(join(REPO, target)))
        .map(({ specifier }) => `${file} imports ${specifier}`),
    );

    expect(functionFiles.length).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
  });

  it('has no import circle, type imports included', () => {
    const circles = importCircles(graph).map((circle) => circle.join(' → '));

    expect(circles).toEqual([]);
  });

  it('keeps the layers: the core imports no adapter, handler, builder, local stack or CLI; adapters no handler; handlers no local stack or CLI', () => {
    const crossings = functionFiles.flatMap((file) => {
      const forbidden = FORBIDDEN[layerOf(file) ?? ''] ?? [];
      return edgesOf(file)
        .filter(({ target }) => target && forbidden.includes(layerOf(target) ?? ''))
        .map(({ specifier }) => `${file} imports ${specifier}`);
    });

    expect(crossings).toEqual([]);
  });

  it('keeps the core free of the AWS SDK, directly or through any module it imports (config included)', () => {
    const chains = functionFiles
      .filter((file) => layerOf(file) === 'core')
      .flatMap((file) => {
        const chain = chainToSdk(file);
        return chain ? [chain.join(' → ')] : [];
      });

    expect(chains).toEqual([]);
  });
});

describe('the ports', () => {
  it('live beside their use cases: one ports.ts per capability folder of the core, no ports folder of their own', () => {
    const portsFiles = functionFiles.filter((file) => /(^|\/)ports(\.ts$|\/)/.test(file));

    expect(existsSync(join(REPO, 'functions/ports'))).toBe(false);
    expect(portsFiles.filter((file) => !PORTS_FILE.test(file))).toEqual([]);
    expect(portsFiles.length).toBeGreaterThan(5);
  });

  it("are declared in a capability's ports.ts: every interface an adapter implements, and every core one a class implements", () => {
    const misplaced = functionFiles.flatMap((file) => {
      const source = readFileSync(join(REPO, file), 'utf8');
      const implemented = [...source.matchAll(/\bclass\s+\w+[^{]*?\bimplements\s+([^{]+)\{/g)].flatMap(
        (m) => m[1]?.match(/\b[A-Z]\w*/g) ?? [],
      );
      return implemented.flatMap((name) => {
        const from = edgesOf(file).find(({ names }) => names.includes(name));
        const declaredIn = from?.target ?? (from ? from.specifier : file);
        const mustBePort =
          layerOf(file) === 'adapters' ? from !== undefined : declaredIn.startsWith('functions/core/');
        return mustBePort && !PORTS_FILE.test(declaredIn)
          ? [`${file}: ${name} comes from ${declaredIn}`]
          : [];
      });
    });

    expect(misplaced).toEqual([]);
  });
});
