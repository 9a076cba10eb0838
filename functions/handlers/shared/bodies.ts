import { z } from 'zod';
import { MAX_FRIENDS, MAX_NAME, MAX_NOTE } from '#core/suggestions/accept.ts';
import { splitTopics } from '#core/topics.ts';
import { cadenceField, languageField, topicList } from '#handlers/shared/fields.ts';
import type { HttpRequest } from '#handlers/shared/http-edge.ts';

const MAX_BODY = 8192;
const language = languageField('language must be one of en, zh, fr, es, ru, ar');
const proof = z.string().max(4000, 'the proof of work is not valid').optional();

const subscribeBody = z.strictObject({
  email: z.string({ error: 'email is required' }).max(320, 'email is longer than 320 characters'),
  language,
  cadence: cadenceField('cadence must be immediate, daily or weekly').default('immediate'),
  topics: topicList.default([]),
  website: z.string().max(200).optional(),
  proof,
});

/** `POST /subscribe` and `/api/subscribe`: JSON, or the form (topics comma-separated, the widget's proof). */
export async function readSubscribeBody(request: HttpRequest) {
  const body = await request.jsonOrForm(MAX_BODY, 'send {"email", "language", "cadence", "topics"}');
  if (body.kind === 'json') return subscribeBody.parse(body.value);
  const { altcha, topics, ...fields } = body.value;
  return subscribeBody.parse({
    ...fields,
    ...(topics === undefined ? {} : { topics: splitTopics(topics) }),
    ...(altcha ? { proof: altcha } : {}),
  });
}

const oneLine = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .max(max, `${field} is longer than ${max} characters`)
    .refine((value) => !/[\r\n]/.test(value), `${field} must be on one line`);

const suggestionBody = z.strictObject({
  article: z
    .string({ error: 'article is required' })
    .regex(/^[a-z0-9-]{1,80}$/, 'article is not an article id'),
  language,
  senderName: oneLine('senderName', MAX_NAME)
    .refine((v) => v.trim().length > 0, 'senderName is required')
    .refine((v) => !/[<>]/.test(v), 'senderName is plain text: no < or >'),
  senderEmail: oneLine('senderEmail', 320),
  friendEmails: z
    .array(oneLine('each friend address', 320), { error: 'friendEmails must be a list of addresses' })
    .min(1, 'give at least one friend address')
    .max(MAX_FRIENDS, `at most ${MAX_FRIENDS} friend addresses`),
  note: z
    .string()
    .max(MAX_NOTE, `note is longer than ${MAX_NOTE} characters`)
    .refine((v) => !/<\/?[a-z!][^>]*>/i.test(v), 'note is plain text: no HTML')
    .optional(),
  proof,
});

/** `POST /api/suggest`: JSON, or the article page's form (up to three friend fields, the widget's proof). */
export async function readSuggestionBody(request: HttpRequest) {
  const body = await request.jsonOrForm(MAX_BODY, 'see the README for the fields of POST /api/suggest');
  if (body.kind === 'json') return { input: suggestionBody.parse(body.value), form: false };
  const { friendEmail1, friendEmail2, friendEmail3, altcha, note, ...rest } = body.value;
  const friendEmails = [friendEmail1, friendEmail2, friendEmail3].filter((v): v is string =>
    Boolean(v?.trim()),
  );
  const input = suggestionBody.parse({
    ...rest,
    friendEmails,
    ...(note?.trim() ? { note } : {}),
    ...(altcha ? { proof: altcha } : {}),
  });
  return { input, form: true };
}
