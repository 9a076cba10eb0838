/**
 * The mjml worker: a thread that compiles MJML for the bundles that render digests (see
 * `infra/bundling.ts`), so mjml's memory is given back when the thread ends instead of staying for the
 * rest of a long planning run.
 */
import { parentPort } from 'node:worker_threads';
import { compileMjmlHere, type MjmlOutput } from '#core/mail/mjml-compile.ts';

export interface MjmlRequest {
  readonly id: number;
  readonly source: string;
}

export type MjmlReply =
  | { readonly id: number; readonly output: MjmlOutput }
  | { readonly id: number; readonly error: string };

parentPort?.on('message', async ({ id, source }: MjmlRequest) => {
  let reply: MjmlReply;
  try {
    reply = { id, output: await compileMjmlHere(source) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
