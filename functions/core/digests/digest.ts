import { createHash } from 'node:crypto';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { Language } from '#core/languages.ts';
import type { PersonalField, RenderedMail } from '#core/mail/render-mail.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';

export type DigestStatus = 'planned' | 'sending' | 'paused' | 'done';

/** A digest: the articles one audience (language, cadence) receives in one mail. */
export interface Digest {
  readonly id: string;
  readonly cadence: Cadence;
  readonly lang: Language;
  readonly articles: readonly ArticleVersion[];
}

export interface DigestRecord {
  readonly id: string;
  readonly cadence: Cadence;
  readonly lang: Language;
  readonly articleIds: readonly string[];
  readonly status: DigestStatus;
  readonly recipients: number;
  readonly createdAt: string;
}

/**
 * A digest rendered once for all its recipients. Per-recipient values, the subject and the preview
 * stand in `html` as markers holding a random nonce (so no document content can forge one); each
 * article stands between `<!--<segment>-<i>-start-->` and `<!--<segment>-<i>-end-->`, so an article
 * withdrawn after the render can be left out.
 */
export interface RenderedDigest extends Omit<RenderedMail, 'nonce'> {
  readonly digestId: string;
  readonly lang: Language;
  /** The articles, in the order they stand in the mail. */
  readonly articles: ReadonlyArray<{
    readonly articleId: string;
    readonly lang: Language;
    readonly title: string;
  }>;
  /** The subject when more than one article remains, with `{count}` still to fill. */
  readonly subjectMany: string;
  readonly segment: string;
  readonly text: { readonly head: string; readonly articles: readonly string[]; readonly foot: string };
}

/** The per-recipient values of a digest. */
export const DIGEST_FIELDS = ['unsubscribeUrl', 'preferencesUrl'] as const satisfies readonly PersonalField[];
export type DigestField = (typeof DIGEST_FIELDS)[number];

/** One message on the send queue: at most {@link MAX_RECIPIENTS_PER_JOB} recipients of one digest. */
export interface SendJob {
  readonly digestId: string;
  readonly subscriberIds: readonly string[];
}

export const MAX_RECIPIENTS_PER_JOB = 50;

/**
 * The same content always makes the same digest id, so a redelivered batch plans the same digest
 * and the send ledger (keyed by digest and subscriber) keeps anyone from getting it twice.
 */
export function digestIdFor(
  cadence: Cadence,
  lang: Language,
  versions: readonly ArticleVersion[],
  variant = '',
): string {
  const content = versions
    .map((v) => `${v.articleId}/${v.lang}/${v.contentHash}`)
    .sort()
    .join('\n');
  const hash = createHash('sha256').update(`${cadence}\n${lang}\n${variant}\n${content}`).digest('hex');
  return `d_${hash.slice(0, 24)}`;
}
