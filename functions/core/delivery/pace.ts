/**
 * A token bucket of one token: sends spaced evenly at `ratePerSecond`, with no burst, so any sliding
 * second holds at most `ratePerSecond + 1` of them.
 * Each sender takes its share of the SES maximum send rate (the rate divided by the event source's
 * maximum concurrency), so all senders together stay under it.
 */
export class SendPace {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('the send rate must be above zero');
    this.tokens = 1;
    this.last = clock();
  }

  /** Waits until one more send is allowed. */
  async take(): Promise<void> {
    for (;;) {
      const now = this.clock();
      this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      // A hair under one counts as one: float rounding must not leave a waiter sleeping for ever.
      if (this.tokens >= 1 - 1e-9) {
        this.tokens = Math.max(0, this.tokens - 1);
        return;
      }
      await this.sleep(((1 - this.tokens) / this.ratePerSecond) * 1000);
    }
  }
}

/** A back-off with full jitter: a random wait up to `baseMs · 2^attempt`, capped. */
export function backoffMs(
  attempt: number,
  baseMs = 100,
  capMs = 5_000,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
