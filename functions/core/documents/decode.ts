import { DocumentRejectedError } from '#core/errors.ts';

export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * Turns raw bytes into text, or rejects them: empty, binary (a NUL byte), too large, or not UTF-8.
 * A leading byte-order mark is dropped and every line ending becomes `\n`.
 */
export function decodeDocument(bytes: Uint8Array, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES): string {
  if (bytes.byteLength > maxBytes) {
    throw new DocumentRejectedError(
      'too-large',
      `document is ${bytes.byteLength} bytes; the limit is ${maxBytes} bytes`,
    );
  }
  if (bytes.includes(0)) {
    throw new DocumentRejectedError('binary', 'document contains NUL bytes: it looks binary, not text');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (cause) {
    throw Object.assign(new DocumentRejectedError('not-utf8', 'document is not valid UTF-8 text'), { cause });
  }
  text = text.replace(/\r\n?/g, '\n');
  if (text.trim() === '') {
    throw new DocumentRejectedError('empty', 'document is empty');
  }
  return text;
}
