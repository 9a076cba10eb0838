import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { Language } from '#core/i18n/languages.ts';
import type { PersonalField, RenderedMail } from '#core/mail/render-mail.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';

/** What an operator sees: planned (nothing sent yet), sending, paused, done, or cancelled. */
export type DigestStatus = 'planned' | 'sending' | 'paused' | 'done' | 'cancelled';

/** A digest: the articles one audience (language, cadence) receives in one mail. */
export interface Digest {
  readonly id: string;
  readonly cadence: Cadence;
  readonly lang: Language;
  readonly articles: readonly ArticleVersion[];
}

/** Who a digest goes to: the confirmed readers of one language and cadence, possibly narrowed. */
export interface DigestAudience {
  readonly lang: Language;
  readonly cadence: Cadence;
  /** Only readers who also want articles not in their language. */
  readonly alsoOriginalOnly: boolean;
  /** Leave out readers who also want originals (they get the variant that has them). */
  readonly excludeAlsoOriginal: boolean;
  /** Articles some readers may already have received in another language (left out for them). */
  readonly checkReceipts: readonly string[];
}

/** An operator's say over a digest: it runs, or waits paused (with why), or was cancelled. */
export type DigestControl = 'run' | 'paused' | 'cancelled';

/**
 * A digest as stored: what it holds, who it goes to, the operator's control and the planner's
 * progress (a cursor into the audience, persisted after every page, so a planner that dies resumes
 * from it).
 */
export interface DigestRecord {
  readonly id: string;
  readonly cadence: Cadence;
  readonly lang: Language;
  readonly articles: ReadonlyArray<{ readonly articleId: string; readonly lang: Language }>;
  readonly audience: DigestAudience;
  readonly createdAt: string;
  readonly control: DigestControl;
  readonly controlReason?: string;
  /** With approval mode on, a digest waits (`required`) until an operator approves it. */
  readonly approval?: 'required' | 'approved';
  /** Test copies sent so far (the addresses are not kept). */
  readonly testCopies?: number;
  /** Recipients planned so far, and the jobs they were queued in. */
  readonly planned: number;
  readonly jobs: number;
  /** Where the planner goes on: the audience page after the last one it queued. */
  readonly planCursor?: string;
  readonly planComplete: boolean;
  /** Recipients failed one after another, across jobs; too many pause the digest. */
  readonly failureStreak?: number;
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
  /** The subject when `n` articles remain is `subjects[n - 1]` (with one, its title is the subject). */
  readonly subjects: readonly string[];
  readonly segment: string;
  readonly text: { readonly head: string; readonly articles: readonly string[]; readonly foot: string };
}

/** The per-recipient values of a digest. */
export const DIGEST_FIELDS = ['unsubscribeUrl', 'preferencesUrl'] as const satisfies readonly PersonalField[];
export type DigestField = (typeof DIGEST_FIELDS)[number];

/**
 * One message on the send queue: at most {@link MAX_RECIPIENTS_PER_JOB} recipients of one digest.
 * `render` names the rendered variant when readers get a narrower one (fewer articles) than the digest's.
 */
export interface SendJob {
  readonly digestId: string;
  readonly render?: string;
  readonly subscriberIds: readonly string[];
  /** How many times this job's rest was handed on (waiting): each generation has a lease of its own. */
  readonly generation?: number;
}

export const MAX_RECIPIENTS_PER_JOB = 50;

/**
 * A job's lease key: the same readers of the same variant in the same generation (a job's rest, handed
 * on, is the next generation) — so a message delivered twice, or a page a dead planner queues again,
 * is the same job.
 */
export function jobKeyOf(job: SendJob): string {
  const ids = [...job.subscriberIds].sort().join(',');
  return createHash('sha256')
    .update(`${job.render ?? job.digestId}|${job.generation ?? 0}|${ids}`)
    .digest('base64url')
    .slice(0, 22);
}

/** A send job as the sender reads it back (zod/mini: the sender's bundle stays small). */
export const sendJobSchema = z.object({
  digestId: z.string().check(z.regex(/^d_[0-9a-f]+$/)),
  render: z.optional(z.string().check(z.regex(/^d_[0-9a-f]+$/))),
  subscriberIds: z
    .array(z.string().check(z.minLength(1)))
    .check(z.minLength(1), z.maxLength(MAX_RECIPIENTS_PER_JOB)),
  generation: z.optional(z.int().check(z.gte(0))),
}) satisfies z.ZodMiniType<SendJob>;

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
