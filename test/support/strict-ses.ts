import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sesServer as startEmulator } from '#local/emulators.ts';
import type { SesAccount } from '#local/ses-account.ts';
import { type SesFront, startSesFront } from '#local/ses-front.ts';

/**
 * The SES emulator with the strict SES front in front of it, on free local ports, for tests that drive
 * SES over HTTP without the whole local stack. `close` stops both.
 */
export async function startStrictSes(
  account: SesAccount,
  options: { eventDelayMs?: number } = {},
): Promise<{ front: SesFront; close(): Promise<void> }> {
  const emulator: Server = await startEmulator({ host: '127.0.0.1', port: 0 });
  const front = await startSesFront({
    host: '127.0.0.1',
    port: 0,
    target: `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`,
    account,
    ...options,
  });
  return {
    front,
    close: async () => {
      await front.close();
      await new Promise((resolve) => emulator.close(resolve));
    },
  };
}
