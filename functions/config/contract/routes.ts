import type { LambdaEntry } from './entries.ts';

export type RouteMethod = 'GET' | 'POST';

export interface HttpRoute {
  /** API Gateway's path syntax: `{name}` is one path segment. */
  readonly path: string;
  readonly methods: readonly RouteMethod[];
  /** The Lambda entry that answers it. */
  readonly entry: LambdaEntry;
  /** Posted from other sites' pages (the embeddable form): CORS preflights are answered for it. */
  readonly crossOrigin?: boolean;
}

/**
 * Every public route of the HTTP API, and the function that answers it: API Gateway routes these on
 * AWS, and the local web server the same (with a local-only template preview beside them).
 */
export const HTTP_ROUTES = [
  { path: '/', methods: ['GET'], entry: 'home' },
  { path: '/unsubscribe', methods: ['GET', 'POST'], entry: 'unsubscribe' },
  { path: '/preferences', methods: ['GET', 'POST'], entry: 'preferences' },
  { path: '/subscribe', methods: ['GET', 'POST'], entry: 'subscribe' },
  { path: '/api/subscribe', methods: ['POST'], entry: 'subscribe', crossOrigin: true },
  { path: '/api/subscribe/challenge', methods: ['GET'], entry: 'subscribe' },
  { path: '/confirm', methods: ['GET', 'POST'], entry: 'confirm' },
  { path: '/my-data', methods: ['GET'], entry: 'my-data' },
  { path: '/erase', methods: ['GET', 'POST'], entry: 'my-data' },
  { path: '/api/suggest', methods: ['POST'], entry: 'suggest' },
  { path: '/api/suggest/challenge', methods: ['GET'], entry: 'suggest' },
  { path: '/suggestions/stop', methods: ['GET', 'POST'], entry: 'suggestions-stop' },
  { path: '/assets/altcha.js', methods: ['GET'], entry: 'assets' },
  { path: '/articles/{id}/{lang}', methods: ['GET'], entry: 'article' },
  { path: '/digests/{id}', methods: ['GET'], entry: 'digest-page' },
  { path: '/archive/{lang}', methods: ['GET'], entry: 'archive' },
  { path: '/archive/{lang}/feed.atom', methods: ['GET'], entry: 'archive' },
] as const satisfies readonly HttpRoute[];

/** The entries the HTTP API invokes. */
export type HttpEntry = (typeof HTTP_ROUTES)[number]['entry'];

/** The methods of every cross-origin route (what the API's CORS configuration allows). */
export const crossOriginMethods = (): RouteMethod[] => [
  ...new Set(HTTP_ROUTES.flatMap((route: HttpRoute) => (route.crossOrigin ? route.methods : []))),
];

/**
 * A route's path as a pattern that matches what API Gateway matches: the same segments, each
 * `{name}` one segment that is not empty.
 */
export function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (/^\{\w+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}
