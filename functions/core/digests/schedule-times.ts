/**
 * When scheduled digests run, spelled one way on AWS (the CDK context `dailyAt`, `weeklyOn`, `timeZone`)
 * and locally (`HERALD_DAILY_AT`, `HERALD_WEEKLY_ON`, `HERALD_TIME_ZONE`): the day as EventBridge
 * Scheduler's cron writes it, the time as `HH:MM`, the zone as an IANA name.
 */
export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

/** `MON` … `SUN` (any case), or undefined. */
export function parseWeekday(value: string): Weekday | undefined {
  const upper = value.trim().toUpperCase();
  return WEEKDAYS.find((day) => day === upper);
}

/** The weekday of `now` in `timeZone`, spelled as `WEEKDAYS`. */
export function weekdayIn(now: Date, timeZone: string): Weekday {
  const day = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(now);
  return day.toUpperCase() as Weekday;
}

/**
 * Whether `zone` is an IANA time zone name (`Europe/Paris`, `UTC`) that both this runtime and EventBridge
 * Scheduler know; not an offset (`+01:00`), an abbreviation (`CET` is one, and legacy) or a typo.
 */
export function isIanaTimeZone(zone: string): boolean {
  if (zone === 'UTC') return true;
  if (!/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
