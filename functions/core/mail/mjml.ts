/**
 * MJML compiling, in this thread or in a worker. A bundle built with the mjml worker beside it
 * (`mjml-worker.mjs`, see `infra/bundling.ts`: the functions that render digests) compiles there: the
 * worker loads mjml, compiles, and ends after a short idle time, so a planner paging through a large
 * audience — or a process that also sends — does not keep mjml's ~40 MB. Everywhere else (the other
 * bundles, the local stack, tests) mjml is loaded in this thread on first use.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compileMjmlHere, type MjmlOutput } from '#core/mail/mjml-compile.ts';
import type { MjmlReply } from '#core/mail/mjml-worker.ts';

export type { MjmlOutput } from '#core/mail/mjml-compile.ts';

/** How long an idle worker waits for the next compile before it ends. */
export const MJML_WORKER_IDLE_MS = 1000;

/** Beside the bundle's index.mjs when the bundle was built with it; absent when running from source. */
const WORKER_FILE = new URL('./mjml-worker.mjs', import.meta.url);

let pool: MjmlWorkerPool | null | undefined;

export function compileMjml(source: string): Promise<MjmlOutput> {
  pool ??= existsSync(fileURLToPath(WORKER_FILE)) ? new MjmlWorkerPool(WORKER_FILE) : null;
  return pool ? pool.compile(source) : compileMjmlHere(source);
}

interface Waiting {
  resolve(output: MjmlOutput): void;
  reject(error: Error): void;
}

/** One worker at a time, started on demand, ended when idle; a crashed worker fails what it had. */
export class MjmlWorkerPool {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: URL,
    private readonly idleMs = MJML_WORKER_IDLE_MS,
  ) {}

  /** Whether a worker is running now (for tests and diagnostics). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  compile(source: string): Promise<MjmlOutput> {
    clearTimeout(this.idleTimer);
    const worker = this.worker ?? this.start();
    worker.ref();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, source });
    });
  }

  private start(): Worker {
    const worker = new Worker(this.file);
    this.worker = worker;
    worker.on('message', (reply: MjmlReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(`mjml: ${reply.error}`));
      else waiting?.resolve(reply.output);
      if (this.waiting.size === 0) this.rest(worker);
    });
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`the mjml worker stopped (exit code ${code})`)));
    return worker;
  }

  /** Idle: let the process exit without it, and end it unless another compile comes soon. */
  private rest(worker: Worker) {
    worker.unref();
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.waiting.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private lost(worker: Worker, error: Error) {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
