import matter from 'gray-matter';
import { parse as parseYaml } from 'yaml';
import { DocumentRejectedError } from '#core/errors.ts';

const MAX_FIELDS = 40;
const MAX_LIST = 50;

/**
 * A document's fields may only be text, numbers, true/false, or lists of those: never objects, nested
 * lists or anything a parser builds (dates, sets). Anything else names the field and what to write.
 */
export function plainFields(data: unknown, where: string): Record<string, unknown> {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new DocumentRejectedError('malformed', `the ${where} must be a list of "name: value" fields`);
  const entries = Object.entries(data);
  if (entries.length > MAX_FIELDS)
    throw new DocumentRejectedError(
      'malformed',
      `the ${where} has ${entries.length} fields; at most ${MAX_FIELDS}`,
    );
  const scalar = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);
  const fields = new Map<string, unknown>();
  for (const [name, value] of entries) {
    const ok = scalar(value) || (Array.isArray(value) && value.length <= MAX_LIST && value.every(scalar));
    if (!ok)
      throw new DocumentRejectedError(
        'malformed',
        `"${name.slice(0, 40)}" in the ${where} must be text, a number, true/false or a short list of texts`,
      );
    fields.set(name, value);
  }
  // A plain object without a prototype: a field called "__proto__" or "constructor" is only a field.
  return Object.assign(Object.create(null) as Record<string, unknown>, Object.fromEntries(fields));
}

const refuseEngine = () => {
  throw new Error('only YAML front matter is accepted');
};

/**
 * Reads YAML front matter with YAML 1.2's core schema and **no aliases** (`*a` refers back to `&a`: a few
 * hundred bytes of them can expand into gigabytes), then keeps only plain fields. Executable front
 * matter (`---js`) is refused.
 */
export function readFrontMatter(text: string): { data: Record<string, unknown>; content: string } {
  let parsed: { data: unknown; content: string };
  try {
    parsed = matter(text, {
      engines: {
        yaml: (source: string) => parseYaml(source, { maxAliasCount: 0, uniqueKeys: true }) as object,
        js: refuseEngine,
        javascript: refuseEngine,
        coffee: refuseEngine,
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : 'invalid YAML';
    throw new DocumentRejectedError(
      'malformed',
      /alias/i.test(message ?? '')
        ? 'the front matter uses YAML aliases (*name): write each value out in full'
        : `the front matter cannot be read: ${message}`,
    );
  }
  return { data: plainFields(parsed.data, 'front matter'), content: parsed.content };
}
