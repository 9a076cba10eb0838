import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { refusedHttpEvent } from '#handlers/shared/events.ts';
import type { HttpEvent, HttpResult } from '#handlers/shared/http.ts';
import { observed } from '#handlers/shared/observed.ts';

/** The ALTCHA widget's script: from the package locally, from the copy bundled beside the code on AWS. */
const dir = process.env.HERALD_ASSETS_DIR ?? path.dirname(fileURLToPath(import.meta.resolve('altcha')));
const FILES: ReadonlyMap<string, string> = new Map([['/assets/altcha.js', 'altcha.i18n.min.js']]);
let cached: Promise<string> | undefined;

/** `GET /assets/altcha.js`: the proof-of-work widget, served by Herald itself (no third-party script). */
export const handler = observed('assets', async (event: HttpEvent): Promise<HttpResult> => {
  const misfit = refusedHttpEvent('assets', event);
  if (misfit) return { statusCode: 400, headers: { 'content-type': 'text/plain' }, body: misfit };
  const file = FILES.get(event.rawPath);
  if (!file) return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
  cached ??= readFile(path.join(dir, file), 'utf8');
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
    },
    body: await cached,
  };
});
