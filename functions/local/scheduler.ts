/**
 * The local stand-in for the EventBridge Scheduler schedules: the daily digest at `dailyAt` and the
 * weekly one on `weeklyOn` at the same time, in the publisher's time zone, checked every 30 seconds.
 */
export class LocalSchedule {
  private timer: NodeJS.Timeout | undefined;
  private readonly done = new Set<string>();
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      readonly timeZone: string;
      readonly dailyAt: string;
      readonly weeklyOn: string;
      readonly run: (cadence: 'daily' | 'weekly') => Promise<void>;
      readonly onError: (error: unknown) => void;
    },
  ) {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(options.dailyAt))
      throw new RangeError('HERALD_DAILY_AT must look like 08:00');
  }

  start(): void {
    this.timer = setInterval(() => this.tick(new Date()), 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs what is due at `now` (once per day or week). */
  tick(now: Date): void {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone: this.options.timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'long',
        hourCycle: 'h23',
      })
        .formatToParts(now)
        .map((p) => [p.type, p.value]),
    );
    const today = `${parts.year}-${parts.month}-${parts.day}`;
    if (`${parts.hour}:${parts.minute}` < this.options.dailyAt) return;
    const due: Array<'daily' | 'weekly'> = ['daily'];
    if (parts.weekday?.toLowerCase() === this.options.weeklyOn.toLowerCase()) due.push('weekly');
    for (const cadence of due) {
      const key = `${cadence}:${today}`;
      if (this.done.has(key)) continue;
      this.done.add(key);
      this.running = this.running.then(() => this.options.run(cadence)).catch(this.options.onError);
    }
  }
}
