/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.info(
    `browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does)`,
  );

/** Debian's Chromium, headless, with the flags this closed network needs (no background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = new URL('screenshots/', ARTIFACTS);
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, dir).pathname, fullPage: true });
}

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core's findings of the given impacts (all rules, or only `rules`). */
export async function axeViolations(
  page: Page,
  impacts: string[],
  rules?: string[],
): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(
    async (only) =>
      (
        window as unknown as {
          axe: { run: (ctx: Document, options: object) => Promise<{ violations: AxeViolation[] }> };
        }
      ).axe.run(document, only ? { runOnly: { type: 'rule', values: only } } : {}),
    rules ?? null,
  );
  return result.violations.filter((v) => impacts.includes(v.impact ?? ''));
}
