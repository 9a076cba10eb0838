import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { AltchaProofOfWork } from '#adapters/altcha-proof.ts';
import { env, readEnv } from '#config/env.ts';
import { launchChromium } from '../support/browser.ts';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const say = (line: string) => process.stderr.write(`[proof] ${line}\n`);

/**
 * How long the proof of work takes at the configured cost (HERALD_PROOF_COST, default 50,000): solved by
 * Node as a server would (what one machine solving for many visitors pays per proof), and by Herald's
 * own widget in headless Chromium on this machine. (Chrome's CPU throttling does not slow the widget's
 * workers, so it cannot stand in for a phone: a phone takes about 1.5 to 3 times a desktop's time.)
 */
export async function proof() {
  const { HERALD_PROOF_COST: cost } = readEnv({ HERALD_PROOF_COST: env.HERALD_PROOF_COST });
  const pow = new AltchaProofOfWork('unused', 'bench-secret-'.repeat(3), cost);
  const nodeRuns: number[] = [];
  for (let i = 0; i < 15; i++) {
    const challenge = await pow.challenge(new Date(), '127.0.0.1', 'suggest');
    const start = performance.now();
    await solveChallenge({ challenge, deriveKey } as Parameters<typeof solveChallenge>[0]);
    nodeRuns.push(performance.now() - start);
  }
  say(`node: ${Math.round(median(nodeRuns))} ms a proof`);

  const widget = await readFile(
    path.join(path.dirname(fileURLToPath(import.meta.resolve('altcha'))), 'altcha.i18n.min.js'),
    'utf8',
  );
  const server = createServer(async (req, res) => {
    if (req.url === '/altcha.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(widget);
    else if (req.url === '/challenge')
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(await pow.challenge(new Date(), '127.0.0.1', 'suggest')));
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><script type="module" src="/altcha.js"></script><form><altcha-widget challenge="/challenge"></altcha-widget></form>',
        );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await launchChromium();
  const chromium: { desktop?: number } = {};
  try {
    {
      const runs: number[] = [];
      for (let i = 0; i < 7; i++) {
        const page = await browser.newPage();
        await page.goto(url);
        await page.waitForFunction(() => customElements.get('altcha-widget') !== undefined);
        const ms = await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const widget = document.querySelector('altcha-widget') as HTMLElement & { verify(): void };
              const start = performance.now();
              widget.addEventListener('statechange', (event) => {
                if ((event as CustomEvent<{ state: string }>).detail.state === 'verified')
                  resolve(performance.now() - start);
              });
              widget.verify();
            }),
        );
        runs.push(ms);
        await page.close();
      }
      chromium.desktop = Math.round(median(runs));
      say(`chromium: ${chromium.desktop} ms a proof`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return {
    scenario: 'proof',
    cost,
    nodeSolveMs: Math.round(median(nodeRuns)),
    chromiumSolveMs: chromium.desktop,
  };
}
