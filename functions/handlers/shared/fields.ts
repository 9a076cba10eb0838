import { z } from 'zod';
import { LANGUAGES } from '#core/i18n/languages.ts';
import { CADENCES } from '#core/subscriptions/subscriber.ts';
import { MAX_TOPICS, TOPIC_PATTERN } from '#core/topics.ts';

/** The fields the subscribe form and the preference center share, with messages that say what to send. */
export const topicList = z
  .array(z.string().regex(TOPIC_PATTERN, 'each topic is a word or two, up to 40 characters'))
  .max(MAX_TOPICS, `at most ${MAX_TOPICS} topics`);

export const languageField = (error: string) => z.enum(LANGUAGES, { error });
export const cadenceField = (error: string) => z.enum(CADENCES, { error });
