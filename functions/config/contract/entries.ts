/** What a Lambda entry's bundle carries beside its code. */
export interface LambdaExtras {
  /** templates/ (for functions that render mail or pages). */
  readonly templates?: boolean;
  /** The ALTCHA widget script (for the function that serves it). */
  readonly widget?: boolean;
  /** The mjml worker (for the functions that render digests and then plan them). */
  readonly mjmlWorker?: boolean;
  /**
   * No X-Ray SDK in the bundle (its Tracer is a stand-in that reports tracing off): for the digest
   * sender, whose calls are many and alike and whose cold load the SDK would grow by about a fifth.
   * Lambda's active tracing still records its invocations.
   */
  readonly untraced?: boolean;
}

const entries = {
  ingest: { templates: true, mjmlWorker: true },
  sender: { untraced: true },
  'scheduled-digest': { templates: true, mjmlWorker: true },
  'ses-events': {},
  unsubscribe: { templates: true },
  preferences: { templates: true },
  subscribe: { templates: true },
  confirm: { templates: true },
  'my-data': { templates: true },
  suggest: { templates: true },
  'suggestions-stop': { templates: true },
  'public-mail': { templates: true },
  article: { templates: true },
  home: { templates: true },
  'digest-page': { templates: true },
  archive: { templates: true },
  assets: { widget: true },
} as const satisfies Readonly<Record<string, LambdaExtras>>;

export type LambdaEntry = keyof typeof entries;

/**
 * Every Lambda entry, a module `functions/handlers/<name>.ts`, and what its bundle carries: the CDK
 * functions, the bundle tests and the route table name their handler by these keys only.
 */
export const LAMBDA_ENTRIES: Readonly<Record<LambdaEntry, LambdaExtras>> = entries;

/** Whether `name` is a Lambda entry (an own property only: `constructor` is no entry). */
export const isLambdaEntry = (name: string): name is LambdaEntry => Object.hasOwn(entries, name);

/** What the bundle of the entry `name` carries; nothing for a module that is not one (the mjml worker). */
export const extrasOf = (name: string): LambdaExtras => (isLambdaEntry(name) ? LAMBDA_ENTRIES[name] : {});
