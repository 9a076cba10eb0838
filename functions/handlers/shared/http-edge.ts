import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { HttpError, InvalidTokenError } from '#core/errors.ts';
import { isLanguage, type Language } from '#core/i18n/languages.ts';
import { refusedHttpEvent } from '#handlers/shared/events.ts';
import {
  describeIssues,
  type HttpEvent,
  type HttpResult,
  html,
  jsonMessage,
  readForm,
  readJsonOrForm,
  refuseCrossSite,
  tooManyRequests,
  unframeable,
} from '#handlers/shared/http.ts';
import { logger } from '#handlers/shared/logger.ts';
import { startObserving } from '#handlers/shared/observed.ts';

/** What a route reads from its request, each read written once, here. */
export interface HttpRequest {
  readonly method: string;
  /** The page's language from `?lang=`, English when there is none or it is not one of the six. */
  readonly lang: Language;
  /** The link's token `t`; a link without one is a 400 that says to copy the whole link. */
  token(): string;
  /** This path with its token: where a page's own form posts back. */
  here(): string;
  /** The fields of a posted form (`application/x-www-form-urlencoded` or `multipart/form-data`). */
  form(): Promise<Record<string, string>>;
  /** A JSON object or a form body of at most `maxBytes` (`what` names the JSON fields to send). */
  jsonOrForm: (maxBytes: number, what: string) => ReturnType<typeof readJsonOrForm>;
  /** The client's address, as API Gateway saw it (what per-client limits count). */
  readonly client: string;
  /**
   * Refuses (403) a state-changing request another site's page made a browser send: the function's
   * `origins`, and `alsoFrom` (the embeddable form's sites), may post; see {@link refuseCrossSite}.
   */
  refuseCrossSite(alsoFrom?: readonly string[]): void;
}

/** A route's answer: a whole response, or a page (a string, answered 200 as HTML). */
export type Route = (event: HttpEvent, request: HttpRequest) => Promise<HttpResult | string>;
/** The answer to a refused request: a page (a string) or a whole response. */
export type ErrorPage = (
  status: number,
  message: string,
  event: HttpEvent,
) => string | HttpResult | Promise<string | HttpResult>;

export interface HttpEdgeOptions {
  readonly errorPage: ErrorPage;
  /** Said after a token's own message when the token is refused (what to do instead). */
  readonly tokenHint?: string;
  /** Headers every answer of this function carries, refusals included (CORS). */
  readonly headers?: (event: HttpEvent) => Record<string, string>;
  /** Told of a spent limit (an error with `retryAfterSeconds`, answered 429), to count it. */
  readonly onLimited?: (error: LimitError) => void;
  /** The origins whose pages may post to this function: the site's own (`site().origins`). */
  readonly origins?: readonly string[];
}

/** A limit or budget that is spent for now: answered 429 with `Retry-After`, page or API alike. */
type LimitError = HttpError & { readonly retryAfterSeconds: number };
const isLimitError = (error: unknown): error is LimitError =>
  error instanceof HttpError && typeof (error as Partial<LimitError>).retryAfterSeconds === 'number';

const NO_TOKEN = 'the link has no token: copy the whole link from the mail';
const SERVER_ERROR = 'Something went wrong on our side. Please try again later.';

/** Not a request API Gateway would make: answered 400 with what is wrong, never with a page. */
class MisfitRequestError extends HttpError {
  override readonly name = 'MisfitRequestError';
}

/** The page's language from `?lang=`, English when there is none or it is not one of the six. */
export function languageOf(event: HttpEvent): Language {
  const lang = event.queryStringParameters?.lang;
  return isLanguage(lang) ? lang : 'en';
}

function requestOf(event: HttpEvent, origins: readonly string[]): HttpRequest {
  const token = () => {
    const value = event.queryStringParameters?.t;
    if (!value) throw new HttpError(400, NO_TOKEN);
    return value;
  };
  return {
    method: event.requestContext.http.method,
    lang: languageOf(event),
    token,
    here: () => `${event.rawPath}?t=${encodeURIComponent(token())}`,
    form: async () => Object.fromEntries(await readForm(event)),
    jsonOrForm: (maxBytes, what) => readJsonOrForm(event, maxBytes, what),
    client: event.requestContext.http.sourceIp,
    refuseCrossSite: (alsoFrom = []) => refuseCrossSite(event, [...origins, ...alsoFrom]),
  };
}

type Edge = MiddlewareObj<HttpEvent, HttpResult, Error, Context>;

/** Logging context, cold start, tracing segment; the metrics flushed whatever the outcome. */
function observing(name: string): Edge {
  const ends = new WeakMap<object, (error?: unknown) => void>();
  const end = (request: object) => ends.get(request)?.();
  return {
    before: (request) => void ends.set(request, startObserving(name, request.context)),
    after: end,
    onError: end,
  };
}

/** The event-shape check: a request that does not fit goes no further. */
function eventShape(name: string): Edge {
  return {
    before: (request) => {
      const misfit = refusedHttpEvent(name, request.event);
      if (misfit) throw new MisfitRequestError(400, misfit);
    },
  };
}

/** Every answer unframeable, refusals included. */
function unframeableAnswers(headers?: (event: HttpEvent) => Record<string, string>): Edge {
  const frame = (request: { event: HttpEvent; response: HttpResult | null }) => {
    if (!request.response) return;
    const answer = request.response;
    const extra = headers?.(request.event);
    request.response = unframeable(extra ? { ...answer, headers: { ...answer.headers, ...extra } } : answer);
  };
  return { after: frame, onError: frame };
}

/** Typed errors to answers: HttpError its status, validation and token errors 400, the rest a logged 500. */
function httpErrors({ errorPage, tokenHint, onLimited }: HttpEdgeOptions): Edge {
  return {
    onError: async (request) => {
      const { error, event } = request;
      if (error instanceof MisfitRequestError) {
        request.response = { statusCode: 400, ...jsonMessage(error.message) };
        return;
      }
      if (isLimitError(error)) {
        onLimited?.(error);
        request.response = tooManyRequests(error);
        return;
      }
      const [status, message] =
        error instanceof HttpError
          ? [error.statusCode, error.message]
          : error instanceof InvalidTokenError
            ? [400, tokenHint ? `${error.message}: ${tokenHint}` : error.message]
            : error instanceof z.core.$ZodError
              ? [400, describeIssues(error)]
              : [500, SERVER_ERROR];
      if (status === 500) logger.error('request failed', { path: event.rawPath, error: error as Error });
      const page = await errorPage(status, message, event);
      request.response = typeof page === 'string' ? html(status, page) : { statusCode: status, ...page };
    },
  };
}

/**
 * An HTTP API handler: `route` parses, calls the core and maps its answer; everything around it is
 * this one chain (outermost first): observing, unframeable answers, the event-shape check, error mapping.
 */
export function httpHandler(name: string, route: Route, options: HttpEdgeOptions) {
  const chain = middy<HttpEvent, HttpResult, Error, Context>(
    async (event: HttpEvent) => {
      const answer = await route(event, requestOf(event, options.origins ?? []));
      return typeof answer === 'string' ? html(200, answer) : answer;
    },
    // Lambda's own timeout ends an invocation; no early abort of Middy's on top of it.
    { timeoutEarlyInMillis: 0 },
  )
    .use(observing(name))
    .use(unframeableAnswers(options.headers))
    .use(eventShape(name))
    .use(httpErrors(options));
  return (event: HttpEvent, context?: Context): Promise<HttpResult> =>
    chain(event, (context ?? {}) as Context);
}
