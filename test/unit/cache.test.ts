import { describe, expect, it } from 'vitest';
import { cachedFor } from '#builders/cache.ts';

describe('a read cached for a moment', () => {
  it('is made once within the moment, again after it, and a failed read is not kept', async () => {
    let clock = 0;
    let calls = 0;
    let fail = false;
    const read = cachedFor(
      1000,
      async (key: string) => {
        calls++;
        if (fail) throw new Error('unavailable');
        return `${key}@${clock}`;
      },
      () => clock,
    );
    expect(await read('d_1')).toBe('d_1@0');
    clock = 999;
    expect(await read('d_1')).toBe('d_1@0');
    expect(calls).toBe(1);
    clock = 1000;
    fail = true;
    await expect(read('d_1')).rejects.toThrow('unavailable');
    fail = false;
    expect(await read('d_1')).toBe('d_1@1000');
    expect(calls).toBe(3);
  });
});
