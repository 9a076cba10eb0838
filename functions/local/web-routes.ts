import { HTTP_ROUTES, type HttpEntry, pathPattern } from '#config/contract/routes.ts';
import type { HttpHandler, Route } from '#local/http-server.ts';
import { lambda } from '#local/lambda.ts';

type HandlerModule = { handler: (...args: never[]) => Promise<unknown> };

/** Each entry the HTTP API invokes, and the local-only preview: loaded on first use, as its function. */
const MODULES: Record<HttpEntry | 'preview', () => Promise<HandlerModule>> = {
  home: lambda('home', () => import('#handlers/home.ts')),
  unsubscribe: lambda('unsubscribe', () => import('#handlers/unsubscribe.ts')),
  preferences: lambda('preferences', () => import('#handlers/preferences.ts')),
  subscribe: lambda('subscribe', () => import('#handlers/subscribe.ts')),
  confirm: lambda('confirm', () => import('#handlers/confirm.ts')),
  'my-data': lambda('my-data', () => import('#handlers/my-data.ts')),
  suggest: lambda('suggest', () => import('#handlers/suggest.ts')),
  'suggestions-stop': lambda('suggestions-stop', () => import('#handlers/suggestions-stop.ts')),
  assets: lambda('assets', () => import('#handlers/assets.ts')),
  article: lambda('article', () => import('#handlers/article.ts')),
  'digest-page': lambda('digest-page', () => import('#handlers/digest-page.ts')),
  archive: lambda('archive', () => import('#handlers/archive.ts')),
  preview: lambda('preview', () => import('#handlers/preview.ts')),
};

export interface WebRoute extends Route {
  /** The handler module that answers it. */
  readonly entry: HttpEntry | 'preview';
}

/**
 * The local web server's routes: every route of the HTTP API's table (`#config/contract/routes.ts`),
 * matched as API Gateway matches it — a cross-origin one answering its CORS preflight itself — and the
 * local-only template preview.
 */
export function webRoutes(): WebRoute[] {
  const route = (entry: WebRoute['entry'], methods: string[], path: RegExp, routePath?: string) => ({
    entry,
    methods,
    path,
    ...(routePath ? { routePath } : {}),
    handler: async () => (await MODULES[entry]()).handler as unknown as HttpHandler,
  });
  return [
    ...HTTP_ROUTES.map((table) =>
      route(
        table.entry,
        [...table.methods, ...('crossOrigin' in table && table.crossOrigin ? ['OPTIONS'] : [])],
        pathPattern(table.path),
        table.path,
      ),
    ),
    route('preview', ['GET'], /^\/preview(\/[^/]+\/[^/]+)?\/?$/),
  ];
}
