/** Base of every error Herald raises on purpose. */
export class HeraldError extends Error {
  override readonly name: string = 'HeraldError';
}

/** An error whose message is safe to show to the caller of a public HTTP endpoint. */
export class HttpError extends HeraldError {
  override readonly name: string = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Configuration is missing or invalid; raised once, at cold start. */
export class ConfigError extends HeraldError {
  override readonly name = 'ConfigError';
}

/** A document cannot become an article; the reason is shown to the publisher in quarantine. */
export class DocumentRejectedError extends HeraldError {
  override readonly name = 'DocumentRejectedError';
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
  }
}

export type RejectionReason =
  | 'empty'
  | 'binary'
  | 'not-utf8'
  | 'too-large'
  | 'no-title'
  | 'bad-date'
  | 'no-language'
  | 'no-content'
  | 'malformed'
  | 'unknown-format'
  | 'unsafe-key'
  | 'too-deep'
  | 'unreadable';

/** A token is malformed, forged, for another purpose, or signed with an unknown key. */
export class InvalidTokenError extends HeraldError {
  override readonly name = 'InvalidTokenError';
}

/** A conditional write found the item already there: somebody else did (or is doing) this work. */
export class AlreadyClaimedError extends HeraldError {
  override readonly name = 'AlreadyClaimedError';
}
