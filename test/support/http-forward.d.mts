import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export function readBody(stream: IncomingMessage): Promise<Buffer>;
export function forward(
  target: string,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>;
