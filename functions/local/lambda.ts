import { asFunction } from '#adapters/call-record.ts';

type HandlerModule = { handler: (...args: never[]) => Promise<unknown> };

/**
 * A handler module as the local stack runs it: loaded on first use, like a Lambda's cold start, and
 * every invocation (and the module's own start) made as the function `name` — the handler module's
 * name, as `HeraldFunction` deploys it — so the AWS calls it makes are recorded under that function
 * when the test suite records them (`#adapters/call-record.ts`).
 */
export function lambda<M extends HandlerModule>(name: string, load: () => Promise<M>): () => Promise<M> {
  let loaded: Promise<M> | undefined;
  return () => {
    loaded ??= asFunction(name, load).then((module) => ({
      ...module,
      handler: ((...args: Parameters<M['handler']>) =>
        asFunction(name, () => module.handler(...args))) as M['handler'],
    }));
    return loaded;
  };
}
