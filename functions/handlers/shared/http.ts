import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import busboy from 'busboy';
import { HttpError } from '#core/errors.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

const MAX_FORM_BYTES = 16 * 1024;

/** The raw request body; API Gateway base64-encodes bodies it does not consider text. */
export function bodyBytes(event: HttpEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * Fields of an `application/x-www-form-urlencoded` or `multipart/form-data` body (mail providers send
 * RFC 8058 one-click POSTs as either). Anything else is a 415 that says what to send.
 */
export function readForm(event: HttpEvent): Promise<Map<string, string>> {
  const contentType = header(event, 'content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(contentType)) {
    return Promise.reject(
      new HttpError(415, 'send the form as application/x-www-form-urlencoded or multipart/form-data'),
    );
  }
  const body = bodyBytes(event);
  if (body.length > MAX_FORM_BYTES) return Promise.reject(new HttpError(413, 'the form is too large'));
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { files: 0, fields: 20 } });
    } catch (cause) {
      reject(
        new HttpError(400, 'the form body could not be read: check its content type and boundary', { cause }),
      );
      return;
    }
    parser.on('field', (name, value) => fields.set(name, value));
    parser.on('error', (cause) => reject(new HttpError(400, 'the form body is malformed', { cause })));
    parser.on('close', () => resolve(fields));
    parser.end(body);
  });
}

/**
 * A request body that is a JSON object or a form (API callers send JSON, pages post forms), at most
 * `maxBytes`; anything else is a 4xx that says what to send (`what` names the expected JSON fields).
 */
export async function readJsonOrForm(
  event: HttpEvent,
  maxBytes: number,
  what: string,
): Promise<
  { kind: 'json'; value: Record<string, unknown> } | { kind: 'form'; value: Record<string, string> }
> {
  const body = bodyBytes(event);
  if (body.length > maxBytes) throw new HttpError(413, `the request body is larger than ${maxBytes} bytes`);
  if (/^application\/json\b/i.test(header(event, 'content-type') ?? '')) {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      value = undefined;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new HttpError(400, `the body is not a JSON object: ${what}`);
    }
    return { kind: 'json', value: value as Record<string, unknown> };
  }
  return { kind: 'form', value: Object.fromEntries(await readForm(event)) };
}

const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";
/** The policy of a page with Herald's own proof-of-work widget: it solves in workers from data: URLs. */
export const WIDGET_POLICY =
  "default-src 'none'; script-src 'self'; worker-src 'self' data: blob:; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'";

/** An HTML page, uncached, with a strict content security policy (`policy` to loosen it for one page). */
export function html(statusCode: number, page: string, policy = PAGE_POLICY): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy': policy,
    },
    body: page,
  };
}

/** A 429 for a spent limit or budget: JSON `{ message, retryAfterSeconds }` and `Retry-After`. */
export function tooManyRequests(
  error: Error & { retryAfterSeconds: number },
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode: 429,
    headers: {
      'retry-after': String(error.retryAfterSeconds),
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({ message: error.message, retryAfterSeconds: error.retryAfterSeconds }),
  };
}

/**
 * No page of Herald's may be framed by another (clickjacking a one-click unsubscribe or a form): every
 * answer says so twice, `frame-ancestors 'none'` in its content security policy and `X-Frame-Options`
 * for older browsers.
 */
export function unframeable(result: HttpResult): HttpResult {
  const headers = { ...(result.headers ?? {}) } as Record<string, string | number | boolean>;
  const policy = headers['content-security-policy'];
  headers['content-security-policy'] =
    typeof policy === 'string' && policy !== ''
      ? /frame-ancestors/.test(policy)
        ? policy
        : `${policy}; frame-ancestors 'none'`
      : "frame-ancestors 'none'";
  headers['x-frame-options'] = 'DENY';
  return { ...result, headers };
}

/** A validation failure as one message that names each field and what to fix. */
export function describeIssues(error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>;
}): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** The origin of the public base URL: the site whose own pages may post Herald's forms. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * Refuses a state-changing request that another site's page made a browser send (CSRF: it would spread
 * one client's limits over every visitor of that page): `Sec-Fetch-Site` when the browser sends it, else
 * `Origin`, checked against `allowedOrigins` (the site's own origin, and for the embeddable form the
 * CORS allow-list). A request with neither header is not from a browser's page — a mail provider's
 * RFC 8058 one-click POST, a script — and goes on: its own limits and tokens apply.
 */
export function refuseCrossSite(event: HttpEvent, allowedOrigins: readonly string[]): void {
  const site = header(event, 'sec-fetch-site')?.trim().toLowerCase();
  if (site === 'same-origin' || site === 'none') return;
  const origin = header(event, 'origin')?.trim();
  if (origin && allowedOrigins.includes(origin)) return;
  if (!site && !origin) return;
  throw new HttpError(
    403,
    origin && origin !== 'null'
      ? `this form cannot be sent from a page of ${origin.slice(0, 100)}: use the form on this site`
      : 'this form cannot be sent from another site: use the form on this site',
  );
}

/** CORS headers for a request from one of `allowed` (the embeddable subscribe form's sites). */
export function corsHeaders(event: HttpEvent, allowed: readonly string[]): Record<string, string> {
  const origin = header(event, 'origin');
  if (!origin || !allowed.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': 'content-type',
  };
}

/** A JSON answer `{ message }` for API callers. */
export function jsonMessage(message: string, headers: Record<string, string> = {}): HttpResult {
  return { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ message }) };
}
