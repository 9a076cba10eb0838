import { HeraldError } from '#core/errors.ts';

export class DigestNotFoundError extends HeraldError {
  override readonly name = 'DigestNotFoundError';
}

/** A cancelled digest stays cancelled: it cannot be paused, resumed or planned again. */
export class DigestCancelledError extends HeraldError {
  override readonly name = 'DigestCancelledError';
}
