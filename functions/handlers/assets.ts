import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from '#core/errors.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';

/** The ALTCHA widget's script: from the package locally, from the copy bundled beside the code on AWS. */
const dir = process.env.HERALD_ASSETS_DIR ?? path.dirname(fileURLToPath(import.meta.resolve('altcha')));
const FILES: ReadonlyMap<string, string> = new Map([['/assets/altcha.js', 'altcha.i18n.min.js']]);
let cached: Promise<string> | undefined;

/** `GET /assets/altcha.js`: the proof-of-work widget, served by Herald itself (no third-party script). */
export const handler = httpHandler(
  'assets',
  async (event) => {
    const file = FILES.get(event.rawPath);
    if (!file) throw new HttpError(404, 'not found');
    cached ??= readFile(path.join(dir, file), 'utf8');
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=86400',
        'x-content-type-options': 'nosniff',
      },
      body: await cached,
    };
  },
  { errorPage: (_status, message) => ({ headers: { 'content-type': 'text/plain' }, body: message }) },
);
