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

/** A form's fields as the JSON would name them: topics split, the widget's `altcha` as the proof. */
function subscribeFields(body: Awaited<ReturnType<HttpRequest['jsonOrForm']>>): unknown {
  if (body.kind === 'json') return body.value;
  const { altcha, topics, ...fields } = body.value;
  return {
    ...fields,
    ...(topics === undefined ? {} : { topics: splitTopics(topics) }),
    ...(altcha ? { proof: altcha } : {}),
  };
}

/**
 * `POST /subscribe` and `/api/subscribe`: JSON, or the form (topics comma-separated, the widget's
 * proof); the subscribe request it asks for (the hidden `website` field is the honeypot) and its proof.
 */
export async function readSubscribeBody(request: HttpRequest) {
  const body = await request.jsonOrForm(MAX_BODY, 'send {"email", "language", "cadence", "topics"}');
  const { language: lang, website: honeypot, proof, ...rest } = subscribeBody.parse(subscribeFields(body));
  return { ask: { ...rest, lang, honeypot, clientAddress: request.client }, proof };
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

const preferenceChoices = z
  .object({
    lang: languageField('choose one of the six languages'),
    cadence: cadenceField('choose immediate, daily or weekly'),
    alsoOriginal: z.enum(['on']).optional(),
    topics: z
      .string()
      .max(400, 'topics are at most 400 characters')
      .default('')
      .transform((value) => splitTopics(value).map((topic) => topic.toLowerCase()))
      .pipe(topicList),
  })
  .transform(({ alsoOriginal, ...choices }) => ({ ...choices, alsoOriginalLanguage: alsoOriginal === 'on' }));

/** `POST /preferences`: a download or erase link asked for, or the reader's new choices. */
export async function readPreferencesBody(request: HttpRequest) {
  const form = await request.form();
  if (form.action === 'data' || form.action === 'erase') return { kind: 'link', link: form.action } as const;
  return { kind: 'choices', choices: preferenceChoices.parse(form) } as const;
}
