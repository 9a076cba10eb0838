/** A topic: a word or two of letters, digits, spaces, `_` or `-`, up to 40 characters. */
export const TOPIC_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$/u;
/** The most topics a reader may follow. */
export const MAX_TOPICS = 10;

/** The topics of a comma-separated list, as a form field gives them. */
export function splitTopics(list: string): string[] {
  return list
    .split(',')
    .map((topic) => topic.trim())
    .filter(Boolean);
}
