import { readFileSync } from 'node:fs';

/** A page of test/fixtures/pages as raw bytes, exactly as it would be uploaded. */
export function fixturePage(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/pages/${name}`, import.meta.url));
}
