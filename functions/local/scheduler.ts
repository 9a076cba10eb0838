import {
  isIanaTimeZone,
  parseWeekday,
  TIME_OF_DAY,
  WEEKDAYS,
  type Weekday,
  weekdayIn,
} from '#core/digests/schedule-times.ts';
import { wallClockIn } from '#core/documents/dates.ts';

/**
 * The local stand-in for the EventBridge Scheduler schedules: the daily digest at `dailyAt` and the
 * weekly one on `weeklyOn` at the same time, in the publisher's time zone, checked every 30 seconds.
 */
export class LocalSchedule {
  private timer: NodeJS.Timeout | undefined;
  private readonly done = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private readonly weeklyOn: Weekday;

  constructor(
    private readonly options: {
      readonly timeZone: string;
      readonly dailyAt: string;
      readonly weeklyOn: string;
      readonly run: (cadence: 'daily' | 'weekly') => Promise<void>;
      readonly onError: (error: unknown) => void;
    },
  ) {
    if (!TIME_OF_DAY.test(options.dailyAt))
      throw new RangeError(`HERALD_DAILY_AT is "${options.dailyAt}": it must be a time like 08:00`);
    if (!isIanaTimeZone(options.timeZone))
      throw new RangeError(
        `HERALD_TIME_ZONE is "${options.timeZone}": it must be UTC or an IANA zone name like Europe/Paris`,
      );
    const day = parseWeekday(options.weeklyOn);
    if (!day) {
      const meant = parseWeekday(options.weeklyOn.trim().slice(0, 3));
      throw new RangeError(
        `HERALD_WEEKLY_ON is "${options.weeklyOn}": it must be one of ${WEEKDAYS.join(', ')}, as the CDK context's weeklyOn${meant ? ` (${meant} for ${options.weeklyOn})` : ''}`,
      );
    }
    this.weeklyOn = day;
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
    const [today, time] = wallClockIn(now, this.options.timeZone).split('T') as [string, string];
    if (time < this.options.dailyAt) return;
    const due: Array<'daily' | 'weekly'> = ['daily'];
    if (weekdayIn(now, this.options.timeZone) === this.weeklyOn) due.push('weekly');
    for (const cadence of due) {
      const key = `${cadence}:${today}`;
      if (this.done.has(key)) continue;
      this.done.add(key);
      this.running = this.running.then(() => this.options.run(cadence)).catch(this.options.onError);
    }
  }
}
