// The SES fault proxy's server, in a thread of its own: a call's arrival is stamped by this thread's
// event loop, which nothing else in the test process (the emulators, the planner, status polls) can
// hold up, so the rate measured here is the rate at which calls reached SES's door. Whether to refuse
// a call, and where to forward it, is asked of the test (see fault-proxy.ts).
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

const ask = (isSend, request) =>
  new Promise((resolve) => {
    const id = nextQuestion++;
    answers.set(id, resolve);
    parentPort.postMessage({ kind: 'ask', id, isSend, request });
  });

const sendRequest = (body) => {
  try {
    const parsed = JSON.parse(body.toString());
    return { to: parsed.Destination?.ToAddresses ?? [], from: parsed.FromEmailAddress ?? '' };
  } catch {
    return { to: [], from: '' };
  }
};

const handle = async (req, res) => {
  const at = performance.timeOrigin + performance.now();
  const isSend = req.method === 'POST' && Boolean(req.url?.startsWith('/v2/email/outbound-emails'));
  const body = await readBody(req);
  const { refusal, target } = await ask(isSend, isSend ? sendRequest(body) : undefined);
  if (refusal) {
    parentPort.postMessage({ kind: 'refused', at, type: refusal.type });
    res.writeHead(refusal.status, { 'content-type': 'application/json', 'x-amzn-errortype': refusal.type });
    res.end(JSON.stringify({ message: refusal.message }));
    return;
  }
  const answer = await forward(target, req, body);
  if (isSend && answer.status === 200) {
    const to = JSON.parse(body.toString()).Destination?.ToAddresses ?? [];
    parentPort.postMessage({ kind: 'accepted', at, to });
  }
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
};

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    res.writeHead(502);
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  parentPort.postMessage({ kind: 'listening', url: `http://127.0.0.1:${server.address().port}` });
});
