// The SES fault proxy's server, in a thread of its own: a call's arrival is stamped by this thread's
// event loop, which nothing else in the test process (the emulators, the planner, status polls) can
// hold up, so the rate measured here is the rate at which mails reached SES's door. Whether to refuse
// a call (or one entry of a bulk call), and where to forward it, is asked of the test (see fault-proxy.ts).
import { createServer } from 'node:http';
import { parentPort } from 'node:worker_threads';
import { forward, readBody } from './http-forward.mjs';

const answers = new Map();
let nextQuestion = 0;
parentPort.on('message', (message) => {
  if (message.kind === 'answer') {
    answers.get(message.id)?.(message);
    answers.delete(message.id);
  } else if (message.kind === 'close') {
    server.close(() => parentPort.close());
    server.closeAllConnections();
  }
});

const ask = (question) =>
  new Promise((resolve) => {
    const id = nextQuestion++;
    answers.set(id, resolve);
    parentPort.postMessage({ kind: 'ask', id, ...question });
  });

const SINGLE = '/v2/email/outbound-emails';
const BULK = '/v2/email/outbound-bulk-emails';

/** A refused entry's status in a bulk answer, by the error SES would have thrown for a single send. */
const STATUS = {
  TooManyRequestsException: 'ACCOUNT_THROTTLED',
  LimitExceededException: 'ACCOUNT_DAILY_QUOTA_EXCEEDED',
  MessageRejected: 'MESSAGE_REJECTED',
  BadRequestException: 'INVALID_PARAMETER',
};

const parse = (body) => {
  try {
    return JSON.parse(body.toString());
  } catch {
    return {};
  }
};

/** The recipients of each mail in a call: one list for SendEmail, one per entry for SendBulkEmail. */
const mailsOf = (parsed, bulk) =>
  bulk
    ? (parsed.BulkEmailEntries ?? []).map((entry) => entry.Destination?.ToAddresses ?? [])
    : [parsed.Destination?.ToAddresses ?? []];

const refuse = (res, refusal) => {
  res.writeHead(refusal.status, { 'content-type': 'application/json', 'x-amzn-errortype': refusal.type });
  res.end(JSON.stringify({ message: refusal.message }));
};

const handle = async (req, res) => {
  const at = performance.timeOrigin + performance.now();
  const bulk = req.method === 'POST' && Boolean(req.url?.startsWith(BULK));
  const isSend = bulk || (req.method === 'POST' && Boolean(req.url?.startsWith(SINGLE)));
  let body = await readBody(req);
  const parsed = isSend ? parse(body) : {};
  const mails = isSend ? mailsOf(parsed, bulk) : [];
  const from = parsed.FromEmailAddress ?? '';
  const { refusal, target, entryRefusals } = await ask({
    isSend,
    request: isSend ? { to: mails.flat(), from, mails } : undefined,
  });
  if (refusal) {
    for (const _ of mails) parentPort.postMessage({ kind: 'refused', at, type: refusal.type });
    return refuse(res, refusal);
  }
  // One recipient's refusal: the whole call for SendEmail, that entry's result for SendBulkEmail.
  const refusedEntries = entryRefusals ?? [];
  if (!bulk && refusedEntries[0]) {
    parentPort.postMessage({ kind: 'refused', at, type: refusedEntries[0].type });
    return refuse(res, refusedEntries[0]);
  }
  const entries = bulk ? (parsed.BulkEmailEntries ?? []) : [];
  const taken = entries.filter((_, i) => !refusedEntries[i]);
  if (bulk && taken.length < entries.length) {
    if (taken.length === 0) {
      const results = entries.map((_, i) => entryResult(refusedEntries[i], at));
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ BulkEmailEntryResults: results }));
    }
    body = Buffer.from(JSON.stringify({ ...parsed, BulkEmailEntries: taken }));
    req.headers['content-length'] = String(body.length);
  }
  const answer = await forward(target, req, body);
  if (!isSend || answer.status !== 200) {
    res.writeHead(answer.status, answer.headers);
    return res.end(answer.body);
  }
  if (!bulk) {
    parentPort.postMessage({ kind: 'accepted', at, to: mails[0] });
    res.writeHead(answer.status, answer.headers);
    return res.end(answer.body);
  }
  const answered = parse(answer.body).BulkEmailEntryResults ?? [];
  let next = 0;
  const results = entries.map((entry, i) => {
    if (refusedEntries[i]) return entryResult(refusedEntries[i], at);
    const result = answered[next++] ?? { Status: 'TRANSIENT_FAILURE', Error: 'no result' };
    if (result.Status === 'SUCCESS')
      parentPort.postMessage({ kind: 'accepted', at, to: entry.Destination?.ToAddresses ?? [] });
    return result;
  });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ BulkEmailEntryResults: results }));
};

function entryResult(refusal, at) {
  parentPort.postMessage({ kind: 'refused', at, type: refusal.type });
  return { Status: STATUS[refusal.type] ?? 'FAILED', Error: refusal.message };
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    res.writeHead(502);
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  parentPort.postMessage({ kind: 'listening', url: `http://127.0.0.1:${server.address().port}` });
});
