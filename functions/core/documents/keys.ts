import { createHash } from 'node:crypto';
import { isLanguage, type Language } from '#core/i18n/languages.ts';

/** S3 URL-encodes object keys in event notifications, with `+` for a space. */
export function decodeS3EventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/** The inverse of {@link decodeS3EventKey}: how S3 writes a key into an event record. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/**
 * Why an object key is not one Herald ingests, if it is not: a `..` or `.` segment, or an empty one
 * (`a//b`). S3 takes such keys literally, but a tool that maps keys to paths does not; so Herald refuses
 * them on every stack. A key ending in `/` is a folder marker, not a document.
 */
export function unsafeKeyReason(key: string): string | undefined {
  if (key.endsWith('/')) return 'a folder marker';
  const segments = key.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.'))
    return 'the key has a "." or ".." segment';
  if (segments.some((segment) => segment === ''))
    return 'the key has an empty segment ("//" or a leading "/")';
  if ([...key].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return 'the key holds a control character';
  return undefined;
}

export interface KeyFacts {
  readonly articleId: string;
  readonly langHint?: Language;
}

/**
 * What an object key says about its document. `…/<article-id>/<lang>.<ext>` names both the article
 * and the language; any other key names its article by its file name, and may end in `.<lang>.<ext>`.
 */
export function readKey(key: string): KeyFacts {
  const parts = key.split('/').filter(Boolean);
  const file = parts.at(-1) ?? key;
  const stem = file.replace(/\.[^.]+$/, '');
  if (isLanguage(stem) && parts.length >= 2) {
    return { articleId: slug(parts.at(-2)!), langHint: stem };
  }
  const suffix = /^(.*)\.([a-z]{2})$/.exec(stem);
  if (suffix && isLanguage(suffix[2])) return { articleId: slug(suffix[1]!), langHint: suffix[2] };
  return { articleId: slug(stem) };
}

/** A URL-safe article id; keys that slug to nothing fall back to a hash of the key. */
function slug(value: string): string {
  const cleaned = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return cleaned || `a-${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
