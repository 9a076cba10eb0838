import addressparser from 'nodemailer/lib/addressparser';
import { encodeWord, quoteString } from 'nodemailer/lib/mime-funcs';
import { normalizeEmail } from '#core/subscriptions/subscriber.ts';

/** An address Herald sends from (or names in a header) that is not one address with an optional name. */
export class InvalidMailboxError extends Error {
  override readonly name = 'InvalidMailboxError';
}

/**
 * A mailbox as SES takes it in a header: the address normalized (punycode domain), and a display name
 * that is not plain ASCII RFC 2047-encoded (`=?UTF-8?B?…?=`, SES refuses raw UTF-8 names), or quoted when
 * it holds specials. `Пресс-служба <news@example.org>` → `=?UTF-8?B?0J/RgNC10YHRgS3RgdC70YPQttCx0LA=?= <news@example.org>`.
 */
export function encodeMailbox(value: string): string {
  if (/[\r\n]/.test(value)) throw new InvalidMailboxError('a mailbox must be on one line');
  const parsed = addressparser(value, { flatten: true });
  if (parsed.length !== 1 || !parsed[0]?.address)
    throw new InvalidMailboxError(
      'give one address, optionally with a name: "Press Office <news@example.org>"',
    );
  const address = normalizeEmail(parsed[0].address);
  const name = parsed[0].name.trim();
  if (!name) return address;
  const plain = /^[\x20-\x7e]*$/.test(name);
  const display = !plain
    ? encodeWord(name, 'B', 52)
    : /^[\w !#$%&'*+\-/=?^`{|}~]*$/.test(name)
      ? name
      : quoteString(name);
  return `${display} <${address}>`;
}
