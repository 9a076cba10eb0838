/**
 * Waiting callers are woken together on ticks this far apart rather than one by one: several sends per
 * wake-up instead of one. A paced sender spends much of its CPU waking up, so this is measurable
 * (`npm run bench -- fanout --recipients 10000`: 25 ms ticks cost about 0.3 ms more per mail). A send
 * goes out at most one tick after its slot, so a second may hold the slots of 1.05 seconds: within the
 * sender's 5 % headroom under its SES share, and the share itself is a hard ceiling besides.
 */
export const PACE_TICK_MS = 50;

/**
 * Sends spaced evenly at `ratePerSecond`, with no burst: each caller is given the next free slot
 * (slots 1/rate apart) and waits for it. Slots are kept on an ideal timeline, so timers firing a little
 * late do not slow the pace down; a caller that comes after an idle spell gets a slot at once, never a
 * catch-up burst (a burst the ceiling then holds back comes back a ceiling's window later, and again:
 * measured, it put 208 calls into one second at SES against a share of 198). Waiting callers are woken
 * together on ticks (`PACE_TICK_MS`).
 * A busy event loop can still wake callers late and together — a stall of 300 ms hands out 300 ms of
 * slots at once — so each send also looks at the times of the sends before it: never more in any
 * trailing second than the pace's own most (`rate · (1 + tick) + 1`), nor than `ceilingPerSecond` (the
 * SES rate this sender may use), by the clock, whatever the timers did.
 * Each sender takes its share of the SES maximum send rate (the rate divided by the number of senders
 * that may run at once), so all senders together stay under it.
 */
export interface PaceOptions {
  /** Never more sends than this in any trailing second: the SES rate this sender may use. */
  readonly ceilingPerSecond?: number;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly tickMs?: number;
}

export class SendPace {
  private next: number;
  private readonly intervalMs: number;
  private readonly ceiling: SendCeiling;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly tickMs: number;

  constructor(ratePerSecond: number, options: PaceOptions = {}) {
    if (!(ratePerSecond > 0)) throw new RangeError('the send rate must be above zero');
    this.clock = options.clock ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.tickMs = options.tickMs ?? PACE_TICK_MS;
    this.intervalMs = 1000 / ratePerSecond;
    this.next = this.clock();
    // As many as the pace itself may put in a second (its slots, moved by up to a tick), so it is only
    // ever reached by bunched-up wake-ups, which it then holds back; and never above the ceiling, in
    // whole sends. A ceiling below the pace's own rate rounded up would clip the steady pace, so it
    // goes no lower than that (it matters only for shares under about 20 a second).
    const ownMost = Math.floor(ratePerSecond * (1 + this.tickMs / 1000)) + 1;
    const ceiling = Math.max(
      Math.ceil(ratePerSecond),
      Math.floor(options.ceilingPerSecond ?? Number.POSITIVE_INFINITY),
    );
    this.ceiling = new SendCeiling(Math.min(ownMost, ceiling), 1000, {
      clock: this.clock,
      sleep: this.sleep,
    });
  }

  /**
   * Waits until this caller's slot comes, and the trailing second has room for `count` more mails (a
   * bulk call of `count` readers takes `count` slots: SES counts every recipient against its rate).
   */
  async take(count = 1): Promise<void> {
    const now = this.clock();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs * count;
    if (slot > now) {
      // Woken on the tick after the slot: callers whose slots share a tick wake together.
      const wake = this.tickMs > 0 ? Math.ceil(slot / this.tickMs) * this.tickMs : slot;
      await this.sleep(wake - now);
    }
    await this.ceiling.pass(count);
  }

  /** The most mails one call may carry and still fit this pace's trailing second. */
  get most(): number {
    return this.ceiling.most;
  }
}

/**
 * A ceiling this high is no ceiling (SES rates are in the thousands a second): it is not kept, rather
 * than a ring of that many times (a benchmark's "no limit" is a million a second).
 */
const UNLIMITED_CALLS = 100_000;

/** How often a call waiting on one still in flight looks again (see {@link SendCeiling}'s `settles`). */
const IN_FLIGHT_POLL_MS = 5;

/**
 * Never more than `most` mails in any trailing `windowMs`, by the clock: each call waits until the mails
 * `most` before its own are a window old. Whole mails, no rate: it holds back bunches and leaves an even
 * pace below it alone.
 *
 * With `settles`, a call counts from when it came back, not from when it left: `pass` hands back a
 * function the caller calls once SES answered, and until then the call's mails count as in flight (a
 * later call that would need them a window old waits). SES cannot have seen a call later than its
 * answer, so no delay on the way — a connection being opened, a busy process, a slow network — can
 * squeeze two calls a window apart at the gate into one second at SES. The price is a window of a
 * second plus a call's round trip.
 */
export class SendCeiling {
  /** When the last `most` mails passed (or came back), oldest at `oldest` (a ring). */
  private readonly recent: number[];
  /** Which pass wrote each place of the ring, so a late answer only touches its own. */
  private readonly owner: number[];
  private oldest = 0;
  private passes = 0;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly settles: boolean;

  constructor(
    most: number,
    private readonly windowMs: number,
    options: Pick<PaceOptions, 'clock' | 'sleep'> & {
      /**
       * Start as if the last window had been full, evenly: no burst of a whole window's calls at once
       * when the sender starts.
       */
      readonly warm?: boolean;
      /** Count each call from its answer (the caller settles it), not from its departure. */
      readonly settles?: boolean;
    } = {},
  ) {
    if (!(most >= 1)) throw new RangeError('a ceiling lets at least one call through');
    this.clock = options.clock ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.settles = options.settles ?? false;
    const size = most > UNLIMITED_CALLS ? 0 : Math.floor(most);
    const start = this.clock();
    this.recent = Array.from({ length: size }, (_, i) =>
      options.warm ? start - windowMs + ((i + 1) * windowMs) / size : Number.NEGATIVE_INFINITY,
    );
    this.owner = new Array<number>(size).fill(0);
  }

  /** How many a call may count at most: the window's whole room (unbounded for no ceiling). */
  get most(): number {
    return this.recent.length === 0 ? Number.POSITIVE_INFINITY : this.recent.length;
  }

  /**
   * Waits until the trailing window has room for `count` more (a bulk call's recipients, counted at
   * once), and counts them. A count above the window's whole room is counted as the whole room. The
   * function handed back settles the call (with `settles`: its mails count from now on, not before).
   */
  async pass(count = 1): Promise<() => void> {
    const size = this.recent.length;
    if (size === 0) return SETTLED;
    const n = Math.max(1, Math.min(size, Math.floor(count)));
    for (;;) {
      const at = this.clock();
      // The n oldest of the window's last `size` mails must all be a window old (or back for a window).
      let latest = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) latest = Math.max(latest, this.recent[(this.oldest + i) % size]!);
      const roomAt = latest + this.windowMs;
      if (roomAt <= at) return this.count(n, at);
      await this.sleep(Number.isFinite(roomAt) ? roomAt - at : IN_FLIGHT_POLL_MS);
    }
  }

  private count(n: number, at: number): () => void {
    const id = ++this.passes;
    const places: number[] = [];
    for (let i = 0; i < n; i++) {
      places.push(this.oldest);
      this.recent[this.oldest] = this.settles ? Number.POSITIVE_INFINITY : at;
      this.owner[this.oldest] = id;
      this.oldest = (this.oldest + 1) % this.recent.length;
    }
    if (!this.settles) return SETTLED;
    return () => {
      const back = this.clock();
      for (const place of places) if (this.owner[place] === id) this.recent[place] = back;
    };
  }
}

const SETTLED = () => undefined;

/** A back-off with full jitter: a random wait up to `baseMs · 2^attempt`, capped. */
export function backoffMs(
  attempt: number,
  baseMs = 100,
  capMs = 5_000,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/**
 * How many readers a sender puts in one SES call: at most `most` (the bulk call's 50, the claim window,
 * and the share a second in whole mails), halved when SES throttles a call and grown back by one with
 * every call it takes — an account whose real rate is below the configured one still gets mail through,
 * in smaller calls.
 */
export class BulkSize {
  private size: number;
  constructor(readonly most: number) {
    if (!(most >= 1)) throw new RangeError('a bulk call carries at least one reader');
    this.size = Math.floor(most);
  }
  get current(): number {
    return this.size;
  }
  throttled(): void {
    this.size = Math.max(1, Math.floor(this.size / 2));
  }
  taken(): void {
    this.size = Math.min(Math.floor(this.most), this.size + 1);
  }
}
