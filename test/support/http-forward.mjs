// Plain JavaScript, so that the SES fault proxy's thread (ses-fault-proxy-thread.mjs) can load it
// without a TypeScript loader; fault-proxy.ts uses it too (types in http-forward.d.mts).
import { request } from 'node:http';

/** A request's (or an answer's) whole body. */
export const readBody = (stream) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

/** Sends a request on to `target` as it came, and reads the whole answer. */
export const forward = (target, req, body) =>
  new Promise((resolve, reject) => {
    const url = new URL(target);
    const upstream = request(
      { host: url.hostname, port: url.port, path: req.url, method: req.method, headers: req.headers },
      (answer) =>
        readBody(answer).then(
          (answerBody) =>
            resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: answerBody }),
          reject,
        ),
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
