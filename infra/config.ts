import { z } from 'zod';
import { S3_PREFIXES } from '#config/contract/storage.ts';
import { isIanaTimeZone, TIME_OF_DAY, WEEKDAYS } from '#core/digests/schedule-times.ts';

/** Herald's deployment settings, from the `herald` key of the CDK context (cdk.json or `-c`). */
const heraldContext = z.object({
  fromAddress: z
    .string({ error: 'is required: the From of every mail, e.g. "Press Office <news@example.org>"' })
    .regex(
      /^(?:[^<>\r\n]*<)?[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>?$/,
      'must be an address, optionally with a display name',
    ),
  sesIdentity: z
    .string({ error: 'is required: the verified SES identity (a domain or an address) mail is sent from' })
    .min(3),
  configurationSetName: z.string().min(1).optional(),
  createSesIdentity: z.boolean().default(false),
  publicBaseUrl: z
    .url({ error: 'must be an https:// URL (or leave it out to use the HTTP API URL)' })
    .startsWith('https://', 'must be an https:// URL')
    .optional(),
  publisherName: z.string().min(1).default('Herald'),
  timeZone: z
    .string()
    .refine(isIanaTimeZone, 'must be UTC or an IANA time zone name like "Europe/Paris"')
    .default('UTC'),
  postalAddress: z.string().min(1).optional(),
  alarmEmail: z.email({ error: 'must be an e-mail address for the alarm topic' }).optional(),
  maxSendRate: z.number().positive().optional(),
  /** Mails Herald may send per rolling day; by default 95 % of the account's Max24HourSend. */
  dailyQuota: z.number().int().positive().optional(),
  /** Approval mode: every digest waits for `herald digest approve`. */
  requireApproval: z.boolean().default(false),
  /** Mails the public may cause (confirmations, welcomes, data links, suggestions), per hour and per day. */
  publicMailsPerHour: z.number().int().positive().default(200),
  publicMailsPerDay: z.number().int().positive().default(1000),
  /** Mails a second for the public's mails; never more than a tenth of the account's rate. */
  publicMailRate: z.number().positive().default(2),
  /** Where subscribing needs a proof of work: Herald's own page (default), the API too, or nowhere. */
  subscribeProof: z.enum(['page', 'all', 'off']).default('page'),
  /** The mean number of SHA-256 rounds a proof of work takes to solve. */
  proofCost: z.number().int().min(1000).max(10_000_000).default(50_000),
  /** Whether a suggestion may carry a short plain-text note. */
  suggestNotes: z.boolean().default(true),
  apiRateLimit: z.number().positive().default(50),
  apiBurstLimit: z.number().int().positive().default(100),
  corsOrigins: z.array(z.url().startsWith('https://', 'each CORS origin must be https://')).default([]),
  maxArticlesPerDigest: z.number().int().min(1).max(50).default(10),
  dailyAt: z.string().regex(TIME_OF_DAY, 'must be a time like "08:00"').default('08:00'),
  weeklyOn: z.enum(WEEKDAYS).default('MON'),
  documentsPrefix: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]+\/$/, 'must be a key prefix ending in "/", e.g. "documents/"')
    .default(S3_PREFIXES.documents),
});

export type HeraldConfig = z.infer<typeof heraldContext>;

/** Every key of the `herald` context (the README's table lists each). */
export const HERALD_CONTEXT_KEYS = Object.keys(heraldContext.shape);

export class ContextError extends Error {
  override readonly name = 'ContextError';
}

/** Validates the context once; every problem names its key, e.g. `herald.fromAddress`. */
export function readHeraldConfig(value: unknown): HeraldConfig {
  if (value === undefined) {
    throw new ContextError('context key "herald" is missing: see cdk.json in the repository for an example');
  }
  const result = heraldContext.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `herald.${issue.path.join('.')} ${issue.message}`);
    throw new ContextError(`invalid CDK context — ${problems.join('; ')}`);
  }
  return result.data;
}
